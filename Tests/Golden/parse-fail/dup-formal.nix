{ stdenv, fetchurl, stdenv }:
stdenv.mkDerivation { }
