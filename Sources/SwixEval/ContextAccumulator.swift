/// The string context a builtin gathers from many strings (`derivationStrict` from
/// every attribute, `toJSON` from every string it writes, a path argument from its
/// coercion): elements appended as they come, sorted and made unique once, at the end.
///
/// A hash set hashed every element of every string on the way in, and most elements
/// arrive several times (a derivation's inputs appear in `buildInputs`, in scripts, in
/// other attributes); appending is a retain, and sorting a few dozen store paths with
/// `memcmp` costs less than hashing them once.
struct ContextAccumulator {
    private var gathered: [[UInt8]] = []
    /// The one context inserted so far, while it is the only part: a string's context
    /// is already sorted and unique, so a result made of it alone (the common case
    /// of `concatStringsSep`, `replaceStrings`, …) is that context, not re-sorted.
    private var single: StringContext?

    var isEmpty: Bool { single == nil && gathered.isEmpty }

    mutating func insert(_ element: [UInt8]) {
        spill()
        gathered.append(element)
    }

    /// (Inlined: most strings have no context, and this is called for each.)
    @inline(__always)
    mutating func insert(contentsOf context: StringContext) {
        if !context.isEmpty { insert(nonEmpty: context) }
    }

    private mutating func insert(nonEmpty context: StringContext) {
        if isEmpty {
            single = context
            return
        }
        spill()
        gathered.append(contentsOf: context.elements)
    }

    /// Moves the single context into `gathered` once a second part arrives.
    private mutating func spill() {
        if let s = single {
            gathered.append(contentsOf: s.elements)
            single = nil
        }
    }

    /// The elements in bytewise order (how CppNix's `std::set<std::string>` lists
    /// them), each once.
    func normalized() -> [[UInt8]] { stringContext.elements }

    /// The context of a string made of the strings gathered.
    var stringContext: StringContext {
        if let single { return single }
        return StringContext.normalizing(gathered)
    }
}

extension StringContext {
    /// The context of `elements` given in any order, with repetitions: sorted
    /// bytewise, each element once.
    static func normalizing(_ elements: [[UInt8]]) -> StringContext {
        if elements.count < 2 { return StringContext(elements: elements) }
        var all = elements.count <= 64 ? withoutRepeatedStorage(elements) : elements
        all.sort(by: bytewiseLess)
        var unique: [[UInt8]] = []
        unique.reserveCapacity(all.count)
        unique.append(all[0])
        for k in 1..<all.count where !sameBytes(all[k], all[k - 1]) { unique.append(all[k]) }
        return StringContext(elements: unique)
    }

    /// `elements` without those whose storage an earlier one shares: most repeated
    /// elements are the very same array, passed on from string to string (each
    /// of a derivation's inputs reaches it through several attributes), and
    /// comparing addresses is cheaper than sorting them. Quadratic, so for few
    /// elements only.
    private static func withoutRepeatedStorage(_ elements: [[UInt8]]) -> [[UInt8]] {
        var distinct: [[UInt8]] = []
        distinct.reserveCapacity(elements.count)
        var addresses: [UnsafeRawPointer?] = []
        addresses.reserveCapacity(elements.count)
        for e in elements {
            let address = e.withUnsafeBytes { $0.baseAddress }
            if address != nil && addresses.contains(address) { continue }
            addresses.append(address)
            distinct.append(e)
        }
        return distinct
    }
}
