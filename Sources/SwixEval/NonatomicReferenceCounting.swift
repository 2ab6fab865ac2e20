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
