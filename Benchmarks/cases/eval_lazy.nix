# Laziness: infinite streams built from thunks (naturals, primes by trial
# division, a Fibonacci stream), and genList/map over a million elements of
# which only a few hundred are forced; unused bindings that would throw.
let
  # a stream is { head; tail; } with `tail` a thunk
  from = n: { head = n; tail = from (n + 1); };
  take = k: s: if k == 0 then [ ] else [ s.head ] ++ take (k - 1) s.tail;
  # forces each head on the way, so no long chain of pending additions builds up
  drop = k: s: if k == 0 then s else builtins.seq s.head (drop (k - 1) s.tail);
  smap = f: s: { head = f s.head; tail = smap f s.tail; };
  sfilter = p: s: if p s.head then { head = s.head; tail = sfilter p s.tail; } else sfilter p s.tail;
  zipWith = f: a: b: { head = f a.head b.head; tail = zipWith f a.tail b.tail; };
  mod = a: m: a - a / m * m;
  # primes: keep n if no smaller prime p with p*p <= n divides it
  primes = { head = 2; tail = sfilter isPrime (from 3); };
  isPrime = n: let go = s: s.head * s.head > n || mod n s.head != 0 && go s.tail; in go primes;
  fibs = { head = 0; tail = { head = 1; tail = zipWith (a: b: mod (a + b) 1000000007) fibs fibs.tail; }; };
  # big lazy lists: only a few elements are ever forced
  huge = builtins.genList (i: if i == 999999 then i else if mod i 1000 == 0 then i * 2 else throw "forced ${toString i}") 1000000;
  mapped = map (x: x + 1) huge;
  picks = builtins.genList (j: builtins.elemAt mapped (j * 1000)) 1000;
  unused = { a = throw "a"; b = abort "b"; c = import ./does-not-exist.nix; };
  sums = builtins.foldl' builtins.add 0;
in
{
  primes = sums (take 4000 primes);
  prime8000 = (drop 7999 primes).head;
  fib = (drop 15000 fibs).head;
  squares = sums (take 1000 (smap (x: x * x) (drop 15000 (from 0))));
  picks = sums picks;
  last = builtins.elemAt mapped 999999;
  length = builtins.length mapped + builtins.length (builtins.attrNames unused);
}
