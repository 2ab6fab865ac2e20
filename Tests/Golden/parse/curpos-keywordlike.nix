{
  pos = __curPos;
  iffy = 1;
  letter = 2;
  inherited = 3;
  order = 4;
  "with" = 5;
  "in" = 6;
  a' = 7;
  foo-bar = 8;
  or = 9;
  "" = 10;
  "has space" = 11;
  "1starts-with-digit" = 12;
}
