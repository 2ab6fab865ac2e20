# Nixpkgs once had a function called `or`; `f or` still applies f to it.
lib: with lib; {
  any = foldl' or false [ true false ];
  single = [ id or ];
  paren = (const or) 1;
}
