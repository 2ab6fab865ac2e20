/// Hexadecimal, the form Nix uses inside store path fingerprints and for MD5 hashes.
///
/// Output is lower case; input accepts either case, as Nix's parser does.
public enum Base16 {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func encode<C: Collection<UInt8>>(_ bytes: C) -> String {
        String(decoding: encodedBytes(Array(bytes)), as: UTF8.self)
    }

    /// The hex digits as bytes (for callers that build byte strings). Not generic:
    /// called from another module, a generic one ran unspecialised (a witness-table
    /// call per byte).
    public static func encodedBytes(_ bytes: [UInt8]) -> [UInt8] {
        [UInt8].written(count: bytes.count * 2) { out in
            digits.withUnsafeBufferPointer { d in
                for (k, byte) in bytes.enumerated() {
                    out[2 * k] = d[Int(byte >> 4)]
                    out[2 * k + 1] = d[Int(byte & 0x0F)]
                }
            }
        }
    }

    /// Decodes an even-length hex string, or returns nil on any non-hex character.
    public static func decode<S: StringProtocol>(_ string: S) -> [UInt8]? {
        let chars = Array(string.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let high = value(chars[i]), let low = value(chars[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    private static func value(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return char - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
