{
  script = ''
    echo hello
}
