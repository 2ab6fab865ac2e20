{
  services.openssh.enable = true;
  services.openssh.ports = [ 22 ];
  services.openssh.enable = false;
}
