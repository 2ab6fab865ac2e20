/// Nix files that are part of the interpreter, reachable as `<nix/NAME>` when no
/// search path entry provides them (CppNix ships `<nix/fetchurl.nix>` the same way).
/// They live at a virtual path that `import` recognises.
enum CorePackages {
    static let root = "/__swix_corepkgs__"

    static func path(for name: String) -> String? {
        contents[root + "/" + name] != nil ? root + "/" + name : nil
    }

    static func source(atPath path: String) -> String? { contents[path] }

    static var contents: [String: String] { [
        root + "/nix/fetchurl.nix": fetchurl,
    ] }

    /// `fetchurl` as a fixed-output derivation built by the `builtin:fetchurl`
    /// builder (the attributes must be exactly CppNix's, as they decide the path).
    static let fetchurl = """
    { system ? "", url, hash ? "", md5 ? "", sha1 ? "", sha256 ? "", sha512 ? ""
    , outputHash ?
        if hash != "" then hash
        else if sha512 != "" then sha512
        else if sha1 != "" then sha1
        else if md5 != "" then md5
        else sha256
    , outputHashAlgo ?
        if hash != "" then ""
        else if sha512 != "" then "sha512"
        else if sha1 != "" then "sha1"
        else if md5 != "" then "md5"
        else "sha256"
    , executable ? false, unpack ? false, name ? baseNameOf (toString url), impure ? false
    }:
    derivation ({
      builder = "builtin:fetchurl";
      outputHashMode = if unpack || executable then "recursive" else "flat";
      inherit name url executable unpack;
      system = "builtin";
      preferLocalBuild = true;
      impureEnvVars = [ "http_proxy" "https_proxy" "ftp_proxy" "all_proxy" "no_proxy" ];
      urls = [ url ];
    } // (if impure then { __impure = true; } else { inherit outputHashAlgo outputHash; }))
    """
}
