# A nixpkgs-style package set: `fix` over `extends`-composed overlays,
# `callPackage` matching functionArgs against the set via intersectAttrs,
# `override`, and 40000 packages whose dependencies point back into the set.
let
  fix = f: let x = f x; in x;
  extends = overlay: f: final: let prev = f final; in prev // overlay final prev;
  composeAll = builtins.foldl' (f: o: extends o f);

  makeOverridable = fn: args:
    let r = fn args; in r // { override = newArgs: makeOverridable fn (args // newArgs); };
  callPackageWith = scope: fn: extra:
    makeOverridable fn (builtins.intersectAttrs (builtins.functionArgs fn) scope // extra);

  count = 40000;
  mod = a: m: a - a / m * m;
  pname = i: "pkg${toString i}";
  # a package depends on up to two earlier packages, passed as formals
  mkPkg = i: { lib, stdenv, dep1 ? null, dep2 ? null, enableExtra ? false }:
    stdenv.mk {
      name = pname i;
      deps = builtins.filter (d: d != null) [ dep1 dep2 ];
      extra = enableExtra;
    };
  base = final: {
    lib = { add = a: b: a + b; };
    stdenv = {
      mk = { name, deps, extra }: {
        inherit name;
        weight = builtins.foldl' (s: d: mod (s * 3 + d.weight) 1000003) (if extra then 2 else 1) deps;
      };
    };
    callPackage = callPackageWith final;
  };
  # overlay 1: the packages themselves
  packages = final: prev: builtins.listToAttrs (builtins.genList (i: {
    name = pname i;
    value = final.callPackage (mkPkg i) (
      (if i >= 1 then { dep1 = final.${pname (i / 2)}; } else { })
      // (if i >= 3 then { dep2 = final.${pname (i * 2 / 3)}; } else { }));
  }) count);
  # overlays 2..41: overlay k overrides every 97th package from offset k
  tweaks = k: final: prev: builtins.listToAttrs (builtins.genList (j: let name = pname (j * 97 + k); in {
    inherit name;
    value = prev.${name}.override { enableExtra = true; };
  }) (count / 97));
  # last overlay: replace stdenv, seen by every package through `final`
  stdenvOverlay = final: prev: {
    stdenv = prev.stdenv // {
      mk = args: prev.stdenv.mk args // { tag = builtins.substring 0 4 args.name; };
    };
  };
  pkgs = fix (composeAll base ([ packages ] ++ builtins.genList tweaks 40 ++ [ stdenvOverlay ]));
  names = builtins.genList pname count;
in
{
  total = builtins.foldl' (s: n: s + pkgs.${n}.weight) 0 names;
  last = pkgs.${pname (count - 1)}.weight;
  tags = builtins.length (builtins.filter (n: pkgs.${n} ? tag) names);
}
