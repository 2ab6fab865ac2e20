f: g: x: [
  (f x)
  (f x g)
  ((f x) g)
  (((f x) g) x)
  (f (g x))
  (f (x: x) [ 1 2 ] { })
  (f x.a.b g.c)
  (f -x)
  (-f x)
  (x.1)
]
