{
  src = ./src/;
}
