/* What the benchmark files share: the reading, the loop count, the report line. */
#pragma once
#include "thread_util.h"

#define RUNS 200
#define S(i) shared.word[i]
#define MIN(m, v) do { uint64_t v_ = (v); if (v_ < (m)) (m) = v_; } while (0)

static inline uint64_t rd(void)
{
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

extern uint64_t ovh;    /* two back-to-back readings: subtracted from every figure */
void report(const char *key, uint64_t v, const char *what);

/* bench_smp.c: the cross-hart rows, when the image boots on more than one hart. */
int bench_smp(void);
