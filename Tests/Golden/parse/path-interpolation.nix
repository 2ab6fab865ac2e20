x: y: [
  ./src/${x}
  ./${x}
  ./src/${x}.nix
  ./src/${x}/${y}/default.nix
  /nix/store/${x}
  ~/projects/${x}
  a/b/${x}
  ./a/../b/${x}
]
