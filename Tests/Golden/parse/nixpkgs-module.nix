{ config, lib, pkgs, ... }:

let
  cfg = config.services.example;
  inherit (lib) mkIf mkOption mkEnableOption types;
in
{
  options.services.example = {
    enable = mkEnableOption "the example service";
    port = mkOption {
      type = types.port;
      default = 8080;
      description = "Port to listen on.";
    };
    extraArgs = mkOption {
      type = types.listOf types.str;
      default = [ ];
    };
  };

  config = mkIf cfg.enable {
    systemd.services.example = {
      wantedBy = [ "multi-user.target" ];
      after = [ "network.target" ];
      serviceConfig = {
        ExecStart = "${pkgs.example}/bin/example --port ${toString cfg.port} ${lib.escapeShellArgs cfg.extraArgs}";
        DynamicUser = true;
        Restart = "on-failure";
      };
    };
    networking.firewall.allowedTCPPorts = lib.optional (cfg.port != 80) cfg.port;
  };
}
