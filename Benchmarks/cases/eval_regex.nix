# Regular expressions: builtins.match with groups, alternation and classes on
# 20000 short strings, and builtins.split with capture groups on their
# 500 KB concatenation.
let
  n = 20000;
  parts = [ "lib" "core" "net" "ui" "db" ];
  part = i: builtins.elemAt parts (i - i / 5 * 5);
  version = i: "${toString (i / 100)}.${toString (i / 10 - i / 100 * 10)}.${toString (i - i / 10 * 10)}";
  names = builtins.genList (i:
    if i - i / 3 * 3 == 0 then "${part i}-${part (i / 5)}-${version i}"
    else if i - i / 3 * 3 == 1 then "${part i}_${toString i}.tar.gz"
    else "python3.${toString (i - i / 13 * 13)}-${part i}-${version (i * 7)}-rc${toString (i / 50)}") n;
  # name and version of a "pname-version" string, as parseDrvName would
  nameVer = s: builtins.match "(([a-z0-9]+[-_.]?)*[a-z]+)-([0-9]+(\\.[0-9]+)*)(-rc[0-9]+)?" s;
  archive = s: builtins.match "([a-z]+)_([0-9]+)\\.(tar\\.(gz|xz)|zip)" s;
  matched = map (s: let a = nameVer s; b = archive s; in
    if a != null then "${builtins.elemAt a 0}@${builtins.elemAt a 2}"
    else if b != null then "${builtins.elemAt b 0}#${builtins.elemAt b 3}"
    else "?") names;
  # split on separators, keeping what the capture groups saw
  joined = builtins.concatStringsSep " " names;
  pieces = builtins.split "([-_.])|( )" joined;
  seps = builtins.filter builtins.isList pieces;
  spaces = builtins.length (builtins.filter (g: builtins.elemAt g 1 != null) seps);
  digits = builtins.split "[0-9]+" (builtins.substring 0 100000 joined);
in
{
  matched = builtins.hashString "sha256" (builtins.concatStringsSep "," matched);
  misses = builtins.length (builtins.filter (m: m == "?") matched);
  pieces = builtins.length pieces;
  inherit spaces;
  digits = builtins.length digits;
  sample = builtins.elemAt matched 2;
}
