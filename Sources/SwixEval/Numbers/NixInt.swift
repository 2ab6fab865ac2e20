// Nix integers: `Int64` while the value fits, GMP-backed `BigInt` beyond.
//
// The fast paths (small op small without overflow) are `@inlinable` and allocation-free: an
// addition is an `add` + `jo` in the caller. Everything involving GMP sits behind
// `@inline(never)` functions so that it does not bloat the evaluator's hot loops.
//
// Invariant: `.big` never holds a value that fits in `Int64`. Results of every operation
// here are normalised; build a `NixInt` from a `BigInt` with `NixInt(_:)`, which
// normalises too. (Comparison and equality are nevertheless correct for un-normalised
// values.)

public enum NixInt: Sendable {
    case small(Int64)
    /// Always outside the `Int64` range (see the invariant above).
    case big(BigInt)

    /// Normalising initialiser: `.small` when the value fits in `Int64`.
    @inlinable public init(_ value: BigInt) {
        if let small = value.int64Value { self = .small(small) } else { self = .big(value) }
    }

    @inlinable @inline(__always) public init(_ value: Int64) { self = .small(value) }

    /// The value as an `Int64`, if it fits.
    @inlinable public var int64Value: Int64? {
        switch self {
        case .small(let v): return v
        case .big(let b): return b.int64Value
        }
    }

    @inlinable public var isSmall: Bool {
        if case .small = self { return true }
        return false
    }

    /// The value as a `BigInt` (allocates for `.small`).
    @inlinable public var bigValue: BigInt {
        switch self {
        case .small(let v): return BigInt(v)
        case .big(let b): return b
        }
    }

    /// -1, 0 or 1.
    @inlinable public var signum: Int {
        switch self {
        case .small(let v): return v < 0 ? -1 : (v > 0 ? 1 : 0)
        case .big(let b): return b.signum
        }
    }

    /// The nearest `Double` (for mixed int/float arithmetic).
    @inlinable public var doubleValue: Double {
        switch self {
        case .small(let v): return Double(v)
        case .big(let b): return b.doubleValue
        }
    }
}

/// Integer arithmetic errors. The evaluator turns these into Nix's messages.
public enum NixArithmeticError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    case divisionByZero

    public var description: String {
        switch self {
        case .divisionByZero: return "division by zero"
        }
    }
}

/// Arithmetic on Nix integers. Nothing here traps: overflow promotes to `BigInt`, results
/// that fit come back as `.small`, division by zero throws.
public enum NixInteger {
    // MARK: Int64 × Int64 (the fast paths)

    @inlinable @inline(__always)
    public static func add(_ a: Int64, _ b: Int64) -> NixInt {
        let (r, overflow) = a.addingReportingOverflow(b)
        if _fastPath(!overflow) { return .small(r) }
        return addOverflow(a, b)
    }

    @inlinable @inline(__always)
    public static func sub(_ a: Int64, _ b: Int64) -> NixInt {
        let (r, overflow) = a.subtractingReportingOverflow(b)
        if _fastPath(!overflow) { return .small(r) }
        return subOverflow(a, b)
    }

    @inlinable @inline(__always)
    public static func mul(_ a: Int64, _ b: Int64) -> NixInt {
        let (r, overflow) = a.multipliedReportingOverflow(by: b)
        if _fastPath(!overflow) { return .small(r) }
        return mulOverflow(a, b)
    }

    /// Quotient truncated toward zero (`-7 / 2 == -3`), like Nix.
    @inlinable @inline(__always)
    public static func div(_ a: Int64, _ b: Int64) throws(NixArithmeticError) -> NixInt {
        if _slowPath(b == 0) { throw .divisionByZero }
        if _slowPath(b == -1) { return neg(a) }  // Int64.min / -1 does not fit
        return .small(a / b)
    }

    @inlinable @inline(__always)
    public static func neg(_ a: Int64) -> NixInt {
        if _fastPath(a != .min) { return .small(-a) }
        return negOverflow(a)
    }

    @inlinable @inline(__always)
    public static func bitAnd(_ a: Int64, _ b: Int64) -> NixInt { .small(a & b) }
    @inlinable @inline(__always)
    public static func bitOr(_ a: Int64, _ b: Int64) -> NixInt { .small(a | b) }
    @inlinable @inline(__always)
    public static func bitXor(_ a: Int64, _ b: Int64) -> NixInt { .small(a ^ b) }

    @usableFromInline @inline(never)
    static func addOverflow(_ a: Int64, _ b: Int64) -> NixInt { .big(BigInt(a).adding(BigInt(b))) }
    @usableFromInline @inline(never)
    static func subOverflow(_ a: Int64, _ b: Int64) -> NixInt { .big(BigInt(a).subtracting(BigInt(b))) }
    @usableFromInline @inline(never)
    static func mulOverflow(_ a: Int64, _ b: Int64) -> NixInt { .big(BigInt(a).multiplying(BigInt(b))) }
    @usableFromInline @inline(never)
    static func negOverflow(_ a: Int64) -> NixInt { .big(BigInt(a).negated()) }

    // MARK: NixInt × NixInt

    @inlinable @inline(__always)
    public static func add(_ a: NixInt, _ b: NixInt) -> NixInt {
        if case .small(let x) = a, case .small(let y) = b { return add(x, y) }
        return bigAdd(a, b)
    }

    @inlinable @inline(__always)
    public static func sub(_ a: NixInt, _ b: NixInt) -> NixInt {
        if case .small(let x) = a, case .small(let y) = b { return sub(x, y) }
        return bigSub(a, b)
    }

    @inlinable @inline(__always)
    public static func mul(_ a: NixInt, _ b: NixInt) -> NixInt {
        if case .small(let x) = a, case .small(let y) = b { return mul(x, y) }
        return bigMul(a, b)
    }

    /// Quotient truncated toward zero, like Nix.
    @inlinable @inline(__always)
    public static func div(_ a: NixInt, _ b: NixInt) throws(NixArithmeticError) -> NixInt {
        if case .small(let x) = a, case .small(let y) = b { return try div(x, y) }
        return try bigDiv(a, b)
    }

    @inlinable @inline(__always)
    public static func neg(_ a: NixInt) -> NixInt {
        switch a {
        case .small(let x): return neg(x)
        case .big(let b): return bigNeg(b)
        }
    }

    /// `builtins.bitAnd`, with two's-complement semantics for negative values.
    @inlinable @inline(__always)
    public static func bitAnd(_ a: NixInt, _ b: NixInt) -> NixInt {
        if case .small(let x) = a, case .small(let y) = b { return .small(x & y) }
        return bigAnd(a, b)
    }

    /// `builtins.bitOr`, with two's-complement semantics for negative values.
    @inlinable @inline(__always)
    public static func bitOr(_ a: NixInt, _ b: NixInt) -> NixInt {
        if case .small(let x) = a, case .small(let y) = b { return .small(x | y) }
        return bigOr(a, b)
    }

    /// `builtins.bitXor`, with two's-complement semantics for negative values.
    @inlinable @inline(__always)
    public static func bitXor(_ a: NixInt, _ b: NixInt) -> NixInt {
        if case .small(let x) = a, case .small(let y) = b { return .small(x ^ y) }
        return bigXor(a, b)
    }

    @usableFromInline @inline(never)
    static func bigAdd(_ a: NixInt, _ b: NixInt) -> NixInt { NixInt(a.bigValue.adding(b.bigValue)) }
    @usableFromInline @inline(never)
    static func bigSub(_ a: NixInt, _ b: NixInt) -> NixInt { NixInt(a.bigValue.subtracting(b.bigValue)) }
    @usableFromInline @inline(never)
    static func bigMul(_ a: NixInt, _ b: NixInt) -> NixInt { NixInt(a.bigValue.multiplying(b.bigValue)) }
    @usableFromInline @inline(never)
    static func bigDiv(_ a: NixInt, _ b: NixInt) throws(NixArithmeticError) -> NixInt {
        if b.signum == 0 { throw .divisionByZero }
        return NixInt(a.bigValue.dividing(b.bigValue))
    }
    @usableFromInline @inline(never)
    static func bigNeg(_ a: BigInt) -> NixInt { NixInt(a.negated()) }
    @usableFromInline @inline(never)
    static func bigAnd(_ a: NixInt, _ b: NixInt) -> NixInt { NixInt(a.bigValue.and(b.bigValue)) }
    @usableFromInline @inline(never)
    static func bigOr(_ a: NixInt, _ b: NixInt) -> NixInt { NixInt(a.bigValue.or(b.bigValue)) }
    @usableFromInline @inline(never)
    static func bigXor(_ a: NixInt, _ b: NixInt) -> NixInt { NixInt(a.bigValue.xor(b.bigValue)) }

    // MARK: Comparison

    /// -1, 0 or 1 as `a` is less than, equal to or greater than `b`.
    @inlinable @inline(__always)
    public static func compare(_ a: NixInt, _ b: NixInt) -> Int {
        if case .small(let x) = a, case .small(let y) = b { return x < y ? -1 : (x > y ? 1 : 0) }
        return bigCompare(a, b)
    }

    @inlinable @inline(__always)
    public static func lessThan(_ a: NixInt, _ b: NixInt) -> Bool {
        if case .small(let x) = a, case .small(let y) = b { return x < y }
        return bigCompare(a, b) < 0
    }

    @inlinable @inline(__always)
    public static func equal(_ a: NixInt, _ b: NixInt) -> Bool {
        if case .small(let x) = a, case .small(let y) = b { return x == y }
        return bigCompare(a, b) == 0
    }

    @usableFromInline @inline(never)
    static func bigCompare(_ a: NixInt, _ b: NixInt) -> Int {
        switch (a, b) {
        case let (.small(x), .small(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.big(x), .small(y)): return x.compare(y)
        case let (.small(x), .big(y)): return -y.compare(x)
        case let (.big(x), .big(y)): return x.compare(y)
        }
    }

    // MARK: Conversions

    /// The nearest `Double` (for mixed int/float arithmetic).
    @inlinable @inline(__always)
    public static func toDouble(_ a: NixInt) -> Double { a.doubleValue }

    /// The integral part of `value` (truncated toward zero), exactly; nil for NaN and ±inf.
    /// Meant for `builtins.floor`/`ceil` after rounding the float.
    @inlinable
    public static func truncating(_ value: Double) -> NixInt? {
        // [-2^63, 2^63) converts without trapping.
        if value >= -9223372036854775808.0 && value < 9223372036854775808.0 {
            return .small(Int64(value))
        }
        return truncatingSlow(value)
    }

    @usableFromInline @inline(never)
    static func truncatingSlow(_ value: Double) -> NixInt? {
        guard let b = BigInt(truncating: value) else { return nil }
        return NixInt(b)
    }

    /// Parses decimal digits with an optional leading `-`; nil for empty input, a lone `-`
    /// or any other byte. Values beyond `Int64` come back as `.big`.
    @inlinable
    public static func parse<C: Collection>(_ digits: C) -> NixInt? where C.Element == UInt8 {
        var negative = false
        var index = digits.startIndex
        if index != digits.endIndex && digits[index] == UInt8(ascii: "-") {
            negative = true
            digits.formIndex(after: &index)
        }
        if index == digits.endIndex { return nil }
        // Accumulate on the negative side, which holds Int64.min.
        var acc: Int64 = 0
        while index != digits.endIndex {
            let d = digits[index] &- UInt8(ascii: "0")
            if d > 9 { return nil }
            let (m, o1) = acc.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(Int64(d))
            if _slowPath(o1 || o2) { return parseSlow(Array(digits)) }
            acc = s
            digits.formIndex(after: &index)
        }
        if negative { return .small(acc) }
        if _slowPath(acc == .min) { return parseSlow(Array(digits)) }
        return .small(-acc)
    }

    @usableFromInline @inline(never)
    static func parseSlow(_ digits: [UInt8]) -> NixInt? {
        guard let b = BigInt(decimal: digits) else { return nil }
        return NixInt(b)
    }
}

// MARK: Protocol conformances

extension NixInt: Equatable, Hashable, Comparable {
    @inlinable public static func == (lhs: NixInt, rhs: NixInt) -> Bool { NixInteger.equal(lhs, rhs) }
    @inlinable public static func < (lhs: NixInt, rhs: NixInt) -> Bool { NixInteger.lessThan(lhs, rhs) }

    public func hash(into hasher: inout Hasher) {
        // Equal values hash alike even if a `.big` was built without normalising.
        if let v = int64Value { hasher.combine(v) } else { hasher.combine(bigValue) }
    }
}

extension NixInt: ExpressibleByIntegerLiteral {
    @inlinable public init(integerLiteral value: Int64) { self = .small(value) }
}

extension NixInt: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        switch self {
        case .small(let v): return String(v)
        case .big(let b): return b.description
        }
    }

    public var debugDescription: String {
        switch self {
        case .small(let v): return "NixInt.small(\(v))"
        case .big(let b): return "NixInt.big(\(b))"
        }
    }

    /// Decimal digits, with a leading `-` for negative values.
    public var decimalUTF8: [UInt8] {
        var out = [UInt8]()
        appendDecimal(to: &out)
        return out
    }

    /// Appends the decimal digits (with a leading `-` for negative values) to `out`.
    public func appendDecimal(to out: inout [UInt8]) {
        switch self {
        case .small(let v):
            if v < 0 { out.append(UInt8(ascii: "-")) }
            var magnitude = v.magnitude
            // 20 digits hold UInt64.max; write them backwards into a fixed buffer.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
                var i = 20
                repeat {
                    i -= 1
                    buffer[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                    magnitude /= 10
                } while magnitude != 0
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i...]))
            }
        case .big(let b):
            out.append(contentsOf: b.decimalUTF8)
        }
    }
}
