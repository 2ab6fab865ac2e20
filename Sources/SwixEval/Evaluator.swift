import SwixSyntax
#if canImport(Glibc)
import Glibc
#endif

/// The decimal digits of `i` (what `toString`, JSON and `.drv` env values print),
/// written without going through `String`.
func decimalBytes(_ i: Int64) -> [UInt8] {
    if i >= 0 && i < 10 { return [48 + UInt8(i)] }
    var digits: [UInt8] = []
    digits.reserveCapacity(20)
    appendDecimal(i, to: &digits)
    return digits
}

/// The number of bytes of `decimalBytes(i)`.
func decimalLength(_ i: Int64) -> Int {
    var m = i < 0 ? UInt64(bitPattern: 0 &- i) : UInt64(i)
    var n = i < 0 ? 2 : 1
    while m >= 10 {
        m /= 10
        n += 1
    }
    return n
}

/// Appends `decimalBytes(i)` to `bytes` without making an array of them.
func appendDecimal(_ i: Int64, to bytes: inout [UInt8]) {
    withDecimalDigits(i) { bytes.append(contentsOf: $0) }
}

/// Appends `decimalBytes(i)` to a byte buffer.
func appendDecimal(_ i: Int64, to buffer: ByteBuffer) {
    withDecimalDigits(i) { buffer.append($0) }
}

/// Calls `body` with the decimal digits of `i` (and its sign), written into a
/// buffer on the stack.
@inline(__always)
func withDecimalDigits(_ i: Int64, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
        // Through the magnitude as UInt64, so that Int64.min works too.
        var m = i < 0 ? UInt64(bitPattern: 0 &- i) : UInt64(i)
        var start = 20
        repeat {
            start -= 1
            buffer[start] = 48 + UInt8(m % 10)
            m /= 10
        } while m > 0
        if i < 0 {
            start -= 1
            buffer[start] = 45
        }
        body(UnsafeBufferPointer(rebasing: buffer[start..<20]))
    }
}

/// Byte-wise equality through `memcmp` (`Array ==` compares element by element).
@inline(__always)
func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return a.withUnsafeBufferPointer { x in
        b.withUnsafeBufferPointer { y in memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
    }
}

/// The evaluation state: symbols, positions, the base environment, limits.
/// Forcing, calling and the coercions every node and builtin uses live here.
public final class Evaluator {
    public let symbols: SymbolTable
    public let positions: PositionTable
    public let tree: SyntaxTree
    /// `--max-call-depth`. CppNix defaults to 10 000; swix evaluates on a 1 GiB
    /// stack guarded by `StackGuard`, so it allows far deeper recursion by default
    /// (25 000-level non-tail recursions, which CppNix 2.8 handles, need ~50 000).
    public var maxCallDepth = 1_000_000
    /// Bound on the evaluator's own recursions over data (`toJSON`, structured
    /// attributes, coercing nested lists). Current CppNix counts these against
    /// `max-call-depth` (10 000 by default) and the conformance corpus expects
    /// "stack overflow" at that nesting, so they keep CppNix's default even though
    /// function calls may go deeper. `--max-call-depth N` sets both.
    public var maxNestingDepth = 10_000
    /// `--show-trace`: also record the frames of every function call.
    public var showTrace = false
    /// Receives each line `trace`, `traceVerbose`, `warn` and evaluation warnings
    /// print (with its final newline); standard error by default. Per evaluator, like
    /// the settings below, so that evaluators running at once (tests) stay apart.
    public var messageSink: (String) -> Void = DebugSettings.writeToStandardError
    /// `--trace-verbose`: `builtins.traceVerbose` prints like `trace` (else it only
    /// returns its second argument).
    public var traceVerbose = false
    /// `--abort-on-warn` or `NIX_ABORT_ON_WARN`: `builtins.warn` fails after
    /// printing, to reveal the stack trace of the warning.
    public var abortOnWarn = DebugSettings.abortOnWarnFromEnvironment
    /// The `lint-*` settings for the files this evaluator parses (`import`).
    public var lint = Lint()
    /// The experimental feature `parse-toml-timestamps` (`fromTOML` returns dates
    /// and times as `{ _type = "timestamp"; value = …; }`).
    public var parseTomlTimestamps = false
    var callDepth = 0
    var stack = StackGuard()
    /// Environments of returned calls, for the next calls (`EnvPool`).
    let envPool = EnvPool()
    /// An environment without slots, for the thunks builtins make of their own
    /// nodes (`mapAttrs`' and `zipAttrsWith`'s applications, which read nothing
    /// from it): one per evaluation, not one per call (it holds nothing, so
    /// sharing it shares nothing).
    let emptyEnv = Env.make(parent: nil, size: 0)
    /// The values of the base environment's names (`builtins`, `map`, `__sub`, …).
    var globals: [Symbol: Value] = [:]
    /// The patterns of the last `replaceStrings` call (`ReplacementPatterns`).
    var lastReplacementPatterns: ReplacementPatterns?
    /// The strings of one byte (without context), made on first use: results of
    /// `substring s i 1`, which splitting a string into characters makes by the
    /// thousand, need no allocation.
    private var singleByteStrings: [NixString] = []

    /// Each symbol's name as a string, made on first use (by symbol id): the names
    /// `attrNames` lists, and `mapAttrs` and `zipAttrsWith` pass, are the same few
    /// again and again, and a string is immutable, so one object serves them all.
    private var nameStrings: [NixString?] = []

    func nameString(_ name: Symbol) -> NixString {
        let id = Int(name.id)
        if id < nameStrings.count, let s = nameStrings[id] { return s }
        if id >= nameStrings.count {
            nameStrings.append(contentsOf: repeatElement(nil, count: max(id + 1, nameStrings.count * 2) - nameStrings.count))
        }
        let s = NixString(Array(symbols.bytes(name)))
        nameStrings[id] = s
        return s
    }

    func singleByteString(_ byte: UInt8) -> NixString {
        if singleByteStrings.isEmpty { singleByteStrings = (0...255).map { NixString([UInt8($0)]) } }
        return singleByteStrings[Int(byte)]
    }

    /// The attribute names `derivationStrict` treats specially, by symbol id (all
    /// are static symbols, ids below 64), filled on first use; and a bit per id.
    var derivationSpecialKinds: [SpecialAttribute?] = []
    var derivationSpecialMask: UInt64 = 0
    /// What this evaluation "wrote to the store" (`EvalStore.of`).
    var evalStore: EvalStore?
    /// Parsed and evaluated files (`import`).
    let fileCache = FileCache()
    /// For `~/` path literals in imported files.
    public var homeDirectory = "/homeless-shelter"
    /// The search path for `<name>`: `-I` entries, then `NIX_PATH`'s.
    public var searchPath: [(prefix: String, path: String)] = []

    let sOutPath, sFunctor, sToString, sOverrides, sType: Symbol

    /// Every tree of nodes lowered by this evaluator, kept as long as the evaluator:
    /// nodes may refer to each other without owning (`LetVariableNode`), while a
    /// thunk or closure may keep only a subtree alive.
    var loweredRoots: [Node] = []

    public init(symbols: SymbolTable, positions: PositionTable, tree: SyntaxTree) {
        self.symbols = symbols
        self.positions = positions
        self.tree = tree
        sOutPath = symbols.intern("outPath")
        sFunctor = symbols.intern("__functor")
        sToString = symbols.intern("__toString")
        sOverrides = symbols.intern("__overrides")
        sType = symbols.intern("type")
        _ = Evaluator.layoutChecked
        Builtins.install(into: self)
    }

    deinit {
        envPool.drain()
    }

    /// The memory layouts the evaluator's borrowing reads rely on, verified once
    /// per process.
    private static let layoutChecked: Void = {
        Env.checkLayout()
        ValueLayout.check()
    }()

    func describe(_ p: Pos) -> String { positions.resolve(p).description }

    /// Evaluates a parsed expression to weak head normal form.
    public func evaluate(_ expr: Expr) throws(EvalError) -> Value {
        stack = StackGuard()
        let node = try Lowering(evaluator: self, extraNames: []).lower(expr)
        return try node.eval(self, Env.make(parent: nil, size: 0))
    }

    // MARK: Forcing

    @inline(__always)
    public func force(_ v: consuming Value, _ pos: Pos) throws(EvalError) -> Value {
        guard case .thunk(let t) = v else { return v }
        return try force(t, pos)
    }

    /// `force` of the value stored at `p` (an attribute, a slot), read in place: a
    /// forced thunk there gives its value without the thunk being copied out (a
    /// retain and a release); a pending one is forced as usual. The storage must
    /// stay alive during the call (its set or environment is held by the caller).
    @inline(__always)
    func force(at p: UnsafePointer<Value>, _ pos: Pos) throws(EvalError) -> Value {
        if let v = p.knownValue { return v }
        return try force(p.pointee, pos)
    }

    func force(_ t: Thunk, _ pos: Pos) throws(EvalError) -> Value {
        switch t.state {
        case .done:
            return t.value
        case .blackhole:
            throw EvalError("infinite recursion encountered", at: pos, kind: .infiniteRecursion)
        case .pending:
            guard stack.hasRoom() else {
                throw EvalError("stack overflow; max-call-depth exceeded", at: pos, kind: .stackOverflow)
            }
            // The expression and environment move out of the thunk while it is a
            // black hole (nothing reads them then): no retain now, and no release of
            // the thunk's references afterwards (2 of each per force otherwise).
            // (The node is borrowed: the thunk or its lowered tree keeps it alive.)
            let node = t.node.take().unsafelyUnwrapped
            let env = t.envReference.take()
            t.state = .blackhole
            // A pending thunk's `value` is `null`, or an application's argument, which
            // is moved out: the result is then written into storage holding nothing
            // (no outlined destruction of the old value, a call per force).
            let valuePointer = t.valueAddress
            do throws(EvalError) {
                let v: Value
                if let env {
                    v = try evalBorrowed(node, env)
                } else {
                    let argument = valuePointer.move()
                    do throws(EvalError) {
                        v = try applyBorrowed(node, argument)
                    } catch {
                        valuePointer.initialize(to: argument)
                        throw error
                    }
                }
                valuePointer.initialize(to: v)
                t.state = .done
                t.releaseNode(node)
                // The thunk's reference to its environment, moved out above.
                if let env { nonatomicRelease(env.toOpaque()) }
                return v
            } catch {
                // Forcing it again evaluates it again (`tryEval`, the REPL); the
                // environment's reference goes back to the thunk.
                t.node = node
                t.envReference = env
                t.state = .pending
                throw error
            }
        }
    }

    /// `node.eval` of a node the caller keeps alive (no retain around the call).
    @inline(__always)
    private func evalBorrowed(_ node: Unmanaged<Node>, _ env: Env) throws(EvalError) -> Value {
        do {
            return try node._withUnsafeGuaranteedRef { try $0.eval(self, env) }
        } catch {
            throw error as! EvalError
        }
    }

    /// `evalBorrowed` in an environment the caller keeps alive.
    @inline(__always)
    private func evalBorrowed(_ node: Unmanaged<Node>, _ env: Unmanaged<Env>) throws(EvalError) -> Value {
        do {
            return try env._withUnsafeGuaranteedRef { e in try node._withUnsafeGuaranteedRef { try $0.eval(self, e) } }
        } catch {
            throw error as! EvalError
        }
    }

    /// The application of an application thunk's node the caller keeps alive.
    @inline(__always)
    private func applyBorrowed(_ node: Unmanaged<Node>, _ argument: Value) throws(EvalError) -> Value {
        do {
            return try node._withUnsafeGuaranteedRef { try unsafeDowncast($0, to: ApplicationNode.self).apply(self, argument) }
        } catch {
            throw error as! EvalError
        }
    }

    /// Forces a value completely (`deepSeq`, `--strict`): lists and sets recursively.
    public func forceDeep(_ v: Value, _ pos: Pos) throws(EvalError) {
        var seen = Set<ObjectIdentifier>()
        try forceDeep(v, pos, &seen)
    }

    func forceDeep(_ v: Value, _ pos: Pos, _ seen: inout Set<ObjectIdentifier>) throws(EvalError) {
        let w = try force(v, pos)
        switch w {
        case .list(let l):
            guard seen.insert(l.identity).inserted else { return }
            for e in l.elements { try forceDeep(e, pos, &seen) }
        case .attrs(let a):
            guard seen.insert(ObjectIdentifier(a)).inserted else { return }
            for attr in a.attrs {
                do {
                    try forceDeep(attr.value, pos, &seen)
                } catch {
                    throw error.addTrace("while evaluating the attribute '\(ASTPrinter.identifier(symbols.bytes(attr.name)))'",
                                         at: attr.pos)
                }
            }
        default:
            break
        }
    }

    func typeError(_ expected: String, _ v: Value, _ pos: Pos) -> EvalError {
        EvalError("expected \(expected) but found \(v.typeDescription): \(ValuePrinter(self).brief(v))", at: pos, kind: .typeError)
    }

    public func forceAttrs(_ v: Value, _ pos: Pos, _ context: @autoclosure () -> String) throws(EvalError) -> Attrs {
        // A value already of the wanted type is read as it is: `force` takes its
        // argument owned, a copy (retain and release) of the value for nothing.
        if case .attrs(let a) = v { return a }
        let w = try force(v, pos)
        guard case .attrs(let a) = w else { throw typeError("a set", w, pos).addTrace(context(), at: pos) }
        return a
    }

    public func forceList(_ v: Value, _ pos: Pos, _ context: @autoclosure () -> String) throws(EvalError) -> NixList {
        if case .list(let l) = v { return l }
        let w = try force(v, pos)
        guard case .list(let l) = w else { throw typeError("a list", w, pos).addTrace(context(), at: pos) }
        return l
    }

    public func forceBool(_ v: Value, _ pos: Pos, _ context: @autoclosure () -> String) throws(EvalError) -> Bool {
        if case .bool(let b) = v { return b }
        let w = try force(v, pos)
        guard case .bool(let b) = w else { throw typeError("a Boolean", w, pos).addTrace(context(), at: pos) }
        return b
    }

    /// Evaluates a condition (CppNix's `evalBool`): any error while evaluating it,
    /// and a non-Boolean result, get `context` as a frame at the expression.
    func evalBool(_ node: Node, _ env: Env, _ context: @autoclosure () -> String) throws(EvalError) -> Bool {
        let v: Value
        do {
            v = try node.eval(self, env)
        } catch {
            throw error.addTrace(context(), at: node.pos)
        }
        guard case .bool(let b) = v else { throw typeError("a Boolean", v, node.pos).addTrace(context(), at: node.pos) }
        return b
    }

    /// Evaluates to a set (CppNix's `evalAttrs`): errors, and a result that is no
    /// set, get `context` as a frame at the expression.
    func evalAttrs(_ node: Node, _ env: Env, _ context: @autoclosure () -> String) throws(EvalError) -> Attrs {
        let v: Value
        do {
            v = try node.eval(self, env)
        } catch {
            throw error.addTrace(context(), at: node.pos)
        }
        guard case .attrs(let a) = v else { throw typeError("a set", v, .none).addTrace(context(), at: node.pos) }
        return a
    }

    /// Evaluates an operand, giving any error `context` as a frame at the expression.
    @inline(__always)
    func eval(_ node: Node, _ env: Env, _ context: @autoclosure () -> String) throws(EvalError) -> Value {
        do {
            return try node.eval(self, env)
        } catch {
            throw error.addTrace(context(), at: node.pos)
        }
    }

    public func forceString(_ v: Value, _ pos: Pos, _ context: @autoclosure () -> String) throws(EvalError) -> NixString {
        if case .string(let s) = v { return s }
        let w = try force(v, pos)
        guard case .string(let s) = w else { throw typeError("a string", w, pos).addTrace(context(), at: pos) }
        return s
    }

    public func forceStringNoContext(_ v: Value, _ pos: Pos, _ context: @autoclosure () -> String) throws(EvalError) -> [UInt8] {
        let s = try forceString(v, pos, context())
        if let first = s.context.elements.first {
            let path = first.first == 61 ? Array(first.dropFirst()) : first.first == 33 ? Array(first.split(separator: 33, maxSplits: 2).last ?? []) : first
            throw EvalError("the string '\(s.string)' is not allowed to refer to a store path (such as '\(String(decoding: path, as: UTF8.self))')", at: pos)
                .addTrace(context(), at: pos)
        }
        return s.bytes
    }

    public func forceInt(_ v: Value, _ pos: Pos, _ context: @autoclosure () -> String) throws(EvalError) -> NixInt {
        if case .int(let i) = v { return .small(i) }
        let w = try force(v, pos)
        switch w {
        case .int(let i): return .small(i)
        case .bigInt(let b): return NixInt(b)
        default: throw typeError("an integer", w, pos).addTrace(context(), at: pos)
        }
    }

    func missingAttribute(_ name: Symbol, in attrs: Attrs, at pos: Pos) -> EvalError {
        EvalError("attribute '\(ASTPrinter.identifier(symbols.bytes(name)))' missing", at: pos)
            .withSuggestions(Suggestions.best(symbols[name], among: attrs.attrs.map { symbols[$0.name] }))
    }

    // MARK: Calling

    /// Before a call: depths 0…maxCallDepth may start one (checked before counting
    /// it, as CppNix), and the stack must have room for it.
    @inline(__always)
    func checkCallRoom(_ pos: Pos) throws(EvalError) {
        if callDepth > maxCallDepth || !stack.hasRoom() {
            throw EvalError("stack overflow; max-call-depth exceeded", at: pos, kind: .stackOverflow)
        }
    }

    /// Applies a function value to one (lazy) argument.
    public func call(_ f: Value, _ arg: consuming Value, _ pos: Pos) throws(EvalError) -> Value {
        // A closure is called borrowed from `f`, which the caller holds for the call
        // (`if case .lambda(let c)` copied it: a retain, and an outlined destroy after).
        if let c = f.unretainedClosure { return try callClosure(c, arg, pos) }
        try checkCallRoom(pos)
        callDepth += 1
        defer { callDepth -= 1 }
        return try callOther(f, arg, pos)
    }

    /// `call` of anything but a lambda: builtins, partial applications, functors,
    /// errors. (Out of line: its locals tripled `call`'s stack frame, which
    /// recursions through `map` and the like pay at every level.)
    @inline(never)
    private func callOther(_ f: Value, _ arg: consuming Value, _ pos: Pos) throws(EvalError) -> Value {
        switch f {
        case .lambda(let c):
            return try callLambda(c, arg, pos)
        case .primop(let p):
            if p.arity == 1 { return try callPrimOp(p, PrimOpArgs(arg), pos) }
            return .primopApp(PrimOpApp(primop: p, args: PrimOpArgs(arg)))
        case .primopApp(let app):
            let args = app.args.appending(arg)
            if args.count == app.primop.arity { return try callPrimOp(app.primop, args, pos) }
            return .primopApp(PrimOpApp(primop: app.primop, args: args))
        case .attrs(let a):
            if let functor = a.get(sFunctor) {
                let g = try call(try force(functor, pos), f, pos)
                return try call(try force(g, pos), arg, pos)
            }
            throw EvalError("attempt to call something which is not a function but a set: \(ValuePrinter(self).brief(f))", at: pos)
        default:
            throw EvalError("attempt to call something which is not a function but \(f.typeDescription): \(ValuePrinter(self).brief(f))",
                            at: pos)
        }
    }

    /// `call` of a closure the caller keeps alive (borrowed from a slot): no
    /// retain and release of the closure. `_withUnsafeGuaranteedRef` is the way to
    /// use an unretained object; it rethrows untyped errors, and its closure cannot
    /// capture a `consuming` argument, which is swapped out of a local instead.
    @inline(__always)
    func callClosure(_ c: Unmanaged<Closure>, _ arg: consuming Value, _ pos: Pos) throws(EvalError) -> Value {
        try checkCallRoom(pos)
        callDepth += 1
        defer { callDepth -= 1 }
        // The argument moves into the call's environment through its address:
        // handed to `callLambda` from inside the borrowing closure, it was copied
        // (an outlined copy, a retain for an object) and destroyed after the call.
        return try withUnsafeMutablePointer(to: &arg) { (p) throws(EvalError) -> Value in
            do {
                return try c._withUnsafeGuaranteedRef { try callLambda($0, movingArgumentFrom: p, pos) }
            } catch {
                throw error as! EvalError
            }
        }
    }

    /// `callLambda` with the argument moved out of `p`, which is left holding `null`.
    @inline(__always)
    private func callLambda(_ c: Closure, movingArgumentFrom p: UnsafeMutablePointer<Value>,
                            _ pos: Pos) throws(EvalError) -> Value {
        let l = c.lambda
        guard l.formals == nil else {
            let arg = p.move()
            p.initialize(to: .null)
            return try callLambda(c, arg, pos)
        }
        let env = Env.make(parent: c.env, movingArgumentFrom: p, from: envPool)
        let result = try evalBody(of: l, in: env, calledAt: pos)
        envPool.recycle(consume env)
        return result
    }

    /// `call2` of a closure the caller keeps alive (borrowed from a slot).
    func callClosure2(_ c: Unmanaged<Closure>, _ a: consuming Value, _ b: consuming Value, _ pos: Pos) throws(EvalError) -> Value {
        // The arguments move through their addresses (see `callClosure`): the call
        // takes them over, and the variables are left `null` for their destruction.
        try withUnsafeMutablePointer(to: &a) { (pa) throws(EvalError) -> Value in
            try withUnsafeMutablePointer(to: &b) { (pb) throws(EvalError) -> Value in
                defer {
                    pa.initialize(to: .null)
                    pb.initialize(to: .null)
                }
                return try callClosure2(c, takingArgumentsFrom: pa, and: pb, pos)
            }
        }
    }

    /// `callClosure2` with the arguments at `a` and `b`, which it takes over on
    /// every path (moved into the call's environments, or destroyed if the call
    /// cannot start), leaving that memory uninitialised. A caller whose arguments
    /// are in raw memory then destroys nothing after the call; arguments moved out
    /// of variables left them `null`, and each was destroyed after the call (an
    /// outlined call per argument per call).
    func callClosure2(_ c: Unmanaged<Closure>, takingArgumentsFrom a: UnsafeMutablePointer<Value>,
                      and b: UnsafeMutablePointer<Value>, _ pos: Pos) throws(EvalError) -> Value {
        do {
            return try c._withUnsafeGuaranteedRef { closure in
                if let inner = plainCurried(closure) {
                    do throws(EvalError) {
                        try checkCallRoom(pos)
                    } catch {
                        a.deinitialize(count: 1)
                        b.deinitialize(count: 1)
                        throw error
                    }
                    callDepth += 1
                    defer { callDepth -= 1 }
                    let outer = Env.make(parent: closure.env, takingArgumentFrom: a, from: envPool)
                    return try evalCurriedBody(inner, outer, Env.make(parent: outer, takingArgumentFrom: b, from: envPool))
                }
                let x = a.move(), y = b.move()
                return try call(try call(.lambda(closure), x, pos), y, pos)
            }
        } catch {
            throw error as! EvalError
        }
    }

    /// `call2` with the arguments at `a` and `b`, taken over as
    /// `callClosure2(_:takingArgumentsFrom:and:_:)` takes them.
    func call2(_ f: Value, takingArgumentsFrom a: UnsafeMutablePointer<Value>, and b: UnsafeMutablePointer<Value>,
               _ pos: Pos) throws(EvalError) -> Value {
        if let c = f.unretainedClosure { return try callClosure2(c, takingArgumentsFrom: a, and: b, pos) }
        let x = a.move(), y = b.move()
        return try call(try call(f, x, pos), y, pos)
    }

    /// `f a b`. For a curried lambda `a: b: body` this builds no closure for
    /// `f a`: both environments are made and the inner body is evaluated
    /// directly (the intermediate function is never observable).
    func call2(_ f: Value, _ a: consuming Value, _ b: consuming Value, _ pos: Pos) throws(EvalError) -> Value {
        // Borrowed from `f`, as in `call`.
        if let c = f.unretainedClosure { return try callClosure2(c, a, b, pos) }
        return try call(try call(f, a, pos), b, pos)
    }

    /// The inner lambda of `a: b: body` (no formals on either, and no
    /// `--show-trace`, whose frames name the intermediate call): nil otherwise.
    @inline(__always)
    func plainCurried(_ c: Closure) -> Unmanaged<LambdaNode>? {
        guard c.lambda.formals == nil, !showTrace else { return nil }
        return c.lambda.plainInner
    }

    /// `c a b` for a `plainCurried` closure: both environments, one call's checks.
    @inline(__always)
    func callCurried(_ c: Closure, _ inner: Unmanaged<LambdaNode>, _ a: consuming Value, _ b: consuming Value,
                             _ pos: Pos) throws(EvalError) -> Value {
        try checkCallRoom(pos)
        callDepth += 1
        defer { callDepth -= 1 }
        let outer = Env.make(parent: c.env, argument: a, from: envPool)
        return try evalCurriedBody(inner, outer, Env.make(parent: outer, argument: b, from: envPool))
    }

    /// How many plain lambdas (`a: b: c: …`, none with formals) head the closure's
    /// function, at most `limit`; 0 under `--show-trace`, whose frames name each call.
    @inline(__always)
    func plainCurriedDepth(_ c: Closure, limit: Int) -> Int {
        guard !showTrace, c.lambda.formals == nil else { return 0 }
        var l = c.lambda.plainInner
        var depth = 1
        while depth < limit, let inner = l {
            l = inner._withUnsafeGuaranteedRef { $0.plainInner }
            depth += 1
        }
        return depth
    }

    /// `c a₀ … aₖ₋₁` for a closure headed by k = `levels` plain lambdas
    /// (`plainCurriedDepth`): an environment per argument down the chain, and no
    /// closure for the partial applications in between (`call2` for any number;
    /// `mk 1 2 3 4` made three closures). `argument(i)` makes the i-th argument.
    @inline(__always)
    func callCurried(_ c: Closure, levels: Int, _ pos: Pos, _ argument: (Int) -> Value) throws(EvalError) -> Value {
        try checkCallRoom(pos)
        callDepth += 1
        defer { callDepth -= 1 }
        var lambda = Unmanaged.passUnretained(c.lambda)
        var scope = Env.make(parent: c.env, argument: argument(0), from: envPool)
        for k in 1..<levels {
            lambda = lambda._withUnsafeGuaranteedRef { $0.plainInner.unsafelyUnwrapped }
            scope = Env.make(parent: scope, argument: argument(k), from: envPool)
        }
        let result = try evalBody(of: lambda, scope)
        // Back to the pool, innermost first (each holds the one before it).
        for _ in 1..<levels {
            let parent = scope.parent.unsafelyUnwrapped
            envPool.recycle(consume scope)
            scope = parent
        }
        envPool.recycle(consume scope)
        return result
    }

    /// The body of a lambda the caller keeps alive (an inner lambda of a closure's).
    @inline(__always)
    private func evalBody(of lambda: Unmanaged<LambdaNode>, _ env: Env) throws(EvalError) -> Value {
        try evalBorrowed(lambda._withUnsafeGuaranteedRef { .passUnretained($0.body) }, env)
    }

    /// The inner body of `a: b: body` in its two environments, which then go
    /// back to the pool (the inner one first: it holds the outer one).
    @inline(__always)
    private func evalCurriedBody(_ inner: Unmanaged<LambdaNode>, _ outer: consuming Env, _ env: consuming Env) throws(EvalError) -> Value {
        let result = try evalBody(of: inner, env)
        envPool.recycle(consume env)
        envPool.recycle(consume outer)
        return result
    }

    /// A builtin applied to exactly its arity of arguments, with the same depth
    /// and stack checks as `call`.
    func callSaturated(_ p: PrimOp, _ args: PrimOpArgs, _ pos: Pos) throws(EvalError) -> Value {
        try checkCallRoom(pos)
        callDepth += 1
        defer { callDepth -= 1 }
        return try callPrimOp(p, args, pos)
    }

    func callPrimOp(_ p: PrimOp, _ args: PrimOpArgs, _ pos: Pos) throws(EvalError) -> Value {
        do {
            return try p.body(self, args, pos)
        } catch {
            // addErrorContext adds its own frame instead (CppNix: addTrace = false).
            if p.name == "__addErrorContext" { throw error }
            throw error.addTrace("while calling the '\(p.displayName)' builtin", at: pos)
        }
    }

    /// `v` forced as builtin `p`, called at `pos`, forces its argument: inside the
    /// call (its depth and stack checks), an error getting the call's frame. For a
    /// caller that looks at the forced argument before calling `p` with it.
    @inline(__always)
    func forceAsArgument(of p: PrimOp, _ v: Value, _ pos: Pos) throws(EvalError) -> Value {
        try checkCallRoom(pos)
        callDepth += 1
        defer { callDepth -= 1 }
        do {
            return try force(v, pos)
        } catch {
            throw error.addTrace("while calling the '\(p.displayName)' builtin", at: pos)
        }
    }

    func callLambda(_ c: Closure, _ arg: consuming Value, _ pos: Pos) throws(EvalError) -> Value {
        let l = c.lambda
        // `x: body`, the common case: one slot, no argument checks. (Functions with
        // formals are called out of line: their locals made this frame, which every
        // level of a deep recursion pays for, half as big again.)
        let env = l.formals == nil ? Env.make(parent: c.env, argument: arg, from: envPool) : try formalsEnvironment(c, arg, pos)
        let result = try evalBody(of: l, in: env, calledAt: pos)
        envPool.recycle(consume env)
        return result
    }

    /// The body of a call of `l` in its environment, with the call's frames under
    /// `--show-trace`.
    @inline(__always)
    private func evalBody(of l: LambdaNode, in env: Env, calledAt pos: Pos) throws(EvalError) -> Value {
        do {
            return try l.evalBody(self, env)
        } catch {
            if showTrace { addCallFrames(error, l, pos) }
            throw error
        }
    }

    /// The environment of a call of a function with formals (`{ a, b ? 1, … }:`):
    /// the set's attributes in their slots, defaults for the missing ones.
    @inline(never)
    private func formalsEnvironment(_ c: Closure, _ arg: Value, _ pos: Pos) throws(EvalError) -> Env {
        let l = c.lambda
        let env = Env.make(parent: c.env, size: l.envSize, from: envPool)
        if l.arg != nil { env.slots[0] = arg }
        guard let formals = l.formals else { return env }
        let attrs: Attrs
        do {
            attrs = try forceAttrs(arg, pos, "while evaluating the value passed for the lambda argument")
        } catch {
            if showTrace { error.addTrace("from call site", at: pos) }
            throw error
        }
        // Passed arguments go in first: a default may name another formal
        // (`{ x ? y, y ? x }`); `lazyBinding` keeps a reference to a sibling default lazy.
        // (The formals are read through a buffer pointer: iterating the array
        // copied each one, a retain and release of its default's node.)
        var used = 0
        var defaulted = 0
        let slots = env.slots
        try formals.withUnsafeBufferPointer { (fs) throws(EvalError) in
            for k in 0..<fs.count {
                if let v = attrs.get(fs[k].name) {
                    slots[fs[k].slot] = v
                    used += 1
                } else if fs[k].defaultValue != nil {
                    defaulted += 1
                } else {
                    throw EvalError("function '\(l.traceName(self))' called without required argument '\(symbols[fs[k].name])'", at: l.pos)
                        .addTrace("from call site", at: pos)
                }
            }
            if defaulted > 0 {
                for k in 0..<fs.count where attrs.get(fs[k].name) == nil {
                    if let d = fs[k].defaultValue { slots[fs[k].slot] = d.lazyBinding(self, env) }
                }
            }
        }
        if !l.ellipsis && used < attrs.count {
            for a in attrs.attrs where !formals.contains(where: { $0.name == a.name }) {
                let names = formals.map { symbols[$0.name] }
                throw EvalError("function '\(l.traceName(self))' called with unexpected argument '\(symbols[a.name])'", at: l.pos)
                    .withSuggestions(Suggestions.best(symbols[a.name], among: names))
                    .addTrace("from call site", at: pos)
            }
        }
        return env
    }

    /// `--show-trace`'s frames for a failed lambda call.
    private func addCallFrames(_ error: EvalError, _ l: LambdaNode, _ pos: Pos) {
        error.addTrace("while calling \(l.describe(self))", at: l.pos)
        if !pos.isNone { error.addTrace("from call site", at: pos) }
    }

    /// Calls a function with formals with the given arguments (those it accepts),
    /// as `nix-instantiate` does with `--arg`; other values are returned as they are.
    public func autoCall(_ v: Value, _ args: Attrs) throws(EvalError) -> Value {
        guard case .lambda(let c) = v, let formals = c.lambda.formals else { return v }
        var accepted: [Attr] = []
        for a in args.attrs where c.lambda.ellipsis || formals.contains(where: { $0.name == a.name }) {
            accepted.append(a)
        }
        return try call(v, .attrs(Attrs.sorted(accepted)), .none)
    }

    // MARK: Arithmetic and comparison

    func add(_ a: Value, _ b: Value, _ pos: Pos) throws(EvalError) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.addingReportingOverflow(y)
            return o ? Evaluator.value(NixInteger.add(x, y)) : .int(r)
        case (.float(let x), .float(let y)): return .float(x + y)
        case (.float(let x), _): return .float(x + (try toDouble(b, pos)))
        case (_, .float(let y)): return .float((try toDouble(a, pos)) + y)
        default:
            let x = try forceInt(a, pos, "while evaluating the first operand of +")
            let y = try forceInt(b, pos, "while evaluating the second operand of +")
            return Evaluator.value(NixInteger.add(x, y))
        }
    }

    static func value(_ n: NixInt) -> Value {
        switch n {
        case .small(let i): return .int(i)
        case .big(let b): return .bigInt(b)
        }
    }

    func toDouble(_ v: Value, _ pos: Pos) throws(EvalError) -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .bigInt(let b): return b.doubleValue
        case .float(let d): return d
        default: throw typeError("a float", v, pos)
        }
    }

    /// Nix equality: deep on lists and sets, numbers across int/float, functions never equal.
    public func equal(_ a: Value, _ b: Value, _ pos: Pos) throws(EvalError) -> Bool {
        // Values already forced are compared as they are (borrowed): `force` returns
        // a copy, a retain and a release per operand (json_roundtrip's deep `==`).
        if case .thunk = a {
            let x = try force(a, pos)
            if case .thunk = b { return try equalForced(x, try force(b, pos), pos) }
            return try equalForced(x, b, pos)
        }
        if case .thunk = b { return try equalForced(a, try force(b, pos), pos) }
        return try equalForced(a, b, pos)
    }

    /// `equal` of two values in weak head normal form.
    private func equalForced(_ x: Value, _ y: Value, _ pos: Pos) throws(EvalError) -> Bool {
        if let e = Evaluator.scalarEqual(x, y) { return e }
        // One operand at a time: a `switch (x, y)` copies both values into a tuple
        // (two retains and releases per comparison, measured on json_roundtrip).
        switch x {
        case .int, .bigInt:
            switch y {
            case .int, .bigInt: return NixInteger.equal(try forceInt(x, pos, ""), try forceInt(y, pos, ""))
            default: return false
            }
        case .list(let p):
            guard case .list(let q) = y else { return false }
            if p.isIdentical(to: q) { return true }
            guard p.count == q.count else { return false }
            // Elements read through buffer pointers: borrowed, not copied (a copy is
            // a retain and a release per element; json_roundtrip compares 100k values).
            return try p.elements.withUnsafeBufferPointer { (pe) throws(EvalError) -> Bool in
                try q.elements.withUnsafeBufferPointer { (qe) throws(EvalError) -> Bool in
                    for k in 0..<pe.count where !identical(at: pe.baseAddress! + k, qe.baseAddress! + k) {
                        if let e = Evaluator.scalarEqual(at: pe.baseAddress! + k, qe.baseAddress! + k) {
                            if !e { return false }
                            continue
                        }
                        if !(try equal(pe[k], qe[k], pos)) { return false }
                    }
                    return true
                }
            }
        case .attrs(let p):
            guard case .attrs(let q) = y else { return false }
            if p === q { return true }
            // Derivations compare by output path.
            if let po = p.get(sOutPath), let qo = q.get(sOutPath), isDerivation(p), isDerivation(q) {
                return try equal(po, qo, pos)
            }
            // (`attrs` flattens a layered set: read it once.)
            let pa = p.attrs, qa = q.attrs
            guard pa.count == qa.count else { return false }
            return try pa.withUnsafeBufferPointer { (pb) throws(EvalError) -> Bool in
                try qa.withUnsafeBufferPointer { (qb) throws(EvalError) -> Bool in
                    for k in 0..<pb.count {
                        guard pb[k].name == qb[k].name else { return false }
                        let x = (pb.baseAddress! + k).valuePointer, y = (qb.baseAddress! + k).valuePointer
                        if identical(at: x, y) { continue }
                        if let e = Evaluator.scalarEqual(at: x, y) {
                            if !e { return false }
                            continue
                        }
                        if !(try equal(pb[k].value, qb[k].value, pos)) { return false }
                    }
                    return true
                }
            }
        default:
            return false
        }
    }

    /// `==` on values that need no forcing and no recursion (nil otherwise):
    /// what `equal` would answer for them.
    @inline(__always)
    static func scalarEqual(_ a: Value, _ b: Value) -> Bool? {
        // Nested switches rather than one over `(a, b)`, which copies both values.
        if case .thunk = b { return nil }
        switch a {
        case .thunk: return nil
        case .null:
            if case .null = b { return true }
            return false
        case .bool(let p):
            switch b {
            case .bool(let q): return p == q
            case .null: return false
            default: return nil
            }
        case .int(let p):
            switch b {
            case .int(let q): return p == q
            case .float(let q): return Double(p) == q
            case .null: return false
            default: return nil
            }
        case .float(let p):
            switch b {
            case .float(let q): return p == q
            case .int(let q): return p == Double(q)
            case .null: return false
            default: return nil
            }
        case .string(let p):
            switch b {
            case .string(let q): return sameBytes(p.bytes, q.bytes)
            case .null: return false
            default: return nil
            }
        case .path(let p):
            switch b {
            case .path(let q): return sameBytes(p.bytes, q.bytes)
            case .null: return false
            default: return nil
            }
        default:
            if case .null = b { return false }
            return nil
        }
    }

    /// `==` of two stored integers or two stored strings, read in place (nil for
    /// anything else, left to `equal`): the part of `scalarEqual` that lists and
    /// sets of data mostly need, without copying the values.
    @inline(__always)
    static func scalarEqual(at a: UnsafePointer<Value>, _ b: UnsafePointer<Value>) -> Bool? {
        let ta = a.tag
        guard ta == b.tag else { return nil }
        if ta == ValueLayout.intTag { return a.payload == b.payload }
        guard ta == ValueLayout.stringTag else { return nil }
        return a.borrowedString.unsafelyUnwrapped._withUnsafeGuaranteedRef { x in
            b.borrowedString.unsafelyUnwrapped._withUnsafeGuaranteedRef { y in sameBytes(x.bytes, y.bytes) }
        }
    }

    /// CppNix's value identity shortcut: elements of lists and sets that are the
    /// very same value (the same thunk, function, set or list) are equal, even
    /// functions, which otherwise never are. Read in place: a `switch` over the
    /// pair of values retained and released both, for every element `==` compares.
    @inline(__always)
    func identical(at a: UnsafePointer<Value>, _ b: UnsafePointer<Value>) -> Bool {
        let ta = a.tag, tb = b.tag
        if ta == ValueLayout.thunkTag || tb == ValueLayout.thunkTag {
            if ta == tb { return a.payload == b.payload }
            // A variable's slot may hold a forced thunk's value instead of the thunk
            // (`LocalNode.eval`), so a forced thunk is identical to its value's object.
            if ta == ValueLayout.thunkTag {
                return a.borrowedThunk.unsafelyUnwrapped._withUnsafeGuaranteedRef { t in
                    t.state == .done && identical(at: UnsafePointer(t.valueAddress), b)
                }
            }
            return b.borrowedThunk.unsafelyUnwrapped._withUnsafeGuaranteedRef { t in
                t.state == .done && identical(at: a, UnsafePointer(t.valueAddress))
            }
        }
        guard ta == tb else { return false }
        switch ta {
        case ValueLayout.lambdaTag, ValueLayout.primopTag, ValueLayout.primopAppTag, ValueLayout.attrsTag, ValueLayout.listTag:
            // The object (a list: its storage, which is its identity).
            return a.payload == b.payload
        default:
            return false
        }
    }

    /// `identical(at:)` of two values.
    func identical(_ a: Value, _ b: Value) -> Bool {
        withUnsafePointer(to: a) { pa in withUnsafePointer(to: b) { pb in identical(at: pa, pb) } }
    }

    public func isDerivation(_ a: Attrs) -> Bool {
        guard let t = a.get(sType), case .string(let s) = (try? force(t, .none)) ?? .null else { return false }
        return s.bytes == Array("derivation".utf8)
    }

    // MARK: Coercions

    /// Coerces to a string as interpolation (`"${x}"`) or `toString` does.
    ///
    /// With `copyToStore` (CppNix's flag of the same name: interpolation into a
    /// string, `throw`, most string builtins) a path becomes the store path it is
    /// copied to, with that path as context, also when a set's `__toString` or
    /// `outPath` leads to it; without (`toString`, paths, `coerceToPath`) a path
    /// stays as it is.
    public func coerceToString(_ v: Value, _ pos: Pos, _ context: @autoclosure () -> String, interpolation: Bool,
                               copyToStore: Bool = false) throws(EvalError) -> ([UInt8], StringContext) {
        if case .string(let s) = v { return (s.bytes, s.context) }
        let w = try force(v, pos)
        switch w {
        case .string(let s): return (s.bytes, s.context)
        case .path(let p):
            guard copyToStore else { return (p.bytes, .empty) }
            let s = try copyPathToStore(p.bytes, pos)
            return (s.bytes, s.context)
        case .attrs(let a):
            if let f = a.get(sToString) {
                let r = try call(try force(f, pos), w, pos)
                return try coerceToString(r, pos, context(), interpolation: interpolation, copyToStore: copyToStore)
            }
            if let o = a.get(sOutPath) {
                return try coerceToString(o, pos, context(), interpolation: interpolation, copyToStore: copyToStore)
            }
        case .list(let l) where !interpolation:
            // `toString [ a b ]`: elements joined by spaces (nested lists flattened).
            // Each element forced once, here: integers written straight into the
            // result, an empty list seen without forcing it again.
            var out: [UInt8] = []
            var ctx = StringContext.empty
            for (k, e) in l.elements.enumerated() {
                let fe = try force(e, pos)
                if case .int(let i) = fe {
                    appendDecimal(i, to: &out)
                } else {
                    let (b, c) = try coerceToString(fe, pos, context(), interpolation: false, copyToStore: copyToStore)
                    out.append(contentsOf: b)
                    ctx = ctx.union(c)
                }
                if k < l.count - 1 {
                    if case .list(let inner) = fe, inner.count == 0 { continue }
                    out.append(32)
                }
            }
            return (out, ctx)
        case .int(let i) where !interpolation: return (decimalBytes(i), .empty)
        case .bigInt(let b) where !interpolation: return (b.decimalUTF8, .empty)
        case .float(let d) where !interpolation: return (Array(ASTPrinter.formatFloat(d).utf8), .empty)
        case .bool(let b) where !interpolation: return (b ? [49] : [], .empty)
        case .null where !interpolation: return ([], .empty)
        default: break
        }
        throw EvalError("cannot coerce \(w.typeDescription) to a string: \(ValuePrinter(self).brief(w))", at: .none, kind: .typeError)
            .addTrace(context(), at: pos)
    }
}
