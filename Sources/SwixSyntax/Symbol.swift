#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An interned identifier. Symbols compare and hash by id; the bytes live once in
/// the `SymbolTable`. Ids are handed out in order of first interning, which is also
/// the order CppNix uses when it walks attribute definitions.
@frozen public struct Symbol: Hashable, Sendable, Comparable {
    public let id: UInt32
    @inlinable public init(id: UInt32) { self.id = id }
    @inlinable public static func < (a: Symbol, b: Symbol) -> Bool { a.id < b.id }
    @inlinable public static func == (a: Symbol, b: Symbol) -> Bool { a.id == b.id }
}

/// Interns byte strings without allocating on lookup: all names are stored in one
/// byte arena and found through an open-addressing hash table of ids.
///
/// Laid out for few cache misses, since dynamic attribute names (`pkgs.${name}`,
/// `listToAttrs`) intern a name per use in large tables: a table slot holds the
/// name's hash beside its id, so a probe compares hashes without leaving the
/// table, and a name's place in the arena is one word.
public final class SymbolTable: @unchecked Sendable {
    /// Where a name's bytes are in the arena.
    @frozen @usableFromInline struct Span {
        @usableFromInline let start: UInt32
        @usableFromInline let length: UInt32
    }

    // (Usable from inlinable code: `withBytes` is generic, and other modules get
    // it specialised only when its body is visible to them.)
    @usableFromInline private(set) var arena: [UInt8] = []
    @usableFromInline private(set) var spans: [Span] = []
    /// The first eight bytes of each name, big-endian and zero-padded: comparing
    /// these orders most pairs of names without looking at the bytes.
    private var sortKeys: [UInt64] = []
    /// Slots hold `hash << 32 | (id + 1)`; 0 marks an empty slot. Allocated by
    /// hand: reading an array from this (atomically counted) module retained and
    /// released its buffer on every lookup, two locked instructions per dynamic
    /// attribute name.
    private var slots: UnsafeMutablePointer<UInt64>
    private var mask: Int
    private var slotCount: Int { mask + 1 }

    public init() {
        slots = .allocate(capacity: 1024)
        slots.initialize(repeating: 0, count: 1024)
        mask = 1023
        arena.reserveCapacity(16 * 1024)
        for name in StaticSymbols.names { _ = intern(name) }
        for (symbol, name) in Symbol.constants {
            precondition(string(symbol) == name, "Symbol constant \(name) has the id of '\(string(symbol))'")
        }
    }

    deinit { slots.deallocate() }

    public var count: Int { spans.count }

    @inline(__always)
    private static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt32 = 2166136261
        for b in p { h = (h ^ UInt32(b)) &* 16777619 }
        return h
    }

    /// The slot holding the name `p` (hash `h`), or the empty slot where it goes.
    @inline(__always)
    private func probe(_ p: UnsafeBufferPointer<UInt8>, _ h: UInt32) -> (slot: Int, id: Int?) {
        let table = slots
        var i = Int(h) & mask
        while true {
            let entry = table[i]
            if entry == 0 { return (i, nil) }
            if UInt32(truncatingIfNeeded: entry >> 32) == h {
                let id = Int(UInt32(truncatingIfNeeded: entry)) - 1
                if equalsStored(id, p) { return (i, id) }
            }
            i = (i + 1) & mask
        }
    }

    /// Interns the bytes in `p`.
    public func intern(_ p: UnsafeBufferPointer<UInt8>) -> Symbol {
        let h = SymbolTable.hash(p)
        let (i, found) = probe(p, h)
        if let found { return Symbol(id: UInt32(found)) }
        let id = spans.count
        spans.append(Span(start: UInt32(arena.count), length: UInt32(p.count)))
        var key: UInt64 = 0
        for k in 0..<8 { key = key << 8 | UInt64(k < p.count ? p[k] : 0) }
        sortKeys.append(key)
        arena.append(contentsOf: p)
        slots[i] = UInt64(h) << 32 | UInt64(id + 1)
        if spans.count * 2 > slotCount { grow() }
        return Symbol(id: UInt32(id))
    }

    public func intern(_ bytes: [UInt8]) -> Symbol {
        bytes.withUnsafeBufferPointer { intern($0) }
    }

    public func intern(_ s: String) -> Symbol {
        var s = s
        return s.withUTF8 { intern($0) }
    }

    /// Looks a name up without interning it.
    public func lookup(_ s: String) -> Symbol? {
        var s = s
        return s.withUTF8 { p -> Symbol? in
            probe(p, SymbolTable.hash(p)).id.map { Symbol(id: UInt32($0)) }
        }
    }

    @inline(__always)
    private func equalsStored(_ id: Int, _ p: UnsafeBufferPointer<UInt8>) -> Bool {
        let span = spans.withUnsafeBufferPointer { $0[id] }
        guard Int(span.length) == p.count else { return false }
        if p.isEmpty { return true }
        return arena.withUnsafeBufferPointer { a in
            memcmp(a.baseAddress! + Int(span.start), p.baseAddress!, p.count) == 0
        }
    }

    private func grow() {
        let newCount = slotCount * 2
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: newCount)
        table.initialize(repeating: 0, count: newCount)
        let newMask = newCount - 1
        for k in 0..<slotCount where slots[k] != 0 {
            let entry = slots[k]
            var i = Int(UInt32(truncatingIfNeeded: entry >> 32)) & newMask
            while table[i] != 0 { i = (i + 1) & newMask }
            table[i] = entry
        }
        slots.deallocate()
        slots = table
        mask = newMask
    }

    public func bytes(_ s: Symbol) -> ArraySlice<UInt8> {
        let span = spans[Int(s.id)]
        return arena[Int(span.start)..<Int(span.start + span.length)]
    }

    public func string(_ s: Symbol) -> String {
        String(decoding: bytes(s), as: UTF8.self)
    }

    public subscript(_ s: Symbol) -> String { string(s) }

    /// Lexicographic (byte-wise) order of two symbols' names, as Nix sorts attribute names.
    public func lexicographicallyPrecedes(_ a: Symbol, _ b: Symbol) -> Bool {
        var result = false
        withLexicographicOrdering { precedes in result = precedes(a, b) }
        return result
    }

    /// The positions of `names` in lexicographic (byte-wise) order of the names
    /// (the caller's elements are not moved: moving an attribute retains and
    /// releases its value).
    public func lexicographicOrder(_ names: UnsafeBufferPointer<Symbol>) -> [Int] {
        lexicographicOrder(count: names.count) { names[$0] }
    }

    /// The positions 0..<count in lexicographic order of `name(position)`. Sorts
    /// (sort key, symbol, position) entries: most comparisons are decided by the
    /// keys in hand, without looking the names up.
    public func lexicographicOrder(count: Int, _ name: (Int) -> Symbol) -> [Int] {
        var entries = sortEntries(count: count, name)
        withLexicographicOrdering { precedes in
            entries.withUnsafeMutableBufferPointer { entries in
                SymbolTable.sort(entries) { a, b in a.key != b.key ? a.key < b.key : precedes(a.symbol, b.symbol) }
            }
        }
        return entries.map { Int($0.position) }
    }

    /// Sorts `names` in place in lexicographic (byte-wise) order of the names.
    public func sortLexicographically(_ names: UnsafeMutableBufferPointer<Symbol>) {
        if names.count < 2 { return }
        if names.count <= SymbolTable.insertionSortLimit {
            withLexicographicOrdering { precedes in SymbolTable.sort(names, by: precedes) }
            return
        }
        let order = lexicographicOrder(count: names.count) { names[$0] }
        let sorted = order.map { names[$0] }
        for k in 0..<sorted.count { names[k] = sorted[k] }
    }

    /// A symbol to sort, with its sort key and where it came from. (A struct: an
    /// array of tuples is sorted through the runtime's generic tuple witnesses.)
    private struct SortEntry {
        let key: UInt64
        let symbol: Symbol
        let position: Int32
    }

    private func sortEntries(count: Int, _ name: (Int) -> Symbol) -> [SortEntry] {
        var entries: [SortEntry] = []
        entries.reserveCapacity(count)
        sortKeys.withUnsafeBufferPointer { keys in
            for k in 0..<count {
                let s = name(k)
                entries.append(SortEntry(key: keys[Int(s.id)], symbol: s, position: Int32(k)))
            }
        }
        return entries
    }

    /// Calls `body` with the order of two symbols' names, which reads the
    /// table's arrays through pointers taken once: read as properties, each
    /// comparison retained and released their buffers (atomically, in this module).
    private func withLexicographicOrdering(_ body: ((Symbol, Symbol) -> Bool) -> Void) {
        sortKeys.withUnsafeBufferPointer { keys in
            spans.withUnsafeBufferPointer { spans in
                arena.withUnsafeBufferPointer { arena in
                    body { a, b in
                        if a == b { return false }
                        let ka = keys[Int(a.id)], kb = keys[Int(b.id)]
                        if ka != kb { return ka < kb }
                        // The same first eight bytes (zero-padded): the rest decides.
                        let sa = spans[Int(a.id)], sb = spans[Int(b.id)]
                        let la = Int(sa.length), lb = Int(sb.length)
                        let common = min(la, lb)
                        if common > 8 {
                            let c = memcmp(arena.baseAddress! + Int(sa.start) + 8, arena.baseAddress! + Int(sb.start) + 8, common - 8)
                            if c != 0 { return c < 0 }
                        }
                        return la < lb
                    }
                }
            }
        }
    }

    /// Insertion sort for the short arrays most sets have (no allocation, few
    /// moves), the standard library's sort beyond.
    private static var insertionSortLimit: Int { 16 }

    private static func sort<T>(_ items: UnsafeMutableBufferPointer<T>, by precedes: (T, T) -> Bool) {
        if items.count > insertionSortLimit {
            var all = items
            all.sort(by: precedes)
            return
        }
        for i in 1..<max(items.count, 1) {
            let x = items[i]
            var j = i
            while j > 0 && precedes(x, items[j - 1]) {
                items[j] = items[j - 1]
                j -= 1
            }
            items[j] = x
        }
    }

    /// Calls `body` with the symbol's bytes (valid only during the call).
    @inlinable @inline(__always)
    public func withBytes<R>(_ s: Symbol, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let span = spans[Int(s.id)]
        return try arena.withUnsafeBufferPointer { p in
            try body(UnsafeBufferPointer(start: p.baseAddress! + Int(span.start), count: Int(span.length)))
        }
    }

    /// How `printIdentifier` shows each symbol: 1 bare, 2 quoted; 0 not yet known.
    private var identifierStyle: [UInt8] = []

    /// Computes every lazily cached property, so that afterwards (until the next
    /// `intern`) several threads may read the table at once.
    public func prepareForConcurrentReading() {
        for id in 0..<spans.count { _ = isPlainIdentifier(Symbol(id: UInt32(id))) }
    }

    /// True if the name prints bare (a valid identifier that is not a keyword).
    public func isPlainIdentifier(_ s: Symbol) -> Bool {
        let id = Int(s.id)
        if id < identifierStyle.count, identifierStyle[id] != 0 { return identifierStyle[id] == 1 }
        if identifierStyle.count < spans.count {
            identifierStyle.append(contentsOf: repeatElement(0, count: spans.count - identifierStyle.count))
        }
        let plain = withBytes(s) { ASTPrinter.isPlainIdentifier($0) }
        identifierStyle[id] = plain ? 1 : 2
        return plain
    }
}
