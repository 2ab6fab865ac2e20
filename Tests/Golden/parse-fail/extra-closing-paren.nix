let
  f = x: (x + 1));
in f 1
