import SwixSyntax

/// A formal parameter: its name, slot and default.
struct FormalParam {
    let name: Symbol
    let slot: Int
    let defaultValue: Node?
    let pos: Pos
}

/// `x: body`, `{ a, b ? d, ... }: body`, with an optional `@` name. The call's
/// environment holds the `@`/plain argument first, then the formals.
final class LambdaNode: Node {
    let arg: Symbol?
    let formals: [FormalParam]?
    let ellipsis: Bool
    let body: Node
    let name: Symbol?
    let envSize: Int
    /// How many environments up the closure's environment is: `let`/`rec` scopes
    /// the function names nothing of are skipped (`Lowering.lowerLambda`).
    let skip: Int

    init(arg: Symbol?, formals: [FormalParam]?, ellipsis: Bool, body: Node, name: Symbol?, skip: Int = 0, pos: Pos) {
        self.arg = arg
        self.formals = formals
        self.ellipsis = ellipsis
        self.body = body
        plainInner = (body as? LambdaNode).flatMap { $0.formals == nil ? .passUnretained($0) : nil }
        self.name = name
        self.skip = skip
        envSize = (arg == nil ? 0 : 1) + (formals?.count ?? 0)
        super.init(pos: pos)
    }

    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        lazy(ev, env)
    }

    /// Evaluates the body in a call's environment. A method, so that `body` is read
    /// from `self`, which the call keeps alive: `c.lambda.body.eval(…)` at the call
    /// site retained and released the body node around every call.
    @inline(__always)
    func evalBody(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        try body.eval(ev, env)
    }

    /// The closure (as a value it is already in weak head normal form).
    override func lazy(_ ev: Evaluator, _ env: Env) -> Value {
        .lambda(Closure(lambda: self, env: skip == 0 ? env : env.ancestor(skip)))
    }

    /// The body when it is itself a lambda without formals (`a: b: …`), for the
    /// curried calls (`Evaluator.call2`, `callCurried`). Unretained (`body` holds
    /// it) and stored at creation: read through a `lazy var` getter, then retained
    /// and released, it cost ~50 instructions per level of every curried call.
    let plainInner: Unmanaged<LambdaNode>?

    /// `'name'` or `anonymous lambda`, as Nix names a lambda in traces.
    func describe(_ ev: Evaluator) -> String {
        if let name { return "'\(ev.symbols[name])'" }
        return "anonymous lambda"
    }

    /// The name inside `function '…' called without …`.
    func traceName(_ ev: Evaluator) -> String {
        name.map { ev.symbols[$0] } ?? "anonymous lambda"
    }
}

/// `f a b …`
final class CallNode: Node {
    let function: Node
    let args: [Node]
    /// The function's slot when it is a variable: a closure there is called in
    /// place, borrowed, instead of copied out and released after the call. (The
    /// slot keeps it alive: after an environment is filled, a slot is only ever
    /// overwritten with the value of the thunk it held, the same closure.)
    let functionSlot: (depth: Int, slot: Int)?
    /// The function when it is a `with` variable (`with lib; add a b`): a closure
    /// found in an evaluated scope is called borrowed from its set, as one in a slot.
    let functionInWith: WithVariableNode?

    /// The builtin when the function is one known before evaluation (`map`,
    /// `toString`, …) and is given exactly its arguments: called directly.
    let constantPrimOp: PrimOp?
    /// `constantPrimOp`, unretained (this node holds it): calls use it borrowed
    /// (`if let p = constantPrimOp` retained and released it around every call).
    let constantPrimOpBorrowed: Unmanaged<PrimOp>?

    init(function: Node, args: [Node], pos: Pos) {
        self.function = function
        self.args = args
        functionSlot = (function as? LocalNode).map { ($0.depth, $0.slot) }
        functionInWith = function as? WithVariableNode
        if let c = function as? ConstantNode, case .primop(let p) = c.value, p.arity == args.count {
            constantPrimOp = p
            constantPrimOpBorrowed = .passUnretained(p)
        } else {
            constantPrimOp = nil
            constantPrimOpBorrowed = nil
        }
        super.init(pos: pos)
    }

    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        if let p = constantPrimOpBorrowed { return try callBorrowedPrimOp(p, ev, env) }
        if let (depth, slot) = functionSlot {
            let f = UnsafePointer(env.slotPointer(depth: depth, slot))
            if args.count <= 2, let c = f.borrowedForcedClosure {
                return try callBorrowedClosure(c, ev, env)
            }
            // A builtin in a variable (`inherit (builtins) elemAt;`), given exactly
            // its arguments: called borrowed from the slot, which keeps it alive.
            if let p = f.borrowedForcedPrimOp, p._withUnsafeGuaranteedRef({ $0.arity }) == args.count {
                return try callBorrowedPrimOp(p, ev, env)
            }
        }
        return try callGeneral(ev, env)
    }

    /// Calls closure `c` (borrowed: its holder outlives the call) with this node's
    /// one or two arguments.
    @inline(__always)
    private func callBorrowedClosure(_ c: Unmanaged<Closure>, _ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        try args.withUnsafeBufferPointer { (args) throws(EvalError) -> Value in
            if args.count == 1 {
                return try ev.callClosure(c, args.argument(0, ev, env), pos)
            }
            // The arguments are made in raw memory the call takes them from.
            return try withUnsafeTemporaryAllocation(of: Value.self, capacity: 2) { (buffer) throws(EvalError) -> Value in
                let p = buffer.baseAddress.unsafelyUnwrapped
                p.initialize(to: args.argument(0, ev, env))
                (p + 1).initialize(to: args.argument(1, ev, env))
                return try ev.callClosure2(c, takingArgumentsFrom: p, and: p + 1, pos)
            }
        }
    }

    /// Any other call: the function evaluated, then applied to the arguments.
    /// (Out of line, so that its locals do not enlarge `eval`'s stack frame.)
    @inline(never)
    private func callGeneral(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        // A `with` variable (`with lib; add a b`): a closure or builtin found in
        // evaluated scopes is called in place (the set holding it, directly or
        // through its forced thunk, lives as long as `env`), saving the copies of
        // a lookup and a force.
        if let w = functionInWith, let f = w.borrowedValue(env) {
            if args.count <= 2, let c = f.borrowedForcedClosure {
                return try callBorrowedClosure(c, ev, env)
            }
            if let p = f.borrowedForcedPrimOp, p._withUnsafeGuaranteedRef({ $0.arity }) == args.count {
                return try callBorrowedPrimOp(p, ev, env)
            }
        }
        var f = try function.eval(ev, env)
        // The argument nodes are read through a buffer pointer: borrowed, where an
        // array subscript retained and released each node around its `argument` call.
        return try args.withUnsafeBufferPointer { (args) throws(EvalError) -> Value in
            var next = 0
            // A builtin given all its arguments at once is called directly, without
            // the partial applications in between.
            if case .primop(let p) = f, p.arity > 0, args.count >= p.arity {
                f = try ev.callSaturated(p, CallNode.arguments(p, args, ev, env), pos)
                next = p.arity
            } else if args.count > 2, let borrowed = f.unretainedClosure {
                // `f a b c …` of a curried function: no closures in between. (The
                // closure borrowed from `f`, which holds it until the result
                // replaces it: `case .lambda(let c)` was a retain and a release.)
                let levels = borrowed._withUnsafeGuaranteedRef { ev.plainCurriedDepth($0, limit: args.count) }
                if levels > 2 {
                    do {
                        f = try borrowed._withUnsafeGuaranteedRef { c in
                            try ev.callCurried(c, levels: levels, pos) { args.argument($0, ev, env) }
                        }
                    } catch {
                        throw error as! EvalError
                    }
                    next = levels
                }
            }
            while next < args.count {
                if next + 1 < args.count {
                    f = try ev.call2(f, args.argument(next, ev, env), args.argument(next + 1, ev, env), pos)
                    next += 2
                } else {
                    f = try ev.call(f, args.argument(next, ev, env), pos)
                    next += 1
                }
            }
            return f
        }
    }
}

extension CallNode {
    /// `callPrimOp` of a builtin the caller keeps alive (in a slot, or this node's
    /// `constantPrimOp`).
    @inline(never)
    func callBorrowedPrimOp(_ p: Unmanaged<PrimOp>, _ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        do {
            return try p._withUnsafeGuaranteedRef { try callPrimOp($0, ev, env) }
        } catch {
            throw error as! EvalError
        }
    }

    /// Calls builtin `p` with this node's arguments, exactly its arity. (Not
    /// inlined: its locals would enlarge `eval`'s stack frame, which every level
    /// of a deep recursion pays for.)
    @inline(never)
    private func callPrimOp(_ p: PrimOp, _ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        try args.withUnsafeBufferPointer { (args) throws(EvalError) -> Value in
            try ev.callSaturated(p, CallNode.arguments(p, args, ev, env), pos)
        }
    }

    /// This call of `toString` as a part of a string (`ConcatNode`): the argument
    /// made as `callPrimOp` makes it; an integer is returned as such (its digits
    /// are the result), anything else goes to `toString`.
    func toStringPart(_ ev: Evaluator, _ env: Env) throws(EvalError) -> ToStringPart {
        do {
            return try constantPrimOpBorrowed.unsafelyUnwrapped._withUnsafeGuaranteedRef { p in
                try toStringPart(p, ev, env)
            }
        } catch {
            throw error as! EvalError
        }
    }

    @inline(__always)
    private func toStringPart(_ p: PrimOp, _ ev: Evaluator, _ env: Env) throws(EvalError) -> ToStringPart {
        let arguments = args.withUnsafeBufferPointer { CallNode.arguments(p, $0, ev, env) }
        if let n = arguments.forcedInt(0) { return .digits(n) }
        guard case .thunk = arguments[0] else { return .result(try ev.callSaturated(p, arguments, pos)) }
        // A variable's thunk (`"p${toString i}"` in a function of `i`): forced as
        // the builtin would force it, so that an integer's digits still go
        // straight into the result.
        let forced = try ev.forceAsArgument(of: p, arguments[0], pos)
        if case .int(let n) = forced { return .digits(n) }
        return .result(try ev.callSaturated(p, PrimOpArgs(forced), pos))
    }

    /// The first `p.arity` arguments of a call that saturates builtin `p`: lazy,
    /// except the one `p` forces first, evaluated at once (`Node.strictArgument`).
    @inline(__always)
    static func arguments(_ p: PrimOp, _ args: UnsafeBufferPointer<Node>, _ ev: Evaluator, _ env: Env) -> PrimOpArgs {
        let strict = p.strictArgument
        @inline(__always) func argument(_ k: Int) -> Value {
            strict == k ? args.strictArgument(k, ev, env) : args.argument(k, ev, env)
        }
        // One initialiser per arity (appending in a loop switched on the count
        // for every argument).
        switch p.arity {
        case 1: return PrimOpArgs(argument(0))
        case 2: return PrimOpArgs(argument(0), argument(1))
        default: return PrimOpArgs(argument(0), argument(1), argument(2))
        }
    }
}

/// A `toString` call inside a string: the integer whose digits it gives, or its result.
enum ToStringPart {
    case digits(Int64)
    case result(Value)
}

/// String interpolation and `+`: `"a${b}c"`, `./p/${x}`, `a + b`.
final class ConcatNode: Node {
    let parts: [Node]
    /// Where each part starts (`${` for interpolations), for error frames.
    let partPositions: [Pos]
    let forceString: Bool
    /// For each part that is a call of the builtin `toString`, that call: its
    /// argument is evaluated as the call would (`CallNode.arguments`), and when it
    /// is an integer its digits go straight into the result (`"p${toString i}"`
    /// made a string of the digits and dropped it again); anything else is passed
    /// to `toString` as the call would have.
    let toStringCalls: [CallNode?]
    let hasToStringCalls: Bool

    init(parts: [Node], partPositions: [Pos], forceString: Bool, pos: Pos) {
        self.parts = parts
        self.partPositions = partPositions
        self.forceString = forceString
        toStringCalls = parts.map { part in
            guard let call = part as? CallNode, let p = call.constantPrimOp, p.name == "toString" else { return nil }
            return call
        }
        hasToStringCalls = toStringCalls.contains { $0 != nil }
        super.init(pos: pos)
    }

    /// Part `k` when it is a call of `toString`: its argument as an integer, or the
    /// call's result (errors with `evalPart`'s frame); nil for any other part.
    @inline(__always)
    private func toStringPart(_ k: Int, _ ev: Evaluator, _ env: Env, _ parts: UnsafeBufferPointer<Node>) throws(EvalError) -> ToStringPart? {
        guard hasToStringCalls, let call = toStringCalls.withUnsafeBufferPointer({ $0[k] }) else { return nil }
        do {
            return try call.toStringPart(ev, env)
        } catch {
            throw error.addTrace("in an operand of '+'", at: parts[k].pos)
        }
    }

    /// A part kept in `values`: a string, or an integer that stands for its digits.
    private static func asString(_ v: Value) -> Value {
        if case .int(let n) = v { return .string(NixString(decimalBytes(n))) }
        return v
    }

    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        // The parts' values wait in a temporary buffer (on the stack) so that an
        // all-string result, the usual interpolation, is made in one allocation of
        // its exact size: appending part after part reallocated as the string
        // grew, and left it with up to twice the capacity it needs.
        // (Borrowed through a buffer pointer: `parts[k]` retains the node.)
        try withUnsafeTemporaryAllocation(of: Value.self, capacity: parts.count) { (values) throws(EvalError) -> Value in
            try parts.withUnsafeBufferPointer { (parts) throws(EvalError) -> Value in
                try evalParts(ev, env, parts, values.baseAddress!)
            }
        }
    }

    private func evalPart(_ k: Int, _ ev: Evaluator, _ env: Env, _ parts: UnsafeBufferPointer<Node>) throws(EvalError) -> Value {
        do {
            return try parts.eval(k, ev, env)
        } catch {
            throw error.addTrace("in an operand of '+'", at: parts[k].pos)
        }
    }

    /// Evaluates the parts in order. While they are strings they are kept in
    /// `values`; the first that is not (a number, a path, a set to coerce) sends
    /// everything through `ConcatAccumulator`, the strings so far first (adding a
    /// string cannot fail, so errors come in the same order).
    private func evalParts(_ ev: Evaluator, _ env: Env, _ parts: UnsafeBufferPointer<Node>,
                           _ values: UnsafeMutablePointer<Value>) throws(EvalError) -> Value {
        var kept = 0
        // Destroyed inline (`deinitialize(count:)` went through the generic array
        // destroy and a value-witness call per part, for every interpolation).
        defer { for j in 0..<kept { (values + j).destroyValue() } }
        var total = 0
        var integers = false
        for k in 0..<parts.count {
            let v: Value
            switch try toStringPart(k, ev, env, parts) {
            case .digits(let n)?:
                total += decimalLength(n)
                (values + kept).initialize(to: .int(n))
                kept += 1
                integers = true
                continue
            case .result(let r)?:
                v = r
            case nil:
                v = try evalPart(k, ev, env, parts)
            }
            guard case .string(let s) = v else {
                var acc = ConcatAccumulator(forceString: forceString, pos: pos)
                // An interpolation: room for the strings so far and a store path or so
                // per part to come (a derivation interpolated), so that the string is
                // not reallocated as it grows.
                if forceString { acc.reserve(total + 64 * (parts.count - k)) }
                for j in 0..<kept { try acc.add(ConcatNode.asString(values[j]), first: j == 0, partPos: partPositions[j], ev) }
                try acc.add(v, first: k == 0, partPos: partPositions[k], ev)
                for j in (k + 1)..<parts.count {
                    try acc.add(try evalPart(j, ev, env, parts), first: false, partPos: partPositions[j], ev)
                }
                return acc.result()
            }
            total += s.bytes.count
            (values + kept).initialize(to: v)
            kept += 1
        }
        if integers { return ConcatNode.joinWithIntegers(UnsafeBufferPointer(start: values, count: kept), total: total) }
        return ConcatNode.join(UnsafeBufferPointer(start: values, count: kept), total: total)
    }

    /// `join` of parts some of which are integers standing for their digits.
    @inline(never)
    private static func joinWithIntegers(_ parts: UnsafeBufferPointer<Value>, total: Int) -> Value {
        var context = StringContext.empty
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        // The parts are read in place, as in `join`: `switch parts[j]` copied each
        // string out (a retain and a release per part).
        let base = parts.baseAddress!
        for j in 0..<parts.count {
            let part = UnsafePointer(base + j)
            if let s = part.borrowedString {
                s._withUnsafeGuaranteedRef { s in
                    bytes.append(contentsOf: s.bytes)
                    if !s.context.isEmpty { context = context.union(s.context) }
                }
            } else if let n = part.forcedInt {
                appendDecimal(n, to: &bytes)
            } else {
                preconditionFailure("a concatenation part kept as neither a string nor an integer")
            }
        }
        return .string(NixString(bytes, context: context))
    }

    /// Strings joined, their contexts united. A result equal to one of them (the
    /// others empty, without context of their own) is that string itself.
    private static func join(_ strings: UnsafeBufferPointer<Value>, total: Int) -> Value {
        // The strings are read borrowed (each is a string: `evalParts` checked).
        let base = strings.baseAddress!
        var context = StringContext.empty
        var only = -1, nonEmpty = 0
        for j in 0..<strings.count {
            UnsafePointer(base + j).borrowedString.unsafelyUnwrapped._withUnsafeGuaranteedRef { s in
                if !s.bytes.isEmpty { nonEmpty += 1; only = j }
                if !s.context.isEmpty { context = context.union(s.context) }
            }
        }
        if nonEmpty <= 1 {
            if only < 0 { return .string(NixString([], context: context)) }
            let s = UnsafePointer(base + only).borrowedString.unsafelyUnwrapped.takeUnretainedValue()
            return s.context == context ? strings[only] : .string(NixString(s.bytes, context: context))
        }
        // Reserved, then appended: both go through the standard library's entry
        // points specialised for bytes. (`Array(unsafeUninitializedCapacity:)` and
        // `Array(repeating:count:)` ran unspecialised here, looking the storage
        // class's generic metadata up on every call.)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        for j in 0..<strings.count {
            UnsafePointer(base + j).borrowedString.unsafelyUnwrapped._withUnsafeGuaranteedRef { s in
                bytes.append(contentsOf: s.bytes)
            }
        }
        return .string(NixString(bytes, context: context))
    }
}

/// `a + b` (a two-part concatenation that is not an interpolation): integers are
/// added inline; anything else goes through `ConcatAccumulator` as `ConcatNode`.
final class AddNode: Node {
    let lhs, rhs: Node
    let lhsPos, rhsPos: Pos
    let lhsInt, rhsInt: IntOperand
    init(lhs: Node, rhs: Node, lhsPos: Pos, rhsPos: Pos, pos: Pos) {
        self.lhs = lhs
        self.rhs = rhs
        self.lhsPos = lhsPos
        self.rhsPos = rhsPos
        lhsInt = IntOperand(lhs)
        rhsInt = IntOperand(rhs)
        super.init(pos: pos)
    }

    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        // Integer operands read in place (a variable's thunk forced there first),
        // without copying their values out.
        let xi: Int64?
        do throws(EvalError) { xi = try lhsInt.forceInt(ev, env) } catch { throw error.addTrace("in an operand of '+'", at: lhs.pos) }
        if let x = xi {
            let yi: Int64?
            do throws(EvalError) { yi = try rhsInt.forceInt(ev, env) } catch { throw error.addTrace("in an operand of '+'", at: rhs.pos) }
            if let y = yi, let v = AddNode.sum(x, y) { return v }
        }
        let a: Value, b: Value
        do throws(EvalError) { a = try lhs.eval(ev, env) } catch { throw error.addTrace("in an operand of '+'", at: lhs.pos) }
        do throws(EvalError) { b = try rhs.eval(ev, env) } catch { throw error.addTrace("in an operand of '+'", at: rhs.pos) }
        if case .int(let x) = a, case .int(let y) = b, let v = AddNode.sum(x, y) { return v }
        return try addGeneral(a, b, ev)
    }

    /// Strings, paths, floats, big integers. (Out of line: the accumulator's
    /// locals would enlarge `eval`'s stack frame, which `a + f x` recursions pay.)
    @inline(never)
    private func addGeneral(_ a: Value, _ b: Value, _ ev: Evaluator) throws(EvalError) -> Value {
        var acc = ConcatAccumulator(forceString: false, pos: pos)
        try acc.add(a, first: true, partPos: lhsPos, ev)
        try acc.add(b, first: false, partPos: rhsPos, ev)
        return acc.result()
    }

    override func peek(_ ev: Evaluator, _ env: Env) -> Value? {
        if let x = lhsInt.read(env), let y = rhsInt.read(env) { return AddNode.sum(x, y) }
        if case .int(let x)? = lhs.peek(ev, env), case .int(let y)? = rhs.peek(ev, env) { return AddNode.sum(x, y) }
        return nil
    }

    /// `x + y` on 64-bit integers; nil on overflow (the general path promotes).
    @inline(__always)
    static func sum(_ x: Int64, _ y: Int64) -> Value? {
        let (r, o) = x.addingReportingOverflow(y)
        return o ? nil : .int(r)
    }

}

/// The running result of a concatenation. As CppNix's ExprConcatStrings, the
/// first operand of `+` decides whether this adds numbers, joins a path, or
/// builds a string.
struct ConcatAccumulator {
    enum Kind { case int, float, path, string }
    let forceString: Bool
    let pos: Pos
    var kind = Kind.string
    var intSum: Int64 = 0
    var bigSum: NixInt?
    var floatSum = 0.0
    var bytes: [UInt8] = []
    var context = StringContext.empty

    init(forceString: Bool, pos: Pos) {
        self.forceString = forceString
        self.pos = pos
    }

    mutating func add(_ v: Value, first: Bool, partPos: Pos, _ ev: Evaluator) throws(EvalError) {
        if first && !forceString {
            switch v {
            case .int(let i): kind = .int; intSum = i; return
            case .bigInt(let b): kind = .int; bigSum = NixInt(b); return
            case .float(let d): kind = .float; floatSum = d; return
            case .path(let p): kind = .path; bytes = p.bytes; return
            default: kind = .string
            }
        }
        switch kind {
        case .int:
            switch v {
            case .int(let i):
                if bigSum == nil {
                    let (r, o) = intSum.addingReportingOverflow(i)
                    if !o { intSum = r; return }
                    bigSum = .small(intSum)
                }
                bigSum = NixInteger.add(bigSum!, .small(i))
            case .bigInt(let b):
                bigSum = NixInteger.add(bigSum ?? .small(intSum), NixInt(b))
            case .float(let d):
                kind = .float
                floatSum = (bigSum?.doubleValue ?? Double(intSum)) + d
            default:
                throw EvalError("cannot add \(v.typeDescription) to an integer", at: partPos)
            }
        case .float:
            switch v {
            case .int(let i): floatSum += Double(i)
            case .bigInt(let b): floatSum += b.doubleValue
            case .float(let d): floatSum += d
            default: throw EvalError("cannot add \(v.typeDescription) to a float", at: partPos)
            }
        case .path:
            if case .path(let p) = v {
                bytes.append(contentsOf: p.bytes)
                return
            }
            let (b, c) = try ev.coerceToString(v, partPos, "while evaluating a path segment", interpolation: true)
            if !c.isEmpty {
                throw EvalError("a string that refers to a store path cannot be appended to a path", at: pos)
            }
            bytes.append(contentsOf: b)
        case .string:
            if case .path(let p) = v {
                // A path in a string is copied to the store (its store path is computed).
                let s = try ev.copyPathToStore(p.bytes, partPos)
                bytes.append(contentsOf: s.bytes)
                context = context.union(s.context)
                return
            }
            // Borrowed from `v` (`case .string(let s)` was a retain and a release).
            if let s = v.unretainedString {
                s._withUnsafeGuaranteedRef { s in
                    if bytes.capacity == 0 { bytes = s.bytes } else { bytes.append(contentsOf: s.bytes) }
                    if !s.context.isEmpty { context = context.union(s.context) }
                }
                return
            }
            // A set whose `__toString` or `outPath` is a path: copied too.
            let (b, c) = try ev.coerceToString(v, partPos, "while evaluating a path segment", interpolation: true, copyToStore: true)
            bytes.append(contentsOf: b)
            context = context.union(c)
        }
    }

    /// Reserves room for a string result of about `count` bytes.
    mutating func reserve(_ count: Int) { bytes.reserveCapacity(count) }

    func result() -> Value {
        switch kind {
        case .int: return bigSum.map { Evaluator.value($0) } ?? .int(intSum)
        case .float: return .float(floatSum)
        case .path: return .path(NixPath(SwixSyntax.Parser.canonicalize(bytes[...], trailingSlash: false)))
        case .string: return .string(NixString(bytes, context: context))
        }
    }
}

/// A call of `__sub`, `__mul`, `__div` or `__lessThan` with both arguments, as the
/// parser desugars `a - b`, `a * b`, `a / b`, `a < b`: integers are handled
/// inline, anything else goes through the primop (same results and errors).
final class ArithmeticNode: Node {
    enum Op { case sub, mul, div, lessThan }
    let op: Op
    let primop: PrimOp
    let lhs, rhs: Node

    let lhsInt, rhsInt: IntOperand
    /// For `<`: the operands as strings read in place (`c < "0"` over a string's
    /// characters evaluated both operands into copies, a retain and a release each).
    let lhsString, rhsString: StringOperand

    init(op: Op, primop: PrimOp, lhs: Node, rhs: Node, pos: Pos) {
        self.op = op
        self.primop = primop
        self.lhs = lhs
        self.rhs = rhs
        lhsInt = IntOperand(lhs)
        rhsInt = IntOperand(rhs)
        lhsString = op == .lessThan ? StringOperand(lhs) : .other
        rhsString = op == .lessThan ? StringOperand(rhs) : .other
        super.init(pos: pos)
    }

    /// The result when both operands are integers read in place (nil: overflow,
    /// division by zero, or operands that need evaluating).
    @inline(__always)
    private func direct(_ env: Env) -> Value? {
        guard let a = lhsInt.read(env), let b = rhsInt.read(env) else { return nil }
        return ArithmeticNode.apply(op, a, b)
    }

    @inline(__always)
    static func apply(_ op: Op, _ a: Int64, _ b: Int64) -> Value? {
        switch op {
        case .sub:
            let (r, o) = a.subtractingReportingOverflow(b)
            return o ? nil : .int(r)
        case .mul:
            let (r, o) = a.multipliedReportingOverflow(by: b)
            return o ? nil : .int(r)
        case .div:
            return b != 0 && !(a == Int64.min && b == -1) ? .int(a / b) : nil
        case .lessThan:
            return .bool(a < b)
        }
    }

    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        // Integer operands read in place (a variable's thunk forced there first).
        do throws(EvalError) {
            if let a = try lhsInt.forceInt(ev, env), let b = try rhsInt.forceInt(ev, env), let v = ArithmeticNode.apply(op, a, b) {
                return v
            }
        } catch {
            throw error.addTrace("while calling the '\(primop.displayName)' builtin", at: pos)
        }
        return try evalGeneral(ev, env)
    }

    /// Operands other than integers read in place. (Out of line: its locals made
    /// `eval`'s frame larger for every integer operation.)
    @inline(never)
    private func evalGeneral(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        if let a = lhsString.read(env), let b = rhsString.read(env) {
            return .bool(a._withUnsafeGuaranteedRef { x in b._withUnsafeGuaranteedRef { y in bytewiseLess(x.bytes, y.bytes) } })
        }
        let x: Value, y: Value
        do throws(EvalError) {
            x = try lhs.eval(ev, env)
            y = try rhs.eval(ev, env)
        } catch {
            throw error.addTrace("while calling the '\(primop.displayName)' builtin", at: pos)
        }
        if case .int(let a) = x, case .int(let b) = y, let v = ArithmeticNode.apply(op, a, b) { return v }
        // Strings compare by their bytes (`c >= "0"` over a string's characters),
        // without the builtin's call and copies.
        if op == .lessThan, case .string(let a) = x, case .string(let b) = y { return .bool(bytewiseLess(a.bytes, b.bytes)) }
        return try ev.callPrimOp(primop, PrimOpArgs(x, y), pos)
    }

    /// Integer arithmetic on operands that are already values cannot fail or
    /// diverge, so an argument like `n - 1` needs no thunk.

    override func peek(_ ev: Evaluator, _ env: Env) -> Value? {
        if let v = direct(env) { return v }
        if case .int(let a)? = lhs.peek(ev, env), case .int(let b)? = rhs.peek(ev, env) {
            return ArithmeticNode.apply(op, a, b)
        }
        return nil
    }
}

extension UnsafeBufferPointer where Element == Node {
    /// `self[k].argument(ev, env)` with the node borrowed: a node read from the
    /// buffer and called was retained and released around the call.
    @inline(__always)
    func argument(_ k: Int, _ ev: Evaluator, _ env: Env) -> Value {
        Unmanaged.passUnretained(self[k])._withUnsafeGuaranteedRef { $0.argument(ev, env) }
    }

    /// `self[k].eval(ev, env)`, borrowed likewise.
    @inline(__always)
    func eval(_ k: Int, _ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        do {
            return try Unmanaged.passUnretained(self[k])._withUnsafeGuaranteedRef { try $0.eval(ev, env) }
        } catch {
            throw error as! EvalError
        }
    }

    /// `self[k].lazy(ev, env)`, borrowed likewise.
    @inline(__always)
    func lazy(_ k: Int, _ ev: Evaluator, _ env: Env) -> Value {
        Unmanaged.passUnretained(self[k])._withUnsafeGuaranteedRef { $0.lazy(ev, env) }
    }

    /// `self[k].strictArgument(ev, env)`, borrowed likewise.
    @inline(__always)
    func strictArgument(_ k: Int, _ ev: Evaluator, _ env: Env) -> Value {
        Unmanaged.passUnretained(self[k])._withUnsafeGuaranteedRef { $0.strictArgument(ev, env) }
    }
}
