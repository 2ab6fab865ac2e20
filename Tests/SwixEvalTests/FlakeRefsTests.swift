import Testing
@testable import SwixEval
import SwixSyntax

/// Evaluates `text` strictly and prints it as `nix-instantiate --eval --strict`.
private func eval(_ text: String) throws -> String {
    try TestProgram(text, baseDirectory: "/tmp").strictOutput()
}

/// The message of the error evaluating `text` raises.
private func errorMessage(_ text: String) throws -> String {
    do {
        return "no error: " + (try eval(text))
    } catch let e as EvalError {
        return e.message
    }
}

/// Flake references and their attribute form, as current Nix's `parseFlakeRef`
/// gives it (facts from NixOS/nix `libflake/flakeref.cc` and the fetchers).
private let parsed: [(String, String)] = [
    ("github:NixOS/nixpkgs/23.05?dir=lib", #"{ dir = "lib"; owner = "NixOS"; ref = "23.05"; repo = "nixpkgs"; type = "github"; }"#),
    ("github:NixOS/nixpkgs", #"{ owner = "NixOS"; repo = "nixpkgs"; type = "github"; }"#),
    ("github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567",
     #"{ owner = "NixOS"; repo = "nixpkgs"; rev = "0123456789abcdef0123456789abcdef01234567"; type = "github"; }"#),
    // A ref may have slashes, written as segments or encoded.
    ("github:a/b/release/23.05", #"{ owner = "a"; ref = "release/23.05"; repo = "b"; type = "github"; }"#),
    ("github:a/b/release%2F23.05", #"{ owner = "a"; ref = "release/23.05"; repo = "b"; type = "github"; }"#),
    ("gitlab:a/b?host=gitlab.example.com&narHash=x",
     #"{ host = "gitlab.example.com"; narHash = "x"; owner = "a"; repo = "b"; type = "gitlab"; }"#),
    ("sourcehut:~user/repo?ref=main", #"{ owner = "~user"; ref = "main"; repo = "repo"; type = "sourcehut"; }"#),
    ("nixpkgs", #"{ id = "nixpkgs"; type = "indirect"; }"#),
    ("nixpkgs/nixos-23.05", #"{ id = "nixpkgs"; ref = "nixos-23.05"; type = "indirect"; }"#),
    ("flake:nixpkgs/release-23.05/0123456789abcdef0123456789abcdef01234567",
     #"{ id = "nixpkgs"; ref = "release-23.05"; rev = "0123456789abcdef0123456789abcdef01234567"; type = "indirect"; }"#),
    ("path:/foo/bar?revCount=5&lastModified=12", #"{ lastModified = 12; path = "/foo/bar"; revCount = 5; type = "path"; }"#),
    ("/foo/bar?dir=sub", #"{ dir = "sub"; path = "/foo/bar"; type = "path"; }"#),
    // Fetcher settings become typed attributes; other parameters stay in the URL.
    ("git+https://example.org/repo?ref=main&shallow=1&submodules=0&foo=bar",
     #"{ ref = "main"; shallow = true; submodules = false; type = "git"; url = "https://example.org/repo?foo=bar"; }"#),
    ("git+ssh://git@github.com/foo/bar", #"{ type = "git"; url = "ssh://git@github.com/foo/bar"; }"#),
    ("git+file:///home/x?dir=a/b", #"{ dir = "a/b"; type = "git"; url = "file:///home/x"; }"#),
    ("git://example.org/repo", #"{ type = "git"; url = "git://example.org/repo"; }"#),
    ("hg+https://hg.example/x?ref=default", #"{ ref = "default"; type = "hg"; url = "https://hg.example/x"; }"#),
    // A flake is a tree: any http(s) URL is a tarball unless it says `file+`.
    ("https://example.org/x.tar.gz?narHash=sha256-xx&lastModified=7",
     #"{ lastModified = 7; narHash = "sha256-xx"; type = "tarball"; url = "https://example.org/x.tar.gz"; }"#),
    ("https://example.org/x", #"{ type = "tarball"; url = "https://example.org/x"; }"#),
    ("tarball+https://example.org/x?foo=1", #"{ type = "tarball"; url = "https://example.org/x?foo=1"; }"#),
    ("file+https://example.org/x", #"{ type = "file"; url = "https://example.org/x"; }"#),
]

/// Attribute sets and the URL `flakeRefToString` makes of them.
private let printed: [(String, String)] = [
    (#"{ type = "github"; owner = "NixOS"; repo = "nixpkgs"; ref = "23.05"; dir = "lib"; }"#, "github:NixOS/nixpkgs/23.05?dir=lib"),
    // A revision in any encoding comes out in hex; a NAR hash in SRI form, encoded.
    (#"{ type = "github"; owner = "a"; repo = "b"; rev = "sha1-ASNFZ4mrze8BI0VniavN7wEjRWc="; narHash = ""; }"#,
     "github:a/b/0123456789abcdef0123456789abcdef01234567?narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D"),
    (#"{ type = "indirect"; id = "nixpkgs"; ref = "a/b"; }"#, "flake:nixpkgs/a%2Fb"),
    (#"{ type = "path"; path = "/foo/bar"; revCount = 5; lastModified = 12; }"#, "path:/foo/bar?lastModified=12&revCount=5"),
    (#"{ type = "git"; url = "ssh://git@github.com/foo/bar.git"; ref = "main"; shallow = true; }"#,
     "git+ssh://git@github.com/foo/bar.git?ref=main&shallow=1"),
    (#"{ type = "git"; url = "/home/x"; submodules = true; dir = "sub"; }"#, "git+file:///home/x?dir=sub&submodules=1"),
    (#"{ type = "tarball"; url = "https://x/y.tar.gz"; }"#, "https://x/y.tar.gz"),
    (#"{ type = "hg"; url = "https://x/y"; ref = "default"; }"#, "hg+https://x/y?ref=default"),
    (#"builtins.parseFlakeRef "git+https://example.org/repo?ref=main&shallow=1&foo=bar""#,
     "git+https://example.org/repo?foo=bar&ref=main&shallow=1"),
]

/// Bad input and the error current Nix gives.
private let refused: [(String, String)] = [
    (#"builtins.parseFlakeRef "./foo""#, "flake reference './foo' is not an absolute path"),
    // Not a valid GitHub URL, so not a URL at all: last, it is no absolute path either.
    (#"builtins.parseFlakeRef "github:foo""#, "flake reference 'github:foo' is not an absolute path"),
    (#"builtins.parseFlakeRef "foo:bar""#, "input 'foo:bar' is unsupported"),
    (#"builtins.parseFlakeRef "file+git://x/y""#, "input 'file+git://x/y' is unsupported; did you mean 'git+file' instead of 'file+git'?"),
    (#"builtins.parseFlakeRef "nixpkgs#hello""#, "unexpected fragment 'hello' in flake reference 'nixpkgs#hello'"),
    (#"builtins.parseFlakeRef "nixpkgs/a/b/c""#, "GitHub URL 'flake:nixpkgs/a/b/c' is invalid"),
    (#"builtins.parseFlakeRef "path:/x?foo=1""#, "path URL 'path:/x?foo=1' has unsupported parameter 'foo'"),
    (#"builtins.parseFlakeRef "path:/x?revCount=z""#, "path URL 'path:/x?revCount=z' has invalid parameter 'revCount'"),
    (#"builtins.flakeRefToString { type = "github"; owner = "a"; repo = "b"; bogus = 1; }"#,
     "input attribute 'bogus' not supported by scheme 'github'"),
    (#"builtins.flakeRefToString { owner = "a"; }"#, "'type' attribute to specify input scheme is required but not provided"),
    (#"builtins.flakeRefToString { type = "unknown"; x = 1; }"#, #"cannot show unsupported input '{"type":"unknown","x":1}'"#),
    (#"builtins.flakeRefToString { type = "github"; owner = "a"; repo = "b"; ref = "x"; rev = "0123456789abcdef0123456789abcdef01234567"; }"#,
     #"input {"owner":"a","ref":"x","repo":"b","rev":"0123456789abcdef0123456789abcdef01234567","type":"github"} contains both a commit hash ('0123456789abcdef0123456789abcdef01234567') and a branch/tag name ('x')"#),
    (#"builtins.flakeRefToString { type = "github"; owner = "a"; repo = "b"; ref = "a..b"; }"#,
     #"input {"owner":"a","ref":"a..b","repo":"b","type":"github"} contains an invalid branch/tag name"#),
    (#"builtins.flakeRefToString { type = "git"; url = "https://a/b"; shallow = "yes"; }"#, "input attribute 'shallow' is not a Boolean"),
    (#"builtins.flakeRefToString { type = "path"; path = "/x"; revCount = -1; }"#, "negative value given for flake ref attr revCount: -1"),
    (#"builtins.flakeRefToString { type = "path"; path = [ ]; }"#,
     "flake reference attribute sets may only contain integers, Booleans, and strings, but attribute 'path' is a list"),
]

@Suite("Flake references")
struct FlakeRefsTests {
    @Test(arguments: parsed)
    func parses(_ c: (String, String)) throws {
        #expect(try eval("builtins.parseFlakeRef \"\(c.0)\"") == c.1)
    }

    @Test(arguments: printed)
    func printsAsURL(_ c: (String, String)) throws {
        #expect(try eval("builtins.flakeRefToString (\(c.0))") == "\"\(c.1)\"")
    }

    /// Parsing the printed URL gives the same attributes back (where the URL form
    /// keeps everything: not for a `file` input, an invalid hash or a false flag).
    @Test(arguments: parsed.filter { !$0.0.contains("narHash") && !$0.0.contains("submodules=0") && !$0.0.hasPrefix("file+") })
    func roundTrips(_ c: (String, String)) throws {
        #expect(try eval("builtins.parseFlakeRef (builtins.flakeRefToString (builtins.parseFlakeRef \"\(c.0)\"))") == c.1)
    }

    @Test(arguments: refused)
    func refuses(_ c: (String, String)) throws {
        #expect(try errorMessage(c.0) == c.1)
    }

    /// An SCP-style Git address becomes an `ssh://` URL; a relative path there is made
    /// absolute, with Nix's warning.
    @Test func scpStyleGitURL() throws {
        var warnings: [String] = []
        #expect(try GitURLs.normalized("git@github.com:foo/bar.git", warn: { warnings.append($0) }).text
            == "ssh://git@github.com/foo/bar.git")
        #expect(warnings.count == 1 && warnings[0].hasPrefix("SCP-style URL 'git@github.com:foo/bar.git' has a relative path"))
        warnings = []
        #expect(try GitURLs.normalized("host:/srv/repo", warn: { warnings.append($0) }).text == "ssh://host/srv/repo")
        #expect(try GitURLs.normalized("host:~/repo", warn: { warnings.append($0) }).text == "ssh://host/~/repo")
        #expect(warnings.isEmpty)
        // URLs and local paths are not SCP-style.
        #expect(try GitURLs.normalized("git+https://example.org/x").text == "https://example.org/x")
        #expect(try GitURLs.normalized("/srv/repo").text == "file:///srv/repo")
        #expect(try eval(#"builtins.flakeRefToString { type = "git"; url = "git@github.com:/foo/bar.git"; }"#)
            == #""git+ssh://git@github.com/foo/bar.git""#)
    }

    @Test func gitRefNames() {
        for legal in ["main", "release/23.05", "v1.0", "HEAD", "refs/heads/x", "a-b_c+d@e"] {
            #expect(GitURLs.isLegalRefName(legal), "\(legal)")
        }
        for illegal in ["@", "-x", "a..b", "a//b", "/a", "a/", "a.lock", "a b", "a~1", "a^", "a:b", ".a", "a.", "a@{1}", "a\u{7f}"] {
            #expect(!GitURLs.isLegalRefName(illegal), "\(illegal)")
        }
    }
}
