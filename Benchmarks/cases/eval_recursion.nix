# Deep non-tail recursion, depth 20000: recursive calls under `+`, `&&`/`||`,
# a `let` and mutual recursion (Nix has no tail calls, so every level stacks).
let
  depth = 20000;
  sumTo = n: if n == 0 then 0 else n + sumTo (n - 1);
  xs = builtins.genList (i: i * 3) depth;
  sumFrom = i: if i == depth then 0 else builtins.elemAt xs i + sumFrom (i + 1);
  allBelow = bound: i: i == depth || builtins.elemAt xs i < bound && allBelow bound (i + 1);
  isEven = n: if n == 0 then true else isOdd (n - 1);
  isOdd = n: if n == 0 then false else isEven (n - 1);
  maxTo = n: if n == 0 then 0 else let m = maxTo (n - 1); in if m > n * 7 - 3 then m else n * 7 - 3;
  round = r: sumTo (depth - r) + sumFrom r + maxTo (depth - r);
in
{
  rounds = builtins.foldl' builtins.add 0 (builtins.genList round 40);
  below = [ (allBelow (3 * depth) 0) (allBelow 45000 0) ];
  parity = isEven depth;
}
