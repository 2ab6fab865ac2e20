# bench: --parse
# Library functions in the style of nixpkgs' lib/: many small lambdas, nested
# `if`/`let`, selections with `or`, `builtins` calls and operator chains.
# Written so that nix-instantiate 2.8 prints the same bytes as current Nix
# (single-binding `let`s, no `inherit`, no formals, no literal `$`, no paths).
let
  builtins' = builtins;
in
rec {
  id = x: x;
  const = x: y: x;
  pipe = val: functions: foldl' (x: f: f x) val functions;
  flip = f: a: b: f b a;
  compose = f: g: x: f (g x);

  foldr = op: nul: list:
    let
      len = builtins'.length list;
    in
    let
      fold' = n: if n == len then nul else op (builtins'.elemAt list n) (fold' (n + 1));
    in
    fold' 0;

  foldl = op: nul: list:
    let
      foldl' = n: if n == -1 then nul else op (foldl' (n - 1)) (builtins'.elemAt list n);
    in
    foldl' (builtins'.length list - 1);

  foldl' = op: acc: list: builtins'.foldl' op acc list;

  range = first: last:
    if first > last then [ ] else builtins'.genList (n: first + n) (last - first + 1);

  concatMap = f: list: builtins'.concatLists (map f list);
  flatten = x: if builtins'.isList x then concatMap (y: flatten y) x else [ x ];
  remove = e: builtins'.filter (x: x != e);
  findFirst = pred: default: list:
    let
      found = builtins'.filter pred list;
    in
    if found == [ ] then default else builtins'.head found;
  any = pred: foldr (x: acc: pred x || acc) false;
  all = pred: foldr (x: acc: pred x && acc) true;
  count = pred: foldl' (c: x: if pred x then c + 1 else c) 0;
  optional = cond: elem: if cond then [ elem ] else [ ];
  optionals = cond: elems: if cond then elems else [ ];
  toList = x: if builtins'.isList x then x else [ x ];
  unique = foldl' (acc: e: if builtins'.elem e acc then acc else acc ++ [ e ]) [ ];
  intersectLists = e: builtins'.filter (x: builtins'.elem x e);
  subtractLists = e: builtins'.filter (x: !(builtins'.elem x e));
  take = count: sublist 0 count;
  drop = count: list: sublist count (builtins'.length list) list;
  last = list: assert list != [ ]; builtins'.elemAt list (builtins'.length list - 1);
  init = list: assert list != [ ]; take (builtins'.length list - 1) list;
  sublist = start: count: list:
    let
      len = builtins'.length list;
    in
    builtins'.genList (n: builtins'.elemAt list (n + start))
      (if start >= len then 0
       else if start + count > len then len - start
       else count);

  zipListsWith = f: fst: snd:
    builtins'.genList (n: f (builtins'.elemAt fst n) (builtins'.elemAt snd n))
      (min (builtins'.length fst) (builtins'.length snd));
  zipLists = zipListsWith (fst: snd: { fst = fst; snd = snd; });
  min = x: y: if x < y then x else y;
  max = x: y: if x > y then x else y;
  mod = base: int: base - (int * (base / int));
  compare = a: b: if a < b then -1 else if a > b then 1 else 0;

  attrByPath = attrPath: default: e:
    let
      attr = builtins'.head attrPath;
    in
    if attrPath == [ ] then e
    else if e ? ${attr} then attrByPath (builtins'.tail attrPath) default e.${attr}
    else default;
  hasAttrByPath = attrPath: e:
    attrPath == [ ] || (e ? ${builtins'.head attrPath}
      && hasAttrByPath (builtins'.tail attrPath) e.${builtins'.head attrPath});
  setAttrByPath = attrPath: value:
    if attrPath == [ ] then value
    else { ${builtins'.head attrPath} = setAttrByPath (builtins'.tail attrPath) value; };
  getAttrFromPath = attrPath: set:
    attrByPath attrPath (abort ("cannot find attribute `" + concatStringsSep "." attrPath + "'")) set;
  filterAttrs = pred: set:
    builtins'.listToAttrs (concatMap (name:
      let
        v = set.${name};
      in
      if pred name v then [ (nameValuePair name v) ] else [ ]) (builtins'.attrNames set));
  mapAttrs' = f: set: builtins'.listToAttrs (map (attr: f attr set.${attr}) (builtins'.attrNames set));
  mapAttrsToList = f: attrs: map (name: f name attrs.${name}) (builtins'.attrNames attrs);
  nameValuePair = name: value: { name = name; value = value; };
  recursiveUpdateUntil = pred: lhs: rhs:
    let
      f = attrPath: builtins'.zipAttrsWith (n: values:
        let
          here = attrPath ++ [ n ];
        in
        if builtins'.length values == 1
          || pred here (builtins'.elemAt values 1) (builtins'.head values)
        then builtins'.head values
        else f here values);
    in
    f [ ] [ rhs lhs ];
  recursiveUpdate = recursiveUpdateUntil (path: lhs: rhs: !(builtins'.isAttrs lhs && builtins'.isAttrs rhs));
  optionalAttrs = cond: as: if cond then as else { };
  isDerivation = value: value.type or null == "derivation";
  getOutput = output: pkg:
    if !pkg ? outputSpecified || !pkg.outputSpecified
    then pkg.${output} or pkg.out or pkg
    else pkg;
  getDev = getOutput "dev";
  getLib = getOutput "lib";

  concatStringsSep = builtins'.concatStringsSep;
  concatMapStringsSep = sep: f: list: concatStringsSep sep (map f list);
  optionalString = cond: string: if cond then string else "";
  hasPrefix = pref: str: builtins'.substring 0 (builtins'.stringLength pref) str == pref;
  hasSuffix = suffix: content:
    let
      lenContent = builtins'.stringLength content;
    in
    lenContent >= builtins'.stringLength suffix
      && builtins'.substring (lenContent - builtins'.stringLength suffix) lenContent content == suffix;
  stringToCharacters = s: map (p: builtins'.substring p 1 s) (range 0 (builtins'.stringLength s - 1));
  escape = list: builtins'.replaceStrings list (map (c: "\\" + c) list);
  escapeShellArg = arg: "'" + builtins'.replaceStrings [ "'" ] [ "'\\''" ] (toString arg) + "'";
  escapeNixString = s: escape [ "\"" "\\" ] (builtins'.toJSON s);
  toUpper = builtins'.replaceStrings lowerChars upperChars;
  lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";
  upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  versionOlder = v1: v2: builtins'.compareVersions v2 v1 == 1;
  versionAtLeast = v1: v2: !versionOlder v1 v2;
  enableFeature = enable: feat: "--${if enable then "enable" else "disable"}-${feat}";
  withFeatureAs = with_: feat: value: "--${if with_ then "with" else "without"}-${feat}"
    + optionalString with_ "=${value}";
  boolToString = b: if b then "true" else "false";
  fixedPoint = f: let x = f x; in x;
  extends = f: rattrs: self: let super = rattrs self; in super // f self super;
  makeExtensible = rattrs: fixedPoint (self: rattrs self // {
    extend = f: makeExtensible (extends f rattrs);
  });
  warnIf = cond: msg: if cond then builtins'.trace "warning: ${msg}" else id;
  throwIfNot = cond: msg: if cond then x: x else throw msg;
  assertMsg = pred: msg: pred || builtins'.throw msg;
  implies = a: b: a -> b;
  xor = a: b: (a || b) && !(a && b);
}
