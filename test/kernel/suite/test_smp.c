/* Multicore (issue 13, docs/smp.md): threads pinned to harts with TCB_SetAffinity run
 * at the same time as the root task; IPC, notifications, faults, suspension, deletion
 * and TLB shootdowns work across harts. The root task runs on node 0; children are
 * pinned before they are resumed. Progress is watched through `shared` while the root
 * task spins WITHOUT entering the kernel, so a counter that moves meanwhile was moved
 * by another hart. Bounds are generous spins (rdtime), reached only on failure. */
#include "thread_util.h"

/* TCB_SetAffinity exists only in multicore builds (docs/abi.md). */
#if CONFIG_MAX_NUM_NODES > 1

static inline k_word_t rdtime(void)
{
    k_word_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

/* Spin (no system call) until cond or about 5 s of virt time (50 s on sifive_u). */
#define SPIN_UNTIL(cond)                                                               \
    ({                                                                               \
        k_word_t t0_ = rdtime();                                                     \
        while (!(cond) && rdtime() - t0_ < 50000000ul) __asm__ volatile("" ::: "memory"); \
        (cond);                                                                      \
    })

static unsigned nodes(void) { return (unsigned)bi->num_nodes; }

/* Stress sizes: issue 13's, in every run. Under QEMU every cross-hart hand-off waits
 * for the host to run the other vCPU's thread; -DSMP_STRESS_SMALL (a tenth and a fifth)
 * is for quick loops by hand. */
#ifdef SMP_STRESS_SMALL
#define STRESS_CALLS 1000
#define STRESS_SHOOTDOWNS 200
#else
#define STRESS_CALLS 10000
#define STRESS_SHOOTDOWNS 1000
#endif

/* Start t running fn pinned to node (made inactive, pinned, then resumed). */
static int start_on(struct thread *t, unsigned node, child_fn fn, k_word_t a, k_word_t b,
                    k_word_t c, k_word_t prio)
{
    int e = thread_start(t, fn, a, b, c, prio, false);
    if (e == K_NO_ERROR) e = k_tcb_set_affinity(t->tcb, node);
    if (e == K_NO_ERROR) e = k_tcb_resume(t->tcb);
    return e;
}

/* --- children (see thread_util.h for what they may do) ------------------------- */

/* An echo server: each Call gets MR0 + 1 back. */
static void child_echo(k_word_t ep, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused;
    (void)self;
    k_word_t badge, m0 = 0, m1 = 0, m2 = 0, m3 = 0;
    k_recv(ep, &badge, &m0, &m1, &m2, &m3);
    for (;;) {
        shared.word[idx]++;
        m0++;
        k_reply_recv(ep, k_msginfo_new(0, 0, 0, 1), &badge, &m0, &m1, &m2, &m3);
    }
}

/* A fault handler: counts faults and resumes the faulter (an empty reply restarts the
 * faulting instruction). */
static void child_fault_server(k_word_t ep, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused;
    (void)self;
    k_word_t badge, m0, m1, m2, m3;
    k_recv(ep, &badge, &m0, &m1, &m2, &m3);
    for (;;) {
        shared.word[idx]++;
        k_reply_recv(ep, k_msginfo_new(0, 0, 0, 0), &badge, &m0, &m1, &m2, &m3);
    }
}

/* Wait on a notification forever: shared[idx] counts wake-ups, [idx+1] ORs the badges. */
static void child_waiter(k_word_t ntfn, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused;
    (void)self;
    for (;;) {
        k_word_t b = k_wait(ntfn);
        shared.word[idx + 1] |= b;
        shared.word[idx]++;
    }
}

/* Signal ntfn each time shared[idx] is raised above what it has answered. */
static void child_signaller(k_word_t ntfn, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused;
    (void)self;
    k_word_t done = 0;
    for (;;) {
        while (shared.word[idx] == done) __asm__ volatile("" ::: "memory");
        done = shared.word[idx];
        shared.word[idx + 1] = done;
        k_signal(ntfn);
    }
}

/* Count in an FP register and in an integer one: if the FP state were lost or mixed
 * up when the thread moves between harts, they would disagree (shared[idx+1] != 0). */
static void child_fpu_count(k_word_t idx, k_word_t unused1, k_word_t unused2, k_cptr_t self)
{
    (void)unused1;
    (void)unused2;
    (void)self;
    double acc = 0.0;
    k_word_t n = 0;
    for (;;) {
        acc += 1.0;
        __asm__ volatile("" : "+f"(acc));   /* keep it in an FP register */
        n++;
        if ((k_word_t)acc != n) shared.word[idx + 1] = n;
        shared.word[idx] = n;
    }
}

/* --- tests ---------------------------------------------------------------------- */

TEST(smp_boot_info_and_bad_affinity)
{
    /* numNodes is the number of harts running the kernel; SetAffinity takes 0 ..
     * numNodes-1 and answers anything else with IllegalOperation, as seL4 does. */
    CHECK(nodes() >= 1 && nodes() <= CONFIG_MAX_NUM_NODES);
    CHECK_EQ(bi->node_id, 0);
    k_cptr_t ut = untyped_at_least(20);
    struct thread t = { 0 };
    CHECK_EQ(thread_new(&t, ut, 0, 0, "smp-aff"), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_affinity(t.tcb, nodes()), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_set_affinity(t.tcb, ~0ul), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_set_affinity(t.tcb, 1ul << 32), K_ILLEGAL_OPERATION);
    CHECK_EQ(raw_invoke(t.tcb, K_TCB_SET_AFFINITY, 0, 0, NULL, 0, 0), K_TRUNCATED_MESSAGE);
    /* Not a TCB: a CNode has no such invocation. */
    CHECK_EQ(k_tcb_set_affinity(ROOT, 0), K_ILLEGAL_OPERATION);
    for (unsigned n = 0; n < nodes(); n++) CHECK_EQ(k_tcb_set_affinity(t.tcb, n), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_affinity(t.tcb, 0), K_NO_ERROR);
    /* The new affinity holds: the thread runs (on node 0, where we are). */
    CHECK_EQ(thread_start(&t, child_store, 30, 0x5a, 0, 255, true), K_NO_ERROR);
    CHECK(YIELD_UNTIL(shared.word[30] == 0x5a, 20));
    thread_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    shared_clear();
}

TEST(smp_threads_on_every_hart_run_at_once)
{
    if (nodes() < 2) { printf("  one hart: nothing runs in parallel\n"); return; }
    k_cptr_t ut = untyped_at_least(20);
    struct thread t[CONFIG_MAX_NUM_NODES] = { 0 };
    unsigned n = nodes();
    shared_clear();
    for (unsigned i = 0; i < n; i++) {
        CHECK_EQ(thread_new(&t[i], ut, 0, 0, "smp-count"), K_NO_ERROR);
        CHECK_EQ(start_on(&t[i], i, child_count, 40 + i, 0, 0, 255), K_NO_ERROR);
    }
    /* Without entering the kernel, we see every other hart's counter move twice. */
    k_word_t before[CONFIG_MAX_NUM_NODES];
    for (unsigned i = 1; i < n; i++) before[i] = shared.word[40 + i];
    for (unsigned i = 1; i < n; i++) {
        CHECK(SPIN_UNTIL(shared.word[40 + i] > before[i] + 1000));
    }
    /* Node 0's runs only when we let it (same hart, same priority). */
    CHECK(YIELD_UNTIL(shared.word[40] > 0, 20));
    for (unsigned i = 0; i < n; i++) CHECK_EQ(k_tcb_suspend(t[i].tcb), K_NO_ERROR);
    /* Suspended on their harts: at once, not at their next time slice. */
    k_word_t frozen[CONFIG_MAX_NUM_NODES];
    for (unsigned i = 0; i < n; i++) frozen[i] = shared.word[40 + i];
    k_word_t t0 = rdtime();
    while (rdtime() - t0 < 200000) __asm__ volatile("" ::: "memory");
    for (unsigned i = 0; i < n; i++) CHECK_EQ(shared.word[40 + i], frozen[i]);
    /* Resume one: it runs again on its hart. */
    CHECK_EQ(k_tcb_resume(t[n - 1].tcb), K_NO_ERROR);
    CHECK(SPIN_UNTIL(shared.word[40 + n - 1] > frozen[n - 1] + 1000));
    for (unsigned i = 0; i < n; i++) thread_free(&t[i]);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    shared_clear();
}

TEST(smp_cross_hart_call_reply_recv_stress)
{
    /* STRESS_CALLS Calls from here (node 0) to a server on node 1, each answered with
     * MR0 + 1 by ReplyRecv: no reply lost, none wrong, no deadlock. */
    if (nodes() < 2) { printf("  one hart: skipped\n"); return; }
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = make_object(ut, K_ENDPOINT_OBJECT, 0);
    struct thread s = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&s, ut, 0, 0, "smp-echo"), K_NO_ERROR);
    CHECK_EQ(start_on(&s, 1, child_echo, ep, 50, 0, 200), K_NO_ERROR);
    unsigned bad = 0, i = 0;
    k_word_t t0 = rdtime();
    for (; i < STRESS_CALLS && bad < 5; i++) {
        k_word_t m0 = i * 3, m1 = 0, m2 = 0, m3 = 0;
        k_word_t info = k_call(ep, k_msginfo_new(0, 0, 0, 1), &m0, &m1, &m2, &m3);
        if (k_msginfo_label(info) != 0 || m0 != i * 3 + 1) {
            printf("  round trip %u: label %lu, MR0 %lu\n", i, k_msginfo_label(info), m0);
            bad++;
        }
    }
    printf("  %u cross-hart round trips in %lu rdtime ticks\n", i, rdtime() - t0);
    CHECK_EQ(bad, 0);
    CHECK_EQ(i, STRESS_CALLS);
    CHECK_EQ(shared.word[50], STRESS_CALLS);
    thread_free(&s);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    shared_clear();
}

TEST(smp_notification_across_harts)
{
    /* We signal a notification a thread waits on on node 1: it wakes there. A thread
     * on node 2 (or 1) signals one we wait on: we wake here. Repeated, so a lost
     * wake-up would hang (bounded: the checks fail instead). */
    if (nodes() < 2) { printf("  one hart: skipped\n"); return; }
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t n1 = make_object(ut, K_NOTIFICATION_OBJECT, 0), n2 = make_object(ut, K_NOTIFICATION_OBJECT, 0);
    k_cptr_t badged = tslot_alloc(), badged2 = tslot_alloc();
    CHECK_EQ(k_cnode_mint(ROOT, badged, ROOT_DEPTH, ROOT, n1, ROOT_DEPTH, K_CAP_RIGHTS_ALL, 0x40), K_NO_ERROR);
    CHECK_EQ(k_cnode_mint(ROOT, badged2, ROOT_DEPTH, ROOT, n2, ROOT_DEPTH, K_CAP_RIGHTS_ALL, 0x80), K_NO_ERROR);
    struct thread w = { 0 }, s = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&w, ut, 0, 0, "smp-wait"), K_NO_ERROR);
    CHECK_EQ(thread_new(&s, ut, 0, 0, "smp-signal"), K_NO_ERROR);
    CHECK_EQ(start_on(&w, 1, child_waiter, n1, 60, 0, 200), K_NO_ERROR);
    CHECK_EQ(start_on(&s, nodes() > 2 ? 2 : 1, child_signaller, badged2, 62, 0, 100), K_NO_ERROR);
    unsigned ok_out = 0, ok_in = 0;
    for (unsigned i = 1; i <= 200; i++) {
        /* Out: the waiter on node 1 must count i once we signal (and only then). */
        k_signal(badged);
        if (SPIN_UNTIL(shared.word[60] == i)) ok_out++;
        /* In: ask the signaller, then wait here until it signals. */
        shared.word[62] = i;
        k_word_t b = k_wait(n2);
        if (b == 0x80 && shared.word[63] == i) ok_in++;
    }
    CHECK_EQ(ok_out, 200);
    CHECK_EQ(ok_in, 200);
    CHECK_EQ(shared.word[61], 0x40);
    thread_free(&w);
    thread_free(&s);
    CHECK_EQ(k_cnode_delete(ROOT, badged, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_delete(ROOT, badged2, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(badged);
    tslot_free(badged2);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(n1);
    tslot_free(n2);
    shared_clear();
}

TEST(smp_migration_by_set_affinity)
{
    /* A thread counting with the FP unit moves between harts while it runs, 60 times:
     * it keeps counting and its FP registers go with it. That it really left a hart
     * shows in a lower-priority thread pinned there, starved while it was there and
     * running once it has gone. */
    if (nodes() < 2) { printf("  one hart: skipped\n"); return; }
    k_cptr_t ut = untyped_at_least(20);
    struct thread m = { 0 }, low = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&m, ut, 0, 0, "smp-migrant"), K_NO_ERROR);
    CHECK_EQ(thread_new(&low, ut, 0, 0, "smp-low"), K_NO_ERROR);
    CHECK_EQ(start_on(&m, 1, child_fpu_count, 70, 0, 0, 200), K_NO_ERROR);
    CHECK(SPIN_UNTIL(shared.word[70] > 1000));
    CHECK_EQ(start_on(&low, 1, child_count, 72, 0, 0, 100), K_NO_ERROR);
    /* While the migrant (200) runs on node 1, the low thread (100) there cannot. */
    k_word_t t0 = rdtime();
    while (rdtime() - t0 < 200000) __asm__ volatile("" ::: "memory");
    CHECK_EQ(shared.word[72], 0);
    unsigned moves = 0;
    for (unsigned i = 0; i < 60; i++) {
        unsigned to = 1 + (i + 1) % (nodes() - 1 ? nodes() - 1 : 1);   /* never node 0 */
        if (nodes() > 2 && to == 1) to = 2;
        k_word_t c = shared.word[70];
        if (k_tcb_set_affinity(m.tcb, to) == K_NO_ERROR && SPIN_UNTIL(shared.word[70] > c + 100)) moves++;
    }
    CHECK_EQ(moves, 60);
    CHECK_EQ(shared.word[71], 0);        /* FP and integer counts always agreed */
    if (nodes() > 2) {
        /* It is on node 2 now: node 1 is free for the low thread. */
        CHECK_EQ(k_tcb_set_affinity(m.tcb, 2), K_NO_ERROR);
        CHECK(SPIN_UNTIL(shared.word[72] > 1000));
    }
    /* Onto our own hart, at our priority: it runs only when we yield. */
    CHECK_EQ(k_tcb_set_priority(m.tcb, K_CAP_INIT_THREAD_TCB, 255), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_affinity(m.tcb, 0), K_NO_ERROR);
    k_word_t c = shared.word[70];
    CHECK(YIELD_UNTIL(shared.word[70] > c, 50));
    CHECK_EQ(shared.word[71], 0);
    thread_free(&m);
    thread_free(&low);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    shared_clear();
}

/* A thread on node 1 reads a page of our VSpace in a loop; we unmap the page (or, with
 * table, the page table under it) here. When the Unmap returns, the other hart's TLB
 * has been shot down: the thread's next read faults (reported: no fault handler,
 * thread `name`) and its count stops. */
static void unmap_under_a_reader(bool table, const char *name, k_word_t value)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t l1, l2, f = make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0);
    const k_cptr_t vs = K_CAP_INIT_THREAD_VSPACE;
    struct thread r = { 0 };
    shared_clear();
    int e = map_tables(ut, vs, SCRATCH_VA, &l1, &l2);
    if (e == K_NO_ERROR) e = k_riscv_page_map(f, vs, SCRATCH_VA, RW_RIGHTS, K_RISCV_EXECUTE_NEVER);
    CHECK_EQ(e, K_NO_ERROR);
    *(volatile k_word_t *)SCRATCH_VA = value;
    CHECK_EQ(thread_new(&r, ut, 0, 0, name), K_NO_ERROR);
    CHECK_EQ(start_on(&r, 1, child_read_loop, 80, SCRATCH_VA, 0, 200), K_NO_ERROR);
    CHECK(SPIN_UNTIL(shared.word[80] > 1000 && shared.word[81] == value));
    CHECK_EQ(table ? k_riscv_page_table_unmap(l2) : k_riscv_page_unmap(f), K_NO_ERROR);
    k_word_t c = shared.word[80];
    k_word_t t0 = rdtime();
    while (rdtime() - t0 < 200000) __asm__ volatile("" ::: "memory");
    CHECK(shared.word[80] <= c + 1);     /* at most the read in flight completes */
    thread_free(&r);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(f);
    if (l1) tslot_free(l1);
    if (l2) tslot_free(l2);
    shared_clear();
}

TEST(smp_unmap_faults_at_once_on_another_hart)
{
    if (nodes() < 2) { printf("  one hart: skipped\n"); return; }
    unmap_under_a_reader(false, "xf-smp-unmap", 0xfeed);
}

TEST(smp_page_table_unmap_faults_at_once_on_another_hart)
{
    /* A flush of the whole ASID (arch_tlb_flush_asid), which must reach the other
     * hart too. (Which page a flush names cannot be seen here: QEMU's sfence.vma
     * flushes the whole TLB.) */
    if (nodes() < 2) { printf("  one hart: skipped\n"); return; }
    unmap_under_a_reader(true, "xf-smp-ptunmap", 0xbeef);
}

TEST(smp_vspace_deleted_while_in_use_on_another_hart)
{
    /* A thread in a VSpace of its own counts on node 1; we delete the VSpace (revoke
     * its untyped) here. Its hart leaves the table before the memory can be reused,
     * the thread faults and stops, and a new VSpace made from the same untyped works. */
    if (nodes() < 2) { printf("  one hart: skipped\n"); return; }
    k_cptr_t ut = untyped_at_least(22);
    k_cptr_t vs_ut = make_object(ut, K_UNTYPED_OBJECT, 12);
    struct vspace vs = { 0 };
    struct thread t = { 0 };
    shared_clear();
    CHECK_EQ(vspace_new(&vs, ut, vs_ut), K_NO_ERROR);
    CHECK_EQ(thread_new(&t, ut, &vs, 0, "xf-smp-vspace"), K_NO_ERROR);
    CHECK_EQ(start_on(&t, 1, child_count, 90, 0, 0, 200), K_NO_ERROR);
    CHECK(SPIN_UNTIL(shared.word[90] > 1000));
    CHECK_EQ(k_cnode_revoke(ROOT, vs_ut, ROOT_DEPTH), K_NO_ERROR);
    k_word_t c = shared.word[90];
    k_word_t t0 = rdtime();
    while (rdtime() - t0 < 200000) __asm__ volatile("" ::: "memory");
    CHECK(shared.word[90] <= c + 1);
    /* The untyped is whole again and makes a working VSpace. */
    thread_free(&t);
    vspace_free(&vs);
    CHECK_EQ(vspace_new(&vs, ut, vs_ut), K_NO_ERROR);
    CHECK_EQ(thread_new(&t, ut, &vs, 0, "smp-after-vspace"), K_NO_ERROR);
    CHECK_EQ(start_on(&t, 1, child_store, 92, 0x99, 0, 200), K_NO_ERROR);
    CHECK(SPIN_UNTIL(shared.word[92] == 0x99));
    thread_free(&t);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(vs_ut);
    shared_clear();
}

TEST(smp_delete_running_thread_on_another_hart)
{
    /* Deleting the TCB of a thread running on node 1 stops it there first; its memory
     * is then reused for a new thread, which runs (on node 1 too). Registers of a
     * running remote thread read back as a consistent stopped state. */
    if (nodes() < 2) { printf("  one hart: skipped\n"); return; }
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t u = make_object(ut, K_UNTYPED_OBJECT, 12);
    struct thread t = { 0 };
    shared_clear();
    for (unsigned round = 0; round < 20; round++) {
        CHECK_EQ(thread_new(&t, u, 0, 0, "smp-victim"), K_NO_ERROR);
        CHECK_EQ(start_on(&t, 1 + round % (nodes() - 1), child_count, 100, 0, 0, 200), K_NO_ERROR);
        k_word_t c = shared.word[100];
        CHECK(SPIN_UNTIL(shared.word[100] > c + 100));
        struct k_user_context regs = { 0 };
        CHECK_EQ(k_tcb_read_registers(t.tcb, false, 0, 1, &regs), K_NO_ERROR);
        CHECK(regs.pc >= IMAGE_BASE && regs.pc < IMAGE_BASE + MAX_IMAGE_PAGES * PAGE_SIZE_4K);
        thread_destroy(&t);
        CHECK_EQ(k_cnode_revoke(ROOT, u, ROOT_DEPTH), K_NO_ERROR);
        c = shared.word[100];
        k_word_t t0 = rdtime();
        while (rdtime() - t0 < 50000) __asm__ volatile("" ::: "memory");
        CHECK_EQ(shared.word[100], c);
    }
    thread_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(u);
    shared_clear();
}

TEST(smp_shootdown_stress)
{
    /* STRESS_SHOOTDOWNS times: map a frame at one address of our VSpace, write i into it,
     * and check that a reader on node 1 sees i (not the frame before: no stale
     * translation), then unmap it and check that the reader's reads stop at once (it
     * faults; a handler on its hart resumes it, so it retries until the next frame
     * is mapped). */
    if (nodes() < 2) { printf("  one hart: skipped\n"); return; }
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = make_object(ut, K_ENDPOINT_OBJECT, 0);
    k_cptr_t l1, l2, fr[2] = { make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0), make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0) };
    const k_cptr_t vs = K_CAP_INIT_THREAD_VSPACE;
    struct thread r = { 0 }, h = { 0 };
    shared_clear();
    CHECK_EQ(map_tables(ut, vs, SCRATCH_VA, &l1, &l2), K_NO_ERROR);
    CHECK_EQ(thread_new(&h, ut, 0, 0, "smp-fault-handler"), K_NO_ERROR);
    CHECK_EQ(start_on(&h, 1, child_fault_server, ep, 110, 0, 250), K_NO_ERROR);
    CHECK_EQ(thread_new(&r, ut, 0, 0, "smp-reader"), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_space(r.tcb, ep, ROOT, 0, K_CAP_INIT_THREAD_VSPACE, 0), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(fr[0], vs, SCRATCH_VA, RW_RIGHTS, K_RISCV_EXECUTE_NEVER), K_NO_ERROR);
    *(volatile k_word_t *)SCRATCH_VA = 1000000;
    CHECK_EQ(start_on(&r, 1, child_read_loop, 112, SCRATCH_VA, 0, 200), K_NO_ERROR);
    CHECK(SPIN_UNTIL(shared.word[113] == 1000000));
    CHECK_EQ(k_riscv_page_unmap(fr[0]), K_NO_ERROR);
    unsigned stale = 0, lost = 0, kept_reading = 0, i = 0;
    k_word_t t0 = rdtime();
    for (; i < STRESS_SHOOTDOWNS && stale + lost + kept_reading < 5; i++) {
        k_cptr_t f = fr[i & 1];
        if (k_riscv_page_map(f, vs, SCRATCH_VA, RW_RIGHTS, K_RISCV_EXECUTE_NEVER) != K_NO_ERROR) { lost++; break; }
        *(volatile k_word_t *)SCRATCH_VA = i;
        k_word_t c = shared.word[112];
        /* Two reads that started after the map, and the last one saw i. */
        if (!SPIN_UNTIL(shared.word[112] > c + 2)) lost++;
        else if (shared.word[113] != i) stale++;
        CHECK_EQ(k_riscv_page_unmap(f), K_NO_ERROR);
        c = shared.word[112];
        k_word_t s0 = rdtime();
        while (rdtime() - s0 < 2000) __asm__ volatile("" ::: "memory");
        if (shared.word[112] > c + 1) kept_reading++;
    }
    printf("  %u map/unmap shootdowns in %lu rdtime ticks, %lu faults handled\n",
           i, rdtime() - t0, shared.word[110]);
    CHECK_EQ(i, STRESS_SHOOTDOWNS);
    CHECK_EQ(stale, 0);
    CHECK_EQ(lost, 0);
    CHECK_EQ(kept_reading, 0);
    CHECK(shared.word[110] > 0);
    thread_free(&r);
    thread_free(&h);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(fr[0]);
    tslot_free(fr[1]);
    if (l1) tslot_free(l1);
    if (l2) tslot_free(l2);
    shared_clear();
}

#endif /* CONFIG_MAX_NUM_NODES > 1 */
