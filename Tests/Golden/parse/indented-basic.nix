[
  ''
    first line
      indented more
    back
  ''
  ''
      four

    two-ish
  ''
  ''single line''
  ''  leading spaces''
  ''
  ''
  ''''
  ''
    tab	inside
  	tab at start
  ''
]
