a: b: c: {
  u = a // b // c;
  l = a ++ b ++ c;
  mix = a // { x = b ++ c; } // c;
  notUpdate = !a // b;
  plusUpdate = a + b // c;
  concatMul = a ++ b * c;
}
