let
  a = 1;
  in = 2;
in a
