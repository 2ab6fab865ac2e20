extension Array where Element == UInt8 {
    /// An array of `count` bytes, each written by `write` into the memory it is
    /// given.
    ///
    /// Why not `Array(unsafeUninitializedCapacity:)` or `Array(repeating:count:)`:
    /// with this toolchain both run unspecialised for bytes, looking the storage
    /// class's generic metadata up on every call (~350 instructions, measured with
    /// callgrind on `hashString` and store-path computation, which make several
    /// short byte arrays per derivation). Reserving and appending go through entry
    /// points specialised for bytes; the bytes are written on the stack first.
    @inlinable
    public static func written(count: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Void) -> [UInt8] {
        if count == 0 { return [] }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { scratch in
            let p = scratch.baseAddress.unsafelyUnwrapped
            write(p)
            var out: [UInt8] = []
            out.reserveCapacity(count)
            out.append(contentsOf: UnsafeBufferPointer(start: p, count: count))
            return out
        }
    }
}
