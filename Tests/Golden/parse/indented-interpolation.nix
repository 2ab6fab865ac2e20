pkgs: name: {
  script = ''
    #!/bin/sh
    echo "Hello, ${name}"
    ${pkgs.coreutils}/bin/ls -l
      ${name}
  '';
  inline = ''a ${name} b'';
  only = ''${name}'';
  leading = ''
      ${name} x
    y
  '';
}
