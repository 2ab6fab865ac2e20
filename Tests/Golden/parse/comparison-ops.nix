a: b: {
  lt = a < b;
  le = a <= b;
  gt = a > b;
  ge = a >= b;
  eq = a == b;
  ne = a != b;
  mixed = a < b == (b > a);
  levels = a == b < a;
}
