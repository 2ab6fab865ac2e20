#define _GNU_SOURCE
#include <pthread.h>
#include "swix_support.h"

#ifdef __linux__
#include <stdlib.h>
#include <string.h>

/* The calling thread's stack: its lowest address and size; 0 if unknown.
 * (pthread_getattr_np is a GNU extension that Swift's Glibc module does not expose.) */
static void *currentStack(size_t *size) {
    pthread_attr_t attr;
    void *addr = 0;
    *size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return 0;
    if (pthread_attr_getstack(&attr, &addr, size) != 0) {
        addr = 0;
        *size = 0;
    }
    pthread_attr_destroy(&attr);
    return addr;
}
#endif

uintptr_t swix_stack_low_bound(void) {
#ifdef __linux__
    size_t size;
    return (uintptr_t)currentStack(&size);
#else
    return 0;
#endif
}

/* Asks for transparent huge pages on the calling thread's stack. Deep recursion
 * (the evaluator's, 25,000 levels in recursion_deep) walks tens of megabytes of
 * stack up and down; in 4 KiB pages that is thousands of TLB entries, in 2 MiB
 * pages a handful: recursion_deep 1.5% and a 60,000-deep recursion 4.5% faster
 * (Benchmarks/README.md). The kernel's default mode ("madvise") gives huge pages
 * only where asked. Costs at most one 2 MiB page of memory for a shallow program.
 * `SWIX_HUGE_STACK=0` turns it off. */
void swix_stack_prefer_huge_pages(void) {
#ifdef __linux__
    const char *setting = getenv("SWIX_HUGE_STACK");
    if (setting && strcmp(setting, "0") == 0) return;
    size_t size;
    void *addr = currentStack(&size);
    if (addr && size != 0) swix_advise_huge_pages(addr, size);
#endif
}
