[
  ''
    dollar: ''${notInterpolated}
    quotes: '''
    escapes: ''\n ''\t ''\r ''\\ ''\x
    lone ' quote and $ dollar and $$ double
  ''
  ''a''$b'''c''
  ''''$''
]
