// Serialisation builtins: `toJSON`, `fromJSON`, `fromTOML`, `toXML`, and the XML
// printer behind `nix-instantiate --eval --xml`.
//
// CppNix builds these on nlohmann::json (JSON text: Grisu2 floats, its escaping and its
// error messages) and toml11 4.x (TOML 1.0.0). Both are reimplemented here so that the
// output and the messages come out the same.

#if canImport(Glibc)
import Glibc
#endif
import SwixSyntax
import CGMP

extension Builtins {
    static func serialization() -> [PrimOp] {
        [
            PrimOp("__toJSON", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                var printer = JSONPrinter(ev)
                try printer.value(a[0], .none, copyToStore: true)
                return .string(try printer.result())
            },
            PrimOp("__fromJSON", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let text = try ev.forceStringNoContext(a[0], .none, "while evaluating the first argument passed to builtins.fromJSON")
                if let i = JSONParser.plainInteger(text) { return .int(i) }
                var parser = JSONParser(ev, text)
                return try parser.parse()
            },
            PrimOp("fromTOML", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let text = try ev.forceStringNoContext(a[0], .none, "while evaluating the argument passed to builtins.fromTOML")
                return try TOMLDecoder.decode(ev, text)
            },
            PrimOp("__toXML", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                var printer = XMLPrinter(ev, strict: true, location: false)
                try printer.document(a[0])
                return .string(NixString(printer.out, context: printer.context.stringContext))
            },
        ]
    }
}

extension Evaluator {
    /// The XML document `nix-instantiate --eval --xml` prints (`--no-location` is
    /// `location: false`). With `strict` (`--strict`) values are forced as they are
    /// printed; without it, what is not yet evaluated prints as `<unevaluated />`.
    public func xmlString(_ v: Value, location: Bool, strict: Bool = true) throws(EvalError) -> String {
        var printer = XMLPrinter(self, strict: strict, location: location)
        try printer.document(v)
        return String(decoding: printer.out, as: UTF8.self)
    }

    /// The JSON text `nix-instantiate --eval --json` prints (without the final newline).
    /// Without `strict`, values are not forced: one not yet evaluated is an error
    /// ("cannot convert a thunk to JSON"), as in CppNix.
    public func jsonString(_ v: Value, strict: Bool = true) throws(EvalError) -> String {
        var printer = JSONPrinter(self, strict: strict)
        try printer.value(v, .none, copyToStore: true)
        return String(decoding: try printer.result().bytes, as: UTF8.self)
    }

    /// How Nix names a function value in messages (`showType`).
    fileprivate func functionDescription(_ v: Value) -> String {
        switch v {
        case .primop(let p): return "the built-in function '\(p.displayName)'"
        case .primopApp(let app): return "the partially applied built-in function '\(app.primop.displayName)'"
        default: return v.typeDescription
        }
    }
}

/// `input string '…' cannot be represented as Nix string because it contains null bytes`
/// What a UTF-8 lead byte (0x80 and above) announces: how many continuation
/// bytes follow, and the range the first of them must lie in (the others are
/// 0x80...0xBF); nil for a byte that cannot start a character. Shared by the JSON
/// writer's and the TOML reader's UTF-8 checks.
struct UTF8Lead {
    let continuations: Int
    let low: UInt8, high: UInt8

    init?(_ c: UInt8) {
        switch c {
        case 0xC2...0xDF: (continuations, low, high) = (1, 0x80, 0xBF)
        case 0xE0: (continuations, low, high) = (2, 0xA0, 0xBF)
        case 0xED: (continuations, low, high) = (2, 0x80, 0x9F)
        case 0xE1...0xEF: (continuations, low, high) = (2, 0x80, 0xBF)
        case 0xF0: (continuations, low, high) = (3, 0x90, 0xBF)
        case 0xF1...0xF3: (continuations, low, high) = (3, 0x80, 0xBF)
        case 0xF4: (continuations, low, high) = (3, 0x80, 0x8F)
        default: return nil
        }
    }
}

private func nullByteMessage(_ bytes: [UInt8]) -> String? {
    bytes.withUnsafeBufferPointer { nullByteMessage($0) }
}

private func nullByteMessage(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    guard bytes.count > 0, memchr(bytes.baseAddress!, 0, bytes.count) != nil else { return nil }
    var shown: [UInt8] = []
    for b in bytes {
        if b == 0 { shown.append(contentsOf: [0xE2, 0x90, 0x80]) } else { shown.append(b) }
    }
    return "input string '\(String(decoding: shown, as: UTF8.self))' cannot be represented as Nix string because it contains null bytes"
}

/// The set of `entries` in the order they were read, the last of equal names
/// kept (nlohmann's object keeps the last). The order is computed once per
/// sequence of names (`orders`).
private func attrsKeepingLast(_ b: UnsafeBufferPointer<Attr>, _ orders: inout AttributeOrderCache) -> Attrs {
    if b.count <= 1 { return Attrs.make(b) }
    let order = orders.order(of: b) {
        var ascending = true
        for k in 1..<b.count where !(b[k - 1].name < b[k].name) {
            ascending = false
            break
        }
        if ascending { return [] }
        let sorted = b.indices.sorted { b[$0].name != b[$1].name ? b[$0].name < b[$1].name : $0 < $1 }
        // Of equal names the last one read: it comes last among them.
        var keep: [Int] = []
        for i in sorted {
            if let last = keep.last, b[last].name == b[i].name { keep[keep.count - 1] = i } else { keep.append(i) }
        }
        return keep
    }
    // An empty order: the names arrived sorted, without duplicates.
    if order.isEmpty { return Attrs.make(b) }
    return Attrs.build(count: order.count) { out in
        for (k, i) in order.enumerated() { (out + k).initialize(to: b[i]) }
    }
}

// MARK: - toJSON

/// An order of attributes computed from their names alone, looked up by the
/// sequence of names. The objects of one JSON document mostly come in a few
/// shapes (the records of a list), so `toJSON`'s key order and `fromJSON`'s
/// sorted order are computed once per shape, not once per object.
/// Direct-mapped: a shape's slot is chosen by a hash of its symbols and holds
/// the last shape that hashed there.
struct AttributeOrderCache {
    private var shapes: [[Symbol]] = []
    private var orders: [[Int]] = []
    private static let slots = 32

    /// The order `compute` gives for `attrs`, from the cache when this sequence of
    /// names was seen last in its slot.
    mutating func order(of attrs: UnsafeBufferPointer<Attr>, _ compute: () -> [Int]) -> [Int] {
        if shapes.isEmpty {
            shapes = [[Symbol]](repeating: [], count: Self.slots)
            orders = [[Int]](repeating: [], count: Self.slots)
        }
        var h = UInt32(truncatingIfNeeded: attrs.count)
        for a in attrs { h = (h &* 31) &+ a.name.id }
        let slot = Int((h &* 2654435761) >> 27)
        if shapes[slot].count == attrs.count, shapes[slot].withUnsafeBufferPointer({ s in
            for k in 0..<attrs.count where s[k] != attrs[k].name { return false }
            return true
        }) {
            return orders[slot]
        }
        let order = compute()
        shapes[slot] = attrs.map(\.name)
        orders[slot] = order
        return order
    }
}

/// Evaluates a value and writes it as JSON text, the way `printValueAsJSON` and then
/// nlohmann's `dump` do. Serialisation errors (invalid UTF-8) come after evaluation,
/// as in CppNix where the whole JSON tree is built before it is written.
private struct JSONPrinter {
    let ev: Evaluator
    /// Force values as they are reached (`builtins.toJSON`, `--strict`).
    let strict: Bool
    /// The text so far (a raw buffer: appending to an array checked its
    /// uniqueness and capacity through the generic path for every piece).
    let out = ByteBuffer(capacity: 256)
    var context = ContextAccumulator()
    var serializationError: String?
    var keyOrders = AttributeOrderCache()

    init(_ ev: Evaluator, strict: Bool = true) {
        self.ev = ev
        self.strict = strict
    }

    func result() throws(EvalError) -> NixString {
        if let message = serializationError {
            throw EvalError("JSON serialization error: \(message)")
        }
        return NixString(out.bytes, context: context.stringContext)
    }

    mutating func value(_ v: Value, _ pos: Pos, copyToStore: Bool) throws(EvalError) {
        try ev.enterNested(pos)
        defer { ev.callDepth -= 1 }
        var w = v
        if strict {
            w = try ev.force(v, pos)
        } else if case .thunk(let t) = v, t.state == .done {
            w = t.value
        }
        switch w {
        case .null:
            appendLiteral("null")
        case .bool(let b):
            appendLiteral(b ? "true" : "false")
        case .int(let i):
            appendDecimal(i, to: out)
        case .bigInt(let b):
            out.append(contentsOf: b.decimalUTF8)
        case .float(let d):
            var text: [UInt8] = []
            JSONFloat.write(d, into: &text)
            out.append(contentsOf: text)
        case .string(let s):
            context.insert(contentsOf: s.context)
            string(s.bytes)
        case .path(let p):
            if copyToStore {
                // Copied to the store (with a store that cannot be written, only the
                // store path is computed).
                let storePath = Array(try ev.copyPathToStorePath(p.bytes, pos).utf8)
                context.insert(storePath)
                string(storePath)
            } else {
                string(p.bytes)
            }
        case .list(let l):
            out.append(91)
            for (i, e) in l.elements.enumerated() {
                if i > 0 { out.append(44) }
                do {
                    try value(e, pos, copyToStore: copyToStore)
                } catch {
                    throw error.addTrace("while evaluating list element at index \(i)", at: pos)
                }
            }
            out.append(93)
        case .attrs:
            try attrs(w, pos, copyToStore: copyToStore)
        case .lambda(let c):
            throw EvalError("cannot convert \(ev.functionDescription(w)) to JSON", at: c.lambda.pos, kind: .typeError)
        case .primop, .primopApp:
            throw EvalError("cannot convert \(ev.functionDescription(w)) to JSON", at: pos, kind: .typeError)
        case .thunk, .unevaluatedBinding, .bindingUnderEvaluation:
            throw EvalError("cannot convert a thunk to JSON", at: pos, kind: .typeError)
        }
    }

    /// A set: `__toString` and `outPath` are peeled off first (`peelToStringOutPath`
    /// with the `__toString` result checked); what remains is written, a set as an object.
    mutating func attrs(_ start: Value, _ pos: Pos, copyToStore: Bool) throws(EvalError) {
        // Frames to add to an error raised further in, innermost last.
        var frames: [(String, Pos)] = []
        var levels = 0
        defer { ev.callDepth -= levels }
        func fail(_ error: EvalError) -> EvalError {
            for (message, at) in frames.reversed() { error.addTrace(message, at: at) }
            return error
        }
        var current = start
        var peelPos = pos
        var cameThroughToString = false
        while true {
            guard case .attrs(let a) = current else {
                if cameThroughToString {
                    switch current {
                    case .string, .path: break
                    default:
                        throw fail(EvalError("`__toString` should return a string, but got \(current.typeDescription): \(ValuePrinter(ev).brief(current))",
                                             at: peelPos, kind: .typeError))
                    }
                }
                do {
                    try value(current, pos, copyToStore: copyToStore && !cameThroughToString)
                } catch {
                    throw fail(error)
                }
                return
            }
            if let f = a.attr(ev.sToString) {
                let result: Value
                do {
                    result = try ev.force(try ev.call(try ev.force(f.value, f.pos), current, f.pos), f.pos)
                } catch {
                    throw fail(error.addTrace("while calling the `__toString` attribute", at: f.pos))
                }
                cameThroughToString = true
                do { try ev.enterNested(peelPos) } catch { throw fail(error) }
                levels += 1
                frames.append(("while using the result of the `__toString` attribute", f.pos))
                current = result
                peelPos = f.pos
                continue
            }
            if let o = a.attr(ev.sOutPath) {
                let forced: Value
                do {
                    forced = try ev.force(o.value, o.pos)
                } catch {
                    throw fail(error.addTrace("while evaluating the `outPath` attribute", at: o.pos))
                }
                do { try ev.enterNested(peelPos) } catch { throw fail(error) }
                levels += 1
                frames.append(("while using the `outPath` attribute", o.pos))
                current = forced
                peelPos = o.pos
                continue
            }
            if cameThroughToString {
                throw fail(EvalError("`__toString` must return a string, but got a set: \(ValuePrinter(ev).print(current))",
                                     at: peelPos, kind: .typeError))
            }
            do {
                try object(a, copyToStore: copyToStore)
            } catch {
                throw fail(error)
            }
            return
        }
    }

    /// Appends an ASCII literal (no array made for it).
    @inline(__always)
    mutating func appendLiteral(_ text: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func object(_ a: Attrs, copyToStore: Bool) throws(EvalError) {
        out.append(123)
        // Keys in byte order. The positions are sorted, not the attributes: moving
        // an `Attr` copies its value (a retain and a release per move).
        let attrs = a.attrs
        let symbols = ev.symbols
        let order = attrs.withUnsafeBufferPointer { b in
            keyOrders.order(of: b) {
                // Compared through the storage: `attrs[k].name` copies the attribute.
                symbols.lexicographicOrder(count: b.count) { b[$0].name }
            }
        }
        for (i, k) in order.enumerated() {
            if i > 0 { out.append(44) }
            ev.symbols.withBytes(attrs[k].name) { string($0) }
            out.append(58)
            do {
                try value(attrs[k].value, attrs[k].pos, copyToStore: copyToStore)
            } catch {
                throw error.addTrace("while evaluating attribute '\(ev.symbols[attrs[k].name])'", at: attrs[k].pos)
            }
        }
        out.append(125)
    }

    /// A JSON string as nlohmann writes it (`ensure_ascii` off, strict UTF-8 checking).
    mutating func string(_ s: [UInt8]) {
        s.withUnsafeBufferPointer { string($0) }
    }

    mutating func string(_ s: UnsafeBufferPointer<UInt8>) {
        out.append(34)
        // Most strings are plain ASCII without quotes or backslashes: copied whole.
        if !s.contains(where: { $0 < 0x20 || $0 > 0x7F || $0 == 0x22 || $0 == 0x5C }) {
            out.append(contentsOf: s)
            out.append(34)
            return
        }
        // Every byte but the ones to escape is copied as it is, in runs; UTF-8 is
        // only checked on the side (an invalid byte is copied too, and reported).
        var need = 0            // continuation bytes still expected
        var low: UInt8 = 0x80, high: UInt8 = 0xBF  // range of the next continuation byte
        do {
            let bytes = s
            var runStart = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                if need > 0 {
                    if b < low || b > high {
                        recordInvalid(at: i, b)
                        need = 0
                    } else {
                        need -= 1
                        low = 0x80; high = 0xBF
                    }
                    continue
                }
                switch b {
                case 0x20...0x7F where b != 0x22 && b != 0x5C: continue
                case 0x00...0x1F, 0x22, 0x5C:
                    if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                    runStart = i + 1
                    switch b {
                    case 0x08: out.append(92); out.append(98)
                    case 0x09: out.append(92); out.append(116)
                    case 0x0A: out.append(92); out.append(110)
                    case 0x0C: out.append(92); out.append(102)
                    case 0x0D: out.append(92); out.append(114)
                    case 0x22: out.append(92); out.append(34)
                    case 0x5C: out.append(92); out.append(92)
                    default:
                        let hex = Array("0123456789abcdef".utf8)
                        out.append(contentsOf: [92, 117, 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
                    }
                default:
                    if let lead = UTF8Lead(b) {
                        need = lead.continuations; low = lead.low; high = lead.high
                    } else {
                        recordInvalid(at: i, b)
                    }
                }
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        if need > 0, serializationError == nil, let last = s.last {
            serializationError = "[json.exception.type_error.316] incomplete UTF-8 string; last byte: 0x\(hexByte(last))"
        }
        out.append(34)
    }

    mutating func recordInvalid(at index: Int, _ b: UInt8) {
        if serializationError == nil {
            serializationError = "[json.exception.type_error.316] invalid UTF-8 byte at index \(index): 0x\(hexByte(b))"
        }
    }

    func hexByte(_ b: UInt8) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        return String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
    }
}

// MARK: - JSON numbers (nlohmann's Grisu2 `to_chars`)

/// Round-trip formatting of doubles exactly as nlohmann::json writes them: Grisu2
/// digits (near-shortest: 1e23 is `9.999999999999999e+22`), fixed notation while the
/// decimal point lies at most 15 digits after the first digit or 4 zeros before it
/// (`1.0` for integral values), `d.ddde+NN` otherwise.
enum JSONFloat {
    struct DiyFp {
        var f: UInt64
        var e: Int
    }

    /// The upper 64 bits of the product, rounded (ties up).
    static func mul(_ x: DiyFp, _ y: DiyFp) -> DiyFp {
        let (hi, lo) = x.f.multipliedFullWidth(by: y.f)
        return DiyFp(f: hi &+ (lo >> 63), e: x.e + y.e + 64)
    }

    static func normalize(_ x: DiyFp) -> DiyFp {
        let shift = x.f.leadingZeroBitCount
        return DiyFp(f: x.f << UInt64(shift), e: x.e - shift)
    }

    /// Cached powers of ten c = f · 2^e ≈ 10^k for k = -300, -292, …, 324 (79 entries),
    /// f normalised to 64 bits and rounded to nearest; computed exactly with GMP.
    /// (An unmanaged buffer, never freed: a stored array would be one object shared
    /// by evaluators on several threads, whose reference counts are not atomic in
    /// this module.)
    nonisolated(unsafe) static let cachedPowers: UnsafeBufferPointer<(f: UInt64, e: Int, k: Int)> = {
        let ten = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
        let q = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
        let r = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
        let num = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
        let all = [ten, q, r, num]
        for p in all { __gmpz_init(p) }
        defer {
            for p in all {
                __gmpz_clear(p)
                p.deallocate()
            }
        }
        var table: [(f: UInt64, e: Int, k: Int)] = []
        for index in 0..<79 {
            let k = -300 + 8 * index
            __gmpz_ui_pow_ui(ten, 10, CUnsignedLong(abs(k)))
            let bits = Int(__gmpz_sizeinbase(ten, 2))
            var f: UInt64
            var e: Int
            if k >= 0 {
                if bits <= 64 {
                    f = UInt64(__gmpz_get_ui(ten)) << UInt64(64 - bits)
                    e = bits - 64
                } else {
                    // f = round(10^k / 2^shift)
                    let shift = bits - 64
                    __gmpz_tdiv_q_2exp(q, ten, mp_bitcnt_t(shift))
                    f = UInt64(__gmpz_get_ui(q))
                    e = shift
                    if __gmpz_tstbit(ten, mp_bitcnt_t(shift - 1)) != 0 {
                        if f == .max { f = 1 << 63; e += 1 } else { f += 1 }
                    }
                }
            } else {
                // f = round(2^s / 10^-k), s chosen so that f has 64 bits (10^-k is no
                // power of two, so the quotient lies strictly between 2^63 and 2^64).
                let s = 63 + bits
                __gmpz_set_ui(num, 1)
                __gmpz_mul_2exp(q, num, mp_bitcnt_t(s))
                __gmpz_set(num, q)
                __gmpz_tdiv_qr(q, r, num, ten)
                __gmpz_mul_2exp(num, r, 1)
                f = UInt64(__gmpz_get_ui(q))
                e = -s
                if __gmpz_cmp(num, ten) >= 0 {
                    if f == .max { f = 1 << 63; e += 1 } else { f += 1 }
                }
            }
            table.append((f, e, k))
        }
        let buffer = UnsafeMutableBufferPointer<(f: UInt64, e: Int, k: Int)>.allocate(capacity: table.count)
        _ = buffer.initialize(from: table)
        return UnsafeBufferPointer(buffer)
    }()

    static func cachedPower(forBinaryExponent e: Int) -> (f: UInt64, e: Int, k: Int) {
        let kAlpha = -60
        let f = kAlpha - e - 1
        let k = (f * 78913) / (1 << 18) + (f > 0 ? 1 : 0)
        let index = (300 + k + 7) / 8
        return cachedPowers[index]
    }

    static func largestPow10(_ n: UInt32) -> (digits: Int, pow10: UInt32) {
        var p: UInt32 = 1_000_000_000
        var d = 10
        while d > 1 && n < p {
            p /= 10
            d -= 1
        }
        return (d, p)
    }

    static func round(_ buf: inout [UInt8], _ dist: UInt64, _ delta: UInt64, _ rest: UInt64, _ tenK: UInt64) {
        var rest = rest
        while rest < dist && delta - rest >= tenK && (rest + tenK < dist || dist - rest > rest + tenK - dist) {
            buf[buf.count - 1] -= 1
            rest += tenK
        }
    }

    /// Digits and decimal exponent of a positive finite double.
    static func grisu2(_ value: Double) -> (digits: [UInt8], exponent: Int) {
        let bits = value.bitPattern
        let biasedE = Int(bits >> 52)
        let fraction = bits & ((1 << 52) - 1)
        let v = biasedE == 0 ? DiyFp(f: fraction, e: -1074) : DiyFp(f: fraction + (1 << 52), e: biasedE - 1075)
        let lowerCloser = fraction == 0 && biasedE > 1
        let mPlus = DiyFp(f: 2 * v.f + 1, e: v.e - 1)
        let mMinus = lowerCloser ? DiyFp(f: 4 * v.f - 1, e: v.e - 2) : DiyFp(f: 2 * v.f - 1, e: v.e - 1)
        let wPlus = normalize(mPlus)
        let wMinus = DiyFp(f: mMinus.f << UInt64(mMinus.e - wPlus.e), e: wPlus.e)
        let w = normalize(v)

        let cached = cachedPower(forBinaryExponent: wPlus.e)
        let c = DiyFp(f: cached.f, e: cached.e)
        let sw = mul(w, c), sMinus = mul(wMinus, c), sPlus = mul(wPlus, c)
        let lower = DiyFp(f: sMinus.f + 1, e: sMinus.e)
        let upper = DiyFp(f: sPlus.f - 1, e: sPlus.e)
        var exponent = -cached.k

        var delta = upper.f - lower.f
        var dist = upper.f - sw.f
        let shift = UInt64(-upper.e)
        let one: UInt64 = 1 << shift
        var p1 = UInt32(truncatingIfNeeded: upper.f >> shift)
        var p2 = upper.f & (one - 1)
        var buf: [UInt8] = []
        buf.reserveCapacity(18)
        var (n, pow10) = largestPow10(p1)
        while n > 0 {
            let d = p1 / pow10
            let r = p1 % pow10
            buf.append(48 + UInt8(d))
            p1 = r
            n -= 1
            let rest = (UInt64(p1) << shift) + p2
            if rest <= delta {
                exponent += n
                round(&buf, dist, delta, rest, UInt64(pow10) << shift)
                return (buf, exponent)
            }
            pow10 /= 10
        }
        var m = 0
        while true {
            p2 &*= 10
            let d = p2 >> shift
            let r = p2 & (one - 1)
            buf.append(48 + UInt8(d))
            p2 = r
            m += 1
            delta &*= 10
            dist &*= 10
            if p2 <= delta { break }
        }
        exponent -= m
        round(&buf, dist, delta, p2, one)
        return (buf, exponent)
    }

    static func write(_ value: Double, into out: inout [UInt8]) {
        guard value.isFinite else {
            out.append(contentsOf: [110, 117, 108, 108])
            return
        }
        var v = value
        if v.sign == .minus {
            out.append(45)
            v = -v
        }
        if v == 0 {
            out.append(contentsOf: [48, 46, 48])
            return
        }
        let (digits, decimalExponent) = grisu2(v)
        let k = digits.count
        let n = k + decimalExponent
        let maxExp = 15, minExp = -4
        if k <= n && n <= maxExp {
            out.append(contentsOf: digits)
            out.append(contentsOf: repeatElement(48, count: n - k))
            out.append(contentsOf: [46, 48])
        } else if 0 < n && n <= maxExp {
            out.append(contentsOf: digits[0..<n])
            out.append(46)
            out.append(contentsOf: digits[n...])
        } else if minExp < n && n <= 0 {
            out.append(contentsOf: [48, 46])
            out.append(contentsOf: repeatElement(48, count: -n))
            out.append(contentsOf: digits)
        } else {
            out.append(digits[0])
            if k > 1 {
                out.append(46)
                out.append(contentsOf: digits[1...])
            }
            out.append(101)
            var e = n - 1
            if e < 0 {
                out.append(45)
                e = -e
            } else {
                out.append(43)
            }
            if e < 10 {
                out.append(48)
                out.append(48 + UInt8(e))
            } else {
                out.append(contentsOf: String(e).utf8)
            }
        }
    }

    static func string(_ value: Double) -> String {
        var out: [UInt8] = []
        write(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

// MARK: - fromJSON (nlohmann's lexer and SAX parser, with its error messages)

private struct JSONParser {
    enum Token {
        case uninitialized, literalTrue, literalFalse, literalNull, valueString, valueUnsigned, valueInteger,
             valueFloat, beginArray, beginObject, endArray, endObject, nameSeparator, valueSeparator,
             parseError, endOfInput, literalOrValue

        var name: String {
            switch self {
            case .uninitialized: return "<uninitialized>"
            case .literalTrue: return "true literal"
            case .literalFalse: return "false literal"
            case .literalNull: return "null literal"
            case .valueString: return "string literal"
            case .valueUnsigned, .valueInteger, .valueFloat: return "number literal"
            case .beginArray: return "'['"
            case .beginObject: return "'{'"
            case .endArray: return "']'"
            case .endObject: return "'}'"
            case .nameSeparator: return "':'"
            case .valueSeparator: return "','"
            case .parseError: return "<parse error>"
            case .endOfInput: return "end of input"
            case .literalOrValue: return "'[', '{', or a literal"
            }
        }
    }

    static let eof = -1

    let ev: Evaluator
    let input: [UInt8]
    var index = 0
    var current = JSONParser.eof
    var nextUnget = false
    var charsReadTotal = 0
    var charsReadCurrentLine = 0
    var linesRead = 0
    /// Where the bytes read for the current token start (nlohmann's `token_string`
    /// is every byte read since the last `reset`: a contiguous part of `input`, so
    /// it is kept as a start index rather than copied byte by byte).
    var tokenStart = 0
    /// The token's bytes, escapes decoded. (A raw buffer: emptying an array for
    /// every token went through `replaceSubrange`.)
    let tokenBuffer = ByteBuffer(capacity: 64)
    var attrOrders = AttributeOrderCache()
    var errorMessage = ""
    var valueInteger: Int64 = 0
    var valueUnsigned: UInt64 = 0
    var valueFloat: Double = 0
    var lastToken = Token.uninitialized

    init(_ ev: Evaluator, _ input: [UInt8]) {
        self.ev = ev
        self.input = input
    }

    // MARK: Lexer

    mutating func get() -> Int {
        charsReadTotal += 1
        charsReadCurrentLine += 1
        if nextUnget {
            nextUnget = false
        } else if index < input.count {
            current = Int(input[index])
            index += 1
        } else {
            current = JSONParser.eof
        }
        if current == 10 {
            linesRead += 1
            charsReadCurrentLine = 0
        }
        return current
    }

    mutating func unget() {
        nextUnget = true
        charsReadTotal -= 1
        if charsReadCurrentLine == 0 {
            if linesRead > 0 { linesRead -= 1 }
        } else {
            charsReadCurrentLine -= 1
        }
    }

    mutating func reset() {
        tokenBuffer.removeAll()
        // The current byte (read already, or pushed back) starts the token.
        tokenStart = current != JSONParser.eof ? index - 1 : index
    }

    /// The bytes read since the last `reset`, without one pushed back by `unget`.
    var tokenString: ArraySlice<UInt8> {
        let end = nextUnget && current != JSONParser.eof ? index - 1 : index
        return input[tokenStart..<max(end, tokenStart)]
    }

    func add(_ c: Int) { tokenBuffer.append(UInt8(truncatingIfNeeded: c)) }

    /// The bytes read for the current token; control characters shown as `<U+XXXX>`.
    var tokenStringForMessage: String {
        var bytes: [UInt8] = []
        for c in tokenString {
            if c <= 0x1F {
                let hex = String(c, radix: 16, uppercase: true)
                bytes.append(contentsOf: ("<U+" + String(repeating: "0", count: 4 - hex.count) + hex + ">").utf8)
            } else {
                bytes.append(c)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func codepoint() -> Int {
        var cp = 0
        for factor in [12, 8, 4, 0] {
            let c = get()
            switch c {
            case 48...57: cp += (c - 48) << factor
            case 65...70: cp += (c - 55) << factor
            case 97...102: cp += (c - 87) << factor
            default: return -1
            }
        }
        return cp
    }

    mutating func nextByteInRange(_ ranges: [(Int, Int)]) -> Bool {
        add(current)
        for (lo, hi) in ranges {
            let c = get()
            if lo <= c && c <= hi {
                add(c)
            } else {
                errorMessage = "invalid string: ill-formed UTF-8 byte"
                return false
            }
        }
        return true
    }

    static var controlNames: [String] { ["NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
                               "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB",
                               "ESC", "FS", "GS", "RS", "US"] }

    mutating func scanString() -> Token {
        reset()
        while true {
            // A run of plain ASCII (no quote, backslash or control character) is
            // taken whole; `get` below then sees what follows it.
            if !nextUnget {
                // (Through a buffer pointer: subscripting the array property of
                // this mutating struct reloaded and bounds-checked it per byte.)
                let start = index
                let buffer = tokenBuffer
                let j = input.withUnsafeBufferPointer { bytes -> Int in
                    var j = start
                    while j < bytes.count {
                        let b = bytes[j]
                        if b < 0x20 || b >= 0x80 || b == 34 || b == 92 { break }
                        j += 1
                    }
                    if j > start { buffer.append(UnsafeBufferPointer(rebasing: bytes[start..<j])) }
                    return j
                }
                if j > index {
                    charsReadTotal += j - index
                    charsReadCurrentLine += j - index
                    current = Int(input[j - 1])
                    index = j
                }
            }
            let c = get()
            switch c {
            case JSONParser.eof:
                errorMessage = "invalid string: missing closing quote"
                return .parseError
            case 34:
                return .valueString
            case 92:
                switch get() {
                case 34: add(34)
                case 92: add(92)
                case 47: add(47)
                case 98: add(8)
                case 102: add(12)
                case 110: add(10)
                case 114: add(13)
                case 116: add(9)
                case 117:
                    let cp1 = codepoint()
                    var cp = cp1
                    if cp1 == -1 {
                        errorMessage = "invalid string: '\\u' must be followed by 4 hex digits"
                        return .parseError
                    }
                    if 0xD800 <= cp1 && cp1 <= 0xDBFF {
                        if get() == 92 && get() == 117 {
                            let cp2 = codepoint()
                            if cp2 == -1 {
                                errorMessage = "invalid string: '\\u' must be followed by 4 hex digits"
                                return .parseError
                            }
                            if 0xDC00 <= cp2 && cp2 <= 0xDFFF {
                                cp = (cp1 << 10) + cp2 - 0x35FDC00
                            } else {
                                errorMessage = "invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF"
                                return .parseError
                            }
                        } else {
                            errorMessage = "invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF"
                            return .parseError
                        }
                    } else if 0xDC00 <= cp1 && cp1 <= 0xDFFF {
                        errorMessage = "invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF"
                        return .parseError
                    }
                    if cp < 0x80 {
                        add(cp)
                    } else if cp <= 0x7FF {
                        add(0xC0 | (cp >> 6)); add(0x80 | (cp & 0x3F))
                    } else if cp <= 0xFFFF {
                        add(0xE0 | (cp >> 12)); add(0x80 | ((cp >> 6) & 0x3F)); add(0x80 | (cp & 0x3F))
                    } else {
                        add(0xF0 | (cp >> 18)); add(0x80 | ((cp >> 12) & 0x3F))
                        add(0x80 | ((cp >> 6) & 0x3F)); add(0x80 | (cp & 0x3F))
                    }
                default:
                    errorMessage = "invalid string: forbidden character after backslash"
                    return .parseError
                }
            case 0...0x1F:
                let hex = String(c, radix: 16, uppercase: true)
                let code = String(repeating: "0", count: 4 - hex.count) + hex
                var message = "invalid string: control character U+\(code) (\(JSONParser.controlNames[c])) must be escaped to \\u\(code)"
                switch c {
                case 0x08: message += " or \\b"
                case 0x09: message += " or \\t"
                case 0x0A: message += " or \\n"
                case 0x0C: message += " or \\f"
                case 0x0D: message += " or \\r"
                default: break
                }
                errorMessage = message
                return .parseError
            case 0x20...0x7F:
                add(c)
            case 0xC2...0xDF:
                if !nextByteInRange([(0x80, 0xBF)]) { return .parseError }
            case 0xE0:
                if !nextByteInRange([(0xA0, 0xBF), (0x80, 0xBF)]) { return .parseError }
            case 0xE1...0xEC, 0xEE, 0xEF:
                if !nextByteInRange([(0x80, 0xBF), (0x80, 0xBF)]) { return .parseError }
            case 0xED:
                if !nextByteInRange([(0x80, 0x9F), (0x80, 0xBF)]) { return .parseError }
            case 0xF0:
                if !nextByteInRange([(0x90, 0xBF), (0x80, 0xBF), (0x80, 0xBF)]) { return .parseError }
            case 0xF1...0xF3:
                if !nextByteInRange([(0x80, 0xBF), (0x80, 0xBF), (0x80, 0xBF)]) { return .parseError }
            case 0xF4:
                if !nextByteInRange([(0x80, 0x8F), (0x80, 0xBF), (0x80, 0xBF)]) { return .parseError }
            default:
                errorMessage = "invalid string: ill-formed UTF-8 byte"
                return .parseError
            }
        }
    }

    static func isDigit(_ c: Int) -> Bool { c >= 48 && c <= 57 }

    /// The number state machine of RFC 8259 (nlohmann's `scan_number`).
    mutating func scanNumber() -> Token {
        reset()
        var type = Token.valueUnsigned
        enum State { case minus, zero, any1, decimal1, decimal2, exponent, sign, any2, done }
        var state: State
        switch current {
        case 45: add(current); state = .minus
        case 48: add(current); state = .zero
        default: add(current); state = .any1
        }
        loop: while true {
            switch state {
            case .minus:
                type = .valueInteger
                let c = get()
                if c == 48 { add(c); state = .zero }
                else if JSONParser.isDigit(c) { add(c); state = .any1 }
                else { errorMessage = "invalid number; expected digit after '-'"; return .parseError }
            case .zero:
                let c = get()
                if c == 46 { add(c); state = .decimal1 }
                else if c == 101 || c == 69 { add(c); state = .exponent }
                else { state = .done }
            case .any1:
                let c = get()
                if JSONParser.isDigit(c) { add(c) }
                else if c == 46 { add(c); state = .decimal1 }
                else if c == 101 || c == 69 { add(c); state = .exponent }
                else { state = .done }
            case .decimal1:
                type = .valueFloat
                let c = get()
                if JSONParser.isDigit(c) { add(c); state = .decimal2 }
                else { errorMessage = "invalid number; expected digit after '.'"; return .parseError }
            case .decimal2:
                let c = get()
                if JSONParser.isDigit(c) { add(c) }
                else if c == 101 || c == 69 { add(c); state = .exponent }
                else { state = .done }
            case .exponent:
                type = .valueFloat
                let c = get()
                if c == 43 || c == 45 { add(c); state = .sign }
                else if JSONParser.isDigit(c) { add(c); state = .any2 }
                else { errorMessage = "invalid number; expected '+', '-', or digit after exponent"; return .parseError }
            case .sign:
                let c = get()
                if JSONParser.isDigit(c) { add(c); state = .any2 }
                else { errorMessage = "invalid number; expected digit after exponent sign"; return .parseError }
            case .any2:
                let c = get()
                if !JSONParser.isDigit(c) { state = .done } else { add(c) }
            case .done:
                break loop
            }
        }
        unget()
        // Integers are read from the bytes (a String per number cost an allocation);
        // one out of range is read as a float, as nlohmann does.
        if type != .valueFloat, let magnitude = JSONParser.decimalMagnitude(tokenBuffer.buffer, from: type == .valueInteger ? 1 : 0) {
            if type == .valueUnsigned {
                valueUnsigned = magnitude
                return .valueUnsigned
            }
            if magnitude <= UInt64(Int64.max) + 1 {
                valueInteger = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
                return .valueInteger
            }
        }
        valueFloat = Double(String(decoding: tokenBuffer.buffer, as: UTF8.self)) ?? .infinity
        return .valueFloat
    }

    /// The value of a text that is nothing but a JSON integer of at most 18 digits
    /// (`lib.toInt` parses numbers with `fromJSON`): read without a parser.
    /// Anything else (spaces, signs and leading zeros JSON rejects, other values)
    /// is nil and goes through the parser.
    static func plainInteger(_ text: [UInt8]) -> Int64? {
        text.withUnsafeBufferPointer { b -> Int64? in
            let negative = b.first == UInt8(ascii: "-")
            let start = negative ? 1 : 0
            let digits = b.count - start
            guard digits >= 1, digits <= 18 else { return nil }
            // A leading zero only as the whole number ("0", "-0").
            if b[start] == UInt8(ascii: "0") && digits > 1 { return nil }
            var m: Int64 = 0
            for k in start..<b.count {
                let d = b[k] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                m = m * 10 + Int64(d)
            }
            return negative ? -m : m
        }
    }

    /// The value of the decimal digits `digits[from...]`, nil if it exceeds `UInt64`.
    static func decimalMagnitude(_ digits: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt64? {
        var m: UInt64 = 0
        for k in start..<digits.count {
            let (times10, o1) = m.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digits[k] &- 48))
            if o1 || o2 { return nil }
            m = sum
        }
        return m
    }

    mutating func scanLiteral(_ literal: StaticString, _ token: Token) -> Token {
        let bytes = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for i in 1..<bytes.count where get() != Int(bytes[i]) {
            errorMessage = "invalid literal"
            return .parseError
        }
        return token
    }

    mutating func scan() -> Token {
        if charsReadTotal == 0 {
            if get() == 0xEF {
                if !(get() == 0xBB && get() == 0xBF) {
                    errorMessage = "invalid BOM; must be 0xEF 0xBB 0xBF if given"
                    return .parseError
                }
            } else {
                unget()
            }
        }
        repeat { _ = get() } while current == 32 || current == 9 || current == 10 || current == 13
        switch current {
        case 91: return .beginArray
        case 93: return .endArray
        case 123: return .beginObject
        case 125: return .endObject
        case 58: return .nameSeparator
        case 44: return .valueSeparator
        case 116: return scanLiteral("true", .literalTrue)
        case 102: return scanLiteral("false", .literalFalse)
        case 110: return scanLiteral("null", .literalNull)
        case 34: return scanString()
        case 45, 48...57: return scanNumber()
        case 0, JSONParser.eof: return .endOfInput
        default:
            errorMessage = "invalid literal"
            return .parseError
        }
    }

    mutating func nextToken() -> Token {
        lastToken = scan()
        return lastToken
    }

    // MARK: Parser

    /// A JSON syntax error (`JSONParseError` in CppNix, traced as decoding a JSON string).
    func syntaxError(_ expected: Token, _ context: String) -> EvalError {
        var message = "syntax error "
        if !context.isEmpty { message += "while parsing \(context) " }
        message += "- "
        if lastToken == .parseError {
            message += "\(errorMessage); last read: '\(tokenStringForMessage)'"
        } else {
            message += "unexpected \(lastToken.name)"
        }
        if expected != .uninitialized { message += "; expected \(expected.name)" }
        return parseError(message)
    }

    func parseError(_ message: String) -> EvalError {
        EvalError("[json.exception.parse_error.101] parse error at line \(linesRead + 1), column \(charsReadCurrentLine): \(message)")
            .addTrace("while decoding a JSON string")
    }

    /// An open array or object: where its elements start in `pendingItems` or
    /// `pendingEntries` (and, for an object, the key of the value being read).
    /// The elements of all open containers share those two stacks, so a
    /// container's array is made once, at its exact size, when it closes
    /// (appending to an array per container reallocated it as it grew, and
    /// copied it in and out of the container stack for every element).
    enum Container {
        case array(start: Int)
        case object(start: Int, name: Symbol)
    }

    func makeString(_ bytes: UnsafeBufferPointer<UInt8>) throws(EvalError) -> Value {
        if let message = nullByteMessage(bytes) { throw EvalError(message) }
        return .string(NixString(Array(bytes)))
    }

    mutating func key() throws(EvalError) -> Symbol {
        if let message = nullByteMessage(tokenBuffer.buffer) { throw EvalError(message) }
        return ev.symbols.intern(tokenBuffer.buffer)
    }

    mutating func parse() throws(EvalError) -> Value {
        _ = nextToken()
        var stack: [Container] = []
        var pendingItems: [Value] = []
        var pendingEntries: [Attr] = []
        var result: Value = .null
        var skipToStateEvaluation = false
        while true {
            if !skipToStateEvaluation {
                var scalar: Value? = nil
                switch lastToken {
                case .beginObject:
                    if nextToken() == .endObject {
                        scalar = .attrs(Attrs.empty)
                        break
                    }
                    guard lastToken == .valueString else { throw syntaxError(.valueString, "object key") }
                    let name = try key()
                    guard nextToken() == .nameSeparator else { throw syntaxError(.nameSeparator, "object separator") }
                    stack.append(.object(start: pendingEntries.count, name: name))
                    _ = nextToken()
                    continue
                case .beginArray:
                    if nextToken() == .endArray {
                        scalar = .list(NixList.empty)
                        break
                    }
                    stack.append(.array(start: pendingItems.count))
                    continue
                case .valueFloat:
                    guard valueFloat.isFinite else {
                        throw EvalError("[json.exception.out_of_range.406] number overflow parsing '\(tokenStringForMessage)'")
                            .addTrace("while decoding a JSON string")
                    }
                    scalar = .float(valueFloat)
                case .literalFalse: scalar = .bool(false)
                case .literalTrue: scalar = .bool(true)
                case .literalNull: scalar = .null
                case .valueInteger: scalar = .int(valueInteger)
                case .valueUnsigned:
                    guard valueUnsigned <= UInt64(Int64.max) else {
                        throw EvalError("unsigned json number \(valueUnsigned) outside of Nix integer range")
                    }
                    scalar = .int(Int64(valueUnsigned))
                case .valueString:
                    scalar = try makeString(tokenBuffer.buffer)
                case .parseError:
                    throw syntaxError(.uninitialized, "value")
                case .endOfInput:
                    if charsReadTotal == 1 {
                        throw parseError("attempting to parse an empty input; check that your input string or stream contains the expected JSON")
                    }
                    throw syntaxError(.literalOrValue, "value")
                default:
                    throw syntaxError(.literalOrValue, "value")
                }
                // A complete value: store it in its container.
                if let v = scalar { finish(v, stack, &pendingItems, &pendingEntries, &result) }
            } else {
                skipToStateEvaluation = false
            }

            guard let top = stack.last else { break }
            switch top {
            case .array:
                if nextToken() == .valueSeparator {
                    _ = nextToken()
                    continue
                }
                guard lastToken == .endArray else { throw syntaxError(.endArray, "array") }
                guard case .array(let start) = stack.removeLast() else { continue }
                let items = JSONParser.takeSuffix(of: &pendingItems, from: start)
                finish(.list(NixList(items)), stack, &pendingItems, &pendingEntries, &result)
                skipToStateEvaluation = true
            case .object(let start, _):
                if nextToken() == .valueSeparator {
                    guard nextToken() == .valueString else { throw syntaxError(.valueString, "object key") }
                    let name = try key()
                    guard nextToken() == .nameSeparator else { throw syntaxError(.nameSeparator, "object separator") }
                    stack[stack.count - 1] = .object(start: start, name: name)
                    _ = nextToken()
                    continue
                }
                guard lastToken == .endObject else { throw syntaxError(.endObject, "object") }
                stack.removeLast()
                // Built from the shared stack in place, then dropped from it.
                let set = pendingEntries.withUnsafeBufferPointer { all in
                    attrsKeepingLast(UnsafeBufferPointer(rebasing: all[start...]), &attrOrders)
                }
                pendingEntries.removeSubrange(start...)
                finish(.attrs(set), stack, &pendingItems, &pendingEntries, &result)
                skipToStateEvaluation = true
            }
        }
        if nextToken() != .endOfInput {
            throw syntaxError(.endOfInput, "value")
        }
        return result
    }

    /// Stores a finished value in the open container (or as the result).
    func finish(_ v: Value, _ stack: [Container], _ items: inout [Value], _ entries: inout [Attr],
                _ result: inout Value) {
        switch stack.last {
        case nil: result = v
        case .array?: items.append(v)
        case .object(_, let name)?: entries.append(Attr(name: name, value: v, pos: .none))
        }
    }

    /// The elements of `pending` from `start` on, removed from it: copied once
    /// into an array of their exact size.
    static func takeSuffix<T>(of pending: inout [T], from start: Int) -> [T] {
        let taken = Array(pending[start...])
        pending.removeSubrange(start...)
        return taken
    }
}

// MARK: - fromTOML (TOML 1.0.0, as toml11 4.x reads it)

/// A TOML syntax or structure error, rendered the way toml11 formats errors.
private struct TOMLError: Error {
    var title: String
    /// Byte ranges in the document and what to say under each.
    var locations: [(start: Int, end: Int, message: String)]
    var suffix = ""
    /// toml11 reports some errors against a temporary copy of a token.
    var temporary: [UInt8]? = nil

    init(_ title: String, _ locations: [(start: Int, end: Int, message: String)], suffix: String = "") {
        self.title = title
        self.locations = locations
        self.suffix = suffix
    }

    init(_ title: String, at offset: Int, _ message: String, suffix: String = "") {
        self.init(title, [(offset, offset + 1, message)], suffix: suffix)
    }

    func render(_ document: [UInt8]) -> String {
        let doc = temporary ?? document
        // Line number and line text of an offset.
        func line(of offset: Int) -> (number: Int, start: Int, text: [UInt8]) {
            let o = min(max(offset, 0), doc.count)
            var start = o
            while start > 0 && doc[start - 1] != 10 { start -= 1 }
            var end = o
            while end < doc.count && doc[end] != 10 { end += 1 }
            var number = 1
            for k in 0..<start where doc[k] == 10 { number += 1 }
            return (number, start, Array(doc[start..<end]))
        }
        var out = "[error] " + title + "\n"
        let width = locations.map { String(line(of: $0.start).number).count }.max() ?? 1
        let pad = String(repeating: " ", count: width + 1)
        for (k, loc) in locations.enumerated() {
            if k == 0 {
                out += " --> " + (temporary == nil ? "fromTOML" : "internal temporary") + "\n" + pad + " |\n"
            } else {
                out += pad + " | ...\n" + pad + " |\n"
            }
            let l = line(of: loc.start)
            // Graphic ASCII and spaces as they are; anything else as toml11's `show_char`
            // (`0x09(TAB)`, `0xc3`: non-ASCII bytes too, one by one).
            var bytes: [UInt8] = []
            for c in l.text {
                if c >= 32 && c < 127 {
                    bytes.append(c)
                    continue
                }
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [48, 120, hex[Int(c >> 4)], hex[Int(c & 15)]])
                switch c {
                case 0: bytes.append(contentsOf: "(NUL)".utf8)
                case 10: bytes.append(contentsOf: "(LINE FEED)".utf8)
                case 13: bytes.append(contentsOf: "(CARRIAGE RETURN)".utf8)
                case 9: bytes.append(contentsOf: "(TAB)".utf8)
                case 11: bytes.append(contentsOf: "(VERTICAL TAB)".utf8)
                case 12: bytes.append(contentsOf: "(FORM FEED)".utf8)
                case 27: bytes.append(contentsOf: "(ESCAPE)".utf8)
                default: break
                }
            }
            let number = String(l.number)
            out += " " + String(repeating: " ", count: width - number.count) + number + " | "
                + String(decoding: bytes, as: UTF8.self) + "\n"
            let column = loc.start - l.start + 1
            let limit = l.text.count < column ? 1 : l.text.count - column + 1
            let length = max(1, min(limit, loc.end - loc.start))
            out += pad + " | " + String(repeating: " ", count: column - 1)
                + String(repeating: "^", count: length) + "-- " + loc.message + "\n"
        }
        return out + suffix
    }
}

private final class TOMLTable {
    enum Kind {
        /// Created as the parent of a `[a.b]` header; may still be defined by a header.
        case implicit
        /// Defined by a `[header]` (or `[[header]]` element, or the root).
        case header
        /// Created by a dotted key (`a.b = 1`); only dotted keys may add to it.
        case dotted
        /// An inline table `{ … }`: closed.
        case inline
    }

    var kind: Kind
    /// Where it was defined (for error messages).
    var start: Int, end: Int
    var keys: [[UInt8]] = []
    var values: [TOMLValue] = []
    /// Region of each value (for error messages).
    var regions: [(Int, Int)] = []
    var index: [[UInt8]: Int] = [:]

    init(_ kind: Kind, _ start: Int, _ end: Int) {
        self.kind = kind
        self.start = start
        self.end = end
    }

    func find(_ key: [UInt8]) -> Int? { index[key] }

    func insert(_ key: [UInt8], _ value: TOMLValue, _ region: (Int, Int)) {
        index[key] = keys.count
        keys.append(key)
        values.append(value)
        regions.append(region)
    }

    /// Closes this inline table and every table created by dotted keys inside it.
    func closeInline() {
        kind = .inline
        for v in values {
            if case .table(let t) = v, t.kind == .dotted { t.closeInline() }
        }
    }
}

private final class TOMLTableArray {
    var tables: [TOMLTable]
    var start: Int, end: Int
    init(_ first: TOMLTable, _ start: Int, _ end: Int) {
        tables = [first]
        self.start = start
        self.end = end
    }
}

private enum TOMLValue {
    case table(TOMLTable)
    /// An array of tables made by `[[header]]`s.
    case tableArray(TOMLTableArray)
    case array([TOMLValue])
    case string([UInt8])
    case integer(Int64)
    case float(Double)
    case bool(Bool)
    /// A date, time or date-time, already in the text form Nix returns.
    case datetime([UInt8])

    static func allTables(_ items: [TOMLValue]) -> Bool {
        !items.isEmpty && items.allSatisfy { if case .table = $0 { return true } else { return false } }
    }
}

private struct TOMLParser {
    let doc: [UInt8]
    var i = 0
    let root = TOMLTable(.header, 0, 0)

    init(_ doc: [UInt8]) { self.doc = doc }

    var atEnd: Bool { i >= doc.count }
    var cur: UInt8 { i < doc.count ? doc[i] : 0 }
    func peek(_ k: Int) -> UInt8 { i + k < doc.count ? doc[i + k] : 0 }

    static func isBare(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 95 || c == 45
    }
    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) }

    mutating func skipWhitespace() {
        while i < doc.count && (doc[i] == 32 || doc[i] == 9) { i += 1 }
    }

    /// A comment, if one starts here (up to the end of the line).
    mutating func skipComment() throws(TOMLError) {
        guard cur == 35 else { return }
        let start = i
        i += 1
        while i < doc.count && doc[i] != 10 {
            let c = doc[i]
            if (c < 32 && c != 9 && !(c == 13 && peek(1) == 10)) || c == 127 || utf8Length(at: i) == nil {
                throw TOMLError("toml::parse_comment_line: newline (LF / CRLF) or EOF is expected",
                                [(start, i, "but got this")],
                                suffix: "Hint: most of the control characters are not allowed in comments")
            }
            i += 1
        }
    }

    /// A newline (LF or CRLF) here; false if there is none.
    mutating func newline() -> Bool {
        if cur == 10 { i += 1; return true }
        if cur == 13 && peek(1) == 10 { i += 2; return true }
        return false
    }

    /// Whitespace, comments and newlines (between array elements, between lines).
    mutating func skipBlank() throws(TOMLError) {
        while true {
            skipWhitespace()
            try skipComment()
            if !newline() { return }
        }
    }

    /// The end of a line: whitespace, an optional comment, then a newline or the end.
    mutating func endOfLine(_ title: String) throws(TOMLError) {
        skipWhitespace()
        try skipComment()
        if atEnd || newline() { return }
        throw TOMLError(title, at: i, "here")
    }

    // MARK: Document

    mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        var current = root
        if doc.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        while true {
            try skipBlank()
            if atEnd { break }
            if cur == 91 {
                current = try header()
                skipWhitespace()
                try skipComment()
                if !atEnd && !newline() {
                    throw TOMLError("toml::parse_file: newline (or EOF) expected", at: i, "expected 0x0a(LINE FEED) or")
                }
            } else {
                try keyValue(into: current)
                try endOfLine("toml::parse_table: newline (LF / CRLF) or EOF is expected")
            }
        }
        return root
    }

    mutating func header() throws(TOMLError) -> TOMLTable {
        let start = i
        let isArray = peek(1) == 91
        i += isArray ? 2 : 1
        skipWhitespace()
        let (keys, _, _) = try key()
        skipWhitespace()
        if isArray {
            guard cur == 93 && peek(1) == 93 else {
                throw TOMLError("toml::parse_file: invalid array-table key", at: i, "expected ]]")
            }
            i += 2
        } else {
            guard cur == 93 else { throw TOMLError("toml::parse_file: invalid table key", at: i, "expected ]") }
            i += 1
        }
        let end = i
        var t = root
        for (k, _) in keys.dropLast() {
            if let idx = t.find(k) {
                switch t.values[idx] {
                case .table(let sub):
                    if sub.kind == .inline {
                        throw TOMLError("toml::insert_value: failed to insert a table: inline table is immutable",
                                        [(start, end, "inserting this"), (sub.start, sub.end, "to this table")])
                    }
                    t = sub
                case .tableArray(let array):
                    t = array.tables[array.tables.count - 1]
                case .array(let items) where TOMLValue.allTables(items):
                    let r = t.regions[idx]
                    throw TOMLError("toml::insert_value:inline array of tables are immutable",
                                    [(start, end, "inserting this"), (r.0, r.1, "inline array of tables")])
                default:
                    let r = t.regions[idx]
                    throw TOMLError("toml::insert_value: failed to insert a value, value already exists",
                                    [(start, end, "while inserting this"), (r.0, r.1, "non-table value already exists")])
                }
            } else {
                let sub = TOMLTable(.implicit, start, end)
                t.insert(k, .table(sub), (start, end))
                t = sub
            }
        }
        let last = keys[keys.count - 1].0
        if let idx = t.find(last) {
            let r = t.regions[idx]
            if isArray {
                if case .tableArray(let array) = t.values[idx] {
                    let table = TOMLTable(.header, start, end)
                    array.tables.append(table)
                    return table
                }
                if case .array(let items) = t.values[idx], TOMLValue.allTables(items) {
                    throw TOMLError("toml::insert_value: failed to insert a table, inline array of tables is immutable",
                                    [(start, end, "while inserting this"), (r.0, r.1, "this is inline array-of-tables")])
                }
                throw TOMLError("toml::insert_value: failed to insert an array of tables, value already exists",
                                [(start, end, "while inserting this"), (r.0, r.1, "non-table value already exists")])
            }
            if case .table(let sub) = t.values[idx], sub.kind == .implicit {
                sub.kind = .header
                sub.start = start
                sub.end = end
                t.regions[idx] = (start, end)
                return sub
            }
            throw TOMLError("toml::insert_value: failed to insert a table, table already defined",
                            [(start, end, "inserting this"), (r.0, r.1, "this table is explicitly defined")])
        }
        let table = TOMLTable(.header, start, end)
        if isArray {
            t.insert(last, .tableArray(TOMLTableArray(table, start, end)), (start, end))
        } else {
            t.insert(last, .table(table), (start, end))
        }
        return table
    }

    /// `key = value`, added to `table` (through the tables its dotted key names).
    mutating func keyValue(into table: TOMLTable) throws(TOMLError) {
        let (keys, keyStart, keyEnd) = try key()
        skipWhitespace()
        guard cur == 61 else {
            throw TOMLError("toml::parse_key_value_pair: invalid key value separator `=`", at: i, "expected =")
        }
        i += 1
        skipWhitespace()
        let valueStart = i
        let value = try parseValue()
        let valueEnd = i
        var t = table
        for (k, _) in keys.dropLast() {
            if let idx = t.find(k) {
                switch t.values[idx] {
                case .table(let sub):
                    if sub.kind == .inline {
                        throw TOMLError("toml::insert_value: failed to insert a value: inline table is immutable",
                                        [(keyStart, keyEnd, "inserting this"), (sub.start, sub.end, "to this table")])
                    }
                    if sub.kind != .dotted {
                        throw TOMLError("toml::insert_value: reopening a table using dotted keys",
                                        [(keyStart, keyEnd, "dotted key cannot reopen a table"),
                                         (sub.start, sub.end, "this table is already closed")])
                    }
                    t = sub
                default:
                    let r = t.regions[idx]
                    throw TOMLError("toml::insert_value: failed to insert a value, value already exists",
                                    [(keyStart, keyEnd, "while inserting this"), (r.0, r.1, "non-table value already exists")])
                }
            } else {
                let sub = TOMLTable(.dotted, keyStart, keyEnd)
                t.insert(k, .table(sub), (keyStart, keyEnd))
                t = sub
            }
        }
        let last = keys[keys.count - 1].0
        if let idx = t.find(last) {
            let r = t.regions[idx]
            throw TOMLError("toml::insert_value: failed to insert a value, value already exists",
                            [(keyStart, keyEnd, "inserting this"), (r.0, r.1, "but value already exists")])
        }
        t.insert(last, value, (valueStart, valueEnd))
    }

    /// A dotted key: its parts (with their regions) and the region of the whole key.
    mutating func key() throws(TOMLError) -> ([([UInt8], Int)], Int, Int) {
        let start = i
        var parts: [([UInt8], Int)] = []
        var end = i
        while true {
            let partStart = i
            parts.append((try simpleKey(), partStart))
            end = i
            skipWhitespace()
            guard cur == 46 else { break }
            i += 1
            skipWhitespace()
        }
        i = end
        return (parts, start, end)
    }

    mutating func simpleKey() throws(TOMLError) -> [UInt8] {
        if cur == 34 {
            if peek(1) == 34 && peek(2) == 34 {
                throw TOMLError("toml::parse_simple_key: invalid key: key must be \"quoted\", 'quoted-literal', or bare key.",
                                at: i, "multi-line strings are not allowed as keys")
            }
            return try basicString()
        }
        if cur == 39 {
            if peek(1) == 39 && peek(2) == 39 {
                throw TOMLError("toml::parse_simple_key: invalid key: key must be \"quoted\", 'quoted-literal', or bare key.",
                                at: i, "multi-line strings are not allowed as keys")
            }
            return try literalString()
        }
        let start = i
        while i < doc.count && TOMLParser.isBare(doc[i]) { i += 1 }
        if i == start {
            throw TOMLError("toml::parse_simple_key: invalid key: key must be \"quoted\", 'quoted-literal', or bare key.",
                            at: i, "expected alpha [a-zA-Z], digit [0-9], -, or _",
                            suffix: "Hint: non-ASCII scripts are allowed in toml v1.1.0, but not in v1.0.0.\n")
        }
        return Array(doc[start..<i])
    }

    // MARK: Values

    mutating func parseValue() throws(TOMLError) -> TOMLValue {
        let c = cur
        switch c {
        case 34:
            if peek(1) == 34 && peek(2) == 34 { return .string(try multilineString(quote: 34)) }
            return .string(try basicString())
        case 39:
            if peek(1) == 39 && peek(2) == 39 { return .string(try multilineString(quote: 39)) }
            return .string(try literalString())
        case 116, 102:
            return .bool(try boolean())
        case 91:
            return try array()
        case 123:
            return .table(try inlineTable())
        case 105, 110, 43, 45, 48...57:
            return try numberOrDate()
        default:
            throw TOMLError("bad format: unknown value appeared", at: i, "here")
        }
    }

    mutating func boolean() throws(TOMLError) -> Bool {
        func matches(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard i + n <= doc.count else { return false }
            for k in 0..<n where doc[i + k] != word.utf8Start[k] { return false }
            return true
        }
        if matches("true") { i += 4; return true }
        if matches("false") { i += 5; return false }
        throw TOMLError("toml::parse_boolean: invalid boolean: boolean must be `true` or `false`, in lowercase. string must be surrounded by `\"`",
                        at: i, "expected true or false")
    }

    mutating func array() throws(TOMLError) -> TOMLValue {
        let start = i
        i += 1
        var items: [TOMLValue] = []
        while true {
            try skipBlank()
            if atEnd {
                throw TOMLError("toml::parse_array: missing closing bracket `]`", [(start, i, "expected `]`, reached EOF")])
            }
            if cur == 93 { i += 1; break }
            items.append(try parseValue())
            try skipBlank()
            if cur == 44 { i += 1; continue }
            if cur == 93 { i += 1; break }
            if atEnd {
                throw TOMLError("toml::parse_array: missing closing bracket `]`", [(start, i, "expected `]`, reached EOF")])
            }
            throw TOMLError("toml::parse_array: expected value-separator `,` or closing `]`", at: i, "here")
        }
        return .array(items)
    }

    mutating func inlineTable() throws(TOMLError) -> TOMLTable {
        let start = i
        i += 1
        let table = TOMLTable(.header, start, start + 1)
        skipWhitespace()
        if cur == 125 {
            i += 1
        } else {
            while true {
                try keyValue(into: table)
                skipWhitespace()
                if cur == 44 {
                    i += 1
                    skipWhitespace()
                    if cur == 125 {
                        throw TOMLError("toml::parse_inline_table: trailing comma is not allowed in TOML-v1.0.0)", at: i, "here")
                    }
                    continue
                }
                if cur == 125 { i += 1; break }
                throw TOMLError("toml::parse_inline_table: expected value-separator `,` or closing `}`", at: i, "here")
            }
        }
        table.start = start
        table.end = i
        table.closeInline()
        return table
    }

    // MARK: Strings

    mutating func appendScalar(_ v: UInt32, _ out: inout [UInt8]) {
        if v < 0x80 {
            out.append(UInt8(v))
        } else if v < 0x800 {
            out.append(UInt8(0xC0 | (v >> 6))); out.append(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            out.append(UInt8(0xE0 | (v >> 12))); out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (v >> 18))); out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// An escape sequence after a backslash (at `i`); false if it is not one.
    mutating func escape(_ out: inout [UInt8]) throws(TOMLError) -> Bool {
        let c = peek(1)
        switch c {
        case 98: out.append(8)
        case 116: out.append(9)
        case 110: out.append(10)
        case 102: out.append(12)
        case 114: out.append(13)
        case 34: out.append(34)
        case 92: out.append(92)
        case 117, 85:
            let n = c == 117 ? 4 : 8
            var v: UInt32 = 0
            for k in 0..<n {
                let h = peek(2 + k)
                guard TOMLParser.isHex(h) else { return false }
                v = v << 4 | UInt32(h <= 57 ? h - 48 : (h | 32) - 87)
            }
            if v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) {
                var e = v > 0x10FFFF
                    ? TOMLError("toml::parse_utf8_codepoint: input codepoint is too large.", [(1, 1 + n + 1, "must be in range [0x00, 0x10FFFF]")])
                    : TOMLError("toml::parse_utf8_codepoint: [0xD800, 0xDFFF] is not a valid UTF-8", [(1, 1 + n + 1, "here")])
                e.temporary = Array(doc[i..<(i + 2 + n)])
                throw e
            }
            appendScalar(v, &out)
            i += 2 + n
            return true
        default:
            return false
        }
        i += 2
        return true
    }

    static func isControl(_ c: UInt8) -> Bool { (c < 32 && c != 9) || c == 127 }

    /// The length of the well-formed UTF-8 sequence at `k`, or nil.
    func utf8Length(at k: Int) -> Int? {
        let c = doc[k]
        if c < 0x80 { return 1 }
        guard let lead = UTF8Lead(c) else { return nil }
        let need = lead.continuations
        var low = lead.low, high = lead.high
        for j in 1...need {
            guard k + j < doc.count else { return nil }
            let b = doc[k + j]
            if b < low || b > high { return nil }
            low = 0x80; high = 0xBF
        }
        return need + 1
    }

    /// Copies a non-ASCII character at `i` into `out`; false if it is not valid UTF-8.
    mutating func copyUTF8(_ out: inout [UInt8]) -> Bool {
        guard let n = utf8Length(at: i) else { return false }
        out.append(contentsOf: doc[i..<(i + n)])
        i += n
        return true
    }

    mutating func basicString() throws(TOMLError) -> [UInt8] {
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < doc.count else {
                throw TOMLError("toml::parse_basic_string: invalid string format", at: i, "expected \"")
            }
            let c = doc[i]
            if c == 34 { i += 1; return out }
            if c == 92 {
                guard try escape(&out) else {
                    throw TOMLError("toml::parse_basic_string: invalid string format", at: i, "expected \"")
                }
                continue
            }
            if TOMLParser.isControl(c) {
                throw TOMLError("toml::parse_basic_string: invalid string format", at: i, "expected \"")
            }
            if c >= 0x80 {
                guard copyUTF8(&out) else {
                    throw TOMLError("toml::parse_basic_string: invalid string format", at: i, "expected \"")
                }
                continue
            }
            out.append(c)
            i += 1
        }
    }

    mutating func literalString() throws(TOMLError) -> [UInt8] {
        i += 1
        let start = i
        while true {
            guard i < doc.count, !TOMLParser.isControl(doc[i]), let n = utf8Length(at: i) else {
                throw TOMLError("toml::parse_literal_string: invalid string format", at: i, "expected '")
            }
            if doc[i] == 39 { break }
            i += n
        }
        let out = Array(doc[start..<i])
        i += 1
        return out
    }

    /// The closing delimiter of a multi-line string at `i` (three `quote`s, up to two
    /// more of which belong to the content): how many quotes are content, or nil.
    func closing(_ quote: UInt8) -> Int? {
        guard cur == quote && peek(1) == quote && peek(2) == quote else { return nil }
        var n = 3
        while n < 5 && peek(n) == quote { n += 1 }
        return n - 3
    }

    /// A multi-line string, `"""…"""` (basic: escapes and line-ending backslashes) or
    /// `'''…'''` (literal: taken as written); `quote` is the delimiter's character.
    mutating func multilineString(quote: UInt8) throws(TOMLError) -> [UInt8] {
        let basic = quote == 34
        func invalid(_ at: Int) -> TOMLError {
            basic ? TOMLError("toml::parse_ml_basic_string: invalid string format", at: at, "expected \"\"\"")
                  : TOMLError("toml::parse_ml_literal_string: invalid string format", at: at, "expected '''")
        }
        i += 3
        _ = newline()
        var out: [UInt8] = []
        while true {
            guard i < doc.count else { throw invalid(i) }
            if let extra = closing(quote) {
                out.append(contentsOf: repeatElement(quote, count: extra))
                i += 3 + extra
                return out
            }
            let c = doc[i]
            if basic && c == 92 {
                // A line-ending backslash removes the whitespace and newlines after it.
                var k = i + 1
                while k < doc.count && (doc[k] == 32 || doc[k] == 9) { k += 1 }
                if k < doc.count && (doc[k] == 10 || (doc[k] == 13 && k + 1 < doc.count && doc[k + 1] == 10)) {
                    i = k
                    while i < doc.count && (doc[i] == 32 || doc[i] == 9 || doc[i] == 10
                                            || (doc[i] == 13 && peek(1) == 10)) { i += 1 }
                    continue
                }
                guard try escape(&out) else { throw invalid(i) }
                continue
            }
            if c == 13 && peek(1) == 10 {
                out.append(13); out.append(10)
                i += 2
                continue
            }
            if c != 10 && TOMLParser.isControl(c) { throw invalid(i) }
            if c >= 0x80 {
                guard copyUTF8(&out) else { throw invalid(i) }
                continue
            }
            out.append(c)
            i += 1
        }
    }

    // MARK: Numbers, dates and times

    static let integerHint = "Hint: valid  : -42, 1_000, 1_2_3_4_5, 0xC0FFEE, 0b0010, 0o755\nHint: invalid: _42, 1__000, 0123\n"
    static let floatHint = "Hint: valid  : +1.0, -2e-2, 3.141_592_653_589, inf, nan\nHint: invalid: .0, 1., _1.0, 1.0_, 1_.0, 1.0__0\n"

    func digitsAhead(_ n: Int) -> Bool {
        for k in 0..<n where !TOMLParser.isDigit(peek(k)) { return false }
        return true
    }

    mutating func numberOrDate() throws(TOMLError) -> TOMLValue {
        if digitsAhead(4) && peek(4) == 45 { return try dateTime() }
        if digitsAhead(2) && peek(2) == 58 && TOMLParser.isDigit(peek(3))
            && TOMLParser.isDigit(peek(4)) && peek(5) == 58 && TOMLParser.isDigit(peek(6)) && TOMLParser.isDigit(peek(7)) {
            return .datetime(try localTime())
        }
        return try number()
    }

    /// Digits (matching `isValid`) with single underscores between them; the digits
    /// without underscores.
    mutating func digitRun(_ isValid: (UInt8) -> Bool, float: Bool) throws(TOMLError) -> [UInt8] {
        var out: [UInt8] = []
        while i < doc.count {
            let c = doc[i]
            if isValid(c) {
                out.append(c)
                i += 1
            } else if c == 95 {
                guard !out.isEmpty, isValid(peek(1)) else {
                    throw TOMLError(float ? "bad float: `_` must be surrounded by digits" : "bad integer: `_` must be surrounded by digits",
                                    at: i, "invalid underscore", suffix: float ? TOMLParser.floatHint : TOMLParser.integerHint)
                }
                i += 1
            } else {
                break
            }
        }
        return out
    }

    mutating func number() throws(TOMLError) -> TOMLValue {
        let start = i
        var sign: UInt8? = nil
        if cur == 43 || cur == 45 {
            sign = cur
            i += 1
        }
        // inf and nan
        if cur == 105 || cur == 110 {
            let word = Array(doc[i..<min(i + 3, doc.count)])
            if word == Array("inf".utf8) {
                i += 3
                return .float(sign == 45 ? -.infinity : .infinity)
            }
            if word == Array("nan".utf8) {
                i += 3
                return .float(sign == 45 ? -Double.nan : .nan)
            }
            throw TOMLError("bad format: unknown value appeared", at: start, "here")
        }
        // Prefixed integers (no sign allowed).
        if cur == 48 && (peek(1) == 120 || peek(1) == 111 || peek(1) == 98) {
            let kind = peek(1)
            if sign != nil {
                throw TOMLError("toml::parse_hex_integer: invalid integer: hex_int must be like: 0xC0FFEE, 0xdead_beef",
                                at: start, "expected 0x")
            }
            i += 2
            let name: String, radix: Int, example: String, expected: String
            let valid: (UInt8) -> Bool
            switch kind {
            case 120:
                (name, radix) = ("hex", 16)
                example = "hex_int must be like: 0xC0FFEE, 0xdead_beef"
                expected = "expected hex [0-9a-fA-F]"
                valid = TOMLParser.isHex
            case 111:
                (name, radix) = ("oct", 8)
                example = "oct_int must be like: 0o775, 0o04_44"
                expected = "expected octal [0-7]"
                valid = { $0 >= 48 && $0 <= 55 }
            default:
                (name, radix) = ("bin", 2)
                example = "bin_int must be like: 0b0101, 0b1111_0000"
                expected = "expected 0 or 1"
                valid = { $0 == 48 || $0 == 49 }
            }
            guard valid(cur) else {
                throw TOMLError("toml::parse_\(name)_integer: invalid integer: \(example)", at: i, expected)
            }
            let digits = try digitRun(valid, float: false)
            let text = String(decoding: digits, as: UTF8.self)
            // toml11 drops leading zeros; it reads at most 63 binary digits.
            let significant = digits.drop(while: { $0 == 48 }).count
            let tooLarge = radix == 2 ? significant > 63 : Int64(text, radix: radix) == nil
            if tooLarge {
                throw TOMLError("toml::parse_\(name)_integer: too large integer: current max value = 2^63",
                                at: i, "must be < 2^63")
            }
            return .integer(Int64(text, radix: radix) ?? 0)
        }
        guard TOMLParser.isDigit(cur) else {
            throw TOMLError("bad format: unknown value appeared", at: start, "here")
        }
        var text: [UInt8] = sign.map { [$0] } ?? []
        if cur == 48 {
            text.append(48)
            i += 1
            if TOMLParser.isDigit(cur) || cur == 95 {
                throw TOMLError("bad integer: invalid digit after an integer", at: i, "this digit is not allowed",
                                suffix: TOMLParser.integerHint)
            }
        } else {
            text.append(contentsOf: try digitRun(TOMLParser.isDigit, float: false))
        }
        var isFloat = false
        if cur == 46 {
            isFloat = true
            text.append(46)
            i += 1
            guard TOMLParser.isDigit(cur) else {
                throw TOMLError("bad float: invalid format", at: i - 1, "here", suffix: TOMLParser.floatHint)
            }
            text.append(contentsOf: try digitRun(TOMLParser.isDigit, float: true))
        }
        if cur == 101 || cur == 69 {
            let signed = peek(1) == 43 || peek(1) == 45
            if TOMLParser.isDigit(peek(signed ? 2 : 1)) {
                isFloat = true
                text.append(101)
                i += 1
                if signed {
                    text.append(cur)
                    i += 1
                }
                text.append(contentsOf: try digitRun(TOMLParser.isDigit, float: true))
            } else if !isFloat {
                throw TOMLError("bad float: invalid format", at: i, "here", suffix: TOMLParser.floatHint)
            }
            // After a fraction, the number ends before the `e` (and the line is malformed).
        }
        let string = String(decoding: text, as: UTF8.self)
        if isFloat {
            let d = Double(string) ?? .infinity
            if d.isInfinite {
                throw TOMLError("toml::parse_floating: failed to read floating point value from stream", at: i, "here")
            }
            return .float(d)
        }
        guard let v = Int64(string) else {
            throw TOMLError("toml::parse_dec_integer: too large integer: current max digits = 2^63", at: i, "must be < 2^63")
        }
        return .integer(v)
    }

    /// `HH:MM:SS(.fraction)`: its text in toml11's normalised form (sub-seconds as 3, 6
    /// or 9 digits, as many as needed).
    mutating func localTime() throws(TOMLError) -> [UInt8] {
        let start = i
        // The first character that does not fit `HH:MM:SS`.
        let shape: [UInt8] = [0, 0, 58, 0, 0, 58, 0, 0]
        for (k, expected) in shape.enumerated() {
            let c = peek(k)
            let fits = expected == 0 ? TOMLParser.isDigit(c) : c == expected
            if !fits {
                throw TOMLError("bad time: must be HH:MM:SS.subsec", at: i + k,
                                expected == 0 ? "expected digit [0-9]" : "expected :",
                                suffix: "Hint: valid  : 1979-05-27T07:32:00, 1979-05-27 07:32:00.999999\nHint: invalid: 1979-05-27T7:32:00, 1979-05-27 17:32\n")
            }
        }
        func two(_ k: Int) -> Int { Int(peek(k) - 48) * 10 + Int(peek(k + 1) - 48) }
        let hour = two(0), minute = two(3), second = two(6)
        if hour > 23 || minute > 59 {
            throw TOMLError("toml::parse_local_time: invalid time.", at: start, "hour must be 00-23, minute must be 00-59.")
        }
        if second > 60 {
            throw TOMLError("toml::parse_local_time: invalid time.", at: start, "second must be 00-60.")
        }
        var text = Array(doc[i..<(i + 8)])
        i += 8
        if cur == 46 && TOMLParser.isDigit(peek(1)) {
            i += 1
            var fraction: [UInt8] = []
            while TOMLParser.isDigit(cur) {
                if fraction.count < 9 { fraction.append(cur) }
                i += 1
            }
            while fraction.count < 9 { fraction.append(48) }
            let ms = fraction[0..<3], us = fraction[3..<6], ns = fraction[6..<9]
            let zero: (ArraySlice<UInt8>) -> Bool = { $0.allSatisfy { $0 == 48 } }
            let precision = !zero(ns) ? 9 : !zero(us) ? 6 : !zero(ms) ? 3 : 0
            if precision > 0 {
                text.append(46)
                text.append(contentsOf: fraction[0..<precision])
            }
        }
        return text
    }

    mutating func dateTime() throws(TOMLError) -> TOMLValue {
        let start = i
        let shape: [UInt8] = [0, 0, 0, 0, 45, 0, 0, 45, 0, 0]
        for (k, expected) in shape.enumerated() where expected == 0 ? !TOMLParser.isDigit(peek(k)) : peek(k) != expected {
            throw TOMLError("bad datetime: invalid format", at: i + 4, "here",
                            suffix: "Hint: valid  : 1979-05-27T07:32:00-07:00, 1979-05-27 07:32:00.999999Z\nHint: invalid: 1979-05-27T7:32:00-7:00, 1979-05-27 7:32-00:30")
        }
        func num(_ k: Int, _ n: Int) -> Int {
            var v = 0
            for j in 0..<n { v = v * 10 + Int(peek(k + j) - 48) }
            return v
        }
        let year = num(0, 4), month = num(5, 2), day = num(8, 2)
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        if month < 1 || month > 12 || day < 1 || day > days[month - 1] {
            throw TOMLError("toml::parse_local_date: invalid date.", at: start,
                            "month must be 01-12, day must be any of 01-28,29,30,31 depending on the month/year.")
        }
        var text = Array(doc[i..<(i + 10)])
        i += 10
        let delimiter = cur
        let hasTime = delimiter == 84 || delimiter == 116
            || (delimiter == 32 && TOMLParser.isDigit(peek(1)) && TOMLParser.isDigit(peek(2)) && peek(3) == 58)
        guard hasTime else { return .datetime(text) }
        i += 1
        text.append(84)
        text.append(contentsOf: try localTime())
        if cur == 90 || cur == 122 {
            i += 1
            text.append(90)
        } else if cur == 43 || cur == 45 {
            let offsetStart = i
            let shape: [UInt8] = [0, 0, 58, 0, 0]
            for (k, expected) in shape.enumerated() {
                let c = peek(1 + k)
                if expected == 0 ? !TOMLParser.isDigit(c) : c != expected {
                    throw TOMLError("bad offset: must be [+-]HH:MM or Z", at: offsetStart + 1 + k,
                                    expected == 0 ? "expected z or Z or digit [0-9]" : "expected :",
                                    suffix: "Hint: valid  : +09:00, -05:30\nHint: invalid: +9:00,  -5:30\n")
                }
            }
            let sign = cur
            let hours = num(1, 2), minutes = num(4, 2)
            if hours > 24 || minutes > 60 {
                throw TOMLError("toml::parse_offset_datetime: too large offset: |hour| <= 24, |minute| <= 60",
                                [(start, offsetStart + 6, "here")])
            }
            i += 6
            // toml11 prints the offset from its total in minutes (so +24:60 is +25:00).
            let total = hours * 60 + minutes
            if total == 0 {
                text.append(90)
            } else {
                let h = total / 60, m = total % 60
                text.append(sign)
                text.append(contentsOf: [48 + UInt8(h / 10), 48 + UInt8(h % 10), 58, 48 + UInt8(m / 10), 48 + UInt8(m % 10)])
            }
        }
        return .datetime(text)
    }
}

private enum TOMLDecoder {
    static func decode(_ ev: Evaluator, _ text: [UInt8]) throws(EvalError) -> Value {
        var parser = TOMLParser(text)
        let root: TOMLTable
        do {
            root = try parser.parseDocument()
        } catch {
            throw EvalError("while parsing TOML: " + error.render(text))
        }
        return try convert(ev, .table(root))
    }

    static func convert(_ ev: Evaluator, _ v: TOMLValue) throws(EvalError) -> Value {
        switch v {
        case .table(let t):
            var attrs: [Attr] = []
            attrs.reserveCapacity(t.keys.count)
            for (k, key) in t.keys.enumerated() {
                if let message = nullByteMessage(key) { throw EvalError("while parsing TOML: error: " + message) }
                attrs.append(Attr(name: ev.symbols.intern(key), value: try convert(ev, t.values[k]), pos: .none))
            }
            return .attrs(Attrs.unsorted(attrs))
        case .tableArray(let array):
            var items: [Value] = []
            for t in array.tables { items.append(try convert(ev, .table(t))) }
            return .list(NixList(items))
        case .array(let elements):
            var items: [Value] = []
            items.reserveCapacity(elements.count)
            for e in elements { items.append(try convert(ev, e)) }
            return .list(NixList(items))
        case .string(let s):
            if let message = nullByteMessage(s) { throw EvalError("while parsing TOML: error: " + message) }
            return .string(NixString(s))
        case .integer(let i):
            return .int(i)
        case .float(let d):
            return .float(d)
        case .bool(let b):
            return .bool(b)
        case .datetime(let text):
            guard ev.parseTomlTimestamps else {
                throw EvalError("while parsing TOML: Dates and times are not supported")
            }
            return .attrs(Attrs.unsorted([
                Attr(name: ev.symbols.intern("_type"), value: .string(NixString("timestamp")), pos: .none),
                Attr(name: ev.symbols.intern("value"), value: .string(NixString(text)), pos: .none),
            ]))
        }
    }
}

// MARK: - toXML and --xml

/// Writes a value in Nix's XML format (`printValueAsXML` with CppNix's `XMLWriter`:
/// two-space indentation, attributes sorted by name, `<unevaluated />` for what is not
/// evaluated or cannot be shown).
private struct XMLPrinter {
    let ev: Evaluator
    let strict: Bool
    let location: Bool
    var out: [UInt8] = []
    var context = ContextAccumulator()
    var depth = 0
    var drvsSeen = ByteSet()
    let sDrvPath: Symbol
    let sType: Symbol

    typealias XMLAttrs = [(String, [UInt8])]

    init(_ ev: Evaluator, strict: Bool, location: Bool) {
        self.ev = ev
        self.strict = strict
        self.location = location
        sDrvPath = ev.symbols.intern("drvPath")
        sType = ev.symbols.intern("type")
        out.reserveCapacity(512)
    }

    mutating func document(_ v: Value) throws(EvalError) {
        out.append(contentsOf: "<?xml version='1.0' encoding='utf-8'?>\n".utf8)
        open("expr", [])
        try value(v, .none)
        close("expr")
    }

    // MARK: Writer

    mutating func indent() { out.append(contentsOf: repeatElement(32, count: depth * 2)) }

    mutating func attributes(_ attrs: XMLAttrs) {
        for (name, value) in attrs.sorted(by: { $0.0.utf8Precedes($1.0) }) {
            out.append(32)
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: [61, 34])
            for c in value {
                switch c {
                case 34: out.append(contentsOf: "&quot;".utf8)
                case 60: out.append(contentsOf: "&lt;".utf8)
                case 62: out.append(contentsOf: "&gt;".utf8)
                case 38: out.append(contentsOf: "&amp;".utf8)
                case 10: out.append(contentsOf: "&#xA;".utf8)
                default: out.append(c)
                }
            }
            out.append(34)
        }
    }

    mutating func open(_ name: String, _ attrs: XMLAttrs) {
        indent()
        out.append(60)
        out.append(contentsOf: name.utf8)
        attributes(attrs)
        out.append(contentsOf: [62, 10])
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        indent()
        out.append(contentsOf: [60, 47])
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: [62, 10])
    }

    mutating func empty(_ name: String, _ attrs: XMLAttrs = []) {
        indent()
        out.append(60)
        out.append(contentsOf: name.utf8)
        attributes(attrs)
        out.append(contentsOf: [32, 47, 62, 10])
    }

    func positionAttributes(_ pos: Pos) -> XMLAttrs {
        let resolved = ev.positions.resolve(pos)
        var attrs: XMLAttrs = [("line", Array(String(resolved.line).utf8)), ("column", Array(String(resolved.column).utf8))]
        if let source = resolved.source, case .file(let path) = source.origin {
            attrs.append(("path", Array(path.utf8)))
        }
        return attrs
    }

    // MARK: Values

    mutating func value(_ v: Value, _ pos: Pos) throws(EvalError) {
        try ev.enterNested(pos)
        defer { ev.callDepth -= 1 }
        var w = v
        if strict {
            w = try ev.force(v, pos)
        } else if case .thunk(let t) = v, t.state == .done {
            w = t.value
        }
        switch w {
        case .int(let i):
            empty("int", [("value", Array(String(i).utf8))])
        case .bigInt(let b):
            empty("int", [("value", b.decimalUTF8)])
        case .bool(let b):
            empty("bool", [("value", Array((b ? "true" : "false").utf8))])
        case .string(let s):
            context.insert(contentsOf: s.context)
            empty("string", [("value", s.bytes)])
        case .path(let p):
            empty("path", [("value", p.bytes)])
        case .null:
            empty("null")
        case .float(let d):
            empty("float", [("value", Array(ASTPrinter.formatFloat(d).utf8))])
        case .attrs(let a):
            if try isDerivation(a) {
                var attrs: XMLAttrs = []
                var drvPath: [UInt8] = []
                if let d = a.attr(sDrvPath) {
                    var dv = d.value
                    if strict { dv = try ev.force(d.value, d.pos) } else { dv = evaluated(dv) }
                    if case .string(let s) = dv {
                        drvPath = s.bytes
                        attrs.append(("drvPath", s.bytes))
                    }
                }
                if let o = a.attr(ev.sOutPath) {
                    var ov = o.value
                    if strict { ov = try ev.force(o.value, o.pos) } else { ov = evaluated(ov) }
                    if case .string(let s) = ov { attrs.append(("outPath", s.bytes)) }
                }
                open("derivation", attrs)
                if !drvPath.isEmpty && drvsSeen.insert(drvPath) {
                    try showAttrs(a)
                } else {
                    empty("repeated")
                }
                close("derivation")
            } else {
                open("attrs", [])
                try showAttrs(a)
                close("attrs")
            }
        case .list(let l):
            open("list", [])
            for e in l.elements { try value(e, pos) }
            close("list")
        case .lambda(let c):
            let lambda = c.lambda
            open("function", location ? positionAttributes(lambda.pos) : [])
            if let formals = lambda.formals {
                var attrs: XMLAttrs = []
                if let arg = lambda.arg { attrs.append(("name", Array(ev.symbols.bytes(arg)))) }
                if lambda.ellipsis { attrs.append(("ellipsis", [49])) }
                open("attrspat", attrs)
                let names = formals.map { $0.name }.sorted { ev.symbols.lexicographicallyPrecedes($0, $1) }
                for name in names { empty("attr", [("name", Array(ev.symbols.bytes(name)))]) }
                close("attrspat")
            } else if let arg = lambda.arg {
                empty("varpat", [("name", Array(ev.symbols.bytes(arg)))])
            }
            close("function")
        case .primop, .primopApp, .thunk, .unevaluatedBinding, .bindingUnderEvaluation:
            empty("unevaluated")
        }
    }

    func evaluated(_ v: Value) -> Value {
        if case .thunk(let t) = v, t.state == .done { return t.value }
        return v
    }

    /// `state.isDerivation`: `type` (forced) is the string "derivation".
    func isDerivation(_ a: Attrs) throws(EvalError) -> Bool {
        guard let t = a.attr(sType) else { return false }
        guard case .string(let s) = try ev.force(t.value, t.pos) else { return false }
        return s.bytes == Array("derivation".utf8)
    }

    mutating func showAttrs(_ a: Attrs) throws(EvalError) {
        let sorted = a.sortedByName(ev.symbols)
        for attr in sorted {
            var attrs: XMLAttrs = [("name", Array(ev.symbols.bytes(attr.name)))]
            if location && !attr.pos.isNone { attrs.append(contentsOf: positionAttributes(attr.pos)) }
            open("attr", attrs)
            try value(attr.value, attr.pos)
            close("attr")
        }
    }
}
