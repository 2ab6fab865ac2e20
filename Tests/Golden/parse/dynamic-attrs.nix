name: {
  ${name} = 1;
  "${name}-suffix" = 2;
  "static" = 3;
  ${"also-static"} = 4;
  "${"concat"}" = 5;
  nested.${name}.x = 6;
  nested.y = 7;
}
