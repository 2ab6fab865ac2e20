import SwixSyntax

/// `let` bindings without thunks.
///
/// A `let` used to fill its environment with one thunk per binding: an allocation,
/// two references (node and environment) and, since the environment holds the
/// thunk and the thunk the environment, a cycle until the thunk was forced. Most
/// bindings are only ever forced through their variable, in place. So a binding's
/// slot starts as `Value.unevaluatedBinding` (a tag, no object), and the variable
/// node, which knows the binding's expression, evaluates it straight into the slot.
/// A thunk is made only when the binding is wanted lazily (passed as an argument,
/// put into a list or set) before it has been evaluated; from then on the slot
/// holds that thunk, as before.
///
/// While a binding is evaluated its slot holds `.bindingUnderEvaluation`, a black
/// hole: reading the variable again is infinite recursion. A lazy use meanwhile
/// (`x = { self = x; }`) gets a new thunk, a black hole too, that takes the slot's
/// place and receives the value. An evaluation that fails leaves the binding
/// unevaluated again (placeholder or thunk), so that it is evaluated again next
/// time, as a thunk would be (`tryEval`).
///
/// Constants, variables and functions are stored as before: they cost no thunk.
/// The placeholders never leave the slot: every variable of a `let` is a
/// `LetVariableNode`, and the in-place fast paths (`IntOperand`, `forcedObject`)
/// take anything that is not an evaluated value to the general path, this one.

/// The expressions of one `let`'s bindings, shared by the variables that refer to
/// them; nil for a binding that is stored as a value or thunk at once.
final class LetDefinitions {
    var deferred: [Node?] = []

    /// The expression of binding `slot` if it is deferred, without a reference
    /// count: loaded as a raw reference (copying the optional out of the array
    /// retained and released it), valid while the `LetNode` lives.
    @inline(__always)
    func deferredNode(_ slot: Int) -> Unmanaged<Node>? {
        deferred.withUnsafeBufferPointer {
            UnsafeRawPointer($0.baseAddress! + slot).load(as: UnsafeRawPointer?.self).map { Unmanaged.fromOpaque($0) }
        }
    }

    /// Whether a binding whose value node is `node` waits in its slot as a
    /// placeholder: everything whose lazy form would be a new thunk.
    static func defers(_ node: Node) -> Bool {
        !(node is ConstantNode || node is LocalNode || node is LambdaNode)
    }
}

/// A variable bound by a `let`: a `LocalNode` that also evaluates a binding still
/// waiting in its slot.
final class LetVariableNode: LocalNode {
    /// Owned by the `LetNode`, which the evaluator keeps (`loweredRoots`) as long
    /// as anything can evaluate this node.
    unowned(unsafe) let definitions: LetDefinitions

    init(depth: Int, slot: Int, name: Symbol, definitions: LetDefinitions, pos: Pos) {
        self.definitions = definitions
        super.init(depth: depth, slot: slot, name: name, pos: pos)
    }

    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        let p = env.slotPointer(depth: depth, slot)
        // An integer is returned as a new value: returning `p.pointee` copies it
        // through the outlined copy of `Value` (a call and a switch).
        if UnsafePointer(p).tag == ValueLayout.intTag { return .int(UnsafeRawPointer(p).load(as: Int64.self)) }
        switch p.pointee {
        case .thunk:
            let v = try ev.force(at: p, pos)
            p.pointee = v
            return v
        case .unevaluatedBinding:
            return try evaluateBinding(ev, p)
        case .bindingUnderEvaluation:
            throw EvalError("infinite recursion encountered", at: pos, kind: .infiniteRecursion)
        default:
            return p.pointee
        }
    }

    /// The environment that holds slot `p` (the binding's own scope, in which its
    /// expression is evaluated): kept alive by the caller's environment chain.
    @inline(__always)
    private func scope(of p: UnsafeMutablePointer<Value>) -> Unmanaged<Env> {
        Unmanaged.fromOpaque(UnsafeRawPointer(p - slot) - Env.slotsOffset)
    }

    @inline(never)
    private func evaluateBinding(_ ev: Evaluator, _ p: UnsafeMutablePointer<Value>) throws(EvalError) -> Value {
        guard ev.stack.hasRoom() else {
            throw EvalError("stack overflow; max-call-depth exceeded", at: pos, kind: .stackOverflow)
        }
        // Both kept alive elsewhere: the node by the evaluator, the scope by `env`.
        let node = definitions.deferredNode(slot).unsafelyUnwrapped
        let scope = scope(of: p)
        // The slot holds `.unevaluatedBinding`, no object: it is overwritten, not
        // destroyed first (each assignment to the slot was an outlined destroy).
        p.initialize(to: .bindingUnderEvaluation)
        do {
            // Borrowed: `takeUnretainedValue()` would retain both (atomically).
            let v = try node._withUnsafeGuaranteedRef { n in
                try scope._withUnsafeGuaranteedRef { e in try n.eval(ev, e) }
            }
            if let t = UnsafePointer(p).borrowedThunk {
                // A thunk made for a lazy use meanwhile (see `lazy`) gets the value too.
                t._withUnsafeGuaranteedRef { th in
                    th.value = v
                    th.state = .done
                }
                p.pointee = v
            } else {
                // Still `.bindingUnderEvaluation`.
                p.initialize(to: v)
            }
            return v
        } catch {
            if case .thunk(let t) = p.pointee {
                // That thunk stays in the slot, to be evaluated again when forced.
                t.node = node
                t.env = scope.takeUnretainedValue()
                t.state = .pending
            } else {
                p.pointee = .unevaluatedBinding
            }
            throw error as! EvalError
        }
    }

    override func lazy(_ ev: Evaluator, _ env: Env) -> Value {
        let p = env.slotPointer(depth: depth, slot)
        // A thunk is read in place (`lazyValue`): switching over a copy of the
        // slot retained it and released it again.
        if UnsafePointer(p).borrowedThunk != nil { return UnsafePointer(p).lazyValue }
        switch p.pointee {
        case .unevaluatedBinding:
            // (Borrowed, not `takeUnretainedValue()`: that is an atomic retain.)
            let thunk = definitions.deferredNode(slot).unsafelyUnwrapped._withUnsafeGuaranteedRef { node in
                scope(of: p)._withUnsafeGuaranteedRef { ThunkPool.make(lowered: node, env: $0) }
            }
            p.pointee = .thunk(thunk)
            return .thunk(thunk)
        case .bindingUnderEvaluation:
            // Being evaluated: its thunk is a black hole (printed as such by
            // `trace`), given the value when the evaluation ends.
            let thunk = Thunk(value: .null)
            thunk.state = .blackhole
            p.pointee = .thunk(thunk)
            return .thunk(thunk)
        default:
            return p.pointee
        }
    }

    override func peek(_ ev: Evaluator, _ env: Env) -> Value? {
        let p = UnsafePointer(env.slotPointer(depth: depth, slot))
        switch p.pointee {
        case .unevaluatedBinding, .bindingUnderEvaluation: return nil
        default: return p.knownValue   // read in place, as in `lazy`
        }
    }
}
