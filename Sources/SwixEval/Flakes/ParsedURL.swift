/// Why a flake reference (or one of its URLs) was refused. Nix raises two kinds of
/// error here and the difference matters: the flake reference parser catches a
/// `BadURL` and tries the next syntax (ending at "is not an absolute path"), while
/// any other error ends the parse with its own message.
struct FlakeRefError: Error {
    enum Kind { case badURL, other }
    let kind: Kind
    let message: String

    static func badURL(_ message: String) -> FlakeRefError { FlakeRefError(kind: .badURL, message: message) }
    static func other(_ message: String) -> FlakeRefError { FlakeRefError(kind: .other, message: message) }
}

/// URL query parameters, one value per key, ordered by the keys' bytes (Nix keeps
/// them in a `std::map`, which is the order they are printed in).
struct URLQuery {
    private(set) var entries: [(key: String, value: String)] = []

    var isEmpty: Bool { entries.isEmpty }

    private func position(_ key: String) -> (found: Bool, index: Int) {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            let k = entries[mid].key
            if k == key { return (true, mid) }
            if k.utf8.lexicographicallyPrecedes(key.utf8) { low = mid + 1 } else { high = mid }
        }
        return (false, low)
    }

    subscript(_ key: String) -> String? {
        let p = position(key)
        return p.found ? entries[p.index].value : nil
    }

    /// Adds the parameter unless the key is present (`emplace`: the first one wins).
    mutating func addIfAbsent(_ key: String, _ value: String) {
        let p = position(key)
        if !p.found { entries.insert((key, value), at: p.index) }
    }

    /// Adds or replaces the parameter (`insert_or_assign`).
    mutating func set(_ key: String, _ value: String) {
        let p = position(key)
        if p.found { entries[p.index].value = value } else { entries.insert((key, value), at: p.index) }
    }

    mutating func remove(_ key: String) {
        let p = position(key)
        if p.found { entries.remove(at: p.index) }
    }

    mutating func removeAll() { entries.removeAll() }
}

/// A URL taken apart the way Nix's `ParsedURL` holds one: the scheme, an optional
/// authority, the path as percent-decoded segments (an absolute path starts with an
/// empty segment), the decoded query parameters and fragment. Printing re-encodes
/// every part, so a URL does not always print back as it was written.
struct ParsedURL {
    struct Authority {
        enum HostType { case name, ipv4, ipv6, ipvFuture }
        var hostType: HostType = .name
        /// Decoded (a registered name) or as written (an IP address).
        var host = ""
        var user: String?
        var password: String?
        var port: UInt16?

        var text: String {
            var s = ""
            if let user {
                s += URLEncoding.percentEncode(user)
                if let password { s += ":" + URLEncoding.percentEncode(password) }
                s += "@"
            }
            switch hostType {
            case .name: s += URLEncoding.percentEncode(host)
            case .ipv4: s += host
            case .ipv6, .ipvFuture: s += "[" + URLEncoding.percentEncode(host, keeping: ":") + "]"
            }
            if let port { s += ":\(port)" }
            return s
        }
    }

    var scheme: String
    var authority: Authority?
    var path: [String]
    var query = URLQuery()
    var fragment = ""

    /// The non-empty path segments (Nix's `pathSegments(skipEmpty = true)`).
    var nonEmptySegments: [String] { path.filter { !$0.isEmpty } }

    /// The URL as text, every component percent-encoded again.
    var text: String {
        var s = scheme + ":"
        if let authority { s += "//" + authority.text }
        s += URLEncoding.encodePath(path)
        if !query.isEmpty { s += "?" + URLEncoding.encodeQuery(query) }
        if !fragment.isEmpty { s += "#" + URLEncoding.percentEncode(fragment) }
        return s
    }

    /// The scheme split at its first `+`: `tarball+https` is the application
    /// `tarball` over the transport `https`.
    static func splitScheme(_ scheme: String) -> (application: String?, transport: String) {
        guard let plus = scheme.firstIndex(of: "+") else { return (nil, scheme) }
        return (String(scheme[..<plus]), String(scheme[scheme.index(after: plus)...]))
    }
}

// MARK: - Parsing

extension ParsedURL {
    /// Parses an absolute URL (RFC 3986 syntax). `lenient` is Nix's back-compatible
    /// mode, which lets spaces and `"` through in the query and spaces, `"` and `^`
    /// in the fragment by encoding them first.
    static func parse(_ url: String, lenient: Bool) throws(FlakeRefError) -> ParsedURL {
        let text = lenient ? URLEncoding.lenientlyEncoded(url) : url
        let b = Array(text.utf8)
        func invalid() -> FlakeRefError { .badURL("'\(url)' is not a valid URL: leftover") }

        // The scheme: a letter, then letters, digits, `+`, `-` and `.`, then `:`.
        var i = 0
        var scheme: String?
        if let first = b.first, URLEncoding.isAlpha(first) {
            var j = 1
            while j < b.count, URLEncoding.isSchemeByte(b[j]) { j += 1 }
            if j < b.count, b[j] == UInt8(ascii: ":") {
                scheme = String(decoding: b[..<j], as: UTF8.self)
                i = j + 1
            }
        }

        let rest = b[i...]
        let fragmentStart = rest.firstIndex(of: UInt8(ascii: "#"))
        let beforeFragment = rest[..<(fragmentStart ?? rest.endIndex)]
        let queryStart = beforeFragment.firstIndex(of: UInt8(ascii: "?"))
        var hierarchy = beforeFragment[..<(queryStart ?? beforeFragment.endIndex)]
        let encodedQuery = queryStart.map { beforeFragment[($0 + 1)...] }
        let encodedFragment = fragmentStart.map { rest[($0 + 1)...] }

        var authority: Authority?
        if hierarchy.starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")]) {
            let afterSlashes = hierarchy.dropFirst(2)
            let end = afterSlashes.firstIndex(of: UInt8(ascii: "/")) ?? afterSlashes.endIndex
            authority = try Authority.parse(afterSlashes[..<end], url: url)
            hierarchy = afterSlashes[end...]
        }
        guard hierarchy.allSatisfy({ URLEncoding.isPathByte($0) }), URLEncoding.hasValidEscapes(hierarchy),
              (encodedQuery ?? []).allSatisfy({ URLEncoding.isQueryByte($0) }), URLEncoding.hasValidEscapes(encodedQuery ?? []),
              (encodedFragment ?? []).allSatisfy({ URLEncoding.isQueryByte($0) }), URLEncoding.hasValidEscapes(encodedFragment ?? [])
        else { throw invalid() }
        guard let scheme else {
            // A relative reference: without a scheme its first segment may not hold a colon.
            let firstSegment = hierarchy.prefix { $0 != UInt8(ascii: "/") }
            if authority == nil && firstSegment.contains(UInt8(ascii: ":")) { throw invalid() }
            throw .badURL("'\(url)' doesn't have a scheme")
        }

        // A `file` URL names this machine: an authority may be there but must be empty.
        let transportIsFile = splitScheme(scheme).transport == "file"
        if let authority, !authority.host.isEmpty, transportIsFile {
            throw .badURL("file:// URL '\(text)' has unexpected authority '\(authority.text)'")
        }
        var encodedPath = String(decoding: hierarchy, as: UTF8.self)
        if transportIsFile && encodedPath.isEmpty { encodedPath = "/" }
        var path: [String] = []
        for segment in encodedPath.split(separator: "/", omittingEmptySubsequences: false) {
            path.append(try URLEncoding.percentDecode(String(segment)))
        }
        return ParsedURL(scheme: scheme, authority: authority, path: path,
                         query: try URLEncoding.decodeQuery(encodedQuery.map { String(decoding: $0, as: UTF8.self) } ?? "",
                                                            lenient: lenient),
                         fragment: try URLEncoding.percentDecode(encodedFragment.map { String(decoding: $0, as: UTF8.self) } ?? ""))
    }
}

extension ParsedURL.Authority {
    /// `[userinfo@]host[:port]`, where the host is a name, an IPv4 address or a
    /// bracketed IPv6 (or future) literal.
    static func parse(_ b: ArraySlice<UInt8>, url: String) throws(FlakeRefError) -> ParsedURL.Authority {
        func invalid() -> FlakeRefError { .badURL("'\(url)' is not a valid URL: leftover") }
        var authority = ParsedURL.Authority()
        var hostPort = b
        if let at = b.firstIndex(of: UInt8(ascii: "@")) {
            let userinfo = b[..<at]
            guard userinfo.allSatisfy({ URLEncoding.isUnreservedOrSubDelim($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "%") }),
                  URLEncoding.hasValidEscapes(userinfo) else { throw invalid() }
            if let colon = userinfo.firstIndex(of: UInt8(ascii: ":")) {
                authority.user = try URLEncoding.percentDecode(String(decoding: userinfo[..<colon], as: UTF8.self))
                authority.password = try URLEncoding.percentDecode(String(decoding: userinfo[(colon + 1)...], as: UTF8.self))
            } else {
                authority.user = try URLEncoding.percentDecode(String(decoding: userinfo, as: UTF8.self))
            }
            hostPort = b[(at + 1)...]
        }
        var portText: ArraySlice<UInt8>?
        if hostPort.first == UInt8(ascii: "[") {
            guard let close = hostPort.firstIndex(of: UInt8(ascii: "]")) else { throw invalid() }
            let literal = String(decoding: hostPort[(hostPort.startIndex + 1)..<close], as: UTF8.self)
            if literal.first == "v" || literal.first == "V" {
                authority.hostType = .ipvFuture
            } else {
                guard IPAddress.isIPv6(literal) else { throw invalid() }
                authority.hostType = .ipv6
            }
            authority.host = literal
            let after = hostPort[(close + 1)...]
            if !after.isEmpty {
                guard after.first == UInt8(ascii: ":") else { throw invalid() }
                portText = after.dropFirst()
            }
        } else {
            let colon = hostPort.firstIndex(of: UInt8(ascii: ":"))
            let name = hostPort[..<(colon ?? hostPort.endIndex)]
            if let colon { portText = hostPort[(colon + 1)...] }
            guard name.allSatisfy({ URLEncoding.isUnreservedOrSubDelim($0) || $0 == UInt8(ascii: "%") }),
                  URLEncoding.hasValidEscapes(name) else { throw invalid() }
            let nameText = String(decoding: name, as: UTF8.self)
            if IPAddress.isIPv4(nameText) {
                authority.hostType = .ipv4
                authority.host = nameText
            } else {
                authority.host = try URLEncoding.percentDecode(nameText)
            }
        }
        if let portText, !portText.isEmpty {
            guard portText.allSatisfy({ URLEncoding.isDigit($0) }) else { throw invalid() }
            let digits = String(decoding: portText, as: UTF8.self)
            // Zero and numbers beyond 16 bits are no port.
            guard let n = UInt16(digits), n != 0 else { throw .badURL("port '\(digits)' is invalid") }
            authority.port = n
        }
        return authority
    }
}

/// Just enough of IP address syntax to tell a host's kind, as RFC 3986 defines them.
enum IPAddress {
    /// Four decimal octets without leading zeros.
    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { p in
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII }), p.allSatisfy({ $0.isNumber }),
                  let n = Int(p), n <= 255 else { return false }
            return p == "0" || !p.hasPrefix("0")
        }
    }

    /// Up to eight groups of hex digits with at most one `::`, the last two groups
    /// possibly written as an IPv4 address.
    static func isIPv6(_ s: String) -> Bool {
        var halves: [Substring] = []
        var rest = Substring(s)
        while let r = rest.firstRange(of: "::") {
            halves.append(rest[..<r.lowerBound])
            rest = rest[r.upperBound...]
        }
        halves.append(rest)
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (n, half) in halves.enumerated() where !half.isEmpty {
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for (k, p) in parts.enumerated() {
                if n == halves.count - 1 && k == parts.count - 1 && p.contains(".") {
                    guard isIPv4(String(p)) else { return false }
                    groups += 2
                    continue
                }
                guard (1...4).contains(p.count), p.allSatisfy({ $0.isHexDigit }) else { return false }
                groups += 1
            }
        }
        return halves.count == 2 ? groups <= 7 : groups == 8
    }
}

// MARK: - Percent-encoding

/// Nix's percent-encoding rules for the parts of a URL.
enum URLEncoding {
    static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }
    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    static func isHex(_ c: UInt8) -> Bool { isDigit(c) || ((c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "f")) }
    static func isSchemeByte(_ c: UInt8) -> Bool { isAlpha(c) || isDigit(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") }
    static func isUnreserved(_ c: UInt8) -> Bool {
        isAlpha(c) || isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "~")
    }
    static func isUnreservedOrSubDelim(_ c: UInt8) -> Bool { isUnreserved(c) || "!$&'()*+,;=".utf8.contains(c) }
    /// A path byte: `pchar`, `/`, or the `%` of an escape.
    static func isPathByte(_ c: UInt8) -> Bool {
        isUnreservedOrSubDelim(c) || c == UInt8(ascii: ":") || c == UInt8(ascii: "@") || c == UInt8(ascii: "/") || c == UInt8(ascii: "%")
    }
    /// A query or fragment byte: a path byte or `?`.
    static func isQueryByte(_ c: UInt8) -> Bool { isPathByte(c) || c == UInt8(ascii: "?") }

    /// Whether every `%` starts an escape of two hex digits.
    static func hasValidEscapes(_ b: some Collection<UInt8>) -> Bool {
        var pending = 0
        for c in b {
            if pending > 0 {
                guard isHex(c) else { return false }
                pending -= 1
            } else if c == UInt8(ascii: "%") {
                pending = 2
            }
        }
        return pending == 0
    }

    /// Nix's `percentDecode`.
    static func percentDecode(_ s: String) throws(FlakeRefError) -> String {
        let b = Array(s.utf8)
        guard b.contains(UInt8(ascii: "%")) else { return s }
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%") {
                guard i + 2 < b.count else {
                    throw .badURL("invalid URI parameter '\(s)': incomplete pct-encoding")
                }
                guard isHex(b[i + 1]), isHex(b[i + 2]) else {
                    throw .badURL("invalid URI parameter '\(s)': bad hexdig in pct-encoding")
                }
                out.append(UInt8(hexValue(b[i + 1]) << 4 | hexValue(b[i + 2])))
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8 { isDigit(c) ? c - UInt8(ascii: "0") : (c | 0x20) - UInt8(ascii: "a") + 10 }

    /// Escapes every byte that is not unreserved or in `keeping` as `%XX`.
    static func percentEncode(_ s: String, keeping: String = "") -> String {
        let keep = Array(keeping.utf8)
        var out: [UInt8] = []
        let digits = Array("0123456789ABCDEF".utf8)
        for c in s.utf8 {
            if isUnreserved(c) || keep.contains(c) {
                out.append(c)
            } else {
                out += [UInt8(ascii: "%"), digits[Int(c >> 4)], digits[Int(c & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func encodePath(_ segments: [String]) -> String {
        segments.map { percentEncode($0, keeping: ":@") }.joined(separator: "/")
    }

    static func encodeQuery(_ query: URLQuery) -> String {
        query.entries.map { percentEncode($0.key, keeping: ":@/?") + "=" + percentEncode($0.value, keeping: ":@/?") }
            .joined(separator: "&")
    }

    /// Encodes the characters Nix lets through unencoded for compatibility: spaces and
    /// `"` in the query, and those and `^` in the fragment.
    static func lenientlyEncoded(_ url: String) -> String {
        var out = ""
        var view = Substring(url)
        if let q = view.firstIndex(of: "?") {
            out += view[...q]
            view = view[view.index(after: q)...]
            let hash = view.firstIndex(of: "#") ?? view.endIndex
            out += encodeOnly(view[..<hash], " \"")
            view = view[hash...]
        }
        if let h = view.firstIndex(of: "#") {
            out += view[...h]
            out += encodeOnly(view[view.index(after: h)...], " \"^")
            return out
        }
        return out + view
    }

    private static func encodeOnly(_ s: Substring, _ chars: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            if chars.unicodeScalars.contains(ch) { out += percentEncode(String(ch)) } else { out.unicodeScalars.append(ch) }
        }
        return out
    }

    /// Nix's `decodeQuery`: `&`-separated `key=value` pairs, percent-decoded; the first
    /// of a repeated key wins, and a parameter without `=` is ignored (with a warning).
    static func decodeQuery(_ query: String, lenient: Bool) throws(FlakeRefError) -> URLQuery {
        let text = lenient ? encodeOnly(Substring(query), " \"") : query
        guard text.utf8.allSatisfy({ isQueryByte($0) }), hasValidEscapes(text.utf8) else {
            throw .badURL("invalid URI query '\(query)': leftover")
        }
        var result = URLQuery()
        if text.isEmpty { return result }
        for param in text.split(separator: "&", omittingEmptySubsequences: false) {
            guard let eq = param.firstIndex(of: "=") else {
                flakeRefWarning("dubious URI query '\(param)' is missing equal sign '=', ignoring")
                continue
            }
            result.addIfAbsent(try percentDecode(String(param[..<eq])), try percentDecode(String(param[param.index(after: eq)...])))
        }
        return result
    }
}

/// Prints one of Nix's warnings about a flake reference (CppNix's logger: standard
/// error, `warning: ` prefix). Parsing goes on after it.
func flakeRefWarning(_ message: String) {
    DebugSettings.writeToStandardError("warning: \(message)\n")
}

// MARK: - File system paths in URLs

extension ParsedURL {
    /// A file system path as URL path segments (Nix's `pathToUrlPath`, which walks the
    /// path as `std::filesystem::path` does): an absolute path starts with an empty
    /// segment, repeated slashes count once, and a trailing slash adds empty segments.
    static func segments(ofFilePath path: String) -> [String] {
        var segments: [String] = path.hasPrefix("/") ? [""] : []
        let relative = path.drop { $0 == "/" }
        if !relative.isEmpty {
            segments += relative.split(separator: "/").map(String.init)
            // A trailing separator is one more (empty) element of the path.
            if relative.hasSuffix("/") { segments.append("") }
        }
        // ... and leaves the path without a file name.
        if path.isEmpty || path.hasSuffix("/") { segments.append("") }
        return segments
    }

    /// URL path segments as a file system path (Nix's `urlPathToPath`); a segment may
    /// not hold a `/` (an encoded one) or a NUL byte.
    static func filePath(ofSegments segments: [String]) throws(FlakeRefError) -> String {
        for segment in segments {
            if segment.contains("/") {
                throw .badURL("URL path component '\(segment)' contains '/', which is not allowed in file names")
            }
            if segment.utf8.contains(0) {
                throw .badURL("URL path component '\(segment.split(separator: "\0", omittingEmptySubsequences: false).joined(separator: "␀"))' contains NUL byte which is not allowed")
            }
        }
        var result = ""
        var rest = segments[...]
        if rest.first == "" {
            result = "/"
            rest = rest.dropFirst()
        }
        for segment in rest {
            // `path /= segment`: a separator goes in only after a file name.
            if !result.isEmpty && !result.hasSuffix("/") { result += "/" }
            result += segment
        }
        return result
    }
}
