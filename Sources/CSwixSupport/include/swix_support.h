#ifndef SWIX_SUPPORT_H
#define SWIX_SUPPORT_H
#include <stdint.h>

/// Lowest address of the calling thread's stack, or 0 if unknown.
uintptr_t swix_stack_low_bound(void);

#endif
