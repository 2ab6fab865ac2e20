/// A digest together with the algorithm that produced it.
///
/// `bytes` normally holds `algorithm.size` bytes; the one exception is the output of
/// `compressed(to:)`, which keeps the algorithm's name (as Nix does) but is shorter — that
/// is how a 20-byte store path hash part comes from a SHA-256.
public struct Hash: Hashable, Sendable {
    public let algorithm: HashAlgorithm
    public let bytes: [UInt8]

    public init(algorithm: HashAlgorithm, bytes: [UInt8]) {
        self.algorithm = algorithm
        self.bytes = bytes
    }

    /// The all-zero hash of `algorithm` (what Nix substitutes for an empty `outputHash`).
    public init(zeroFor algorithm: HashAlgorithm) {
        self.init(algorithm: algorithm, bytes: [UInt8](repeating: 0, count: algorithm.size))
    }
}

/// The textual encodings Nix prints and parses hashes in.
public enum HashFormat: String, CaseIterable, Sendable {
    /// Lower-case hexadecimal.
    case base16
    /// Nix's base-32 (see `NixBase32`); Nix 2.8 calls it "base32", newer Nix "nix32".
    case nix32
    /// Padded standard base-64.
    case base64
    /// Subresource Integrity: `<algo>-<base64>`, which always names the algorithm.
    case sri

    /// The format named `name` as `builtins.convertHash` and `nix hash` spell it;
    /// "base32" is accepted as the old name of `nix32`.
    public init?(name: String) {
        if name == "base32" { self = .nix32; return }
        self.init(rawValue: name)
    }
}

extension Hash {
    /// Renders the hash like Nix's `Hash::to_string`: with `includeAlgorithm` the text is
    /// prefixed by `<algo>:`; the SRI form always starts with `<algo>-`.
    public func toString(_ format: HashFormat, includeAlgorithm: Bool = false) -> String {
        var prefix = ""
        if format == .sri || includeAlgorithm {
            prefix = algorithm.name + (format == .sri ? "-" : ":")
        }
        switch format {
        case .base16: return prefix + Base16.encode(bytes)
        case .nix32: return prefix + NixBase32.encode(bytes)
        case .base64, .sri: return prefix + Base64.encode(bytes)
        }
    }

    /// Lower-case hex digits, no prefix.
    public var base16: String { toString(.base16) }
    /// Nix base-32 digits, no prefix.
    public var nix32: String { toString(.nix32) }
    /// Padded base-64, no prefix.
    public var base64: String { toString(.base64) }
    /// `<algo>-<base64>`.
    public var sri: String { toString(.sri) }

    /// Nix's customary short form: MD5 in hex, everything else in base-32 (no prefix).
    public var base16or32: String {
        toString(algorithm == .md5 ? .base16 : .nix32)
    }

    /// Folds the hash down to `newSize` bytes by XOR-ing byte `i` into position
    /// `i % newSize`. Store path hash parts are the 32-byte SHA-256 of a fingerprint folded
    /// to 20 bytes this way (160 bits are plenty and give 32-character names).
    public func compressed(to newSize: Int) -> Hash {
        precondition(newSize > 0, "compressed hash must have at least one byte")
        let out = [UInt8].written(count: newSize) { out in
            out.initialize(repeating: 0, count: newSize)
            bytes.withUnsafeBufferPointer { b in
                var k = 0
                for byte in b {
                    out[k] ^= byte
                    k += 1
                    if k == newSize { k = 0 }
                }
            }
        }
        return Hash(algorithm: algorithm, bytes: out)
    }
}

/// Nix's `compressHash`: `hash` XOR-folded to `newSize` bytes.
public func compressHash(_ hash: Hash, _ newSize: Int) -> Hash {
    hash.compressed(to: newSize)
}

extension Hash: Comparable {
    /// Nix orders hashes by length first, then bytewise, then by algorithm.
    public static func < (lhs: Hash, rhs: Hash) -> Bool {
        if lhs.bytes.count != rhs.bytes.count { return lhs.bytes.count < rhs.bytes.count }
        if lhs.bytes != rhs.bytes { return lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
        return HashAlgorithm.allCases.firstIndex(of: lhs.algorithm)!
            < HashAlgorithm.allCases.firstIndex(of: rhs.algorithm)!
    }
}

extension Hash: CustomStringConvertible {
    /// `<algo>:<base32>`, the form Nix uses in messages and content addresses.
    public var description: String { toString(.nix32, includeAlgorithm: true) }
}
