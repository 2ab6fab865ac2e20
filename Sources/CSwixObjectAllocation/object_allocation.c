// A short path for allocating and freeing Swift objects.
//
// Why: the evaluator allocates and frees millions of small objects (thunks,
// environments, sets, strings, array storage). Each allocation went through
// swift_allocObject -> swift_slowAlloc -> malloc, and each deallocation through
// swift_deallocClassInstance -> swift_deallocObject -> swift_slowDealloc -> free:
// about 60 instructions of the runtime's own per object and lifetime (measured with
// callgrind on the benchmarks), on top of mimalloc's malloc and free. Those runtime
// layers check for cases the evaluator never has (instrumentation hooks, weak and
// unowned references, over-aligned types, Objective-C).
//
// How: the executable is linked with `--wrap=swift_allocObject` (and the two
// deallocation entry points), so every call to them from outside the runtime's own
// object file comes here. Allocation asks mimalloc directly and writes the object
// header as the runtime does (the metadata pointer, then the reference counts of a
// new object: strong count 1, unowned count 1, "pure Swift deallocation").
// Deallocation frees directly only an object in the one state the runtime would
// free at once as well: deinitialising, with no unowned references left and no side
// table; anything else takes the runtime's path. Both paths allocate from and free to
// the same malloc, so an object allocated by one may be freed by the other.
//
// The header constants are those of the Swift runtime's `RefCount.h` (64-bit);
// `swix_object_allocation_check` compares them with an object the runtime made
// when the program starts, and stops it if they differ.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "swix_object_allocation.h"

// mimalloc's entry points (weak: a program linked without the wrapping, tests for
// instance, has no mimalloc and never calls them).
extern void *mi_malloc(size_t size) __attribute__((weak));
extern void mi_free(void *p) __attribute__((weak));

// The runtime's functions, reachable under these names when the link wraps them
// (weak: without the `--wrap` options nothing here is called).
extern void *__real_swift_allocObject(const void *metadata, size_t size, size_t alignMask) __attribute__((weak));
extern void __real_swift_deallocClassInstance(void *object, size_t size, size_t alignMask) __attribute__((weak));
extern void __real_swift_deallocObject(void *object, size_t size, size_t alignMask) __attribute__((weak));

// Reference count bits of a newly allocated object: PureSwiftDealloc (bit 0) and an
// unowned count of 1 (bits 1-31).
static const uint64_t newObjectCounts = 3;
// The bits of an object whose last strong reference went away: the same, with
// IsDeiniting (bit 32) set.
static const uint64_t deinitingCounts = ((uint64_t)1 << 32) | 3;

extern void swift_release(void *object);

int swix_object_allocation_active(void) { return __real_swift_allocObject != 0; }

// The object `swix_object_allocation_check` makes, while it is being freed.
static void *probe;
static int probeFreedAtOnce;

// As the runtime does when malloc fails (out of line: the allocation path then
// keeps only the metadata across its call).
static __attribute__((noinline, noreturn)) void allocationFailed(void) {
    fputs("swix: out of memory\n", stderr);
    abort();
}

// (The paths below call mimalloc unconditionally: the link that wraps the runtime's
// entry points also links mimalloc, which `swix_object_allocation_check` verifies.)
void *__wrap_swift_allocObject(const void *metadata, size_t size, size_t alignMask) {
    // Only 8-byte alignment is asked of malloc, as the runtime does: mimalloc's
    // blocks of 24, 40, ... bytes are 8-byte aligned only, so types that need 16
    // (the runtime uses posix_memalign for them) take the runtime's path.
    if (alignMask > 7) return __real_swift_allocObject(metadata, size, alignMask);
    uint64_t *object = mi_malloc(size);
    if (__builtin_expect(!object, 0)) allocationFailed();
    object[0] = (uint64_t)(uintptr_t)metadata;
    object[1] = newObjectCounts;
    return object;
}

static inline int freedAtOnce(void *object) {
    if (((uint64_t *)object)[1] != deinitingCounts) return 0;
    if (__builtin_expect(object == probe, 0)) probeFreedAtOnce = 1;
    mi_free(object);
    return 1;
}

void __wrap_swift_deallocClassInstance(void *object, size_t size, size_t alignMask) {
    if (!freedAtOnce(object)) __real_swift_deallocClassInstance(object, size, alignMask);
}

void __wrap_swift_deallocObject(void *object, size_t size, size_t alignMask) {
    if (!freedAtOnce(object)) __real_swift_deallocObject(object, size, alignMask);
}

void swix_object_allocation_check(const void *metadata, size_t size) {
    if (!swix_object_allocation_active()) return;
    if (!mi_malloc || !mi_free) {
        fputs("swix: linked with --wrap=swift_allocObject but without mimalloc, which object_allocation.c calls\n", stderr);
        abort();
    }
    uint64_t *object = __real_swift_allocObject(metadata, size, 7);
    int headerAgrees = object[0] == (uint64_t)(uintptr_t)metadata && object[1] == newObjectCounts;
    probe = object;
    swift_release(object);   // deinitialises the object, whose class frees it through here
    probe = 0;
    if (!headerAgrees || !probeFreedAtOnce) {
        fprintf(stderr, "swix: this Swift runtime's object header differs from the one object_allocation.c writes "
                        "(new: %d, freed: %d); link swix without its --wrap options\n", headerAgrees, probeFreedAtOnce);
        abort();
    }
}
