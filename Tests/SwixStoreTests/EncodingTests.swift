import Testing
@testable import SwixStore

@Suite("Nix base-32")
struct NixBase32Tests {
    // Digests of "", "abc" and the fox sentence, as `nix-hash --to-base32` prints them.
    @Test(arguments: [
        ("d41d8cd98f00b204e9800998ecf8427e", "3y8bwfr609h3lh9ch0izcqq7fl"),
        ("900150983cd24fb0d6963f7d28e17f72", "3jgzhjhz9zjvbb0kyj7jc500ch"),
        ("9e107d9d372bb6826bd81d3542a419d6", "6n36j44d8xv1mq5dib6yfps44y"),
        ("da39a3ee5e6b4b0d3255bfef95601890afd80709", "143xibwh31h9bvxzalr0sjvbbvpa6ffs"),
        ("a9993e364706816aba3e25717850c26c9cd0d89d", "kpcd173cq987hw957sx6m0868wv3x6d9"),
        ("2fd4e1c67a2d28fced849ee1bb76e7391b93eb12", "2bmr66rrwxvbpqcyhknzqa1dgb3f3m1g"),
        ("ffffffffffffffffffffffffffffffffffffffff", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"),
        ("0000000000000000000000000000000000000001", "04000000000000000000000000000000"),
        ("8000000000000000000000000000000000000000", "00000000000000000000000000000040"),
        ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"),
        ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
         "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"),
        ("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
         "0zdl9zrg8r3i9c1g90lgg9ip5ijzv3yhz91i0zzn3r8ap9ws784gkp9dk9j3aglhgf1amqb0pj21mh7h1nxcl18akqvvf7ggqsy30yg"),
        ("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
         "2gs8k559z4rlahfx0y688s49m2vvszylcikrfinm30ly9rak69236nkam5ydvly1ai7xac99vxfc4ii84hawjbk876blyk1jfhkbbyx"),
    ])
    func vectors(_ hexDigits: String, _ base32: String) {
        let bytes = hex(hexDigits)
        #expect(NixBase32.encode(bytes) == base32)
        #expect(NixBase32.decode(base32, byteCount: bytes.count) == bytes)
        #expect(NixBase32.decode(base32) == bytes)
    }

    @Test func encodedLengths() {
        #expect(NixBase32.encodedLength(0) == 0)
        #expect(NixBase32.encodedLength(1) == 2)
        #expect(NixBase32.encodedLength(16) == 26)
        #expect(NixBase32.encodedLength(20) == 32)
        #expect(NixBase32.encodedLength(32) == 52)
        #expect(NixBase32.encodedLength(64) == 103)
        #expect(NixBase32.encode([UInt8]()) == "")
    }

    @Test func roundTripsEveryLength() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for length in 0...80 {
            let bytes: [UInt8] = (0..<length).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: state >> 33)
            }
            let text = NixBase32.encode(bytes)
            #expect(text.utf8.count == NixBase32.encodedLength(length))
            #expect(NixBase32.decode(text, byteCount: length) == bytes)
        }
    }

    @Test func rejectsCharactersOutsideTheAlphabet() {
        let valid = "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"
        for bad in ["e", "o", "u", "t", "A", "-", " ", "é"] {
            let text = bad + valid.dropFirst()
            #expect(NixBase32.decode(text, byteCount: 32) == nil, "\(bad)")
        }
        #expect(!NixBase32.isDigit(UInt8(ascii: "e")))
        #expect(NixBase32.isDigit(UInt8(ascii: "z")))
    }

    @Test func rejectsBitsBeyondTheByteCount() {
        // 52 digits carry 260 bits; a SHA-256 has 256, so the leading digit may only be 0 or 1.
        let zeros = String(repeating: "0", count: 51)
        #expect(NixBase32.decode("1" + zeros, byteCount: 32) != nil)
        #expect(NixBase32.decode("2" + zeros, byteCount: 32) == nil)
        #expect(NixBase32.decode("z" + zeros, byteCount: 32) == nil)
        // Digits entirely beyond the byte count must be zero.
        #expect(NixBase32.decode("00" + String(repeating: "0", count: 32), byteCount: 20) != nil)
        #expect(NixBase32.decode("10" + String(repeating: "0", count: 32), byteCount: 20) == nil)
    }
}

@Suite("Base-64 and base-16")
struct Base64And16Tests {
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648Vectors(_ plain: String, _ encoded: String) throws {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(try Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test func encodesEveryByte() throws {
        let bytes = (0...255).map { UInt8($0) }
        let text = Base64.encode(bytes)
        #expect(text.utf8.count == Base64.encodedLength(256))
        #expect(try Base64.decode(text) == bytes)
    }

    @Test func decodesLikeNix() throws {
        // Padding is optional and everything after the first '=' is ignored.
        #expect(try Base64.decode("Zm9vYg") == Array("foob".utf8))
        #expect(try Base64.decode("Zm9vYg==junk!") == Array("foob".utf8))
        // Newlines are skipped.
        #expect(try Base64.decode("Zm9v\nYmFy\n") == Array("foobar".utf8))
        // Leftover bits that do not make a byte are dropped.
        #expect(try Base64.decode("Zm9vY") == Array("foo".utf8))
        #expect(throws: HashError(.invalidEncoding, "invalid character in Base64 string: ''")) {
            try Base64.decode("Zm9v!")
        }
    }

    @Test func encodedLengthsMatchNix() {
        #expect(Base64.encodedLength(16) == 24)
        #expect(Base64.encodedLength(20) == 28)
        #expect(Base64.encodedLength(32) == 44)
        #expect(Base64.encodedLength(64) == 88)
    }

    @Test func base16() {
        #expect(Base16.encode([0x00, 0x0F, 0xA5, 0xFF]) == "000fa5ff")
        #expect(Base16.decode("000fa5ff") == [0x00, 0x0F, 0xA5, 0xFF])
        #expect(Base16.decode("000FA5FF") == [0x00, 0x0F, 0xA5, 0xFF])
        #expect(Base16.decode("abc") == nil)
        #expect(Base16.decode("0g") == nil)
        #expect(Base16.decode("") == [])
    }
}
