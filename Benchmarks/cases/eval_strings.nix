# Strings: interpolation, toString, concatStringsSep over 700 KB of text,
# replaceStrings with several patterns, substring windows, a byte-by-byte
# reverse, splitting into lines and fields; results folded into sha256s.
let
  n = 20000;
  words = [ "alpha" "beta" "gamma" "delta" "epsilon" "zeta" "eta" "theta" ];
  word = i: builtins.elemAt words (i - i / 8 * 8);
  line = i: "${word i}-${toString i}: ${word (i * 3)}/${word (i + 5)} = ${toString (i * i)};";
  text = builtins.concatStringsSep "\n" (builtins.genList line n);
  replaced = builtins.replaceStrings [ "alpha" "eta" "-" ";" "= " ] [ "A" "H" "_" "" "=>" ] text;
  # substring walk: take every 16-byte window start, keep the first 3 bytes
  windows = builtins.concatStringsSep "" (builtins.genList (i: builtins.substring (i * 16) 3 replaced) (builtins.stringLength replaced / 16));
  # split lines on "\n", then each line on ": "
  lines = builtins.filter builtins.isString (builtins.split "\n" text);
  fields = map (l: builtins.filter builtins.isString (builtins.split ": " l)) lines;
  keys = builtins.concatStringsSep "," (map builtins.head fields);
  # a character-by-character reverse of a 2000-byte string
  rev = s: builtins.concatStringsSep "" (builtins.genList (i: builtins.substring (builtins.stringLength s - 1 - i) 1 s) (builtins.stringLength s));
  reversed = rev (builtins.substring 0 2000 text);
  padded = builtins.concatStringsSep "|" (builtins.genList (i: let s = toString i; in builtins.substring 0 (6 - builtins.stringLength s) "000000" + s) n);
in
{
  length = builtins.stringLength text;
  text = builtins.hashString "sha256" text;
  replaced = builtins.hashString "sha256" replaced;
  windows = builtins.hashString "sha256" windows;
  keys = builtins.hashString "sha256" keys;
  reversed = builtins.hashString "sha256" reversed;
  padded = builtins.substring 0 20 padded + builtins.hashString "sha256" padded;
  lines = builtins.length lines;
}
