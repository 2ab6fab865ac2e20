''
  line one
    indented ${x}
  escapes: ''$ ''' ''\n ''\t ''\\ ''\x
  $${notInterp} ${ "nested ${y}" }
''