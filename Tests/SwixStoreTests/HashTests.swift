import Testing
@testable import SwixStore

private let emptySHA256 = Digest.hash(.sha256, string: "")
private let emptyHex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
private let emptyNix32 = "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"
private let emptyBase64 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

/// The `HashError` `body` throws (nil if it throws nothing, or another error).
private func hashError(_ body: () throws -> Any) -> HashError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? HashError
    }
}

@Suite("Hash printing")
struct HashPrintingTests {
    @Test func everyFormat() {
        let h = emptySHA256
        #expect(h.toString(.base16) == emptyHex)
        #expect(h.toString(.nix32) == emptyNix32)
        #expect(h.toString(.base64) == emptyBase64)
        #expect(h.toString(.sri) == "sha256-" + emptyBase64)
        #expect(h.toString(.sri, includeAlgorithm: true) == "sha256-" + emptyBase64)
        #expect(h.toString(.base16, includeAlgorithm: true) == "sha256:" + emptyHex)
        #expect(h.toString(.nix32, includeAlgorithm: true) == "sha256:" + emptyNix32)
        #expect(h.toString(.base64, includeAlgorithm: true) == "sha256:" + emptyBase64)
        #expect(h.description == "sha256:" + emptyNix32)
        #expect(h.base16 == emptyHex && h.nix32 == emptyNix32 && h.base64 == emptyBase64)
        #expect(h.sri == "sha256-" + emptyBase64)
    }

    @Test func base16or32UsesHexOnlyForMD5() {
        #expect(Digest.hash(.md5, string: "").base16or32 == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(Digest.hash(.sha1, string: "").base16or32 == "143xibwh31h9bvxzalr0sjvbbvpa6ffs")
        #expect(emptySHA256.base16or32 == emptyNix32)
    }

    @Test func sriOfEveryAlgorithm() {
        #expect(Digest.hash(.md5, string: "").sri == "md5-1B2M2Y8AsgTpgAmY7PhCfg==")
        #expect(Digest.hash(.sha1, string: "").sri == "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=")
        #expect(Digest.hash(.sha512, string: "").sri
            == "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==")
    }

    @Test func zeroHash() {
        #expect(Hash(zeroFor: .sha256).sri == "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
    }

    @Test func compressHashFoldsWithXor() {
        let h = Hash(algorithm: .sha256, bytes: [1, 2, 3, 4, 5])
        #expect(compressHash(h, 2).bytes == [1 ^ 3 ^ 5, 2 ^ 4])
        #expect(compressHash(h, 2).algorithm == .sha256)
        let folded = emptySHA256.compressed(to: 20)
        #expect(folded.bytes.count == 20)
        for i in 0..<20 {
            var expected = emptySHA256.bytes[i]
            if i + 20 < 32 { expected ^= emptySHA256.bytes[i + 20] }
            #expect(folded.bytes[i] == expected)
        }
        #expect(emptySHA256.compressed(to: 32) == emptySHA256)
    }

    @Test func orderingIsBySizeThenBytes() {
        let short = Hash(algorithm: .sha512, bytes: [9])
        let long = Hash(algorithm: .md5, bytes: [0, 0])
        #expect(short < long)
        #expect(Hash(algorithm: .sha256, bytes: [1, 2]) < Hash(algorithm: .sha256, bytes: [1, 3]))
    }

    @Test func formatNames() {
        #expect(HashFormat(name: "base32") == .nix32)
        #expect(HashFormat(name: "nix32") == .nix32)
        #expect(HashFormat(name: "sri") == .sri)
        #expect(HashFormat(name: "hex") == nil)
    }
}

@Suite("Hash parsing")
struct HashParsingTests {
    @Test(arguments: [
        "sha256:" + emptyHex, "sha256:" + emptyHex.uppercased(), "sha256:" + emptyNix32,
        "sha256:" + emptyBase64, "sha256-" + emptyBase64,
        // Nix's base-64 decoder stops at the first '=' and tolerates missing padding.
        "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
        "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU==",
        "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=garbage!",
    ])
    func prefixedForms(_ text: String) throws {
        #expect(try Hash.parseAnyPrefixed(text) == emptySHA256)
        #expect(try Hash.parseAny(text, algorithm: nil) == emptySHA256)
        #expect(try Hash.parseAny(text, algorithm: .sha256) == emptySHA256)
    }

    @Test(arguments: [emptyHex, emptyNix32, emptyBase64])
    func unprefixedForms(_ text: String) throws {
        #expect(try Hash.parseNonSRIUnprefixed(text, algorithm: .sha256) == emptySHA256)
        #expect(try Hash.parseAny(text, algorithm: .sha256) == emptySHA256)
    }

    @Test(arguments: HashAlgorithm.allCases)
    func everyAlgorithmRoundTripsEveryFormat(_ algorithm: HashAlgorithm) throws {
        let h = Digest.hash(algorithm, string: "abc")
        for format in [HashFormat.base16, .nix32, .base64] {
            #expect(try Hash.parseNonSRIUnprefixed(h.toString(format), algorithm: algorithm) == h)
            #expect(try Hash.parseAnyPrefixed(h.toString(format, includeAlgorithm: true)) == h)
        }
        #expect(try Hash.parseSRI(h.sri) == h)
        #expect(try Hash.parseAnyPrefixed(h.sri) == h)
    }

    @Test func sri() throws {
        #expect(try Hash.parseSRI("sha256-" + emptyBase64) == emptySHA256)
        #expect(hashError { try Hash.parseSRI("abc") } == HashError(.badHash, "hash 'abc' is not SRI"))
        #expect(hashError { try Hash.parseSRI("sha3-abc") }
            == HashError(.unknownAlgorithm, "unknown hash algorithm 'sha3'"))
    }

    @Test func algorithmNames() throws {
        #expect(try HashAlgorithm.parse("sha512") == .sha512)
        #expect(hashError { try HashAlgorithm.parse("SHA256") }
            == HashError(.unknownAlgorithm, "unknown hash algorithm 'SHA256'"))
        #expect(HashAlgorithm.sha256.base16Length == 64)
        #expect(HashAlgorithm.sha256.nix32Length == 52)
        #expect(HashAlgorithm.sha256.base64Length == 44)
    }

    // Messages as `nix-instantiate` 2.8 prints them for a derivation's `outputHash`
    // (parsed with `parseAny`, the algorithm coming from `outputHashAlgo` if given).
    @Test(arguments: [
        ("xyz", HashAlgorithm.sha256, HashError.Kind.badHash,
         "hash 'xyz' has wrong length for hash type 'sha256'"),
        ("0000000000000000000000000000000000000000000000000000e", .sha256, .badHash,
         "hash '0000000000000000000000000000000000000000000000000000e' has wrong length for hash type 'sha256'"),
        ("sha256:2000000000000000000000000000000000000000000000000000", nil, .badHash,
         "invalid base-32 hash '2000000000000000000000000000000000000000000000000000'"),
        ("sha256:z000000000000000000000000000000000000000000000000000", nil, .badHash,
         "invalid base-32 hash 'z000000000000000000000000000000000000000000000000000'"),
        ("sha256:e000000000000000000000000000000000000000000000000000", nil, .badHash,
         "invalid base-32 hash 'e000000000000000000000000000000000000000000000000000'"),
        ("sha256:000000000000000000000000000000000000000000000000000000000000000g", nil, .badHash,
         "invalid base-16 hash '000000000000000000000000000000000000000000000000000000000000000g'"),
        ("sha256:0000000000000000000000000000000000000000000000000000000000000000g", nil, .badHash,
         "hash '0000000000000000000000000000000000000000000000000000000000000000g' has wrong length for hash type 'sha256'"),
        ("sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", nil, .badHash,
         "invalid base-64 hash 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=='"),
        ("sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF==", nil, .badHash,
         "invalid base-64 hash '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF=='"),
        ("sha256-abc", nil, .badHash, "invalid SRI hash 'abc'"),
        ("sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFUA", nil, .badHash,
         "invalid SRI hash '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFUA'"),
        ("sha256-!!!!", nil, .invalidEncoding, "invalid character in Base64 string: ''"),
        ("sha256:", nil, .badHash, "hash '' has wrong length for hash type 'sha256'"),
        ("sha256-", nil, .badHash, "invalid SRI hash ''"),
        ("foo:abc", nil, .unknownAlgorithm, "unknown hash algorithm 'foo'"),
        ("-abc", nil, .unknownAlgorithm, "unknown hash algorithm ''"),
        (":abc", nil, .unknownAlgorithm, "unknown hash algorithm ''"),
        ("abc", nil, .badHash,
         "hash 'abc' does not include a type, nor is the type otherwise known from context"),
        ("md5-abc", .sha256, .badHash, "hash 'md5-abc' should have type 'sha256'"),
        ("sha256:abc", .sha1, .badHash, "hash 'sha256:abc' should have type 'sha1'"),
    ] as [(String, HashAlgorithm?, HashError.Kind, String)])
    func errorMessages(_ text: String, _ algorithm: HashAlgorithm?, _ kind: HashError.Kind, _ message: String) {
        #expect(hashError { try Hash.parseAny(text, algorithm: algorithm) } == HashError(kind, message))
    }

    @Test func prefixedRequiresAType() {
        #expect(hashError { try Hash.parseAnyPrefixed(emptyHex) }
            == HashError(.badHash, "hash '\(emptyHex)' does not include a type"))
    }

    @Test func emptyHashIsAllowedWithAnAlgorithm() throws {
        let (hash, warning) = try Hash.parseAllowingEmpty("", algorithm: .sha256)
        #expect(hash == Hash(zeroFor: .sha256))
        #expect(warning == "found empty hash, assuming 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='")
        #expect(hashError { try Hash.parseAllowingEmpty("", algorithm: nil) }
            == HashError(.badHash, "empty hash requires explicit hash type"))
        let (parsed, none) = try Hash.parseAllowingEmpty("sha256:" + emptyHex, algorithm: nil)
        #expect(parsed == emptySHA256 && none == nil)
    }
}
