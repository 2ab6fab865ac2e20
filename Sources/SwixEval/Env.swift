import SwixSyntax

/// A runtime environment: the slots of one scope (function arguments, `let` or
/// `rec` bindings) and the enclosing environment. Variables are resolved before
/// evaluation to (depth, slot), so lookup is `depth` parent hops and an index.
///
/// A `with` scope is an environment with a single slot holding the attribute set
/// (usually a thunk) and `isWith` set; variables that no lexical scope binds are
/// looked up through the chain of `with` environments at run time.
public final class Env: ManagedBuffer<Env.Header, Value> {
    public struct Header {
        let parent: Env?
        let count: Int32
        let isWith: Bool
    }

    /// One allocation holds the header and the slots (a separate slot buffer
    /// cost a second malloc/free per call). The slots are uninitialised.
    @inline(__always)
    private static func allocate(parent: Env?, count: Int, isWith: Bool) -> Env {
        unsafeDowncast(Env.create(minimumCapacity: count) { _ in
            Header(parent: parent, count: Int32(count), isWith: isWith)
        }, to: Env.self)
    }

    /// An environment with `size` slots, all `null` until the scope fills them.
    @inline(__always)
    static func make(parent: Env?, size: Int) -> Env {
        let e = allocate(parent: parent, count: size, isWith: false)
        e.withUnsafeMutablePointerToElements { $0.initialize(repeating: .null, count: size) }
        return e
    }

    /// `allocate`, or a pooled environment of that size (`EnvPool`).
    @inline(__always)
    private static func allocate(parent: Env?, count: Int, from pool: EnvPool) -> Env {
        pool.take(size: count, parent: parent) ?? allocate(parent: parent, count: count, isWith: false)
    }

    /// `make(parent:size:)`, taken from `pool` when it has one.
    @inline(__always)
    static func make(parent: Env?, size: Int, from pool: EnvPool) -> Env {
        let e = allocate(parent: parent, count: size, from: pool)
        e.withUnsafeMutablePointerToElements { $0.initialize(repeating: .null, count: size) }
        return e
    }

    /// An environment with `size` slots that the caller initialises, each exactly
    /// once, before anything can read them.
    @inline(__always)
    static func makeUninitialized(parent: Env?, size: Int) -> Env {
        allocate(parent: parent, count: size, isWith: false)
    }

    /// `makeUninitialized(parent:size:)`, taken from `pool` when it has one.
    @inline(__always)
    static func makeUninitialized(parent: Env?, size: Int, from pool: EnvPool) -> Env {
        allocate(parent: parent, count: size, from: pool)
    }

    /// A function call's environment for a plain `x: …` lambda, taken from `pool`
    /// when it has one: one slot, the argument, stored directly (no `null` written
    /// first and then replaced).
    @inline(__always)
    static func make(parent: Env, argument: consuming Value, from pool: EnvPool) -> Env {
        let e = allocate(parent: parent, count: 1, from: pool)
        // The argument is moved into the slot (callers pass it owned: `consuming`
        // down from `call` saves a copy, a retain and a release, per call).
        let slot = e.withUnsafeMutablePointerToElements { $0 }
        slot.initialize(to: argument)
        return e
    }

    /// `make(parent:argument:)` with the argument moved out of `p`, which is left
    /// holding `null` (no copy of the argument, and nothing left to release there).
    @inline(__always)
    static func make(parent: Env, movingArgumentFrom p: UnsafeMutablePointer<Value>, from pool: EnvPool) -> Env {
        let e = make(parent: parent, takingArgumentFrom: p, from: pool)
        p.initialize(to: .null)
        return e
    }

    /// A one-slot environment whose slot is moved from `p`, leaving `p`
    /// uninitialised: for a caller whose argument lives in raw memory, which nothing
    /// destroys after.
    @inline(__always)
    static func make(parent: Env, takingArgumentFrom p: UnsafeMutablePointer<Value>, from pool: EnvPool) -> Env {
        let e = allocate(parent: parent, count: 1, from: pool)
        let slot = e.withUnsafeMutablePointerToElements { $0 }
        slot.moveInitialize(from: p, count: 1)
        return e
    }

    /// A `with` scope holding the (usually unevaluated) attribute set.
    static func makeWith(parent: Env?, attrs: consuming Value, from pool: EnvPool) -> Env {
        let e = pool.take(size: 1, parent: parent, isWith: true) ?? allocate(parent: parent, count: 1, isWith: true)
        let slot = e.withUnsafeMutablePointerToElements { $0 }
        slot.initialize(to: attrs)
        return e
    }

    deinit {
        // One element at a time, inline for slots without an object:
        // `deinitialize(count:)` of many goes through the generic
        // `swift_arrayDestroy` (measured: 2% of a let-heavy benchmark), and of one
        // through the generic value witness.
        _ = withUnsafeMutablePointers { h, e in
            for i in 0..<Int(h.pointee.count) { (e + i).destroyValueKeepingThunks() }
        }
    }

    @inline(__always) var parent: Env? { header.parent }

    /// The slots. The pointer is valid while the environment is alive.
    @inline(__always)
    var slots: UnsafeMutablePointer<Value> { withUnsafeMutablePointerToElements { $0 } }

    /// The slot `slot` of the environment `depth` levels up. The walk goes over
    /// raw addresses and holds no references (each parent is kept alive by its
    /// child, the child by the caller): a reference per level cost a
    /// retain/release pair each, and `unowned(unsafe)` still emitted an atomic
    /// retain. The offsets are those of `ManagedBuffer`'s layout, checked by
    /// `checkLayout()` when the evaluator starts.
    @inline(__always)
    func slotPointer(depth: Int, _ slot: Int) -> UnsafeMutablePointer<Value> {
        var p = UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque())
        var d = depth
        while d > 0 {
            p = p.load(fromByteOffset: Env.parentOffset, as: UnsafeRawPointer.self)
            d -= 1
        }
        return UnsafeMutableRawPointer(mutating: p + Env.slotsOffset).assumingMemoryBound(to: Value.self) + slot
    }

    /// The environment `depth` levels up. (Walked over raw addresses, as in
    /// `slotPointer`: a reference per level retained and released each one.)
    func ancestor(_ depth: Int) -> Env {
        var p = UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque())
        for _ in 0..<depth { p = p.load(fromByteOffset: Env.parentOffset, as: UnsafeRawPointer.self) }
        return Unmanaged<Env>.fromOpaque(p).takeUnretainedValue()
    }

    @inline(__always)
    func slot(depth: Int, _ slot: Int) -> Value {
        slotPointer(depth: depth, slot).pointee
    }

    static let parentOffset = 16
    static let countOffset = 24
    static let isWithOffset = 28
    static let slotsOffset = 32

    @inline(never)
    private static func uniqueOpaquely(_ e: UnsafeMutableRawPointer) -> Bool { hasOneStrongReference(e) }

    /// Verifies the offsets `slotPointer` relies on against this compiler's layout.
    static func checkLayout() {
        let child = Env.make(parent: Env.make(parent: nil, size: 0), size: 1)
        let base = UnsafeRawPointer(Unmanaged.passUnretained(child).toOpaque())
        let parent = base.load(fromByteOffset: parentOffset, as: UnsafeRawPointer.self)
        precondition(parent == UnsafeRawPointer(Unmanaged.passUnretained(child.parent!).toOpaque()),
                     "Env layout: parent offset")
        precondition(UnsafeRawPointer(child.slots) == base + slotsOffset, "Env layout: slots offset")
        let pool = EnvPool()
        defer { pool.drain() }
        let with = Env.makeWith(parent: nil, attrs: .null, from: pool)
        let withBase = UnsafeRawPointer(Unmanaged.passUnretained(with).toOpaque())
        precondition(withBase.load(fromByteOffset: isWithOffset, as: Bool.self) && !base.load(fromByteOffset: isWithOffset, as: Bool.self),
                     "Env layout: isWith offset")
        precondition(withBase.load(fromByteOffset: parentOffset, as: UnsafeRawPointer?.self) == nil, "Env layout: nil parent")
        // `hasOneStrongReference` reads the reference count word.
        // (Through a function the optimizer cannot see into, which keeps the
        // retain and release below from being cancelled against each other.)
        let counted = Unmanaged.passUnretained(with).toOpaque()
        precondition(uniqueOpaquely(counted), "Env layout: reference count of a unique object")
        let extra = Unmanaged.passUnretained(with).retain()
        precondition(!uniqueOpaquely(counted), "Env layout: reference count of a shared object")
        extra.release()
        precondition(uniqueOpaquely(counted), "Env layout: reference count after a release")
        precondition(base.load(fromByteOffset: countOffset, as: Int32.self) == 1
                     && withBase.load(fromByteOffset: countOffset, as: Int32.self) == 1
                     && UnsafeRawPointer(Unmanaged.passUnretained(child.parent!).toOpaque()).load(fromByteOffset: countOffset, as: Int32.self) == 0,
                     "Env layout: count offset")
    }
}

/// An evaluation error: a message, where it happened, and the trace of what was
/// being evaluated (innermost first), rendered in CppNix's shape.
public final class EvalError: Error {
    public var message: String
    public var pos: Pos
    public var traces: [TraceFrame] = []
    public var suggestions: [String] = []
    /// `throw` and `abort` errors can be caught by `tryEval` (only `throw`'s).
    public enum Kind { case generic, thrown, aborted, assertion, infiniteRecursion, stackOverflow, undefinedVariable, typeError,
        /// A bad argument of the kind CppNix reports as a usage error (the command line adds a help hint).
        usage }
    public var kind: Kind

    public init(_ message: String, at pos: Pos = .none, kind: Kind = .generic) {
        self.message = message
        self.pos = pos
        self.kind = kind
    }

    @discardableResult
    public func addTrace(_ message: String, at pos: Pos = .none) -> EvalError {
        traces.append(TraceFrame(message, pos: pos))
        return self
    }

    public var diagnostic: Diagnostic {
        Diagnostic(message, at: pos, traces: traces, suggestions: suggestions)
    }

    public func withSuggestions(_ s: [String]) -> EvalError {
        suggestions = s
        return self
    }
}
