/* Tests written for mutants that survived tools/mutate (docs/testing.md, "Mutation
 * testing"): each names the one-line kernel change it catches. The behaviour asserted
 * is seL4 13.0.0's (non-MCS). Children run in our VSpace and CNode at our priority;
 * where a broken kernel could keep a message from arriving we poll (NBRecv or flags
 * and yield) instead of blocking. */
#include "thread_util.h"

#define PRIO 255
#define W(i) shared.word[i]

static k_cptr_t m_obj(k_cptr_t ut, k_word_t type)
{
    k_cptr_t s = tslot_alloc();
    if (k_untyped_retype(ut, type, 0, ROOT, 0, 0, s, 1)) {
        printf("  retype of type %lu failed\n", type);
        return 0;
    }
    return s;
}

static k_cptr_t m_mint(k_cptr_t src, k_word_t rights, k_word_t badge)
{
    k_cptr_t s = tslot_alloc();
    if (k_cnode_mint(ROOT, s, ROOT_DEPTH, ROOT, src, ROOT_DEPTH, rights, badge)) {
        printf("  mint failed\n");
        return 0;
    }
    return s;
}

/* NBRecv on ep, yielding in between, until a message comes (senders here use a
 * nonzero label); returns its message info or 0. */
static k_word_t m_poll_recv(k_cptr_t ep, k_word_t *badge, k_word_t *mr0)
{
    for (unsigned i = 0; i < 20; i++) {
        k_word_t info = k_nb_recv(ep, badge, mr0, 0, 0, 0);
        if (info) return info;
        k_yield();
    }
    return 0;
}

/* Receive once on ep: W(idx+1) = MR0, W(idx) = 1. */
static void c_recv(k_word_t ep, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    k_word_t badge = 0, m0 = 0;
    k_recv(ep, &badge, &m0, 0, 0, 0);
    W(idx + 1) = m0;
    W(idx) = 1;
}

/* Send 0x51 through cap (blocking: nobody listens yet), W(idx) = 1; then receive on
 * ep: W(idx+2) = MR0, W(idx+1) = 1. */
static void c_send_then_recv(k_word_t cap, k_word_t ep, k_word_t idx, k_cptr_t self)
{
    (void)self;
    k_send(cap, k_msginfo_new(7, 0, 0, 1), 0x51, 0, 0, 0);
    W(idx) = 1;
    k_word_t badge = 0, m0 = 0;
    k_recv(ep, &badge, &m0, 0, 0, 0);
    W(idx + 2) = m0;
    W(idx + 1) = 1;
}

/* CancelBadgedSends touches only a queue of SENDERS: a receiver waiting on the
 * endpoint keeps its place even if its last (blocked) Send used the badge being
 * cancelled (seL4 cancelBadgedSends: Idle and Recv states do nothing). Catches, in
 * ep_cancel_badged_sends, the "queue holds senders" check dropped or its || made &&
 * (the receiver, whose stale send badge matches, is restarted behind the other). */
TEST(mut_cancel_badged_sends_leaves_receivers)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT);
    k_cptr_t b5 = m_mint(ep, K_CAP_RIGHTS_ALL, 5);
    struct thread r1 = { 0 }, r2 = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&r1, ut, NULL, 0, "mut-recv-1"), K_NO_ERROR);
    CHECK_EQ(thread_new(&r2, ut, NULL, 0, "mut-recv-2"), K_NO_ERROR);
    CHECK_EQ(thread_start(&r1, c_send_then_recv, b5, ep, 0, PRIO, true), K_NO_ERROR);
    k_yield();                                     /* r1 blocks sending with badge 5 */
    k_word_t badge = 0, m0 = 0;
    CHECK(m_poll_recv(ep, &badge, &m0));
    CHECK_EQ(badge, 5);
    CHECK_EQ(m0, 0x51);
    CHECK(YIELD_UNTIL(W(0) == 1, 10));             /* r1 sent, now waits to receive */
    CHECK_EQ(thread_start(&r2, c_recv, ep, 10, 0, PRIO, true), K_NO_ERROR);
    yield_n(2);                                    /* queue: r1, r2 (both receiving) */
    CHECK_EQ(W(1), 0);
    CHECK_EQ(W(10), 0);
    CHECK_EQ(k_cnode_cancel_badged_sends(ROOT, b5, ROOT_DEPTH), K_NO_ERROR);
    yield_n(3);
    k_nb_send(ep, k_msginfo_new(7, 0, 0, 1), 0xa1, 0, 0, 0);   /* to the queue's head */
    CHECK(YIELD_UNTIL(W(1) == 1 || W(10) == 1, 10));
    CHECK_EQ(W(1), 1);                             /* r1 still first */
    CHECK_EQ(W(2), 0xa1);
    CHECK_EQ(W(10), 0);
    k_nb_send(ep, k_msginfo_new(7, 0, 0, 1), 0xa2, 0, 0, 0);
    CHECK(YIELD_UNTIL(W(10) == 1, 10));
    CHECK_EQ(W(11), 0xa2);
    thread_free(&r1);
    thread_free(&r2);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(b5);
}
