[
  "plain"
  ""
  "tab\there\nnewline\rcr"
  "quote \" backslash \\ dollar-brace \${x} unknown \q"
  "lone $ dollar and $$ two"
  "$${notInterpolated}"
  "multi
line"
  "trailing$"
  "unicode: héllo ✓"
]
