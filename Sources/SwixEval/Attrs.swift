import SwixSyntax

/// One attribute: name, value (possibly a thunk) and where it was defined.
public struct Attr {
    public var name: Symbol
    public var value: Value
    public var pos: Pos

    public init(name: Symbol, value: Value, pos: Pos) {
        self.name = name
        self.value = value
        self.pos = pos
    }
}

/// An attribute set: attributes sorted by symbol id, found by binary search.
/// (Symbol-id order is also the order CppNix stores them in; printing sorts by name.)
///
/// `a // b` does not copy `a`: the result is `b`'s attributes as a new layer over
/// `a`'s layers (newest first, each sorted). Layers are merged as in a
/// log-structured merge: whenever a layer is at least half the size of the one
/// below it, or there are too many, so a set grown one attribute at a time costs
/// O(n log n) in all instead of O(n²), and a lookup searches O(log n) layers.
/// Anything that needs the whole set (`attrs`, `count`, iteration) flattens it
/// once; the flat form is kept.
public final class Attrs {
    /// The newest layer; the whole set when `older` is empty.
    private var top: [Attr]
    /// Older layers, newest first; shadowed by every layer before them.
    private var older: [[Attr]]

    nonisolated(unsafe) public static let empty = Attrs(sorted: [])

    /// Layers this deep are merged even if they are balanced.
    static let maxLayers = 8

    /// `attrs` must be sorted by symbol id without duplicates.
    public init(sorted attrs: [Attr]) {
        top = attrs
        older = []
    }

    private init(layers: [[Attr]]) {
        top = layers[0]
        older = Array(layers.dropFirst())
    }

    /// Builds a set from attributes in any order; later duplicates replace earlier ones.
    public convenience init(unsorted: [Attr]) {
        var a = unsorted
        a.sort { $0.name < $1.name }
        var out: [Attr] = []
        out.reserveCapacity(a.count)
        for x in a {
            if let last = out.last, last.name == x.name { out[out.count - 1] = x } else { out.append(x) }
        }
        self.init(sorted: out)
    }

    /// All attributes, sorted by symbol id (flattens a layered set once).
    public var attrs: [Attr] {
        if !older.isEmpty { flatten() }
        return top
    }

    public var count: Int {
        if !older.isEmpty { flatten() }
        return top.count
    }

    private func flatten() {
        var merged = top
        for layer in older { merged = Attrs.merge(merged, over: layer) }
        top = merged
        older = []
    }

    @inline(__always)
    private static func search(_ layer: [Attr], _ name: Symbol) -> Int? {
        layer.withUnsafeBufferPointer { b in
            var lo = 0, hi = b.count - 1
            while lo <= hi {
                let mid = (lo + hi) >> 1
                let m = b[mid].name
                if m == name { return mid }
                if m < name { lo = mid + 1 } else { hi = mid - 1 }
            }
            return nil
        }
    }

    /// Index of `name` in `attrs`, or nil.
    @inline(__always)
    public func index(of name: Symbol) -> Int? {
        if !older.isEmpty { flatten() }
        return Attrs.search(top, name)
    }

    /// Finds `name` in the layers, newest first, and gives `body` the layer's
    /// storage and the index: the one search behind `attr`, `get` and
    /// `valuePointer`.
    @inline(__always)
    private func find<R>(_ name: Symbol, _ body: (UnsafeBufferPointer<Attr>, Int) -> R) -> R? {
        if let i = Attrs.search(top, name) { return top.withUnsafeBufferPointer { body($0, i) } }
        if older.isEmpty { return nil }
        for layer in older {
            if let i = Attrs.search(layer, name) { return layer.withUnsafeBufferPointer { body($0, i) } }
        }
        return nil
    }

    /// The attribute `name`.
    @inline(__always)
    public func attr(_ name: Symbol) -> Attr? {
        find(name) { b, i in b[i] }
    }

    @inline(__always)
    public func get(_ name: Symbol) -> Value? {
        find(name) { b, i in b[i].value }
    }

    /// Where the value of `name` is stored (and in `pos` where it was defined).
    /// The pointer is valid until the set is next flattened: read it at once.
    @inline(__always)
    func valuePointer(_ name: Symbol, _ pos: inout Pos) -> UnsafePointer<Value>? {
        guard let (p, definedAt) = find(name, { b, i in
            (UnsafeRawPointer(b.baseAddress! + i).advanced(by: MemoryLayout<Attr>.offset(of: \Attr.value)!)
                .assumingMemoryBound(to: Value.self), b[i].pos)
        }) else { return nil }
        pos = definedAt
        return p
    }

    /// The attributes in lexicographic order of their names (as Nix prints,
    /// serialises and hashes them).
    public func sortedByName(_ symbols: SymbolTable) -> [Attr] {
        let all = attrs
        let order = all.map(\.name).withUnsafeBufferPointer { symbols.lexicographicOrder($0) }
        return all.withUnsafeBufferPointer { b in order.map { b[$0] } }
    }

    /// `newer` merged over `older` in one pass; `newer` wins on equal names.
    static func merge(_ newer: [Attr], over older: [Attr]) -> [Attr] {
        if newer.isEmpty { return older }
        if older.isEmpty { return newer }
        var out: [Attr] = []
        out.reserveCapacity(newer.count + older.count)
        var i = 0, j = 0
        while i < older.count && j < newer.count {
            if older[i].name < newer[j].name {
                out.append(older[i]); i += 1
            } else if newer[j].name < older[i].name {
                out.append(newer[j]); j += 1
            } else {
                out.append(newer[j]); i += 1; j += 1
            }
        }
        if i < older.count { out.append(contentsOf: older[i...]) }
        if j < newer.count { out.append(contentsOf: newer[j...]) }
        return out
    }

    /// `self // other`: `other`'s attributes as a new layer over this set's.
    public func updated(with other: Attrs) -> Attrs {
        let b = other.attrs
        if b.isEmpty { return self }
        if top.isEmpty && older.isEmpty { return other }
        var layers: [[Attr]] = [b, top]
        layers.append(contentsOf: older)
        // Merge the newest layers while they are not much smaller than the next.
        while layers.count > 1 && (layers[0].count * 2 >= layers[1].count || layers.count > Attrs.maxLayers) {
            let merged = Attrs.merge(layers[0], over: layers[1])
            layers.removeFirst(2)
            layers.insert(merged, at: 0)
        }
        return Attrs(layers: layers)
    }
}
