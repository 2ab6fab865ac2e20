let
  a = ''
    x
  y'';  b = 1;in a # c
