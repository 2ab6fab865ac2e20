# List builtins on lists of 10^4-10^5 elements: genList, map, filter, foldl',
# concatMap, elemAt, length, any/all, sort with a comparator lambda.
let
  n = 60000;
  # a cheap deterministic scramble of 0..n-1 (7919 is prime, coprime to n)
  keys = builtins.genList (i: builtins.bitXor (mod (i * 7919) n) 21845) n;
  squares = map (k: k * k) keys;
  odd = builtins.filter (k: builtins.bitAnd k 1 == 1) keys;
  pairs = builtins.concatMap (k: [ k (k + 1) ]) odd;
  sorted = builtins.sort (a: b: a < b) keys;
  byLastDigit = builtins.sort (a: b: let x = mod a 10; y = mod b 10; in x < y || x == y && a > b) odd;
  sumOf = builtins.foldl' builtins.add 0;
  strided = builtins.genList (i: builtins.elemAt sorted (i * 7)) (n / 7);
  mod = a: m: a - a / m * m;
  checksum = builtins.foldl' (acc: x: mod (acc * 31 + x) 1000003) 7;
in
{
  squares = sumOf squares;
  pairs = builtins.length pairs;
  sortedHash = checksum sorted;
  digitHash = checksum byLastDigit;
  strided = sumOf strided;
  anyBig = builtins.any (k: k > 80000) keys;
  allSmall = builtins.all (k: k < 100000) pairs;
  heads = [ (builtins.head sorted) (builtins.head byLastDigit) (builtins.elemAt sorted (n - 1)) ];
}
