let {
  x = "a";
  y = x + "b";
  body = { inherit x y; };
}
