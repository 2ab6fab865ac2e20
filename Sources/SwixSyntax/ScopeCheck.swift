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
    /// Reused stack of definition indices in visiting order.
    var order: [Int] = []
    /// Set when a check starts: the bounds of the thread it runs on.
    var stack = StackGuard()

    /// `globals`: the names of the base environment.
    public init(symbols: SymbolTable, globals: [String] = BaseEnvironment.globalNames) {
        self.symbols = symbols
        for g in globals { bind(symbols.intern(g)) }
    }

    public func check(_ e: Expr) throws {
        stack = StackGuard()
        tree = e.tree
        defer { tree = nil }
        try visit(e.root)
    }

    private var tree: SyntaxTree!

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

    func visit(_ r: NodeRef) throws {
        let tree = self.tree!
        guard stack.hasRoom() else {
            throw Diagnostic("stack overflow; expression nested too deeply", at: tree.pos(r))
        }
        let n = tree.nodes[Int(r.index)]
        switch n.kind {
        case .int, .bigInt, .float, .string, .path, .curPos, .inheritFrom:
            return
        case .variable:
            let name = Symbol(id: n.a)
            if !isBound(name) {
                throw Diagnostic("undefined variable '\(symbols[name])'", at: n.pos)
            }
        case .select:
            try visit(NodeRef(n.a))
            if n.d != UInt32.max { try visit(NodeRef(n.d)) }
            try visitDynamic(n.b, n.c)
        case .hasAttr:
            try visit(NodeRef(n.a))
            try visitDynamic(n.b, n.c)
        case .attrs:
            let a = tree.attrSets[Int(n.a)]
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
        case .list:
            for k in 0..<Int(n.c) { try visit(NodeRef(tree.extra[Int(n.b) + k])) }
        case .lambda:
            let l = tree.lambdas[Int(n.a)]
            if let arg = l.arg { bind(arg) }
            if let f = l.formals {
                for x in f.formals { bind(x.name) }
                for x in f.formals { if let d = x.defaultValue { try visit(d) } }
            }
            try visit(l.body)
            if let arg = l.arg { unbind(arg) }
            if let f = l.formals { for x in f.formals { unbind(x.name) } }
        case .call:
            try visit(NodeRef(n.a))
            for k in 0..<Int(n.c) { try visit(NodeRef(tree.extra[Int(n.b) + k])) }
        case .letIn:
            let a = tree.attrSets[Int(n.a)]
            for d in a.attrs { bind(d.name) }
            try visitBindings(a, recursive: true)
            try visit(NodeRef(n.b))
            for d in a.attrs { unbind(d.name) }
        case .with:
            try visit(NodeRef(n.a))
            withDepth += 1
            defer { withDepth -= 1 }
            try visit(NodeRef(n.b))
        case .ifThenElse:
            try visit(NodeRef(n.a))
            try visit(NodeRef(n.b))
            try visit(NodeRef(n.c))
        case .assert, .binary:
            try visit(NodeRef(n.a))
            try visit(NodeRef(n.b))
        case .not:
            try visit(NodeRef(n.a))
        case .concatStrings:
            for k in 0..<Int(n.c) { try visit(NodeRef(tree.extra[Int(n.b) + 2 * k + 1])) }
        }
    }

    func visitDynamic(_ start: UInt32, _ count: UInt32) throws {
        for k in 0..<Int(count) {
            if case .dynamic(let e) = AttrName(encoded: tree.extra[Int(start) + k]) { try visit(e) }
        }
    }

    /// `inherit (e)` sources first, then definitions by symbol id. In a recursive
    /// scope (`rec`, `let`) the names are bound while visiting plain definitions and
    /// sources, but `inherit x` looks `x` up in the enclosing scope.
    func visitBindings(_ a: AttrSet, recursive: Bool) throws {
        for src in a.inheritFromExprs { try visit(src) }
        let defs = a.attrs
        let mark = order.count
        defer { order.removeSubrange(mark...) }
        order.append(contentsOf: defs.indices)
        if defs.count > 1 { order[mark...].sort { defs[$0].name < defs[$1].name } }
        for j in mark..<(mark + defs.count) {
            let d = defs[order[j]]
            switch d.kind {
            case .plain:
                try visit(d.value)
            case .inherited:
                let name = d.name
                guard recursive else {
                    try visit(d.value)
                    continue
                }
                // Look the name up outside this scope's own binding of it.
                unbind(name)
                defer { bind(name) }
                if !isBound(name) {
                    throw Diagnostic("undefined variable '\(symbols[name])'", at: tree.pos(d.value))
                }
            case .inheritedFrom:
                break
            }
        }
    }
}
