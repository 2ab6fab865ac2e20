/// The abstract syntax tree produced by the parser. It mirrors CppNix's `Expr`
/// classes closely (same desugarings: `a - b` is a call of `__sub`, `a < b` of
/// `__lessThan`, `let { … }` a selection of `body` from a `rec` set, `-x` is
/// `__sub 0 x`), so that `--parse` prints what `nix-instantiate --parse` prints and
/// the evaluator can lower it to its own slot-resolved form.

/// One element of an attribute path: a static name, or `${e}` / `"…${e}…"`.
public enum AttrName {
    case symbol(Symbol)
    case dynamic(Expr)

    public var symbol: Symbol? {
        if case .symbol(let s) = self { return s }
        return nil
    }
}

public enum BinaryOp: UInt8, Sendable {
    case eq, neq, and, or, impl, update, concatLists, pipeInto, pipeFrom

    public var text: String {
        switch self {
        case .eq: return "=="
        case .neq: return "!="
        case .and: return "&&"
        case .or: return "||"
        case .impl: return "->"
        case .update: return "//"
        case .concatLists: return "++"
        case .pipeInto: return "|>"
        case .pipeFrom: return "<|"
        }
    }
}

public struct StringPart {
    public var pos: Pos
    public var expr: Expr
}

/// Only the cases that contain an `Expr` directly are `indirect` (boxed): leaves such
/// as numbers and variables live inline, which saves an allocation per leaf.
public enum Expr {
    case int(Int64)
    /// An integer literal beyond 64 bits, kept as its decimal digits (swix evaluates
    /// it exactly; CppNix rejects it).
    case bigInt([UInt8])
    case float(Double)
    case string([UInt8])
    /// An absolute, canonical path (relative literals are resolved at parse time).
    case path([UInt8])
    case variable(Symbol, Pos)
    /// `__curPos`
    case curPos(Pos)
    indirect case select(Expr, [AttrName], orDefault: Expr?, Pos)
    indirect case hasAttr(Expr, [AttrName], Pos)
    case attrs(AttrSet)
    case list([Expr])
    case lambda(Lambda)
    /// A function applied to one or more arguments (`f a b` is one call node).
    indirect case call(Expr, [Expr], Pos)
    indirect case letIn(AttrSet, Expr, Pos)
    indirect case with(Expr, Expr, Pos)
    indirect case ifThenElse(Expr, Expr, Expr, Pos)
    indirect case assert(Expr, Expr, Pos)
    indirect case not(Expr, Pos)
    indirect case binary(BinaryOp, Expr, Expr, Pos)
    /// `+` (`forceString == false`) and string/path interpolation (`true`).
    case concatStrings([StringPart], forceString: Bool, Pos)
    /// The `index`-th `inherit (e)` source of the enclosing attribute set or `let`.
    case inheritFrom(Int, Pos)

    /// The position Nix associates with the expression, if any.
    public var pos: Pos {
        switch self {
        case .variable(_, let p), .curPos(let p), .select(_, _, _, let p), .hasAttr(_, _, let p),
             .call(_, _, let p), .letIn(_, _, let p), .with(_, _, let p), .ifThenElse(_, _, _, let p),
             .assert(_, _, let p), .not(_, let p), .binary(_, _, _, let p), .concatStrings(_, _, let p),
             .inheritFrom(_, let p):
            return p
        case .attrs(let a): return a.pos
        case .lambda(let l): return l.pos
        default: return .none
        }
    }
}

/// One attribute definition of a set or `let`.
public struct AttrDef {
    public enum Kind: Equatable { case plain, inherited, inheritedFrom }
    public var name: Symbol
    public var value: Expr
    public var pos: Pos
    public var kind: Kind
}

public struct DynamicAttrDef {
    public var name: Expr
    public var value: Expr
    public var pos: Pos
}

/// An attribute set literal (or the bindings of a `let`). Mutable while parsing so
/// that `a.b = 1; a.c = 2;` can merge into one nested set as Nix does.
public final class AttrSet {
    public var isRecursive: Bool
    public var pos: Pos
    /// Definitions in order of first definition.
    public private(set) var attrs: [AttrDef] = []
    public var dynamicAttrs: [DynamicAttrDef] = []
    /// Sources of `inherit (e) …`, referenced by `Expr.inheritFrom(index)`.
    public var inheritFromExprs: [Expr] = []
    /// Open-addressing index from symbol to position in `attrs` (slots hold
    /// position + 1), built once a set grows past a few definitions.
    private var table: [Int32] = []

    public init(isRecursive: Bool = false, pos: Pos = .none) {
        self.isRecursive = isRecursive
        self.pos = pos
    }

    @inline(__always)
    private static func slot(_ s: Symbol, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt32(s.id) &* 2654435761) >> 8) & mask
    }

    public func find(_ name: Symbol) -> Int? {
        if table.isEmpty {
            for k in 0..<attrs.count where attrs[k].name == name { return k }
            return nil
        }
        let mask = table.count - 1
        var i = AttrSet.slot(name, mask)
        while true {
            let v = Int(table[i])
            if v == 0 { return nil }
            if attrs[v - 1].name == name { return v - 1 }
            i = (i + 1) & mask
        }
    }

    private func insertIntoTable(_ k: Int) {
        let mask = table.count - 1
        var i = AttrSet.slot(attrs[k].name, mask)
        while table[i] != 0 { i = (i + 1) & mask }
        table[i] = Int32(k + 1)
    }

    private func rebuildTable() {
        var size = 32
        while size < attrs.count * 2 { size *= 2 }
        table = [Int32](repeating: 0, count: size)
        for k in 0..<attrs.count { insertIntoTable(k) }
    }

    public func append(_ def: AttrDef) {
        attrs.append(def)
        if table.isEmpty {
            if attrs.count > 8 { rebuildTable() }
        } else if attrs.count * 2 > table.count {
            rebuildTable()
        } else {
            insertIntoTable(attrs.count - 1)
        }
    }

    public func replaceValue(at k: Int, with value: Expr) {
        attrs[k].value = value
    }

    public func removeAll() {
        attrs.removeAll()
        table.removeAll()
        dynamicAttrs.removeAll()
        inheritFromExprs.removeAll()
    }

    /// Definitions sorted by symbol id: the order CppNix stores and visits them in.
    public var attrsInSymbolOrder: [AttrDef] {
        attrs.sorted { $0.name < $1.name }
    }
}

public struct Formal {
    public var name: Symbol
    public var defaultValue: Expr?
    public var pos: Pos
}

public struct Formals {
    /// Sorted by symbol id, like CppNix's formals after validation.
    public var formals: [Formal]
    public var ellipsis: Bool

    public func has(_ s: Symbol) -> Bool { formals.contains { $0.name == s } }
}

public final class Lambda {
    public var arg: Symbol?
    public var formals: Formals?
    public var body: Expr
    public var pos: Pos
    /// The attribute name the function was bound to, for error messages.
    public var name: Symbol?

    public init(arg: Symbol?, formals: Formals?, body: Expr, pos: Pos) {
        self.arg = arg
        self.formals = formals
        self.body = body
        self.pos = pos
    }
}

extension Expr {
    /// Records the attribute name a value is bound to (only lambdas keep it, and the
    /// name travels into a lambda's body lambda as in CppNix's `setName`).
    func setName(_ name: Symbol) {
        if case .lambda(let l) = self {
            l.name = name
            l.body.setName(name)
        }
    }
}
