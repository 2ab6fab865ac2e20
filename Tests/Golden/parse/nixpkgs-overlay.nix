final: prev: {
  hello = prev.hello.overrideAttrs (old: {
    patches = (old.patches or [ ]) ++ [ ./fix-greeting.patch ];
    doCheck = false;
  });

  python3 = prev.python3.override {
    packageOverrides = pyFinal: pyPrev: {
      requests = pyPrev.requests.overridePythonAttrs (_: { doCheck = false; });
    };
  };

  myTools = prev.symlinkJoin {
    name = "my-tools";
    paths = with final; [ hello jq ripgrep ];
  };

  lib = prev.lib.extend (self: super: {
    myHelper = x: if x == null then [ ] else [ x ];
  });
}
