import SwixSyntax

/// An evaluation node: the lowered, scope-resolved form of an expression.
/// `eval` returns a value in weak head normal form (never `.thunk`);
/// `lazy` returns what a lazy position (an argument, a list element, an attribute)
/// should hold: constants and variables as they are, everything else as a thunk.
class Node {
    let pos: Pos
    init(pos: Pos) { self.pos = pos }

    func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        fatalError("eval not implemented for \(type(of: self))")
    }

    func lazy(_ ev: Evaluator, _ env: Env) -> Value {
        .thunk(ThunkPool.make(lowered: self, env: env))
    }

    /// The value of this expression when it is already known without evaluating
    /// anything that could fail, diverge or have an effect: a constant, a variable
    /// holding a value (or a forced thunk), and cheap operations on those.
    /// Never called while `env`'s slots are being filled.
    func peek(_ ev: Evaluator, _ env: Env) -> Value? { nil }

    /// `lazy` for a function argument: when `peek` knows the result it is passed
    /// as it is, saving the thunk (`fib (n - 1)` allocates nothing). Only
    /// arguments are treated so: a value a list or set holds stays a thunk until
    /// forced, so non-strict printing shows `«thunk»` exactly where CppNix does
    /// (a function printing its unforced argument is the one visible difference).
    func argument(_ ev: Evaluator, _ env: Env) -> Value {
        peek(ev, env) ?? lazy(ev, env)
    }

    /// `argument` for the argument a builtin is about to force (its
    /// `strictArgument`): an expression that would become a thunk is evaluated now
    /// instead, saving the thunk. The builtin must still see exactly what forcing
    /// that thunk would have shown it, so an error becomes a thunk that throws the
    /// same error when the builtin forces it (its frames are then added as they
    /// would have been). Variables, constants and functions are passed as
    /// `argument` passes them: a variable's own thunk is forced by the builtin.
    func strictArgument(_ ev: Evaluator, _ env: Env) -> Value {
        if let v = peek(ev, env) { return v }
        do {
            return try eval(ev, env)
        } catch {
            return .thunk(Thunk(node: RethrowNode(error, pos: pos), env: env))
        }
    }

    /// `lazy` for a binding of a recursive scope while its slots are being filled:
    /// a reference to a sibling must not read a slot that is not set yet.
    func lazyBinding(_ ev: Evaluator, _ env: Env) -> Value {
        lazy(ev, env)
    }
}

/// The function of application thunks (`Thunk(application:argument:)`), shared
/// by all elements of one `map` or `genList`.
final class ApplicationNode: Node {
    let function: Value
    init(_ function: Value, pos: Pos) {
        self.function = function
        super.init(pos: pos)
    }
    func apply(_ ev: Evaluator, _ argument: Value) throws(EvalError) -> Value {
        try ev.call(function, argument, pos)
    }
}

/// An expression whose evaluation already failed (`Node.strictArgument`):
/// evaluating it throws that error again.
final class RethrowNode: Node {
    let error: EvalError
    init(_ error: EvalError, pos: Pos) {
        self.error = error
        super.init(pos: pos)
    }
    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value { throw error }
}

/// A literal, or any value known before evaluation (builtins, for instance).
final class ConstantNode: Node {
    let value: Value
    private let intValue: Int64?
    /// A selection folded into its value (`builtins.head`, see
    /// `Lowering.constantSelection`) is still a thunk where a selection would be
    /// one, in a set or list: non-strict output shows `«thunk»` there, as it does
    /// for the selection.
    private let lazyMakesThunk: Bool
    init(_ value: Value, pos: Pos = .none, lazyMakesThunk: Bool = false) {
        self.value = value
        if case .int(let i) = value { intValue = i } else { intValue = nil }
        self.lazyMakesThunk = lazyMakesThunk
        super.init(pos: pos)
    }
    // An integer is returned as a new value: copying `value` goes through the
    // outlined copy of `Value` (a call and a switch), which an integer does not need.
    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        if let i = intValue { return .int(i) }
        return value
    }
    override func lazy(_ ev: Evaluator, _ env: Env) -> Value {
        if let i = intValue { return .int(i) }
        if lazyMakesThunk { return super.lazy(ev, env) }
        return value
    }
    override func peek(_ ev: Evaluator, _ env: Env) -> Value? {
        if let i = intValue { return .int(i) }
        return value
    }
    override func strictArgument(_ ev: Evaluator, _ env: Env) -> Value { peek(ev, env)! }
}

/// An operand of integer arithmetic or comparison that can be read without
/// evaluating it: a variable's slot or an integer literal. Reading the integer in
/// place skips the copy and destruction of a `Value` (two outlined calls) per
/// operand; anything that is not an evaluated integer takes the general path.
enum IntOperand {
    case slot(depth: Int, slot: Int, pos: Pos)
    case constant(Int64)
    case other

    init(_ node: Node) {
        if let l = node as? LocalNode {
            self = .slot(depth: l.depth, slot: l.slot, pos: l.pos)
        } else if let c = node as? ConstantNode, case .int(let i) = c.value {
            self = .constant(i)
        } else {
            self = .other
        }
    }

    @inline(__always)
    func read(_ env: Env) -> Int64? {
        switch self {
        case .slot(let depth, let slot, _): return UnsafePointer(env.slotPointer(depth: depth, slot)).forcedInt
        case .constant(let i): return i
        case .other: return nil
        }
    }

    /// `read`, forcing a variable's thunk first as `LocalNode.eval` does (the slot
    /// keeps the value). Nil when the operand is no integer or needs evaluating
    /// in the general way; nothing but a variable's thunk is evaluated here.
    @inline(__always)
    func forceInt(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Int64? {
        switch self {
        case .slot(let depth, let slot, let pos):
            let p = env.slotPointer(depth: depth, slot)
            if let i = UnsafePointer(p).forcedInt { return i }
            guard case .thunk(let t) = p.pointee else { return nil }
            let v = try ev.force(t, pos)
            p.pointee = v
            if case .int(let i) = v { return i }
            return nil
        case .constant(let i): return i
        case .other: return nil
        }
    }
}

/// An operand read as a string in place, without evaluating anything: a string
/// constant (kept alive by its node), or a variable whose slot holds a string or a
/// forced thunk of one. Anything else reads as nil and is evaluated as usual.
enum StringOperand {
    case slot(depth: Int, slot: Int)
    case constant(Unmanaged<NixString>)
    case other

    init(_ node: Node) {
        if let l = node as? LocalNode {
            self = .slot(depth: l.depth, slot: l.slot)
        } else if let c = node as? ConstantNode, case .string(let s) = c.value {
            self = .constant(.passUnretained(s))
        } else {
            self = .other
        }
    }

    @inline(__always)
    func read(_ env: Env) -> Unmanaged<NixString>? {
        switch self {
        case .slot(let depth, let slot):
            return UnsafePointer(env.slotPointer(depth: depth, slot)).forcedObject(ValueLayout.stringTag).map { Unmanaged.fromOpaque($0) }
        case .constant(let s): return s
        case .other: return nil
        }
    }
}

/// A variable bound lexically: `depth` environments up, slot `slot`.
/// (Not final: `LetVariableNode` refines it for `let` bindings, and the fast
/// paths that read a variable's slot in place take both.)
class LocalNode: Node {
    let depth: Int
    let slot: Int
    let name: Symbol
    init(depth: Int, slot: Int, name: Symbol, pos: Pos) {
        self.depth = depth
        self.slot = slot
        self.name = name
        super.init(pos: pos)
    }
    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        let p = env.slotPointer(depth: depth, slot)
        guard UnsafePointer(p).borrowedThunk != nil else { return p.pointee }
        let v = try ev.force(at: p, pos)
        // The slot keeps the value itself from now on: later reads skip the
        // thunk, and the thunk is freed as soon as nothing else holds it.
        p.pointee = v
        return v
    }

    /// `eval`'s forcing of the thunk in slot `p`, for a caller that goes on
    /// reading the slot in place (`SelectNode.select`). Out of line: the
    /// caller's frame stays small.
    @inline(never)
    static func forceInPlace(_ p: UnsafeMutablePointer<Value>, _ ev: Evaluator, _ pos: Pos) throws(EvalError) {
        let v = try ev.force(at: p, pos)
        p.pointee = v
    }
    override func lazy(_ ev: Evaluator, _ env: Env) -> Value {
        UnsafePointer(env.slotPointer(depth: depth, slot)).lazyValue
    }
    override func peek(_ ev: Evaluator, _ env: Env) -> Value? {
        UnsafePointer(env.slotPointer(depth: depth, slot)).knownValue
    }
    override func strictArgument(_ ev: Evaluator, _ env: Env) -> Value { argument(ev, env) }
    override func lazyBinding(_ ev: Evaluator, _ env: Env) -> Value {
        depth == 0 ? .thunk(ThunkPool.make(lowered: self, env: env)) : lazy(ev, env)
    }
}

/// A variable that no lexical scope binds: looked up in the enclosing `with`
/// scopes at run time, innermost first. `depth` is the distance to the innermost
/// `with` environment.
final class WithVariableNode: Node {
    let depth: Int
    let name: Symbol
    init(depth: Int, name: Symbol, pos: Pos) {
        self.depth = depth
        self.name = name
        super.init(pos: pos)
    }

    func lookup(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        if let v = try search(env, evaluatingWith: ev) { return v.pointee }
        throw EvalError("undefined variable '\(ev.symbols[name])'", at: pos, kind: .undefinedVariable)
    }

    /// What `lookup` finds when every `with` scope it searches is evaluated already:
    /// the attribute's value as the set holds it (possibly a thunk). Nil when
    /// finding out would evaluate a scope's set, and when no scope has the name
    /// (that error is left to the evaluation of the variable). The attribute's
    /// storage in its set, valid while `env` is alive (it keeps the `with` scopes
    /// alive, each scope's slot its set, and the set its values).
    ///
    /// CppNix passes such a variable on in lazy positions (arguments, list
    /// elements, bindings) as the attribute's own value (`lookupVar` without
    /// evaluation, in `ExprVar::maybeThunk`), not as a thunk of the lookup.
    @inline(__always)
    func borrowedValue(_ env: Env) -> UnsafePointer<Value>? {
        (try? search(env, evaluatingWith: nil)) ?? nil
    }

    /// The value of `name` in the innermost `with` scope that has it, nil if none
    /// does. A scope whose set is not evaluated yet is evaluated with `ev`, or
    /// without one ends the search with nil.
    @inline(__always)
    private func search(_ env: Env, evaluatingWith ev: Evaluator?) throws(EvalError) -> UnsafePointer<Value>? {
        // The environments and sets are borrowed (see `Env.slotPointer` and
        // `borrowedAttrs`): env keeps its parents alive, each `with` slot its set.
        var e: UnsafeRawPointer? = UnsafeRawPointer(env.slotPointer(depth: depth, 0)) - Env.slotsOffset
        while let w = e {
            if w.load(fromByteOffset: Env.isWithOffset, as: Bool.self) {
                let slot = (UnsafeMutableRawPointer(mutating: w) + Env.slotsOffset).assumingMemoryBound(to: Value.self)
                let set: Unmanaged<Attrs>
                if let a = UnsafePointer(slot).borrowedAttrs {
                    set = a
                } else {
                    guard let ev else { return nil }
                    let attrs = try ev.forceAttrs(slot.pointee, pos, "while evaluating the first subexpression of a with expression")
                    // The slot keeps the set itself from now on (as `LocalNode` does).
                    slot.pointee = .attrs(attrs)
                    set = .passUnretained(attrs)
                }
                var definedAt = Pos.none
                if let v = Attrs.valuePointer(in: set, name, &definedAt) { return v }
            }
            e = w.load(fromByteOffset: Env.parentOffset, as: UnsafeRawPointer?.self)
        }
        return nil
    }

    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        try ev.force(try lookup(ev, env), pos)
    }

    override func lazy(_ ev: Evaluator, _ env: Env) -> Value {
        guard let v = borrowedValue(env) else { return .thunk(ThunkPool.make(lowered: self, env: env)) }
        return v.lazyValue
    }

    override func peek(_ ev: Evaluator, _ env: Env) -> Value? {
        guard let v = borrowedValue(env) else { return nil }
        return v.knownValue
    }
}

/// `[ a b c ]`
final class ListNode: Node {
    let elements: [Node]
    init(_ elements: [Node], pos: Pos) {
        self.elements = elements
        super.init(pos: pos)
    }
    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        if elements.isEmpty { return .list(.empty) }
        var out: [Value] = []
        out.reserveCapacity(elements.count)
        // Borrowed through a buffer pointer (iterating the array retains each node).
        elements.withUnsafeBufferPointer { nodes in
            for k in 0..<nodes.count { out.append(nodes.lazy(k, ev, env)) }
        }
        return .list(NixList(out))
    }
}

/// `if c then a else b`
final class IfNode: Node {
    let cond, then, otherwise: Node
    init(_ cond: Node, _ then: Node, _ otherwise: Node, pos: Pos) {
        self.cond = cond
        self.then = then
        self.otherwise = otherwise
        super.init(pos: pos)
    }
    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        // `evalBool`, with its error paths out of line: their locals made this
        // frame, which every level of a recursion through an `if` pays for, twice
        // as big.
        let c: Value
        do {
            c = try cond.eval(ev, env)
        } catch {
            throw conditionFailed(error)
        }
        guard case .bool(let b) = c else { throw conditionNotBoolean(c, ev) }
        // Two calls rather than `(c ? then : otherwise).eval`: the conditional
        // expression makes an owned copy of the node (a retain and a release per `if`).
        if b { return try then.eval(ev, env) }
        return try otherwise.eval(ev, env)
    }

    private static var context: String { "while evaluating a branch condition" }

    @inline(never)
    private func conditionFailed(_ error: EvalError) -> EvalError {
        error.addTrace(IfNode.context, at: cond.pos)
    }

    @inline(never)
    private func conditionNotBoolean(_ v: Value, _ ev: Evaluator) -> EvalError {
        ev.typeError("a Boolean", v, cond.pos).addTrace(IfNode.context, at: cond.pos)
    }

    /// With a known condition, the branch taken is what a thunk would evaluate.
    override func argument(_ ev: Evaluator, _ env: Env) -> Value {
        if case .bool(let c)? = cond.peek(ev, env) { return c ? then.argument(ev, env) : otherwise.argument(ev, env) }
        return .thunk(ThunkPool.make(lowered: self, env: env))
    }
    override func peek(_ ev: Evaluator, _ env: Env) -> Value? {
        guard case .bool(let c)? = cond.peek(ev, env) else { return nil }
        return c ? then.peek(ev, env) : otherwise.peek(ev, env)
    }
}

/// `assert c; body`
final class AssertNode: Node {
    let cond, body: Node
    let text: String
    init(_ cond: Node, _ body: Node, text: String, pos: Pos) {
        self.cond = cond
        self.body = body
        self.text = text
        super.init(pos: pos)
    }
    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        let ok = try ev.evalBool(cond, env, "in the condition of the assert statement")
        if !ok {
            // `assert a == b` explains the difference.
            if let eq = cond as? BinaryNode, eq.op == .eq {
                do throws(EvalError) {
                    try ev.assertEqual(try eq.lhs.eval(ev, env), try eq.rhs.eval(ev, env), eq.pos)
                } catch {
                    throw error.addTrace("while evaluating the condition of the assertion '\(text)'", at: pos)
                }
            }
            throw EvalError("assertion '\(text)' failed", at: pos, kind: .assertion)
        }
        return try body.eval(ev, env)
    }
}

/// `! e`
final class NotNode: Node {
    let operand: Node
    init(_ operand: Node, pos: Pos) {
        self.operand = operand
        super.init(pos: pos)
    }
    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        .bool(!(try ev.evalBool(operand, env, "in the argument of '!'")))
    }
    override func peek(_ ev: Evaluator, _ env: Env) -> Value? {
        guard case .bool(let b)? = operand.peek(ev, env) else { return nil }
        return .bool(!b)
    }
}

/// `==`, `!=`, `&&`, `||`, `->`, `//`, `++`
final class BinaryNode: Node {
    let op: BinaryOp
    let lhs, rhs: Node
    let lhsInt, rhsInt: IntOperand
    init(_ op: BinaryOp, _ lhs: Node, _ rhs: Node, pos: Pos) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        lhsInt = IntOperand(lhs)
        rhsInt = IntOperand(rhs)
        super.init(pos: pos)
    }
    // Each operation out of line: together their locals made a 560-byte frame,
    // which a recursion through `&&`, `||` or `==` paid at every level.
    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        switch op {
        case .eq, .neq:
            if let x = lhsInt.read(env), let y = rhsInt.read(env) { return .bool((x == y) == (op == .eq)) }
            return try equality(ev, env)
        case .and:
            if !(try leftBool(ev, env, "in the left operand of '&&'")) { return .bool(false) }
            return .bool(try rightBool(ev, env, "in the right operand of '&&'"))
        case .or:
            if try leftBool(ev, env, "in the left operand of '||'") { return .bool(true) }
            return .bool(try rightBool(ev, env, "in the right operand of '||'"))
        case .impl:
            if !(try leftBool(ev, env, "in the left operand of '->'")) { return .bool(true) }
            return .bool(try rightBool(ev, env, "in the right operand of '->'"))
        case .update:
            return try update(ev, env)
        case .concatLists:
            return try concatLists(ev, env)
        }
    }

    @inline(never)
    private func equality(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        let sym = op == .eq ? "==" : "!="
        let a = try ev.eval(lhs, env, "in the left operand of '\(sym)'")
        let b = try ev.eval(rhs, env, "in the right operand of '\(sym)'")
        // Numbers, null, Booleans, strings: no forcing, no recursion.
        if let e = Evaluator.scalarEqual(a, b) { return .bool(op == .eq ? e : !e) }
        let equal = try ev.equal(a, b, pos)
        return .bool(op == .eq ? equal : !equal)
    }

    @inline(never)
    private func leftBool(_ ev: Evaluator, _ env: Env, _ context: StaticString) throws(EvalError) -> Bool {
        try ev.evalBool(lhs, env, "\(context)")
    }

    @inline(never)
    private func rightBool(_ ev: Evaluator, _ env: Env, _ context: StaticString) throws(EvalError) -> Bool {
        try ev.evalBool(rhs, env, "\(context)")
    }

    @inline(never)
    private func update(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        // The right operand first, as CppNix's update queue does.
        let b = try ev.evalAttrs(rhs, env, "in the right operand of '//'")
        let a = try ev.evalAttrs(lhs, env, "in the left operand of '//'")
        return .attrs(a.updated(with: b))
    }

    @inline(never)
    private func concatLists(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        let av = try ev.eval(lhs, env, "in the left operand of '++'")
        let bv = try ev.eval(rhs, env, "in the right operand of '++'")
        let a = try ev.forceList(av, pos, "while evaluating one of the elements to concatenate")
        let b = try ev.forceList(bv, pos, "while evaluating one of the elements to concatenate")
        if a.count == 0 { return .list(b) }
        if b.count == 0 { return .list(a) }
        return .list(NixList.concatenating(a, b))
    }

    override func peek(_ ev: Evaluator, _ env: Env) -> Value? {
        switch op {
        case .eq, .neq:
            guard let a = lhs.peek(ev, env), let b = rhs.peek(ev, env), let e = Evaluator.scalarEqual(a, b) else { return nil }
            return .bool(op == .eq ? e : !e)
        case .and, .or, .impl:
            guard case .bool(let a)? = lhs.peek(ev, env) else { return nil }
            // Short-circuits: the right operand is not needed.
            if op == .and && !a { return .bool(false) }
            if op == .or && a { return .bool(true) }
            if op == .impl && !a { return .bool(true) }
            guard case .bool(let b)? = rhs.peek(ev, env) else { return nil }
            return .bool(b)
        case .update, .concatLists:
            return nil
        }
    }

}
