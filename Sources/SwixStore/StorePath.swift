/// Why a store path (or the name for one) was rejected, worded as Nix 2.8 words it.
public struct StorePathError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// The rules for the name part of a store path (`…-hello-2.12`).
///
/// Names are restricted to a portable character set so that store paths can be used
/// unquoted in shells and build tools: ASCII letters and digits and `+ - . _ ? =`.
/// The limit of 211 bytes keeps a whole base name (32 hash characters, a dash, the name)
/// within the 255-byte file name limit of common file systems, with room for suffixes
/// such as `.lock` and `.chroot`.
///
/// Nix 2.8 (the version whose behaviour and messages are reproduced) accepts names that
/// start with a dot, including `.` and `..`; newer Nix rejects `.`, `..` and names whose
/// first dash-separated component is one of those.
public enum StorePathName {
    public static let maxLength = 211

    /// Whether `byte` may appear in a store path name.
    public static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "?"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }

    /// Which bytes `isAllowed` allows, a bit per byte value (below 128).
    private static let allowedBits: (UInt64, UInt64) = {
        var low: UInt64 = 0, high: UInt64 = 0
        for b in 0..<128 where isAllowed(UInt8(b)) {
            if b < 64 { low |= 1 << UInt64(b) } else { high |= 1 << UInt64(b - 64) }
        }
        return (low, high)
    }()

    /// Whether the bytes are a valid name (what `validate` accepts), tested a bit per byte.
    public static func isValid(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty && bytes.count <= maxLength else { return false }
        let (low, high) = allowedBits
        for b in bytes {
            let allowed = b < 64 ? low >> UInt64(b) & 1 : (b < 128 ? high >> UInt64(b - 64) & 1 : 0)
            if allowed == 0 { return false }
        }
        return true
    }

    /// Whether `name` is a valid store path name.
    public static func isValid(_ name: some StringProtocol) -> Bool {
        var text = String(name)
        return text.withUTF8 { isValid(bytes: $0) }
    }

    /// Checks `name`, naming `baseName` (hash part, dash and name) in the error as Nix
    /// does — it validates only once the hash part has been computed.
    ///
    /// For an illegal non-ASCII character the message shows the whole character, where
    /// Nix shows its first byte alone (not valid UTF-8 by itself).
    public static func validate(_ name: some StringProtocol, baseName: some StringProtocol) throws(StorePathError) {
        if name.isEmpty {
            throw StorePathError("store path '\(baseName)' has an empty name")
        }
        if name.utf8.count > maxLength {
            throw StorePathError("store path '\(baseName)' has a name longer than \(maxLength) characters")
        }
        // The common case, every byte allowed, is checked on the bytes; the message
        // needs the offending character.
        if name.utf8.allSatisfy(isAllowed) { return }
        for scalar in name.unicodeScalars where !(scalar.isASCII && isAllowed(UInt8(scalar.value))) {
            throw StorePathError("store path '\(baseName)' contains illegal character '\(scalar)'")
        }
    }
}

/// A store object's base name, `<32 base-32 digits>-<name>`, independent of which store
/// directory it lives in (print it with `StoreDirectory.print`).
public struct StorePath: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Length of the hash part: 20 bytes (160 bits) in Nix base-32.
    public static let hashPartLength = 32

    public let baseName: String

    /// Parses and validates a base name.
    public init(baseName: String) throws(StorePathError) {
        let utf8 = baseName.utf8
        if utf8.count < Self.hashPartLength + 1 {
            throw StorePathError("'\(baseName)' is too short to be a valid store path")
        }
        // Nix only checks that the hash part is lower-case alphanumeric without the four
        // letters base-32 leaves out; the character after it is not checked to be a dash.
        for scalar in baseName.unicodeScalars.prefix(Self.hashPartLength) {
            let allowed = scalar.isASCII && (NixBase32.isDigit(UInt8(scalar.value)))
            if !allowed {
                throw StorePathError("store path '\(baseName)' contains illegal base-32 character '\(scalar)'")
            }
        }
        self.baseName = baseName
        try StorePathName.validate(name, baseName: baseName)
    }

    /// The path with hash part `hash` (normally 20 bytes) and `name`, validating the name.
    public init(hash: Hash, name: String) throws(StorePathError) {
        // The base name written in one piece, the name checked on its bytes (its
        // characters looked at only for the message). By string concatenation and
        // `validate` this was ~5,000 instructions a path, two paths a derivation.
        var name = name
        let (baseName, valid) = name.withUTF8 { nameBytes -> (String, Bool) in
            let digits = NixBase32.encodedLength(hash.bytes.count)
            let length = digits + 1 + nameBytes.count
            let text = String(unsafeUninitializedCapacity: length) { out in
                hash.bytes.withUnsafeBufferPointer { NixBase32.write($0, into: out.baseAddress!) }
                out[digits] = UInt8(ascii: "-")
                if let source = nameBytes.baseAddress {
                    (out.baseAddress! + digits + 1).update(from: source, count: nameBytes.count)
                }
                return length
            }
            return (text, StorePathName.isValid(bytes: nameBytes))
        }
        if !valid { try StorePathName.validate(name, baseName: baseName) }
        self.baseName = baseName
    }

    private var dashIndex: String.Index {
        baseName.utf8.index(baseName.startIndex, offsetBy: Self.hashPartLength)
    }

    /// The 32 base-32 digits identifying the object.
    public var hashPart: Substring { baseName[..<dashIndex] }

    /// What follows the hash part and its dash.
    public var name: Substring { baseName[baseName.utf8.index(after: dashIndex)...] }

    /// Whether this is a store derivation (`….drv`).
    public var isDerivation: Bool { name.hasSuffix(".drv") }

    public var description: String { baseName }

    /// Bytewise order of the base names — the order Nix keeps sets of store paths in, and
    /// so the order references enter a store path's fingerprint.
    public static func < (lhs: StorePath, rhs: StorePath) -> Bool {
        lhs.baseName.utf8Precedes(rhs.baseName)
    }
}
