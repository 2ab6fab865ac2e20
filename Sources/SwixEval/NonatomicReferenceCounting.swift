/// The runtime's non-atomic retain and release, for references managed by hand.
///
/// This module is compiled with `-assume-single-threaded`, which makes the
/// compiler's own retains and releases non-atomic, but not those of
/// `Unmanaged.retain()`, `passRetained` and `release()`: they stay the atomic
/// `swift_retain`/`swift_release` (a locked instruction each; measured: 3 M of
/// them over the reduced benchmarks once `EnvPool` used them). These are the same
/// runtime entry points the compiler calls for this module's own objects.
@_silgen_name("swift_nonatomic_retain")
@discardableResult
func nonatomicRetain(_ object: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer

@_silgen_name("swift_nonatomic_release")
func nonatomicRelease(_ object: UnsafeMutableRawPointer)

/// `Unmanaged.passRetained(object)`, counted non-atomically.
@inline(__always)
func nonatomicallyRetained<T: AnyObject>(_ object: T) -> Unmanaged<T> {
    Unmanaged.fromOpaque(nonatomicRetain(Unmanaged.passUnretained(object).toOpaque()))
}

/// Whether the object at `object` has exactly one strong reference: the reference
/// count word's upper half (strong extra count, deiniting and side-table bits) is
/// zero. Read directly: `isKnownUniquelyReferenced` needs the reference moved into
/// a variable, which cost a retain and a release around it (and a runtime call).
/// The layout is checked when the evaluator starts (`Env.checkLayout`). The
/// pools (`EnvPool`, `ThunkPool`) take over only objects this says are unshared.
@inline(__always)
func hasOneStrongReference(_ object: UnsafeMutableRawPointer) -> Bool {
    object.load(fromByteOffset: 8, as: UInt64.self) >> 32 == 0
}
