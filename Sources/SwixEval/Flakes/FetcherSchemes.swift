import SwixStore

/// The fetcher input types Nix knows, and for each how a URL maps to attributes and
/// back (Nix's `InputScheme`s in `libfetchers`). Nothing here fetches: only the
/// syntax is implemented, which is all `parseFlakeRef` and `flakeRefToString` need.
enum FetcherSchemes {
    /// Ordered by name: a URL goes to the first scheme that accepts it.
    /// (Computed, like the tables below: a stored global would be one object
    /// shared by evaluators on several threads, whose reference counts are not
    /// atomic in this module.)
    static var all: [FetcherInputScheme] { [
        CurlScheme(name: "file"),
        GitScheme(),
        GitArchiveScheme(name: "github"),
        GitArchiveScheme(name: "gitlab"),
        MercurialScheme(),
        IndirectScheme(),
        PathScheme(),
        GitArchiveScheme(name: "sourcehut"),
        CurlScheme(name: "tarball"),
    ] }

    /// A full Git commit hash (40 hex digits).
    static func isRevision(_ s: String) -> Bool {
        s.utf8.count == 40 && s.utf8.allSatisfy(URLEncoding.isHex)
    }

    static func parseRevision(_ s: String) throws(FlakeRefError) -> Hash {
        try FetcherInput.hash { () throws(HashError) in try Hash.parseAny(s, algorithm: .sha1) }
    }

    /// Digits only, fitting 64 bits (Nix's `string2Int<uint64_t>`).
    static func unsignedInteger(_ s: String) -> UInt64? {
        guard !s.isEmpty, s.utf8.allSatisfy(URLEncoding.isDigit) else { return nil }
        return UInt64(s)
    }
}

/// `github:owner/repo[/ref-or-rev]`, and the same for `gitlab:` and `sourcehut:`.
struct GitArchiveScheme: FetcherInputScheme {
    let name: String
    let allowedAttributes: Set<String> = ["owner", "repo", "ref", "rev", "narHash", "lastModified", "host", "treeHash"]

    func input(fromURL url: ParsedURL, requireTree: Bool) throws(FlakeRefError) -> FetcherInput? {
        guard url.scheme == name else { return nil }
        // Empty segments are ignored, as older versions did.
        let path = url.nonEmptySegments
        var attrs = FetcherAttrs()
        if path.count == 3 {
            attrs[FetcherSchemes.isRevision(path[2]) ? "rev" : "ref"] = .string(path[2])
        } else if path.count > 3 {
            attrs["ref"] = .string(path[2...].joined(separator: "/"))
        } else if path.count < 2 {
            throw .badURL("URL '\(url.text)' is invalid")
        }
        for (key, value) in url.query.entries {
            switch key {
            case "rev":
                if attrs.has("rev") { throw .badURL("URL '\(url.text)' contains multiple commit hashes") }
                attrs["rev"] = .string(value)
            case "ref":
                if attrs.has("ref") { throw .badURL("URL '\(url.text)' contains multiple branch/tag names") }
                attrs["ref"] = .string(value)
            case "host", "narHash":
                attrs[key] = .string(value)
            default:
                throw .badURL("URL '\(url.text)' contains unknown parameter '\(key)'")
            }
        }
        attrs["type"] = .string(name)
        attrs["owner"] = .string(path[0])
        attrs["repo"] = .string(path[1])
        return try input(fromAttrs: attrs)
    }

    func input(fromAttrs attrs: FetcherAttrs) throws(FlakeRefError) -> FetcherInput {
        _ = try attrs.requiredString("owner")
        _ = try attrs.requiredString("repo")
        let ref = try attrs.string("ref"), rev = try attrs.string("rev")
        if let ref, let rev {
            throw .badURL("input \(attrs.json) contains both a commit hash ('\(rev)') and a branch/tag name ('\(ref)')")
        }
        if let rev { _ = try FetcherSchemes.parseRevision(rev) }
        if let ref, !GitURLs.isLegalRefName(ref) {
            throw .badURL("input \(attrs.json) contains an invalid branch/tag name")
        }
        if let host = try attrs.string("host"),
           !host.utf8.allSatisfy({ URLEncoding.isAlpha($0) || URLEncoding.isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) {
            throw .badURL("input \(attrs.json) contains an invalid instance host")
        }
        return FetcherInput(attrs: attrs)
    }

    func url(of input: FetcherInput) throws(FlakeRefError) -> ParsedURL {
        var path = [try input.attrs.requiredString("owner"), try input.attrs.requiredString("repo")]
        if let ref = try input.ref { path.append(ref) }
        if let rev = try input.rev { path.append(rev.base16) }
        var url = ParsedURL(scheme: name, path: path)
        if let narHash = try input.narHash { url.query.set("narHash", narHash.sri) }
        if let host = try input.attrs.string("host") { url.query.set("host", host) }
        return url
    }
}

/// `flake:id[/ref][/rev]` (and a bare `id`): a name to look up in the registry.
struct IndirectScheme: FetcherInputScheme {
    let name = "indirect"
    let allowedAttributes: Set<String> = ["id", "ref", "rev", "narHash"]

    static func isFlakeID(_ s: String) -> Bool {
        guard let first = s.utf8.first, URLEncoding.isAlpha(first) else { return false }
        return s.utf8.allSatisfy { URLEncoding.isAlpha($0) || URLEncoding.isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    func input(fromURL url: ParsedURL, requireTree: Bool) throws(FlakeRefError) -> FetcherInput? {
        guard url.scheme == "flake" else { return nil }
        let path = url.nonEmptySegments
        var ref: String?
        var rev: Hash?
        switch path.count {
        case 1:
            break
        case 2:
            if FetcherSchemes.isRevision(path[1]) {
                rev = try FetcherSchemes.parseRevision(path[1])
            } else if GitURLs.isLegalRefName(path[1]) {
                ref = path[1]
            } else {
                throw .badURL("in flake URL '\(url.text)', '\(path[1])' is not a commit hash or branch/tag name")
            }
        case 3:
            if !GitURLs.isLegalRefName(path[1]) {
                throw .badURL("in flake URL '\(url.text)', '\(path[1])' is not a branch/tag name")
            }
            ref = path[1]
            if !FetcherSchemes.isRevision(path[2]) {
                throw .badURL("in flake URL '\(url.text)', '\(path[2])' is not a commit hash")
            }
            rev = try FetcherSchemes.parseRevision(path[2])
        default:
            // (Nix's wording.)
            throw .badURL("GitHub URL '\(url.text)' is invalid")
        }
        guard IndirectScheme.isFlakeID(path[0]) else { throw .badURL("'\(path[0])' is not a valid flake ID") }
        var attrs = FetcherAttrs()
        attrs["type"] = .string("indirect")
        attrs["id"] = .string(path[0])
        if let rev { attrs["rev"] = .string(rev.base16) }
        if let ref { attrs["ref"] = .string(ref) }
        return FetcherInput(attrs: attrs)
    }

    func input(fromAttrs attrs: FetcherAttrs) throws(FlakeRefError) -> FetcherInput {
        let id = try attrs.requiredString("id")
        guard IndirectScheme.isFlakeID(id) else { throw .badURL("'\(id)' is not a valid flake ID") }
        return FetcherInput(attrs: attrs)
    }

    func url(of input: FetcherInput) throws(FlakeRefError) -> ParsedURL {
        var url = ParsedURL(scheme: "flake", path: [try input.attrs.requiredString("id")])
        if let ref = try input.ref { url.path.append(ref) }
        if let rev = try input.rev { url.path.append(rev.base16) }
        return url
    }
}

/// `path:/some/dir`: a directory of the local file system.
struct PathScheme: FetcherInputScheme {
    let name = "path"
    let allowedAttributes: Set<String> = ["path", "rev", "revCount", "lastModified", "narHash"]

    func input(fromURL url: ParsedURL, requireTree: Bool) throws(FlakeRefError) -> FetcherInput? {
        guard url.scheme == "path" else { return nil }
        if let authority = url.authority, !authority.host.isEmpty {
            throw .other("path URL '\(url.text)' should not have an authority ('\(authority.text)')")
        }
        var attrs = FetcherAttrs()
        attrs["type"] = .string("path")
        attrs["path"] = .string(try ParsedURL.filePath(ofSegments: url.path))
        for (key, value) in url.query.entries {
            switch key {
            case "rev", "narHash":
                attrs[key] = .string(value)
            case "revCount", "lastModified":
                guard let n = FetcherSchemes.unsignedInteger(value) else {
                    throw .other("path URL '\(url.text)' has invalid parameter '\(key)'")
                }
                attrs[key] = .int(n)
            default:
                throw .other("path URL '\(url.text)' has unsupported parameter '\(key)'")
            }
        }
        return FetcherInput(attrs: attrs)
    }

    func input(fromAttrs attrs: FetcherAttrs) throws(FlakeRefError) -> FetcherInput {
        _ = try attrs.requiredString("path")
        return FetcherInput(attrs: attrs)
    }

    func url(of input: FetcherInput) throws(FlakeRefError) -> ParsedURL {
        var query = input.attrs.asQuery
        for name in ["path", "type", "__final"] { query.remove(name) }
        return ParsedURL(scheme: "path", path: ParsedURL.segments(ofFilePath: try input.attrs.requiredString("path")), query: query)
    }
}

/// `git+https://…`, `git+ssh://…`, `git+file://…`, `git://…`: a Git repository.
struct GitScheme: FetcherInputScheme {
    let name = "git"
    let allowedAttributes: Set<String> = [
        "url", "ref", "rev", "shallow", "submodules", "lfs", "exportIgnore", "lastModified", "revCount", "narHash",
        "allRefs", "name", "dirtyRev", "dirtyShortRev", "verifyCommit", "keytype", "publicKey", "publicKeys",
    ]
    private static var stringParameters: Set<String> { ["rev", "ref", "keytype", "publicKey", "publicKeys"] }
    private static var booleanParameters: Set<String> { ["shallow", "submodules", "lfs", "exportIgnore", "allRefs", "verifyCommit"] }
    /// Commit signature checks, behind an experimental feature swix does not have.
    private static var verificationAttributes: Set<String> { ["verifyCommit", "keytype", "publicKey", "publicKeys"] }

    func input(fromURL url: ParsedURL, requireTree: Bool) throws(FlakeRefError) -> FetcherInput? {
        guard url.scheme == "git" || ParsedURL.splitScheme(url.scheme).application == "git" else { return nil }
        // Parameters the fetcher does not know stay in the URL, for the server.
        var repository = url
        repository.query.removeAll()
        var attrs = FetcherAttrs()
        attrs["type"] = .string("git")
        for (key, value) in url.query.entries {
            if GitScheme.stringParameters.contains(key) {
                attrs[key] = .string(value)
            } else if GitScheme.booleanParameters.contains(key) {
                attrs[key] = .bool(value == "1")
            } else {
                repository.query.addIfAbsent(key, value)
            }
        }
        attrs["url"] = .string(repository.text)
        return try input(fromAttrs: attrs)
    }

    func input(fromAttrs attrs: FetcherAttrs) throws(FlakeRefError) -> FetcherInput {
        if attrs.values.keys.contains(where: GitScheme.verificationAttributes.contains) {
            throw .other("experimental Nix feature 'verified-fetches' is disabled; add '--extra-experimental-features verified-fetches' to enable it")
        }
        if let ref = try attrs.string("ref"), !GitURLs.isLegalRefName(ref) {
            throw .badURL("invalid Git branch/tag name '\(ref)'")
        }
        var input = FetcherInput(attrs: attrs)
        input.attrs["url"] = .string(try GitURLs.normalized(try attrs.requiredString("url")).text)
        for flag in ["shallow", "submodules", "allRefs"] { _ = try attrs.bool(flag) }
        return input
    }

    func url(of input: FetcherInput) throws(FlakeRefError) -> ParsedURL {
        var url = try ParsedURL.parse(try input.attrs.requiredString("url"), lenient: false)
        if url.scheme != "git" { url.scheme = "git+" + url.scheme }
        if let rev = try input.rev { url.query.set("rev", rev.base16) }
        if let ref = try input.ref { url.query.set("ref", ref) }
        for flag in ["shallow", "lfs", "submodules", "exportIgnore"] where try input.attrs.bool(flag) ?? false {
            url.query.set(flag, "1")
        }
        return url
    }
}

/// `hg+https://…` (also `http`, `ssh`, `file`): a Mercurial repository.
struct MercurialScheme: FetcherInputScheme {
    let name = "hg"
    let allowedAttributes: Set<String> = ["url", "ref", "rev", "revCount", "narHash", "name"]
    private static var schemes: Set<String> { ["hg+http", "hg+https", "hg+ssh", "hg+file"] }

    func input(fromURL url: ParsedURL, requireTree: Bool) throws(FlakeRefError) -> FetcherInput? {
        guard MercurialScheme.schemes.contains(url.scheme) else { return nil }
        var repository = url
        repository.scheme = String(url.scheme.dropFirst(3))
        repository.query.removeAll()
        var attrs = FetcherAttrs()
        attrs["type"] = .string("hg")
        for (key, value) in url.query.entries {
            if key == "rev" || key == "ref" { attrs[key] = .string(value) } else { repository.query.addIfAbsent(key, value) }
        }
        attrs["url"] = .string(repository.text)
        return try input(fromAttrs: attrs)
    }

    /// Nix's (loose) pattern for a branch or tag name.
    static func isRefName(_ s: String) -> Bool {
        guard let first = s.utf8.first,
              URLEncoding.isAlpha(first) || URLEncoding.isDigit(first) || first == UInt8(ascii: "@") else { return false }
        return s.utf8.allSatisfy { URLEncoding.isAlpha($0) || URLEncoding.isDigit($0) || "_./@+-".utf8.contains($0) }
    }

    func input(fromAttrs attrs: FetcherAttrs) throws(FlakeRefError) -> FetcherInput {
        _ = try ParsedURL.parse(try attrs.requiredString("url"), lenient: false)
        if let ref = try attrs.string("ref"), !MercurialScheme.isRefName(ref) {
            throw .badURL("invalid Mercurial branch/tag name '\(ref)'")
        }
        return FetcherInput(attrs: attrs)
    }

    func url(of input: FetcherInput) throws(FlakeRefError) -> ParsedURL {
        var url = try ParsedURL.parse(try input.attrs.requiredString("url"), lenient: false)
        url.scheme = "hg+" + url.scheme
        if let rev = try input.rev { url.query.set("rev", rev.base16) }
        if let ref = try input.ref { url.query.set("ref", ref) }
        return url
    }
}

/// Something to download over `http`, `https` or from a `file` URL: `tarball`
/// (unpacked) or `file` (kept as is). Without a `tarball+`/`file+` prefix the URL
/// says which: a flake is a tree, and so is anything ending in an archive extension.
struct CurlScheme: FetcherInputScheme {
    let name: String
    let allowedAttributes: Set<String> = ["url", "narHash", "name", "unpack", "rev", "revCount", "lastModified"]
    private static var transports: Set<String> { ["file", "http", "https"] }
    private static var archiveExtensions: [String] { [".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst"] }

    private func accepts(_ url: ParsedURL, requireTree: Bool) -> Bool {
        let scheme = ParsedURL.splitScheme(url.scheme)
        guard CurlScheme.transports.contains(scheme.transport) else { return false }
        if let application = scheme.application { return application == name }
        let isArchive = CurlScheme.archiveExtensions.contains { url.path.last?.hasSuffix($0) ?? false }
        return name == "tarball" ? requireTree || isArchive : !requireTree && !isArchive
    }

    func input(fromURL url: ParsedURL, requireTree: Bool) throws(FlakeRefError) -> FetcherInput? {
        guard accepts(url, requireTree: requireTree) else { return nil }
        var download = url
        download.scheme = ParsedURL.splitScheme(url.scheme).transport
        var attrs = FetcherAttrs()
        for key in ["narHash", "rev"] {
            if let v = url.query[key] { attrs[key] = .string(v) }
        }
        for key in ["revCount", "lastModified"] {
            if let v = url.query[key], let n = FetcherSchemes.unsignedInteger(v) { attrs[key] = .int(n) }
        }
        // What the fetcher reads is not sent to the server.
        for key in allowedAttributes { download.query.remove(key) }
        attrs["type"] = .string(name)
        attrs["url"] = .string(download.text)
        return FetcherInput(attrs: attrs)
    }

    func input(fromAttrs attrs: FetcherAttrs) throws(FlakeRefError) -> FetcherInput {
        FetcherInput(attrs: attrs)
    }

    func url(of input: FetcherInput) throws(FlakeRefError) -> ParsedURL {
        var url = try ParsedURL.parse(try input.attrs.requiredString("url"), lenient: false)
        if let narHash = try input.narHash { url.query.set("narHash", narHash.sri) }
        return url
    }
}
