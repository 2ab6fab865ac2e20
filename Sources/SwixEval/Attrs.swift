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
public final class Attrs {
    public let attrs: [Attr]

    nonisolated(unsafe) public static let empty = Attrs(sorted: [])

    /// `attrs` must be sorted by symbol id without duplicates.
    public init(sorted attrs: [Attr]) {
        self.attrs = attrs
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

    public var count: Int { attrs.count }

    /// Index of `name`, or nil.
    @inline(__always)
    public func index(of name: Symbol) -> Int? {
        var lo = 0, hi = attrs.count - 1
        while lo <= hi {
            let mid = (lo + hi) >> 1
            let m = attrs[mid].name
            if m == name { return mid }
            if m < name { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }

    @inline(__always)
    public func get(_ name: Symbol) -> Value? {
        index(of: name).map { attrs[$0].value }
    }

    public func attr(_ name: Symbol) -> Attr? {
        index(of: name).map { attrs[$0] }
    }

    /// `self // other`: merged in one pass over both sorted arrays.
    public func updated(with other: Attrs) -> Attrs {
        if other.attrs.isEmpty { return self }
        if attrs.isEmpty { return other }
        var out: [Attr] = []
        out.reserveCapacity(attrs.count + other.attrs.count)
        var i = 0, j = 0
        let a = attrs, b = other.attrs
        while i < a.count && j < b.count {
            if a[i].name < b[j].name {
                out.append(a[i]); i += 1
            } else if b[j].name < a[i].name {
                out.append(b[j]); j += 1
            } else {
                out.append(b[j]); i += 1; j += 1
            }
        }
        if i < a.count { out.append(contentsOf: a[i...]) }
        if j < b.count { out.append(contentsOf: b[j...]) }
        return Attrs(sorted: out)
    }
}
