{
  services.nginx.enable = true;
  services.nginx.virtualHosts."example.org" = {
    root = "/var/www";
  };
  services.nginx.virtualHosts."example.org".forceSSL = true;
  networking = { hostName = "box"; };
  networking.firewall.allowedTCPPorts = [ 80 443 ];
  users.users.alice = { isNormalUser = true; };
  users.users.alice.extraGroups = [ "wheel" ];
}
