# Derivation instantiation without writing to the store: 5000 `derivation`
# calls in a dependency graph (each takes earlier outPaths as inputs, several
# outputs, many environment attributes); drvPath/outPath folded into a sha256.
let
  count = 5000;
  mod = a: m: a - a / m * m;
  mk = i: derivation ({
    name = "bench-pkg-${toString i}";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo ${toString i} > $out" ];
    outputs = [ "out" "dev" "doc" ];
    version = "1.${toString (mod i 10)}.${toString (mod i 7)}";
    buildInputs = builtins.genList (j: drvs.${toString (i / (j + 2))}) (if i < 2 then 0 else mod i 5 + 1);
    nativeBuildInputs = if i < 3 then [ ] else [ drvs.${toString (i - 1)}.dev drvs.${toString (i / 3)}.doc ];
    configureFlags = builtins.genList (j: "--with-feature-${toString j}=${toString (i + j)}") 8;
    enableParallelBuilding = mod i 2 == 0;
    meta_priority = i;
    preferLocalBuild = true;
  } // builtins.listToAttrs (builtins.genList (j: { name = "EXTRA_${toString j}"; value = "value ${toString j} of ${toString i}"; }) 10));
  drvs = builtins.listToAttrs (builtins.genList (i: { name = toString i; value = mk i; }) count);
  all = builtins.genList (i: drvs.${toString i}) count;
in
{
  drvPaths = builtins.hashString "sha256" (builtins.concatStringsSep ":" (map (d: d.drvPath) all));
  outPaths = builtins.hashString "sha256" (builtins.concatStringsSep ":" (map (d: d.outPath + d.dev.outPath) all));
  last = (builtins.elemAt all (count - 1)).name;
}
