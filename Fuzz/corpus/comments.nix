# line comment
/* block
   comment */ 1 /**/ + /* a * / b */ 2 # end