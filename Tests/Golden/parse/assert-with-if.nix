{ lib, stdenv, enableFoo ? false }:

assert enableFoo -> stdenv.isLinux;
assert lib.versionAtLeast "2.0" "1.0";

with lib;

if enableFoo then
  if stdenv.isDarwin then "darwin-foo" else "foo"
else
  optionalString stdenv.isLinux "linux" + "-default"
