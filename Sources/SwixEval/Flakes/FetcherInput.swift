import SwixStore

/// One attribute of a fetcher input: Nix's `fetchers::Attr`, which keeps its type
/// (a revision count is a number, `shallow` a Boolean).
enum FetcherAttr: Equatable {
    case string(String)
    case int(UInt64)
    case bool(Bool)
}

/// The attributes of a fetcher input (Nix's `fetchers::Attrs`, ordered by name),
/// with the typed getters and the error messages of `attrs.cc`.
struct FetcherAttrs {
    var values: [String: FetcherAttr] = [:]

    subscript(_ name: String) -> FetcherAttr? {
        get { values[name] }
        set { values[name] = newValue }
    }

    func has(_ name: String) -> Bool { values[name] != nil }

    /// Names in byte order, the order Nix keeps them in.
    var sortedNames: [String] { values.keys.sorted { $0.utf8Precedes($1) } }

    func string(_ name: String) throws(FlakeRefError) -> String? {
        guard let v = values[name] else { return nil }
        guard case .string(let s) = v else { throw .other("input attribute '\(name)' is not a string \(json)") }
        return s
    }

    func requiredString(_ name: String) throws(FlakeRefError) -> String {
        guard let s = try string(name) else { throw .other("input attribute '\(name)' is missing") }
        return s
    }

    func int(_ name: String) throws(FlakeRefError) -> UInt64? {
        guard let v = values[name] else { return nil }
        guard case .int(let n) = v else { throw .other("input attribute '\(name)' is not an integer") }
        return n
    }

    func bool(_ name: String) throws(FlakeRefError) -> Bool? {
        guard let v = values[name] else { return nil }
        guard case .bool(let b) = v else { throw .other("input attribute '\(name)' is not a Boolean") }
        return b
    }

    /// The attributes as URL query parameters (`attrsToQuery`): numbers in decimal,
    /// Booleans as 1 or 0.
    var asQuery: URLQuery {
        var q = URLQuery()
        for (name, v) in values {
            switch v {
            case .string(let s): q.set(name, s)
            case .int(let n): q.set(name, String(n))
            case .bool(let b): q.set(name, b ? "1" : "0")
            }
        }
        return q
    }

    /// Compact JSON with sorted keys, as Nix shows the attributes in its errors.
    var json: String {
        "{" + sortedNames.map { name -> String in
            let value: String
            switch values[name]! {
            case .string(let s): value = FetcherAttrs.jsonString(s)
            case .int(let n): value = String(n)
            case .bool(let b): value = b ? "true" : "false"
            }
            return FetcherAttrs.jsonString(name) + ":" + value
        }.joined(separator: ",") + "}"
    }

    private static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{c}": out += "\\f"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

/// A fetcher input: its attributes and the scheme that understands them (none for a
/// `type` no scheme claims; such an input can be parsed but not printed).
struct FetcherInput {
    var attrs: FetcherAttrs
    var scheme: FetcherInputScheme?

    /// The input a URL names: the first scheme (in name order) that accepts it.
    static func fromURL(_ url: ParsedURL, requireTree: Bool) throws(FlakeRefError) -> FetcherInput {
        for scheme in FetcherSchemes.all {
            if var input = try scheme.input(fromURL: url, requireTree: requireTree) {
                input.scheme = scheme
                try input.checkCommonAttributes()
                return input
            }
        }
        let parts = ParsedURL.splitScheme(url.scheme)
        if parts.application == "file" && parts.transport == "git" {
            throw .other("input '\(url.text)' is unsupported; did you mean 'git+file' instead of 'file+git'?")
        }
        throw .other("input '\(url.text)' is unsupported")
    }

    /// The input given by attributes (`fetchTree`'s and the lock file's form).
    static func fromAttrs(_ attrs: FetcherAttrs) throws(FlakeRefError) -> FetcherInput {
        guard let type = try attrs.string("type") else {
            throw .other("'type' attribute to specify input scheme is required but not provided")
        }
        guard let scheme = FetcherSchemes.all.first(where: { $0.name == type }) else {
            let raw = FetcherInput(attrs: attrs, scheme: nil)
            try raw.checkCommonAttributes()
            return raw
        }
        for name in attrs.sortedNames where name != "type" && name != "__final" && !scheme.allowedAttributes.contains(name) {
            throw .other("input attribute '\(name)' not supported by scheme '\(type)'")
        }
        var input = try scheme.input(fromAttrs: attrs)
        input.scheme = scheme
        try input.checkCommonAttributes()
        return input
    }

    /// The checks every input gets (`fixupInput`): the types of the common attributes.
    private func checkCommonAttributes() throws(FlakeRefError) {
        _ = try attrs.requiredString("type")
        _ = try attrs.string("ref")
        _ = try attrs.int("revCount")
        _ = try attrs.int("lastModified")
    }

    func toURL() throws(FlakeRefError) -> ParsedURL {
        guard let scheme else { throw .other("cannot show unsupported input '\(attrs.json)'") }
        return try scheme.url(of: self)
    }

    /// The URL, with extra query parameters that do not replace the input's own.
    func urlText(extraQuery: URLQuery) throws(FlakeRefError) -> String {
        var url = try toURL()
        for (key, value) in extraQuery.entries { url.query.addIfAbsent(key, value) }
        return url.text
    }

    var ref: String? { get throws(FlakeRefError) { try attrs.string("ref") } }

    /// `rev` as a hash: with an algorithm prefix, or else SHA-1 digits.
    var rev: Hash? {
        get throws(FlakeRefError) {
            guard let s = try attrs.string("rev") else { return nil }
            if let prefixed = try? Hash.parseAnyPrefixed(s) { return prefixed }
            return try FetcherInput.hash { () throws(HashError) in try Hash.parseAny(s, algorithm: .sha1) }
        }
    }

    /// `narHash`: SRI SHA-256 (empty meaning the all-zero hash).
    var narHash: Hash? {
        get throws(FlakeRefError) {
            guard let s = try attrs.string("narHash") else { return nil }
            let hash = s.isEmpty ? Hash(zeroFor: .sha256) : try FetcherInput.hash { () throws(HashError) in try Hash.parseSRI(s) }
            if hash.algorithm != .sha256 { throw .other("narHash must use SHA-256") }
            return hash
        }
    }

    /// Runs a hash parse, its error becoming a flake reference error.
    static func hash(_ parse: () throws(HashError) -> Hash) throws(FlakeRefError) -> Hash {
        do {
            return try parse()
        } catch {
            throw .other(error.message)
        }
    }
}

/// A kind of fetcher input (`github`, `git`, `path`, …): how it reads a URL and
/// attributes, and how it prints itself as a URL.
protocol FetcherInputScheme: Sendable {
    var name: String { get }
    /// The attributes an input of this type may have (besides `type`).
    var allowedAttributes: Set<String> { get }
    /// The input a URL names, or nil when the URL is not of this type.
    func input(fromURL url: ParsedURL, requireTree: Bool) throws(FlakeRefError) -> FetcherInput?
    func input(fromAttrs attrs: FetcherAttrs) throws(FlakeRefError) -> FetcherInput
    func url(of input: FetcherInput) throws(FlakeRefError) -> ParsedURL
}
