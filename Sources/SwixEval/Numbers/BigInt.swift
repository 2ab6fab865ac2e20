// Arbitrary-precision integers on top of GMP.
//
// `BigInt` wraps one `__mpz_struct`. Values are immutable once built: every operation makes
// a fresh result object. That means a `BigInt` can be shared freely (including across
// threads), and two read-only operands may be the same object (`x + x`).
//
// GMP's `mpz_*` names are C macros that Swift cannot see, so the `__gmpz_*` functions they
// expand to are called directly. Macro-only helpers (`mpz_sgn`) are written out by reading
// `_mp_size`.

import CGMP

public final class BigInt: @unchecked Sendable {
    /// The GMP value. Written only while the object is being built (before it is shared).
    @usableFromInline var storage: __mpz_struct

    /// Zero.
    @usableFromInline init() {
        storage = __mpz_struct()
        __gmpz_init(&storage)
    }

    public init(_ value: Int64) {
        storage = __mpz_struct()
        #if _pointerBitWidth(_64) && !os(Windows)
        __gmpz_init_set_si(&storage, CLong(value))
        #else
        // `long` is narrower than 64 bits here: build it from decimal digits instead.
        __gmpz_init(&storage)
        _ = String(value).withCString { __gmpz_set_str(&storage, $0, 10) }
        #endif
    }

    /// Parses decimal digits with an optional leading `-`. Returns nil for anything else
    /// (empty input, a lone `-`, other characters).
    public convenience init?(decimal digits: some Collection<UInt8>) {
        var bytes = [CChar]()
        bytes.reserveCapacity(digits.count + 1)
        var sawDigit = false
        var first = true
        for byte in digits {
            if first && byte == UInt8(ascii: "-") {
                first = false
                bytes.append(CChar(bitPattern: byte))
                continue
            }
            first = false
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            sawDigit = true
            bytes.append(CChar(bitPattern: byte))
        }
        guard sawDigit else { return nil }
        bytes.append(0)
        self.init()
        let status = bytes.withUnsafeBufferPointer { __gmpz_set_str(&storage, $0.baseAddress, 10) }
        if status != 0 { return nil }
    }

    /// Exact value of the integral part of `value` (truncated toward zero); nil for NaN and
    /// the infinities.
    public convenience init?(truncating value: Double) {
        guard value.isFinite else { return nil }
        self.init()
        __gmpz_set_d(&storage, value)
    }

    deinit {
        __gmpz_clear(&storage)
    }

    /// -1, 0 or 1.
    @inlinable public var signum: Int {
        let size = storage._mp_size
        return size < 0 ? -1 : (size > 0 ? 1 : 0)
    }

    /// The value as an `Int64`, if it fits.
    public var int64Value: Int64? {
        #if _pointerBitWidth(_64) && !os(Windows)
        guard __gmpz_fits_slong_p(&storage) != 0 else { return nil }
        return Int64(__gmpz_get_si(&storage))
        #else
        return Int64(description)
        #endif
    }

    /// The nearest `Double` (correctly rounded; ±infinity beyond the `Double` range).
    public var doubleValue: Double {
        // `mpz_get_d` truncates; the value is exact when it has at most 53 significant bits.
        if __gmpz_sizeinbase(&storage, 2) <= 53 { return __gmpz_get_d(&storage) }
        // Correct rounding through the (correctly rounding) decimal parser. Rare and slow.
        return Double(description) ?? (signum < 0 ? -.infinity : .infinity)
    }

    /// Decimal digits, with a leading `-` for negative values.
    public var decimalUTF8: [UInt8] {
        // sizeinbase may overshoot by one; +2 for the sign and the terminating NUL.
        let capacity = Int(__gmpz_sizeinbase(&storage, 10)) + 2
        var buffer = [UInt8](repeating: 0, count: capacity)
        let length: Int = buffer.withUnsafeMutableBufferPointer { raw in
            _ = raw.withMemoryRebound(to: CChar.self) { chars in
                __gmpz_get_str(chars.baseAddress, 10, &storage)
            }
            return raw.firstIndex(of: 0) ?? raw.count
        }
        buffer.removeLast(capacity - length)
        return buffer
    }

    /// -1, 0 or 1 as `self` is less than, equal to or greater than `other`.
    public func compare(_ other: BigInt) -> Int {
        let c = __gmpz_cmp(&storage, &other.storage)
        return c < 0 ? -1 : (c > 0 ? 1 : 0)
    }

    /// -1, 0 or 1 as `self` is less than, equal to or greater than `other`.
    public func compare(_ other: Int64) -> Int {
        #if _pointerBitWidth(_64) && !os(Windows)
        let c = __gmpz_cmp_si(&storage, CLong(other))
        return c < 0 ? -1 : (c > 0 ? 1 : 0)
        #else
        return compare(BigInt(other))
        #endif
    }

    // MARK: Operations (each returns a new object)

    @usableFromInline typealias Binary =
        (UnsafeMutablePointer<__mpz_struct>, UnsafePointer<__mpz_struct>, UnsafePointer<__mpz_struct>) -> Void

    @usableFromInline func apply(_ other: BigInt, _ op: Binary) -> BigInt {
        let result = BigInt()
        op(&result.storage, &storage, &other.storage)
        return result
    }

    @usableFromInline func adding(_ other: BigInt) -> BigInt { apply(other) { __gmpz_add($0, $1, $2) } }
    @usableFromInline func subtracting(_ other: BigInt) -> BigInt { apply(other) { __gmpz_sub($0, $1, $2) } }
    @usableFromInline func multiplying(_ other: BigInt) -> BigInt { apply(other) { __gmpz_mul($0, $1, $2) } }
    /// Quotient truncated toward zero. The caller checks for a zero divisor.
    @usableFromInline func dividing(_ other: BigInt) -> BigInt {
        precondition(other.signum != 0, "BigInt division by zero")
        return apply(other) { __gmpz_tdiv_q($0, $1, $2) }
    }
    @usableFromInline func and(_ other: BigInt) -> BigInt { apply(other) { __gmpz_and($0, $1, $2) } }
    @usableFromInline func or(_ other: BigInt) -> BigInt { apply(other) { __gmpz_ior($0, $1, $2) } }
    @usableFromInline func xor(_ other: BigInt) -> BigInt { apply(other) { __gmpz_xor($0, $1, $2) } }

    @usableFromInline func negated() -> BigInt {
        let result = BigInt()
        __gmpz_neg(&result.storage, &storage)
        return result
    }
}

extension BigInt: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { String(decoding: decimalUTF8, as: UTF8.self) }
    public var debugDescription: String { "BigInt(\(description))" }
}

extension BigInt: Equatable, Hashable, Comparable {
    public static func == (lhs: BigInt, rhs: BigInt) -> Bool { lhs === rhs || lhs.compare(rhs) == 0 }
    public static func < (lhs: BigInt, rhs: BigInt) -> Bool { lhs.compare(rhs) < 0 }

    public func hash(into hasher: inout Hasher) {
        // Canonical: GMP keeps no leading zero limbs, so equal values have equal limbs.
        let size = storage._mp_size
        hasher.combine(size)
        if let limbs = storage._mp_d {
            for i in 0..<Int(size.magnitude) { hasher.combine(limbs[i]) }
        }
    }
}
