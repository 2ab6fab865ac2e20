#include <stdint.h>
#include <sys/mman.h>
#include "swix_support.h"

void swix_advise_huge_pages(void *p, unsigned long len) {
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = 2u << 20;
    uintptr_t start = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)p + len) & ~(huge - 1);
    if (end > start) madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)p; (void)len;
#endif
}

__thread struct swix_object_pool swix_thunk_pool __attribute__((tls_model("initial-exec")));
