{ lib, ... }:
{
  value = lib.mkDefault unknownThing;
}
