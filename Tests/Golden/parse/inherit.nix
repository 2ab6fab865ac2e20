let
  lib = import <nixpkgs/lib>;
  pkgs = { hello = 1; world = 2; };
  version = "1.0";
in {
  inherit version lib;
  inherit (pkgs) world hello;
  inherit (lib.strings) concatStrings;
  inherit ("x") "quoted" ${"dyn"};
  name = "demo-${version}";
}
