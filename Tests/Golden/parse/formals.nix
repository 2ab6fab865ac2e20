[
  ({ stdenv, fetchurl, lib ? null, withFoo ? false, ... }: stdenv)
  ({ pkgs, ... } @ args: args)
  (args @ { self, nixpkgs }: self)
  ({ }: 0)
  ({ ... }: 1)
  ({ a, b, }: a)
  ({ f ? x: x, g ? { }, h ? [ 1 ] }: f g)
  (x: y: z: x)
]
