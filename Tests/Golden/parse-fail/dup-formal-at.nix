pkgs @ { lib, pkgs }: lib
