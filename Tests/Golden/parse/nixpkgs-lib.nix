let
  inherit (builtins) head tail length elemAt filter;

  fold = op: nul: list:
    let
      len = length list;
      go = n: if n == len then nul else op (elemAt list n) (go (n + 1));
    in go 0;

  concatMapStrings = f: list: fold (x: acc: f x + acc) "" list;

  optionalAttrs = cond: as: if cond then as else { };

  recursiveUpdate = lhs: rhs:
    lhs // rhs // builtins.mapAttrs
      (name: value:
        if builtins.isAttrs value && lhs ? ${name} && builtins.isAttrs lhs.${name}
        then recursiveUpdate lhs.${name} value
        else value)
      rhs;

  range = first: last:
    if first > last then [ ] else builtins.genList (n: first + n) (last - first + 1);
in {
  inherit fold concatMapStrings optionalAttrs recursiveUpdate range;
  evens = filter (x: x / 2 * 2 == x) (range 1 10);
  greeting = concatMapStrings (s: s + " ") [ "hello" "world" ];
  count = length (tail [ (head [ 1 ]) 2 3 ]);
}
