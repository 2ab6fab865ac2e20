#define _GNU_SOURCE
#include <pthread.h>
#include "swix_support.h"

/* pthread_getattr_np is a GNU extension that Swift's Glibc module does not expose. */
uintptr_t swix_stack_low_bound(void) {
#ifdef __linux__
    pthread_attr_t attr;
    void *addr = 0;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return 0;
    if (pthread_attr_getstack(&attr, &addr, &size) != 0) addr = 0;
    pthread_attr_destroy(&attr);
    return (uintptr_t)addr;
#else
    return 0;
#endif
}
