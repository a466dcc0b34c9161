/* Runs alongside the faulting tasks and finishes last: the kernel must still be
 * scheduling it after every fault. */
#include "tap.h"
#include <stdint.h>

static inline uint64_t rdtime(void) { uint64_t t; asm volatile("rdtime %0" : "=r"(t)); return t; }

int main(void *bootinfo)
{
    (void)bootinfo;
    uint64_t seen = 0, last = rdtime();
    for (uint64_t i = 0; i < 100000000ull && seen < 10; i++) {
        uint64_t now = rdtime();
        if (now - last >= 1000) seen++;    /* other tasks ran in between */
        last = now;
    }
    CHECK(seen >= 10, "survivor: still scheduled after the other tasks ran and faulted");
    return 0;
}
