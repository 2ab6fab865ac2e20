{ lib
, stdenv
, fetchFromGitHub
, cmake
, pkg-config
, openssl
, zlib
, enableTests ? true
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "example";
  version = "1.2.3";

  src = fetchFromGitHub {
    owner = "example";
    repo = finalAttrs.pname;
    rev = "v${finalAttrs.version}";
    hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  };

  nativeBuildInputs = [ cmake pkg-config ];
  buildInputs = [ openssl zlib ];

  cmakeFlags = [
    (lib.cmakeBool "BUILD_TESTING" enableTests)
  ] ++ lib.optionals stdenv.hostPlatform.isDarwin [
    "-DCMAKE_OSX_ARCHITECTURES=${stdenv.hostPlatform.darwinArch}"
  ];

  doCheck = enableTests && stdenv.buildPlatform.canExecute stdenv.hostPlatform;

  postInstall = ''
    mkdir -p $out/share/doc
    cp ../README.md $out/share/doc/
  '';

  meta = with lib; {
    description = "An example package";
    homepage = "https://example.org";
    license = licenses.mit;
    maintainers = with maintainers; [ ];
    platforms = platforms.unix;
  };
})
