/* Random invocations must never hurt the kernel. A child thread in its own address
 * space and its own 16-slot CSpace (holding its TCB, its CNode, an untyped, an
 * endpoint, a notification, its VSpace and an ASID pool) makes thousands of kernel
 * invocations with random labels, random capabilities and random arguments biased
 * towards the interesting ranges. Whatever it does to itself (suspend itself, delete its
 * caps, point its CSpace or VSpace elsewhere and fault), the kernel must go on: we
 * restart fuzzers with new seeds, and at the end everything made from the untyped must
 * come back with one revoke. Seeds are fixed, so a failure reproduces. */
#include "thread_util.h"

#define FUZZ_SLOTS 16
#define FUZZ_CALLS 3000
#define ROUNDS 20
#define PROGRESS 100              /* shared.word[] index of the progress counter */

static inline k_word_t rnd(k_word_t *s)
{
    *s ^= *s << 13; *s ^= *s >> 7; *s ^= *s << 17;   /* xorshift64 */
    return *s;
}

/* An argument: mostly small values that mean something (types, sizes, slots,
 * depths, rights, addresses), sometimes anything at all. */
static k_word_t arg(k_word_t *s)
{
    switch (rnd(s) % 8) {
    case 0: return rnd(s) % 10;                       /* object types, small sizes */
    case 1: return rnd(s) % FUZZ_SLOTS;               /* slots */
    case 2: return (rnd(s) & 1) ? 64 : 4;             /* depths */
    case 3: return rnd(s) % 40;                       /* size bits */
    case 4: return 0x40000000ul + (rnd(s) % 64) * 4096;   /* user addresses */
    case 5: return rnd(s) % 16;                       /* rights */
    case 6: return 0;
    default: return rnd(s);
    }
}

/* The fuzzer: runs in its own VSpace; its IPC buffer is at ipc. */
/* Its counters are shared.word[at], [at+1] (finished), [at+2] (succeeded); [at+3], if
 * not 0, is how many calls to make (FUZZ_CALLS otherwise). at is PROGRESS for the
 * one-hart tests, one group of four per fuzzer for the multicore one. */
static void c_fuzz(k_word_t seed, k_word_t ipc, k_word_t at, k_cptr_t self)
{
    (void)self;
    struct k_ipc_buffer *b = (struct k_ipc_buffer *)ipc;
    k_word_t s = seed;
    k_word_t calls = shared.word[at + 3] ? shared.word[at + 3] : FUZZ_CALLS;
    for (unsigned i = 0; i < calls; i++) {
        k_cptr_t service = rnd(&s) % FUZZ_SLOTS;
        /* A Call on an endpoint is a message and would wait for a receiver forever;
         * signal notifications and invoke everything else. */
        k_word_t tag = k_debug_cap_identify(service);
        if (tag == 4) continue;
        k_word_t label = 1 + rnd(&s) % 37;
        /* Spare our own thread the few calls that would simply stop the run early
         * (suspend, priority 0 under our MCP of 0, a new CSpace or VSpace): on a TCB cap
         * (ours, or one we made) they become a harmless register read. */
        if (tag == 12 && label >= K_TCB_CONFIGURE && label <= K_TCB_SUSPEND) label = K_TCB_READ_REGISTERS;
        unsigned n_caps = rnd(&s) % 4;
        for (unsigned c = 0; c < 3; c++) b->caps_or_badges[c] = rnd(&s) % FUZZ_SLOTS;
        for (unsigned m = 4; m < 10; m++) b->msg[m] = arg(&s);
        k_word_t m0 = arg(&s), m1 = arg(&s), m2 = arg(&s), m3 = arg(&s);
        k_word_t len = rnd(&s) % 11;
        k_word_t info = k_call(service, k_msginfo_new(label, 0, n_caps, len), &m0, &m1, &m2, &m3);
        if (k_msginfo_label(info) == K_NO_ERROR) shared.word[at + 2]++;
        shared.word[at]++;
    }
    shared.word[at + 1] = 1;   /* finished */
}

TEST(fuzz_random_invocations_never_break_the_kernel)
{
    k_cptr_t ut = untyped_at_least(22);
    k_cptr_t pool = make_object(ut, K_UNTYPED_OBJECT, 21);
    CHECK(pool != 0);
    unsigned finished = 0, stalled = 0;
    k_word_t total = 0, succeeded = 0;
    for (unsigned round = 0; round < ROUNDS; round++) {
        struct vspace vs = { 0 };
        struct thread t = { 0 };
        k_cptr_t fuzz_ut = slot_alloc(), ep = slot_alloc(), n = slot_alloc();
        shared.word[PROGRESS] = shared.word[PROGRESS + 1] = shared.word[PROGRESS + 2] = 0;
        shared.word[PROGRESS + 3] = 0;
        bool ok = vspace_new(&vs, pool, 0) == K_NO_ERROR &&
                  thread_new(&t, pool, &vs, THREAD_OWN_CSPACE, "xf-fuzz") == K_NO_ERROR &&
                  k_untyped_retype(pool, K_UNTYPED_OBJECT, 16, ROOT, 0, 0, fuzz_ut, 1) == K_NO_ERROR &&
                  k_untyped_retype(pool, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, ep, 1) == K_NO_ERROR &&
                  k_untyped_retype(pool, K_NOTIFICATION_OBJECT, 0, ROOT, 0, 0, n, 1) == K_NO_ERROR;
        CHECK(ok);
        if (!ok) break;
        /* Its CSpace: 1 its TCB (thread_new), 2 its CNode, 3 untyped, 4 endpoint,
         * 5 notification, 6 its VSpace, 7 our ASID pool; the rest empty. */
        CHECK_EQ(k_cnode_copy(t.cnode, 2, 4, ROOT, t.cnode, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
        CHECK_EQ(k_cnode_move(t.cnode, 3, 4, ROOT, fuzz_ut, ROOT_DEPTH), K_NO_ERROR);
        CHECK_EQ(k_cnode_copy(t.cnode, 4, 4, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
        CHECK_EQ(k_cnode_copy(t.cnode, 5, 4, ROOT, n, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
        CHECK_EQ(k_cnode_copy(t.cnode, 6, 4, ROOT, vs.root, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
        CHECK_EQ(k_cnode_copy(t.cnode, 7, 4, ROOT, K_CAP_INIT_THREAD_ASID_POOL, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
        CHECK(thread_start(&t, c_fuzz, 0x9e3779b97f4a7c15ul * (round + 1), t.ipc_va, PROGRESS, 255, true) == K_NO_ERROR);
        /* Let it run until it finishes or stops making progress (it may well have
         * suspended itself or faulted: that is its business). */
        k_word_t last = 0;
        unsigned idle = 0;
        while (!shared.word[PROGRESS + 1] && idle < 20) {
            yield_n(5);
            if (shared.word[PROGRESS] == last) idle++;
            else { idle = 0; last = shared.word[PROGRESS]; }
        }
        if (shared.word[PROGRESS + 1]) finished++; else stalled++;
        total += shared.word[PROGRESS];
        succeeded += shared.word[PROGRESS + 2];
        thread_free(&t);
        vspace_free(&vs);
        /* Everything it made (and everything we made for it) goes with one revoke. */
        CHECK_EQ(k_cnode_revoke(ROOT, pool, ROOT_DEPTH), K_NO_ERROR);
        CHECK_EQ(k_debug_cap_identify(ep), 0);
        slot_free(fuzz_ut); slot_free(ep); slot_free(n);
    }
    printf("  %lu random invocations in %u rounds, %lu of them succeeded (%u rounds ran to the end, %u stopped themselves)\n",
           total, ROUNDS, succeeded, finished, stalled);
    CHECK(total >= 1000);
    /* Not only errors: a fair share must get past the checks and change things. */
    CHECK(succeeded * 20 >= total);
    /* Nothing leaked: the whole pool can be carved again. */
    k_cptr_t again = make_object(pool, K_UNTYPED_OBJECT, 21);
    CHECK(again != 0);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

/* Random system calls, not just invocations: non-blocking sends and receives, replies,
 * yields, unknown numbers, capability pointers that resolve to nothing. The fuzzer's
 * fault endpoint is its endpoint (slot 4); we are the handler and resume it after
 * every fault, so fault delivery, fault replies and restarts are exercised too.
 * Counters as c_fuzz's: shared.word[at] calls, [at+1] finished, [at+2] messages its
 * receives took from the endpoint, [at+3] how many calls (FUZZ_CALLS / 3 if 0). If
 * answered, its handler replies to whatever reaches the endpoint, so it may Call the
 * endpoint too (otherwise a Call there would wait for a reply forever). */
static void c_fuzz_syscalls(k_word_t seed, k_word_t answered, k_word_t at, k_cptr_t self)
{
    (void)self;
    k_word_t s = seed;
    static const long calls[] = { SYS_NB_SEND, SYS_NB_RECV, SYS_REPLY, SYS_YIELD, SYS_CALL,
                                  SYS_DEBUG_CAP_IDENTIFY, 5, 100, -50 };
    k_word_t n_calls = shared.word[at + 3] ? shared.word[at + 3] : FUZZ_CALLS / 3;
    for (unsigned i = 0; i < n_calls; i++) {
        long n = calls[rnd(&s) % (sizeof(calls) / sizeof(calls[0]))];
        /* Mostly our own slots; sometimes pointers with guard bits set (lookup fails). */
        k_word_t cptr = (rnd(&s) % 4) ? rnd(&s) % FUZZ_SLOTS : rnd(&s);
        k_word_t tag = cptr < FUZZ_SLOTS ? k_debug_cap_identify(cptr) : 0;
        if (n == SYS_CALL && (cptr >= FUZZ_SLOTS || (tag == 4 && !answered))) n = SYS_NB_SEND;
        /* Sends to our own TCB are invocations that could simply suspend us: the
         * invocation fuzzer above covers TCBs. */
        if (tag == 12 && (n == SYS_CALL || n == SYS_NB_SEND)) continue;
        /* Compute everything first: a function call between setting the register
         * variables and the ecall would overwrite them. */
        k_word_t info = k_msginfo_new(rnd(&s) % 40, 0, rnd(&s) % 4, rnd(&s) % 8);
        k_word_t v2 = arg(&s), v3 = arg(&s), v4 = arg(&s), v5 = arg(&s);
        register k_word_t a0 __asm__("a0") = cptr;
        register k_word_t a1 __asm__("a1") = info;
        register k_word_t a2 __asm__("a2") = v2, a3 __asm__("a3") = v3;
        register k_word_t a4 __asm__("a4") = v4, a5 __asm__("a5") = v5;
        register long a7 __asm__("a7") = n;
        __asm__ volatile("ecall" : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5)
                         : "r"(a7) : "memory");
        /* A receive on the endpoint that took a message (the sender's badge, never 0
         * on the multicore test's endpoint): another fuzzer's fault or Call. */
        if (n == SYS_NB_RECV && tag == 4 && a0 != 0) shared.word[at + 2]++;
        shared.word[at]++;
    }
    shared.word[at + 1] = 1;
}

TEST(fuzz_random_system_calls_and_faults)
{
    k_cptr_t ut = untyped_at_least(22);
    k_cptr_t pool = make_object(ut, K_UNTYPED_OBJECT, 21);
    CHECK(pool != 0);
    k_word_t total = 0, faults = 0;
    for (unsigned round = 0; round < ROUNDS / 2; round++) {
        struct vspace vs = { 0 };
        struct thread t = { 0 };
        k_cptr_t ep = slot_alloc(), fuzz_ut = slot_alloc();
        shared.word[PROGRESS] = shared.word[PROGRESS + 1] = shared.word[PROGRESS + 3] = 0;
        bool ok = vspace_new(&vs, pool, 0) == K_NO_ERROR &&
                  thread_new(&t, pool, &vs, THREAD_OWN_CSPACE, "xf-fuzz-sys") == K_NO_ERROR &&
                  k_untyped_retype(pool, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, ep, 1) == K_NO_ERROR &&
                  k_untyped_retype(pool, K_UNTYPED_OBJECT, 14, ROOT, 0, 0, fuzz_ut, 1) == K_NO_ERROR;
        CHECK(ok);
        if (!ok) break;
        CHECK_EQ(k_cnode_copy(t.cnode, 2, 4, ROOT, t.cnode, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
        CHECK_EQ(k_cnode_move(t.cnode, 3, 4, ROOT, fuzz_ut, ROOT_DEPTH), K_NO_ERROR);
        CHECK_EQ(k_cnode_copy(t.cnode, 4, 4, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
        /* Its fault endpoint: slot 4 of its own CSpace, the endpoint we listen on. */
        CHECK_EQ(k_tcb_set_space(t.tcb, 4, t.cnode, k_cnode_cap_data(0, 60), vs.root, 0), K_NO_ERROR);
        CHECK(thread_start(&t, c_fuzz_syscalls, 0xd1b54a32d192ed03ul * (round + 1), 0, PROGRESS, 255, true) == K_NO_ERROR);
        k_word_t last = 0;
        unsigned idle = 0;
        while (!shared.word[PROGRESS + 1] && idle < 20) {
            /* Serve its faults: resume it after the faulting instruction. */
            k_word_t m[4];
            k_word_t info = k_nb_recv(ep, 0, &m[0], &m[1], &m[2], &m[3]);
            k_word_t label = k_msginfo_label(info);
            if (info && (label == K_FAULT_CAP || label == K_FAULT_UNKNOWN_SYSCALL ||
                         label == K_FAULT_USER_EXCEPTION || label == K_FAULT_VM)) {
                faults++;
                /* Leave it stopped (label 1), then restart it after the instruction. */
                k_reply(k_msginfo_new(1, 0, 0, 0), 0, 0, 0, 0);
                struct k_user_context r;
                if (k_tcb_read_registers(t.tcb, false, 0, K_USER_CONTEXT_WORDS, &r) == K_NO_ERROR) {
                    r.pc = m[0] + 4;
                    k_tcb_write_registers(t.tcb, true, 0, K_USER_CONTEXT_WORDS, &r);
                }
            }
            yield_n(2);
            if (shared.word[PROGRESS] == last) idle++;
            else { idle = 0; last = shared.word[PROGRESS]; }
        }
        total += shared.word[PROGRESS];
        thread_free(&t);
        vspace_free(&vs);
        CHECK_EQ(k_cnode_revoke(ROOT, pool, ROOT_DEPTH), K_NO_ERROR);
        slot_free(ep); slot_free(fuzz_ut);
    }
    printf("  %lu random system calls, %lu faults handled and resumed\n", total, faults);
    CHECK(total >= 1000);
    CHECK(faults >= 10);
    k_cptr_t again = make_object(pool, K_UNTYPED_OBJECT, 21);
    CHECK(again != 0);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

#if CONFIG_MAX_NUM_NODES > 1
/* The invocation fuzzer on every hart at once (issue 13): one fuzzer per hart, each
 * pinned there by TCB_SetAffinity before it starts, all in their own VSpaces and
 * CSpaces but sharing one untyped pool, so their objects interleave in memory and in
 * the derivation tree while the harts take the kernel lock in turn. Each round: every
 * fuzzer must make progress on its hart (a hart that stopped, or a lost wake-up,
 * shows as a fuzzer with no calls), the kernel must stay up, one revoke must take
 * back everything, and afterwards a fresh thread on every hart still runs. */
/* Fewer calls per fuzzer than on one hart: with more vCPUs than host cores, every
 * kernel entry may wait for a lock holder whose vCPU thread the host has descheduled. */
#define SMP_FUZZ_ROUNDS 2
#define SMP_FUZZ_CALLS 600
#define SMP_AT(i) (PROGRESS + 10 + 4 * (i))

static inline k_word_t fuzz_rdtime(void)
{
    k_word_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

/* Fuzzer i of a multicore fuzz round: its counters reset (calls to make: calls), its
 * own VSpace and CSpace from pool, and the start of the one-hart fuzzers' CSpace
 * layout: slot 2 its CNode, slot 3 an untyped of 2^ut_bits (made in *fut first). */
static bool smp_fuzzer_new(unsigned i, struct vspace *vs, struct thread *t, k_cptr_t pool, k_cptr_t *fut,
                           const char *name, unsigned ut_bits, k_word_t calls)
{
    *vs = (struct vspace){ 0 };
    *t = (struct thread){ 0 };
    *fut = slot_alloc();
    shared.word[SMP_AT(i)] = shared.word[SMP_AT(i) + 1] = shared.word[SMP_AT(i) + 2] = 0;
    shared.word[SMP_AT(i) + 3] = calls;
    if (vspace_new(vs, pool, 0) != K_NO_ERROR ||
        thread_new(t, pool, vs, THREAD_OWN_CSPACE, name) != K_NO_ERROR ||
        k_untyped_retype(pool, K_UNTYPED_OBJECT, ut_bits, ROOT, 0, 0, *fut, 1) != K_NO_ERROR)
        return false;
    CHECK_EQ(k_cnode_copy(t->cnode, 2, 4, ROOT, t->cnode, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    CHECK_EQ(k_cnode_move(t->cnode, 3, 4, ROOT, *fut, ROOT_DEPTH), K_NO_ERROR);
    return true;
}

/* After a round, with everything made from pool taken back: a new thread pinned to
 * each hart must run there (a hart that stopped, or a lost wake-up, shows here). */
static void every_hart_runs_a_new_thread(k_cptr_t pool, unsigned n, unsigned round)
{
    struct thread c = { 0 };
    for (unsigned i = 0; i < n; i++) {
        shared.word[SMP_AT(9)] = 0;
        CHECK_EQ(thread_new(&c, pool, 0, 0, "smp-fuzz-after"), K_NO_ERROR);
        CHECK_EQ(thread_start(&c, child_store, SMP_AT(9), 0x77 + i, 0, 255, false), K_NO_ERROR);
        CHECK_EQ(k_tcb_set_affinity(c.tcb, i), K_NO_ERROR);
        CHECK_EQ(k_tcb_resume(c.tcb), K_NO_ERROR);
        /* Spin, not yield: a thread started on another hart waits for that
         * hart's wake-up (an IPI), however many times we yield; ~5 s at most. */
        k_word_t t0 = fuzz_rdtime();
        while (shared.word[SMP_AT(9)] != 0x77 + i && fuzz_rdtime() - t0 < 50000000ul)
            if (i == 0) k_yield();
        if (shared.word[SMP_AT(9)] != 0x77 + i) printf("  round %u: node %u ran no new thread\n", round, i);
        CHECK_EQ(shared.word[SMP_AT(9)], 0x77 + i);
        thread_free(&c);
        CHECK_EQ(k_cnode_revoke(ROOT, pool, ROOT_DEPTH), K_NO_ERROR);
    }
}

/* The end of a multicore fuzz round: add up each fuzzer's counters (calls, finished,
 * and its third word into *third; a fuzzer with no call is silent, and said so), free
 * the fuzzers, take everything back from pool (the shared endpoint ep goes too), and
 * see that every hart still runs a new thread. */
static void smp_round_end(unsigned *silent, unsigned *finished, k_word_t *total, k_word_t *third,
                          const char *what, unsigned round, unsigned n, struct vspace *vs,
                          struct thread *t, k_cptr_t *fut, k_cptr_t pool, k_cptr_t ep)
{
    for (unsigned i = 0; i < n; i++) {
        if (shared.word[SMP_AT(i)] == 0) {
            printf("  round %u: the %s on node %u made no call\n", round, what, i);
            (*silent)++;
        }
        if (shared.word[SMP_AT(i) + 1]) (*finished)++;
        *total += shared.word[SMP_AT(i)];
        *third += shared.word[SMP_AT(i) + 2];
    }
    for (unsigned i = 0; i < n; i++) { thread_free(&t[i]); vspace_free(&vs[i]); }
    CHECK_EQ(k_cnode_revoke(ROOT, pool, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(ep), 0);
    for (unsigned i = 0; i < n; i++) slot_free(fut[i]);
    slot_free(ep);
    every_hart_runs_a_new_thread(pool, n, round);
}

TEST(fuzz_random_invocations_on_every_hart_at_once)
{
    unsigned n = (unsigned)bi->num_nodes;
    if (n < 2) { printf("  one hart: skipped\n"); return; }
    k_cptr_t ut = untyped_at_least(22);
    k_cptr_t pool = make_object(ut, K_UNTYPED_OBJECT, 21);
    CHECK(pool != 0);
    k_word_t total = 0, succeeded = 0;
    unsigned silent = 0, finished = 0;
    for (unsigned round = 0; round < SMP_FUZZ_ROUNDS && pool; round++) {
        static struct vspace vs[CONFIG_MAX_NUM_NODES];
        static struct thread t[CONFIG_MAX_NUM_NODES];
        k_cptr_t fut[CONFIG_MAX_NUM_NODES], ep = slot_alloc(), ntf = slot_alloc();
        bool ok = k_untyped_retype(pool, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, ep, 1) == K_NO_ERROR &&
                  k_untyped_retype(pool, K_NOTIFICATION_OBJECT, 0, ROOT, 0, 0, ntf, 1) == K_NO_ERROR;
        for (unsigned i = 0; i < n; i++) {
            ok = ok && smp_fuzzer_new(i, &vs[i], &t[i], pool, &fut[i], "xf-fuzz-smp", 15, SMP_FUZZ_CALLS);
            if (!ok) break;
            /* The same CSpace layout as the one-hart fuzzer; the endpoint and the
             * notification are shared by all, so they also meet in their queues. */
            CHECK_EQ(k_cnode_copy(t[i].cnode, 4, 4, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
            CHECK_EQ(k_cnode_copy(t[i].cnode, 5, 4, ROOT, ntf, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
            CHECK_EQ(k_cnode_copy(t[i].cnode, 6, 4, ROOT, vs[i].root, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
            CHECK_EQ(k_cnode_copy(t[i].cnode, 7, 4, ROOT, K_CAP_INIT_THREAD_ASID_POOL, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
            ok = thread_start(&t[i], c_fuzz, 0xbf58476d1ce4e5b9ul * (round * 8 + i + 1), t[i].ipc_va,
                              SMP_AT(i), 255, false) == K_NO_ERROR &&
                 k_tcb_set_affinity(t[i].tcb, i) == K_NO_ERROR;
        }
        CHECK(ok);
        if (!ok) break;
        /* All pinned and ready: start them together. */
        for (unsigned i = 0; i < n; i++) CHECK_EQ(k_tcb_resume(t[i].tcb), K_NO_ERROR);
        /* Watch (yielding, so node 0's fuzzer runs too) until every one has finished
         * or made no progress for 20 looks. */
        k_word_t last[CONFIG_MAX_NUM_NODES] = { 0 };
        unsigned idle = 0;
        for (;;) {
            bool all_done = true, moved = false;
            for (unsigned i = 0; i < n; i++) {
                if (!shared.word[SMP_AT(i) + 1]) all_done = false;
                if (shared.word[SMP_AT(i)] != last[i]) { moved = true; last[i] = shared.word[SMP_AT(i)]; }
            }
            if (all_done || idle >= 20) break;
            idle = moved ? 0 : idle + 1;
            k_word_t t0 = fuzz_rdtime();
            while (fuzz_rdtime() - t0 < 20000) yield_n(1);
        }
        /* Calls per node, each round: a slow hart and a stuck one look different. */
        printf("  round %u: calls per node:", round);
        for (unsigned i = 0; i < n; i++) printf(" %lu", shared.word[SMP_AT(i)]);
        printf("\n");
        smp_round_end(&silent, &finished, &total, &succeeded, "fuzzer", round, n, vs, t, fut, pool, ep);
        slot_free(ntf);
    }
    printf("  %lu random invocations on %u harts at once in %u rounds, %lu succeeded (%u fuzzers ran to the end)\n",
           total, n, SMP_FUZZ_ROUNDS, succeeded, finished);
    CHECK_EQ(silent, 0);
    CHECK(total >= 1000);
    CHECK(succeeded * 20 >= total);
    k_cptr_t again = make_object(pool, K_UNTYPED_OBJECT, 21);
    CHECK(again != 0);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    for (unsigned i = 0; i < CONFIG_MAX_NUM_NODES + 2; i++) shared.word[SMP_AT(i) + 3] = 0;
}

/* The system-call fuzzer on every hart at once (issue 13): one per hart, pinned there
 * before it is resumed, each in its own VSpace and CSpace, all from one untyped pool,
 * with slot 4 of every CSpace the same endpoint, which is also every fuzzer's fault
 * endpoint. So their faults queue there from every hart, and what their NBRecvs take
 * from that queue (another hart's fault or Call) their Replies may answer. We serve the
 * queue from node 0 as the one-hart test does, replying to everything; each fuzzer's
 * slot 4 is badged with its number + 1, which tells us whose fault arrived. Checks: the
 * kernel stays up, every hart's fuzzer made calls, faults came (and were resumed)
 * from at least two harts, every message bore one of our badges, one revoke returns
 * the pool, and afterwards a new thread on every hart runs. */
/* Counters in shared.word[SMP_AT(i)...] as the invocation fuzzer's (calls, finished,
 * messages taken, calls to make). Modest sizes: each fault costs several cross-hart
 * hand-offs (the reply wakes the fuzzer's hart, reading and writing its registers
 * stall it there), and under TCG on a busy host each may wait for a vCPU thread. */
#define SYS_SMP_ROUNDS 2
#define SYS_SMP_CALLS 300
#define SYS_SMP_IDLE 20           /* looks of 20,000 rdtime ticks with no call made */
#define SYS_SMP_START_WAIT 1000   /* the same while a fuzzer has made no call at all */

static bool is_fault_label(k_word_t label)
{
    return label == K_FAULT_CAP || label == K_FAULT_UNKNOWN_SYSCALL ||
           label == K_FAULT_USER_EXCEPTION || label == K_FAULT_VM;
}

TEST(fuzz_random_system_calls_on_every_hart_at_once)
{
    unsigned n = (unsigned)bi->num_nodes;
    if (n < 2) { printf("  one hart: skipped\n"); return; }
    k_cptr_t ut = untyped_at_least(22);
    k_cptr_t pool = make_object(ut, K_UNTYPED_OBJECT, 21);
    CHECK(pool != 0);
    k_word_t total = 0, received = 0, taken = 0, bad_badge = 0, faults[CONFIG_MAX_NUM_NODES] = { 0 };
    k_word_t tstart = fuzz_rdtime();
    unsigned silent = 0, finished = 0;
    for (unsigned round = 0; round < SYS_SMP_ROUNDS && pool; round++) {
        static struct vspace vs[CONFIG_MAX_NUM_NODES];
        static struct thread t[CONFIG_MAX_NUM_NODES];
        k_cptr_t fut[CONFIG_MAX_NUM_NODES], ep = slot_alloc();
        bool ok = k_untyped_retype(pool, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, ep, 1) == K_NO_ERROR;
        for (unsigned i = 0; i < n; i++) {
            ok = ok && smp_fuzzer_new(i, &vs[i], &t[i], pool, &fut[i], "xf-fuzz-sys-smp", 14, SYS_SMP_CALLS);
            if (!ok) break;
            /* The one-hart layout: 1 its TCB, 2 its CNode, 3 untyped, 4 the endpoint. */
            CHECK_EQ(k_cnode_mint(t[i].cnode, 4, 4, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL, i + 1), K_NO_ERROR);
            CHECK_EQ(k_tcb_set_space(t[i].tcb, 4, t[i].cnode, k_cnode_cap_data(0, 60), vs[i].root, 0), K_NO_ERROR);
            /* Node 0's fuzzer at our priority (it runs when we yield); the others just
             * below it: we never block, so one that was not on a hart of its own would
             * never run, and would show as silent. */
            ok = thread_start(&t[i], c_fuzz_syscalls, 0x94d049bb133111ebul * (round * 8 + i + 1), 1,
                              SMP_AT(i), i ? 254 : 255, false) == K_NO_ERROR &&
                 k_tcb_set_affinity(t[i].tcb, i) == K_NO_ERROR;
        }
        CHECK(ok);
        if (!ok) break;
        for (unsigned i = 0; i < n; i++) CHECK_EQ(k_tcb_resume(t[i].tcb), K_NO_ERROR);
        /* Serve the endpoint until every fuzzer has finished or none made a call for
         * SYS_SMP_IDLE looks (a fuzzer may well have stopped itself, or wait for a
         * reply another fuzzer will never send: that is its business). */
        k_word_t last[CONFIG_MAX_NUM_NODES] = { 0 };
        unsigned idle = 0;
        k_word_t t0 = fuzz_rdtime();
        for (;;) {
            k_word_t badge = 0, m[4];
            k_word_t info = k_nb_recv(ep, &badge, &m[0], &m[1], &m[2], &m[3]);
            if (info || badge) {
                received++;
                /* Label 1: a Call gets its answer; a fault that can be left stopped
                 * stays stopped (a VM or capability fault resumes and retries). */
                k_reply(k_msginfo_new(1, 0, 0, 0), 0, 0, 0, 0);
                if (badge < 1 || badge > n) bad_badge++;
                /* A fault (not a Call that merely has a fault's label) leaves its
                 * sender at the faulting pc: restart it after the instruction. */
                struct k_user_context r;
                if (badge >= 1 && badge <= n && is_fault_label(k_msginfo_label(info)) &&
                    k_tcb_read_registers(t[badge - 1].tcb, false, 0, K_USER_CONTEXT_WORDS, &r) == K_NO_ERROR &&
                    r.pc == m[0]) {
                    r.pc = m[0] + 4;
                    if (k_tcb_write_registers(t[badge - 1].tcb, true, 0, K_USER_CONTEXT_WORDS, &r) == K_NO_ERROR)
                        faults[badge - 1]++;
                }
            } else {
                k_yield();   /* node 0's fuzzer runs too */
            }
            if (fuzz_rdtime() - t0 < 20000) continue;
            t0 = fuzz_rdtime();
            bool all_done = true, moved = false, all_started = true;
            for (unsigned i = 0; i < n; i++) {
                if (!shared.word[SMP_AT(i) + 1]) all_done = false;
                if (!shared.word[SMP_AT(i)]) all_started = false;
                if (shared.word[SMP_AT(i)] != last[i]) { moved = true; last[i] = shared.word[SMP_AT(i)]; }
            }
            /* A fuzzer not started yet may only be waiting for the host to run its
             * hart's vCPU: give it much longer before calling it silent. */
            if (all_done || idle >= (all_started ? SYS_SMP_IDLE : SYS_SMP_START_WAIT)) break;
            idle = moved ? 0 : idle + 1;
        }
        smp_round_end(&silent, &finished, &total, &taken, "system-call fuzzer", round, n, vs, t, fut, pool, ep);
    }
    k_word_t resumed = 0;
    unsigned harts_faulted = 0;
    for (unsigned i = 0; i < n; i++) {
        resumed += faults[i];
        if (faults[i]) harts_faulted++;
    }
    printf("  %lu random system calls on %u harts at once in %u rounds, %lu messages served, "
           "%lu faults resumed from %u harts (per node:", total, n, SYS_SMP_ROUNDS, received, resumed,
           harts_faulted);
    for (unsigned i = 0; i < n; i++) printf(" %lu", faults[i]);
    printf("; %lu taken by other fuzzers; %u fuzzers ran to the end) in %lu rdtime ticks\n", taken, finished,
           fuzz_rdtime() - tstart);
    CHECK_EQ(silent, 0);
    CHECK_EQ(bad_badge, 0);
    CHECK(harts_faulted >= 2);
    CHECK(total >= 500);
    k_cptr_t again = make_object(pool, K_UNTYPED_OBJECT, 21);
    CHECK(again != 0);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    for (unsigned i = 0; i < CONFIG_MAX_NUM_NODES + 2; i++) shared.word[SMP_AT(i) + 3] = 0;
}
#endif
