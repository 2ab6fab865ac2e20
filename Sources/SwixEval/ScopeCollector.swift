/// Reclaims the environment of a `rec` set or a `let` that only what it holds
/// still refers to.
///
/// Memory is reclaimed by reference counting, and `rec { … }` makes a cycle: the
/// set's environment holds the attributes' thunks (its slots), and each thunk not
/// yet forced holds the environment it will be evaluated in. A thunk lets go of
/// its environment when it is forced, so the cycle lasts only while some thunk of
/// the set is never forced (`mk = i: rec { … dirs = [ "${prefix}/bin" … ]; }`
/// where only `dirs`' second element is used); then the set's whole
/// environment, and everything in it, used to stay allocated until the process
/// ended (190 MB on attrs_rec_nested). A `let` makes the same cycle through the
/// values of its bindings (`let p = { a = i + 1; b = i + 2; }; in p.a`: `b`'s
/// thunk holds the scope that holds `p`), or through a closure over it in one of
/// its slots (`let f = x: g x; g = …;`).
///
/// When such a cycle may have become unreachable, this looks at what the
/// environment holds: for a `rec` set when the set itself is freed
/// (`Attrs.deinit`), for a `let` when its body has its value (`LetNode.eval`). What
/// the slots hold is a tree of thunks, sets, lists, closures and environments, each
/// referred to exactly once. Every reference to the environment from inside that
/// tree is counted (from a pending thunk, a closure, a `rec` set's own scope, or
/// the parent chain of a scope inside this one); if they and the caller's own
/// account for all of the environment's references, nothing outside can reach the
/// environment or the tree any more, and emptying its slots breaks the cycle (the
/// reference counts free the rest). Anything shared on the way (an object referred
/// to more than once) is not looked into, so its references count as outside ones:
/// the environment is then kept, as before. The walk is bounded.
///
/// Not reclaimed: a `let` whose value is a set referring back to it (`let self =
/// { … self.x … }; in self`), once its caller drops the set (nothing runs then).
///
/// The references are read in place, through the layouts `ValueLayout.check`
/// verifies: taking a reference to look at an object would change the very counts
/// being compared.
enum ScopeCollector {
    /// At most this many objects are looked at per environment.
    static let budget = 512

    /// Called by the set owning `scope`, after it released its attributes, while
    /// its own `setReferences` references to `scope` are still held; or by the
    /// `let` that made `scope`, holding one reference.
    static func collect(_ scope: UnsafeRawPointer, setReferences: Int) {
        let total = retainCount(scope)
        // Only the set refers to it: no thunk of the set is pending, no cycle.
        if total <= setReferences { return }
        var walk = Walk(scope: scope)
        let count = Int(scope.load(fromByteOffset: Env.countOffset, as: Int32.self))
        let slots = UnsafeMutableRawPointer(mutating: scope + Env.slotsOffset).assumingMemoryBound(to: Value.self)
        for k in 0..<count {
            walk.visit(slots + k)
            if walk.incomplete { return }
        }
        guard total == setReferences + walk.inside else { return }
        // Unreachable but for the set, which is going: empty the slots. What they
        // held is freed, and with it the references back to the environment.
        for k in 0..<count { slots[k] = .null }
    }

    /// The strong reference count of a Swift object.
    @inline(__always)
    static func retainCount(_ object: UnsafeRawPointer) -> Int {
        swift_retainCount(UnsafeMutableRawPointer(mutating: object))
    }

    private struct Walk {
        let scope: UnsafeRawPointer
        /// References to `scope` found inside the tree.
        var inside = 0
        var visited = 0
        var incomplete = false

        /// Whether `object` is referred to from one place only (the one the walk
        /// came from), so that what it refers to belongs to the tree.
        private mutating func enter(_ object: UnsafeRawPointer) -> Bool {
            visited += 1
            if visited > ScopeCollector.budget {
                incomplete = true
                return false
            }
            return ScopeCollector.retainCount(object) == 1
        }

        mutating func visit(_ p: UnsafePointer<Value>) {
            if incomplete { return }
            let tag = p.tag
            guard ValueLayout.mayReferToScope(tag) else { return }
            let object = UnsafeRawPointer(p).load(as: UnsafeRawPointer.self)
            // A forced thunk holding an integer, a string, …: nothing in it can
            // refer to the scope, and its reference count need not be read.
            if tag == ValueLayout.thunkTag,
               object.load(fromByteOffset: ValueLayout.thunkStateOffset, as: Thunk.State.self) == .done,
               !ValueLayout.mayReferToScope((object + ValueLayout.thunkValueOffset).assumingMemoryBound(to: Value.self).tag) {
                return
            }
            guard enter(object) else { return }
            switch tag {
            case ValueLayout.thunkTag:
                let state = object.load(fromByteOffset: ValueLayout.thunkStateOffset, as: Thunk.State.self)
                if state == .done {
                    visit((object + ValueLayout.thunkValueOffset).assumingMemoryBound(to: Value.self))
                } else {
                    visitEnvironment(object.load(fromByteOffset: ValueLayout.thunkEnvOffset, as: UnsafeRawPointer?.self))
                }
            case ValueLayout.attrsTag:
                // A layered set's layers may be shared with other sets: not looked into.
                let set = Unmanaged<Attrs>.fromOpaque(object)
                guard let attrs = set._withUnsafeGuaranteedRef({ $0.flatAttrs }) else {
                    incomplete = true
                    return
                }
                for k in 0..<attrs.count {
                    visit((attrs.baseAddress! + k).valuePointer)
                    if incomplete { return }
                }
                // A `rec` set's own environment (which its thunks refer to).
                visitEnvironment(object.load(fromByteOffset: Attrs.headerOffset + Attrs.scopeOffset, as: UnsafeRawPointer?.self))
            case ValueLayout.listTag:
                let count = object.load(fromByteOffset: ValueLayout.listCountOffset, as: Int.self)
                let elements = (object + ValueLayout.listElementsOffset).assumingMemoryBound(to: Value.self)
                for k in 0..<count {
                    visit(elements + k)
                    if incomplete { return }
                }
            default:
                visitEnvironment(object.load(fromByteOffset: ValueLayout.closureEnvOffset, as: UnsafeRawPointer?.self))
            }
        }

        /// An environment something in the tree refers to: `scope` itself (a
        /// reference found inside), or one referred to from there only (the
        /// scope of a call or `let` inside this one, whose parent chain may lead
        /// back to it), whose slots and parent then belong to the tree too.
        mutating func visitEnvironment(_ environment: UnsafeRawPointer?) {
            var next = environment
            while let env = next, !incomplete {
                if env == scope {
                    inside += 1
                    return
                }
                guard enter(env) else { return }
                let count = Int(env.load(fromByteOffset: Env.countOffset, as: Int32.self))
                let slots = (env + Env.slotsOffset).assumingMemoryBound(to: Value.self)
                for k in 0..<count {
                    visit(slots + k)
                    if incomplete { return }
                }
                next = env.load(fromByteOffset: Env.parentOffset, as: UnsafeRawPointer?.self)
            }
        }
    }
}

@_silgen_name("swift_retainCount")
private func swift_retainCount(_ object: UnsafeMutableRawPointer) -> Int
