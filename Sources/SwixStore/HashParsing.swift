/// Why a hash (or hash algorithm name) could not be parsed, worded as Nix 2.8 words it.
public struct HashError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// Nix's `BadHash`: wrong length, bad digits, missing or conflicting type.
        case badHash
        /// An unknown algorithm name. Nix raises this as a usage error, so its command
        /// line tools follow the message with a "Try '… --help'" hint.
        case unknownAlgorithm
        /// A byte the base-64 decoder does not accept (a plain `Error` in Nix).
        case invalidEncoding
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

// Parsing follows Nix's rules for the four textual forms:
//
//  * `<algo>:<digits>` — the digits are base-16, Nix base-32 or base-64, told apart
//    purely by their length for that algorithm (the three lengths never coincide);
//  * `<algo>-<base64>` — SRI; always base-64, length checked after decoding;
//  * `<digits>` — unprefixed, when the algorithm is known from context.
//
// The prefix is whatever precedes the first `:`; only when there is no `:` does a `-`
// mark an SRI prefix. An unknown prefix is an "unknown hash algorithm" error, not a
// malformed hash.
extension Hash {
    /// Parses a hash that must name its algorithm (`sha256:…` or `sha256-…`).
    public static func parseAnyPrefixed(_ string: String) throws(HashError) -> Hash {
        let (algorithm, rest, isSRI) = try splitPrefix(string[...])
        guard let algorithm else {
            throw HashError(.badHash, "hash '\(rest)' does not include a type")
        }
        return try decode(rest, algorithm: algorithm, isSRI: isSRI)
    }

    /// Parses a hash whose algorithm is given by its prefix, by `algorithm`, or both (in
    /// which case they must agree) — Nix's `Hash::parseAny`, used for `outputHash`.
    public static func parseAny(_ string: String, algorithm: HashAlgorithm?) throws(HashError) -> Hash {
        let (parsed, rest, isSRI) = try splitPrefix(string[...])
        if parsed == nil && algorithm == nil {
            throw HashError(.badHash,
                "hash '\(rest)' does not include a type, nor is the type otherwise known from context")
        }
        if let parsed, let algorithm, parsed != algorithm {
            throw HashError(.badHash, "hash '\(string)' should have type '\(algorithm.name)'")
        }
        return try decode(rest, algorithm: (parsed ?? algorithm)!, isSRI: isSRI)
    }

    /// Parses unprefixed base-16, Nix base-32 or base-64 digits of `algorithm`.
    public static func parseNonSRIUnprefixed(_ string: String, algorithm: HashAlgorithm) throws(HashError) -> Hash {
        try decode(string[...], algorithm: algorithm, isSRI: false)
    }

    /// Parses an SRI hash, `<algo>-<base64>`.
    public static func parseSRI(_ string: String) throws(HashError) -> Hash {
        guard let dash = string.utf8.firstIndex(of: UInt8(ascii: "-")) else {
            throw HashError(.badHash, "hash '\(string)' is not SRI")
        }
        let algorithm = try HashAlgorithm.parse(string[..<dash])
        return try decode(string[string.index(after: dash)...], algorithm: algorithm, isSRI: true)
    }

    /// Like `parseAny`, but an empty string stands for the all-zero hash of `algorithm`
    /// (Nix's `newHashAllowEmpty`, which lets a fixed-output derivation be written before
    /// its hash is known). In that case the warning Nix prints is returned alongside.
    public static func parseAllowingEmpty(
        _ string: String, algorithm: HashAlgorithm?
    ) throws(HashError) -> (hash: Hash, warning: String?) {
        guard string.isEmpty else { return (try parseAny(string, algorithm: algorithm), nil) }
        guard let algorithm else {
            throw HashError(.badHash, "empty hash requires explicit hash type")
        }
        let hash = Hash(zeroFor: algorithm)
        return (hash, "found empty hash, assuming '\(hash.toString(.sri, includeAlgorithm: true))'")
    }

    /// Splits off an `<algo>:` or `<algo>-` prefix.
    private static func splitPrefix(
        _ string: Substring
    ) throws(HashError) -> (algorithm: HashAlgorithm?, rest: Substring, isSRI: Bool) {
        if let colon = string.utf8.firstIndex(of: UInt8(ascii: ":")) {
            let algorithm = try HashAlgorithm.parse(string[..<colon])
            return (algorithm, string[string.index(after: colon)...], false)
        }
        if let dash = string.utf8.firstIndex(of: UInt8(ascii: "-")) {
            let algorithm = try HashAlgorithm.parse(string[..<dash])
            return (algorithm, string[string.index(after: dash)...], true)
        }
        return (nil, string, false)
    }

    /// Decodes the digits of an `algorithm` hash, choosing the encoding by length unless
    /// the hash is SRI (then always base-64).
    private static func decode(_ rest: Substring, algorithm: HashAlgorithm, isSRI: Bool) throws(HashError) -> Hash {
        let length = rest.utf8.count
        if !isSRI && length == algorithm.base16Length {
            guard let bytes = Base16.decode(rest) else {
                throw HashError(.badHash, "invalid base-16 hash '\(rest)'")
            }
            return Hash(algorithm: algorithm, bytes: bytes)
        }
        if !isSRI && length == algorithm.nix32Length {
            guard let bytes = NixBase32.decode(rest, byteCount: algorithm.size) else {
                throw HashError(.badHash, "invalid base-32 hash '\(rest)'")
            }
            return Hash(algorithm: algorithm, bytes: bytes)
        }
        if isSRI || length == algorithm.base64Length {
            let bytes = try Base64.decode(rest)
            guard bytes.count == algorithm.size else {
                throw HashError(.badHash, "invalid \(isSRI ? "SRI" : "base-64") hash '\(rest)'")
            }
            return Hash(algorithm: algorithm, bytes: bytes)
        }
        throw HashError(.badHash, "hash '\(rest)' has wrong length for hash type '\(algorithm.name)'")
    }
}
