import Testing
@testable import SwixStore

private let fox = "The quick brown fox jumps over the lazy dog"

@Suite("Digests")
struct DigestTests {
    @Test(arguments: [
        (HashAlgorithm.md5, "", "d41d8cd98f00b204e9800998ecf8427e"),
        (.md5, "abc", "900150983cd24fb0d6963f7d28e17f72"),
        (.md5, fox, "9e107d9d372bb6826bd81d3542a419d6"),
        (.sha1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        (.sha1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (.sha1, fox, "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
        (.sha256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (.sha256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (.sha256, fox, "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"),
        (.sha512, "", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
        (.sha512, "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
        (.sha512, fox, "07e547d9586f6a73f73fbac0435ed76951218fb7d0c8d788a309d785436bbb642e93a252a954f23912547d1e8a3b5ed6e1bfd7097821233fa0538f3db854fee6"),
    ])
    func knownVectors(_ algorithm: HashAlgorithm, _ input: String, _ expected: String) {
        let viaString = Digest.hash(algorithm, string: input)
        #expect(viaString.algorithm == algorithm)
        #expect(viaString.bytes.count == algorithm.size)
        #expect(viaString.base16 == expected)
        #expect(Digest.hash(algorithm, Array(input.utf8)) == viaString)
        #expect(Digest.hash(algorithm, input.utf8) == viaString)
    }

    @Test(arguments: HashAlgorithm.allCases)
    func incrementalMatchesOneShot(_ algorithm: HashAlgorithm) {
        let data = patternBytes(300_001)
        let sink = HashSink(algorithm)
        // Uneven pieces, including empty ones.
        var offset = 0, step = 0
        while offset < data.count {
            let end = min(data.count, offset + step * 37 % 70_001)
            sink.write(data[offset..<end])
            offset = end
            step += 1
        }
        #expect(sink.byteCount == UInt64(data.count))
        #expect(sink.finish() == Digest.hash(algorithm, data))
    }

    @Test func currentHashLeavesSinkUsable() {
        let sink = HashSink(.sha256)
        sink.write(Array("ab".utf8))
        #expect(sink.currentHash() == Digest.hash(.sha256, string: "ab"))
        sink.write(Array("c".utf8))
        #expect(sink.finish() == Digest.hash(.sha256, string: "abc"))
    }

    @Test func hashFileStreamsContents() throws {
        let dir = try TempDir()
        let path = try dir.file("big.bin", patternBytes(200_003))
        // `nix-hash --type sha256 --flat --base32 big.bin`
        #expect(try Digest.hashFile(.sha256, path: path).nix32
            == "08j18xihadv6h003w7457byy1p0yfhiyx1yzb0f5irv3iclacksq")
        let empty = try dir.file("empty", "")
        #expect(try Digest.hashFile(.md5, path: empty).base16 == "d41d8cd98f00b204e9800998ecf8427e")
    }

    @Test func hashFileReportsMissingFile() {
        #expect(throws: SystemError("opening file '/nonexistent/swix': No such file or directory", errno: 2)) {
            try Digest.hashFile(.sha256, path: "/nonexistent/swix")
        }
    }
}

@Suite("Byte arrays written in place")
struct WrittenByteArrayTests {
    @Test func writesEveryByte() {
        #expect([UInt8].written(count: 0) { _ in Issue.record("nothing to write") } == [])
        #expect([UInt8].written(count: 3) { p in p[0] = 1; p[1] = 2; p[2] = 3 } == [1, 2, 3])
        // Beyond the stack scratch buffer's usual size, too.
        let big = [UInt8].written(count: 5000) { p in for k in 0..<5000 { p[k] = UInt8(k & 0xFF) } }
        #expect(big.count == 5000 && big[4999] == UInt8(4999 & 0xFF) && big[256] == 0)
    }

    @Test func compressionAndHexUseIt() {
        let h = Hash(algorithm: .sha256, bytes: Array(0..<32))
        // Byte k of 20 is k XOR (k + 20) for the first 12, k alone after.
        var folded: [UInt8] = []
        for k in 0..<20 { folded.append(k < 12 ? UInt8(k) ^ UInt8(k + 20) : UInt8(k)) }
        #expect(h.compressed(to: 20).bytes == folded)
        #expect(Base16.encodedBytes([0x00, 0xAB, 0xFF]) == Array("00abff".utf8))
    }
}

@Suite("Hash algorithm names as bytes")
struct HashAlgorithmNameBytesTests {
    @Test func everyNameAndNoOther() {
        for algorithm in HashAlgorithm.allCases {
            #expect(HashAlgorithm(nameBytes: Array(algorithm.name.utf8)) == algorithm)
        }
        for other in ["", "sha", "sha2", "sha25", "sha2566", "SHA256", "md4", "blake3", "sha1 "] {
            #expect(HashAlgorithm(nameBytes: Array(other.utf8)) == nil, "\(other)")
        }
    }
}
