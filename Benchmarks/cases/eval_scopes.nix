# Variable lookup: names found through nested `with` sets (innermost and
# outermost), shadowed `let` bindings, `inherit` and function arguments, in
# a loop of 200000 iterations.
let
  outer = { a = 1; b = 2; c = 3; d = 4; e = 5; f = 6; g = 7; h = 8; };
  middle = { b = 20; x = 30; y = 40; };
  inner = { c = 300; z = 500; };
  mod = a: m: a - a / m * m;
  step = acc: i:
    let
      k = mod i 7;
      a = 1000;
    in
    with outer;
    with middle;
    with inner;
    let
      s1 = a + b + c + d + e;                  # `a` from let wins over every with
      s2 = f + g + h + x + y + z;              # from the outer, middle, inner with
      s3 = let c = k; in c + b;                # a let inside the withs shadows `c`
      s4 = (x: y: x * y + z) k i;              # lambda args shadow the with's x and y
    in
    mod (acc * 7 + s1 + s2 + s3 + s4) 1000000007;
  deep = let
    v0 = 1;
    v1 = v0 + 1; v2 = v1 + v0; v3 = v2 + v1; v4 = v3 + v2; v5 = v4 + v3;
  in builtins.genList (i: let v6 = v5 + i; in let v7 = v6 + v4; in { inherit v0 v3 v7; w = with { inherit v2; }; v2 + v7; }) 20000;
in
{
  loop = builtins.foldl' step 0 (builtins.genList (i: i) 200000);
  deep = builtins.foldl' (acc: r: acc + r.v0 + r.v3 + r.v7 + r.w) 0 deep;
}
