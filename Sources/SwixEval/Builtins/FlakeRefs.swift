import SwixSyntax

/// `builtins.parseFlakeRef` and `builtins.flakeRefToString`: flake references
/// between their URL form (`github:NixOS/nixpkgs/23.05?dir=lib`) and their
/// attribute form, with current Nix's rules. Both are pure: nothing is fetched and
/// the file system is not looked at (so a relative path is refused, as Nix does
/// when it has no base directory).
extension Builtins {
    static func flakeRefs() -> [PrimOp] {
        [
            PrimOp("__parseFlakeRef", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let text = try ev.forceStringNoContext(a[0], .none, "while evaluating the argument passed to builtins.parseFlakeRef")
                let ref = try flakeRefResult { () throws(FlakeRefError) in try FlakeRef.parse(String(decoding: text, as: UTF8.self)) }
                var attrs: [Attr] = []
                for (name, value) in ref.attrs.values {
                    let v: Value
                    switch value {
                    case .string(let s): v = .string(NixString(s))
                    // Nix stores the unsigned number in its signed integer.
                    case .int(let n): v = .int(Int64(bitPattern: n))
                    case .bool(let b): v = .bool(b)
                    }
                    attrs.append(Attr(name: ev.symbols.intern(name), value: v, pos: .none))
                }
                return .attrs(Attrs.unsorted(attrs))
            },
            PrimOp("__flakeRefToString", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let set = try ev.forceAttrs(a[0], .none, "while evaluating the argument passed to builtins.flakeRefToString")
                var attrs = FetcherAttrs()
                for attr in set.attrs {
                    let name = ev.symbols.string(attr.name)
                    switch try ev.force(attr.value, attr.pos) {
                    case .int(let n):
                        guard n >= 0 else { throw EvalError("negative value given for flake ref attr \(name): \(n)") }
                        attrs[name] = .int(UInt64(n))
                    case .bigInt(let n):
                        // Beyond 64 bits: only a negative one can be told apart from
                        // what Nix would have; a positive one cannot be represented.
                        if n.signum < 0 { throw EvalError("negative value given for flake ref attr \(name): \(n.description)") }
                        throw EvalError("integer \(n.description) of flake ref attr \(name) is too large")
                    case .bool(let b):
                        attrs[name] = .bool(b)
                    case .string(let s):
                        attrs[name] = .string(s.string)
                    case let other:
                        throw EvalError("flake reference attribute sets may only contain integers, Booleans, and strings, but attribute '\(name)' is \(other.typeDescription)")
                    }
                }
                let text = try flakeRefResult { () throws(FlakeRefError) in try FlakeRef(attrs: attrs).urlText }
                return .string(NixString(text))
            },
        ]
    }

    /// Runs flake reference code, its error becoming an evaluation error without a
    /// position (the builtin's "while calling" frame says where).
    private static func flakeRefResult<T>(_ body: () throws(FlakeRefError) -> T) throws(EvalError) -> T {
        do {
            return try body()
        } catch {
            throw EvalError(error.message)
        }
    }
}

/// A flake reference: an input and the subdirectory the flake is in (`dir`).
struct FlakeRef {
    var input: FetcherInput
    var subdir: String

    /// The attribute form: the input's attributes, and `dir` when there is one.
    var attrs: FetcherAttrs {
        var a = input.attrs
        if !subdir.isEmpty && !a.has("dir") { a["dir"] = .string(subdir) }
        return a
    }

    /// The URL form, with `dir` as a query parameter.
    var urlText: String {
        get throws(FlakeRefError) {
            var extra = URLQuery()
            if !subdir.isEmpty { extra.set("dir", subdir) }
            return try input.urlText(extraQuery: extra)
        }
    }

    /// From the attribute form: `dir` is the subdirectory, the rest the input.
    init(attrs: FetcherAttrs) throws(FlakeRefError) {
        var inputAttrs = attrs
        inputAttrs["dir"] = nil
        input = try FetcherInput.fromAttrs(inputAttrs)
        subdir = try attrs.string("dir") ?? ""
    }

    init(input: FetcherInput, subdir: String) {
        self.input = input
        self.subdir = subdir
    }

    /// Parses the URL form, trying in turn a flake ID (`nixpkgs/23.05`), a URL, and
    /// an absolute path. A fragment (`#attr`) is an error here.
    static func parse(_ text: String) throws(FlakeRefError) -> FlakeRef {
        let (ref, fragment) = try parseWithFragment(text)
        if !fragment.isEmpty { throw .other("unexpected fragment '\(fragment)' in flake reference '\(text)'") }
        return ref
    }

    private static func parseWithFragment(_ text: String) throws(FlakeRefError) -> (FlakeRef, String) {
        if let result = try parseFlakeID(text) { return result }
        do {
            return try fromURL(try ParsedURL.parse(text, lenient: true))
        } catch where error.kind == .badURL {
            // Not a URL (or not a valid one of its type): perhaps a path.
        }
        return try parsePath(text)
    }

    /// `id[/ref-or-rev][/rev][#fragment]`, short for `flake:id/…`.
    private static func parseFlakeID(_ text: String) throws(FlakeRefError) -> (FlakeRef, String)? {
        let hash = text.firstIndex(of: "#")
        let main = text[..<(hash ?? text.endIndex)]
        let fragment = hash.map { text[text.index(after: $0)...] } ?? ""
        guard fragment.utf8.allSatisfy({ URLEncoding.isQueryByte($0) || " \"^".utf8.contains($0) }),
              URLEncoding.hasValidEscapes(fragment.utf8) else { return nil }
        let slash = main.firstIndex(of: "/")
        let id = main[..<(slash ?? main.endIndex)]
        guard IndirectScheme.isFlakeID(String(id)) else { return nil }
        if let slash {
            // A branch or tag name (which may contain slashes), a revision, or both.
            let ref = main[main.index(after: slash)...].utf8
            guard let first = ref.first,
                  URLEncoding.isAlpha(first) || URLEncoding.isDigit(first) || first == UInt8(ascii: "@"),
                  ref.allSatisfy({ URLEncoding.isAlpha($0) || URLEncoding.isDigit($0) || "_./@+-".utf8.contains($0) })
            else { return nil }
        }
        let url = ParsedURL(scheme: "flake", path: main.split(separator: "/", omittingEmptySubsequences: false).map(String.init))
        let input = try FetcherInput.fromURL(url, requireTree: true)
        return (FlakeRef(input: input, subdir: ""), try URLEncoding.percentDecode(String(fragment)))
    }

    /// An absolute path, with an optional query and fragment.
    private static func parsePath(_ text: String) throws(FlakeRefError) -> (FlakeRef, String) {
        let pathEnd = text.firstIndex { $0 == "?" || $0 == "#" } ?? text.endIndex
        let path = String(text[..<pathEnd])
        var rest = text[pathEnd...]
        var queryText = ""
        if rest.first == "?" {
            let end = rest.firstIndex(of: "#") ?? rest.endIndex
            queryText = String(rest[rest.index(after: rest.startIndex)..<end])
            rest = rest[end...]
        }
        let fragmentText = rest.isEmpty ? "" : String(rest.dropFirst())
        // (Nix matches the fragment with `.*`, which stops at line breaks.)
        if fragmentText.contains(where: { $0.isNewline }) { throw .other("invalid flakeref '\(text)'") }
        let query = try URLEncoding.decodeQuery(queryText, lenient: true)
        let fragment = try URLEncoding.percentDecode(fragmentText)
        guard path.hasPrefix("/") else { throw .badURL("flake reference '\(text)' is not an absolute path") }
        return try fromURL(ParsedURL(scheme: "path", authority: ParsedURL.Authority(), path: ParsedURL.segments(ofFilePath: path),
                                     query: query, fragment: fragment))
    }

    /// The flake reference a URL names: its `dir` parameter is the subdirectory, the
    /// rest the input; the fragment is returned for the caller to judge.
    private static func fromURL(_ url: ParsedURL) throws(FlakeRefError) -> (FlakeRef, String) {
        var url = url
        let dir = url.query["dir"] ?? ""
        url.query.remove("dir")
        let fragment = url.fragment
        url.fragment = ""
        return (FlakeRef(input: try FetcherInput.fromURL(url, requireTree: true), subdir: dir), fragment)
    }
}
