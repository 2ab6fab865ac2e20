# bench: --parse
# A single package expression in the style of nixpkgs (small: the time is
# mostly process start-up). Kept free of what nix-instantiate 2.8 prints in an
# older format (no `inherit`, no literal `$` in strings, one binding per `let`,
# formals sorted) and of paths (absolute in the output), so that both outputs
# and parse_package.exp are the same bytes.
{ enableTests ? true, fetchzip, lib, openssl, pkg-config, python3, stdenv, zlib }:

let
  pythonEnv = python3.withPackages (ps: [ ps.pytest ps.setuptools ]);
in
stdenv.mkDerivation rec {
  pname = "libexample";
  version = "2.14.1";

  src = fetchzip {
    url = "https://download.example.org/${pname}/${lib.versions.majorMinor version}/${pname}-${version}.tar.xz";
    sha256 = "1l4yqaz2b1ii0skcnqa5hb8kc7v5l3ln4l4b8a2s7mydwzzx6y3p";
  };

  outputs = [ "out" "dev" "man" ];

  nativeBuildInputs = [ pkg-config ] ++ lib.optional enableTests pythonEnv;
  buildInputs = [ zlib openssl ];

  configureFlags = [
    "--enable-shared"
    "--disable-static"
    "--with-openssl=${openssl.dev}"
    (lib.enableFeature enableTests "tests")
  ] ++ lib.optionals stdenv.hostPlatform.isDarwin [
    "--disable-rpath"
  ];

  env.NIX_CFLAGS_COMPILE = toString ([ "-O2" "-fno-strict-aliasing" ]
    ++ lib.optional stdenv.cc.isClang "-Wno-error=implicit-function-declaration");

  postPatch = ''
    substituteInPlace configure \
      --replace "/usr/bin/file" "file" \
      --replace "\"-lz\"" "\"-L${zlib}/lib -lz\""
    patchShebangs scripts/
  '';

  doCheck = enableTests && stdenv.buildPlatform == stdenv.hostPlatform;
  checkTarget = "check";
  enableParallelBuilding = true;

  postInstall = ''
    mkdir -p ${placeholder "dev"}/lib/cmake
    cp cmake/config.cmake.in ${placeholder "dev"}/lib/cmake/example-config.cmake
    rm -r ${placeholder "out"}/share/doc
  '' + lib.optionalString stdenv.isLinux ''
    ln -s libexample.so.${version} ${placeholder "out"}/lib/libexample.so.2
  '';

  passthru = {
    tests = { version = version; withTests = enableTests; };
    updateScript = [ "update-source-version" pname ];
  };

  meta = with lib; {
    description = "Example library for \"parsing\" and \\ escaping tests";
    longDescription = ''
      libexample is a small portable library. It is used here only as a
      benchmark input: its syntax is typical of nixpkgs, with ''' quotes,
      ''\t escapes and ${"interpolated"} strings.
    '';
    homepage = "https://example.org/libexample";
    changelog = "https://example.org/libexample/releases/v${version}";
    license = licenses.mit;
    maintainers = with maintainers; [ alice bob ];
    platforms = platforms.unix;
    broken = stdenv.hostPlatform.isStatic && !(stdenv.hostPlatform.isMusl or false);
    mainProgram = "example";
  };
}
