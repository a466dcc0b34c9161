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

/* Receive once on ep: W(idx+1) = MR0, W(idx+2) = the message info, W(idx) = 1. */
static void c_recv(k_word_t ep, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    k_word_t badge = 0, m0 = 0;
    k_word_t info = k_recv(ep, &badge, &m0, 0, 0, 0);
    W(idx + 1) = m0;
    W(idx + 2) = info;
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

/* Call cap with label 1, MR0 = v: W(idx+1) = reply MR0, W(idx) = 1. */
static void c_call(k_word_t cap, k_word_t v, k_word_t idx, k_cptr_t self)
{
    (void)self;
    k_word_t m0 = v;
    k_call(cap, k_msginfo_new(1, 0, 0, 1), &m0, 0, 0, 0);
    W(idx + 1) = m0;
    W(idx) = 1;
}

/* Suspending a thread blocked waiting for its reply deletes the reply cap to it,
 * wherever the receiver keeps it (seL4 cancelIPC, BlockedOnReply: the caller cap, the
 * child of the thread's reply slot, is deleted). Seen through SaveCaller, which
 * answers DeleteFirst for an occupied slot. Catches, in ipc_cancel, the check that
 * finds the outstanding reply cap turned off (the cap would outlive the Call). */
TEST(mut_suspend_caller_deletes_its_reply_cap)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT);
    k_cptr_t saved = tslot_alloc();
    struct thread c = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&c, ut, NULL, 0, "mut-caller"), K_NO_ERROR);
    CHECK_EQ(thread_start(&c, c_call, ep, 0x31, 0, PRIO, true), K_NO_ERROR);
    k_word_t badge = 0, m0 = 0;
    CHECK_EQ(k_msginfo_label(m_poll_recv(ep, &badge, &m0)), 1);
    CHECK_EQ(m0, 0x31);
    CHECK_EQ(k_cnode_save_caller(ROOT, saved, ROOT_DEPTH), K_NO_ERROR);
    /* The slot holds the reply cap now: saving into it again is refused. */
    CHECK_EQ(k_cnode_save_caller(ROOT, saved, ROOT_DEPTH), K_DELETE_FIRST);
    CHECK_EQ(k_tcb_suspend(c.tcb), K_NO_ERROR);
    /* The reply cap died with the Call: the slot is empty again. */
    CHECK_EQ(k_cnode_save_caller(ROOT, saved, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(W(0), 0);                            /* the caller never got an answer */
    k_cnode_delete(ROOT, saved, ROOT_DEPTH);
    tslot_free(saved);
    thread_free(&c);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
}

/* A receiver whose receive CNode CPtr does not resolve (here: a guard mismatch in our
 * CSpace) gets the message without the cap (seL4 getReceiveSlots: a failed lookup
 * gives no receive slot). The cap stays with the sender. Catches, in receive_slot,
 * the failed-lookup check weakened (`!cn || ...` made `&&`: the kernel would use the
 * missing slot). */
TEST(mut_unresolvable_receive_cnode_takes_no_cap)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT), other = m_obj(ut, K_NOTIFICATION_OBJECT);
    struct thread r = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&r, ut, NULL, 0, "mut-recv-badroot"), K_NO_ERROR);
    struct k_ipc_buffer *rb = (struct k_ipc_buffer *)r.ipc_va;
    rb->receive_cnode = 0xffff000000000000ul;      /* guard mismatch at the root */
    rb->receive_index = 5;
    rb->receive_depth = ROOT_DEPTH;
    CHECK_EQ(thread_start(&r, c_recv, ep, 0, 0, PRIO, true), K_NO_ERROR);
    k_yield();                                     /* it waits on ep */
    k_ipc_buffer()->caps_or_badges[0] = other;
    k_nb_send(ep, k_msginfo_new(7, 0, 1, 1), 0x77, 0, 0, 0);
    CHECK(YIELD_UNTIL(W(0) == 1, 10));
    CHECK_EQ(W(1), 0x77);
    CHECK_EQ(k_msginfo_label(W(2)), 7);
    CHECK_EQ(k_msginfo_extra_caps(W(2)), 0);
    CHECK_EQ(k_msginfo_caps_unwrapped(W(2)), 0);
    rb->receive_cnode = rb->receive_index = rb->receive_depth = 0;
    thread_free(&r);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(other);
}

/* Only the first extraCaps entries of the sender's buffer are capabilities: what lies
 * after them is not looked up, so junk there does not stop the transfer (seL4
 * lookupExtraCaps reads exactly extraCaps CPtrs). Catches, in transfer_caps, the
 * lookup loop running one entry too far (`i < n` made `<=`). */
TEST(mut_cap_transfer_reads_only_extra_caps_entries)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT), ntfn = m_obj(ut, K_NOTIFICATION_OBJECT);
    k_cptr_t dest = tslot_alloc(), check = tslot_alloc();
    struct thread r = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&r, ut, NULL, 0, "mut-recv-cap"), K_NO_ERROR);
    struct k_ipc_buffer *rb = (struct k_ipc_buffer *)r.ipc_va;
    rb->receive_cnode = ROOT;
    rb->receive_index = dest;
    rb->receive_depth = ROOT_DEPTH;
    CHECK_EQ(thread_start(&r, c_recv, ep, 0, 0, PRIO, true), K_NO_ERROR);
    k_yield();                                     /* it waits on ep */
    struct k_ipc_buffer *sb = k_ipc_buffer();
    sb->caps_or_badges[0] = ntfn;
    sb->caps_or_badges[1] = 0xffff000000000000ul;  /* not a cap: past extraCaps */
    k_nb_send(ep, k_msginfo_new(7, 0, 1, 1), 0x78, 0, 0, 0);
    sb->caps_or_badges[1] = 0;
    CHECK(YIELD_UNTIL(W(0) == 1, 10));
    CHECK_EQ(W(1), 0x78);
    CHECK_EQ(k_msginfo_extra_caps(W(2)), 1);
    CHECK_EQ(k_msginfo_caps_unwrapped(W(2)), 0);
    /* The cap arrived in the receive slot: it can be copied from there. */
    CHECK_EQ(k_cnode_copy(ROOT, check, ROOT_DEPTH, ROOT, dest, ROOT_DEPTH, K_CAP_RIGHTS_ALL),
             K_NO_ERROR);
    rb->receive_cnode = rb->receive_index = rb->receive_depth = 0;
    thread_free(&r);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cnode_delete(ROOT, dest, ROOT_DEPTH);
    k_cnode_delete(ROOT, check, ROOT_DEPTH);
    k_cptr_t all[] = { ep, ntfn, dest, check };
    for (unsigned i = 0; i < 4; i++) tslot_free(all[i]);
}

/* Wait on cptr: W(idx+1) = the badge, W(idx) = 1. */
static void c_wait(k_word_t cptr, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    W(idx + 1) = k_wait(cptr);
    W(idx) = 1;
}

/* Give t (made by thread_new in our VSpace) fault endpoint fep. */
static int m_set_fault_ep(struct thread *t, k_cptr_t fep)
{
    return k_tcb_configure(t->tcb, fep, ROOT, 0, K_CAP_INIT_THREAD_VSPACE, 0, t->ipc_va,
                           image_frame_of((const void *)t->ipc_va));
}

/* Expect a capability fault on cptr (in the receive phase if in_recv), of lookup
 * failure type why, to arrive on fep. */
static void m_expect_cap_fault(k_cptr_t fep, k_cptr_t cptr, bool in_recv, k_word_t why)
{
    k_word_t badge = 0, m[4] = { 0, 0, 0, 0 };
    k_word_t info = 0;
    for (unsigned i = 0; i < 20 && !info; i++) {
        info = k_nb_recv(fep, &badge, &m[0], &m[1], &m[2], &m[3]);
        if (!info) k_yield();
    }
    CHECK_EQ(k_msginfo_label(info), K_FAULT_CAP);
    CHECK_EQ(m[1], cptr);                          /* the address: the CPtr */
    CHECK_EQ(m[2], in_recv);
    CHECK_EQ(m[3], why);
}
#define m_expect_recv_cap_fault(fep, cptr, why) m_expect_cap_fault(fep, cptr, true, why)

/* Receiving on a notification: only through a cap with Read, and only by the thread
 * it is bound to, if it is bound (seL4 handleRecv: !capNtfnCanReceive or a bound TCB
 * other than the caller is a missing-capability fault). The bound thread itself waits
 * and receives. Catches, in receive(), `bound == t` made `!=` (the bound thread
 * faults, another waits) and `&&` made `||` in the notification test (a cap without
 * Read would wait). */
TEST(mut_notification_wait_needs_read_and_the_bound_thread)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t fep = m_obj(ut, K_ENDPOINT_OBJECT), n = m_obj(ut, K_NOTIFICATION_OBJECT);
    k_cptr_t n3 = m_mint(n, K_CAP_RIGHTS_ALL, 3);
    k_cptr_t m = m_obj(ut, K_NOTIFICATION_OBJECT), m_wo = m_mint(m, K_CAP_RIGHT_WRITE, 0);
    struct thread b = { 0 }, u = { 0 }, w = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&b, ut, NULL, 0, "xf-mut-bound"), K_NO_ERROR);
    CHECK_EQ(thread_new(&u, ut, NULL, 0, "xf-mut-unbound"), K_NO_ERROR);
    CHECK_EQ(thread_new(&w, ut, NULL, 0, "xf-mut-no-read"), K_NO_ERROR);
    CHECK_EQ(m_set_fault_ep(&b, fep), K_NO_ERROR);
    CHECK_EQ(m_set_fault_ep(&u, fep), K_NO_ERROR);
    CHECK_EQ(m_set_fault_ep(&w, fep), K_NO_ERROR);
    CHECK_EQ(k_tcb_bind_notification(b.tcb, n), K_NO_ERROR);

    /* Another thread waiting on b's notification faults. */
    CHECK_EQ(thread_start(&u, c_wait, n, 0, 0, PRIO, true), K_NO_ERROR);
    m_expect_recv_cap_fault(fep, n, K_MISSING_CAPABILITY);
    CHECK_EQ(W(0), 0);
    /* A cap without Read cannot wait (on an unbound notification). */
    CHECK_EQ(thread_start(&w, c_wait, m_wo, 20, 0, PRIO, true), K_NO_ERROR);
    m_expect_recv_cap_fault(fep, m_wo, K_MISSING_CAPABILITY);
    CHECK_EQ(W(20), 0);
    /* The bound thread waits, and the signal reaches it. */
    CHECK_EQ(thread_start(&b, c_wait, n, 10, 0, PRIO, true), K_NO_ERROR);
    yield_n(2);
    CHECK_EQ(W(10), 0);                            /* blocked, not faulted through */
    k_signal(n3);
    CHECK(YIELD_UNTIL(W(10) == 1, 10));
    CHECK_EQ(W(11), 3);
    k_word_t badge = 0;
    CHECK_EQ(k_nb_recv(fep, &badge, 0, 0, 0, 0), 0); /* and no fault came from it */

    thread_free(&b);
    thread_free(&u);
    thread_free(&w);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { fep, n, n3, m, m_wo };
    for (unsigned i = 0; i < 5; i++) tslot_free(all[i]);
}

/* Receive once on ep (W(idx) = 1), then ReplyRecv with MR0 = 0x99 on cptr src. */
static void c_serve_once(k_word_t ep, k_word_t src, k_word_t idx, k_cptr_t self)
{
    (void)self;
    k_word_t badge = 0, m0 = 0;
    k_recv(ep, &badge, &m0, 0, 0, 0);
    W(idx) = 1;
    m0 = 0x99;
    k_reply_recv(src, k_msginfo_new(0, 0, 0, 1), &badge, &m0, 0, 0, 0);
    W(idx + 1) = 1;
}

/* ReplyRecv whose receive CPtr does not resolve: the reply still goes out, then the
 * server takes a capability fault in the receive phase (seL4 handleReplyRecv:
 * handleReply, then handleRecv's failed lookup faults). Catches, in the ReplyRecv fast
 * path, the failed-lookup check turned off (the kernel would use a missing slot). */
TEST(mut_reply_recv_on_bad_cptr_replies_then_faults)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT), fep = m_obj(ut, K_ENDPOINT_OBJECT);
    const k_cptr_t bad = 0xffff000000000000ul;     /* a guard mismatch in our CSpace */
    struct thread s = { 0 }, c = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&s, ut, NULL, 0, "xf-mut-server"), K_NO_ERROR);
    CHECK_EQ(thread_new(&c, ut, NULL, 0, "mut-client"), K_NO_ERROR);
    CHECK_EQ(m_set_fault_ep(&s, fep), K_NO_ERROR);
    CHECK_EQ(thread_start(&s, c_serve_once, ep, bad, 0, PRIO, true), K_NO_ERROR);
    k_yield();                                     /* the server waits on ep */
    CHECK_EQ(thread_start(&c, c_call, ep, 0x41, 10, PRIO, true), K_NO_ERROR);
    CHECK(YIELD_UNTIL(W(10) == 1, 10));            /* the client got its reply */
    CHECK_EQ(W(11), 0x99);
    CHECK_EQ(W(0), 1);
    m_expect_recv_cap_fault(fep, bad, K_GUARD_MISMATCH);
    CHECK_EQ(W(1), 0);
    thread_free(&s);
    thread_free(&c);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(fep);
}

/* Call through a CPtr that does not resolve: a capability fault in the send phase
 * (seL4 handleInvocation: lookupCapAndSlot fails, handleFault). Catches, in the Call
 * fast path, the failed-lookup check turned off (the kernel would use a missing slot). */
TEST(mut_call_on_bad_cptr_faults)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t fep = m_obj(ut, K_ENDPOINT_OBJECT);
    const k_cptr_t bad = 0xffff000000000000ul;     /* a guard mismatch in our CSpace */
    struct thread c = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&c, ut, NULL, 0, "xf-mut-bad-call"), K_NO_ERROR);
    CHECK_EQ(m_set_fault_ep(&c, fep), K_NO_ERROR);
    CHECK_EQ(thread_start(&c, c_call, bad, 0x42, 0, PRIO, true), K_NO_ERROR);
    m_expect_cap_fault(fep, bad, false, K_GUARD_MISMATCH);
    CHECK_EQ(W(0), 0);
    thread_free(&c);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(fep);
}

/* Receive once on ep (W(0) = 1), wait for W(5), then ReplyRecv on ep with MR0 = 0x98:
 * W(1) = the badge, W(2) = the info it returns, W(3) = 1. */
static void c_serve_with_bound(k_word_t ep, k_word_t u1, k_word_t u2, k_cptr_t self)
{
    (void)u1; (void)u2; (void)self;
    k_word_t badge = 0, m0 = 0;
    k_recv(ep, &badge, &m0, 0, 0, 0);
    W(0) = 1;
    while (!W(5)) k_yield();
    m0 = 0x98;
    k_word_t info = k_reply_recv(ep, k_msginfo_new(0, 0, 0, 1), &badge, &m0, 0, 0, 0);
    W(1) = badge;
    W(2) = info;
    W(3) = 1;
}

/* A server whose bound notification was signalled while it worked gets the signal
 * from its ReplyRecv at once, instead of waiting on the endpoint (seL4 receiveIPC: an
 * active bound notification completes the receive). Catches, in the ReplyRecv fast
 * path, the pending-signal check turned off (the server would block). */
TEST(mut_reply_recv_takes_pending_bound_signal)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT), n = m_obj(ut, K_NOTIFICATION_OBJECT);
    k_cptr_t n9 = m_mint(n, K_CAP_RIGHTS_ALL, 9);
    struct thread s = { 0 }, c = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&s, ut, NULL, 0, "mut-bound-server"), K_NO_ERROR);
    CHECK_EQ(thread_new(&c, ut, NULL, 0, "mut-bound-client"), K_NO_ERROR);
    CHECK_EQ(k_tcb_bind_notification(s.tcb, n), K_NO_ERROR);
    CHECK_EQ(thread_start(&s, c_serve_with_bound, ep, 0, 0, PRIO, true), K_NO_ERROR);
    k_yield();                                     /* the server waits on ep */
    CHECK_EQ(thread_start(&c, c_call, ep, 0x43, 10, PRIO, true), K_NO_ERROR);
    CHECK(YIELD_UNTIL(W(0) == 1, 10));             /* the server has the Call */
    k_signal(n9);                                  /* pending: the server is not waiting */
    W(5) = 1;
    CHECK(YIELD_UNTIL(W(10) == 1, 10));            /* the client got its reply */
    CHECK_EQ(W(11), 0x98);
    CHECK(YIELD_UNTIL(W(3) == 1, 10));             /* and the server the signal */
    CHECK_EQ(W(1), 9);
    thread_free(&s);
    thread_free(&c);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { ep, n, n9 };
    for (unsigned i = 0; i < 3; i++) tslot_free(all[i]);
}

/* Retype's node offset must name a slot of the destination CNode: offset 2^radix is
 * a RangeError whose bounds are 0 .. 2^radix - 1 (seL4 decodeUntypedInvocation).
 * Catches the bound written `node_size + 1` (the offset past the end would be let
 * through, or refused by the count check with other bounds). */
TEST(mut_retype_offset_past_the_cnode_is_a_range_error)
{
    k_cptr_t ut = untyped_at_least(12);
    const k_word_t slots = 1ul << CONFIG_ROOT_CNODE_SIZE_BITS;
    for (k_word_t off = slots; off <= slots + 1; off++) {
        CHECK_EQ(k_untyped_retype(ut, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, off, 1), K_RANGE_ERROR);
        CHECK_EQ(k_last_mr(0), 0);
        CHECK_EQ(k_last_mr(1), slots - 1);
    }
}
