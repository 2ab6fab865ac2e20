let
  a = 1;
  b = a + 1;
  set = rec {
    x = y;
    y = 2;
    z = rec { inner = x; };
  };
in
  let c = set.x; in [ a b c set ]
