{
  meta = "none";
  meta.description = "conflicts with the string above";
}
