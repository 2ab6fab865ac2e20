/// Environments of finished calls, kept for the next call that needs one of the
/// same size instead of being freed and allocated again.
///
/// Why: environments are the objects evaluation makes most (37% of all objects
/// over the benchmarks, measured with callgrind), and most die when their call
/// returns, because nothing captured them (no closure, no thunk still pending).
/// Freeing one and allocating the next costs about 110 instructions
/// (`swift_allocObject`, `malloc`, the deinit chain, `free`); taking one from
/// here costs a uniqueness check and a few stores, and its memory is still in
/// the cache.
///
/// How: after a call, an environment that nothing else references (its count is
/// the caller's one) has its slots destroyed and its parent released, and joins
/// the list of environments of its size, linked through their `parent` fields.
/// A pooled environment's `count` is 0, so that its deinit (only ever run when
/// the pool is drained) destroys nothing. At most `capacity` are kept per size;
/// a captured environment is simply released as before.
struct EnvPool {
    /// The largest environment kept (function arguments, small `let`s).
    static let maxSlots = 8
    /// Environments kept per size: a recursion that unwinds returns one per
    /// level, and the next descent takes them back (recursion_deep: 64 kept
    /// 205 M instructions, 1024 kept 203 M); pooled ones hold nothing, so the
    /// most this keeps is about a megabyte.
    static let capacity = 1024

    /// The first pooled environment of each size (index: slot count), an owned
    /// reference; each links to the next through its parent field.
    private let heads: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    private let counts: UnsafeMutablePointer<Int>

    init() {
        heads = .allocate(capacity: EnvPool.maxSlots + 1)
        heads.initialize(repeating: nil, count: EnvPool.maxSlots + 1)
        counts = .allocate(capacity: EnvPool.maxSlots + 1)
        counts.initialize(repeating: 0, count: EnvPool.maxSlots + 1)
    }

    /// A pooled environment of `size` slots (uninitialised) under `parent`, or
    /// nil when none is kept.
    @inline(__always)
    func take(size: Int, parent: Env?, isWith: Bool = false) -> Env? {
        guard size <= EnvPool.maxSlots, let e = heads[size] else { return nil }
        let parentField = e + Env.parentOffset
        heads[size] = parentField.load(as: UnsafeMutableRawPointer?.self)
        counts[size] -= 1
        parentField.storeBytes(of: parent.map { nonatomicallyRetained($0).toOpaque() }, as: UnsafeMutableRawPointer?.self)
        (e + Env.countOffset).storeBytes(of: Int32(size), as: Int32.self)
        (e + Env.isWithOffset).storeBytes(of: isWith, as: Bool.self)
        return Unmanaged<Env>.fromOpaque(e).takeRetainedValue()
    }

    /// Keeps `env`, whose call has returned, if nothing but the caller's
    /// reference holds it: that reference, given up by the caller (`consuming`),
    /// becomes the pool's (a retain for the pool and the caller's release, two
    /// runtime calls per call, were the same count kept).
    @inline(__always)
    func recycle(_ env: consuming Env) {
        let e = Unmanaged.passUnretained(env).toOpaque()
        guard hasOneStrongReference(e) else { return }
        let size = Int(e.load(fromByteOffset: Env.countOffset, as: Int32.self))
        guard size <= EnvPool.maxSlots, counts[size] < EnvPool.capacity else { return }
        let slots = (e + Env.slotsOffset).assumingMemoryBound(to: Value.self)
        for i in 0..<size { (slots + i).destroyValueKeepingThunks() }
        (e + Env.countOffset).storeBytes(of: 0, as: Int32.self)
        let parentField = e + Env.parentOffset
        let parent = parentField.load(as: UnsafeMutableRawPointer?.self)
        parentField.storeBytes(of: heads[size], as: UnsafeMutableRawPointer?.self)
        heads[size] = Unmanaged.passRetained(env).toOpaque()
        counts[size] += 1
        // Last: releasing the parent may free other environments (not this one).
        if let parent { nonatomicRelease(parent) }
    }

    /// Frees the pooled environments and the pool (when the evaluator goes).
    func drain() {
        for size in 0...EnvPool.maxSlots {
            while let e = heads[size] {
                let parentField = e + Env.parentOffset
                heads[size] = parentField.load(as: UnsafeMutableRawPointer?.self)
                parentField.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
                nonatomicRelease(e)
            }
        }
        heads.deallocate()
        counts.deallocate()
    }
}
