// The page supply: a helper thread that faults in the heap's next pages before the
// evaluator reaches them.
//
// Why: touching fresh memory costs a page fault per 4 KiB page (the kernel allocates
// and zeroes it), about 1.5 µs each on the machines measured, so an evaluation that
// grows its heap to 300 MB spends a quarter of its time in the kernel (lazy_infinite:
// 74k faults, 0.24 s of 0.90 s; json_roundtrip 0.10 of 0.56 s). The cost itself cannot
// be avoided, but it need not be paid on the evaluator's thread: another core can
// populate the pages ahead of it (`MADV_POPULATE_WRITE`). Huge pages would make the
// faults 512 times rarer, but were measured to stall for hundreds of milliseconds at
// times (the kernel, or the hypervisor under it, backing 2 MiB at once).
//
// How: before the first allocation, a large address range (reserved, not backed) is
// handed to mimalloc as an arena, so the heap grows through it in address order. The
// range is cut into 2 MiB chunks; the helper leaves the first page of each chunk
// unpopulated as a sentinel. When the evaluator touches a chunk's sentinel (mincore
// says it became resident), it has started on that chunk, and the helper populates
// the next `lookahead` chunks. So the heap is populated at most a few MiB ahead of
// use (peak RSS grows by that much at most), and a short evaluation, which never
// reaches its first sentinel, costs nothing but the thread.
//
// The helper only ever populates (it never writes to the memory), so it cannot race
// with the allocator. If the heap leaves the arena's order, the evaluator simply
// takes its own faults again. `SWIX_PAGE_SUPPLY=0` turns the supply off; it runs in
// the `swix` executable only (`SWIX_PAGE_SUPPLY=1` starts it in other programs that
// link it).
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "swix_page_supply.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

// mimalloc's arena API, when the program is linked with mimalloc (weak: absent otherwise).
extern bool mi_manage_os_memory(void *start, size_t size, bool is_committed, bool is_large,
                                bool is_zero, int numa_node) __attribute__((weak));

enum { pageSize = 4096 };
static const size_t chunkSize = (size_t)2 << 20;
static const size_t lookahead = 2;
static const size_t arenaSize = (size_t)16 << 30;   // address space only
static char *arena;
static size_t chunkCount;
static int active;

int swix_page_supply_active(void) { return active; }

static bool sentinelTouched(size_t chunk) {
    unsigned char v = 0;
    return mincore(arena + chunk * chunkSize, pageSize, &v) == 0 && (v & 1);
}

/// Populates everything but the sentinel page; false if the kernel has no
/// `MADV_POPULATE_WRITE` (before Linux 5.14), when the helper has nothing to do.
static bool populate(size_t chunk) {
    int rc = madvise(arena + chunk * chunkSize + pageSize, chunkSize - pageSize, MADV_POPULATE_WRITE);
    return rc == 0 || errno != EINVAL;
}

static void *supply(void *unused) {
    (void)unused;
    size_t watched = 0;   // the first chunk whose sentinel has not been seen touched
    size_t next = 0;      // the first chunk not populated
    // Polled every 0.1 ms while the heap grows; backing off to every 50 ms while it
    // does not (an idle REPL, an evaluation working in memory it has).
    long pauseNanos = 100 * 1000;
    while (watched < chunkCount) {
        // The highest touched sentinel among the chunks populated so far (or the
        // next one): the heap's frontier.
        size_t limit = next < chunkCount ? next : chunkCount - 1;
        size_t frontier = SIZE_MAX;
        for (size_t c = limit + 1; c-- > watched;) {
            if (sentinelTouched(c)) { frontier = c; break; }
        }
        if (frontier == SIZE_MAX) {
            const struct timespec pause = { 0, pauseNanos };
            nanosleep(&pause, NULL);
            if (pauseNanos < 50 * 1000 * 1000) pauseNanos *= 2;
            continue;
        }
        pauseNanos = 100 * 1000;
        watched = frontier + 1;
        size_t target = frontier + 1 + lookahead;
        if (target > chunkCount) target = chunkCount;
        if (next <= frontier) next = frontier;   // the frontier's own chunk, then the ones after
        for (; next < target; next++) {
            if (!populate(next)) return NULL;
        }
    }
    return NULL;
}

__attribute__((constructor(101)))
static void startPageSupply(void) {
    if (!mi_manage_os_memory) return;
    // Only in the command-line tool (also when invoked as `nix-instantiate`), unless
    // asked for: a process that merely links this code (the test runner, which runs
    // many evaluators on many threads) keeps the allocator as it is.
    const char *setting = getenv("SWIX_PAGE_SUPPLY");
    if (setting && strcmp(setting, "0") == 0) return;
    bool asked = setting && strcmp(setting, "1") == 0;
    bool tool = strcmp(program_invocation_short_name, "swix") == 0
             || strcmp(program_invocation_short_name, "nix-instantiate") == 0;
    if (!asked && !tool) return;
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2) return;   // no other core to do it on
    // The arena reserves address space only, but a limit on address space would
    // count all of it: leave such processes alone.
    struct rlimit limit;
    if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur != RLIM_INFINITY) return;
    // mimalloc wants its arenas aligned to its segment size (32 MiB).
    const size_t align = (size_t)64 << 20;
    char *raw = mmap(NULL, arenaSize + align, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED) return;
    char *start = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
    if (!mi_manage_os_memory(start, arenaSize, true, false, true, -1)) {
        munmap(raw, arenaSize + align);
        return;
    }
    arena = start;
    chunkCount = arenaSize / chunkSize;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    pthread_t thread;
    if (pthread_create(&thread, &attr, supply, NULL) == 0) active = 1;
    pthread_attr_destroy(&attr);
}
