/* CSpace lookups through two levels, in target, against seL4's rules ("CSpace
 * Addressing" and the lookup failure words of "Errors" and capability faults in the
 * seL4 manual): at each CNode the guard is checked first, then the level must fit in
 * the bits left; an invocation's lookup must consume exactly its depth, a system call's
 * stops at the first slot that is not a CNode.
 *
 * The tree: L1 (16 slots) holds at index 3 a cap to L2 (16 slots) with a 2-bit guard
 * 0x2, and at index 4 a cap to the same L2 with a 4-bit guard 0. We address it
 *   from our CNode, through a cap to L1 with a 4-bit guard 0x5: [0x5][3][0x2][7] is
 *   L2's slot 7 at depth 14;
 *   from a thread whose CSpace root is L1 with a 54-bit guard 0: 64-bit cptrs
 *   [0 x54][3][0x2][i] name L2's slot i. */
#include "thread_util.h"

#define W(i) shared.word[i]

/* Path bits of the invocation tests. */
#define L1_GUARD 0x5ul
#define L2_GUARD 0x2ul
#define PATH(i1, g2, i2) ((((((L1_GUARD << 4) | (i1)) << 2) | (g2)) << 4) | (i2))
#define DEPTH 14

struct tree { k_cptr_t l1, l1_raw, l2; };

static bool tree_new(struct tree *t, k_cptr_t ut)
{
    t->l1_raw = make_object(ut, K_CAPTABLE_OBJECT, 4);
    k_cptr_t l2 = make_object(ut, K_CAPTABLE_OBJECT, 4);
    t->l1 = tslot_alloc();
    t->l2 = l2;
    return t->l1_raw && l2 &&
           k_cnode_mint(ROOT, t->l1, ROOT_DEPTH, ROOT, t->l1_raw, ROOT_DEPTH, K_CAP_RIGHTS_ALL,
                        k_cnode_cap_data(L1_GUARD, 4)) == K_NO_ERROR &&
           k_cnode_mint(t->l1, (L1_GUARD << 4) | 3, 8, ROOT, l2, ROOT_DEPTH, K_CAP_RIGHTS_ALL,
                        k_cnode_cap_data(L2_GUARD, 2)) == K_NO_ERROR &&
           k_cnode_mint(t->l1, (L1_GUARD << 4) | 4, 8, ROOT, l2, ROOT_DEPTH, K_CAP_RIGHTS_ALL,
                        k_cnode_cap_data(0, 4)) == K_NO_ERROR;
}

/* The FailedLookup details of the last invocation: MR0 was-source, MR1 type, MR2 bits
 * left, then bits found (depth) or guard found and bits found (guard). */
static void check_failure(int line, k_word_t source, k_word_t type, k_word_t left, k_word_t w3,
                          k_word_t w4)
{
    k_word_t got[5] = { k_last_mr(0), k_last_mr(1), k_last_mr(2), k_last_mr(3), k_last_mr(4) };
    k_word_t want[5] = { source, type, left, w3, w4 };
    unsigned n = type == K_GUARD_MISMATCH ? 5 : 4;
    for (unsigned i = 0; i < n; i++)
        if (got[i] != want[i]) {
            printf("  check failed at line %d: lookup failure word %u is 0x%lx, not 0x%lx\n",
                   line, i, got[i], want[i]);
            ktest_failures++;
        }
}

/* Depth one too large or too small gives DepthMismatch, a guard one bit off (at either
 * level, either end of the guard) GuardMismatch, each with seL4's words; the exact path
 * resolves. Catches: the guard compared off by a bit or not at all, `level > bits`
 * turned into `>=` (the exact path would fail) or dropped, the "bits left at a slot that
 * is not a CNode" check dropped (depth + 1 would resolve), wrong failure words. */
TEST(conf_lookup_two_levels_depth_and_guard)
{
    k_cptr_t ut = untyped_at_least(20);
    struct tree t;
    CHECK(tree_new(&t, ut));
    k_cptr_t ep = make_object(ut, K_ENDPOINT_OBJECT, 0), back = tslot_alloc();
    const k_word_t good = PATH(3, L2_GUARD, 7);
    CHECK_EQ(k_cnode_copy(t.l1, good, DEPTH, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    CHECK_EQ(k_cnode_copy(t.l1, good, DEPTH, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_DELETE_FIRST);
    CHECK_EQ(k_cnode_copy(ROOT, back, ROOT_DEPTH, t.l1, good, DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(back), k_debug_cap_identify(ep));
    CHECK(k_debug_cap_identify(back) != 0);

    /* One bit too deep: L2's slot is reached with 1 bit left, and holds no CNode. */
    CHECK_EQ(k_cnode_delete(t.l1, good << 1, DEPTH + 1), K_FAILED_LOOKUP);
    check_failure(__LINE__, 0, K_DEPTH_MISMATCH, 1, 0, 0);
    /* One bit too shallow: L2 (guard 2 + radix 4) needs 6 bits, 5 are left. */
    CHECK_EQ(k_cnode_delete(t.l1, good >> 1, DEPTH - 1), K_FAILED_LOOKUP);
    check_failure(__LINE__, 0, K_DEPTH_MISMATCH, 5, 6, 0);
    /* L1's guard with its lowest, then its highest bit flipped. */
    CHECK_EQ(k_cnode_delete(t.l1, good ^ (1ul << 10), DEPTH), K_FAILED_LOOKUP);
    check_failure(__LINE__, 0, K_GUARD_MISMATCH, 14, L1_GUARD, 4);
    CHECK_EQ(k_cnode_delete(t.l1, good ^ (1ul << 13), DEPTH), K_FAILED_LOOKUP);
    check_failure(__LINE__, 0, K_GUARD_MISMATCH, 14, L1_GUARD, 4);
    /* L2's guard one bit off (0x3, then 0x0). */
    CHECK_EQ(k_cnode_delete(t.l1, good ^ (1ul << 4), DEPTH), K_FAILED_LOOKUP);
    check_failure(__LINE__, 0, K_GUARD_MISMATCH, 6, L2_GUARD, 2);
    CHECK_EQ(k_cnode_delete(t.l1, good ^ (2ul << 4), DEPTH), K_FAILED_LOOKUP);
    check_failure(__LINE__, 0, K_GUARD_MISMATCH, 6, L2_GUARD, 2);
    /* Through the 4-bit-guard cap at L1 index 4 (its guard, bits 5..2, matches): 8 bits
     * needed, 6 left. */
    CHECK_EQ(k_cnode_delete(t.l1, PATH(4, 0, 3), DEPTH), K_FAILED_LOOKUP);
    check_failure(__LINE__, 0, K_DEPTH_MISMATCH, 6, 8, 0);
    /* The same failure on the source side says so in MR0. */
    k_cptr_t back2 = tslot_alloc();
    CHECK_EQ(k_cnode_copy(ROOT, back2, ROOT_DEPTH, t.l1, good ^ (1ul << 4), DEPTH, K_CAP_RIGHTS_ALL),
             K_FAILED_LOOKUP);
    check_failure(__LINE__, 1, K_GUARD_MISMATCH, 6, L2_GUARD, 2);
    CHECK_EQ(k_debug_cap_identify(back2), 0);
    /* None of the failures touched the slot: it still holds the copy. */
    CHECK_EQ(k_cnode_delete(t.l1, good, DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_copy(t.l1, good, DEPTH, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(t.l1);
    tslot_free(back);
    tslot_free(back2);
    slot_free(t.l1_raw);
    slot_free(t.l2);
    slot_free(ep);
}

/* A child whose CSpace is the tree: signal (or wait on, if wait) cptr, then W(idx) = 1
 * and spin (its own TCB cap is not in that CSpace, so it must never return). */
static void c_signal_cptr(k_word_t cptr, k_word_t idx, k_word_t wait, k_cptr_t self)
{
    (void)self;
    if (wait) k_wait(cptr);
    else k_signal(cptr);
    W(idx) = 1;
    for (;;) k_yield();
}

/* In the child's 64-bit CSpace: [0 x54][i1][g2][i2]. */
#define CPTR(i1, g2, i2) (((k_word_t)(i1) << 6) | ((k_word_t)(g2) << 4) | (i2))

/* The same lookups made by a thread's system calls, whose failures come to its fault
 * handler as capability faults (MR1 the cptr, MR2 InRecvPhase, MR3 the failure type,
 * MR4 bits left, MR5 bits found / guard found, MR6 guard bits found). A good path
 * resolves, and a lookup that meets a non-CNode slot with bits left stops there.
 * Catches: the same lookup breaks as above, seen through fault_message()'s words. */
TEST(conf_lookup_two_levels_through_capability_faults)
{
    k_cptr_t ut = untyped_at_least(20);
    struct tree t;
    CHECK(tree_new(&t, ut));
    k_cptr_t fault = make_object(ut, K_ENDPOINT_OBJECT, 0);
    k_cptr_t n = make_object(ut, K_NOTIFICATION_OBJECT, 0);
    /* L2 slot 5: our fault endpoint (badged); L2 slot 7 and L1 slot 5: the notification,
     * badges 1 and 2. */
    CHECK_EQ(k_cnode_mint(t.l1, PATH(3, L2_GUARD, 5), DEPTH, ROOT, fault, ROOT_DEPTH,
                          K_CAP_RIGHTS_ALL, 0xfc), K_NO_ERROR);
    CHECK_EQ(k_cnode_mint(t.l1, PATH(3, L2_GUARD, 7), DEPTH, ROOT, n, ROOT_DEPTH, K_CAP_RIGHTS_ALL, 1),
             K_NO_ERROR);
    CHECK_EQ(k_cnode_mint(t.l1, (L1_GUARD << 4) | 5, 8, ROOT, n, ROOT_DEPTH, K_CAP_RIGHTS_ALL, 2),
             K_NO_ERROR);
    struct thread c = { 0 };
    CHECK_EQ(thread_new(&c, ut, NULL, 0, "conf-lookup-fault"), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_space(c.tcb, CPTR(3, L2_GUARD, 5), t.l1, k_cnode_cap_data(0, 54),
                             K_CAP_INIT_THREAD_VSPACE, 0), K_NO_ERROR);

    /* Good paths: the full one, and one that stops at L1's slot 5 with 6 bits left. */
    shared_clear();
    CHECK_EQ(thread_start(&c, c_signal_cptr, CPTR(3, L2_GUARD, 7), 0, 0, 255, true), K_NO_ERROR);
    CHECK(YIELD_UNTIL(W(0) == 1, 10));
    CHECK_EQ(k_poll(n), 1);
    shared_clear();
    CHECK_EQ(thread_start(&c, c_signal_cptr, CPTR(5, 2, 0xa), 0, 0, 255, true), K_NO_ERROR);
    CHECK(YIELD_UNTIL(W(0) == 1, 10));
    CHECK_EQ(k_poll(n), 2);

    static const struct {
        k_word_t cptr, wait, type, left, w5, w6;
    } bad[] = {
        { CPTR(3, L2_GUARD, 7) | (1ul << 10), 0, K_GUARD_MISMATCH, 64, 0, 54 },   /* L1 guard */
        { CPTR(3, L2_GUARD, 7) | (1ul << 63), 1, K_GUARD_MISMATCH, 64, 0, 54 },
        { CPTR(3, L2_GUARD ^ 1, 7), 0, K_GUARD_MISMATCH, 6, L2_GUARD, 2 },         /* L2 guard */
        { CPTR(4, 0, 3), 1, K_DEPTH_MISMATCH, 6, 8, 0 },                         /* too deep */
    };
    struct k_ipc_buffer *me = k_ipc_buffer();
    for (unsigned k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        shared_clear();
        CHECK_EQ(thread_start(&c, c_signal_cptr, bad[k].cptr, 0, bad[k].wait, 255, true), K_NO_ERROR);
        k_word_t badge = 0, m[4] = { 0 }, info = 0;
        for (unsigned i = 0; i < 20 && !badge; i++) {
            info = k_nb_recv(fault, &badge, &m[0], &m[1], &m[2], &m[3]);
            if (!badge) k_yield();
        }
        CHECK_EQ(badge, 0xfc);
        CHECK_EQ(k_msginfo_label(info), K_FAULT_CAP);
        CHECK_EQ(m[K_CAP_FAULT_ADDR], bad[k].cptr);
        CHECK_EQ(m[K_CAP_FAULT_IN_RECV_PHASE], bad[k].wait);
        CHECK_EQ(m[K_CAP_FAULT_LOOKUP_FAILURE_TYPE], bad[k].type);
        CHECK_EQ(me->msg[K_CAP_FAULT_BITS_LEFT], bad[k].left);
        CHECK_EQ(me->msg[5], bad[k].w5);
        if (bad[k].type == K_GUARD_MISMATCH) {
            CHECK_EQ(me->msg[K_CAP_FAULT_GUARD_MISMATCH_BITS_FOUND], bad[k].w6);
            CHECK_EQ(k_msginfo_length(info), 7);
        } else {
            CHECK_EQ(k_msginfo_length(info), 6);
        }
        CHECK_EQ(W(0), 0);
    }
    CHECK_EQ(k_poll(n), 0);                          /* no bad cptr signalled anything */
    thread_free(&c);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(t.l1);
    slot_free(t.l1_raw);
    slot_free(t.l2);
    slot_free(fault);
    slot_free(n);
}
