/// Nix's own base-32 encoding, used for store path hash parts and for `sha256:1b8m…`
/// style hashes.
///
/// It differs from RFC 4648 base32 in three ways that all matter for compatibility:
/// the alphabet drops `e`, `o`, `u` and `t` (to avoid accidental words), there is no
/// padding, and the bit order is reversed — the digit for the *least* significant five
/// bits of the byte string (bits 0–4 of byte 0) is written *last*, so the string reads
/// as one big number with its most significant digit first.
public enum NixBase32 {
    /// The 32 digits, in value order.
    public static let alphabet: [UInt8] = Array(UnsafeBufferPointer(start: digits.utf8Start, count: digits.utf8CodeUnitCount))

    /// The digits as static text, which `write` reads without touching an array.
    private static let digits: StaticString = "0123456789abcdfghijklmnpqrsvwxyz"

    /// Digit value of each ASCII byte, or 0xFF when the byte is not a digit.
    private static let digitValues: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, char) in alphabet.enumerated() { table[Int(char)] = UInt8(value) }
        return table
    }()

    /// The number of digits that encode `byteCount` bytes: enough 5-bit digits to cover
    /// every bit, and no more.
    public static func encodedLength(_ byteCount: Int) -> Int {
        byteCount == 0 ? 0 : (byteCount * 8 - 1) / 5 + 1
    }

    /// Whether `char` is one of the 32 digits.
    public static func isDigit(_ char: UInt8) -> Bool {
        digitValues[Int(char)] != 0xFF
    }

    /// Encodes `bytes`, most significant digit first.
    public static func encode<C: Collection<UInt8>>(_ bytes: C) -> String {
        if let text = bytes.withContiguousStorageIfAvailable({ encode(buffer: $0) }) { return text }
        return Array(bytes).withUnsafeBufferPointer { encode(buffer: $0) }
    }

    /// `encode` of bytes in memory: the digits written straight into the string's
    /// storage (two store paths per derivation are named this way; through an array
    /// and `String(decoding:)` it cost ~2,000 instructions a hash).
    public static func encode(buffer bytes: UnsafeBufferPointer<UInt8>) -> String {
        let length = encodedLength(bytes.count)
        guard length > 0 else { return "" }
        return String(unsafeUninitializedCapacity: length) { out in
            write(bytes, into: out.baseAddress!)
            return length
        }
    }

    /// Writes the `encodedLength(bytes.count)` digits of `bytes` at `out`.
    public static func write(_ bytes: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) {
        let length = encodedLength(bytes.count)
        guard length > 0 else { return }
        let alphabet = digits.utf8Start
        // Digit n holds bits 5n…5n+4 of the little-endian bit string; those may straddle
        // bytes i and i+1.
        for n in 0..<length {
            let bit = n * 5
            let i = bit >> 3, j = bit & 7
            var value = Int(bytes[i]) >> j
            if i + 1 < bytes.count { value |= Int(bytes[i + 1]) << (8 - j) }
            out[length - 1 - n] = alphabet[value & 0x1F]
        }
    }

    /// Decodes `string` into exactly `byteCount` bytes, or returns nil when it holds a
    /// character outside the alphabet or encodes bits beyond `byteCount` bytes (Nix
    /// rejects such "overflowing" strings rather than dropping the excess bits).
    public static func decode<S: StringProtocol>(_ string: S, byteCount: Int) -> [UInt8]? {
        let chars = Array(string.utf8)
        var out = [UInt8](repeating: 0, count: byteCount)
        for n in 0..<chars.count {
            let digit = digitValues[Int(chars[chars.count - 1 - n])]
            if digit == 0xFF { return nil }
            let bit = n * 5
            let i = bit / 8, j = bit % 8
            guard i < byteCount else {
                if digit != 0 { return nil }
                continue
            }
            out[i] |= UInt8(truncatingIfNeeded: Int(digit) << j)
            let carry = Int(digit) >> (8 - j)
            if carry != 0 {
                guard i + 1 < byteCount else { return nil }
                out[i + 1] |= UInt8(carry)
            }
        }
        return out
    }

    /// Decodes `string` into as many whole bytes as its digits cover (the inverse of
    /// `encode` for every length `encode` produces).
    public static func decode<S: StringProtocol>(_ string: S) -> [UInt8]? {
        decode(string, byteCount: string.utf8.count * 5 / 8)
    }
}
