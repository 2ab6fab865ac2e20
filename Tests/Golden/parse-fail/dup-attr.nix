{
  pname = "foo";
  version = "1";
  pname = "bar";
}
