let x = "X"; in [
''
  a
    b
  c
''
''
    first
  second  
      third
''
''
  ${x} start
    mid ${x} end
  last''
''a
  b''
''

    blank above
   
  spaces-only line above
''
''
	tab line
  space line
''
''  lead ''${x} '''q''' ''\n done
  next''
''
  ${x}
  ${x}''
]
