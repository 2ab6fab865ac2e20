/// Static scope check: every variable must be bound lexically or fall under a `with`,
/// otherwise it is an "undefined variable" error before evaluation, as in CppNix's
/// `bindVars`. The walk visits subexpressions in the same order as CppNix (attribute
/// definitions by symbol id), so that the first reported variable is the same.
public final class ScopeChecker {
    let symbols: SymbolTable
    /// How many enclosing scopes bind each symbol (indexed by symbol id). A check
    /// only needs "bound somewhere", so entering a scope counts its names up and
    /// leaving counts them down: O(1) lookups, no per-scope sets.
    var boundCount: [Int32] = []
    /// Number of enclosing `with` expressions.
    var withDepth = 0
    let stack = StackGuard()

    /// `globals`: the names of the base environment.
    public init(symbols: SymbolTable, globals: [String] = BaseEnvironment.globalNames) {
        self.symbols = symbols
        for g in globals { bind(symbols.intern(g)) }
    }

    public func check(_ e: Expr) throws {
        try visit(e)
    }

    @inline(__always)
    func bind(_ s: Symbol) {
        let id = Int(s.id)
        if id >= boundCount.count {
            boundCount.append(contentsOf: repeatElement(0, count: Swift.max(id + 1 - boundCount.count, boundCount.count)))
        }
        boundCount[id] += 1
    }

    @inline(__always)
    func unbind(_ s: Symbol) {
        boundCount[Int(s.id)] -= 1
    }

    @inline(__always)
    func isBound(_ s: Symbol) -> Bool {
        let id = Int(s.id)
        return withDepth > 0 || (id < boundCount.count && boundCount[id] > 0)
    }

    func visit(_ e: Expr) throws {
        guard stack.hasRoom() else {
            throw Diagnostic("stack overflow; expression nested too deeply", at: e.pos)
        }
        switch e {
        case .int, .bigInt, .float, .string, .path, .curPos, .inheritFrom:
            return
        case .variable(let name, let p):
            if !isBound(name) {
                throw Diagnostic("undefined variable '\(symbols[name])'", at: p)
            }
        case .select(let target, let path, let def, _):
            try visit(target)
            if let def { try visit(def) }
            try visitDynamic(path)
        case .hasAttr(let target, let path, _):
            try visit(target)
            try visitDynamic(path)
        case .attrs(let a):
            if a.isRecursive {
                for d in a.attrs { bind(d.name) }
                try visitBindings(a, recursive: true)
                for d in a.dynamicAttrs {
                    try visit(d.name)
                    try visit(d.value)
                }
                for d in a.attrs { unbind(d.name) }
            } else {
                try visitBindings(a, recursive: false)
                for d in a.dynamicAttrs {
                    try visit(d.name)
                    try visit(d.value)
                }
            }
        case .list(let elems):
            for el in elems { try visit(el) }
        case .lambda(let l):
            if let arg = l.arg { bind(arg) }
            if let f = l.formals {
                for x in f.formals { bind(x.name) }
                for x in f.formals { if let d = x.defaultValue { try visit(d) } }
            }
            try visit(l.body)
            if let arg = l.arg { unbind(arg) }
            if let f = l.formals { for x in f.formals { unbind(x.name) } }
        case .call(let fn, let args, _):
            try visit(fn)
            for a in args { try visit(a) }
        case .letIn(let a, let body, _):
            for d in a.attrs { bind(d.name) }
            try visitBindings(a, recursive: true)
            try visit(body)
            for d in a.attrs { unbind(d.name) }
        case .with(let attrs, let body, _):
            try visit(attrs)
            withDepth += 1
            defer { withDepth -= 1 }
            try visit(body)
        case .ifThenElse(let c, let t, let f, _):
            try visit(c)
            try visit(t)
            try visit(f)
        case .assert(let c, let body, _):
            try visit(c)
            try visit(body)
        case .not(let x, _):
            try visit(x)
        case .binary(_, let l, let r, _):
            try visit(l)
            try visit(r)
        case .concatStrings(let parts, _, _):
            for p in parts { try visit(p.expr) }
        }
    }

    func visitDynamic(_ path: [AttrName]) throws {
        for name in path {
            if case .dynamic(let e) = name { try visit(e) }
        }
    }

    /// `inherit (e)` sources first, then definitions by symbol id. In a recursive
    /// scope (`rec`, `let`) the names are bound while visiting plain definitions and
    /// sources, but `inherit x` looks `x` up in the enclosing scope.
    func visitBindings(_ a: AttrSet, recursive: Bool) throws {
        for src in a.inheritFromExprs { try visit(src) }
        let defs = a.attrs
        var order = Array(defs.indices)
        if defs.count > 1 { order.sort { defs[$0].name < defs[$1].name } }
        for k in order {
            let d = defs[k]
            switch d.kind {
            case .plain:
                try visit(d.value)
            case .inherited:
                guard recursive, case .variable(let name, let p) = d.value else {
                    try visit(d.value)
                    continue
                }
                // Look the name up outside this scope's own binding of it.
                unbind(name)
                defer { bind(name) }
                if !isBound(name) { throw Diagnostic("undefined variable '\(symbols[name])'", at: p) }
            case .inheritedFrom:
                break
            }
        }
    }
}
