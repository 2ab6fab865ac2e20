import SwixSyntax

/// A runtime environment: the slots of one scope (function arguments, `let` or
/// `rec` bindings) and the enclosing environment. Variables are resolved before
/// evaluation to (depth, slot), so lookup is `depth` parent hops and an index.
///
/// A `with` scope is an environment with a single slot holding the attribute set
/// (usually a thunk) and `isWith` set; variables that no lexical scope binds are
/// looked up through the chain of `with` environments at run time.
public final class Env {
    let parent: Env?
    let isWith: Bool
    let count: Int
    /// The slots, allocated with the environment's size (no generic array
    /// machinery on the hot path: `ContiguousArray` cost a metadata lookup per call).
    let slots: UnsafeMutablePointer<Value>

    init(parent: Env?, size: Int) {
        self.parent = parent
        isWith = false
        count = size
        slots = .allocate(capacity: Swift.max(size, 1))
        slots.initialize(repeating: .null, count: size)
    }

    init(parent: Env?, with attrs: Value) {
        self.parent = parent
        isWith = true
        count = 1
        slots = .allocate(capacity: 1)
        slots.initialize(to: attrs)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    @inline(__always)
    func up(_ depth: Int) -> Env {
        var e = self
        for _ in 0..<depth { e = e.parent! }
        return e
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
