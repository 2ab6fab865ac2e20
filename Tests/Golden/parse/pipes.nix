# Pipe operators (CppNix: experimental feature `pipe-operators`; always on in swix).
lib: xs: {
  into = xs |> map (x: x + 1) |> lib.filter (x: x > 2);
  from = lib.concatStringsSep ", " <| map toString <| xs;
  loose = xs ++ [ 1 ] |> builtins.length;
  nested = (xs |> builtins.head) + 1;
  inLambda = map (x: x |> toString) xs;
}
