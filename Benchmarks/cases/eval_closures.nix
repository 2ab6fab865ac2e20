# Higher-order calls: closures capturing their environment, partial
# application, function composition chains, Church numerals, and lambdas with
# formals, defaults and `@` patterns called with attribute sets.
let
  compose = f: g: x: f (g x);
  pipeline = builtins.foldl' compose (x: x);
  adders = builtins.genList (i: x: x + i) 100;
  addAll = pipeline adders;
  # Church numerals: n f x = f applied n times
  zero = f: x: x;
  succ = n: f: x: f (n f x);
  plus = m: n: f: x: m f (n f x);
  times = m: n: f: m (n f);
  toInt = n: n (x: x + 1) 0;
  church = k: if k == 0 then zero else succ (church (k - 1));
  mod = a: m: a - a / m * m;
  # many small products: toInt's nesting depth is the value, so keep it small
  churches = builtins.genList (i: toInt (plus (times (church (mod i 40)) (church (mod i 30 + 1))) (church 7))) 2000;
  # formals with defaults and `@`
  configure = { name, version ? "1.0", flags ? [ ], ... }@args:
    builtins.stringLength name + builtins.stringLength version + builtins.length flags + (if args ? extra then 1 else 0);
  configs = builtins.genList (i: configure ({ name = "p${toString i}"; flags = builtins.genList (j: j) (mod i 4); }
    // (if mod i 3 == 0 then { version = "2.${toString i}"; } else { extra = true; }))) 80000;
  # counters built from closures over closures
  counter = start: { value = start; next = counter (start + 1); add = k: counter (start + k); };
  walk = c: k: if k == 0 then c.value else walk ((c.add 2).next) (k - 1);
in
{
  adds = builtins.foldl' (s: i: s + addAll i) 0 (builtins.genList (i: i) 10000);
  church = builtins.foldl' builtins.add 0 churches;
  configs = builtins.foldl' builtins.add 0 configs;
  walk = walk (counter 0) 10000;
}
