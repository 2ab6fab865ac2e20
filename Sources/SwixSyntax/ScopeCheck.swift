/// Static scope check: every variable must be bound lexically or fall under a `with`,
/// otherwise it is an "undefined variable" error before evaluation, as in CppNix's
/// `bindVars`. The walk visits subexpressions in the same order as CppNix (attribute
/// definitions by symbol id), so that the first reported variable is the same.
public struct ScopeChecker {
    final class Scope {
        let names: Set<Symbol>
        let isWith: Bool
        let parent: Scope?
        init(names: Set<Symbol>, isWith: Bool, parent: Scope?) {
            self.names = names
            self.isWith = isWith
            self.parent = parent
        }
    }

    let symbols: SymbolTable
    let root: Scope
    let stack = StackGuard()

    /// `globals`: the names of the base environment.
    public init(symbols: SymbolTable, globals: [String] = BaseEnvironment.globalNames) {
        self.symbols = symbols
        root = Scope(names: Set(globals.map { symbols.intern($0) }), isWith: false, parent: nil)
    }

    public func check(_ e: Expr) throws {
        try visit(e, root)
    }

    func lookup(_ name: Symbol, _ scope: Scope) -> Bool {
        var s: Scope? = scope
        var underWith = false
        while let cur = s {
            if cur.isWith { underWith = true } else if cur.names.contains(name) { return true }
            s = cur.parent
        }
        return underWith
    }

    func visit(_ e: Expr, _ scope: Scope) throws {
        guard stack.hasRoom() else {
            throw Diagnostic("stack overflow; expression nested too deeply", at: e.pos)
        }
        switch e {
        case .int, .bigInt, .float, .string, .path, .curPos, .inheritFrom:
            return
        case .variable(let name, let p):
            if !lookup(name, scope) {
                throw Diagnostic("undefined variable '\(symbols[name])'", at: p)
            }
        case .select(let target, let path, let def, _):
            try visit(target, scope)
            if let def { try visit(def, scope) }
            try visitDynamic(path, scope)
        case .hasAttr(let target, let path, _):
            try visit(target, scope)
            try visitDynamic(path, scope)
        case .attrs(let a):
            if a.isRecursive {
                let inner = Scope(names: Set(a.attrs.map(\.name)), isWith: false, parent: scope)
                try visitBindings(a, plain: inner, inherited: scope, sources: inner)
                for d in a.dynamicAttrs {
                    try visit(d.name, inner)
                    try visit(d.value, inner)
                }
            } else {
                try visitBindings(a, plain: scope, inherited: scope, sources: scope)
                for d in a.dynamicAttrs {
                    try visit(d.name, scope)
                    try visit(d.value, scope)
                }
            }
        case .list(let elems):
            for el in elems { try visit(el, scope) }
        case .lambda(let l):
            var names = Set<Symbol>()
            if let arg = l.arg { names.insert(arg) }
            if let f = l.formals { for x in f.formals { names.insert(x.name) } }
            let inner = Scope(names: names, isWith: false, parent: scope)
            if let f = l.formals {
                for x in f.formals { if let d = x.defaultValue { try visit(d, inner) } }
            }
            try visit(l.body, inner)
        case .call(let fn, let args, _):
            try visit(fn, scope)
            for a in args { try visit(a, scope) }
        case .letIn(let a, let body, _):
            let inner = Scope(names: Set(a.attrs.map(\.name)), isWith: false, parent: scope)
            try visitBindings(a, plain: inner, inherited: scope, sources: inner)
            try visit(body, inner)
        case .with(let attrs, let body, _):
            try visit(attrs, scope)
            try visit(body, Scope(names: [], isWith: true, parent: scope))
        case .ifThenElse(let c, let t, let f, _):
            try visit(c, scope)
            try visit(t, scope)
            try visit(f, scope)
        case .assert(let c, let body, _):
            try visit(c, scope)
            try visit(body, scope)
        case .not(let x, _):
            try visit(x, scope)
        case .binary(_, let l, let r, _):
            try visit(l, scope)
            try visit(r, scope)
        case .concatStrings(let parts, _, _):
            for p in parts { try visit(p.expr, scope) }
        }
    }

    func visitDynamic(_ path: [AttrName], _ scope: Scope) throws {
        for name in path {
            if case .dynamic(let e) = name { try visit(e, scope) }
        }
    }

    /// `inherit (e)` sources first, then definitions by symbol id: plain ones in
    /// `plain`, `inherit x` in `inherited` (the enclosing scope).
    func visitBindings(_ a: AttrSet, plain: Scope, inherited: Scope, sources: Scope) throws {
        for src in a.inheritFromExprs { try visit(src, sources) }
        for d in a.attrsInSymbolOrder {
            switch d.kind {
            case .plain: try visit(d.value, plain)
            case .inherited: try visit(d.value, inherited)
            case .inheritedFrom: break
            }
        }
    }
}
