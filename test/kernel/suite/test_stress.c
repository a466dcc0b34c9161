/* Stress: many whole thread lifecycles made from and returned to one untyped (every
 * object type a thread needs, ASID reuse, revoke of a tree holding live objects),
 * many threads at once, churn of priorities, suspends, mappings. Each test prints how
 * long it took (rdtime ticks: 10 MHz on QEMU virt, 1 MHz on sifive_u). */
#include "thread_util.h"

static inline k_word_t rdtime(void)
{
    k_word_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

static k_word_t rng_state = 0x9e3779b97f4a7c15ul;
static k_word_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned log2_of(k_word_t v) { return 63 - (unsigned)__builtin_clzl(v); }

/* More than the 511 ASIDs our pool has. */
#define LIFECYCLES 520

TEST(stress_thread_lifecycles)
{
    /* LIFECYCLES times, from one 1 MiB untyped: a TCB, a CNode for its CSpace (holding
     * its own TCB cap), a VSpace with an ASID, three page tables, stack and IPC
     * frames, and copies of our image mapped; the thread runs until it has stored
     * its iteration number and suspended itself; then the image copies are deleted
     * and ONE revoke of the 1 MiB untyped destroys everything else (thread, CSpace,
     * VSpace, tables, frames, in whatever order the derivation tree gives).
     * The loop only gets past 511 iterations if deleting a VSpace frees its ASID;
     * afterwards the untyped (and the big one it came from) retype at full size:
     * nothing leaked. */
    k_cptr_t ut = untyped_at_least(21);
    k_cptr_t u = make_object(ut, K_UNTYPED_OBJECT, 20);
    struct vspace vs = { 0 };
    struct thread t = { 0 };
    unsigned done = 0;
    shared_clear();
    k_word_t start = rdtime();
    for (unsigned i = 0; i < LIFECYCLES && u; i++) {
        int e = vspace_new(&vs, u, 0);
        if (e == K_NO_ERROR) e = thread_new(&t, u, &vs, THREAD_OWN_CSPACE, "stress-life");
        if (e == K_NO_ERROR) e = thread_start(&t, child_store, 10, i + 1, 0, 255, true);
        if (e == K_NO_ERROR && !YIELD_UNTIL(shared.word[10] == i + 1, 20)) {
            printf("  lifecycle %u: the thread did not run\n", i);
            e = -1;
        }
        /* It may have been preempted between its store and suspending itself: stop
         * it before its code is unmapped under it. */
        if (e == K_NO_ERROR) e = k_tcb_suspend(t.tcb);
        vspace_unmap_image(&vs);
        int r = k_cnode_revoke(ROOT, u, ROOT_DEPTH);
        if (r != K_NO_ERROR && e == K_NO_ERROR) e = r;
        if (e != K_NO_ERROR) {
            printf("  lifecycle %u failed: %d\n", i, e);
            break;
        }
        done++;
    }
    k_word_t ticks = rdtime() - start;
    printf("  %u thread lifecycles in %lu rdtime ticks\n", done, ticks);
    CHECK_EQ(done, LIFECYCLES);
    CHECK_EQ(shared.word[SHARED_SUSPEND_RETURNED], 0);

    k_cptr_t whole = tslot_alloc();
    CHECK_EQ(k_untyped_retype(u, K_UNTYPED_OBJECT, 20, ROOT, 0, 0, whole, 1), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, u, ROOT_DEPTH), K_NO_ERROR);
    thread_free(&t);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_word_t base, size;
    if (untyped_range(ut, &base, &size))
        CHECK_EQ(k_untyped_retype(ut, K_UNTYPED_OBJECT, log2_of(size), ROOT, 0, 0, whole, 1), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(whole);
    tslot_free(u);
    shared_clear();
}

#define MANY 24

TEST(stress_many_threads_share_a_vspace)
{
    /* MANY busy threads in one new VSpace (each with its own stack and IPC buffer
     * there) at our priority: every one of them gets the CPU. Then one revoke
     * destroys them all while they are runnable, with their VSpace; none runs again,
     * and the stale image caps delete cleanly. */
    k_cptr_t ut = untyped_at_least(22);
    struct vspace vs = { 0 };
    static struct thread t[MANY];
    static char names[MANY][12];
    shared_clear();
    for (unsigned i = 0; i < MANY; i++) t[i] = (struct thread){ 0 };
    k_word_t start = rdtime();
    int e = vspace_new(&vs, ut, 0);
    for (unsigned i = 0; i < MANY && e == K_NO_ERROR; i++) {
        const char *p = "many-";
        unsigned n = 0;
        while (*p) names[i][n++] = *p++;
        names[i][n++] = (char)('0' + i / 10);
        names[i][n++] = (char)('0' + i % 10);
        names[i][n] = 0;
        e = thread_new(&t[i], ut, &vs, 0, names[i]);
        if (e == K_NO_ERROR) e = thread_start(&t[i], child_count, 100 + i, 0, 0, 255, false);
    }
    /* Resume them only now: a busy child at our priority takes a time slice every time
     * ours ends, which would make building the rest slow. */
    for (unsigned i = 0; i < MANY && e == K_NO_ERROR; i++) e = k_tcb_resume(t[i].tcb);
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        bool all = false;
        for (unsigned round = 0; round < 20 && !all; round++) {
            k_yield();
            all = true;
            for (unsigned i = 0; i < MANY; i++) all = all && shared.word[100 + i] > 0;
        }
        CHECK(all);
    }
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    for (unsigned i = 0; i < MANY; i++) CHECK_EQ(k_debug_cap_identify(t[i].tcb), 0);
    yield_n(3);
    k_word_t before[MANY];
    for (unsigned i = 0; i < MANY; i++) before[i] = shared.word[100 + i];
    yield_n(5);
    for (unsigned i = 0; i < MANY; i++) CHECK_EQ(shared.word[100 + i], before[i]);
    for (unsigned i = 0; i < MANY; i++) thread_free(&t[i]);
    vspace_free(&vs);
    printf("  %u threads made, run, destroyed in %lu rdtime ticks\n", MANY, rdtime() - start);
    shared_clear();
}

#define CHURN 8
#define CHURN_ROUNDS 240

TEST(stress_priority_and_suspend_churn)
{
    /* CHURN busy threads; CHURN_ROUNDS random SetPriority (250..255), Suspend and
     * Resume on random ones. Every 12 rounds we yield and check that no thread that
     * is suspended or below our priority made progress. At the end, all at 255 and
     * resumed, every one runs: the ready queues survived. */
    k_cptr_t ut = untyped_at_least(22);
    struct vspace vs = { 0 };
    struct thread t[CHURN];
    k_word_t prio[CHURN];
    bool stopped[CHURN];
    const char *names[CHURN] = { "churn-0", "churn-1", "churn-2", "churn-3",
                                 "churn-4", "churn-5", "churn-6", "churn-7" };
    shared_clear();
    k_word_t start = rdtime();
    int e = vspace_new(&vs, ut, 0);
    for (unsigned i = 0; i < CHURN; i++) {
        t[i] = (struct thread){ 0 };
        prio[i] = 255;
        stopped[i] = false;
        if (e == K_NO_ERROR) e = thread_new(&t[i], ut, &vs, 0, names[i]);
        if (e == K_NO_ERROR) e = thread_start(&t[i], child_count, 200 + i, 0, 0, 255, false);
    }
    for (unsigned i = 0; i < CHURN && e == K_NO_ERROR; i++) e = k_tcb_resume(t[i].tcb);
    CHECK_EQ(e, K_NO_ERROR);
    unsigned errors = 0, frozen_violations = 0;
    for (unsigned round = 0; round < CHURN_ROUNDS && e == K_NO_ERROR; round++) {
        unsigned k = rng() % CHURN;
        switch (rng() % 3) {
        case 0:
            prio[k] = 250 + rng() % 6;
            if (k_tcb_set_priority(t[k].tcb, K_CAP_INIT_THREAD_TCB, prio[k]) != K_NO_ERROR) errors++;
            break;
        case 1:
            stopped[k] = true;
            if (k_tcb_suspend(t[k].tcb) != K_NO_ERROR) errors++;
            break;
        default:
            stopped[k] = false;
            if (k_tcb_resume(t[k].tcb) != K_NO_ERROR) errors++;
            break;
        }
        if (round % 12 == 11) {
            k_word_t c[CHURN];
            for (unsigned i = 0; i < CHURN; i++) c[i] = shared.word[200 + i];
            k_yield();
            for (unsigned i = 0; i < CHURN; i++)
                if ((stopped[i] || prio[i] < 255) && shared.word[200 + i] != c[i]) {
                    printf("  round %u: thread %u (prio %lu%s) ran\n", round, i, prio[i],
                           stopped[i] ? ", suspended" : "");
                    frozen_violations++;
                }
        }
    }
    CHECK_EQ(errors, 0);
    CHECK_EQ(frozen_violations, 0);
    if (e == K_NO_ERROR) {
        k_word_t c[CHURN];
        for (unsigned i = 0; i < CHURN; i++) {
            CHECK_EQ(k_tcb_set_priority(t[i].tcb, K_CAP_INIT_THREAD_TCB, 255), K_NO_ERROR);
            CHECK_EQ(k_tcb_resume(t[i].tcb), K_NO_ERROR);
            c[i] = shared.word[200 + i];
        }
        bool all = false;
        for (unsigned round = 0; round < 20 && !all; round++) {
            k_yield();
            all = true;
            for (unsigned i = 0; i < CHURN; i++) all = all && shared.word[200 + i] > c[i];
        }
        CHECK(all);
    }
    for (unsigned i = 0; i < CHURN; i++) thread_free(&t[i]);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    printf("  %u churn rounds in %lu rdtime ticks\n", CHURN_ROUNDS, rdtime() - start);
    shared_clear();
}

#define CHURN_FRAMES 48
#define CHURN_PAGES 128
#define MAP_OPS 2000

TEST(stress_map_unmap_churn)
{
    /* CHURN_FRAMES frames, each holding its own number, mapped and unmapped at random
     * pages of a window of our own VSpace, MAP_OPS times. After every map we read the
     * page: it must show that frame's number (a stale translation left by a missed
     * TLB flush would show another). Unmapped pages are never touched. */
    k_cptr_t ut = untyped_at_least(22);
    k_cptr_t l1, l2, f[CHURN_FRAMES];
    int at[CHURN_FRAMES], owner[CHURN_PAGES];
    const k_cptr_t vs = K_CAP_INIT_THREAD_VSPACE;
    k_word_t start = rdtime();
    int e = map_tables(ut, vs, SCRATCH_VA, &l1, &l2);
    CHECK_EQ(e, K_NO_ERROR);
    for (unsigned p = 0; p < CHURN_PAGES; p++) owner[p] = -1;
    for (unsigned i = 0; i < CHURN_FRAMES; i++) {
        f[i] = make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0);
        at[i] = -1;
        /* Write its number through a first mapping at page i. */
        if (e == K_NO_ERROR) e = k_riscv_page_map(f[i], vs, SCRATCH_VA + i * PAGE_SIZE_4K, RW_RIGHTS, K_RISCV_EXECUTE_NEVER);
        if (e == K_NO_ERROR) {
            *(volatile k_word_t *)(SCRATCH_VA + i * PAGE_SIZE_4K) = 0x1000 + i;
            at[i] = (int)i;
            owner[i] = (int)i;
        }
    }
    CHECK_EQ(e, K_NO_ERROR);
    unsigned errors = 0, wrong = 0;
    for (unsigned op = 0; op < MAP_OPS && e == K_NO_ERROR; op++) {
        unsigned k = rng() % CHURN_FRAMES;
        if (at[k] >= 0) {
            if (k_riscv_page_unmap(f[k]) != K_NO_ERROR) {
                errors++;
                break;
            }
            owner[at[k]] = -1;
            at[k] = -1;
        } else {
            unsigned p = rng() % CHURN_PAGES;
            while (owner[p] >= 0) p = (p + 1) % CHURN_PAGES;
            if (k_riscv_page_map(f[k], vs, SCRATCH_VA + p * PAGE_SIZE_4K, RW_RIGHTS, K_RISCV_EXECUTE_NEVER) != K_NO_ERROR) {
                errors++;
                break;
            }
            owner[p] = (int)k;
            at[k] = (int)p;
            k_word_t v = *(volatile k_word_t *)(SCRATCH_VA + p * PAGE_SIZE_4K);
            if (v != 0x1000 + k) {
                if (wrong++ < 5) printf("  op %u: page %u shows 0x%lx, frame %u mapped\n", op, p, v, k);
            }
        }
    }
    CHECK_EQ(errors, 0);
    CHECK_EQ(wrong, 0);
    for (unsigned p = 0; p < CHURN_PAGES && e == K_NO_ERROR && !errors; p++)
        if (owner[p] >= 0)
            CHECK_EQ(*(volatile k_word_t *)(SCRATCH_VA + p * PAGE_SIZE_4K), 0x1000 + (k_word_t)owner[p]);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    for (unsigned i = 0; i < CHURN_FRAMES; i++) tslot_free(f[i]);
    tslot_free(l1);
    tslot_free(l2);
    printf("  %u map/unmap operations in %lu rdtime ticks\n", MAP_OPS, rdtime() - start);
}
