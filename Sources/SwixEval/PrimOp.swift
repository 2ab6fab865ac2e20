import SwixSyntax

/// A built-in function of fixed arity. Arguments arrive unevaluated (lazy); the
/// body forces what it needs.
public final class PrimOp {
    public let name: String
    public let arity: Int
    public let doc: String
    let body: (Evaluator, PrimOpArgs, Pos) throws(EvalError) -> Value
    /// The argument the body forces before doing anything else, whatever the
    /// arguments are (-1: none). A call site that gives the builtin all its
    /// arguments evaluates this one at once instead of making a thunk that would
    /// be forced straight away (`Node.strictArgument`). Set from
    /// `Builtins.strictArguments`, which must agree with the bodies.
    var strictArgument = -1

    init(_ name: String, arity: Int, doc: String = "",
         _ body: @escaping (Evaluator, PrimOpArgs, Pos) throws(EvalError) -> Value) {
        self.name = name
        self.arity = arity
        self.doc = doc
        self.body = body
    }
}

/// A primop applied to fewer arguments than its arity.
public final class PrimOpApp {
    public let primop: PrimOp
    public let args: PrimOpArgs
    init(primop: PrimOp, args: PrimOpArgs) {
        self.primop = primop
        self.args = args
    }
}

/// The arguments of a builtin call, held inline (no builtin takes more than
/// three), so that a call allocates no array.
public struct PrimOpArgs {
    private var a0: Value
    private var a1: Value
    private var a2: Value
    public private(set) var count: Int

    public init(_ a0: Value) {
        self.a0 = a0
        a1 = .null
        a2 = .null
        count = 1
    }

    public init(_ a0: Value, _ a1: Value) {
        self.a0 = a0
        self.a1 = a1
        a2 = .null
        count = 2
    }

    public init(_ a0: Value, _ a1: Value, _ a2: Value) {
        self.a0 = a0
        self.a1 = a1
        self.a2 = a2
        count = 3
    }

    @inline(__always)
    public subscript(_ i: Int) -> Value {
        switch i {
        case 0: return a0
        case 1: return a1
        default: return a2
        }
    }

    /// Argument `i` when it is an integer, directly or as a forced thunk's value:
    /// read in place, without copying the argument (a copy and a destroy of the
    /// value, and a retain and release of a thunk).
    @inline(__always)
    func forcedInt(_ i: Int) -> Int64? {
        withUnsafePointer(to: self) { p in
            let offset: Int
            switch i {
            case 0: offset = MemoryLayout<PrimOpArgs>.offset(of: \PrimOpArgs.a0)!
            case 1: offset = MemoryLayout<PrimOpArgs>.offset(of: \PrimOpArgs.a1)!
            default: offset = MemoryLayout<PrimOpArgs>.offset(of: \PrimOpArgs.a2)!
            }
            return UnsafeRawPointer(p).advanced(by: offset).assumingMemoryBound(to: Value.self).forcedInt
        }
    }

    /// Adds one more argument in place (no copy of the ones already here).
    mutating func append(_ v: consuming Value) {
        switch count {
        case 0: a0 = v
        case 1: a1 = v
        default:
            precondition(count == 2, "a builtin takes at most three arguments")
            a2 = v
        }
        count += 1
    }

    /// These arguments and one more.
    func appending(_ v: Value) -> PrimOpArgs {
        var r = self
        r.append(v)
        return r
    }
}
