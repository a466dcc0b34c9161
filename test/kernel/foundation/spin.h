/* Two tasks of equal priority spin for a while reading the time CSR. If the kernel
 * preempts them, each sees gaps in time at least a time slice long while the other
 * one runs; without preemption one would finish before the other started. */
#include "tap.h"
#include <stdint.h>

static inline uint64_t rdtime(void) { uint64_t t; asm volatile("rdtime %0" : "=r"(t)); return t; }

static int spin(const char *name)
{
    uint64_t start = rdtime(), last = start, gaps = 0, longest = 0;
    uint64_t loops = 0;
    /* The timebase is 10 MHz on virt and 1 MHz on sifive_u; spin until we have seen
     * several long gaps, with an upper bound so a broken scheduler cannot hang us. */
    while (gaps < 5 && loops < 400000000ull) {
        uint64_t now = rdtime();
        uint64_t d = now - last;
        if (d > longest) longest = d;
        if (d >= 1000) gaps++;      /* >= 0.1 ms (virt) / 1 ms (sifive_u): someone else ran */
        last = now;
        loops++;
    }
    printf("%s: %lu gaps seen, longest %lu time units\n", name, gaps, longest);
    printf("%s - %s: preempted while spinning\n", gaps >= 5 ? "ok" : "not ok", name);
    return 0;
}
