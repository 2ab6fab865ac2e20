name: version: [
  "${name}"
  "${name}-${version}"
  "prefix-${name}"
  "${name}suffix"
  "a${"b"}c"
  "outer ${"inner ${name}"} end"
  "${toString 1}${toString 2}"
]
