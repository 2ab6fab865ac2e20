{
  name = "hello"
  version = "1.0";
}
