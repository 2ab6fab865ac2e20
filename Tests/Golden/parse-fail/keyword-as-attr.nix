pkgs: pkgs.let
