/// The string context a builtin gathers from many strings (`derivationStrict` from
/// every attribute, `toJSON` from every string it writes, a path argument from its
/// coercion): elements appended as they come, sorted and made unique once, at the end.
///
/// A hash set hashed every element of every string on the way in, and most elements
/// arrive several times (a derivation's inputs appear in `buildInputs`, in scripts, in
/// other attributes); appending is a retain, and sorting a few dozen store paths with
/// `memcmp` costs less than hashing them once.
struct ContextAccumulator {
    private(set) var elements: [[UInt8]] = []

    var isEmpty: Bool { elements.isEmpty }

    mutating func insert(_ element: [UInt8]) { elements.append(element) }

    mutating func insert(contentsOf context: StringContext) {
        if !context.isEmpty { elements.append(contentsOf: context.elements) }
    }

    /// The elements in bytewise order (how CppNix's `std::set<std::string>` lists
    /// them), each once.
    func normalized() -> [[UInt8]] { stringContext.elements }

    /// The context of a string made of the strings gathered.
    var stringContext: StringContext { StringContext.normalizing(elements) }
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
