/// Standard base-64 (RFC 4648 alphabet, `=` padding), with decoding as lenient as Nix's.
///
/// Nix's decoder is not a strict RFC decoder, and hash parsing depends on its quirks: it
/// stops at the first `=` (so missing or extra padding is accepted), skips newlines, and
/// silently drops leftover bits that do not fill a byte. Length checks happen afterwards,
/// on the decoded size.
public enum Base64 {
    public static let alphabet: [UInt8] =
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let digitValues: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, char) in alphabet.enumerated() { table[Int(char)] = UInt8(value) }
        return table
    }()

    /// The padded length of the encoding of `byteCount` bytes.
    public static func encodedLength(_ byteCount: Int) -> Int {
        (byteCount + 2) / 3 * 4
    }

    public static func encode<C: Collection<UInt8>>(_ bytes: C) -> String {
        var out = [UInt8]()
        out.reserveCapacity(encodedLength(bytes.count))
        var accumulator = 0, bits = 0
        for byte in bytes {
            accumulator = (accumulator << 8 | Int(byte)) & 0xFFFF
            bits += 8
            while bits >= 6 {
                bits -= 6
                out.append(alphabet[(accumulator >> bits) & 0x3F])
            }
        }
        if bits > 0 { out.append(alphabet[(accumulator << (6 - bits)) & 0x3F]) }
        while out.count % 4 != 0 { out.append(UInt8(ascii: "=")) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `string`, or throws on a byte outside the alphabet.
    ///
    /// The message reproduces what Nix 2.8 actually prints, `…Base64 string: ''`: its
    /// format string uses `%c` on a colour-highlighted argument, so only the first byte of
    /// the escape sequence survives, and that is stripped again when printed.
    public static func decode<S: StringProtocol>(_ string: S) throws(HashError) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity((string.utf8.count + 3) / 4 * 3)
        var accumulator = 0, bits = 0
        for char in string.utf8 {
            if char == UInt8(ascii: "=") { break }
            if char == UInt8(ascii: "\n") { continue }
            let digit = digitValues[Int(char)]
            if digit == 0xFF {
                throw HashError(.invalidEncoding, "invalid character in Base64 string: ''")
            }
            accumulator = (accumulator << 6 | Int(digit)) & 0xFFFF
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> bits))
            }
        }
        return out
    }
}
