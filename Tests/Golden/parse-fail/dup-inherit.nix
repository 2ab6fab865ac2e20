{ lib }:
let
  inherit (lib) mkIf;
in {
  inherit mkIf;
  inherit (lib) optional mkIf;
}
