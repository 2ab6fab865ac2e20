import SwixSyntax

/// Attribute-set builtins: `attrNames`, `attrValues`, `getAttr`, `hasAttr`,
/// `removeAttrs`, `intersectAttrs`, `catAttrs`, `mapAttrs`, `functionArgs` and
/// `unsafeGetAttrPos` (`isAttrs` is in `types`).
///
/// As in CppNix, arguments are forced without a position (errors about them show
/// none) and every error raised while a builtin runs gets the frame
/// `while calling the 'NAME' builtin` at the call site.
extension Builtins {
    static func attrsets() -> [PrimOp] {
        [
            PrimOp("__attrNames", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let set = try ev.forceAttrs(a[0], .none, "while evaluating the argument passed to builtins.attrNames")
                var names = set.attrs.names
                names.withUnsafeMutableBufferPointer { ev.symbols.sortLexicographically($0) }
                var out: [Value] = []
                out.reserveCapacity(names.count)
                for name in names { out.append(.string(ev.nameString(name))) }
                return .list(NixList(out))
            },

            PrimOp("__attrValues", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let set = try ev.forceAttrs(a[0], .none, "while evaluating the argument passed to builtins.attrValues")
                if set.count == 0 { return .list(.empty) }
                let attrs = set.attrs
                let order = attrs.names.withUnsafeBufferPointer { ev.symbols.lexicographicOrder($0) }
                var out: [Value] = []
                out.reserveCapacity(order.count)
                for k in order { out.append(attrs[k].value) }
                return .list(NixList(out))
            },

            PrimOp("__getAttr", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let name = try ev.forceStringNoContext(a[0], .none, "while evaluating the first argument passed to builtins.getAttr")
                let set = try ev.forceAttrs(a[1], .none, "while evaluating the second argument passed to builtins.getAttr")
                let sym = ev.symbols.intern(name)
                guard let v = set.get(sym) else {
                    throw EvalError("attribute '\(ev.symbols[sym])' missing", at: .none, kind: .typeError)
                        .addTrace("in the attribute set under consideration")
                }
                return try ev.force(v, .none)
            },

            PrimOp("__hasAttr", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let name = try ev.forceStringNoContext(a[0], .none, "while evaluating the first argument passed to builtins.hasAttr")
                let set = try ev.forceAttrs(a[1], .none, "while evaluating the second argument passed to builtins.hasAttr")
                return .bool(set.get(ev.symbols.intern(name)) != nil)
            },

            PrimOp("removeAttrs", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let set = try ev.forceAttrs(a[0], .none, "while evaluating the first argument passed to builtins.removeAttrs")
                let list = try ev.forceList(a[1], .none, "while evaluating the second argument passed to builtins.removeAttrs")
                var remove: [Symbol] = []
                remove.reserveCapacity(list.count)
                for e in list.elements {
                    let name = try ev.forceStringNoContext(
                        e, .none, "while evaluating the values of the second argument passed to builtins.removeAttrs")
                    remove.append(ev.symbols.intern(name))
                }
                if remove.isEmpty || set.count == 0 { return .attrs(set) }
                remove.sort()
                // Both are sorted by symbol id: one merge pass keeps the rest in order.
                var out: [Attr] = []
                out.reserveCapacity(set.count)
                var j = 0
                for attr in set.attrs {
                    while j < remove.count && remove[j] < attr.name { j += 1 }
                    if j < remove.count && remove[j] == attr.name { continue }
                    out.append(attr)
                }
                if out.count == set.count { return .attrs(set) }
                return .attrs(Attrs.sorted(out))
            },

            PrimOp("__intersectAttrs", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let left = try ev.forceAttrs(a[0], .none, "while evaluating the first argument passed to builtins.intersectAttrs")
                let right = try ev.forceAttrs(a[1], .none, "while evaluating the second argument passed to builtins.intersectAttrs")
                // Walk the smaller set and look names up in the larger; values come from `right`.
                var out: [Attr] = []
                out.reserveCapacity(min(left.count, right.count))
                if left.count < right.count {
                    for l in left.attrs {
                        if let r = right.attr(l.name) { out.append(r) }
                    }
                } else {
                    for r in right.attrs where left.get(r.name) != nil { out.append(r) }
                }
                if out.count == right.count { return .attrs(right) }
                return .attrs(out.isEmpty ? .empty : Attrs.sorted(out))
            },

            PrimOp("__catAttrs", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let name = try ev.forceStringNoContext(a[0], .none, "while evaluating the first argument passed to builtins.catAttrs")
                let sym = ev.symbols.intern(name)
                let list = try ev.forceList(a[1], .none, "while evaluating the second argument passed to builtins.catAttrs")
                var out: [Value] = []
                for e in list.elements {
                    let set = try ev.forceAttrs(
                        e, .none, "while evaluating an element in the list passed as second argument to builtins.catAttrs")
                    if let v = set.get(sym) { out.append(v) }
                }
                return .list(out.isEmpty ? .empty : NixList(out))
            },

            PrimOp("__mapAttrs", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let set = try ev.forceAttrs(a[1], .none, "while evaluating the second argument passed to builtins.mapAttrs")
                if set.count == 0 { return .attrs(.empty) }
                // Each value is the thunk `f name value`; nothing is called now. Like
                // CppNix, the new attributes have no position.
                let env = ev.emptyEnv
                var out: [Attr] = []
                out.reserveCapacity(set.count)
                for attr in set.attrs {
                    let node = MapAttrsApplyNode(function: a[0], name: attr.name, value: attr.value)
                    out.append(Attr(name: attr.name, value: .thunk(Thunk(node: node, env: env)), pos: .none))
                }
                return .attrs(Attrs.sorted(out))
            },

            PrimOp("__functionArgs", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let f = try ev.force(a[0], .none)
                switch f {
                case .primop, .primopApp:
                    return .attrs(.empty)
                case .lambda(let c):
                    guard let formals = c.lambda.formals, !formals.isEmpty else { return .attrs(.empty) }
                    var out: [Attr] = []
                    out.reserveCapacity(formals.count)
                    for x in formals {
                        out.append(Attr(name: x.name, value: .bool(x.defaultValue != nil), pos: x.pos))
                    }
                    return .attrs(Attrs.unsorted(out))
                default:
                    throw EvalError("'functionArgs' requires a function", at: .none, kind: .typeError)
                }
            },

            PrimOp("__unsafeGetAttrPos", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let name = try ev.forceStringNoContext(
                    a[0], .none, "while evaluating the first argument passed to builtins.unsafeGetAttrPos")
                let set = try ev.forceAttrs(a[1], .none, "while evaluating the second argument passed to builtins.unsafeGetAttrPos")
                guard let attr = set.attr(ev.symbols.intern(name)) else { return .null }
                return ev.positionValue(attr.pos)
            },
        ]
    }
}

/// The value of one `mapAttrs` attribute: `f name value`, computed when forced.
/// Holds the operands itself, so its thunk's environment is a shared empty one.
private final class MapAttrsApplyNode: Node {
    let function: Value
    let name: Symbol
    let value: Value

    init(function: Value, name: Symbol, value: Value) {
        self.function = function
        self.name = name
        self.value = value
        super.init(pos: .none)
    }

    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        let f = try ev.force(function, .none)
        return try ev.force(try ev.call2(f, .string(ev.nameString(name)), value, .none), .none)
    }
}

extension Evaluator {
    /// `{ file, line, column }` for a position in a file, as `unsafeGetAttrPos`
    /// returns it; null for no position or one in a string or standard input.
    func positionValue(_ p: Pos) -> Value {
        guard let source = positions.source(of: p), case .file(let path) = source.origin else { return .null }
        let r = positions.resolve(p)
        return .attrs(Attrs.unsorted([
            Attr(name: symbols.intern("file"), value: .string(NixString(path)), pos: .none),
            Attr(name: symbols.intern("line"), value: .int(Int64(r.line)), pos: .none),
            Attr(name: symbols.intern("column"), value: .int(Int64(r.column)), pos: .none),
        ]))
    }
}
