/* Kernel micro-benchmarks, measured from user mode with rdinstret (scounteren.IR is
 * set by the kernel). Each figure is the minimum over many runs minus the cost of the
 * measurement itself, so it counts kernel entry to exit plus the trap instructions.
 * Output: "bench: <key> <instructions> <description>" lines for tools/bench. */
#include <stdio.h>
#include <stdint.h>
#include <k/syscall.h>

#define RUNS 200

static inline uint64_t rdinstret(void)
{
    uint64_t v;
    asm volatile("rdinstret %0" : "=r"(v));
    return v;
}

/* Cost of two back-to-back reads: subtracted from every figure. */
static uint64_t overhead(void)
{
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < RUNS; i++) {
        uint64_t a = rdinstret();
        uint64_t b = rdinstret();
        if (b - a < best) best = b - a;
    }
    return best;
}

static uint64_t bench_yield(uint64_t ovh)
{
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < RUNS; i++) {
        uint64_t a = rdinstret();
        k_yield();
        uint64_t b = rdinstret();
        if (b - a < best) best = b - a;
    }
    return best - ovh;
}

/* Spin reading instret; an iteration that took far longer than the loop itself was
 * interrupted by the timer. The excess is the kernel's timer path. */
static uint64_t bench_timer_irq(void)
{
    uint64_t loop = UINT64_MAX, best = UINT64_MAX;
    int seen = 0;
    uint64_t last = rdinstret();
    for (uint64_t i = 0; i < 2000000000ull && seen < 20; i++) {
        uint64_t now = rdinstret();
        uint64_t d = now - last;
        last = now;
        if (d < loop) loop = d;
        if (loop != UINT64_MAX && d > loop + 50) {
            if (d - loop < best) best = d - loop;
            seen++;
        }
    }
    return seen ? best : 0;
}

int main(void *bootinfo)
{
    (void)bootinfo;
    uint64_t ovh = overhead();
    printf("bench: null_syscall %lu seL4_Yield with no other runnable thread, user ecall to user return\n",
           bench_yield(ovh));
    printf("bench: timer_irq %lu timer interrupt entry + exit back to the same thread (includes re-arming the SBI timer)\n",
           bench_timer_irq());
    return 0;
}
