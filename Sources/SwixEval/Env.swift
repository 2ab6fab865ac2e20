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
    var slots: ContiguousArray<Value>
    let isWith: Bool

    init(parent: Env?, size: Int) {
        self.parent = parent
        slots = ContiguousArray(repeating: .null, count: size)
        isWith = false
    }

    init(parent: Env?, with attrs: Value) {
        self.parent = parent
        slots = [attrs]
        isWith = true
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
    public enum Kind { case generic, thrown, aborted, assertion, infiniteRecursion, stackOverflow, undefinedVariable, typeError }
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
