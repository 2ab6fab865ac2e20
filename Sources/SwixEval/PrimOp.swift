import SwixSyntax

/// A built-in function of fixed arity. Arguments arrive unevaluated (lazy); the
/// body forces what it needs.
public final class PrimOp {
    public let name: String
    public let arity: Int
    public let doc: String
    let body: (Evaluator, [Value], Pos) throws(EvalError) -> Value

    init(_ name: String, arity: Int, doc: String = "",
         _ body: @escaping (Evaluator, [Value], Pos) throws(EvalError) -> Value) {
        self.name = name
        self.arity = arity
        self.doc = doc
        self.body = body
    }
}

/// A primop applied to fewer arguments than its arity.
public final class PrimOpApp {
    public let primop: PrimOp
    public let args: [Value]
    init(primop: PrimOp, args: [Value]) {
        self.primop = primop
        self.args = args
    }
}
