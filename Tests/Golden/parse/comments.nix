# line comment
/* block
   comment */ {
  a = 1; # trailing
  /**/ b = /* inline */ 2;
  c = "multi
line";
}
