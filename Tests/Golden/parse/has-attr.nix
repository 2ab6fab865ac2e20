x: y: [
  (x ? a)
  (x ? a.b.c)
  (x ? "a b")
  (x ? ${"static"})
  (x ? ${y})
  (x ? "pre-${y}")
  (x ? a ? b)
  (-x ? a)
  (!x ? a)
  (x ? a && y ? b)
  (x.a ? b || x ? or)
]
