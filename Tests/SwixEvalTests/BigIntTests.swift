import Testing
@testable import SwixEval

/// Parses a decimal literal that the tests know to be valid.
private func n(_ text: String) -> NixInt {
    guard let value = NixInteger.parse(Array(text.utf8)) else {
        Issue.record("could not parse \(text)")
        return 0
    }
    return value
}

private let factorial100Digits =
    "93326215443944152681699238856266700490715968264381621468592963895217599993229915608941463976156518286253697920827223758251185210916864000000000000000000000000"

@Suite("BigInt")
struct BigIntTests {
    // MARK: Promotion on overflow

    @Test func multiplicationOverflowPromotes() {
        let r = NixInteger.mul(Int64.max, 2)
        #expect(!r.isSmall)
        #expect(r.description == "18446744073709551614")
        #expect(r == n("18446744073709551614"))
    }

    @Test func additionOverflowPromotes() {
        let r = NixInteger.add(Int64.max, 1)
        #expect(!r.isSmall)
        #expect(r.description == "9223372036854775808")
        let back = NixInteger.sub(r, 1)
        #expect(back.isSmall)
        #expect(back == .small(.max))
    }

    @Test func subtractionOverflowPromotes() {
        let r = NixInteger.sub(Int64.min, 1)
        #expect(!r.isSmall)
        #expect(r.description == "-9223372036854775809")
        #expect(NixInteger.add(r, 1) == .small(.min))
        #expect(NixInteger.add(r, 1).isSmall)
    }

    @Test func minDividedByMinusOnePromotes() throws {
        let r = try NixInteger.div(Int64.min, -1)
        #expect(!r.isSmall)
        #expect(r.description == "9223372036854775808")
        let big = try NixInteger.div(NixInt.small(.min), NixInt.small(-1))
        #expect(big == r)
        #expect(try NixInteger.div(r, .small(-1)) == .small(.min))
        #expect(try NixInteger.div(r, .small(-1)).isSmall)
    }

    @Test func negationPromotesAndNormalises() {
        let r = NixInteger.neg(Int64.min)
        #expect(!r.isSmall)
        #expect(r.description == "9223372036854775808")
        let back = NixInteger.neg(r)
        #expect(back.isSmall)
        #expect(back == .small(.min))
        #expect(NixInteger.neg(Int64(5)) == .small(-5))
        #expect(NixInteger.neg(n("-100000000000000000000000")).description == "100000000000000000000000")
    }

    @Test func fastPathsStaySmall() throws {
        #expect(NixInteger.add(Int64(2), 3) == .small(5))
        #expect(NixInteger.sub(Int64(2), 3) == .small(-1))
        #expect(NixInteger.mul(Int64(-4), 3) == .small(-12))
        #expect(try NixInteger.div(Int64(12), 4) == .small(3))
        #expect(NixInteger.add(NixInt.small(.max - 1), NixInt.small(1)) == .small(.max))
    }

    // MARK: Normalisation

    @Test func normalisesBackToSmall() throws {
        let twoTo63 = NixInteger.mul(NixInt.small(Int64(1) << 62), NixInt.small(2))
        #expect(!twoTo63.isSmall)
        #expect(twoTo63.description == "9223372036854775808")
        let twoTo64 = NixInteger.mul(twoTo63, .small(2))
        #expect(!twoTo64.isSmall)
        let quarter = try NixInteger.div(twoTo64, .small(4))
        #expect(quarter.isSmall)
        #expect(quarter == .small(Int64(1) << 62))
        if case .small(let v) = quarter { #expect(v == 4611686018427387904) }
        let diff = NixInteger.sub(twoTo64, twoTo64)
        #expect(diff == .small(0))
        #expect(diff.isSmall)
        #expect(NixInt(BigInt(42)).isSmall)
        #expect(NixInteger.parse(Array("9223372036854775807".utf8))!.isSmall)
        #expect(NixInteger.parse(Array("-9223372036854775808".utf8))!.isSmall)
        #expect(!NixInteger.parse(Array("9223372036854775808".utf8))!.isSmall)
        #expect(!NixInteger.parse(Array("-9223372036854775809".utf8))!.isSmall)
    }

    // MARK: Division

    @Test func divisionTruncatesTowardZero() throws {
        #expect(try NixInteger.div(Int64(-7), 2) == .small(-3))
        #expect(try NixInteger.div(Int64(7), -2) == .small(-3))
        #expect(try NixInteger.div(Int64(-7), -2) == .small(3))
        #expect(try NixInteger.div(Int64(7), 2) == .small(3))
        // Same on the GMP path.
        let big = n("-100000000000000000000001")  // odd, negative
        #expect(try NixInteger.div(big, .small(2)).description == "-50000000000000000000000")
        #expect(try NixInteger.div(big, .small(-2)).description == "50000000000000000000000")
        #expect(try NixInteger.div(n("7"), n("-100000000000000000000")) == .small(0))
        #expect(try NixInteger.div(n("-7"), n("100000000000000000000")) == .small(0))
    }

    @Test func divisionByZeroThrows() {
        #expect(throws: NixArithmeticError.divisionByZero) { try NixInteger.div(Int64(1), 0) }
        #expect(throws: NixArithmeticError.divisionByZero) { try NixInteger.div(Int64.min, 0) }
        #expect(throws: NixArithmeticError.divisionByZero) {
            try NixInteger.div(n("100000000000000000000000"), .small(0))
        }
        #expect(throws: NixArithmeticError.divisionByZero) {
            try NixInteger.div(NixInt.small(0), NixInt.small(0))
        }
        #expect(NixArithmeticError.divisionByZero.description == "division by zero")
    }

    // MARK: Comparison

    @Test func comparesAcrossRepresentations() {
        let bigPos = n("9223372036854775808")
        let bigNeg = n("-9223372036854775809")
        let hugePos = n("100000000000000000000000000000")
        #expect(NixInt.small(.max) < bigPos)
        #expect(!(bigPos < NixInt.small(.max)))
        #expect(bigNeg < NixInt.small(.min))
        #expect(NixInt.small(0) < bigPos)
        #expect(bigNeg < NixInt.small(0))
        #expect(bigNeg < bigPos)
        #expect(bigPos < hugePos)
        #expect(NixInt.small(.max) != bigPos)
        #expect(bigPos == n("9223372036854775808"))
        #expect(NixInteger.compare(bigPos, .small(1)) == 1)
        #expect(NixInteger.compare(.small(1), bigPos) == -1)
        #expect(NixInteger.compare(hugePos, hugePos) == 0)
        #expect(NixInteger.equal(hugePos, n("100000000000000000000000000000")))
        #expect(NixInteger.lessThan(.small(-1), .small(1)))
        // Un-normalised `.big` still compares and hashes by value.
        let odd = NixInt.big(BigInt(7))
        #expect(odd == .small(7))
        #expect(odd.hashValue == NixInt.small(7).hashValue)
        #expect(Set([bigPos, n("9223372036854775808"), .small(1)]).count == 2)
        let sorted = [hugePos, .small(3), bigNeg, bigPos, .small(-3)].sorted()
        #expect(sorted.map(\.description) == [
            "-9223372036854775809", "-3", "3", "9223372036854775808", "100000000000000000000000000000",
        ])
    }

    // MARK: Bitwise

    @Test func bitwiseOnNegatives() {
        #expect(NixInteger.bitAnd(Int64(-1), 5) == .small(5))
        #expect(NixInteger.bitOr(Int64(-8), 3) == .small(-5))
        #expect(NixInteger.bitXor(Int64(-1), 0) == .small(-1))
        #expect(NixInteger.bitXor(NixInt.small(-6), NixInt.small(3)) == .small(-7))
        #expect(NixInteger.bitAnd(NixInt.small(-6), NixInt.small(-3)) == .small(-8))
        // GMP path: two's complement with infinite sign extension.
        let twoTo64 = n("18446744073709551616")
        let minus2to64 = n("-18446744073709551616")
        #expect(NixInteger.bitAnd(twoTo64, .small(-1)) == twoTo64)
        #expect(NixInteger.bitAnd(minus2to64, .small(-1)) == minus2to64)
        #expect(NixInteger.bitAnd(minus2to64, .small(.max)) == .small(0))
        #expect(NixInteger.bitOr(minus2to64, .small(5)).description == "-18446744073709551611")
        #expect(NixInteger.bitXor(twoTo64, .small(-1)).description == "-18446744073709551617")
        #expect(NixInteger.bitAnd(n("-18446744073709551617"), twoTo64) == .small(0))
        // Results that fit come back small.
        let r = NixInteger.bitAnd(n("18446744073709551621"), .small(0xFF))
        #expect(r.isSmall)
        #expect(r == .small(5))
        let x = NixInteger.bitXor(twoTo64, twoTo64)
        #expect(x.isSmall && x == .small(0))
    }

    // MARK: Parsing and printing

    @Test func hundredDigitRoundTrip() {
        let digits = "1234567890987654321012345678909876543210123456789098765432101234567890987654321012345678909876543210"
        #expect(digits.count == 100)
        let v = n(digits)
        #expect(!v.isSmall)
        #expect(v.description == digits)
        #expect(v.decimalUTF8 == Array(digits.utf8))
        let negative = "-" + digits
        let w = n(negative)
        #expect(w.description == negative)
        #expect(NixInteger.neg(v) == w)
        #expect(NixInteger.add(v, w) == .small(0))
        #expect(BigInt(decimal: Array(digits.utf8))!.description == digits)
        // Leading zeros are accepted and dropped.
        #expect(n("000" + digits).description == digits)
        #expect(n("-0") == .small(0))
    }

    @Test func rejectsMalformedDigits() {
        #expect(NixInteger.parse([UInt8]()) == nil)
        #expect(NixInteger.parse(Array("-".utf8)) == nil)
        #expect(NixInteger.parse(Array("12a".utf8)) == nil)
        #expect(NixInteger.parse(Array("+1".utf8)) == nil)
        #expect(NixInteger.parse(Array("1-2".utf8)) == nil)
        #expect(NixInteger.parse(Array("--1".utf8)) == nil)
        #expect(NixInteger.parse(Array("123456789012345678901234567890x".utf8)) == nil)
        #expect(BigInt(decimal: Array("".utf8)) == nil)
        #expect(BigInt(decimal: Array(" 1".utf8)) == nil)
    }

    @Test func printsSmallValues() {
        for v: Int64 in [0, 7, -7, 10, -10, .max, .min, 1_000_000] {
            #expect(NixInt.small(v).description == String(v))
            #expect(NixInt.small(v).decimalUTF8 == Array(String(v).utf8))
        }
        var out = Array("x=".utf8)
        NixInt.small(-42).appendDecimal(to: &out)
        n("-18446744073709551616").appendDecimal(to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x=-42-18446744073709551616")
    }

    @Test func parsesFromSlices() {
        let text = Array("let x = 123456789012345678901234567890; y = -42".utf8)
        #expect(NixInteger.parse(text[8..<38])?.description == "123456789012345678901234567890")
        #expect(NixInteger.parse(text[44...]) == .small(-42))
    }

    // MARK: Huge values

    @Test func factorial100() throws {
        var acc: NixInt = 1
        for i in Int64(1)...100 { acc = NixInteger.mul(acc, .small(i)) }
        #expect(acc.description == factorial100Digits)
        #expect(acc == n(factorial100Digits))
        // And back down again to 1.
        for i in Int64(1)...100 { acc = try NixInteger.div(acc, .small(i)) }
        #expect(acc == .small(1))
        #expect(acc.isSmall)
    }

    @Test func hugeProducts() {
        let a = n("123456789012345678901234567890")
        let sq = NixInteger.mul(a, a)
        #expect(sq.description == "15241578753238836750495351562536198787501905199875019052100")
        let same = NixInteger.mul(a, a)  // same object as both operands
        #expect(same == sq)
        #expect(NixInteger.add(a, a).description == "246913578024691357802469135780")
        #expect(NixInteger.sub(a, a) == .small(0))
    }

    // MARK: Doubles

    @Test func conversionToDouble() {
        #expect(NixInt.small(3).doubleValue == 3.0)
        #expect(NixInt.small(-3).doubleValue == -3.0)
        #expect(NixInteger.toDouble(n("18446744073709551616")) == 18446744073709551616.0)
        #expect(NixInteger.toDouble(n("-9223372036854775809")) == -9223372036854775808.0)
        // Correct rounding: 2^53 + 1 is exactly halfway; ties to even gives 2^53.
        #expect(n("9007199254740993").doubleValue == 9007199254740992.0)
        // 2^64 + 2^11 + 1 lies just above the halfway point between 2^64 and the next double
        // (2^64 + 2^12) and rounds up; truncation (plain mpz_get_d) would give 2^64.
        #expect(n("18446744073709553665").doubleValue == 18446744073709555712.0)
        #expect(NixInteger.toDouble(n("1" + String(repeating: "0", count: 400))) == .infinity)
        let f = NixInteger.toDouble(n(factorial100Digits))
        #expect(abs(f / 9.33262154439441e157 - 1) < 1e-14)
    }

    @Test func truncatingDoubles() {
        #expect(NixInteger.truncating(3.7) == .small(3))
        #expect(NixInteger.truncating(-3.7) == .small(-3))
        #expect(NixInteger.truncating(-9223372036854775808.0) == .small(.min))
        #expect(NixInteger.truncating(9223372036854775808.0)?.description == "9223372036854775808")
        #expect(NixInteger.truncating(1e20)?.description == "100000000000000000000")
        #expect(NixInteger.truncating(.nan) == nil)
        #expect(NixInteger.truncating(.infinity) == nil)
    }
}
