// Short paths for releasing and retaining a reference.
//
// Why: the evaluator (compiled with non-atomic reference counting) releases a
// reference several million times a second, nearly always one that is not the
// last. The runtime's `swift_nonatomic_release` spends ~20 instructions on that
// case (a stack frame, a mask test for its "common" object state, a second test
// for the last reference); the test below needs one comparison, because a single
// signed comparison of the count word covers both conditions.
//
// How: the executable is linked with `--wrap=swift_nonatomic_release` (and
// `--wrap=swift_nonatomic_retain`), so the calls from the evaluator come here.
// The count word of a Swift object (64-bit, the runtime's `RefCount.h`) holds the
// strong extra count in bits 33-62 and `UseSlowRC` in bit 63 (side table or
// immortal object). A word that is non-negative and at least 1 << 33 is an inline
// count with at least one extra strong reference: the release only subtracts
// 1 << 33, as the runtime would.
// The last reference of an object in the runtime's common state (no side table,
// one unowned reference: the word is 2 or 3, "pure Swift deallocation" being bit
// 0) marks the object as deinitialising (bit 32) and hands it to the runtime's
// `_swift_release_dealloc`, as the runtime's own release does after its checks.
// An immortal object is left alone, as the runtime leaves it. Everything else (a
// side table, unowned references) goes to the runtime's release.
// `swix_reference_counting_check` compares this with the runtime's own counts when
// the program starts.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "swix_object_allocation.h"

extern void __real_swift_nonatomic_release(void *object) __attribute__((weak));
extern void *__real_swift_nonatomic_retain(void *object) __attribute__((weak));
extern void *swift_nonatomic_retain(void *object);
extern void swift_nonatomic_release(void *object);
extern size_t swift_retainCount(void *object);
// Not exported by the runtime's shared library (debug builds, tests): there the
// last reference takes the runtime's release.
extern void _swift_release_dealloc(void *object) __attribute__((weak));

// One strong reference, in the count word.
static const int64_t oneStrongReference = (int64_t)1 << 33;
// The bits that must read `commonState` for an object to be freed here: UseSlowRC
// (bit 63) and the unowned count (bits 1-31), which must be 1.
static const uint64_t commonStateMask = 0x80000000fffffffeull;
static const uint64_t commonState = 2;
static const uint64_t isDeiniting = (uint64_t)1 << 32;

// An immortal object is left unchanged (the runtime's test: its count word has the
// low half all ones), anything else goes to the runtime. (Out of line, so that the
// common path stays one add to memory.)
static __attribute__((noinline)) void *retainOutsideCommonState(void *object) {
    if ((uint32_t)((uint64_t *)object)[1] == 0xffffffffu) return object;
    return __real_swift_nonatomic_retain(object);
}

// A retain adds 1 << 33 unless the sum turns negative (a side table, an immortal
// object, or an overflowing count): the runtime's own test, in 8 instructions
// where its entry point takes 10.
void *__wrap_swift_nonatomic_retain(void *object) {
    if ((intptr_t)object <= 0) return object;
    // (Unsigned: the sum may carry into bit 63, which a signed sum may not.)
    uint64_t *counts = (uint64_t *)object + 1;
    uint64_t bits = *counts + (uint64_t)oneStrongReference;
    if (__builtin_expect((int64_t)bits < 0, 0)) return retainOutsideCommonState(object);
    *counts = bits;
    return object;
}

void __wrap_swift_nonatomic_release(void *object) {
    // The runtime ignores null (and, as here, any address it reads as negative).
    if ((intptr_t)object <= 0) return;
    int64_t *counts = (int64_t *)object + 1;
    int64_t bits = *counts;
    if (bits >= oneStrongReference) {
        *counts = bits - oneStrongReference;
        return;
    }
    if (((uint64_t)bits & commonStateMask) == commonState && _swift_release_dealloc) {
        *counts = bits | isDeiniting;
        _swift_release_dealloc(object);
        return;
    }
    // An immortal object (the empty array's storage, which every empty array and
    // every array about to grow releases). The runtime's test, exactly: outside its
    // common state, a word that turns negative when one reference is taken off and
    // has its low half all ones is left unchanged; so it is here, without the
    // runtime's ~25 instructions.
    if ((int64_t)((uint64_t)bits - (uint64_t)oneStrongReference) < 0 && (uint32_t)bits == 0xffffffffu) return;
    __real_swift_nonatomic_release(object);
}

void swix_reference_counting_check(void *object) {
    if (!__real_swift_nonatomic_release) {
        // Not wrapped: nothing to check; the object is released all the same.
        swift_nonatomic_release(object);
        return;
    }
    // `object` has one strong reference, which this takes over. Two more retains
    // and two releases through the short paths must leave the runtime's count at 3
    // and then at 1; the last release deinitialises the object (the caller checks
    // that it did).
    size_t before = swift_retainCount(object);
    swift_nonatomic_retain(object);
    swift_nonatomic_retain(object);
    size_t raised = swift_retainCount(object);
    swift_nonatomic_release(object);
    swift_nonatomic_release(object);
    size_t after = swift_retainCount(object);
    if (before != 1 || raised != 3 || after != 1) {
        fprintf(stderr, "swix: this Swift runtime's reference counts differ from the ones reference_counting.c "
                        "expects (%zu, %zu, %zu); link swix without --wrap=swift_nonatomic_release/retain\n",
                before, raised, after);
        abort();
    }
    swift_nonatomic_release(object);
}
