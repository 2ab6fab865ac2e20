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
/// One allocation holds the header and the attributes (`ManagedBuffer`): a class
/// holding an array was two allocations per set, and every lookup went through both
/// objects (two cache misses on a cold set instead of one).
///
/// `a // b` copies no attribute: the result is a header over layers, `b` first, then
/// `a` (or `a`'s layers), each a flat set shadowing the ones after it.
/// Layers are merged as in a log-structured merge: whenever a layer is at least half
/// the size of the one below it, or there are too many, so a set grown one attribute
/// at a time costs O(n log n) in all instead of O(n²), and a lookup searches O(log n)
/// layers. Anything that needs the whole set (`attrs`, `count`, iteration) flattens
/// it once; the flat set is kept.
///
/// A layered set that is looked up often (the final package set of a fixpoint of
/// overlays, `final.${name}` for every package) is flattened too, once its lookups
/// have cost about what merging its layers costs: from then on it has one layer, and
/// each lookup one binary search instead of one per layer, each a cache miss in a
/// large table. A set only grown and passed on (`acc // { k = v; }` in a loop) is
/// looked up too rarely to be flattened.
public final class Attrs: ManagedBuffer<Attrs.Header, Attr> {
    public struct Header {
        /// The attributes stored in this object (none in a layered set).
        var count: Int
        /// Whether there are older layers (a plain flag: reading `older` to test it
        /// retained and released the array).
        var layered: Bool
        /// Whether lookups take the out-of-line path (`valuePointer(in:)`): a
        /// layered set, or a large one (`searchLarge`). One flag, so that the
        /// inlined path of selections tests one byte and has one call site; a
        /// second branch with its own call made every selection save more
        /// registers (lists_sort +1.6% instructions).
        var searchedOutOfLine: Bool
        /// Lookups a layered set takes before it is flattened (see above).
        var lookupsBeforeFlattening: Int32
        /// The layers of a layered set, newest first; empty for a flat set.
        var older: [Attrs]
        /// The whole set as one flat set, once computed (layered sets only).
        var flat: Attrs?
        /// The environment of a `rec` set, whose cycles `ScopeCollector` breaks when
        /// the set goes.
        var scope: Env?
    }

    /// A new empty set. (Not one shared object: reference counts are not atomic,
    /// and evaluators on several threads, as in tests, would race on its count.)
    public static var empty: Attrs { sorted([]) }

    /// How many lookups a set over `layers` takes before it is flattened: merging
    /// copies every attribute once, a lookup saves a binary search per layer but
    /// the first, and a search costs about eight copies.
    @inline(__always)
    static func lookupBudget(_ layers: [Attrs]) -> Int32 {
        if layers.count < 2 { return Int32.max }
        var total = 0
        for layer in layers { total += layer.ownCount }
        return Int32(clamping: total / (8 * (layers.count - 1)) + 16)
    }

    /// Layers this deep are merged even if they are balanced.
    static let maxLayers = 8
    /// Up to this many attributes in all, `//` of two flat sets makes a flat set.
    static let smallMergeLimit = 32

    /// A flat set of `count` attributes written by `initialize`: each exactly once,
    /// sorted by symbol id, without duplicates.
    @inline(__always)
    static func build(count: Int, older: [Attrs] = [], _ initialize: (UnsafeMutablePointer<Attr>) -> Void) -> Attrs {
        let a = unsafeDowncast(Attrs.create(minimumCapacity: count) { _ in
            Header(count: count, layered: !older.isEmpty,
                   searchedOutOfLine: !older.isEmpty || count >= Attrs.interpolationThreshold,
                   lookupsBeforeFlattening: Attrs.lookupBudget(older), older: older, flat: nil, scope: nil)
        }, to: Attrs.self)
        a.withUnsafeMutablePointerToElements { initialize($0) }
        return a
    }

    /// A flat set of `attrs`, which must be sorted by symbol id without duplicates.
    @inline(__always)
    static func make(_ attrs: UnsafeBufferPointer<Attr>) -> Attrs {
        build(count: attrs.count) { e in
            // Element by element: `initialize(from:count:)` copies through the
            // generic runtime (a value-witness call per attribute).
            for k in 0..<attrs.count { (e + k).initialize(to: attrs[k]) }
        }
    }

    /// `attrs` must be sorted by symbol id without duplicates.
    public static func sorted(_ attrs: [Attr]) -> Attrs {
        attrs.withUnsafeBufferPointer { make($0) }
    }

    /// Builds a set from attributes in any order; later duplicates replace earlier ones.
    public static func unsorted(_ unsorted: [Attr]) -> Attrs {
        var a = unsorted
        a.sort { $0.name < $1.name }
        var duplicates = false
        if a.count > 1 { for k in 1..<a.count where a[k].name == a[k - 1].name { duplicates = true; break } }
        if !duplicates { return sorted(a) }
        var out: [Attr] = []
        out.reserveCapacity(a.count)
        for x in a {
            if let last = out.last, last.name == x.name { out[out.count - 1] = x } else { out.append(x) }
        }
        return sorted(out)
    }

    deinit {
        _ = withUnsafeMutablePointers { h, e in
            // Only the values hold objects (names and positions are plain numbers),
            // and most values of a set are integers, strings or thunks: destroyed
            // inline, not through `swift_arrayDestroy`'s generic loop.
            for k in 0..<h.pointee.count {
                UnsafeMutablePointer(mutating: UnsafePointer(e + k).valuePointer).destroyValueKeepingThunks()
            }
            // Read in place: a copy of the reference would count as one more.
            let scope = UnsafeRawPointer(h).load(fromByteOffset: Attrs.scopeOffset, as: UnsafeRawPointer?.self)
            if let scope { ScopeCollector.collect(scope, setReferences: 1) }
        }
    }

    /// Where `Header.scope` is in the header (a constant checked by
    /// `ValueLayout.check`: a `static let` computed from a key path cost a
    /// `swift_once` call per set freed).
    static var scopeOffset: Int { 32 }

    /// Makes this (new, flat) set the owner of its `rec` environment's cycles.
    func adoptScope(_ scope: Env) {
        head.pointee.scope = scope
    }

    /// This flat set's attributes (nil for a layered set, whose layers may be
    /// shared with other sets), for `ScopeCollector`. Valid while the set is.
    var flatAttrs: UnsafeBufferPointer<Attr>? {
        isLayered ? nil : ownAttrs
    }

    /// The header, read in place (`header` copies it: a retain and release of the
    /// layer array and the flat set per read).
    @inline(__always)
    private var head: UnsafeMutablePointer<Header> { withUnsafeMutablePointerToHeader { $0 } }

    /// The number of attributes in this object's own storage.
    @inline(__always)
    var ownCount: Int { head.pointee.count }

    // MARK: Reading

    /// This object's own attributes (the newest layer). Valid while the set is.
    @inline(__always)
    private var ownAttrs: UnsafeBufferPointer<Attr> {
        withUnsafeMutablePointers { h, e in UnsafeBufferPointer(start: e, count: h.pointee.count) }
    }

    @inline(__always)
    private var isLayered: Bool { head.pointee.layered }

    /// The set as one flat set: itself, or its layers merged (once).
    @inline(__always)
    public var flattened: Attrs {
        isLayered ? flatten() : self
    }

    private func flatten() -> Attrs {
        if let f = head.pointee.flat { return f }
        let layers = head.pointee.older
        var merged = layers[0]
        for layer in layers.dropFirst() { merged = Attrs.merged(merged.ownAttrs, over: layer.ownAttrs) }
        head.pointee.flat = merged
        return merged
    }

    /// Replaces the layers by the flat set (see the type's comment). The layers
    /// themselves are released, unless other sets share them.
    @inline(never)
    private func flattenLayers() {
        let f = flatten()
        head.pointee.older = [f]
        head.pointee.lookupsBeforeFlattening = Int32.max
    }

    /// All attributes, sorted by symbol id (flattens a layered set once).
    public var attrs: AttrsView { AttrsView(flattened) }

    public var count: Int { flattened.ownCount }

    @inline(__always)
    private static func search(_ layer: UnsafeBufferPointer<Attr>, _ name: Symbol) -> Int? {
        if layer.count >= Attrs.interpolationThreshold { return searchLarge(layer, name) }
        return binarySearch(layer, name)
    }

    /// Binary search of `layer[lo...hi]` (the whole layer by default).
    @inline(__always)
    private static func binarySearch(_ layer: UnsafeBufferPointer<Attr>, _ name: Symbol,
                                     from lo: Int = 0, through hi: Int? = nil) -> Int? {
        var lo = lo, hi = hi ?? layer.count - 1
        while lo <= hi {
            let mid = (lo + hi) >> 1
            let m = layer[mid].name
            if m == name { return mid }
            if m < name { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }

    /// Sets at least this large are searched by `searchLarge`.
    static let interpolationThreshold = 64

    /// `search` of a large set: two steps of interpolation search, then binary
    /// search in what is left. Symbol ids are handed out in order of first use, so
    /// the names of a generated set (`listToAttrs` of `p0` … `p19999`, an overlay's
    /// every tenth package) are nearly evenly spread over their range, and the
    /// first guess usually lands on the name or next to it: one or two probes
    /// instead of fifteen, each a cache miss in a table of megabytes (the package
    /// set of a fixpoint, looked up for every dependency). Unevenly spread names
    /// cost two probes more than binary search alone.
    @inline(never)
    private static func searchLarge(_ layer: UnsafeBufferPointer<Attr>, _ name: Symbol) -> Int? {
        var lo = 0, hi = layer.count - 1
        let x = UInt64(name.id)
        for _ in 0..<2 {
            let a = UInt64(layer[lo].name.id), b = UInt64(layer[hi].name.id)
            if x < a || x > b { return nil }
            if a == b { return lo }
            let guess = lo + Int((x - a) * UInt64(hi - lo) / (b - a))
            let g = layer[guess].name
            if g == name { return guess }
            if g < name { lo = guess + 1 } else { hi = guess - 1 }
            if lo > hi { return nil }
        }
        return binarySearch(layer, name, from: lo, through: hi)
    }

    /// Index of `name` in `attrs`, or nil.
    @inline(__always)
    public func index(of name: Symbol) -> Int? {
        Attrs.search(flattened.ownAttrs, name)
    }

    /// Where the attribute `name` is stored, in the layers newest first (or in the
    /// flat set once there is one): the one search behind `attr`, `get` and
    /// `valuePointer`. Valid while the set is.
    @inline(__always)
    private func find(_ name: Symbol) -> UnsafePointer<Attr>? {
        let own = ownAttrs
        if let i = Attrs.search(own, name) { return own.baseAddress! + i }
        if !isLayered { return nil }
        return findInOlder(name)
    }

    private func findInOlder(_ name: Symbol) -> UnsafePointer<Attr>? {
        let h = head
        h.pointee.lookupsBeforeFlattening &-= 1
        if h.pointee.lookupsBeforeFlattening == 0 { flattenLayers() }
        // The layers are read as raw references: this set keeps them alive, and
        // iterating the array retained and released each.
        return h.pointee.older.withUnsafeBufferPointer { layers -> UnsafePointer<Attr>? in
            let raw = UnsafeRawPointer(layers.baseAddress!)
            for k in 0..<layers.count {
                let layer = Unmanaged<Attrs>.fromOpaque(raw.load(fromByteOffset: k * MemoryLayout<Attrs>.stride, as: UnsafeRawPointer.self))
                let b = layer._withUnsafeGuaranteedRef { $0.ownAttrs }
                if let i = Attrs.search(b, name) { return b.baseAddress! + i }
            }
            return nil
        }
    }

    /// The attribute `name`.
    @inline(__always)
    public func attr(_ name: Symbol) -> Attr? {
        find(name)?.pointee
    }

    @inline(__always)
    public func get(_ name: Symbol) -> Value? {
        guard let p = find(name) else { return nil }
        return p.pointee.value
    }

    /// Where the header and the attributes of a set are inside its object (checked
    /// by `ValueLayout.check`).
    static var headerOffset: Int { 16 }
    static var elementsOffset: Int {
        let alignment = MemoryLayout<Attr>.alignment
        return (headerOffset + MemoryLayout<Header>.size + alignment - 1) & ~(alignment - 1)
    }

    /// `valuePointer(name, &pos)` of a set the caller keeps alive. A flat set is
    /// searched in place, through its object's address: the closure that borrows the
    /// set (`_withUnsafeGuaranteedRef`) was outlined, a call per set searched
    /// (`with` lookups, selections).
    @inline(__always)
    static func valuePointer(in set: Unmanaged<Attrs>, _ name: Symbol, _ pos: inout Pos) -> UnsafePointer<Value>? {
        let object = UnsafeRawPointer(set.toOpaque())
        let header = (object + headerOffset).assumingMemoryBound(to: Header.self)
        guard !header.pointee.searchedOutOfLine else { return set._withUnsafeGuaranteedRef { $0.valuePointer(name, &pos) } }
        let attrs = UnsafeBufferPointer(start: (object + elementsOffset).assumingMemoryBound(to: Attr.self),
                                        count: header.pointee.count)
        guard let i = binarySearch(attrs, name) else { return nil }
        pos = attrs[i].pos
        return (attrs.baseAddress! + i).valuePointer
    }

    /// Where the value of `name` is stored (and in `pos` where it was defined).
    /// The pointer is valid while the set is.
    @inline(__always)
    func valuePointer(_ name: Symbol, _ pos: inout Pos) -> UnsafePointer<Value>? {
        guard let p = find(name) else { return nil }
        pos = p.pointee.pos
        return p.valuePointer
    }

    // MARK: Building

    /// `newer` merged over `older` as one flat set; `newer` wins on equal names.
    /// (One pass counts, the second writes the set's storage directly.)
    static func merged(_ newer: UnsafeBufferPointer<Attr>, over older: UnsafeBufferPointer<Attr>) -> Attrs {
        if newer.isEmpty { return make(older) }
        if older.isEmpty { return make(newer) }
        var shared = 0
        var i = 0, j = 0
        while i < older.count && j < newer.count {
            let a = older[i].name, b = newer[j].name
            if a < b { i += 1 } else if b < a { j += 1 } else { shared += 1; i += 1; j += 1 }
        }
        return build(count: newer.count + older.count - shared) { out in
            var i = 0, j = 0, n = 0
            while i < older.count && j < newer.count {
                if older[i].name < newer[j].name {
                    (out + n).initialize(to: older[i]); i += 1
                } else if newer[j].name < older[i].name {
                    (out + n).initialize(to: newer[j]); j += 1
                } else {
                    (out + n).initialize(to: newer[j]); i += 1; j += 1
                }
                n += 1
            }
            while i < older.count { (out + n).initialize(to: older[i]); i += 1; n += 1 }
            while j < newer.count { (out + n).initialize(to: newer[j]); j += 1; n += 1 }
        }
    }

    /// `self // other`: `other`'s attributes as a new layer over this set's.
    public func updated(with other: Attrs) -> Attrs {
        let b = other.flattened
        if b.ownCount == 0 { return self }
        if ownCount == 0 && !isLayered { return b }
        // Two flat sets, the newer not much smaller: one merged set (what the
        // loop below makes of them, without its array of layers). And two small
        // flat sets are merged whatever their sizes: copying a few attributes
        // costs less than a layered set's header and its slower lookups (a
        // package's `drv // { … }`, looked up a dozen times).
        if !isLayered && (b.ownCount * 2 >= ownCount || ownCount + b.ownCount <= Attrs.smallMergeLimit) {
            return Attrs.merged(b.ownAttrs, over: ownAttrs)
        }
        // The layers newest first: `b`, then this set's (a layered set keeps all
        // its attributes in its layers; its own storage is empty).
        // (Reserved at its size and appended one by one: `[b]` and
        // `append(contentsOf:)` grew it once and copied the layers through the
        // runtime's generic array copy, ~1% of a loop of `acc // { k = v; }`.)
        var layers: [Attrs] = []
        if isLayered {
            head.pointee.older.withUnsafeBufferPointer { older in
                layers.reserveCapacity(1 + older.count)
                layers.append(b)
                for layer in older { layers.append(layer) }
            }
        } else {
            layers.reserveCapacity(2)
            layers.append(b)
            layers.append(self)
        }
        // Merge the newest layers while they are not much smaller than the next.
        while layers.count > 1 && (layers[0].ownCount * 2 >= layers[1].ownCount || layers.count > Attrs.maxLayers) {
            let merged = Attrs.merged(layers[0].ownAttrs, over: layers[1].ownAttrs)
            layers.removeFirst(2)
            layers.insert(merged, at: 0)
        }
        if layers.count == 1 { return layers[0] }
        // No attribute is copied: the new set is a header over the layers.
        return Attrs.build(count: 0, older: layers) { _ in }
    }

    /// The attributes in lexicographic order of their names (as Nix prints,
    /// serialises and hashes them).
    public func sortedByName(_ symbols: SymbolTable) -> [Attr] {
        let all = attrs
        let order = all.names.withUnsafeBufferPointer { symbols.lexicographicOrder($0) }
        return order.map { all[$0] }
    }
}

extension UnsafePointer where Pointee == Attr {
    /// Where the attribute's value is stored (read in place: `pointee.value`
    /// copies it).
    @inline(__always)
    var valuePointer: UnsafePointer<Value> {
        (UnsafeRawPointer(self) + ValueLayout.attrValueOffset).assumingMemoryBound(to: Value.self)
    }
}

/// The attributes of a flat set, as a collection (what `Attrs.attrs` returns): reads
/// them in place, holding the set.
public struct AttrsView: RandomAccessCollection {
    let owner: Attrs
    @inline(__always) init(_ owner: Attrs) { self.owner = owner }

    public var startIndex: Int { 0 }
    public var endIndex: Int { owner.ownCount }

    @inline(__always)
    public subscript(position: Int) -> Attr {
        precondition(position >= 0 && position < endIndex, "attribute index out of range")
        return owner.withUnsafeMutablePointerToElements { $0[position] }
    }

    /// The names, in order. (Read from the storage: `map(\.name)` copies each
    /// attribute, retaining and releasing its value.)
    public var names: [Symbol] {
        let base = owner.withUnsafeMutablePointerToElements { UnsafePointer($0) }
        return (0..<endIndex).map { base[$0].name }
    }

    /// The attributes as a buffer, valid during `body` (the view holds the set).
    @inline(__always)
    public func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<Attr>) throws(E) -> R) throws(E) -> R {
        // The view (borrowed for the call) keeps the set, and so the buffer, alive.
        let base = owner.withUnsafeMutablePointerToElements { UnsafePointer($0) }
        return try body(UnsafeBufferPointer(start: base, count: endIndex))
    }
}
