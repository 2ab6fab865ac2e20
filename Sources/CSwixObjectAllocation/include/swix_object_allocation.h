#ifndef SWIX_OBJECT_ALLOCATION_H
#define SWIX_OBJECT_ALLOCATION_H

#include <stddef.h>

/// Whether Swift objects are allocated and freed by the short path of
/// object_allocation.c (the program was linked with its `--wrap` options).
int swix_object_allocation_active(void);

/// Stops the program if the Swift runtime's object header is not the one the
/// short path writes and expects (checked on an object of the class with
/// `metadata` and instance size `size`, made by the runtime and released).
void swix_object_allocation_check(const void *metadata, size_t size);

/// Stops the program if releasing a reference through reference_counting.c's
/// short path does not leave the count the runtime's own release would
/// (`object`: a Swift object with one strong reference, which the check releases
/// last: the caller checks that the object was deinitialised).
void swix_reference_counting_check(void *object);

#endif
