import SwixSyntax
#if canImport(Glibc)
import Glibc
#endif

/// Process-wide settings and output of the debugging builtins (`trace`,
/// `traceVerbose`, `warn`). They are static because the evaluator cannot grow
/// stored properties from here; the CLI sets them from its flags before it
/// evaluates, tests replace `sink` to capture the output.
public enum DebugSettings {
    /// `NIX_ABORT_ON_WARN=1|yes|true`: the default of `Evaluator.abortOnWarn`.
    public static let abortOnWarnFromEnvironment: Bool = {
        guard let v = getenv("NIX_ABORT_ON_WARN") else { return false }
        let s = String(cString: v)
        return s == "1" || s == "yes" || s == "true"
    }()

    /// `builtins.currentSystem` (`--system`/`eval-system` in Nix).
    nonisolated(unsafe) public static var currentSystem: String = {
        #if arch(arm64)
        return "aarch64-linux"
        #elseif arch(i386)
        return "i686-linux"
        #else
        return "x86_64-linux"
        #endif
    }()

    /// The Nix version `builtins.nixVersion` reports: the version of the Nix whose
    /// behaviour (and conformance corpus) swix follows.
    public static let nixVersion = "2.36.0"

    /// `builtins.langVersion`.
    public static let langVersion: Int64 = 6

    /// Writes all of `text` to file descriptor 2.
    public static func writeToStandardError(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }
            var offset = 0
            while offset < p.count {
                let n = write(2, base + offset, p.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }

    /// Prints a warning the way Nix's logger does: `evaluation warning: ` and the
    /// message, later lines indented under the message (not indented at all when
    /// the message starts with a newline). Also for other evaluation warnings.
    public static func emitWarning(_ message: String, to sink: (String) -> Void) {
        sink(warningText(message) + "\n")
    }

    /// The text of a warning without its final newline (see `emitWarning`).
    static func warningText(_ message: String) -> String {
        let prefix = "evaluation warning: "
        let body = chompRight(message)
        if message.hasPrefix("\n") {
            return DiagnosticRenderer.terminalText("evaluation warning:" + body)
        }
        let pad = String(repeating: " ", count: prefix.count)
        var lines: [String] = []
        for (k, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            lines.append(chompRight((k == 0 ? prefix : pad) + line))
        }
        return DiagnosticRenderer.terminalText(lines.joined(separator: "\n"))
    }

    /// Drops trailing spaces, tabs, carriage returns and newlines (Nix's `chomp`).
    static func chompRight(_ s: String) -> String {
        var bytes = Array(s.utf8)
        while let last = bytes.last, last == 32 || last == 9 || last == 10 || last == 13 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Builtins {
    /// Debugging, errors and environment: `trace`, `traceVerbose`, `warn`,
    /// `addErrorContext`, `tryEval`, `break`, `throw`, `abort`, `getEnv`, and the
    /// integer helpers `bitAnd`/`bitOr`/`bitXor`, `floor`/`ceil`.
    static func debug() -> [PrimOp] {
        [
            PrimOp("__trace", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                try printTrace(ev, a[0], pos)
                return try ev.force(a[1], pos)
            },
            PrimOp("__traceVerbose", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                if ev.traceVerbose { try printTrace(ev, a[0], pos) }
                return try ev.force(a[1], pos)
            },
            PrimOp("__warn", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                // Only strings, so that later versions can give other values a meaning.
                let message = try ev.forceString(try ev.force(a[0], pos), .none,
                                                 "while evaluating the first argument; the message passed to builtins.warn")
                DebugSettings.emitWarning(message.string, to: ev.messageSink)
                if ev.abortOnWarn {
                    throw EvalError("aborting to reveal stack trace of warning, as abort-on-warn is set")
                }
                return try ev.force(a[1], pos)
            },
            // In CppNix this primop has `addTrace = false`: the context given replaces
            // the usual "while calling the 'addErrorContext' builtin" frame.
            PrimOp("__addErrorContext", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                do throws(EvalError) {
                    return try ev.force(a[1], pos)
                } catch {
                    let (message, _) = try ev.coerceToString(
                        try ev.force(a[0], pos), .none, "while evaluating the error message passed to builtins.addErrorContext",
                        interpolation: true, copyToStore: true)
                    throw error.addTrace(String(decoding: message, as: UTF8.self))
                }
            },
            PrimOp("__tryEval", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let success: Bool
                let value: Value
                do throws(EvalError) {
                    value = try ev.force(a[0], pos)
                    success = true
                } catch {
                    // Only `throw` and failed assertions are caught (not `abort`, type
                    // errors, infinite recursion, …); `value = false` is historical.
                    guard error.kind == .thrown || error.kind == .assertion else { throw error }
                    value = .bool(false)
                    success = false
                }
                return .attrs(Attrs.unsorted([
                    Attr(name: ev.symbols.intern("success"), value: .bool(success), pos: .none),
                    Attr(name: ev.symbols.intern("value"), value: value, pos: .none),
                ]))
            },
            // Without a debugger, `break` returns its argument.
            PrimOp("break", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                try ev.force(a[0], pos)
            },
            PrimOp("throw", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                // (Nix's context message really says "builtin.throw".)
                let (message, _) = try ev.coerceToString(
                    try ev.force(a[0], pos), .none, "while evaluating the error message passed to builtin.throw", interpolation: true, copyToStore: true)
                throw EvalError(String(decoding: message, as: UTF8.self), kind: .thrown)
            },
            PrimOp("abort", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let (message, _) = try ev.coerceToString(
                    try ev.force(a[0], pos), .none, "while evaluating the error message passed to builtins.abort", interpolation: true, copyToStore: true)
                throw EvalError("evaluation aborted with the following error message: '\(String(decoding: message, as: UTF8.self))'",
                                kind: .aborted)
            },
            PrimOp("__getEnv", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let name = try ev.forceStringNoContext(try ev.force(a[0], pos), .none,
                                                       "while evaluating the first argument passed to builtins.getEnv")
                // A name with a NUL byte cannot name a variable.
                guard !name.contains(0), let v = getenv(String(decoding: name, as: UTF8.self)) else {
                    return .string(NixString([]))
                }
                return .string(NixString(Array(UnsafeBufferPointer(start: UnsafeRawPointer(v).assumingMemoryBound(to: UInt8.self),
                                                                   count: strlen(v)))))
            },
            bitwise("__bitAnd", "bitAnd", { $0 & $1 }) { (x, y) in NixInteger.bitAnd(x, y) },
            bitwise("__bitOr", "bitOr", { $0 | $1 }) { (x, y) in NixInteger.bitOr(x, y) },
            bitwise("__bitXor", "bitXor", { $0 ^ $1 }) { (x, y) in NixInteger.bitXor(x, y) },
            rounding("__floor", "floor") { $0.rounded(.down) },
            rounding("__ceil", "ceil") { $0.rounded(.up) },
        ]
    }

    /// The constants of this family: `currentTime`, `currentSystem`, `nixVersion`,
    /// `langVersion`, `storeDir`.
    static func debugConstants() -> [(String, Value)] {
        let storeDir: String
        if let v = getenv("NIX_STORE_DIR"), v.pointee != 0 {
            storeDir = String(cString: v)
        } else {
            storeDir = "/nix/store"
        }
        return [
            ("__currentTime", .int(Int64(time(nil)))),
            ("__currentSystem", .string(NixString(DebugSettings.currentSystem))),
            ("__nixVersion", .string(NixString(DebugSettings.nixVersion))),
            ("__langVersion", .int(DebugSettings.langVersion)),
            ("__storeDir", .string(NixString(storeDir))),
        ]
    }

    /// `small` is the operation on two 64-bit integers (its result is one too),
    /// `op` on any integers.
    private static func bitwise(_ name: String, _ shown: String, _ small: @escaping (Int64, Int64) -> Int64,
                                _ op: @escaping (NixInt, NixInt) -> NixInt) -> PrimOp {
        PrimOp(name, arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
            // Two integers already evaluated (the usual case: the first argument is
            // evaluated at the call site) skip forcing and the general integers.
            if let x = a.forcedInt(0), let y = a.forcedInt(1) { return .int(small(x, y)) }
            // Forced here (a variable's pending thunk is passed as it is); type errors
            // carry no position of their own, as in Nix. Two 64-bit integers still
            // skip the general integers.
            let v0 = try ev.force(a[0], pos)
            let x = try ev.forceInt(v0, .none, "while evaluating the first argument passed to builtins.\(shown)")
            let v1 = try ev.force(a[1], pos)
            if case .int(let x0) = v0, case .int(let y0) = v1 { return .int(small(x0, y0)) }
            let y = try ev.forceInt(v1, .none, "while evaluating the second argument passed to builtins.\(shown)")
            return Evaluator.value(op(x, y))
        }
    }

    /// `floor`/`ceil`: integers come back unchanged (exactly, unlike CppNix, which
    /// goes through a double); floats are rounded and converted exactly (beyond 64
    /// bits too); NaN and the infinities are errors.
    private static func rounding(_ name: String, _ shown: String, _ round: @escaping (Double) -> Double) -> PrimOp {
        PrimOp(name, arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
            let v = try ev.force(a[0], pos)
            switch v {
            case .int, .bigInt:
                return v
            case .float(let d):
                guard let n = NixInteger.truncating(round(d)) else {
                    throw EvalError("NixFloat argument \(ASTPrinter.formatFloat(d)) is not in the range of NixInt")
                }
                return Evaluator.value(n)
            default:
                throw ev.typeError("a float", v, .none).addTrace("while evaluating the first argument passed to builtins.\(shown)")
            }
        }
    }

    /// `trace: <value>`: strings as they are, other values printed as Nix's
    /// `ValuePrinter` does (nothing is forced beyond the value itself).
    private static func printTrace(_ ev: Evaluator, _ v: Value, _ pos: Pos) throws(EvalError) {
        let w = try ev.force(v, pos)
        let text: String
        if case .string(let s) = w {
            text = s.string
        } else {
            var printer = TracePrinter(ev: ev)
            // The argument as passed (a variable's thunk, say): a list is identified
            // by the cell holding it, so the cell must not be lost by forcing.
            try printer.write(v, cell: nil, depth: 0)
            text = String(decoding: printer.out.buffer, as: UTF8.self)
        }
        ev.messageSink(DiagnosticRenderer.terminalText("trace: " + text) + "\n")
    }
}

/// Prints a value for `trace` like CppNix's value printer with default options:
/// unevaluated values are `«thunk»`, values being evaluated (black holes)
/// `«potential infinite recursion»`, a set or non-empty list met again
/// `«repeated»`, functions `«lambda NAME @ POS»`, `«primop NAME»`,
/// `«partially applied primop NAME»`.
private struct TracePrinter {
    let ev: Evaluator
    let out = ByteBuffer(capacity: 128)
    /// Sets by identity; lists by the cell that holds them (the thunk they were
    /// reached through, else the list itself), as CppNix tracks list values.
    var seen = Set<ObjectIdentifier>()

    init(ev: Evaluator) {
        self.ev = ev
    }

    mutating func write(_ v: Value, cell: AnyObject?, depth: Int) throws(EvalError) {
        if depth > ev.maxNestingDepth {
            throw EvalError("stack overflow; max-call-depth exceeded", kind: .stackOverflow)
        }
        switch v {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): ASTPrinter.writeInt(i, out)
        case .bigInt(let b): out.append(contentsOf: b.decimalUTF8)
        case .float(let d): ASTPrinter.writeFloat(d, out)
        case .string(let s): ASTPrinter.writeString(s.bytes, out)
        case .path(let p): out.append(contentsOf: p.bytes)
        case .lambda(let c):
            out.append("«lambda")
            if let name = c.lambda.name {
                out.append(" ")
                out.append(contentsOf: ev.symbols.bytes(name))
            }
            out.append(" @ ")
            out.append(contentsOf: ev.describe(c.lambda.pos).utf8)
            out.append("»")
        case .primop(let p):
            out.append("«primop ")
            out.append(contentsOf: shownName(p).utf8)
            out.append("»")
        case .primopApp(let app):
            out.append("«partially applied primop ")
            out.append(contentsOf: shownName(app.primop).utf8)
            out.append("»")
        case .thunk(let t):
            switch t.state {
            case .done: try write(t.value, cell: t, depth: depth)
            case .blackhole: out.append("«potential infinite recursion»")
            case .pending: out.append("«thunk»")
            }
        case .unevaluatedBinding: out.append("«thunk»")
        case .bindingUnderEvaluation: out.append("«potential infinite recursion»")
        case .list(let l):
            if l.count > 0 && !seen.insert(cell.map(ObjectIdentifier.init) ?? l.identity).inserted {
                out.append("«repeated»")
                return
            }
            out.append("[ ")
            for e in l.elements {
                try write(e, cell: nil, depth: depth + 1)
                out.append(32)
            }
            out.append(93)
        case .attrs(let a):
            if !seen.insert(ObjectIdentifier(a)).inserted {
                out.append("«repeated»")
                return
            }
            out.append("{ ")
            let sorted = a.sortedByName(ev.symbols)
            for attr in sorted {
                ASTPrinter.writeIdentifier(ev.symbols.bytes(attr.name), out)
                out.append(" = ")
                try write(attr.value, cell: nil, depth: depth + 1)
                out.append("; ")
            }
            out.append(125)
        }
    }

    private func shownName(_ p: PrimOp) -> String {
        p.name.hasPrefix("__") ? String(p.name.dropFirst(2)) : p.name
    }
}
