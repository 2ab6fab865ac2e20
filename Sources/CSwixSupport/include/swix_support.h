#ifndef SWIX_SUPPORT_H
#define SWIX_SUPPORT_H
#include <stdint.h>

/// Lowest address of the calling thread's stack, or 0 if unknown.
uintptr_t swix_stack_low_bound(void);

/* Transparent huge pages for the calling thread's stack (stack.c). */
void swix_stack_prefer_huge_pages(void);

/// `snprintf(buf, size, "%g", value)`: C++'s default `ostream << double`.
/// (A C function, because Swift cannot call variadic C functions without boxing.)
int swix_format_g(char *buf, unsigned long size, double value);

/// Asks the kernel to back the 2 MiB-aligned interior of [p, p+len) with huge pages
/// (fewer page faults for large, freshly allocated buffers). A hint: errors are ignored.
void swix_advise_huge_pages(void *p, unsigned long len);

/// A thread's list of reusable objects (SwixEval's `ThunkPool`): the first one and
/// how many there are. Thread-local, because evaluators on different threads (the
/// test runner's) must not share it, and read inline: `initial-exec` makes the
/// access two instructions (the variable lives in the executable's static TLS).
struct swix_object_pool {
    void *head;
    long count;
};
extern __thread struct swix_object_pool swix_thunk_pool __attribute__((tls_model("initial-exec")));

static inline struct swix_object_pool *swix_thunk_pool_address(void) { return &swix_thunk_pool; }

#endif
