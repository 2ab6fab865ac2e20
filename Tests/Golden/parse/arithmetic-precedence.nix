# Arithmetic: * and / bind tighter than + and -, all left-associative.
a: b: c: [
  (a + b * c - a / b)
  (a - b - c)
  (a / b * c)
  ((a + b) * (c - a))
  (1 + 2 * 3 - 4 / 5)
  (-a * -b)
  (1 - -1)
]
