/// Git's own ways of naming a repository and its refs, as Nix's Git fetcher accepts
/// them: local paths, SCP-style `host:path` addresses, and branch/tag names.
enum GitURLs {
    /// Nix's `fixGitURL`: what Git would accept, as a proper URL. An absolute path is
    /// a `file://` URL, `user@host:path` an `ssh://` one, and `git+` is dropped from
    /// a scheme. `warn` receives the warning about a relative SCP-style path.
    static func normalized(_ url: String, warn: (String) -> Void = flakeRefWarning) throws(FlakeRefError) -> ParsedURL {
        if url.hasPrefix("/") {
            // A path, not a URL: nothing in it is percent-decoded.
            return ParsedURL(scheme: "file", authority: ParsedURL.Authority(), path: ParsedURL.segments(ofFilePath: url))
        }
        if let scp = try scpStyle(url, warn: warn) { return scp }
        var parsed = try ParsedURL.parse(url, lenient: false)
        let scheme = ParsedURL.splitScheme(parsed.scheme)
        if scheme.application == "git" { parsed.scheme = scheme.transport }
        return parsed
    }

    /// Schemes Git handles itself, with or without `git+`: a URL that starts with one
    /// is never SCP-style (and `file:/path` stays a file URL).
    /// (Computed: see `FetcherSchemes.all`.)
    private static var schemesKnownToGit: Set<String> {
        var s = Set<String>()
        for scheme in ["ssh", "http", "https", "file", "ftp", "ftps", "git"] {
            s.insert(scheme)
            s.insert("git+" + scheme)
        }
        return s
    }

    /// `[user@]host:path` (Git's SCP-like syntax: no slash before the first colon),
    /// as an `ssh://` URL; nil when `url` does not have that shape.
    private static func scpStyle(_ url: String, warn: (String) -> Void) throws(FlakeRefError) -> ParsedURL? {
        guard let firstColon = url.firstIndex(of: ":") else { return nil }
        var host = url[..<firstColon]
        if host.contains("/") || schemesKnownToGit.contains(String(host)) { return nil }

        // A bracketed IPv6 host (`user@[::1]:path`, `[::1]:path`) may hold colons.
        var bracketStart: String.Index?
        if let at = url.firstRange(of: "@[") {
            bracketStart = url.index(after: at.lowerBound)
        } else if url.hasPrefix("[") {
            bracketStart = url.startIndex
        }
        if let bracketStart, let close = url[url.index(after: bracketStart)...].firstIndex(of: "]") {
            let after = url.index(after: close)
            if after < url.endIndex && url[after] == ":" {
                host = url[..<after]
            } else {
                // Git would drop what lies between `]` and a later colon, or find no path.
                return nil
            }
        }
        let pathText = url[url.index(after: host.endIndex)...]

        var authority = ParsedURL.Authority()
        var hostText = host
        if let at = hostText.firstIndex(of: "@") {
            authority.user = String(hostText[..<at])
            hostText = hostText[hostText.index(after: at)...]
        }
        if IPAddress.isIPv4(String(hostText)) {
            authority.hostType = .ipv4
            authority.host = String(hostText)
        } else if hostText.hasPrefix("[") && hostText.hasSuffix("]") {
            let inner = String(hostText.dropFirst().dropLast())
            guard IPAddress.isIPv6(inner) else {
                throw .badURL("Git SCP bracketed URL is not valid: '\(inner)' is not a valid IPv6 address")
            }
            authority.hostType = .ipv6
            authority.host = inner
        } else {
            authority.host = String(hostText)
        }
        if pathText.isEmpty { throw .badURL("SCP-style Git URL '\(url)' has an empty path") }

        var result = ParsedURL(scheme: "ssh", authority: authority,
                               path: pathText.split(separator: "/", omittingEmptySubsequences: false).map(String.init))
        if let first = result.path.first, !first.isEmpty {
            // A URL's path is absolute; the repository is taken from the root, which is
            // what forges expect but not what Git does with a relative SCP path.
            result.path.insert("", at: 0)
            if !first.hasPrefix("~") {
                var tilde = result
                tilde.path.insert("~", at: 1)
                warn("""
                    SCP-style URL '\(url)' has a relative path which cannot be faithfully converted to an SSH URL: \
                    we will convert it to an absolute path when making an SSH URL.

                    Use an explicit absolute path:

                        \(host):/\(pathText)

                    or with an explicit SSH URL:

                        \(result.text)

                    instead, to explicitly use an absolute path (and silence this warning). \
                    Or, to be relative to the remote user's home directory:

                        \(host):~/\(pathText)

                    or with an explicit SSH URL:

                        \(tilde.text)
                    """)
            }
        }
        return result
    }

    // MARK: Ref names

    /// Whether Git accepts `name` as a ref, a branch or a tag name (Nix's
    /// `isLegalRefName`, which asks libgit2 all three).
    static func isLegalRefName(_ name: String) -> Bool {
        // libgit2 lets these two through; Git does not.
        if name == "@" || name.utf8.contains(0x7f) { return false }
        if isValidReference(name) { return true }
        if name.hasPrefix("-") { return false }
        return (name != "HEAD" && isValidReference("refs/heads/" + name)) || isValidReference("refs/tags/" + name)
    }

    /// libgit2's reference name check (`git check-ref-format` rules), allowing a
    /// one-level name only if it is in capitals (`HEAD`, `FETCH_HEAD`).
    private static func isValidReference(_ name: String) -> Bool {
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        for component in components {
            guard !component.isEmpty, component.first != ".", !component.hasSuffix(".lock") else { return false }
            var previous: UInt8 = 0
            for c in component.utf8 {
                if c <= 0x20 || "~^:\\?[*".utf8.contains(c) { return false }
                if previous == UInt8(ascii: ".") && c == UInt8(ascii: ".") { return false }
                if previous == UInt8(ascii: "@") && c == UInt8(ascii: "{") { return false }
                previous = c
            }
        }
        if name.hasSuffix(".") { return false }
        func isAllCaps(_ s: Substring) -> Bool {
            !s.isEmpty && s.allSatisfy { ("A"..."Z").contains($0) || $0 == "_" } && s.first != "_" && s.last != "_"
        }
        if components.count == 1 { return isAllCaps(components[0]) }
        return !isAllCaps(components[0])
    }
}
