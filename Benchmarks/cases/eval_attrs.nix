# Attribute sets: listToAttrs with 100000 names, lookups by computed names,
# `//` in a loop growing a set, `rec` sets, nested paths, `or`, `?`,
# attrNames/attrValues/mapAttrs/removeAttrs.
let
  n = 100000;
  name = i: "k${toString i}";
  big = builtins.listToAttrs (builtins.genList (i: { name = name i; value = i * 2; }) n);
  lookups = builtins.foldl' (acc: i: acc + big.${name (n - 1 - i)}) 0 (builtins.genList (i: i) n);
  missing = builtins.foldl' (acc: i: acc + (big.${"x${toString i}"} or 1)) 0 (builtins.genList (i: i) 60000);
  present = builtins.length (builtins.filter (i: big ? ${name (i * 5)}) (builtins.genList (i: i) 30000));
  # `//` in a loop: the set grows by one name per step (quadratic copying)
  grown = builtins.foldl' (s: i: s // { ${name i} = i; last = i; }) { } (builtins.genList (i: i) 4000);
  # rec sets and nested attribute paths
  mk = i: rec {
    a = i;
    b = a + 1;
    c.d.e = b * 2;
    c.d.f = c.d.e + a;
    g = { h = c.d.f; } // { i = b; };
  };
  recSum = builtins.foldl' (acc: i: let s = mk i; in acc + s.c.d.f + s.g.h + s.g.i + (s.c.x.y or 0)) 0 (builtins.genList (i: i) 60000);
  mapped = builtins.mapAttrs (k: v: v + 1) big;
  pruned = builtins.removeAttrs mapped (builtins.genList name 25000);
  values = builtins.foldl' builtins.add 0 (builtins.attrValues pruned);
in
{
  inherit lookups missing present recSum values;
  grown = builtins.length (builtins.attrNames grown) + grown.last;
  names = builtins.head (builtins.attrNames pruned) + builtins.elemAt (builtins.attrNames big) 777;
  intersect = builtins.length (builtins.attrNames (builtins.intersectAttrs pruned big));
}
