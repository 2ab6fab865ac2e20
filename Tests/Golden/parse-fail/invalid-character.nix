{
  flag = true & false;
}
