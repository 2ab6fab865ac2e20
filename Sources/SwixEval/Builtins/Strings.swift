import SwixSyntax
import SwixStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// String builtins: substrings, replacement, joining, versions and derivation
// names, base names and directories, string context introspection and
// manipulation, hashing, and regular expressions (`match`, `split`).
//
// Error messages and trace frames follow current CppNix (primops.cc,
// primops/context.cc, names.cc). Strings are byte strings: lengths and offsets
// count bytes.

extension Builtins {
    static func strings() -> [PrimOp] {
        // One regular-expression cache per evaluator (the family is instantiated
        // once per `Evaluator`), shared by `match` and `split`.
        let regexes = RegexCache()
        return [
            stringPrimOp("__substring", 3) { ev, a, pos throws(EvalError) in
                let start = try ev.forceInt(a[0], .none,
                                            "while evaluating the first argument (the start offset) passed to builtins.substring")
                if start.signum < 0 {
                    throw EvalError("negative start position in 'substring'")
                }
                let len = try ev.forceInt(a[1], .none,
                                          "while evaluating the second argument (the substring length) passed to builtins.substring")
                // An empty substring of a string keeps its context without looking at
                // the bytes (a common idiom to capture context).
                if len.signum == 0, case .string(let s) = try ev.force(a[2], .none) {
                    return .string(NixString([], context: s.context))
                }
                let (bytes, context) = try ev.stringsCoerce(
                    a[2], "while evaluating the third argument (the string) passed to builtins.substring")
                let from = start.int64Value ?? Int64.max
                guard from < Int64(bytes.count) else {
                    return .string(NixString([], context: context))
                }
                let lower = Int(from)
                var upper = bytes.count
                if len.signum > 0, let n = len.int64Value, n < Int64(bytes.count - lower) {
                    upper = lower + Int(n)
                }
                if lower == 0 && upper == bytes.count, case .string(let s) = try ev.force(a[2], .none) {
                    return .string(s)
                }
                if upper - lower == 1 && context.isEmpty { return .string(ev.singleByteString(bytes[lower])) }
                return .string(NixString(Array(bytes[lower..<upper]), context: context))
            },
            stringPrimOp("__stringLength", 1) { ev, a, pos throws(EvalError) in
                if case .string(let s) = try ev.force(a[0], .none) { return .int(Int64(s.bytes.count)) }
                let (bytes, _) = try ev.stringsCoerce(a[0], "while evaluating the argument passed to builtins.stringLength")
                return .int(Int64(bytes.count))
            },
            stringPrimOp("__replaceStrings", 3) { ev, a, pos throws(EvalError) in
                try replaceStrings(ev, a)
            },
            stringPrimOp("__concatStringsSep", 2) { ev, a, pos throws(EvalError) in
                let sep = try ev.forceString(
                    a[0], .none, "while evaluating the first argument (the separator string) passed to builtins.concatStringsSep")
                let list = try ev.forceList(
                    a[1], .none,
                    "while evaluating the second argument (the list of strings to concat) passed to builtins.concatStringsSep")
                var out: [UInt8] = []
                var context = ContextAccumulator()
                context.insert(contentsOf: sep.context)
                // The elements are read in place and their strings borrowed (iterating
                // copied each element, forcing copied it again, and binding the string
                // a third time: a retain and a release each).
                try list.elements.withUnsafeBufferPointer { (elements) throws(EvalError) in
                    // The length first, while the elements are strings: the result is
                    // then allocated once (appending reallocated it as it grew). Only
                    // strings are looked at, so errors come in the same order.
                    var total = sep.bytes.count * max(0, elements.count - 1)
                    for k in 0..<elements.count {
                        guard let s = try ev.force(at: elements.baseAddress! + k, .none).unretainedString else { break }
                        total += s._withUnsafeGuaranteedRef { $0.bytes.count }
                    }
                    out.reserveCapacity(total)
                    for k in 0..<elements.count {
                        if k > 0 { out.append(contentsOf: sep.bytes) }
                        let w = try ev.force(at: elements.baseAddress! + k, .none)
                        if let s = w.unretainedString {
                            s._withUnsafeGuaranteedRef { s in
                                out.append(contentsOf: s.bytes)
                                context.insert(contentsOf: s.context)
                            }
                        } else {
                            let (b, c) = try ev.stringsCoerce(
                                w, "while evaluating one element of the list of strings to concat passed to builtins.concatStringsSep")
                            out.append(contentsOf: b)
                            context.insert(contentsOf: c)
                        }
                    }
                }
                return .string(NixString(out, context: context.stringContext))
            },
            stringPrimOp("__splitVersion", 1) { ev, a, pos throws(EvalError) in
                let version = try ev.stringsForceNoContext(a[0], .none, "while evaluating the first argument passed to builtins.splitVersion")
                var components: [Value] = []
                var p = 0
                while p < version.count {
                    let c = nextVersionComponent(version, &p)
                    if c.isEmpty { break }
                    components.append(.string(NixString(Array(c))))
                }
                return .list(NixList(components))
            },
            stringPrimOp("__compareVersions", 2) { ev, a, pos throws(EvalError) in
                let v1 = try ev.stringsForceNoContext(a[0], .none, "while evaluating the first argument passed to builtins.compareVersions")
                let v2 = try ev.stringsForceNoContext(a[1], .none, "while evaluating the second argument passed to builtins.compareVersions")
                return .int(Int64(compareVersions(v1, v2)))
            },
            stringPrimOp("__parseDrvName", 1) { ev, a, pos throws(EvalError) in
                let s = try ev.stringsForceNoContext(a[0], .none, "while evaluating the first argument passed to builtins.parseDrvName")
                var name = s[...], version: ArraySlice<UInt8> = []
                for i in 0..<s.count where s[i] == UInt8(ascii: "-") && i + 1 < s.count && !isASCIIAlpha(s[i + 1]) {
                    name = s[..<i]
                    version = s[(i + 1)...]
                    break
                }
                return .attrs(Attrs.unsorted([
                    Attr(name: ev.symbols.intern("name"), value: .string(NixString(Array(name))), pos: .none),
                    Attr(name: ev.symbols.intern("version"), value: .string(NixString(Array(version))), pos: .none),
                ]))
            },
            stringPrimOp("baseNameOf", 1) { ev, a, pos throws(EvalError) in
                let (bytes, context) = try ev.stringsCoerce(a[0], "while evaluating the first argument passed to builtins.baseNameOf", copyToStore: false)
                return .string(NixString(Array(legacyBaseNameOf(bytes)), context: context))
            },
            stringPrimOp("dirOf", 1) { ev, a, pos throws(EvalError) in
                let w = try ev.force(a[0], .none)
                if case .path(let p) = w {
                    return .path(NixPath(Array(directoryPart(p.bytes) ?? [UInt8(ascii: "/")])))
                }
                let (bytes, context) = try ev.stringsCoerce(w, "while evaluating the first argument passed to 'builtins.dirOf'", copyToStore: false)
                let dir: ArraySlice<UInt8> = directoryPart(bytes) ?? [UInt8(ascii: ".")]
                return .string(NixString(Array(dir), context: context))
            },
            stringPrimOp("__toPath", 1) { ev, a, pos throws(EvalError) in
                let context = "while evaluating the first argument passed to builtins.toPath"
                let (bytes, c) = try ev.stringsCoerce(a[0], context, copyToStore: false)
                guard bytes.first == UInt8(ascii: "/") else {
                    throw EvalError("string '\(String(decoding: bytes, as: UTF8.self))' doesn't represent an absolute path")
                        .addTrace(context)
                }
                return .string(NixString(Parser.canonicalize(bytes[...], trailingSlash: false), context: c))
            },

            // MARK: Context
            stringPrimOp("__unsafeDiscardStringContext", 1) { ev, a, pos throws(EvalError) in
                let w = try ev.force(a[0], .none)
                if case .string(let s) = w, s.context.isEmpty { return w }
                let (bytes, _) = try ev.stringsCoerce(w, "while evaluating the argument passed to builtins.unsafeDiscardStringContext")
                return .string(NixString(bytes))
            },
            stringPrimOp("__hasContext", 1) { ev, a, pos throws(EvalError) in
                .bool(!(try ev.forceString(a[0], .none, "while evaluating the argument passed to builtins.hasContext").context.isEmpty))
            },
            stringPrimOp("__getContext", 1) { ev, a, pos throws(EvalError) in
                let s = try ev.forceString(a[0], .none, "while evaluating the argument passed to builtins.getContext")
                return getContext(ev, s.context)
            },
            stringPrimOp("__appendContext", 2) { ev, a, pos throws(EvalError) in
                try appendContext(ev, a)
            },
            stringPrimOp("__unsafeDiscardOutputDependency", 1) { ev, a, pos throws(EvalError) in
                let (bytes, context) = try ev.stringsCoerce(
                    a[0], "while evaluating the argument passed to builtins.unsafeDiscardOutputDependency")
                var out = ContextAccumulator()
                for e in context.elements {
                    if e.first == UInt8(ascii: "=") { out.insert(Array(e.dropFirst())) } else { out.insert(e) }
                }
                return .string(NixString(bytes, context: out.stringContext))
            },
            stringPrimOp("__addDrvOutputDependencies", 1) { ev, a, pos throws(EvalError) in
                let (bytes, context) = try ev.stringsCoerce(
                    a[0], "while evaluating the argument passed to builtins.addDrvOutputDependencies")
                guard context.elements.count == 1 else {
                    throw EvalError("context of string '\(String(decoding: bytes, as: UTF8.self))' must have exactly one element, but has \(context.elements.count)")
                }
                let e = context.elements[0]
                switch e.first {
                case UInt8(ascii: "="):
                    return .string(NixString(bytes, context: context))
                case UInt8(ascii: "!"):
                    let output = e.dropFirst().prefix(while: { $0 != UInt8(ascii: "!") })
                    throw EvalError("`addDrvOutputDependencies` can only act on derivations, not on a derivation output such as '\(String(decoding: output, as: UTF8.self))'")
                default:
                    guard e.count >= 4 && e.suffix(4).elementsEqual(".drv".utf8) else {
                        throw EvalError("path '\(String(decoding: e, as: UTF8.self))' is not a derivation")
                    }
                    return .string(NixString(bytes, context: StringContext(elements: [[UInt8(ascii: "=")] + e])))
                }
            },

            // MARK: Hashes
            stringPrimOp("__hashString", 2) { ev, a, pos throws(EvalError) in
                let name = try ev.stringsForceNoContext(a[0], .none, "while evaluating the first argument passed to builtins.hashString")
                let algorithm = try parseHashAlgorithm(name)
                let s = try ev.forceString(a[1], .none, "while evaluating the second argument passed to builtins.hashString")
                return .string(NixString(Base16.encodedBytes(Digest.hash(algorithm, s.bytes).bytes)))
            },
            stringPrimOp("__hashFile", 2) { ev, a, pos throws(EvalError) in
                let name = try ev.stringsForceNoContext(a[0], .none, "while evaluating the first argument passed to builtins.hashFile")
                let algorithm = try parseHashAlgorithm(name)
                let path = try ev.realisePath(a[1], .none, "while evaluating the second argument passed to builtins.hashFile")
                var st = stat()
                if lstat(path, &st) != 0 && errno == ENOENT { throw EvalError("path '\(path)' does not exist") }
                do throws(SystemError) {
                    return .string(NixString(try Digest.hashFile(algorithm, path: path).base16))
                } catch {
                    throw EvalError(error.message)
                }
            },
            stringPrimOp("__convertHash", 1) { ev, a, pos throws(EvalError) in
                try convertHash(ev, a[0])
            },

            // MARK: Regular expressions
            stringPrimOp("__match", 2) { ev, a, pos throws(EvalError) in
                let pattern = try ev.stringsForceNoContext(a[0], .none, "while evaluating the first argument passed to builtins.match")
                let re = try regexes.get(pattern)
                let s = try ev.forceString(a[1], .none, "while evaluating the second argument passed to builtins.match")
                guard let groups = try re.wholeMatch(s.bytes, ev.stack) else { return .null }
                return .list(NixList(groupValues(groups, s.bytes)))
            },
            stringPrimOp("__split", 2) { ev, a, pos throws(EvalError) in
                let pattern = try ev.stringsForceNoContext(a[0], .none, "while evaluating the first argument passed to builtins.split")
                let re = try regexes.get(pattern)
                let s = try ev.forceString(a[1], .none, "while evaluating the second argument passed to builtins.split")
                let matches = try re.allMatches(s.bytes, ev.stack)
                if matches.isEmpty { return .list(NixList([a[1]])) }
                var out: [Value] = []
                out.reserveCapacity(2 * matches.count + 1)
                for m in matches {
                    out.append(.string(NixString(Array(s.bytes[m.prefixStart..<m.groups[0].start]))))
                    out.append(.list(NixList(groupValues(m.groups, s.bytes))))
                }
                out.append(.string(NixString(Array(s.bytes[matches[matches.count - 1].groups[0].end...]))))
                return .list(NixList(out))
            },
        ]
    }
}

// MARK: - Helpers shared by the primops


/// A primop of this family. (The evaluator adds the "while calling the 'NAME'
/// builtin" frame to errors raised inside any primop.)
private func stringPrimOp(_ name: String, _ arity: Int,
                          _ body: @escaping (Evaluator, PrimOpArgs, Pos) throws(EvalError) -> Value) -> PrimOp {
    PrimOp(name, arity: arity, body)
}

extension Evaluator {
    /// CppNix's `coerceToString(noPos, v, context, errorCtx)` without `coerceMore`:
    /// strings, paths, and sets with `__toString` or `outPath`. With `copyToStore`
    /// (CppNix's default) a path becomes the store path it is copied to, with that
    /// path as context, as in string interpolation.
    fileprivate func stringsCoerce(_ v: Value, _ errorContext: String,
                                   copyToStore: Bool = true) throws(EvalError) -> ([UInt8], StringContext) {
        try coerceToString(v, .none, errorContext, interpolation: true, copyToStore: copyToStore)
    }

    /// CppNix's `forceStringNoCtx`: a string that must not refer to store paths.
    fileprivate func stringsForceNoContext(_ v: Value, _ pos: Pos, _ errorContext: String) throws(EvalError) -> [UInt8] {
        let s = try forceString(v, pos, errorContext)
        if !s.context.isEmpty {
            throw EvalError("the string '\(s.string)' is not allowed to refer to a store path (such as '\(displayContextElement(firstContextElement(s.context)))')")
                .addTrace(errorContext, at: pos)
        }
        return s.bytes
    }
}

/// The element CppNix would name first: plain paths, then whole derivations, then outputs.
private func firstContextElement(_ c: StringContext) -> [UInt8] {
    c.elements.first { $0.first == UInt8(ascii: "/") }
        ?? c.elements.first { $0.first == UInt8(ascii: "=") }
        ?? c.elements[0]
}

/// `NixStringContextElem::display`: `/nix/store/…`, `/nix/store/….drv (deep)`, `/nix/store/….drv^out`.
private func displayContextElement(_ e: [UInt8]) -> String {
    switch e.first {
    case UInt8(ascii: "="):
        return String(decoding: e.dropFirst(), as: UTF8.self) + " (deep)"
    case UInt8(ascii: "!"):
        let rest = e.dropFirst()
        guard let bang = rest.firstIndex(of: UInt8(ascii: "!")) else { return String(decoding: e, as: UTF8.self) }
        return String(decoding: rest[(bang + 1)...], as: UTF8.self) + "^" + String(decoding: rest[..<bang], as: UTF8.self)
    default:
        return String(decoding: e, as: UTF8.self)
    }
}

private func isASCIIAlpha(_ c: UInt8) -> Bool {
    (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z")
}

private func isASCIIDigit(_ c: UInt8) -> Bool {
    c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")
}

// MARK: - replaceStrings

/// The patterns of a `replaceStrings` call, prepared for scanning. `replaceStrings
/// from to` is usually applied to many strings (`lib.toUpper`, escaping helpers):
/// the evaluator keeps the last one, found again by the `from` list (held, so
/// that its identity stays valid; its elements never change once forced) or by
/// the patterns themselves (a list literal is a new list at every call).
final class ReplacementPatterns {
    let list: NixList
    let from: [[UInt8]]
    /// Whether a pattern starts with this byte; all true if a pattern is empty.
    let canStart: [Bool]
    let anyEmpty: Bool
    /// The patterns starting with byte `b`, in list order (the first that matches
    /// wins): `byFirstByte[bucketStart[b]..<bucketStart[b + 1]]`. At a position
    /// only these are tried, not every pattern (`lib.toUpper` has 26).
    let bucketStart: [Int]
    let byFirstByte: [Int]

    static let forcingContext = "while evaluating one of the strings to replace passed to builtins.replaceStrings"

    /// Whether `list` holds these patterns: it is the list they were made from,
    /// or its strings are the same. A list literal is a new list at every call
    /// (`replaceStrings [ "'" ] [ "'\\''" ] arg` in a function), and preparing
    /// its tables anew cost three times CppNix's whole call. The strings are
    /// forced in order, as making the patterns forces them.
    func holdsPatterns(of list: NixList, _ ev: Evaluator) throws(EvalError) -> Bool {
        if self.list.isIdentical(to: list) { return true }
        if list.count != from.count { return false }
        return try list.elements.withUnsafeBufferPointer { (elements) throws(EvalError) -> Bool in
            for k in 0..<elements.count {
                let s = try ev.forceString(elements[k], .none, ReplacementPatterns.forcingContext)
                if s.bytes != from[k] { return false }
            }
            return true
        }
    }

    init(list: NixList, from: [[UInt8]]) {
        self.list = list
        self.from = from
        anyEmpty = from.contains { $0.isEmpty }
        var canStart = [Bool](repeating: false, count: 256)
        var counts = [Int](repeating: 0, count: 257)
        for pattern in from where !pattern.isEmpty {
            canStart[Int(pattern[0])] = true
            counts[Int(pattern[0]) + 1] += 1
        }
        self.canStart = canStart
        for b in 0..<256 { counts[b + 1] += counts[b] }
        bucketStart = counts
        var next = counts
        var items = [Int](repeating: 0, count: counts[256])
        for (j, pattern) in from.enumerated() where !pattern.isEmpty {
            items[next[Int(pattern[0])]] = j
            next[Int(pattern[0])] += 1
        }
        byFirstByte = items
    }
}

private func replaceStrings(_ ev: Evaluator, _ a: PrimOpArgs) throws(EvalError) -> Value {
    let fromList = try ev.forceList(a[0], .none, "while evaluating the first argument passed to builtins.replaceStrings")
    let toList = try ev.forceList(a[1], .none, "while evaluating the second argument passed to builtins.replaceStrings")
    if fromList.count != toList.count {
        throw EvalError("'from' and 'to' arguments passed to builtins.replaceStrings have different lengths")
    }
    let patterns: ReplacementPatterns
    if let cached = ev.lastReplacementPatterns, try cached.holdsPatterns(of: fromList, ev) {
        patterns = cached
    } else {
        var from: [[UInt8]] = []
        from.reserveCapacity(fromList.count)
        for e in fromList.elements {
            from.append(try ev.forceString(e, .none, ReplacementPatterns.forcingContext).bytes)
        }
        patterns = ReplacementPatterns(list: fromList, from: from)
        ev.lastReplacementPatterns = patterns
    }
    let from = patterns.from
    let input = try ev.forceString(a[2], .none, "while evaluating the third argument passed to builtins.replaceStrings")
    if from.isEmpty { return .string(input) }
    let s = input.bytes
    // Positions where no pattern can start are copied in runs: a pattern
    // starts with a byte marked here (an empty one anywhere).
    let anyEmpty = patterns.anyEmpty
    let canStart = patterns.canStart
    if !anyEmpty && !s.contains(where: { canStart[Int($0)] }) { return .string(input) }
    var context = ContextAccumulator()
    context.insert(contentsOf: input.context)
    // Replacements are forced only when their pattern occurs, once each. Kept in
    // stack memory: an array of them (`Array(repeating:count:)` even ran
    // unspecialised, a generic metadata lookup per call) was an allocation per call.
    return try withUnsafeTemporaryAllocation(of: NixString?.self, capacity: from.count) { (buffer) throws(EvalError) -> Value in
        let replacements = buffer.baseAddress.unsafelyUnwrapped
        replacements.initialize(repeating: nil, count: from.count)
        defer { replacements.deinitialize(count: from.count) }
        return try replace(s, input, patterns, toList, replacements, &context, ev)
    }
}

/// `replaceStrings`' scan of `s` (the bytes of `input`), with `replacements[j]`
/// the forced replacement of pattern `j` once needed.
private func replace(_ s: [UInt8], _ input: NixString, _ patterns: ReplacementPatterns, _ toList: NixList,
                     _ replacements: UnsafeMutablePointer<NixString?>, _ context: inout ContextAccumulator,
                     _ ev: Evaluator) throws(EvalError) -> Value {
    let from = patterns.from, anyEmpty = patterns.anyEmpty, canStart = patterns.canStart
    func replacement(_ j: Int) throws(EvalError) -> NixString {
        if let r = replacements[j] { return r }
        let r = try ev.forceString(toList.elements[j], .none,
                                   "while evaluating one of the replacement strings passed to builtins.replaceStrings")
        replacements[j] = r
        context.insert(contentsOf: r.context)
        return r
    }
    var out: [UInt8] = []
    out.reserveCapacity(s.count)
    var changed = false
    var p = 0
    if !anyEmpty {
        // No empty pattern: runs of bytes no pattern starts with are copied whole,
        // and at a position only the patterns starting with its byte are tried.
        let bucketStart = patterns.bucketStart, byFirstByte = patterns.byFirstByte
        try s.withUnsafeBufferPointer { (b) throws(EvalError) in
            while p < b.count {
                var q = p
                while q < b.count && !canStart[Int(b[q])] { q += 1 }
                if q > p {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[p..<q]))
                    p = q
                }
                if p == b.count { break }
                var matched = -1
                for k in bucketStart[Int(b[p])]..<bucketStart[Int(b[p]) + 1] {
                    let j = byFirstByte[k]
                    if b.count - p >= from[j].count && startsWith(s, at: p, from[j]) {
                        matched = j
                        break
                    }
                }
                if matched < 0 {
                    out.append(b[p])
                    p += 1
                    continue
                }
                changed = true
                out.append(contentsOf: try replacement(matched).bytes)
                p += from[matched].count
            }
        }
        if !changed { return .string(input) }
        return .string(NixString(out, context: context.stringContext))
    }
    // With an empty pattern, every position (and one step past the end, where an
    // empty pattern also matches) tries every pattern in order.
    while p <= s.count {
        var found = false
        for (j, pattern) in from.enumerated() where s.count - p >= pattern.count && startsWith(s, at: p, pattern) {
            found = true
            changed = true
            out.append(contentsOf: try replacement(j).bytes)
            if pattern.isEmpty {
                if p < s.count { out.append(s[p]) }
                p += 1
            } else {
                p += pattern.count
            }
            break
        }
        if !found {
            if p < s.count { out.append(s[p]) }
            p += 1
        }
    }
    if !changed { return .string(input) }
    return .string(NixString(out, context: context.stringContext))
}

@inline(__always)
private func startsWith(_ s: [UInt8], at p: Int, _ pattern: [UInt8]) -> Bool {
    var k = 0
    while k < pattern.count {
        if s[p + k] != pattern[k] { return false }
        k += 1
    }
    return true
}

// MARK: - Versions (CppNix names.cc)

/// The next version component after `p`: a run of digits or a run of other
/// characters, skipping `.` and `-` separators before it; empty at the end.
private func nextVersionComponent(_ v: [UInt8], _ p: inout Int) -> ArraySlice<UInt8> {
    while p < v.count && (v[p] == UInt8(ascii: ".") || v[p] == UInt8(ascii: "-")) { p += 1 }
    let start = p
    if p == v.count { return v[start..<start] }
    if isASCIIDigit(v[p]) {
        while p < v.count && isASCIIDigit(v[p]) { p += 1 }
    } else {
        while p < v.count && !isASCIIDigit(v[p]) && v[p] != UInt8(ascii: ".") && v[p] != UInt8(ascii: "-") { p += 1 }
    }
    return v[start..<p]
}

/// `string2Int<int>`: an all-digit component that fits in a C `int`.
private func componentNumber(_ c: ArraySlice<UInt8>) -> Int32? {
    if c.isEmpty { return nil }
    var n: Int32 = 0
    for d in c {
        guard isASCIIDigit(d) else { return nil }
        let (m, o1) = n.multipliedReportingOverflow(by: 10)
        let (r, o2) = m.addingReportingOverflow(Int32(d - UInt8(ascii: "0")))
        if o1 || o2 { return nil }
        n = r
    }
    return n
}

/// Whether a version component is `pre`. (Compared with a literal, a small string
/// stored inline: a stored array would be shared by evaluators on several threads,
/// whose reference counts are not atomic in this module, and a computed one would
/// be made on every comparison.)
private func isPre(_ c: ArraySlice<UInt8>) -> Bool { c.elementsEqual("pre".utf8) }

private func componentsLessThan(_ c1: ArraySlice<UInt8>, _ c2: ArraySlice<UInt8>) -> Bool {
    let n1 = componentNumber(c1), n2 = componentNumber(c2)
    if let n1, let n2 { return n1 < n2 }
    if c1.isEmpty && n2 != nil { return true }
    if isPre(c1) && !isPre(c2) { return true }
    if isPre(c2) { return false }
    // `2.3a` < `2.3.1`.
    if n2 != nil { return true }
    if n1 != nil { return false }
    return c1.lexicographicallyPrecedes(c2)
}

/// -1, 0 or 1, as `nix-env -u` compares versions.
private func compareVersions(_ v1: [UInt8], _ v2: [UInt8]) -> Int {
    var p1 = 0, p2 = 0
    while p1 < v1.count || p2 < v2.count {
        let c1 = nextVersionComponent(v1, &p1)
        let c2 = nextVersionComponent(v2, &p2)
        if componentsLessThan(c1, c2) { return -1 }
        if componentsLessThan(c2, c1) { return 1 }
    }
    return 0
}

// MARK: - Paths as strings

/// Everything after the last slash, ignoring one trailing slash (CppNix's
/// `legacyBaseNameOf`: `baseNameOf "a//"` is "").
private func legacyBaseNameOf(_ path: [UInt8]) -> ArraySlice<UInt8> {
    if path.isEmpty { return [] }
    var last = path.count - 1
    if path[last] == UInt8(ascii: "/") && last > 0 { last -= 1 }
    var start = 0
    var k = last
    while k >= 0 {
        if path[k] == UInt8(ascii: "/") { start = k + 1; break }
        k -= 1
    }
    return path[start..<(last + 1)]
}

/// Everything before the last slash ("/" when that is the first byte), or nil
/// when there is no slash.
private func directoryPart(_ path: [UInt8]) -> ArraySlice<UInt8>? {
    guard let slash = path.lastIndex(of: UInt8(ascii: "/")) else { return nil }
    return slash == 0 ? path[0..<1] : path[..<slash]
}

// MARK: - Context introspection

/// `{ "/nix/store/…" = { path = true; allOutputs = true; outputs = [ … ]; }; }`.
private func getContext(_ ev: Evaluator, _ context: StringContext) -> Value {
    struct Info {
        var path = false
        var allOutputs = false
        var outputs: [Value] = []
    }
    var keys: [[UInt8]] = []
    var infos: [Info] = []
    var index: [[UInt8]: Int] = [:]
    func info(_ key: [UInt8]) -> Int {
        if let k = index[key] { return k }
        keys.append(key)
        infos.append(Info())
        index[key] = keys.count - 1
        return keys.count - 1
    }
    // Outputs of one derivation are listed in name order (the context is sorted).
    for e in context.elements {
        switch e.first {
        case UInt8(ascii: "="):
            infos[info(Array(e.dropFirst()))].allOutputs = true
        case UInt8(ascii: "!"):
            let rest = e.dropFirst()
            guard let bang = rest.firstIndex(of: UInt8(ascii: "!")) else { continue }
            let drv = rest[(bang + 1)...]
            // Outputs of outputs (dynamic derivations) name the innermost derivation.
            let path = drv.lastIndex(of: UInt8(ascii: "!")).map { drv[($0 + 1)...] } ?? drv
            infos[info(Array(path))].outputs.append(.string(NixString(Array(rest[..<bang]))))
        default:
            infos[info(e)].path = true
        }
    }
    let sPath = ev.symbols.intern("path"), sAll = ev.symbols.intern("allOutputs"), sOutputs = ev.symbols.intern("outputs")
    var attrs: [Attr] = []
    attrs.reserveCapacity(keys.count)
    for (k, key) in keys.enumerated() {
        var inner: [Attr] = []
        if infos[k].path { inner.append(Attr(name: sPath, value: .bool(true), pos: .none)) }
        if infos[k].allOutputs { inner.append(Attr(name: sAll, value: .bool(true), pos: .none)) }
        if !infos[k].outputs.isEmpty { inner.append(Attr(name: sOutputs, value: .list(NixList(infos[k].outputs)), pos: .none)) }
        attrs.append(Attr(name: ev.symbols.intern(key), value: .attrs(Attrs.unsorted(inner)), pos: .none))
    }
    return .attrs(Attrs.unsorted(attrs))
}

/// `appendContext s { "/nix/store/…" = { path = …; allOutputs = …; outputs = […]; }; }`.
private func appendContext(_ ev: Evaluator, _ a: PrimOpArgs) throws(EvalError) -> Value {
    let s = try ev.forceString(a[0], .none, "while evaluating the first argument passed to builtins.appendContext")
    let attrs = try ev.forceAttrs(a[1], .none, "while evaluating the second argument passed to builtins.appendContext")
    let sPath = ev.symbols.intern("path"), sAll = ev.symbols.intern("allOutputs"), sOutputs = ev.symbols.intern("outputs")
    var context = ContextAccumulator()
    context.insert(contentsOf: s.context)
    for attr in attrs.attrs {
        let nameBytes = Array(ev.symbols.bytes(attr.name))
        let name = String(decoding: nameBytes, as: UTF8.self)
        guard StoreDirectory.default.isStorePath(name) else {
            throw EvalError("context key '\(name)' is not a store path", at: attr.pos)
        }
        let isDerivation = name.hasSuffix(".drv")
        let value = try ev.forceAttrs(attr.value, attr.pos, "while evaluating the value of a string context")
        if let p = value.attr(sPath),
           try ev.forceBool(p.value, p.pos, "while evaluating the `path` attribute of a string context") {
            context.insert(nameBytes)
        }
        if let all = value.attr(sAll),
           try ev.forceBool(all.value, all.pos, "while evaluating the `allOutputs` attribute of a string context") {
            guard isDerivation else {
                throw EvalError("tried to add all-outputs context of \(name), which is not a derivation, to a string", at: attr.pos)
            }
            context.insert([UInt8(ascii: "=")] + nameBytes)
        }
        if let outputs = value.attr(sOutputs) {
            let list = try ev.forceList(outputs.value, outputs.pos, "while evaluating the `outputs` attribute of a string context")
            if list.count > 0 && !isDerivation {
                throw EvalError("tried to add derivation output context of \(name), which is not a derivation, to a string",
                                at: attr.pos)
            }
            for e in list.elements {
                let output = try ev.stringsForceNoContext(e, outputs.pos, "while evaluating an output name within a string context")
                context.insert([UInt8(ascii: "!")] + output + [UInt8(ascii: "!")] + nameBytes)
            }
        }
    }
    return .string(NixString(s.bytes, context: context.stringContext))
}

// MARK: - Hashes

/// CppNix's `parseHashAlgo`; unknown names are usage errors.
private func parseHashAlgorithm(_ name: [UInt8]) throws(EvalError) -> HashAlgorithm {
    if let algorithm = HashAlgorithm(nameBytes: name) { return algorithm }
    throw unknownHashAlgorithm(String(decoding: name, as: UTF8.self))
}

private func unknownHashAlgorithm(_ name: String) -> EvalError {
    if name == "blake3" {
        return EvalError("experimental Nix feature 'blake3-hashes' is disabled; add '--extra-experimental-features blake3-hashes' to enable it")
    }
    return EvalError("unknown hash algorithm '\(name)', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'", kind: .usage)
}

/// Writes a warning the way CppNix's logger does (standard error, `warning: ` prefix).
private func printWarning(_ message: String) {
    let bytes = Array("warning: \(message)\n".utf8)
    bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
}

private func convertHash(_ ev: Evaluator, _ arg: Value) throws(EvalError) -> Value {
    let attrs = try ev.forceAttrs(arg, .none, "while evaluating the first argument passed to builtins.convertHash")
    let sHash = ev.symbols.intern("hash")
    guard let hashValue = attrs.get(sHash) else {
        throw EvalError("attribute 'hash' missing", kind: .typeError).addTrace("while locating the attribute 'hash'")
    }
    let hashText = String(decoding: try ev.stringsForceNoContext(hashValue, .none, "while evaluating the attribute 'hash'"),
                          as: UTF8.self)
    var algorithm: HashAlgorithm?
    if let algo = attrs.get(ev.symbols.intern("hashAlgo")) {
        algorithm = try parseHashAlgorithm(try ev.stringsForceNoContext(algo, .none, "while evaluating the attribute 'hashAlgo'"))
    }
    guard let formatValue = attrs.get(ev.symbols.intern("toHashFormat")) else {
        throw EvalError("attribute 'toHashFormat' missing", kind: .typeError).addTrace("while locating the attribute 'toHashFormat'")
    }
    let formatName = String(decoding: try ev.stringsForceNoContext(formatValue, .none, "while evaluating the attribute 'toHashFormat'"),
                            as: UTF8.self)
    let format: HashFormat
    switch formatName {
    case "base16": format = .base16
    case "nix32": format = .nix32
    case "base32":
        printWarning("\"base32\" is a deprecated alias for hash format \"nix32\".")
        format = .nix32
    case "base64": format = .base64
    case "sri": format = .sri
    default:
        throw EvalError("unknown hash format '\(formatName)', expect 'base16', 'base32', 'base64', or 'sri'")
    }
    let hash: Hash
    do {
        hash = try Hash.parseAny(hashText, algorithm: algorithm)
    } catch {
        if error.kind == .unknownAlgorithm, let name = quotedName(error.message) {
            throw unknownHashAlgorithm(name)
        }
        throw EvalError(error.message)
    }
    return .string(NixString(hash.toString(format, includeAlgorithm: format == .sri)))
}

/// The text between the first pair of single quotes.
private func quotedName(_ message: String) -> String? {
    let parts = message.split(separator: "'", omittingEmptySubsequences: false)
    return parts.count >= 3 ? String(parts[1]) : nil
}

// MARK: - Regular expressions

/// Compiled regular expressions by pattern. CppNix keeps the same cache per
/// evaluator; patterns are few and reused constantly (`lib` functions).
private final class RegexCache {
    private var byPattern: [[UInt8]: NixRegex] = [:]
    private var lastPattern: [UInt8] = []
    private var last: NixRegex?

    func get(_ pattern: [UInt8]) throws(EvalError) -> NixRegex {
        if let last, pattern == lastPattern { return last }
        let re: NixRegex
        if let cached = byPattern[pattern] {
            re = cached
        } else {
            do {
                re = try NixRegex(pattern)
            } catch {
                let text = String(decoding: pattern, as: UTF8.self)
                throw EvalError(error.outOfSpace ? "memory limit exceeded by regular expression '\(text)'"
                                                 : "invalid regular expression '\(text)'")
            }
            byPattern[pattern] = re
        }
        lastPattern = pattern
        last = re
        return re
    }
}

/// The capture groups (1…) of a match as Nix values: strings, or null when a
/// group did not take part in the match.
private func groupValues(_ groups: [RegexGroup], _ s: [UInt8]) -> [Value] {
    var out: [Value] = []
    out.reserveCapacity(groups.count - 1)
    for g in groups.dropFirst() {
        out.append(g.matched ? .string(NixString(Array(s[g.start..<g.end]))) : .null)
    }
    return out
}

/// A capture: the byte range it matched, if it took part in the match.
private struct RegexGroup {
    var start: Int
    var end: Int
    var matched: Bool
}

/// A match found by `split`: where the text before it starts, and its groups.
private struct RegexMatch {
    var prefixStart: Int
    var groups: [RegexGroup]
}

private struct RegexCompileError: Error {
    /// Too many states (CppNix reports "memory limit exceeded").
    var outOfSpace = false
}

/// A POSIX extended regular expression with the semantics CppNix gets from
/// libstdc++'s `std::regex(…, std::regex::extended)`: the same grammar (and
/// the same patterns rejected, e.g. `\w` or `a{,2}`), the same NFA, and the same
/// depth-first matcher, which keeps the longest match over alternatives but
/// takes the first (greedy, leftmost-alternative) way to reach it — so capture
/// groups come out exactly as in Nix (`match "(a|ab)(c|bcd)(d*)" "abcd"` is
/// `[ "a" "bcd" "" ]`, not POSIX's leftmost-longest subexpressions).
private final class NixRegex {
    enum Op: UInt8 {
        case alternative, repetition, subexprBegin, subexprEnd, lineBegin, lineEnd, match, accept, dummy
    }

    struct State {
        var op: Op
        /// The following state ("leave the loop" for a repetition, right branch for `|`).
        var next: Int32 = -1
        /// "Once more" for a repetition, left branch for `|`.
        var alt: Int32 = -1
        /// Group number (subexpression states) or byte-set index (match states).
        var arg: Int32 = 0
    }

    fileprivate(set) var states: [State] = []
    /// 256-bit byte sets, four words each, for the match states.
    fileprivate(set) var sets: [UInt64] = []
    /// Number of groups, counting group 0 (the whole match).
    fileprivate(set) var groupCount = 0

    /// libstdc++'s `_GLIBCXX_REGEX_STATE_LIMIT`.
    static let stateLimit = 100_000

    /// The bytes a match can start with (four words), or nil when the expression
    /// can match the empty string. A search skips the positions whose byte is not in
    /// the set: the matcher would fail there after its first step anyway, so the
    /// matches found are the same (`split` on a long text tries every position).
    fileprivate(set) var firstBytes: [UInt64]?

    init(_ pattern: [UInt8]) throws(RegexCompileError) {
        var compiler = RegexCompiler(pattern, self)
        try compiler.compile()
        firstBytes = computeFirstBytes()
    }

    /// The union of the byte sets of the match states reachable from the start
    /// without consuming input; nil if `accept` or `$` is reachable that way.
    /// (`^` is passed through: a superset of the possible first bytes is still exact
    /// for skipping.)
    private func computeFirstBytes() -> [UInt64]? {
        var first = [UInt64](repeating: 0, count: 4)
        var seen = [Bool](repeating: false, count: states.count)
        var work = [0]
        while let i = work.popLast() {
            guard i >= 0, !seen[i] else { continue }
            seen[i] = true
            let s = states[i]
            switch s.op {
            case .accept, .lineEnd:
                return nil
            case .match:
                for w in 0..<4 { first[w] |= sets[Int(s.arg) * 4 + w] }
            case .alternative, .repetition:
                work.append(Int(s.next))
                work.append(Int(s.alt))
            case .subexprBegin, .subexprEnd, .lineBegin, .dummy:
                work.append(Int(s.next))
            }
        }
        return first
    }

    /// Scratch space of the matcher, allocated on first use and kept: matching
    /// never re-enters the evaluator, so one set per expression suffices.
    fileprivate var scratch: RegexScratch?

    deinit {
        scratch?.deallocate()
    }

    private func withExecutor<R>(_ s: [UInt8], _ guardian: StackGuard,
                                 _ body: (inout RegexExecutor) -> R) throws(EvalError) -> R {
        if scratch == nil { scratch = RegexScratch(self) }
        let scratch = self.scratch!
        let (r, overflow) = s.withUnsafeBufferPointer { str in
            var ex = RegexExecutor(scratch, str, guardian)
            let r = body(&ex)
            return (r, ex.overflow)
        }
        if overflow {
            throw EvalError("stack overflow; max-call-depth exceeded", kind: .stackOverflow)
        }
        return r
    }

    /// `std::regex_match`: the groups if the whole of `s` matches.
    func wholeMatch(_ s: [UInt8], _ guardian: StackGuard) throws(EvalError) -> [RegexGroup]? {
        try withExecutor(s, guardian) { ex in
            ex.matchWhole() ? ex.resultGroups() : nil
        }
    }

    /// The matches `std::cregex_iterator` visits, in order.
    func allMatches(_ s: [UInt8], _ guardian: StackGuard) throws(EvalError) -> [RegexMatch] {
        try withExecutor(s, guardian) { ex in
            var out: [RegexMatch] = []
            var prevAvail = false
            guard ex.search(from: 0, prevAvail: false, notNull: false, continuous: false) else { return out }
            var groups = ex.resultGroups()
            out.append(RegexMatch(prefixStart: 0, groups: groups))
            while true {
                let whole = groups[0]
                var start = whole.end
                let prefixStart = whole.end
                if whole.start == whole.end {
                    if start == s.count { break }
                    if ex.search(from: start, prevAvail: prevAvail, notNull: true, continuous: true) {
                        groups = ex.resultGroups()
                        out.append(RegexMatch(prefixStart: prefixStart, groups: groups))
                        continue
                    }
                    start += 1
                }
                prevAvail = true
                guard ex.search(from: start, prevAvail: true, notNull: false, continuous: false) else { break }
                groups = ex.resultGroups()
                out.append(RegexMatch(prefixStart: prefixStart, groups: groups))
            }
            return out
        }
    }
}

/// C-locale character classes (`<ctype.h>` in the "C" locale, as libstdc++'s
/// `regex_traits` sees them with the classic locale).
private enum CharClass {
    static let upper: UInt16 = 1, lower: UInt16 = 2, alpha: UInt16 = 4, digit: UInt16 = 8, xdigit: UInt16 = 16
    static let space: UInt16 = 32, print: UInt16 = 64, cntrl: UInt16 = 128, punct: UInt16 = 256, blank: UInt16 = 512
    static let underscore: UInt16 = 1024

    static func mask(_ c: UInt8) -> UInt16 {
        var m: UInt16 = 0
        if c >= 0x80 { return 0 }
        if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") { m |= upper | alpha }
        if c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") { m |= lower | alpha }
        if isASCIIDigit(c) { m |= digit | xdigit }
        if (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F")) { m |= xdigit }
        if c == 32 || (c >= 9 && c <= 13) { m |= space }
        if c == 32 || c == 9 { m |= blank }
        if c >= 32 && c < 127 { m |= print }
        if c < 32 || c == 127 { m |= cntrl }
        if c > 32 && c < 127 && m & (alpha | digit) == 0 { m |= punct }
        return m
    }

    /// `regex_traits::lookup_classname` (names are lower-cased first); 0 if unknown.
    static func named(_ name: [UInt8]) -> UInt16 {
        let lowered = String(decoding: name.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
        switch lowered {
        case "d", "digit": return digit
        case "w": return alpha | digit | underscore
        case "s", "space": return space
        case "alnum": return alpha | digit
        case "alpha": return alpha
        case "blank": return blank
        case "cntrl": return cntrl
        case "graph": return alpha | digit | punct
        case "lower": return lower
        case "print": return print
        case "punct": return punct
        case "upper": return upper
        case "xdigit": return xdigit
        default: return 0
        }
    }

    static func matches(_ c: UInt8, _ m: UInt16) -> Bool {
        if mask(c) & m & ~underscore != 0 { return true }
        return m & underscore != 0 && c == UInt8(ascii: "_")
    }
}

/// `regex_traits::lookup_collatename`: the POSIX names of the ASCII characters.
private var collatingNames: [String] { [
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "alert", "backspace", "tab", "newline", "vertical-tab",
    "form-feed", "carriage-return", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN",
    "EM", "SUB", "ESC", "IS4", "IS3", "IS2", "IS1", "space", "exclamation-mark", "quotation-mark", "number-sign",
    "dollar-sign", "percent-sign", "ampersand", "apostrophe", "left-parenthesis", "right-parenthesis", "asterisk",
    "plus-sign", "comma", "hyphen", "period", "slash", "zero", "one", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "colon", "semicolon", "less-than-sign", "equals-sign", "greater-than-sign",
    "question-mark", "commercial-at", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O",
    "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "left-square-bracket", "backslash",
    "right-square-bracket", "circumflex", "underscore", "grave-accent", "a", "b", "c", "d", "e", "f", "g", "h",
    "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z",
    "left-curly-bracket", "vertical-line", "right-curly-bracket", "tilde", "DEL",
] }

private func collatingElement(_ name: [UInt8]) -> UInt8? {
    let text = String(decoding: name, as: UTF8.self)
    return collatingNames.firstIndex(of: text).map { UInt8($0) }
}

/// Scanner and compiler of libstdc++'s `std::regex` for the POSIX extended
/// grammar (`_Scanner`, `_Compiler`, `_NFA`), building `NixRegex`'s states.
private struct RegexCompiler {
    enum Token: Equatable {
        case anychar, ordChar, subexprBegin, subexprEnd, bracketBegin, bracketNegBegin, bracketEnd
        case intervalBegin, intervalEnd, charClassName, collSymbol, equivClassName, opt, or, closure0, closure1
        case lineBegin, lineEnd, comma, dupCount, eof, bracketDash
    }

    enum ScanState { case normal, inBrace, inBracket }

    struct Seq {
        var start: Int
        var end: Int
    }

    /// What the last thing in a bracket expression was (`_BracketState`).
    enum BracketLast: Equatable {
        case none, char(UInt8), charClass
    }

    /// A bracket expression being built (`_BracketMatcher`).
    struct Bracket {
        var negated: Bool
        var chars: [UInt8] = []
        var ranges: [(Int8, Int8)] = []
        var classes: UInt16 = 0
        var equivalents: [UInt8] = []
    }

    let pattern: [UInt8]
    let re: NixRegex
    var cur = 0
    var scanState = ScanState.normal
    var atBracketStart = false
    var token = Token.eof
    var tokenValue: [UInt8] = []
    /// The value of the token last matched (`_Compiler::_M_value`).
    var value: [UInt8] = []
    var stack: [Seq] = []
    var parenStack: [Int] = []

    init(_ pattern: [UInt8], _ re: NixRegex) {
        self.pattern = pattern
        self.re = re
    }

    // MARK: Scanner

    /// Whether `c` is special in a regex (a literal, as in `isPre`).
    static func isSpecial(_ c: UInt8) -> Bool { ".[\\()*+?{|^$".utf8.contains(c) }

    mutating func advance() throws(RegexCompileError) {
        if cur == pattern.count {
            token = .eof
            return
        }
        switch scanState {
        case .normal: try scanNormal()
        case .inBracket: try scanInBracket()
        case .inBrace: try scanInBrace()
        }
    }

    mutating func scanNormal() throws(RegexCompileError) {
        let c = pattern[cur]
        cur += 1
        if c != 0 && !RegexCompiler.isSpecial(c) {
            token = .ordChar
            tokenValue = [c]
            return
        }
        switch c {
        case UInt8(ascii: "\\"):
            // In the extended grammar only special characters may be escaped
            // (libstdc++ built in strict mode rejects `\w`, `\1`, `\/`, …).
            guard cur < pattern.count else { throw RegexCompileError() }
            let e = pattern[cur]
            guard e != 0 && RegexCompiler.isSpecial(e) else { throw RegexCompileError() }
            token = .ordChar
            tokenValue = [e]
            cur += 1
        case UInt8(ascii: "("): token = .subexprBegin
        case UInt8(ascii: ")"): token = .subexprEnd
        case UInt8(ascii: "["):
            scanState = .inBracket
            atBracketStart = true
            if cur < pattern.count && pattern[cur] == UInt8(ascii: "^") {
                token = .bracketNegBegin
                cur += 1
            } else {
                token = .bracketBegin
            }
        case UInt8(ascii: "{"):
            scanState = .inBrace
            token = .intervalBegin
        case 0: throw RegexCompileError()
        case UInt8(ascii: "^"): token = .lineBegin
        case UInt8(ascii: "$"): token = .lineEnd
        case UInt8(ascii: "."): token = .anychar
        case UInt8(ascii: "*"): token = .closure0
        case UInt8(ascii: "+"): token = .closure1
        case UInt8(ascii: "?"): token = .opt
        case UInt8(ascii: "|"): token = .or
        default:
            token = .ordChar
            tokenValue = [c]
        }
    }

    mutating func scanInBracket() throws(RegexCompileError) {
        let c = pattern[cur]
        cur += 1
        if c == UInt8(ascii: "-") {
            token = .bracketDash
        } else if c == UInt8(ascii: "[") {
            guard cur < pattern.count else { throw RegexCompileError() }
            let kind = pattern[cur]
            switch kind {
            case UInt8(ascii: "."): token = .collSymbol
            case UInt8(ascii: ":"): token = .charClassName
            case UInt8(ascii: "="): token = .equivClassName
            default:
                token = .ordChar
                tokenValue = [c]
                atBracketStart = false
                return
            }
            cur += 1
            try eatClass(kind)
        } else if c == UInt8(ascii: "]") && !atBracketStart {
            token = .bracketEnd
            scanState = .normal
        } else {
            token = .ordChar
            tokenValue = [c]
        }
        atBracketStart = false
    }

    /// The name in `[:name:]`, `[.name.]` or `[=name=]`.
    mutating func eatClass(_ delimiter: UInt8) throws(RegexCompileError) {
        tokenValue = []
        while cur < pattern.count && pattern[cur] != delimiter {
            tokenValue.append(pattern[cur])
            cur += 1
        }
        guard cur < pattern.count else { throw RegexCompileError() }
        cur += 1
        guard cur < pattern.count, pattern[cur] == UInt8(ascii: "]") else { throw RegexCompileError() }
        cur += 1
    }

    mutating func scanInBrace() throws(RegexCompileError) {
        let c = pattern[cur]
        cur += 1
        if isASCIIDigit(c) {
            token = .dupCount
            tokenValue = [c]
            while cur < pattern.count && isASCIIDigit(pattern[cur]) {
                tokenValue.append(pattern[cur])
                cur += 1
            }
        } else if c == UInt8(ascii: ",") {
            token = .comma
        } else if c == UInt8(ascii: "}") {
            scanState = .normal
            token = .intervalEnd
        } else {
            throw RegexCompileError()
        }
    }

    // MARK: NFA

    mutating func insert(_ s: NixRegex.State) throws(RegexCompileError) -> Int {
        re.states.append(s)
        if re.states.count > NixRegex.stateLimit { throw RegexCompileError(outOfSpace: true) }
        return re.states.count - 1
    }

    mutating func insertMatcher(_ set: [UInt64]) throws(RegexCompileError) -> Int {
        let index = re.sets.count / 4
        re.sets.append(contentsOf: set)
        return try insert(NixRegex.State(op: .match, arg: Int32(index)))
    }

    mutating func insertSubexprBegin() throws(RegexCompileError) -> Int {
        let id = re.groupCount
        re.groupCount += 1
        parenStack.append(id)
        return try insert(NixRegex.State(op: .subexprBegin, arg: Int32(id)))
    }

    mutating func insertSubexprEnd() throws(RegexCompileError) -> Int {
        let id = parenStack.removeLast()
        return try insert(NixRegex.State(op: .subexprEnd, arg: Int32(id)))
    }

    mutating func insertDummy() throws(RegexCompileError) -> Int {
        try insert(NixRegex.State(op: .dummy))
    }

    mutating func insertRepeat(next: Int, alt: Int) throws(RegexCompileError) -> Int {
        try insert(NixRegex.State(op: .repetition, next: Int32(next), alt: Int32(alt)))
    }

    func hasAlt(_ s: NixRegex.State) -> Bool {
        s.op == .alternative || s.op == .repetition
    }

    mutating func append(_ seq: inout Seq, _ id: Int) {
        re.states[seq.end].next = Int32(id)
        seq.end = id
    }

    mutating func append(_ seq: inout Seq, _ other: Seq) {
        re.states[seq.end].next = Int32(other.start)
        seq.end = other.end
    }

    /// `_StateSeq::_M_clone`: copies the states reachable from `seq.start`
    /// (not following `seq.end`), in the same order, duplicates included.
    mutating func clone(_ seq: Seq) throws(RegexCompileError) -> Seq {
        var map: [Int: Int] = [:]
        var work = [seq.start]
        while let u = work.popLast() {
            let dup = re.states[u]
            let id = try insert(dup)
            map[u] = id
            if hasAlt(dup) && dup.alt != -1 && map[Int(dup.alt)] == nil { work.append(Int(dup.alt)) }
            if u == seq.end { continue }
            if dup.next != -1 && map[Int(dup.next)] == nil { work.append(Int(dup.next)) }
        }
        for (_, v) in map {
            let s = re.states[v]
            if s.next != -1 { re.states[v].next = Int32(map[Int(s.next)] ?? -1) }
            if hasAlt(s) && s.alt != -1 { re.states[v].alt = Int32(map[Int(s.alt)] ?? -1) }
        }
        return Seq(start: map[seq.start]!, end: map[seq.end]!)
    }

    // MARK: Compiler

    mutating func matchToken(_ t: Token) throws(RegexCompileError) -> Bool {
        guard token == t else { return false }
        value = tokenValue
        try advance()
        return true
    }

    mutating func pop() -> Seq {
        stack.removeLast()
    }

    mutating func compile() throws(RegexCompileError) {
        try advance()
        let first = try insertSubexprBegin()
        var r = Seq(start: first, end: first)
        try disjunction()
        guard try matchToken(.eof) else { throw RegexCompileError() }
        append(&r, pop())
        append(&r, try insertSubexprEnd())
        append(&r, try insert(NixRegex.State(op: .accept)))
        eliminateDummies()
    }

    mutating func eliminateDummies() {
        for k in 0..<re.states.count {
            var s = re.states[k]
            while s.next >= 0 && re.states[Int(s.next)].op == .dummy { s.next = re.states[Int(s.next)].next }
            if hasAlt(s) {
                while s.alt >= 0 && re.states[Int(s.alt)].op == .dummy { s.alt = re.states[Int(s.alt)].next }
            }
            re.states[k] = s
        }
    }

    mutating func disjunction() throws(RegexCompileError) {
        try alternative()
        while try matchToken(.or) {
            var alt1 = pop()
            try alternative()
            var alt2 = pop()
            let end = try insertDummy()
            append(&alt1, end)
            append(&alt2, end)
            // The left branch is `alt`, tried first.
            let node = try insert(NixRegex.State(op: .alternative, next: Int32(alt2.start), alt: Int32(alt1.start)))
            stack.append(Seq(start: node, end: end))
        }
    }

    mutating func alternative() throws(RegexCompileError) {
        if try term() {
            var r = pop()
            try alternative()
            append(&r, pop())
            stack.append(r)
        } else {
            let d = try insertDummy()
            stack.append(Seq(start: d, end: d))
        }
    }

    mutating func term() throws(RegexCompileError) -> Bool {
        if try assertion() { return true }
        if try atom() {
            while try quantifier() {}
            return true
        }
        return false
    }

    mutating func assertion() throws(RegexCompileError) -> Bool {
        if try matchToken(.lineBegin) {
            let s = try insert(NixRegex.State(op: .lineBegin))
            stack.append(Seq(start: s, end: s))
        } else if try matchToken(.lineEnd) {
            let s = try insert(NixRegex.State(op: .lineEnd))
            stack.append(Seq(start: s, end: s))
        } else {
            return false
        }
        return true
    }

    /// `_M_cur_int_value(10)`: the value as a C `int` (wrapping like libstdc++).
    func intValue() -> Int {
        var v: Int64 = 0
        for d in value { v = v &* 10 &+ Int64(d - UInt8(ascii: "0")) }
        return Int(Int32(truncatingIfNeeded: v))
    }

    mutating func quantifier() throws(RegexCompileError) -> Bool {
        if try matchToken(.closure0) {
            guard !stack.isEmpty else { throw RegexCompileError() }
            var e = pop()
            let rep = try insertRepeat(next: -1, alt: e.start)
            let r = Seq(start: rep, end: rep)
            append(&e, r)
            stack.append(r)
        } else if try matchToken(.closure1) {
            guard !stack.isEmpty else { throw RegexCompileError() }
            var e = pop()
            append(&e, try insertRepeat(next: -1, alt: e.start))
            stack.append(e)
        } else if try matchToken(.opt) {
            guard !stack.isEmpty else { throw RegexCompileError() }
            var e = pop()
            let end = try insertDummy()
            let rep = try insertRepeat(next: -1, alt: e.start)
            var r = Seq(start: rep, end: rep)
            append(&e, end)
            append(&r, end)
            stack.append(r)
        } else if try matchToken(.intervalBegin) {
            guard !stack.isEmpty else { throw RegexCompileError() }
            guard try matchToken(.dupCount) else { throw RegexCompileError() }
            let r = pop()
            let d = try insertDummy()
            var e = Seq(start: d, end: d)
            let minimum = intValue()
            var infinite = false
            var n = 0
            if try matchToken(.comma) {
                if try matchToken(.dupCount) {
                    n = intValue() - minimum
                } else {
                    infinite = true
                }
            }
            guard try matchToken(.intervalEnd) else { throw RegexCompileError() }
            var k = 0
            while k < minimum {
                append(&e, try clone(r))
                k += 1
            }
            if infinite {
                var tmp = try clone(r)
                let rep = try insertRepeat(next: -1, alt: tmp.start)
                let s = Seq(start: rep, end: rep)
                append(&tmp, s)
                append(&e, s)
            } else {
                guard n >= 0 else { throw RegexCompileError() }
                let end = try insertDummy()
                var repeats: [Int] = []
                for _ in 0..<n {
                    let tmp = try clone(r)
                    // Built as (next: more, alt: done), then swapped below.
                    let alt = try insertRepeat(next: tmp.start, alt: end)
                    repeats.append(alt)
                    append(&e, Seq(start: alt, end: tmp.end))
                }
                append(&e, end)
                for id in repeats.reversed() {
                    let s = re.states[id]
                    re.states[id].next = s.alt
                    re.states[id].alt = s.next
                }
            }
            stack.append(e)
        } else {
            return false
        }
        return true
    }

    mutating func atom() throws(RegexCompileError) -> Bool {
        if try matchToken(.anychar) {
            var set = [UInt64](repeating: ~0, count: 4)
            set[0] &= ~1  // any byte but NUL
            let s = try insertMatcher(set)
            stack.append(Seq(start: s, end: s))
        } else if try matchToken(.ordChar) {
            var set = [UInt64](repeating: 0, count: 4)
            let c = value[0]
            set[Int(c >> 6)] |= 1 << UInt64(c & 63)
            let s = try insertMatcher(set)
            stack.append(Seq(start: s, end: s))
        } else if try matchToken(.subexprBegin) {
            let b = try insertSubexprBegin()
            var r = Seq(start: b, end: b)
            try disjunction()
            guard try matchToken(.subexprEnd) else { throw RegexCompileError() }
            append(&r, pop())
            append(&r, try insertSubexprEnd())
            stack.append(r)
        } else if !(try bracketExpression()) {
            return false
        }
        return true
    }

    mutating func bracketExpression() throws(RegexCompileError) -> Bool {
        let negated = try matchToken(.bracketNegBegin)
        if !negated {
            guard try matchToken(.bracketBegin) else { return false }
        }
        var bracket = Bracket(negated: negated)
        var last = BracketLast.none
        if try matchToken(.ordChar) {
            last = .char(value[0])
        } else if try matchToken(.bracketDash) {
            last = .char(UInt8(ascii: "-"))
        }
        while try expressionTerm(&last, &bracket) {}
        if case .char(let c) = last { bracket.chars.append(c) }
        var set = [UInt64](repeating: 0, count: 4)
        for b in 0..<256 {
            let c = UInt8(b)
            var hit = bracket.chars.contains(c)
            if !hit {
                let signed = Int8(bitPattern: c)
                hit = bracket.ranges.contains { $0.0 <= signed && signed <= $0.1 }
            }
            if !hit && bracket.classes != 0 { hit = CharClass.matches(c, bracket.classes) }
            if !hit && !bracket.equivalents.isEmpty { hit = bracket.equivalents.contains(asciiLower(c)) }
            if hit != bracket.negated { set[b >> 6] |= 1 << UInt64(b & 63) }
        }
        let s = try insertMatcher(set)
        stack.append(Seq(start: s, end: s))
        return true
    }

    func asciiLower(_ c: UInt8) -> UInt8 {
        c >= 65 && c <= 90 ? c + 32 : c
    }

    mutating func expressionTerm(_ last: inout BracketLast, _ bracket: inout Bracket) throws(RegexCompileError) -> Bool {
        if try matchToken(.bracketEnd) { return false }
        func pushChar(_ c: UInt8, _ last: inout BracketLast, _ bracket: inout Bracket) {
            if case .char(let p) = last { bracket.chars.append(p) }
            last = .char(c)
        }
        func pushClass(_ last: inout BracketLast, _ bracket: inout Bracket) {
            if case .char(let p) = last { bracket.chars.append(p) }
            last = .charClass
        }
        if try matchToken(.collSymbol) {
            guard let c = collatingElement(value) else { throw RegexCompileError() }
            bracket.chars.append(c)
            pushChar(c, &last, &bracket)
        } else if try matchToken(.equivClassName) {
            pushClass(&last, &bracket)
            guard let c = collatingElement(value) else { throw RegexCompileError() }
            bracket.equivalents.append(asciiLower(c))
        } else if try matchToken(.charClassName) {
            pushClass(&last, &bracket)
            let m = CharClass.named(value)
            guard m != 0 else { throw RegexCompileError() }
            bracket.classes |= m
        } else if try matchToken(.ordChar) {
            pushChar(value[0], &last, &bracket)
        } else if try matchToken(.bracketDash) {
            if try matchToken(.bracketEnd) {
                // `-]`: the dash is a literal character.
                pushChar(UInt8(ascii: "-"), &last, &bracket)
                return false
            }
            switch last {
            case .charClass:
                throw RegexCompileError()
            case .char(let from):
                let to: UInt8
                if try matchToken(.ordChar) {
                    to = value[0]
                } else if try matchToken(.bracketDash) {
                    to = UInt8(ascii: "-")
                } else {
                    throw RegexCompileError()
                }
                // Bytes compare as (signed) C `char`s.
                let l = Int8(bitPattern: from), r = Int8(bitPattern: to)
                guard l <= r else { throw RegexCompileError() }
                bracket.ranges.append((l, r))
                last = .none
            case .none:
                throw RegexCompileError()
            }
        } else {
            throw RegexCompileError()
        }
        return true
    }
}

/// The compiled states and byte sets of a `NixRegex` in flat buffers, and the
/// matcher's working arrays.
private struct RegexScratch {
    let states: UnsafeMutablePointer<NixRegex.State>
    let sets: UnsafeMutablePointer<UInt64>
    let groupCount: Int
    let cur: UnsafeMutablePointer<RegexGroup>
    let results: UnsafeMutablePointer<RegexGroup>
    /// Per repetition state: where and how often it was last entered. Always
    /// restored on the way back, so it is all zero between matches.
    let repCount: UnsafeMutablePointer<(pos: Int, count: Int)>
    /// `NixRegex.firstBytes`, all ones when it is nil (then `nullable`).
    let firstBytes: UnsafeMutablePointer<UInt64>
    let nullable: Bool

    init(_ re: NixRegex) {
        nullable = re.firstBytes == nil
        firstBytes = .allocate(capacity: 4)
        firstBytes.initialize(from: re.firstBytes ?? [UInt64](repeating: ~0, count: 4), count: 4)
        states = .allocate(capacity: re.states.count)
        states.initialize(from: re.states, count: re.states.count)
        sets = .allocate(capacity: max(re.sets.count, 1))
        sets.initialize(from: re.sets, count: re.sets.count)
        groupCount = re.groupCount
        cur = .allocate(capacity: groupCount)
        results = .allocate(capacity: groupCount)
        repCount = .allocate(capacity: re.states.count)
        repCount.initialize(repeating: (pos: -1, count: 0), count: re.states.count)
    }

    func deallocate() {
        states.deallocate()
        sets.deallocate()
        cur.deallocate()
        results.deallocate()
        repCount.deallocate()
        firstBytes.deallocate()
    }
}

/// libstdc++'s depth-first `_Executor` over `NixRegex`'s states.
private struct RegexExecutor {
    let states: UnsafeMutablePointer<NixRegex.State>
    let sets: UnsafeMutablePointer<UInt64>
    let str: UnsafeBufferPointer<UInt8>
    let groupCount: Int
    let cur: UnsafeMutablePointer<RegexGroup>
    let results: UnsafeMutablePointer<RegexGroup>
    let repCount: UnsafeMutablePointer<(pos: Int, count: Int)>
    let firstBytes: UnsafeMutablePointer<UInt64>
    /// Whether the expression can match the empty string (every position may start a match).
    let nullable: Bool
    let stackGuard: StackGuard
    let end: Int
    var begin = 0
    var current = 0
    var exact = false
    var prevAvail = false
    var notNull = false
    var hasSol = false
    var solPos = -1
    var overflow = false

    init(_ scratch: RegexScratch, _ str: UnsafeBufferPointer<UInt8>, _ stackGuard: StackGuard) {
        states = scratch.states
        sets = scratch.sets
        groupCount = scratch.groupCount
        cur = scratch.cur
        results = scratch.results
        repCount = scratch.repCount
        firstBytes = scratch.firstBytes
        nullable = scratch.nullable
        self.str = str
        self.stackGuard = stackGuard
        end = str.count
    }

    func resetResults() {
        for k in 0..<groupCount { results[k] = RegexGroup(start: end, end: end, matched: false) }
    }

    func resultGroups() -> [RegexGroup] {
        Array(UnsafeBufferPointer(start: results, count: groupCount))
    }

    /// `regex_match`.
    mutating func matchWhole() -> Bool {
        resetResults()
        begin = 0
        current = 0
        exact = true
        prevAvail = false
        notNull = false
        return mayStart(at: 0) && mainDispatch()
    }

    /// `regex_search` on `[start, end)` with the given flags.
    mutating func search(from start: Int, prevAvail: Bool, notNull: Bool, continuous: Bool) -> Bool {
        resetResults()
        exact = false
        self.notNull = notNull
        self.prevAvail = prevAvail
        begin = start
        current = begin
        if mayStart(at: begin) && mainDispatch() { return true }
        if continuous { return false }
        self.prevAvail = true
        while begin != end && !overflow {
            begin += 1
            current = begin
            if mayStart(at: begin) && mainDispatch() { return true }
        }
        return false
    }

    /// Whether a match can start at `p` (see `NixRegex.firstBytes`).
    @inline(__always)
    func mayStart(at p: Int) -> Bool {
        if nullable { return true }
        if p == end { return false }
        let c = Int(str[p])
        return firstBytes[c >> 6] & (1 << UInt64(c & 63)) != 0
    }

    mutating func mainDispatch() -> Bool {
        hasSol = false
        solPos = -1
        cur.update(from: results, count: groupCount)
        dfs(0)
        return hasSol && !overflow
    }

    mutating func dfs(_ start: Int) {
        guard stackGuard.hasRoom() else {
            overflow = true
            return
        }
        // States with one way on and nothing to undo after it (a byte matched, a
        // line anchor, a dummy) are followed in this loop instead of by recursion;
        // the bytes matched on the way are given back when the call returns, as
        // each recursive step did when it returned.
        var i = start
        let entry = current
        defer { current = entry }
        while i >= 0 && !overflow {
            let s = states[i]
            switch s.op {
            case .match:
                if current == end { return }
                let c = Int(str[current])
                guard sets[Int(s.arg) &* 4 &+ (c >> 6)] & (1 << UInt64(c & 63)) != 0 else { return }
                current += 1
                i = Int(s.next)
                continue
            case .lineBegin:
                guard current == begin && !prevAvail else { return }
                i = Int(s.next)
                continue
            case .lineEnd:
                guard current == end else { return }
                i = Int(s.next)
                continue
            case .dummy:
                i = Int(s.next)
                continue
            case .repetition:
                // Greedy: once more first; leave only if that found no match.
                repOnceMore(i, Int(s.alt))
                if !hasSol { dfs(Int(s.next)) }
            case .subexprBegin:
                let g = Int(s.arg)
                let back = cur[g].start
                cur[g].start = current
                dfs(Int(s.next))
                cur[g].start = back
            case .subexprEnd:
                let g = Int(s.arg)
                let back = cur[g]
                cur[g].end = current
                cur[g].matched = true
                dfs(Int(s.next))
                cur[g] = back
            case .accept:
                hasSol = exact ? current == end : true
                if current == begin && notNull { hasSol = false }
                if hasSol && (solPos < 0 || solPos - begin < current - begin) {
                    solPos = current
                    results.update(from: cur, count: groupCount)
                }
            case .alternative:
                // Both branches are tried; the longest match wins, the first of equals.
                dfs(Int(s.alt))
                let had = hasSol
                hasSol = false
                dfs(Int(s.next))
                hasSol = hasSol || had
            }
            return
        }
    }

    /// Enters a loop body again, at most twice at the same position (so that an
    /// empty body cannot loop forever).
    mutating func repOnceMore(_ i: Int, _ alt: Int) {
        let rc = repCount[i]
        if rc.count == 0 || rc.pos != current {
            repCount[i] = (pos: current, count: 1)
            dfs(alt)
            repCount[i] = rc
        } else if rc.count < 2 {
            repCount[i].count += 1
            dfs(alt)
            repCount[i].count -= 1
        }
    }
}
