# JSON: toJSON of a nested structure of 40000 records (strings with escapes,
# numbers, booleans, null, lists, sets), fromJSON of the result, and a second
# round trip that must give the same text.
let
  n = 40000;
  record = i: {
    id = i;
    name = "item \"${toString i}\"\t/\\ ${builtins.elemAt [ "" "ünï" "cødé" "€" "\n" ] (i - i / 5 * 5)}";
    tags = builtins.genList (j: "t${toString (i + j)}") (i - i / 4 * 4);
    active = i - i / 2 * 2 == 0;
    parent = if i == 0 then null else i / 2;
    nested = { depth = { level = i - i / 10 * 10; ratio = -i; }; empty = { }; list = [ ]; };
  };
  data = { version = 3; items = builtins.genList record n; meta = { generator = "swix-bench"; }; };
  json = builtins.toJSON data;
  back = builtins.fromJSON json;
  json2 = builtins.toJSON back;
  sumIds = builtins.foldl' (s: r: s + r.id + builtins.length r.tags + r.nested.depth.level) 0 back.items;
in
{
  length = builtins.stringLength json;
  hash = builtins.hashString "sha256" json;
  same = json == json2;
  inherit sumIds;
  parents = builtins.length (builtins.filter (r: r.parent == null) back.items);
  name = (builtins.elemAt back.items 13).name;
}
