x: {
  inherit (x) a "${x.name}";
}
