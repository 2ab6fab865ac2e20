/// How a fixed-output or content-addressed path's hash covers its contents.
public enum ContentAddressMethod: Sendable, Hashable {
    /// The hash is of the file's bytes (`outputHashMode = "flat"`, `recursive = false`).
    case flat
    /// The hash is of the NAR serialisation (`outputHashMode = "recursive"`, `builtins.path`).
    case recursive
    /// The object is a text file whose SHA-256 is the hash, and which may refer to other
    /// store paths (`builtins.toFile`, store derivations).
    case text

    /// The marker Nix puts before `<algo>:<hex>` in a fixed-output fingerprint.
    var ingestionPrefix: String {
        switch self {
        case .flat: return ""
        case .recursive: return "r:"
        case .text: return "text:"
        }
    }
}

/// A store directory (`/nix/store` unless configured otherwise) and the computation of
/// the store paths that live in it.
///
/// A store path's hash part depends on the store directory, so the same contents get
/// different paths in different stores. Every path is derived the same way from a
/// *fingerprint* `<type>:sha256:<inner hash in hex>:<store dir>:<name>`: its SHA-256,
/// XOR-folded to 20 bytes, in Nix base-32. What varies is the type and the inner hash:
///
/// | kind                       | type                                   | inner hash                |
/// |----------------------------|----------------------------------------|---------------------------|
/// | text (`toFile`, `.drv`)    | `text` + `:<ref>` per reference        | SHA-256 of the contents   |
/// | source (`path`, recursive SHA-256) | `source` + `:<ref>`… (+ `:self`) | NAR SHA-256           |
/// | other fixed outputs        | `output:out`                           | SHA-256 of `fixed:out:<r:?><algo>:<hex>:` |
/// | derivation outputs         | `output:<id>`                          | the derivation's hash modulo |
///
/// References enter in sorted order, each printed as a full store path, so the
/// fingerprint is unambiguous (the name cannot contain `:`).
public struct StoreDirectory: Hashable, Sendable {
    /// The directory, without trailing slash.
    public let path: String

    public init(_ path: String = "/nix/store") {
        self.path = path
    }

    /// `/nix/store`.
    public static let `default` = StoreDirectory()

    // MARK: Printing and parsing

    /// The absolute path of `storePath` in this store.
    public func print(_ storePath: StorePath) -> String {
        var directory = path, baseName = storePath.baseName
        return directory.withUTF8 { d in
            baseName.withUTF8 { b in
                String(unsafeUninitializedCapacity: d.count + 1 + b.count) { out in
                    let start = out.baseAddress!
                    if let source = d.baseAddress { start.update(from: source, count: d.count) }
                    start[d.count] = UInt8(ascii: "/")
                    if let source = b.baseAddress { (start + d.count + 1).update(from: source, count: b.count) }
                    return d.count + 1 + b.count
                }
            }
        }
    }

    /// Parses an absolute path naming a store object directly in this directory (after
    /// lexical normalisation: repeated slashes, `.` and `..` are resolved).
    public func parseStorePath(_ text: String) throws(StorePathError) -> StorePath {
        let canonical = try Self.canonicalize(text)
        let slash = canonical.utf8.lastIndex(of: UInt8(ascii: "/"))!
        let directory = slash == canonical.startIndex ? "/" : String(canonical[..<slash])
        if directory != path {
            throw StorePathError("path '\(canonical)' is not in the Nix store")
        }
        return try StorePath(baseName: String(canonical[canonical.index(after: slash)...]))
    }

    /// Whether `text` parses as a store path of this store.
    public func isStorePath(_ text: String) -> Bool {
        (try? parseStorePath(text)) != nil
    }

    /// Whether `text` is this directory followed by `/` and at least one more character
    /// (a purely textual test, as Nix's `isInStore`).
    public func isInStore(_ text: String) -> Bool {
        let utf8 = text.utf8, dir = path.utf8
        return utf8.first == UInt8(ascii: "/")
            && utf8.starts(with: dir)
            && utf8.count >= dir.count + 2
            && utf8[utf8.index(utf8.startIndex, offsetBy: dir.count)] == UInt8(ascii: "/")
    }

    /// Splits a path inside the store into the store object and the rest
    /// (`/nix/store/…-foo/bin/x` → (`…-foo`, `/bin/x`)).
    public func toStorePath(_ text: String) throws(StorePathError) -> (storePath: StorePath, rest: String) {
        guard isInStore(text) else {
            throw StorePathError("path '\(text)' is not in the Nix store")
        }
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: path.utf8.count + 1)
        if let slash = utf8[start...].firstIndex(of: UInt8(ascii: "/")) {
            return (try parseStorePath(String(text[..<slash])), String(text[slash...]))
        }
        return (try parseStorePath(text), "")
    }

    /// Lexical canonicalisation of an absolute path, as Nix's `canonPath` without symlink
    /// resolution.
    static func canonicalize(_ text: String) throws(StorePathError) -> String {
        guard text.utf8.first == UInt8(ascii: "/") else {
            throw StorePathError("not an absolute path: '\(text)'")
        }
        var components: [Substring] = []
        for component in text.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." {
                if !components.isEmpty { components.removeLast() }
                continue
            }
            components.append(component)
        }
        return components.isEmpty ? "/" : "/" + components.joined(separator: "/")
    }

    // MARK: Computing store paths

    /// The store path for a fingerprint of `type`, inner hash text `innerHash` (already
    /// rendered, normally `sha256:<hex>`) and `name`.
    public func makeStorePath(type: String, innerHash: String, name: String) throws(StorePathError) -> StorePath {
        var fingerprint = Array(type.utf8)
        fingerprint.append(UInt8(ascii: ":"))
        fingerprint.append(contentsOf: innerHash.utf8)
        return try makeStorePath(fingerprintPrefix: fingerprint, name: name)
    }

    /// The store path for a fingerprint of `type`, `innerHash` and `name`; the inner hash
    /// enters as `<algo>:<hex>`.
    public func makeStorePath(type: String, innerHash: Hash, name: String) throws(StorePathError) -> StorePath {
        try makeStorePath(typeBytes: Array(type.utf8), innerHash: innerHash, name: name)
    }

    /// `makeStorePath` over a type already rendered as bytes. The fingerprint is built
    /// as bytes, appended to the one array passed down: these paths are computed for
    /// every derivation (its outputs, its `.drv`), and doing it by `String`
    /// concatenation cost about 20,000 instructions a path.
    func makeStorePath(typeBytes fingerprint: consuming [UInt8], innerHash: Hash, name: String) throws(StorePathError) -> StorePath {
        fingerprint.reserveCapacity(fingerprint.count + 80 + path.utf8.count + name.utf8.count)
        fingerprint.append(UInt8(ascii: ":"))
        fingerprint.append(contentsOf: innerHash.algorithm.name.utf8)
        fingerprint.append(UInt8(ascii: ":"))
        fingerprint.append(contentsOf: Base16.encodedBytes(innerHash.bytes))
        return try makeStorePath(fingerprintPrefix: fingerprint, name: name)
    }

    /// Appends `:<store dir>:<name>` to `fingerprint` (`<type>:<inner hash>`), hashes
    /// it and names the result.
    private func makeStorePath(fingerprintPrefix fingerprint: consuming [UInt8], name: String) throws(StorePathError) -> StorePath {
        fingerprint.append(UInt8(ascii: ":"))
        fingerprint.append(contentsOf: path.utf8)
        fingerprint.append(UInt8(ascii: ":"))
        fingerprint.append(contentsOf: name.utf8)
        let digest = fingerprint.withUnsafeBytes { Digest.hash(.sha256, $0) }.compressed(to: 20)
        return try StorePath(hash: digest, name: name)
    }

    /// `type` followed by `:<reference>` for each reference in sorted order (duplicates
    /// counted once) and `:self` when the object refers to itself, as bytes. The
    /// references are sorted as byte arrays (the order of `std::string`).
    static func typeBytesWithReferences(
        _ type: String, _ references: some Sequence<String>, hasSelfReference: Bool = false
    ) -> [UInt8] {
        typeBytesWithReferences(type, Array(references), hasSelfReference: hasSelfReference)
    }

    /// `typeBytesWithReferences` of references in an array (specialised: no witness
    /// tables).
    static func typeBytesWithReferences(_ type: String, _ references: [String], hasSelfReference: Bool = false) -> [UInt8] {
        var sorted = references.map { Array($0.utf8) }
        sorted.sort { a, b in a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in bytewiseLess(pa, pb) } } }
        return typeBytes(type, sortedReferences: sorted, hasSelfReference: hasSelfReference)
    }

    /// `typeBytesWithReferences` of references sorted already (duplicates, next to
    /// each other, are written once).
    static func typeBytes(_ type: String, sortedReferences sorted: [[UInt8]], hasSelfReference: Bool = false) -> [UInt8] {
        var result = Array(type.utf8)
        for (index, reference) in sorted.enumerated() where index == 0 || sorted[index - 1] != reference {
            result.append(UInt8(ascii: ":"))
            result.append(contentsOf: reference)
        }
        if hasSelfReference { result.append(contentsOf: ":self".utf8) }
        return result
    }

    /// The path of a text object (`builtins.toFile`, a `.drv` file) whose contents have
    /// SHA-256 `contentsHash` and refer to `references` (full store paths).
    public func makeTextPath(
        name: String, contentsHash: Hash, references: some Sequence<String> = [String]()
    ) throws(StorePathError) -> StorePath {
        precondition(contentsHash.algorithm == .sha256, "text paths are addressed by SHA-256")
        return try makeStorePath(typeBytes: Self.typeBytesWithReferences("text", references),
                                 innerHash: contentsHash, name: name)
    }

    /// `makeTextPath` of a text held in an array, references as strings: the form
    /// `derivationStrict` calls for every `.drv`. (The generic versions run
    /// unspecialised when called from another module: ~2,000 instructions a call
    /// to render even no references.)
    public func makeTextPath(name: String, contents: [UInt8], references: [String]) throws(StorePathError) -> StorePath {
        let hash = contents.withUnsafeBytes { Digest.hash(.sha256, $0) }
        return try makeStorePath(typeBytes: Self.typeBytesWithReferences("text", references), innerHash: hash, name: name)
    }

    /// `makeTextPath` with the references as bytes, sorted bytewise (a `.drv`'s,
    /// which are sorted as they are collected).
    public func makeTextPath(name: String, contents: [UInt8], sortedReferences: [[UInt8]]) throws(StorePathError) -> StorePath {
        let hash = contents.withUnsafeBytes { Digest.hash(.sha256, $0) }
        return try makeStorePath(typeBytes: Self.typeBytes("text", sortedReferences: sortedReferences), innerHash: hash, name: name)
    }

    /// The path of a text object with the given contents (Nix's `computeStorePathForText`).
    public func makeTextPath<C: Collection<UInt8>>(
        name: String, contents: C, references: some Sequence<String> = [String]()
    ) throws(StorePathError) -> StorePath {
        try makeTextPath(name: name, contentsHash: Digest.hash(.sha256, contents), references: references)
    }

    /// The path of a source tree added by `builtins.path`/`filterSource` and the like:
    /// NAR SHA-256 `narHash`, with optional references.
    public func makeSourcePath(
        name: String, narHash: Hash, references: some Sequence<String> = [String](),
        hasSelfReference: Bool = false
    ) throws(StorePathError) -> StorePath {
        precondition(narHash.algorithm == .sha256, "source paths are addressed by a NAR SHA-256")
        return try makeStorePath(
            typeBytes: Self.typeBytesWithReferences("source", references, hasSelfReference: hasSelfReference),
            innerHash: narHash, name: name)
    }

    /// The path of a content-addressed object, as Nix's `makeFixedOutputPath` (and, for
    /// `.text`, `makeTextPath`): a recursive SHA-256 is a source path; anything else is an
    /// `output:out` path whose inner hash is the SHA-256 of `fixed:out:<r:?><algo>:<hex>:`,
    /// which cannot carry references.
    ///
    /// Nix 2.8 merely asserts against references on such a path and against a non-SHA-256
    /// text hash (its callers never produce them); here they are errors, the first worded
    /// as newer Nix words it.
    public func makeFixedOutputPath(
        method: ContentAddressMethod, hash: Hash, name: String,
        references: some Sequence<String> = [String](), hasSelfReference: Bool = false
    ) throws(StorePathError) -> StorePath {
        switch method {
        case .text:
            if hash.algorithm != .sha256 {
                throw StorePathError(
                    "text-hashed store object '\(name)' must use a SHA-256 hash, not \(hash.algorithm.name)")
            }
            return try makeTextPath(name: name, contentsHash: hash, references: references)
        case .recursive where hash.algorithm == .sha256:
            return try makeSourcePath(name: name, narHash: hash, references: references,
                                      hasSelfReference: hasSelfReference)
        case .flat, .recursive:
            if references.contains(where: { _ in true }) || hasSelfReference {
                throw StorePathError(
                    "fixed output derivation '\(name)' is not allowed to refer to other store paths.")
            }
            let inner = "fixed:out:" + method.ingestionPrefix
                + hash.toString(.base16, includeAlgorithm: true) + ":"
            return try makeStorePath(type: "output:out", innerHash: Digest.hash(.sha256, string: inner),
                                     name: name)
        }
    }

    /// The path of output `id` of a derivation named `name` whose hash modulo fixed
    /// outputs is `drvHash`. Outputs other than `out` get `-<id>` appended to the name.
    public func makeOutputPath(id: String = "out", drvHash: Hash, name: String) throws(StorePathError) -> StorePath {
        var type = Array("output:".utf8)
        type.append(contentsOf: id.utf8)
        return try makeStorePath(typeBytes: type, innerHash: drvHash, name: Self.outputPathName(name, id))
    }

    /// The name of output `id` of derivation `name` (Nix's `outputPathName`).
    public static func outputPathName(_ name: String, _ id: String) -> String {
        id == "out" ? name : name + "-" + id
    }
}
