/* Cross-hart rows (issue 13): run when the bench image boots on two or more harts
 * (tools/bench: virt -smp 2, -icount shift=0, bootargs idle_poll_us=0).
 *
 * What a difference of two rdinstret readings is here: QEMU 7.2 under -icount runs
 * all harts in one host thread, round robin, and its instret is one clock every hart
 * advances. So two readings on hart 0 bracket what *all* harts retired in between.
 * The partner hart sleeps in wfi whenever it has nothing to do (no idle poll), and
 * every kernel wait for another hart is a wfi pause (arch/spin.h), which QEMU takes
 * as the end of the vCPU's turn: no hart spins while the other works. The figure is
 * then the work both harts do for the operation, user instruction to user
 * instruction, the IPIs' SBI calls and M-mode traps included. On a board the two
 * harts would overlap in time; these are instruction counts, not latencies.
 *
 * Every row has a one-hart twin measured the same way in the same run. Minimum of
 * RUNS, as in bench.c; a turn that happens to end inside an operation only makes
 * that run longer. */
#include "bench.h"

/* Fewer: each run waits twice for the other hart's turn of QEMU's round robin to end
 * (its thread spins in user mode until its time slice does). */
#define SHOOTDOWN_RUNS 50

static struct vspace svs;   /* the partner threads' address space */

static bool partner(struct thread *t, k_cptr_t ut, const char *name, child_fn fn, k_word_t a,
                    k_word_t b, struct vspace *in, unsigned node)
{
    return thread_new(t, ut, in, 0, name) == K_NO_ERROR &&
           thread_start(t, fn, a, b, 0, 255, false) == K_NO_ERROR &&
           k_tcb_set_affinity(t->tcb, node) == K_NO_ERROR &&
           k_tcb_resume(t->tcb) == K_NO_ERROR;
}

/* Call/ReplyRecv server for the round trips. */
static void c_rt_server(k_word_t ep, k_word_t unused1, k_word_t unused2, k_cptr_t self)
{
    (void)unused1; (void)unused2; (void)self;
    k_word_t m0 = 0;
    k_recv(ep, 0, &m0, 0, 0, 0);
    for (;;) {
        m0++;
        k_reply_recv(ep, k_msginfo_new(0, 0, 0, 1), 0, &m0, 0, 0, 0);
    }
}

/* Notification partner: waits on a, signals b. */
static void c_pingpong(k_word_t a, k_word_t b, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    for (;;) {
        k_wait(a);
        k_signal(b);
    }
}

/* Runs user code on its hart until stopped: a thread of our VSpace there, so the
 * hart may hold our translations and every unmap must reach it. */
static void c_spin(k_word_t idx, k_word_t unused1, k_word_t unused2, k_cptr_t self)
{
    (void)unused1; (void)unused2; (void)self;
    for (;;) S(idx)++;
}

/* Call round trip to a server on node: our ecall to our return. */
static uint64_t call_roundtrip(k_cptr_t ut, unsigned node)
{
    k_cptr_t ep = make_object(ut, K_ENDPOINT_OBJECT, 0);
    struct thread t = { 0 };
    uint64_t best = UINT64_MAX;
    if (!ep || !partner(&t, ut, "bench-rt", c_rt_server, ep, 0, &svs, node)) return 0;
    for (int i = 0; i < RUNS + 1; i++) {
        k_word_t m0 = (k_word_t)i;
        uint64_t t0 = rd();
        k_call(ep, k_msginfo_new(0, 0, 0, 1), &m0, 0, 0, 0);
        uint64_t t1 = rd();
        if (m0 != (k_word_t)i + 1) return 0;     /* not answered by the server */
        if (i) MIN(best, t1 - t0);               /* the first waits for it to start */
    }
    thread_free(&t);
    return best - ovh;
}

/* Signal a partner on node and wait for its signal back. */
static uint64_t signal_roundtrip(k_cptr_t ut, unsigned node)
{
    k_cptr_t a = make_object(ut, K_NOTIFICATION_OBJECT, 0), b = make_object(ut, K_NOTIFICATION_OBJECT, 0);
    struct thread t = { 0 };
    uint64_t best = UINT64_MAX;
    if (!a || !b || !partner(&t, ut, "bench-pp", c_pingpong, a, b, &svs, node)) return 0;
    for (int i = 0; i < RUNS + 1; i++) {
        uint64_t t0 = rd();
        k_signal(a);
        k_wait(b);
        uint64_t t1 = rd();
        if (i) MIN(best, t1 - t0);
    }
    thread_free(&t);
    return best - ovh;
}

/* Page_Unmap of a frame mapped in our VSpace; with spinner, while a thread of our
 * VSpace runs on node 1 (a remote flush each time), else with node 1 idle. */
static uint64_t unmap(k_cptr_t ut, bool spinner)
{
    static k_cptr_t frame;
    struct thread t = { 0 };
    uint64_t best = UINT64_MAX;
    if (!frame) {
        k_cptr_t l1, l2;
        frame = make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0);
        if (!frame || map_tables(ut, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, &l1, &l2) != K_NO_ERROR) return 0;
    }
    if (spinner) {
        S(8) = 0;
        if (!partner(&t, ut, "bench-spin", c_spin, 8, 0, 0, 1)) return 0;
        while (S(8) == 0) { }     /* it runs there (our turn ends, its begins) */
    }
    for (int i = 0; i < SHOOTDOWN_RUNS; i++) {
        if (k_riscv_page_map(frame, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, K_CAP_RIGHTS_ALL, 0)) return 0;
        *(volatile k_word_t *)SCRATCH_VA = (k_word_t)i;
        /* The map flushed there too, and the other hart, having answered, still
         * holds a ticket for the kernel lock: let it have its turn first (our Yield
         * waits behind it), so that the unmap finds the lock free. */
        k_yield();
        uint64_t t0 = rd();
        k_riscv_page_unmap(frame);
        uint64_t t1 = rd();
        MIN(best, t1 - t0);
    }
    if (spinner) {
        k_word_t seen = S(8);
        thread_free(&t);
        if (seen == 0) return 0;
    }
    return best - ovh;
}

static void row(const char *key, uint64_t v, const char *what)
{
    if (v) report(key, v, what);
    else printf("bench: setup failed for %s\n", key);
}

int bench_smp(void)
{
    k_cptr_t ut = untyped_at_least(22);
    if (!ut || vspace_new(&svs, ut, 0) != K_NO_ERROR) {
        printf("bench: cannot build the second address space\n");
        return 1;
    }
    printf("bench: %lu harts: cross-hart rows\n", (unsigned long)bi->num_nodes);
    row("smp_call_rt_1hart", call_roundtrip(ut, 0),
        "Call + ReplyRecv round trip to a server in another address space on the same hart: caller's ecall to its return (the twin of the next row)");
    row("smp_call_rt_2harts", call_roundtrip(ut, 1),
        "the same round trip to a server on the other hart: both harts' instructions, the two IPIs included");
    row("smp_signal_rt_1hart", signal_roundtrip(ut, 0),
        "Signal a notification a thread on the same hart waits on, Wait for its Signal back: signaller's first ecall to its Wait's return");
    row("smp_signal_rt_2harts", signal_roundtrip(ut, 1),
        "the same with the partner on the other hart (two remote wake-ups): both harts' instructions");
    row("smp_unmap_1hart", unmap(ut, false),
        "Page_Unmap in our VSpace with the other hart idle (it holds none of our translations: no remote flush)");
    row("smp_unmap_shootdown", unmap(ut, true),
        "Page_Unmap while a thread of our VSpace runs on the other hart: the remote flush (IPI, its sfence.vma, its answer) included");
    return 0;
}
