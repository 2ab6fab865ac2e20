import CSwixSupport

/// Thunks that died empty-handed, kept for the next thunk an expression needs.
///
/// Why: after environments (`EnvPool`), thunks are the objects evaluation makes
/// most. A thunk dies when the environment, set or list holding it does, and
/// freeing it and allocating the next costs the same ~110 instructions an
/// environment did. The scopes and sets that hold thunks return them here when
/// they are destroyed (`destroyValueKeepingThunks`), and `Node.lazy` takes them
/// back.
///
/// How: a per-thread list (C thread-local storage, `swix_thunk_pool`) linked
/// through the thunks' node fields. Per thread, not per evaluator, because the
/// objects that give thunks back (an environment's or a set's deinit) do not
/// know their evaluator; evaluators on one thread run one at a time, and a thunk
/// belongs to no evaluator. At most `capacity` are kept; those of a thread that
/// ends stay allocated.
enum ThunkPool {
    /// 4096 thunks of 48 bytes: 192 KiB at most per thread (256 kept:
    /// recursion_deep 203 M instructions, 4096: 198 M).
    static let capacity = 4096

    /// How many thunks this thread's pool holds.
    static var pooledCount: Int { swix_thunk_pool_address()!.pointee.count }

    /// A pending thunk of `node` (a lowered tree's, which outlives it) in `env`.
    @inline(__always)
    static func make(lowered node: Node, env: Env) -> Thunk {
        let pool = swix_thunk_pool_address()!
        guard let t = pool.pointee.head else { return Thunk(lowered: node, env: env) }
        let thunk = Unmanaged<Thunk>.fromOpaque(t).takeRetainedValue()
        pool.pointee.head = thunk.pooledNext
        pool.pointee.count -= 1
        thunk.reuse(lowered: node, env: env)
        return thunk
    }

    /// Takes over the thunk at `t` (an owned reference) if nothing else
    /// references it and the pool has room; false leaves it to the caller.
    @inline(__always)
    static func keep(_ t: UnsafeMutableRawPointer) -> Bool {
        let pool = swix_thunk_pool_address()!
        guard hasOneStrongReference(t), pool.pointee.count < capacity else { return false }
        let thunk = Unmanaged<Thunk>.fromOpaque(t)
        guard thunk._withUnsafeGuaranteedRef({ $0.state != .blackhole }) else { return false }
        thunk._withUnsafeGuaranteedRef { $0.clearForPool(next: { pool.pointee.head }) }
        pool.pointee.head = t
        pool.pointee.count += 1
        return true
    }
}

extension UnsafeMutablePointer where Pointee == Value {
    /// `destroyValue`, except that a thunk nothing else references goes to
    /// `ThunkPool` instead of being freed.
    @inline(__always)
    func destroyValueKeepingThunks() {
        let tag = UnsafePointer(self).tag
        if ValueLayout.holdsNoObject(tag) { return }
        if tag == ValueLayout.thunkTag { return destroyThunkKeepingIt() }
        _ = move()
    }

    /// The thunk case of `destroyValueKeepingThunks`, out of line: inlined, it
    /// made the loops over slots too large to inline where they run.
    @inline(never)
    private func destroyThunkKeepingIt() {
        if ThunkPool.keep(UnsafeMutableRawPointer(bitPattern: UnsafePointer(self).payload).unsafelyUnwrapped) { return }
        _ = move()
    }
}
