/* What the benchmark programs share (test/posix/bench.c, test/fs/bench.c, the `bench`
 * utility): the hart's retired-instruction counter and the median of a set of samples.
 * rdinstret counts everything the hart runs (the program, the kernel, the servers), so
 * figures mean something on one hart under -icount shift=0 (docs/benchmarks.md). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static inline uint64_t bench_instret(void)
{
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));   /* the Zicntr counter (RISC-V unprivileged spec) */
    return v;
}

static inline int bench_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The median of v[0..n) (n > 0); v is left sorted. */
static inline uint64_t bench_median(uint64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, bench_cmp);
    return v[n / 2];
}
