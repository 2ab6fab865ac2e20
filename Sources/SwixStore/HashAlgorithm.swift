#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The digest algorithms Nix uses, with the names Nix prints and parses.
public enum HashAlgorithm: String, CaseIterable, Sendable {
    case md5, sha1, sha256, sha512

    /// Digest size in bytes.
    public var size: Int {
        switch self {
        case .md5: return 16
        case .sha1: return 20
        case .sha256: return 32
        case .sha512: return 64
        }
    }

    /// The algorithm named `name` (`"sha256"`, …), as written in Nix expressions.
    public init?(name: String) {
        self.init(rawValue: name)
    }

    /// The algorithm whose name is the bytes `name`. Compared as bytes with static
    /// strings: making a `String` of the name for `init(rawValue:)`, or comparing
    /// with the names' UTF-8 views (~170 instructions per name tried), cost more
    /// than hashing a short string (`hashString "sha1"` per package of a set).
    public init?(nameBytes name: [UInt8]) {
        guard let found = HashAlgorithm.allCases.first(where: { algorithm in
            let literal = algorithm.staticName
            return name.count == literal.utf8CodeUnitCount
                && name.withUnsafeBufferPointer { memcmp($0.baseAddress.unsafelyUnwrapped, literal.utf8Start, name.count) == 0 }
        }) else { return nil }
        self = found
    }

    /// The name as a static string (the raw value; the switch makes a new case
    /// name itself here).
    private var staticName: StaticString {
        switch self {
        case .md5: return "md5"
        case .sha1: return "sha1"
        case .sha256: return "sha256"
        case .sha512: return "sha512"
        }
    }

    public var name: String { rawValue }
}

extension HashAlgorithm {
    /// The algorithm named `name`, or the error CppNix raises for an unknown name.
    ///
    /// Nix reports an unknown algorithm as a usage error (the command line then adds its
    /// "Try '… --help'" hint), so the error carries `.unknownAlgorithm` to let callers do
    /// the same.
    public static func parse(_ name: some StringProtocol) throws(HashError) -> HashAlgorithm {
        guard let algorithm = HashAlgorithm(rawValue: String(name)) else {
            throw HashError(.unknownAlgorithm, "unknown hash algorithm '\(name)'")
        }
        return algorithm
    }

    /// Length of the base-16 form of a digest of this algorithm.
    public var base16Length: Int { size * 2 }

    /// Length of the Nix base-32 form of a digest of this algorithm.
    public var nix32Length: Int { NixBase32.encodedLength(size) }

    /// Length of the padded base-64 form of a digest of this algorithm.
    public var base64Length: Int { Base64.encodedLength(size) }
}
