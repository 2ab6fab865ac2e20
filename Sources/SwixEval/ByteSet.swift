#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte string as a hash key. `[UInt8]`'s own `Hashable` feeds the hasher one
/// byte at a time (`Hasher._combine(UInt8)` was ~8% of derivations_dag, where every
/// derivation collects the store paths of its inputs' contexts); this feeds the
/// bytes in one block and compares with `memcmp`.
struct ByteKey: Hashable {
    let bytes: [UInt8]
    @inline(__always) init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        // All the bytes, eight at a time, folded by multiply-and-xor into one word
        // that the (seeded) hasher then mixes: SipHash over every byte of a store
        // path cost more than the rest of the set operation.
        let h = bytes.withUnsafeBytes { raw -> UInt64 in
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(raw.count)
            var i = 0
            while i + 8 <= raw.count {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 32
                i += 8
            }
            while i < raw.count {
                h = (h ^ UInt64(raw[i])) &* 0x0100_0000_01B3
                i += 1
            }
            return h
        }
        hasher.combine(h)
    }
    static func == (a: ByteKey, b: ByteKey) -> Bool { sameBytes(a.bytes, b.bytes) }
}

/// A set of byte strings (string context elements, store paths): `Set<[UInt8]>`
/// with `ByteKey`'s hashing.
struct ByteSet: Sequence, ExpressibleByArrayLiteral {
    private var keys = Set<ByteKey>()

    init() {}
    init<S: Sequence>(_ elements: S) where S.Element == [UInt8] {
        for e in elements { keys.insert(ByteKey(e)) }
    }

    init(arrayLiteral elements: [UInt8]...) { self.init(elements) }

    var isEmpty: Bool { keys.isEmpty }
    var count: Int { keys.count }

    /// Whether `bytes` was new.
    @discardableResult
    mutating func insert(_ bytes: [UInt8]) -> Bool {
        keys.insert(ByteKey(bytes)).inserted
    }
    func contains(_ bytes: [UInt8]) -> Bool { keys.contains(ByteKey(bytes)) }
    mutating func formUnion<S: Sequence>(_ other: S) where S.Element == [UInt8] {
        for e in other { keys.insert(ByteKey(e)) }
    }
    mutating func removeAll() { keys.removeAll(keepingCapacity: true) }

    func makeIterator() -> LazyMapSequence<Set<ByteKey>, [UInt8]>.Iterator {
        keys.lazy.map { $0.bytes }.makeIterator()
    }

    /// The elements in bytewise order (how CppNix's `std::set<std::string>` lists them).
    func sortedBytewise() -> [[UInt8]] {
        keys.map { $0.bytes }.sorted(by: bytewiseLess)
    }
}
