import SwixSyntax

/// One attribute of a set literal: its value node and whether the value is
/// evaluated in the set's own (recursive) environment.
struct AttrInit {
    let name: Symbol
    let value: Node
    let pos: Pos
    let kind: AttrDef.Kind

    /// Whether the value is evaluated in the new scope (the recursive one, or the
    /// one holding the `inherit (e)` sources) rather than the enclosing one:
    /// plain definitions of a recursive scope and `inherit (e)` selections do;
    /// `inherit x`, and plain definitions of a non-recursive set, do not. (A flag,
    /// not the environment: returning one of two environments retained it.)
    @inline(__always)
    func usesScope(recursive: Bool) -> Bool {
        switch kind {
        case .plain: return recursive
        case .inherited: return false
        case .inheritedFrom: return true
        }
    }

    /// The value node, unretained (the lowered tree keeps it alive).
    @inline(__always)
    var node: Unmanaged<Node> { Unmanaged.passUnretained(value) }
}

struct DynamicAttrInit {
    let name: Node
    let value: Node
    let pos: Pos
}

/// `{ … }` and `rec { … }`. A recursive set gets an environment whose slots are
/// its attributes (in symbol order) followed by its `inherit (e)` sources.
final class AttrsNode: Node {
    let attrs: [AttrInit]          // sorted by symbol id
    let dynamic: [DynamicAttrInit]
    let inheritSources: [Node]
    let recursive: Bool

    init(attrs: [AttrInit], dynamic: [DynamicAttrInit], inheritSources: [Node], recursive: Bool, pos: Pos) {
        self.attrs = attrs
        self.dynamic = dynamic
        self.inheritSources = inheritSources
        self.recursive = recursive
        super.init(pos: pos)
    }

    /// A set of this node's static attributes, not recursive: built without
    /// evaluating anything (each value lazy), so it cannot fail.
    @inline(__always)
    private func plainSet(_ ev: Evaluator, _ env: Env, _ defs: UnsafeBufferPointer<AttrInit>) -> Attrs {
        // Without `inherit (e)` every value is made in `env` itself, borrowed (a
        // copy of it in a variable for the closure was a retain and a release per set).
        if inheritSources.isEmpty {
            return Attrs.build(count: defs.count) { out in
                for k in 0..<defs.count {
                    let v = defs[k].node._withUnsafeGuaranteedRef { $0.lazy(ev, env) }
                    (out + k).initialize(to: Attr(name: defs[k].name, value: v, pos: defs[k].pos))
                }
            }
        }
        let scope = Env.make(parent: env, size: inheritSources.count)
        for (k, s) in inheritSources.enumerated() { scope.slots[k] = s.lazy(ev, env) }
        // The environments and nodes are passed borrowed: a node read from the
        // buffer was retained and released around every attribute's `lazy`.
        return Attrs.build(count: defs.count) { out in
            for k in 0..<defs.count {
                // One call per environment (a chosen one was a copy, as in `recursiveSet`).
                let v = defs[k].node._withUnsafeGuaranteedRef { node in
                    defs[k].usesScope(recursive: false) ? node.lazy(ev, scope) : node.lazy(ev, env)
                }
                (out + k).initialize(to: Attr(name: defs[k].name, value: v, pos: defs[k].pos))
            }
        }
    }

    /// A small plain set (`meta = { … }`, `a.b.c = 1`) in a lazy position is built
    /// at once instead of behind a thunk: building it evaluates nothing (its
    /// values stay lazy) and cannot fail, and costs about what the thunk and its
    /// forcing would, which are saved when the set is used. The size limit bounds
    /// the work done for sets never used.
    private var buildsEagerly: Bool { !recursive && dynamic.isEmpty && attrs.count <= 16 }

    override func lazy(_ ev: Evaluator, _ env: Env) -> Value {
        guard buildsEagerly else { return super.lazy(ev, env) }
        return .attrs(attrs.withUnsafeBufferPointer { plainSet(ev, env, $0) })
    }

    /// While a `let` or `rec` scope is being filled its slots are not all set, and
    /// building the set would read them (its values' `lazy`): a thunk, as usual.
    override func lazyBinding(_ ev: Evaluator, _ env: Env) -> Value {
        super.lazy(ev, env)
    }

    /// Where a recursive set defines `__overrides` (-1: it does not), found on the
    /// first evaluation (the symbol belongs to the evaluator, not to lowering).
    private var overridesIndex = -2

    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        if recursive { return try recursiveSet(ev, env) }
        // The definitions are read through a buffer pointer: borrowed, where iterating
        // the array copied each `AttrInit` (a retain and release of its node).
        let set = attrs.withUnsafeBufferPointer { plainSet(ev, env, $0) }
        if dynamic.isEmpty { return .attrs(set) }
        return try addDynamic(ev, env, to: set)
    }

    /// `rec { … }`: the attributes are written straight into the set's storage, and
    /// the slots straight into its environment (each initialised once: a lazy
    /// binding never reads its own scope's slots, see `LocalNode.lazyBinding`).
    private func recursiveSet(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        let count = attrs.count
        let scope = Env.makeUninitialized(parent: env, size: count + inheritSources.count)
        let slots = scope.slots
        var set: Attrs = attrs.withUnsafeBufferPointer { defs in
            let set = Attrs.build(count: count) { out in
                for k in 0..<count {
                    // One call per environment, not `lazyBinding(ev, uses ? scope : env)`:
                    // the chosen environment was a copy (a retain and a release).
                    let v = defs[k].node._withUnsafeGuaranteedRef { node in
                        defs[k].usesScope(recursive: true) ? node.lazyBinding(ev, scope) : node.lazyBinding(ev, env)
                    }
                    (slots + k).initialize(to: v)
                    (out + k).initialize(to: Attr(name: defs[k].name, value: v, pos: defs[k].pos))
                }
            }
            for (k, s) in inheritSources.enumerated() { (slots + count + k).initialize(to: s.lazyBinding(ev, scope)) }
            return set
        }
        if overridesIndex == -2 { overridesIndex = attrs.firstIndex(where: { $0.name == ev.sOverrides }) ?? -1 }
        if overridesIndex >= 0 {
            // Legacy `__overrides`: its attributes replace the set's own, also in
            // the recursive scope, and add to the set.
            let overrides = try ev.forceAttrs(scope.slots[overridesIndex], pos, "while evaluating the `__overrides` attribute")
            var out = Array(set.attrs)
            for o in overrides.attrs {
                if let j = attrs.firstIndex(where: { $0.name == o.name }) {
                    out[j] = o
                    scope.slots[j] = o.value
                } else {
                    out.append(o)
                }
            }
            out.sort { $0.name < $1.name }
            set = Attrs.sorted(out)
        }
        // The set answers for its environment's cycles (`ScopeCollector`).
        set.adoptScope(scope)
        if dynamic.isEmpty { return .attrs(set) }
        return try addDynamic(ev, scope, to: set)
    }

    /// The dynamic attributes (`"${n}" = v;`) added to `set`, their names and
    /// values evaluated in `dynamicEnv` (the set's own scope when it is recursive).
    private func addDynamic(_ ev: Evaluator, _ dynamicEnv: Env, to staticSet: Attrs) throws(EvalError) -> Value {
        var set = staticSet
        for d in dynamic {
            let nameValue = try d.name.eval(ev, dynamicEnv)
            if case .null = nameValue { continue }
            let name = try ev.forceStringNoContext(nameValue, d.name.pos, "while evaluating the name of a dynamic attribute")
            let sym = ev.symbols.intern(name)
            if let existing = set.attr(sym) {
                throw EvalError("dynamic attribute '\(ev.symbols[sym])' already defined at \(ev.describe(existing.pos))",
                                at: d.pos)
            }
            set = set.updated(with: Attrs.sorted([Attr(name: sym, value: d.value.lazy(ev, dynamicEnv), pos: d.pos)]))
        }
        return .attrs(set)
    }
}

/// `let … in body`: an environment with the bindings (and `inherit (e)` sources).
/// Bindings that would be thunks wait in their slots as placeholders until their
/// variable evaluates them (`LetBindings.swift`).
final class LetNode: Node {
    let bindings: [AttrInit]
    let inheritSources: [Node]
    let body: Node
    let definitions: LetDefinitions

    init(bindings: [AttrInit], inheritSources: [Node], body: Node, definitions: LetDefinitions, pos: Pos) {
        self.bindings = bindings
        self.inheritSources = inheritSources
        self.body = body
        self.definitions = definitions
        // `inherit x` is evaluated in the enclosing scope: it is stored as before.
        definitions.deferred = bindings.map { $0.kind != .inherited && LetDefinitions.defers($0.value) ? $0.value : nil }
        super.init(pos: pos)
    }

    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        let count = bindings.count
        // Each slot is initialised once, directly (no `null` written first): a
        // binding's lazy form never reads this scope's slots (a sibling variable
        // becomes a thunk, see `LocalNode.lazyBinding`).
        let scope = Env.makeUninitialized(parent: env, size: count + inheritSources.count, from: ev.envPool)
        let slots = scope.slots
        // Borrowed through buffer pointers, as in `AttrsNode.eval`.
        bindings.withUnsafeBufferPointer { defs in
            for k in 0..<count {
                if definitions.deferredNode(k) != nil {
                    (slots + k).initialize(to: .unevaluatedBinding)
                } else {
                    // One call per environment (a chosen one was a copy, as in `recursiveSet`).
                    (slots + k).initialize(to: defs[k].node._withUnsafeGuaranteedRef { node in
                        defs[k].usesScope(recursive: true) ? node.lazyBinding(ev, scope) : node.lazyBinding(ev, env)
                    })
                }
            }
        }
        if !inheritSources.isEmpty {
            for (k, s) in inheritSources.enumerated() { (slots + count + k).initialize(to: s.lazyBinding(ev, scope)) }
        }
        let result = try body.eval(ev, scope)
        // Still referred to once the body has its value: maybe only by what the
        // bindings hold (`let p = { a = i + 1; b = i + 2; }; in p.a` leaves `b`'s
        // thunk in this scope, which holds `p`; `let f = x: … g …; g = …;` makes a
        // closure over it). Nothing else can reach such a cycle any more, and
        // reference counting would keep it forever (680 MB for a million of the
        // first): `ScopeCollector` frees it.
        let e = UnsafeRawPointer(Unmanaged.passUnretained(scope).toOpaque())
        if !hasOneStrongReference(UnsafeMutableRawPointer(mutating: e)) {
            ScopeCollector.collect(e, setReferences: 1)
        }
        ev.envPool.recycle(consume scope)
        return result
    }
}

/// `with e; body`
final class WithNode: Node {
    let scope: Node
    let body: Node
    init(scope: Node, body: Node, pos: Pos) {
        self.scope = scope
        self.body = body
        super.init(pos: pos)
    }
    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        let withScope = Env.makeWith(parent: env, attrs: scope.lazy(ev, env), from: ev.envPool)
        let result = try body.eval(ev, withScope)
        ev.envPool.recycle(consume withScope)
        return result
    }
}

/// An attribute name in a selection path: static, or computed at run time.
enum PathElement {
    case name(Symbol)
    /// A computed name, with its source text for messages (`"${key}"`).
    case dynamic(Node, String)

    /// The names of a path whose elements are all static; nil if one is computed.
    /// (Nodes keep them as a plain symbol array: reading a `PathElement` copies it.)
    static func staticNames(_ path: [PathElement]) -> [Symbol]? {
        var names: [Symbol] = []
        for element in path {
            guard case .name(let s) = element else { return nil }
            names.append(s)
        }
        return names
    }
}

extension Evaluator {
    func symbol(of element: PathElement, _ env: Env) throws(EvalError) -> Symbol {
        switch element {
        case .name(let s): return s
        case .dynamic(let n, _):
            let v = try n.eval(self, env)
            // A string without context, the usual name, is interned from its bytes
            // in place (no copy of the string or of its byte array).
            if case .string(let s) = v, s.context.isEmpty {
                return s.bytes.withUnsafeBufferPointer { symbols.intern($0) }
            }
            let s = try forceStringNoContext(v, n.pos, "while evaluating an attribute name")
            return symbols.intern(s)
        }
    }

    func showPath(_ path: [Symbol]) -> String {
        path.map { ASTPrinter.identifier(symbols.bytes($0)) }.joined(separator: ".")
    }

    /// A selection path as written: static names, and `"${…}"` for computed ones
    /// (with their value when it is known).
    func showSelectionPath(_ path: [PathElement], known: [Symbol]) -> String {
        var parts: [String] = []
        for element in path {
            switch element {
            case .name(let s): parts.append(ASTPrinter.identifier(symbols.bytes(s)))
            case .dynamic(_, let text):
                parts.append("\"${" + text + "}\"")
            }
        }
        return parts.joined(separator: ".")
    }
}

/// `e.a.b` and `e.a.b or d`
final class SelectNode: Node {
    let target: Node
    let path: [PathElement]
    let orDefault: Node?

    /// The names when all are static (the common case): a plain symbol array
    /// that the loop reads without copying `PathElement`s.
    let staticNames: [Symbol]?

    /// The target's slot when it is a variable: an evaluated set there is
    /// borrowed in place instead of copied out (a retain and a release, and two
    /// outlined value copies, per `x.a` on a variable).
    let targetSlot: (depth: Int, slot: Int)?

    /// The last selection's result, by the set it started from (an inline cache).
    /// `lib.strings.concatStringsSep`, `pkgs.stdenv.cc`, `deep.a.b.c.d`: a path of
    /// static names walked again and again from the same set finds the same value
    /// (sets never change, and the walk forces the value it returns), so the walk
    /// is skipped when the set is the one of last time. The cache owns that set
    /// (its address cannot be reused while cached) and the value; the address is
    /// kept beside the reference so that a lookup compares it without touching the
    /// reference (reading `cachedRoot` retained and released it). A node
    /// whose sets keep changing (`p.meta.name` for each `p` of a list) stops
    /// caching after `SelectNode.cacheBudget` misses in a row without a hit, and
    /// lets go of what it held. Only paths of two names or more are cached: one
    /// binary search costs about what a hit does.
    private var cachedRootAddress: UnsafeMutableRawPointer?
    private var cachedRoot: Attrs?
    private var cachedValue: Value = .null
    private var cacheCredit: Int32

    static let cacheBudget: Int32 = 8

    init(target: Node, path: [PathElement], orDefault: Node?, pos: Pos) {
        self.target = target
        self.path = path
        self.orDefault = orDefault
        staticNames = PathElement.staticNames(path)
        targetSlot = (target as? LocalNode).map { ($0.depth, $0.slot) }
        cacheCredit = (staticNames?.count ?? 0) >= 2 && orDefault == nil ? SelectNode.cacheBudget : 0
        super.init(pos: pos)
    }

    /// The selected value, possibly still a thunk.
    func select(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        if let names = staticNames, orDefault == nil, let (depth, slot) = targetSlot {
            let p = env.slotPointer(depth: depth, slot)
            var found = UnsafePointer(p).borrowedForcedAttrs
            if found == nil, UnsafePointer(p).isUnforcedThunk {
                // A variable not evaluated yet (`d.key` on a function's argument):
                // forced in its slot, as `LocalNode.eval` does, and then selected
                // from in place. Through `selectGeneral`, its frame and that of the
                // out-of-line walk stayed on the stack under the selected value's
                // evaluation: 460 of the ~2,800 bytes per level of a recursion
                // through `d.key` (fixpoint_overlays' closures).
                try LocalNode.forceInPlace(p, ev, target.pos)
                found = UnsafePointer(p).borrowedForcedAttrs
            }
            guard let set = found else { return try selectGeneral(ev, env) }
            var attrPos = Pos.none
            var reachedCount = 0
            do throws(EvalError) {
                return try selectStatic(ev, set, names, &attrPos, &reachedCount)
            } catch {
                addSelectionFrames(error, ev, attrPos: attrPos, reachedCount: reachedCount, computedNames: [])
                throw error
            }
        }
        return try selectGeneral(ev, env)
    }

    /// `select` of anything but a set already in a variable's slot. (Out of line:
    /// its locals doubled `select`'s stack frame, which chains of attributes
    /// defined through one another pay at every level.)
    @inline(never)
    private func selectGeneral(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        let root = try target.eval(ev, env)
        // Where the last attribute reached was defined, and how many were reached;
        // the names themselves are only needed for an error.
        var attrPos = Pos.none
        var reachedCount = 0
        // The computed names so far, for an error's frames: the first one inline,
        // since appending it to an empty array allocated on every `s.${name}`.
        var firstComputed: Symbol? = nil
        var moreComputed: [Symbol] = []
        let names = staticNames
        do throws(EvalError) {
            if let names, orDefault == nil {
                return try selectStatic(ev, root, names, &attrPos, &reachedCount)
            }
            // Computed names or a default. The sets on the way are borrowed as in
            // `selectStatic`: `root` holds the first, each holds the next.
            // The set reached, or nil and the value reached that is no set (an
            // error, or the default, at the next name). Two variables, not an enum
            // with a value payload: that enum was destroyed (an outlined switch
            // and call) at every step, though it nearly always holds a set.
            var current: Unmanaged<Attrs>? = nil
            var reachedOther: Value = .null
            if case .attrs(let a) = root { current = .passUnretained(a) } else { reachedOther = root }
            let last = path.count - 1
            for k in 0...last {
                let name: Symbol
                if let names { name = names[k] } else {
                    name = try ev.symbol(of: path[k], env)
                    if case .dynamic = path[k] {
                        if firstComputed == nil { firstComputed = name } else { moreComputed.append(name) }
                    }
                }
                let set: Unmanaged<Attrs>
                if let a = current {
                    set = a
                } else {
                    if let orDefault { return orDefault.lazy(ev, env) }
                    set = .passUnretained(try ev.forceAttrs(reachedOther, pos, "while selecting an attribute"))
                }
                guard let slot = Attrs.valuePointer(in: set, name, &attrPos) else {
                    if let orDefault { return orDefault.lazy(ev, env) }
                    throw ev.missingAttribute(name, in: set.takeUnretainedValue(), at: pos)
                }
                reachedCount += 1
                let forcePos = attrPos.isNone ? pos : attrPos
                if k == last { return try ev.force(at: slot, forcePos) }
                if let a = slot.borrowedForcedAttrs {
                    current = a
                } else {
                    // Forcing stores the value in the thunk the parent holds.
                    let w = try ev.force(slot.pointee, forcePos)
                    if case .attrs(let a) = w {
                        current = .passUnretained(a)
                    } else {
                        current = nil
                        reachedOther = w
                    }
                }
            }
            return .null  // not reached: the last step returns
        } catch {
            addSelectionFrames(error, ev, attrPos: attrPos, reachedCount: reachedCount,
                               computedNames: firstComputed.map { [$0] + moreComputed } ?? [])
            throw error
        }
    }

    /// The frames of a failed selection.
    @inline(never)
    private func addSelectionFrames(_ error: EvalError, _ ev: Evaluator, attrPos: Pos, reachedCount: Int, computedNames: [Symbol]) {
        // The names known so far: static ones, and the computed ones in order
        // (a computed name that failed ends the known path).
        var fullPath: [Symbol] = []
        var computed = computedNames.makeIterator()
        for element in path {
            if case .name(let s) = element { fullPath.append(s) } else if let s = computed.next() { fullPath.append(s) } else { break }
        }
        if !attrPos.isNone {
            error.addTrace("from the definition of '\(ev.showPath(Array(fullPath.prefix(reachedCount))))'", at: attrPos)
        }
        error.addTrace("while evaluating the attribute '\(ev.showSelectionPath(path, known: fullPath))'", at: pos)
    }

    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        try ev.force(try select(ev, env), pos)
    }

    /// `e.a.b.c` with static names and no default, the common case. The sets on
    /// the way are borrowed, not retained: `root` holds the first, and each
    /// holds the next (directly, or through a thunk it holds, which keeps its
    /// value once forced), so only the selected value is copied out.
    @inline(__always)
    private func selectStatic(_ ev: Evaluator, _ root: Value, _ names: [Symbol],
                              _ attrPos: inout Pos, _ reachedCount: inout Int) throws(EvalError) -> Value {
        if case .attrs(let a) = root {
            return try selectStatic(ev, .passUnretained(a), names, &attrPos, &reachedCount)
        }
        return try selectStatic(ev, .passUnretained(try ev.forceAttrs(root, pos, "while selecting an attribute")),
                                names, &attrPos, &reachedCount)
    }

    /// `selectStatic` from a borrowed set, which the caller keeps alive: the
    /// cached value if the set is the cached one (see `cachedRoot`).
    @inline(__always)
    private func selectStatic(_ ev: Evaluator, _ root: Unmanaged<Attrs>, _ names: [Symbol],
                              _ attrPos: inout Pos, _ reachedCount: inout Int) throws(EvalError) -> Value {
        if cacheCredit > 0 {
            if root.toOpaque() == cachedRootAddress {
                if cacheCredit < SelectNode.cacheBudget { cacheCredit += 1 }
                return cachedValue
            }
            let v = try walk(ev, root, names, &attrPos, &reachedCount)
            remember(root, v)
            return v
        }
        return try walk(ev, root, names, &attrPos, &reachedCount)
    }

    /// A miss: caches `value` as the result from `root`, or stops caching once
    /// the budget of misses without a hit is spent.
    @inline(never)
    private func remember(_ root: Unmanaged<Attrs>, _ value: Value) {
        if cachedRootAddress != nil { cacheCredit -= 1 }
        if cacheCredit == 0 {
            cachedRootAddress = nil
            cachedRoot = nil
            cachedValue = .null
            return
        }
        cachedRootAddress = root.toOpaque()
        cachedRoot = root.takeUnretainedValue()
        cachedValue = value
    }

    /// Walks `names` from `root` (borrowed, kept alive by the caller).
    @inline(__always)
    private func walk(_ ev: Evaluator, _ root: Unmanaged<Attrs>, _ names: [Symbol],
                      _ attrPos: inout Pos, _ reachedCount: inout Int) throws(EvalError) -> Value {
        var set = root
        let last = names.count - 1
        var k = 0
        while true {
            let name = names[k]
            guard let slot = Attrs.valuePointer(in: set, name, &attrPos) else {
                throw ev.missingAttribute(name, in: set.takeUnretainedValue(), at: pos)
            }
            reachedCount += 1
            let forcePos = attrPos.isNone ? pos : attrPos
            if k == last { return try ev.force(at: slot, forcePos) }
            if let a = slot.borrowedForcedAttrs {
                set = a
            } else {
                // A pending thunk: forcing stores the set in the thunk, which the
                // parent holds. (Anything else is not a set, and forceAttrs throws.)
                let w = try ev.force(slot.pointee, forcePos)
                set = .passUnretained(try ev.forceAttrs(w, pos, "while selecting an attribute"))
            }
            k += 1
        }
    }

    /// A selection through values that are all known already (no thunk left to
    /// force on the way, static names) is the value found, or the default's.
    override func peek(_ ev: Evaluator, _ env: Env) -> Value? {
        guard let names = staticNames else { return nil }
        // A set in a variable's slot is walked borrowed, without copying it out.
        if let (depth, slot) = targetSlot,
           let first = UnsafePointer(env.slotPointer(depth: depth, slot)).borrowedForcedAttrs {
            return peek(from: first, names, ev, env)
        }
        guard let root = target.peek(ev, env) else { return nil }
        // Borrowing walk, as `selectStatic`: `root` keeps the sets on the way alive.
        guard case .attrs(let first) = root else { return orDefault?.peek(ev, env) }
        return peek(from: .passUnretained(first), names, ev, env)
    }

    private func peek(from first: Unmanaged<Attrs>, _ names: [Symbol], _ ev: Evaluator, _ env: Env) -> Value? {
        var set = first
        var ignored = Pos.none
        let last = names.count - 1
        for k in 0...last {
            guard let slot = Attrs.valuePointer(in: set, names[k], &ignored) else {
                return orDefault?.peek(ev, env)
            }
            // An unforced thunk on the way ends the peek.
            if slot.isUnforcedThunk { return nil }
            if k == last {
                if let t = slot.borrowedThunk { return t._withUnsafeGuaranteedRef { $0.value } }
                return slot.pointee
            }
            guard let a = slot.borrowedForcedAttrs else { return orDefault?.peek(ev, env) }
            set = a
        }
        return nil
    }

}

/// `e ? a.b`
final class HasAttrNode: Node {
    let target: Node
    let path: [PathElement]
    /// The names when all are static, as in `SelectNode`.
    let staticNames: [Symbol]?
    /// The target's slot when it is a variable: a set already there is borrowed
    /// in place, as `SelectNode` does (`p ? meta.tags.parity` copied the set out
    /// and each set on the way, a retain and a release apiece).
    let targetSlot: (depth: Int, slot: Int)?
    init(target: Node, path: [PathElement], pos: Pos) {
        self.target = target
        self.path = path
        staticNames = PathElement.staticNames(path)
        targetSlot = (target as? LocalNode).map { ($0.depth, $0.slot) }
        super.init(pos: pos)
    }
    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        if let (depth, slot) = targetSlot,
           let set = UnsafePointer(env.slotPointer(depth: depth, slot)).borrowedForcedAttrs {
            return .bool(try has(ev, env, set))
        }
        return .bool(try has(ev, env, try ev.eval(target, env, "in the argument of '?'")))
    }

    /// `has` from the value of the target, which this call's argument keeps alive.
    @inline(__always)
    private func has(_ ev: Evaluator, _ env: Env, _ root: Value) throws(EvalError) -> Bool {
        guard case .attrs(let set) = root else { return false }
        return try has(ev, env, .passUnretained(set))
    }

    /// Whether the path is in `root` (borrowed: the caller keeps it alive, and
    /// each set on the way holds the next, directly or through a forced thunk).
    @inline(__always)
    private func has(_ ev: Evaluator, _ env: Env, _ root: Unmanaged<Attrs>) throws(EvalError) -> Bool {
        var set = root
        var attrPos = Pos.none
        let last = path.count - 1
        for k in 0...last {
            let name = if let names = staticNames { names[k] } else { try ev.symbol(of: path[k], env) }
            guard let slot = Attrs.valuePointer(in: set, name, &attrPos) else { return false }
            // The last attribute need not be evaluated: `{ a = throw "x"; } ? a` is true.
            if k == last { return true }
            if let a = slot.borrowedForcedAttrs {
                set = a
            } else {
                // Forcing stores the value in the thunk the parent holds.
                let w = try ev.force(slot.pointee, pos)
                guard case .attrs(let a) = w else { return false }
                set = .passUnretained(a)
            }
        }
        return true
    }
}
