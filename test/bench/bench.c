/* Kernel micro-benchmarks, measured from user mode with rdinstret (the kernel sets
 * scounteren.IR). instret counts every instruction the hart retires, in any mode and
 * any thread, so a reading taken in one thread and one taken in another after a
 * switch measure the kernel path between them. Each figure is the minimum over many
 * runs minus the cost of two back-to-back readings; it counts from the user
 * instruction before the trap to the user instruction after the return, in whichever
 * thread that is. Output: "bench: <key> <instructions> <description>" lines. */
#include "bench.h"

uint64_t ovh;

static uint64_t overhead(void)
{
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < RUNS; i++) {
        uint64_t a = rd();
        uint64_t b = rd();
        if (b - a < best) best = b - a;
    }
    return best;
}

void report(const char *key, uint64_t v, const char *what)
{
    printf("bench: %s %lu %s\n", key, v, what);
}

/* Call or ReplyRecv (sysno) with instret read right before and right after the ecall,
 * so the difference between a reading before one thread's ecall and one after another
 * thread's ecall is the kernel path alone (entry to exit, plus the ecall), comparable
 * with seL4's "kernel entry to exit" figures. Register-only messages. */
static inline k_word_t ipc_timed(long sysno, k_cptr_t ep, k_word_t info, k_word_t m0,
                                 uint64_t *before, uint64_t *after)
{
    register k_word_t a0 __asm__("a0") = ep;
    register k_word_t a1 __asm__("a1") = info;
    register k_word_t a2 __asm__("a2") = m0;
    register k_word_t a3 __asm__("a3") = 0, a4 __asm__("a4") = 0, a5 __asm__("a5") = 0;
    register long a7 __asm__("a7") = sysno;
    uint64_t t0, t1;
    __asm__ volatile("rdinstret %[t0]\n\tecall\n\trdinstret %[t1]"
                     : [t0] "=&r"(t0), [t1] "=&r"(t1), "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3),
                       "+r"(a4), "+r"(a5)
                     : "r"(a7) : "memory");
    *before = t0;
    *after = t1;
    return a2;
}

/* --- kernel entry and exit -------------------------------------------------------- */

static void bench_null_syscall(void)
{
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < RUNS; i++) {
        uint64_t a = rd();
        k_yield();
        uint64_t b = rd();
        MIN(best, b - a);
    }
    report("null_syscall", best - ovh, "seL4_Yield with no other runnable thread, user ecall to user return");
}

static void bench_timer_irq(void)
{
    /* Spin reading instret; an iteration far longer than the loop was interrupted by
     * the timer, and the excess is the kernel's timer path. */
    uint64_t loop = UINT64_MAX, best = UINT64_MAX;
    int seen = 0;
    uint64_t last = rd();
    for (uint64_t i = 0; i < 2000000000ull && seen < 20; i++) {
        uint64_t now = rd();
        uint64_t d = now - last;
        last = now;
        if (d < loop) loop = d;
        if (loop != UINT64_MAX && d > loop + 50) {
            MIN(best, d - loop);
            seen++;
        }
    }
    report("timer_irq", seen ? best : 0, "timer interrupt entry + exit back to the same thread, re-arming the timer (stimecmp on virt, which has Sstc)");
}

/* --- children (in their own address space; they touch only `shared`) ------------- */

/* Call/ReplyRecv server: S(1) = instret right after the call arrived (its ecall
 * returned), S(2) = right before its ReplyRecv's ecall. */
static void c_server(k_word_t ep, k_word_t len, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    k_word_t m0 = 0;
    k_recv(ep, 0, &m0, 0, 0, 0);
    S(1) = rd();
    for (;;) {
        uint64_t before, after;
        m0 = ipc_timed(SYS_REPLY_RECV, ep, k_msginfo_new(0, 0, 0, len), m0 + 1, &before, &after);
        S(2) = before;
        S(1) = after;
    }
}

/* One-way receiver: S(3) = arrival. */
static void c_receiver(k_word_t ep, k_word_t unused1, k_word_t unused2, k_cptr_t self)
{
    (void)unused1; (void)unused2; (void)self;
    for (;;) {
        k_recv(ep, 0, 0, 0, 0, 0);
        S(3) = rd();
    }
}

/* Notification waiter: S(4) = wake-up. */
static void c_waiter(k_word_t ntfn, k_word_t unused1, k_word_t unused2, k_cptr_t self)
{
    (void)unused1; (void)unused2; (void)self;
    for (;;) {
        k_wait(ntfn);
        S(4) = rd();
    }
}

/* Faulter: S(5) = just before the illegal instruction, S(6) = resumed after it. */
static void c_faulter(k_word_t unused0, k_word_t unused1, k_word_t unused2, k_cptr_t self)
{
    (void)unused0; (void)unused1; (void)unused2; (void)self;
    for (;;) {
        S(5) = rd();
        __asm__ volatile(".word 0");
        S(6) = rd();
    }
}

/* Yield partner: S(7) = when it runs. */
static void c_yielder(k_word_t unused0, k_word_t unused1, k_word_t unused2, k_cptr_t self)
{
    (void)unused0; (void)unused1; (void)unused2; (void)self;
    for (;;) {
        S(7) = rd();
        k_yield();
    }
}

/* --- benchmarks with a second address space ------------------------------------------ */

static struct vspace vs;

static bool child(struct thread *t, k_cptr_t ut, const char *name, child_fn fn, k_word_t a,
                  k_word_t b, k_word_t prio, k_cptr_t fault_ep)
{
    if (thread_new(t, ut, &vs, 0, name) != K_NO_ERROR) return false;
    if (fault_ep && k_tcb_set_space(t->tcb, fault_ep, ROOT, 0, vs.root, 0) != K_NO_ERROR) return false;
    return thread_start(t, fn, a, b, 0, prio, true) == K_NO_ERROR;
}

static void bench_ipc_call(k_cptr_t ut, k_word_t len, const char *call_key, const char *rr_key)
{
    k_cptr_t ep = make_object(ut, K_ENDPOINT_OBJECT, 0);
    struct thread t = { 0 };
    if (!ep || !child(&t, ut, "bench-server", c_server, ep, len, 255, 0)) {
        printf("bench: setup failed for %s\n", call_key);
        return;
    }
    k_yield();   /* the server reaches its Recv */
    uint64_t call = UINT64_MAX, rr = UINT64_MAX;
    struct k_ipc_buffer *b = k_ipc_buffer();
    for (unsigned i = 4; i < len; i++) b->msg[i] = i;
    uint64_t prev_back = 0;
    for (int i = 0; i < RUNS; i++) {
        /* The server records when its ReplyRecv for round i-1 started only when that
         * ReplyRecv returns with our round-i call: pair it with round i-1's return. */
        uint64_t t0, back;
        ipc_timed(SYS_CALL, ep, k_msginfo_new(0, 0, 0, len), i, &t0, &back);
        MIN(call, S(1) - t0);
        if (i) MIN(rr, prev_back - S(2));
        prev_back = back;
    }
    if (len <= 4) {
        report(call_key, call - 1, "Call of a short message to a server waiting in another address space: kernel entry to exit (the ecall to the server's next instruction)");
        report(rr_key, rr - 1, "ReplyRecv answering it: kernel entry to exit (the server's ecall to the caller's next instruction)");
    } else {
        report(call_key, call - 1, "Call with a 10-word message (6 words through the IPC buffers): general path, same measure");
        report(rr_key, rr - 1, "ReplyRecv answering with 10 words: general path, same measure");
    }
    thread_free(&t);
}

static void bench_send_signal_fault_yield(k_cptr_t ut)
{
    /* We run below the children here (254 < 255), so waking one switches to it at once. */
    k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, 254);

    k_cptr_t ep = make_object(ut, K_ENDPOINT_OBJECT, 0), n = make_object(ut, K_NOTIFICATION_OBJECT, 0);
    struct thread r = { 0 }, w = { 0 };
    if (!child(&r, ut, "bench-recv", c_receiver, ep, 0, 255, 0) ||
        !child(&w, ut, "bench-wait", c_waiter, n, 0, 255, 0)) {
        printf("bench: setup failed for send/signal\n");
        return;
    }
    uint64_t send = UINT64_MAX, sig = UINT64_MAX;
    for (int i = 0; i < RUNS; i++) {
        uint64_t t0 = rd();
        k_send(ep, k_msginfo_new(0, 0, 0, 1), i, 0, 0, 0);
        MIN(send, S(3) - t0);
        t0 = rd();
        k_signal(n);
        MIN(sig, S(4) - t0);
    }
    report("ipc_send", send - ovh, "one-way Send to a higher-priority thread waiting in another address space, sender's ecall to receiver's return");
    report("ntfn_signal", sig - ovh, "Signal of a notification a higher-priority thread waits on, signaller's ecall to waiter's return");
    thread_free(&r);
    thread_free(&w);

    /* Faults: we are the handler, waiting in ReplyRecv; the faulter runs above us. */
    k_cptr_t fep = make_object(ut, K_ENDPOINT_OBJECT, 0);
    struct thread f = { 0 };
    if (!fep || !child(&f, ut, "bench-faulter", c_faulter, 0, 0, 255, fep)) {
        printf("bench: setup failed for faults\n");
        return;
    }
    uint64_t deliver = UINT64_MAX, resume = UINT64_MAX;
    k_word_t m0, m1, m2, m3;
    k_recv(fep, 0, &m0, &m1, &m2, &m3);
    for (int i = 0; i < RUNS; i++) {
        uint64_t t1 = rd();
        MIN(deliver, t1 - S(5));
        /* Resume after the illegal instruction: FaultIP + 4, SP unchanged. */
        m0 += 4;
        uint64_t t2 = rd();
        k_reply_recv(fep, k_msginfo_new(0, 0, 0, 2), 0, &m0, &m1, &m2, &m3);
        MIN(resume, S(6) - t2);
    }
    report("fault_delivery", deliver - ovh, "user exception to the handler waiting on the fault endpoint, faulting instruction to handler's return");
    report("fault_reply", resume - ovh, "handler's ReplyRecv resuming the faulter with a new pc, handler's ecall to faulter's next instruction");
    thread_free(&f);
    k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, 255);

    /* Yield ping-pong with a thread of our priority in the other address space. */
    struct thread y = { 0 };
    if (!child(&y, ut, "bench-yield", c_yielder, 0, 0, 255, 0)) return;
    k_yield();
    uint64_t sw = UINT64_MAX;
    for (int i = 0; i < RUNS; i++) {
        uint64_t t0 = rd();
        k_yield();
        MIN(sw, S(7) - t0);
    }
    report("context_switch", sw - ovh, "seL4_Yield to a thread of equal priority in another address space, ecall to its return");
    thread_free(&y);
}

/* --- interrupts off ---------------------------------------------------------------- */

/* The kernel runs with interrupts off; long operations look at the pending bits at
 * preemption points. Armed by DebugPreemptStats, the kernel records the longest run of
 * instructions within an invocation between its start, each look that found nothing
 * pending, and its end (after a stop: after handling the interrupt). What it cannot
 * see, the trap entry before the invocation starts and the exit after it ends, is
 * measured here on a trivial invocation and added. */
static uint64_t irqoff_edges;

static uint64_t irqoff_run(const char *key, const char *what, k_word_t (*op)(k_word_t), k_word_t arg)
{
    k_debug_preempt_stats(1);
    k_word_t p0 = k_debug_preempt_stats(0).preemptions;
    uint64_t t0 = rd();
    k_word_t err = op(arg);
    uint64_t t1 = rd();
    struct k_preempt_stats st = k_debug_preempt_stats(2);
    if (err) printf("bench: %s failed: error %lu\n", key, err);
    printf("bench: %s %lu %s: %lu instructions in all, %lu preemptions, %lu looks at pending interrupts\n",
           key, (unsigned long)(st.longest + irqoff_edges), what, (unsigned long)(t1 - t0),
           st.preemptions - p0, st.looks);
    return st.longest + irqoff_edges;
}

static k_cptr_t irq_ut, irq_cn, irq_ep, irq_dst;
static k_word_t op_retype(k_word_t bits)
{
    return k_untyped_retype(irq_ut, K_UNTYPED_OBJECT, bits, ROOT, 0, 0, irq_dst, 1);
}
static k_word_t op_retype_tcbs(k_word_t n)
{
    return k_untyped_retype(irq_ut, K_TCB_OBJECT, 0, ROOT, 0, 0, irq_dst, n);
}
static k_word_t op_revoke(k_word_t cap) { return k_cnode_revoke(ROOT, cap, ROOT_DEPTH); }
static k_word_t op_delete(k_word_t cap) { return k_cnode_delete(ROOT, cap, ROOT_DEPTH); }

static void bench_irqoff(void)
{
    /* Entry and exit around an invocation the kernel does not see: a CNode_Delete of
     * an empty slot, timed from here minus the kernel's own figure for it. */
    k_cptr_t empty = slot_alloc();
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < RUNS; i++) {
        k_debug_preempt_stats(1);
        uint64_t t0 = rd();
        k_cnode_delete(ROOT, empty, ROOT_DEPTH);
        uint64_t t1 = rd();
        uint64_t inside = k_debug_preempt_stats(2).longest;
        MIN(best, t1 - t0 - ovh - inside);
    }
    irqoff_edges = best;

    /* (a) The largest untyped, fresh from boot (so all of it is zeroed first), retyped
     * as one untyped of its full size. */
    irq_ut = untyped_at_least(20);
    unsigned bits = bi->untyped_list[irq_ut - bi->untyped.start].size_bits;
    irq_dst = slot_alloc();
    printf("bench: largest untyped: %u MiB\n", 1u << (bits - 20));
    uint64_t worst = irqoff_run("irqoff_retype", "Untyped_Retype of the largest untyped (all of it zeroed first) as one untyped",
                                op_retype, bits);
    k_cnode_revoke(ROOT, irq_ut, ROOT_DEPTH);

    /* (b) 100,000 copies of an endpoint cap, revoked through the original. */
    irq_cn = make_object(irq_ut, K_CAPTABLE_OBJECT, 20);
    irq_ep = make_object(irq_ut, K_ENDPOINT_OBJECT, 0);
    k_cptr_t cn2 = make_object(irq_ut, K_CAPTABLE_OBJECT, 17);
    if (!irq_cn || !irq_ep || !cn2) { printf("bench: irqoff setup failed\n"); return; }
    for (k_word_t i = 0; i < 100000; i++) k_cnode_copy(cn2, i, 17, ROOT, irq_ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL);
    uint64_t w = irqoff_run("irqoff_revoke", "CNode_Revoke of an endpoint with 100,000 derived caps", op_revoke, irq_ep);
    if (w > worst) worst = w;

    /* (c) A CNode of 2^20 slots, 100,000 of them holding caps, deleted through its
     * only cap (every slot is visited). */
    for (k_word_t i = 0; i < 100000; i++)
        k_cnode_copy(irq_cn, i * 10, 20, ROOT, irq_ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL);
    w = irqoff_run("irqoff_delete", "CNode_Delete of the only cap to a CNode of 2^20 slots, 100,000 of them holding caps",
                   op_delete, irq_cn);
    if (w > worst) worst = w;
    /* (d) The most objects one retype makes: 256 TCBs (the fan-out limit), from an
     * untyped that keeps a child, so nothing is zeroed: object creation alone. */
    k_cnode_revoke(ROOT, irq_ut, ROOT_DEPTH);
    k_cptr_t keep = make_object(irq_ut, K_ENDPOINT_OBJECT, 0);
    irq_dst = slot_alloc_range(256);
    w = irqoff_run("irqoff_retype_256", "Untyped_Retype of 256 TCBs at once (the fan-out limit)", op_retype_tcbs, 256);
    if (w > worst) worst = w;
    (void)keep;
    report("irqoff_longest", worst, "the longest of the above: instructions the kernel runs without looking at interrupts");
    k_cnode_revoke(ROOT, irq_ut, ROOT_DEPTH);
    slot_free(empty);
}

static void bench_map_unmap(k_cptr_t ut)
{
    k_cptr_t frame = make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0), l1, l2;
    if (!frame || map_tables(ut, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, &l1, &l2) != K_NO_ERROR) {
        printf("bench: setup failed for map\n");
        return;
    }
    uint64_t map = UINT64_MAX, unmap = UINT64_MAX;
    for (int i = 0; i < RUNS; i++) {
        uint64_t t0 = rd();
        k_riscv_page_map(frame, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, K_CAP_RIGHTS_ALL, 0);
        uint64_t t1 = rd();
        k_riscv_page_unmap(frame);
        uint64_t t2 = rd();
        MIN(map, t1 - t0);
        MIN(unmap, t2 - t1);
    }
    report("page_map", map - ovh, "RISCVPage_Map of a 4 KiB frame into our VSpace (page tables present), through libk's wrapper");
    report("page_unmap", unmap - ovh, "RISCVPage_Unmap of it, through libk's wrapper");
}

int main(void *bootinfo)
{
    env_init(bootinfo);
    ovh = overhead();
    /* tools/bench boots this image twice: on one hart for the table's single-hart
     * rows, and on two for the cross-hart rows (bench_smp.c). */
    if (bi->num_nodes > 1) return bench_smp();
    bench_irqoff();
    bench_null_syscall();
    bench_timer_irq();
    k_cptr_t ut = untyped_at_least(22);
    if (!ut || vspace_new(&vs, ut, 0) != K_NO_ERROR) {
        printf("bench: cannot build the second address space\n");
        return 1;
    }
    bench_ipc_call(ut, 1, "ipc_call", "ipc_reply_recv");
    bench_ipc_call(ut, 10, "ipc_call_10", "ipc_reply_recv_10");
    bench_send_signal_fault_yield(ut);
    bench_map_unmap(ut);
    return 0;
}
