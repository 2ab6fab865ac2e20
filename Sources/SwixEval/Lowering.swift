import SwixSyntax

/// Turns a syntax tree into evaluation nodes, resolving every variable to
/// (depth, slot) in the environments that evaluation will build, to a base
/// environment value, or to a run-time `with` lookup.
///
/// Static scopes mirror run-time environments one to one: a lambda call, a
/// `let`, a `rec` set, the `inherit (e)` sources of a set, and a `with` each
/// make one environment.
struct Lowering {
    final class Scope {
        let parent: Scope?
        let slots: [Symbol: Int]
        let isWith: Bool
        /// The bindings of a `let` scope, for its variables (`LetVariableNode`).
        let letDefinitions: LetDefinitions?
        /// A `let` or `rec` scope: its environment holds the values of its
        /// bindings, so a closure over it may make a cycle (see `lowerLambda`).
        let isRecursive: Bool
        init(parent: Scope?, slots: [Symbol: Int], isWith: Bool = false, letDefinitions: LetDefinitions? = nil,
             isRecursive: Bool = false) {
            self.parent = parent
            self.slots = slots
            self.isWith = isWith
            self.letDefinitions = letDefinitions
            self.isRecursive = isRecursive
        }
    }

    let ev: Evaluator
    var tree: SyntaxTree { ev.tree }
    /// Names bound above the base environment (`scopedImport`): slot k of the
    /// outermost environment holds the k-th.
    let extraNames: [Symbol]

    init(evaluator: Evaluator, extraNames: [Symbol]) {
        ev = evaluator
        self.extraNames = extraNames
    }

    func lower(_ expr: Expr) throws(EvalError) -> Node {
        // Undefined variables are reported first, in CppNix's order.
        do {
            try ScopeChecker(symbols: ev.symbols,
                             globals: BaseEnvironment.globalNames(adding: extraNames.map { ev.symbols[$0] })).check(expr)
        } catch let d as Diagnostic {
            throw EvalError(d.message, at: d.pos, kind: .undefinedVariable)
        } catch {
            throw EvalError("\(error)")
        }
        var slots: [Symbol: Int] = [:]
        for (k, name) in extraNames.enumerated() { slots[name] = k }
        let root = try lower(expr.root, Scope(parent: nil, slots: slots))
        ev.loweredRoots.append(root)
        return root
    }

    func show(_ r: NodeRef) -> String {
        ASTPrinter(symbols: ev.symbols).print(tree, r)
    }

    func resolve(_ name: Symbol, _ scope: Scope?, _ pos: Pos) throws(EvalError) -> Node {
        var s = scope
        var depth = 0
        var withDepth: Int?
        while let cur = s {
            if cur.isWith {
                if withDepth == nil { withDepth = depth }
            } else if let slot = cur.slots[name] {
                if let definitions = cur.letDefinitions {
                    return LetVariableNode(depth: depth, slot: slot, name: name, definitions: definitions, pos: pos)
                }
                return LocalNode(depth: depth, slot: slot, name: name, pos: pos)
            }
            depth += 1
            s = cur.parent
        }
        if let v = ev.globals[name] { return ConstantNode(v, pos: pos) }
        if let d = withDepth { return WithVariableNode(depth: d, name: name, pos: pos) }
        if BaseEnvironment.isGlobalName(ev.symbols[name]) {
            throw EvalError("the builtin '\(ev.symbols[name])' is not available in this version of swix", at: pos)
        }
        throw EvalError("undefined variable '\(ev.symbols[name])'", at: pos, kind: .undefinedVariable)
    }

    func lower(_ r: NodeRef, _ scope: Scope?) throws(EvalError) -> Node {
        let pos = tree.pos(r)
        switch tree.view(r) {
        case .int(let i): return ConstantNode(.int(i), pos: pos)
        case .bigInt(let digits):
            guard let n = NixInteger.parse(digits) else { throw EvalError("invalid integer", at: pos) }
            return ConstantNode(Evaluator.value(n), pos: pos)
        case .float(let d): return ConstantNode(.float(d), pos: pos)
        case .string(let b): return ConstantNode(.string(NixString(b)), pos: pos)
        case .path(let b): return ConstantNode(.path(NixPath(b)), pos: pos)
        case .variable(let name): return try resolve(name, scope, pos)
        case .curPos:
            let p = ev.positions.resolve(pos)
            let attrs = Attrs.unsorted([
                Attr(name: ev.symbols.intern("file"), value: .string(NixString(p.source?.origin.description ?? "")), pos: .none),
                Attr(name: ev.symbols.intern("line"), value: .int(Int64(p.line)), pos: .none),
                Attr(name: ev.symbols.intern("column"), value: .int(Int64(p.column)), pos: .none),
            ])
            return ConstantNode(.attrs(attrs), pos: pos)
        case .select(let target, let path, let def):
            let loweredTarget = try lower(target, scope)
            if def == nil, let known = constantSelection(loweredTarget, path) {
                return ConstantNode(known, pos: pos, lazyMakesThunk: true)
            }
            return SelectNode(target: loweredTarget, path: try lowerPath(path, scope),
                              orDefault: try def.map { (d) throws(EvalError) in try lower(d, scope) }, pos: pos)
        case .hasAttr(let target, let path):
            return HasAttrNode(target: try lower(target, scope), path: try lowerPath(path, scope), pos: pos)
        case .attrs(let set):
            return try lowerAttrs(set, scope, pos)
        case .list(let elems):
            // (Arrays here are reserved at their final size: grown by appending,
            // they reallocated at every power of two, for every node of a large file.)
            var nodes: [Node] = []
            nodes.reserveCapacity(elems.count)
            for e in elems { nodes.append(try lower(e, scope)) }
            return ListNode(nodes, pos: pos)
        case .lambda(let l):
            return try lowerLambda(l, r, scope)
        case .call(let fn, let args):
            if args.count == 2, case .variable(let name) = tree.view(fn),
               let constant = try resolve(name, scope, .none) as? ConstantNode, case .primop(let p) = constant.value {
                let op: ArithmeticNode.Op?
                switch p.name {
                case "__sub": op = .sub
                case "__mul": op = .mul
                case "__div": op = .div
                case "__lessThan": op = .lessThan
                default: op = nil
                }
                if let op {
                    return ArithmeticNode(op: op, primop: p, lhs: try lower(args[0], scope), rhs: try lower(args[1], scope), pos: pos)
                }
            }
            var argNodes: [Node] = []
            argNodes.reserveCapacity(args.count)
            for a in args { argNodes.append(try lower(a, scope)) }
            return CallNode(function: try lower(fn, scope), args: argNodes, pos: pos)
        case .letIn(let set, let body):
            let definitions = LetDefinitions()
            let (inner, bindings, sources) = try lowerBindings(set, scope, letDefinitions: definitions)
            return LetNode(bindings: bindings, inheritSources: sources, body: try lower(body, inner),
                           definitions: definitions, pos: pos)
        case .with(let attrs, let body):
            let inner = Scope(parent: scope, slots: [:], isWith: true)
            return WithNode(scope: try lower(attrs, scope), body: try lower(body, inner), pos: pos)
        case .ifThenElse(let c, let t, let e):
            return IfNode(try lower(c, scope), try lower(t, scope), try lower(e, scope), pos: pos)
        case .assert(let c, let body):
            return AssertNode(try lower(c, scope), try lower(body, scope), text: show(c), pos: pos)
        case .not(let x):
            return NotNode(try lower(x, scope), pos: pos)
        case .binary(let op, let l, let r):
            return BinaryNode(op, try lower(l, scope), try lower(r, scope), pos: pos)
        case .concatStrings(let parts, let forceString):
            var nodes: [Node] = []
            nodes.reserveCapacity(parts.count)
            for p in parts { nodes.append(try lower(p.expr, scope)) }
            if !forceString && nodes.count == 2 {
                return AddNode(lhs: nodes[0], rhs: nodes[1], lhsPos: parts[0].pos, rhsPos: parts[1].pos, pos: pos)
            }
            return ConcatNode(parts: nodes, partPositions: parts.map { $0.pos }, forceString: forceString, pos: pos)
        case .inheritFrom:
            throw EvalError("internal error: inherit source outside of its set", at: pos)
        }
    }

    /// The value a selection of static names from a constant set finds, when it
    /// is already evaluated: `builtins.elemAt` is the primop itself, not a search
    /// through `builtins`' 150 attributes at every call. (`builtins` cannot be
    /// shadowed by a `with`, and a `let` or argument of that name is no constant.)
    /// A name that is missing is left to the selection, which fails when it runs.
    func constantSelection(_ target: Node, _ path: [AttrName]) -> Value? {
        guard let constant = target as? ConstantNode, case .attrs(var set) = constant.value else { return nil }
        var value: Value = .null
        for (k, element) in path.enumerated() {
            guard case .symbol(let name) = element, var found = set.get(name) else { return nil }
            if case .thunk(let t) = found {
                guard t.state == .done else { return nil }
                found = t.value
            }
            if k == path.count - 1 {
                value = found
            } else {
                guard case .attrs(let next) = found else { return nil }
                set = next
            }
        }
        if case .thunk = value { return nil }
        return value
    }

    func lowerPath(_ path: [AttrName], _ scope: Scope?) throws(EvalError) -> [PathElement] {
        var out: [PathElement] = []
        out.reserveCapacity(path.count)
        for name in path {
            switch name {
            case .symbol(let s): out.append(.name(s))
            case .dynamic(let e): out.append(.dynamic(try lower(e, scope), show(e)))
            }
        }
        return out
    }

    /// The value of one definition, and the kind to record for it. `inherit (e) x`
    /// becomes a selection from the source's slot (`sourceSlots[index]`) in
    /// `plainScope`'s environment, or, for a source with no slot (see
    /// `isSimpleSource`), a selection from the source itself, lowered in
    /// `sourceScope`: a plain definition `x = e.x`.
    func lowerDefinition(_ d: AttrDef, of set: AttrSet, plainScope: Scope?, outerScope: Scope?, sourceScope: Scope?,
                         sourceSlots: [Int?]) throws(EvalError) -> (Node, AttrDef.Kind) {
        switch d.kind {
        case .plain:
            return (try lower(d.value, plainScope), .plain)
        case .inherited:
            return (try lower(d.value, outerScope), .inherited)
        case .inheritedFrom:
            guard case .select(let from, _, _) = tree.view(d.value), case .inheritFrom(let index) = tree.view(from) else {
                throw EvalError("internal error: malformed inherit", at: d.pos)
            }
            guard let slot = sourceSlots[index] else {
                let source = try lower(set.inheritFromExprs[index], sourceScope)
                return (SelectNode(target: source, path: [.name(d.name)], orDefault: nil, pos: d.pos), .plain)
            }
            let source = LocalNode(depth: 0, slot: slot, name: d.name, pos: tree.pos(from))
            return (SelectNode(target: source, path: [.name(d.name)], orDefault: nil, pos: d.pos), .inheritedFrom)
        }
    }

    /// Whether an `inherit (e)` source is a variable or a selection of static
    /// names from one (`inherit (config.build) jobs`, `inherit (lib) mkIf`): then
    /// each inherited name selects from the source itself, which evaluating again
    /// costs a few lookups and allocates nothing, instead of sharing it through a
    /// slot (in a plain set, an environment of its own) that holds a thunk of it.
    func isSimpleSource(_ r: NodeRef) -> Bool {
        switch tree.view(r) {
        case .variable: return true
        case .select(let target, let path, let orDefault):
            return orDefault == nil && isSimpleSource(target)
                && path.allSatisfy { if case .symbol = $0 { return true } else { return false } }
        default: return false
        }
    }

    /// The slot of each `inherit (e)` source from `base` on, nil for a simple
    /// source (`isSimpleSource`), which gets none; and the sources that get one.
    func sourceSlots(_ set: AttrSet, base: Int) -> ([Int?], [NodeRef]) {
        var slots: [Int?] = []
        var kept: [NodeRef] = []
        for s in set.inheritFromExprs {
            if isSimpleSource(s) {
                slots.append(nil)
            } else {
                slots.append(base + kept.count)
                kept.append(s)
            }
        }
        return (slots, kept)
    }

    /// A `let` (or `rec` set) scope: bindings in symbol order, then the inherit sources.
    func lowerBindings(_ set: AttrSet, _ scope: Scope?,
                       letDefinitions: LetDefinitions? = nil) throws(EvalError) -> (Scope, [AttrInit], [Node]) {
        let order = set.indicesInSymbolOrder
        var slots: [Symbol: Int] = [:]
        for (slot, k) in order.enumerated() { slots[set.attrs[k].name] = slot }
        let inner = Scope(parent: scope, slots: slots, letDefinitions: letDefinitions, isRecursive: true)
        let (slotOfSource, slotted) = sourceSlots(set, base: order.count)
        var sources: [Node] = []
        for s in slotted { sources.append(try lower(s, inner)) }
        var bindings: [AttrInit] = []
        bindings.reserveCapacity(order.count)
        for k in order {
            let d = set.attrs[k]
            let (node, kind) = try lowerDefinition(d, of: set, plainScope: inner, outerScope: scope, sourceScope: inner,
                                                   sourceSlots: slotOfSource)
            bindings.append(AttrInit(name: d.name, value: node, pos: d.pos, kind: kind))
        }
        return (inner, bindings, sources)
    }

    /// Whether the expression uses any of `names` as a variable anywhere inside it
    /// (shadowed or not: a conservative answer), or `with`, whose names are only
    /// known at run time.
    func mentions(_ r: NodeRef, _ names: [Symbol: Int]) -> Bool {
        func set(_ a: AttrSet) -> Bool {
            a.attrs.contains { mentions($0.value, names) }
                || a.dynamicAttrs.contains { mentions($0.name, names) || mentions($0.value, names) }
                || a.inheritFromExprs.contains { mentions($0, names) }
        }
        func path(_ p: [AttrName]) -> Bool {
            p.contains { if case .dynamic(let e) = $0 { return mentions(e, names) } else { return false } }
        }
        switch tree.view(r) {
        case .int, .bigInt, .float, .string, .path, .curPos, .inheritFrom: return false
        case .variable(let name): return names[name] != nil
        case .select(let t, let p, let d): return mentions(t, names) || path(p) || d.map { mentions($0, names) } == true
        case .hasAttr(let t, let p): return mentions(t, names) || path(p)
        case .attrs(let a): return set(a)
        case .list(let elements): return elements.contains { mentions($0, names) }
        case .lambda(let l):
            return mentions(l.body, names) || (l.formals?.formals.contains { $0.defaultValue.map { mentions($0, names) } == true } ?? false)
        case .call(let f, let args): return mentions(f, names) || args.contains { mentions($0, names) }
        case .letIn(let a, let body): return set(a) || mentions(body, names)
        case .with: return true
        case .ifThenElse(let c, let t, let e): return mentions(c, names) || mentions(t, names) || mentions(e, names)
        case .assert(let c, let body): return mentions(c, names) || mentions(body, names)
        case .not(let x): return mentions(x, names)
        case .binary(_, let l, let r): return mentions(l, names) || mentions(r, names)
        case .concatStrings(let parts, _): return parts.contains { mentions($0.expr, names) }
        }
    }

    func lowerAttrs(_ set: AttrSet, _ scope: Scope?, _ pos: Pos) throws(EvalError) -> Node {
        if set.isRecursive {
            let (inner, attrs, sources) = try lowerBindings(set, scope)
            var dynamic: [DynamicAttrInit] = []
            for d in set.dynamicAttrs {
                dynamic.append(DynamicAttrInit(name: try lower(d.name, inner), value: try lower(d.value, inner), pos: d.pos))
            }
            return AttrsNode(attrs: attrs, dynamic: dynamic, inheritSources: sources, recursive: true, pos: pos)
        }
        // Non-recursive: values see the enclosing scope; `inherit (e)` selections see
        // an environment holding just the sources (when there are any).
        let (slotOfSource, slotted) = sourceSlots(set, base: 0)
        let slotsScope = slotted.isEmpty ? scope : Scope(parent: scope, slots: [:])
        var sources: [Node] = []
        for s in slotted { sources.append(try lower(s, scope)) }
        let order = set.indicesInSymbolOrder
        var attrs: [AttrInit] = []
        attrs.reserveCapacity(order.count)
        for k in order {
            let d = set.attrs[k]
            let node: Node
            var kind = d.kind
            if d.kind == .inheritedFrom {
                (node, kind) = try lowerDefinition(d, of: set, plainScope: slotsScope, outerScope: scope, sourceScope: scope,
                                                   sourceSlots: slotOfSource)
            } else {
                node = try lower(d.value, scope)
            }
            attrs.append(AttrInit(name: d.name, value: node, pos: d.pos, kind: kind))
        }
        var dynamic: [DynamicAttrInit] = []
        for d in set.dynamicAttrs {
            dynamic.append(DynamicAttrInit(name: try lower(d.name, scope), value: try lower(d.value, scope), pos: d.pos))
        }
        return AttrsNode(attrs: attrs, dynamic: dynamic, inheritSources: sources, recursive: false, pos: pos)
    }

    /// A function closes over the innermost scope whose names it uses: `let` and
    /// `rec` scopes it names nothing of are skipped (`LambdaNode.skip`). Their
    /// environments hold their bindings' values, so a closure over one of them
    /// that ends up in it (`let f = x: …;`, `self = { g = x: …; }`) is a cycle
    /// reference counting never frees: every call of a function with such a
    /// `let` kept its environment.
    func lowerLambda(_ l: Lambda, _ r: NodeRef, _ scope: Scope?) throws(EvalError) -> Node {
        var scope = scope
        var skip = 0
        while let s = scope, s.isRecursive, !mentions(r, s.slots) {
            scope = s.parent
            skip += 1
        }
        var slots: [Symbol: Int] = [:]
        var next = 0
        if let arg = l.arg {
            slots[arg] = 0
            next = 1
        }
        var formalSlots: [(Formal, Int)] = []
        if let f = l.formals {
            for x in f.formals {
                slots[x.name] = next
                formalSlots.append((x, next))
                next += 1
            }
        }
        let inner = Scope(parent: scope, slots: slots)
        var formals: [FormalParam]?
        if l.formals != nil {
            var out: [FormalParam] = []
            for (x, slot) in formalSlots {
                out.append(FormalParam(name: x.name, slot: slot,
                                       defaultValue: try x.defaultValue.map { (d) throws(EvalError) in try lower(d, inner) },
                                       pos: x.pos))
            }
            formals = out
        }
        let body = try lower(l.body, inner)
        return LambdaNode(arg: l.arg, formals: formals, ellipsis: l.formals?.ellipsis ?? false, body: body,
                          name: l.name, skip: skip, pos: l.pos)
    }
}
