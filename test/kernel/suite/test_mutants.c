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

/* --- third campaign (seeds 41, 59, 73 and mutants made by hand) ------------------ */

/* Copy and Mint only take rights away: a copy "with all rights" of a cap without
 * Write still cannot signal (seL4 maskCapRights ANDs the cap's rights with the mask).
 * A Send on a notification cap without Write does nothing. Catches, in
 * cap_mask_rights, the cap's own rights left out of the mask (the mask alone kept). */
TEST(mut3_copy_and_mint_never_add_rights)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t n = m_obj(ut, K_NOTIFICATION_OBJECT);
    k_cptr_t ro7 = m_mint(n, K_CAP_RIGHT_READ, 7), ro = m_mint(n, K_CAP_RIGHT_READ, 0);
    k_cptr_t w5 = m_mint(n, K_CAP_RIGHT_WRITE, 5);
    k_cptr_t cp = tslot_alloc(), mt = tslot_alloc(), wcp = tslot_alloc();
    CHECK_EQ(k_cnode_copy(ROOT, cp, ROOT_DEPTH, ROOT, ro7, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    CHECK_EQ(k_cnode_mint(ROOT, mt, ROOT_DEPTH, ROOT, ro, ROOT_DEPTH, K_CAP_RIGHTS_ALL, 9), K_NO_ERROR);
    k_signal(cp);
    k_signal(mt);
    CHECK_EQ(k_poll(n), 0);                        /* neither copy could signal */
    /* The control: a copy of a cap that has Write signals with its badge. */
    CHECK_EQ(k_cnode_copy(ROOT, wcp, ROOT_DEPTH, ROOT, w5, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    k_signal(wcp);
    CHECK_EQ(k_poll(n), 5);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { n, ro7, ro, w5, cp, mt, wcp };
    for (unsigned i = 0; i < 7; i++) {
        k_cnode_delete(ROOT, all[i], ROOT_DEPTH);
        tslot_free(all[i]);
    }
}

/* Send caps[0..n) through ep to a fresh receive of thread r, whose receive slot is
 * dest; returns the message info the receiver got (0 if none came). */
static k_word_t m_send_caps(struct thread *r, k_cptr_t ep, k_cptr_t dest, const k_cptr_t *caps,
                            unsigned n)
{
    struct k_ipc_buffer *rb = (struct k_ipc_buffer *)r->ipc_va, *sb = k_ipc_buffer();
    shared_clear();
    rb->receive_cnode = ROOT;
    rb->receive_index = dest;
    rb->receive_depth = ROOT_DEPTH;
    rb->caps_or_badges[0] = rb->caps_or_badges[1] = rb->caps_or_badges[2] = 0;
    if (thread_start(r, c_recv, ep, 0, 0, PRIO, true) != K_NO_ERROR) return 0;
    for (unsigned i = 0; i < n; i++) sb->caps_or_badges[i] = caps[i];
    k_send(ep, k_msginfo_new(7, 0, n, 1), 0x79, 0, 0, 0);   /* blocks until it receives */
    for (unsigned i = 0; i < n; i++) sb->caps_or_badges[i] = 0;
    if (!YIELD_UNTIL(W(0) == 1, 10)) return 0;
    return W(2);
}

/* The cap transfer rules of seL4's transferCaps: one receive slot, so of two caps only
 * the first moves and the transfer stops; a cap to the endpoint the message goes
 * through is unwrapped to its badge even after the slot is used, but a cap to another
 * endpoint is transferred; a cap that derives to nothing (IRQControl) or cannot be
 * derived (an untyped with children) stops the transfer with nothing moved. Catches,
 * in transfer_caps: the receive slot not used up (the second cap overwrites the
 * first), the unwrap test not comparing the endpoint, the null-derivation or the
 * derive-error check dropped. */
TEST(mut3_cap_transfer_one_slot_unwrap_and_underivable_caps)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT), ep2 = m_obj(ut, K_ENDPOINT_OBJECT);
    k_cptr_t n1 = m_obj(ut, K_NOTIFICATION_OBJECT), n2 = m_obj(ut, K_NOTIFICATION_OBJECT);
    k_cptr_t epb = m_mint(ep, K_CAP_RIGHTS_ALL, 0x5b);
    k_cptr_t dest = tslot_alloc();
    const k_word_t tag_ntfn = k_debug_cap_identify(n1), tag_ep = k_debug_cap_identify(ep);
    struct thread r = { 0 };
    CHECK_EQ(thread_new(&r, ut, NULL, 0, "mut3-recv-caps"), K_NO_ERROR);
    struct k_ipc_buffer *rb = (struct k_ipc_buffer *)r.ipc_va;
    k_word_t info;

    /* Two notifications: one moves, the second stays behind. */
    k_cptr_t two[] = { n1, n2 };
    info = m_send_caps(&r, ep, dest, two, 2);
    CHECK_EQ(k_msginfo_label(info), 7);
    CHECK_EQ(k_msginfo_extra_caps(info), 1);
    CHECK_EQ(k_msginfo_caps_unwrapped(info), 0);
    CHECK_EQ(k_debug_cap_identify(dest), tag_ntfn);
    /* It is a copy of n1: revoking n1 takes it, revoking n2 would not. */
    CHECK_EQ(k_cnode_revoke(ROOT, n2, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(dest), tag_ntfn);
    CHECK_EQ(k_cnode_revoke(ROOT, n1, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(dest), 0);

    /* A notification, then our endpoint (badged): the second is unwrapped. */
    k_cptr_t nb[] = { n1, epb };
    info = m_send_caps(&r, ep, dest, nb, 2);
    CHECK_EQ(k_msginfo_extra_caps(info), 2);
    CHECK_EQ(k_msginfo_caps_unwrapped(info), 2);   /* bit 1 */
    CHECK_EQ(rb->caps_or_badges[1], 0x5b);
    CHECK_EQ(k_debug_cap_identify(dest), tag_ntfn);
    CHECK_EQ(k_cnode_delete(ROOT, dest, ROOT_DEPTH), K_NO_ERROR);

    /* Another endpoint is a cap like any other. */
    k_cptr_t other[] = { ep2 };
    info = m_send_caps(&r, ep, dest, other, 1);
    CHECK_EQ(k_msginfo_extra_caps(info), 1);
    CHECK_EQ(k_msginfo_caps_unwrapped(info), 0);
    CHECK_EQ(k_debug_cap_identify(dest), tag_ep);
    CHECK_EQ(k_cnode_delete(ROOT, dest, ROOT_DEPTH), K_NO_ERROR);

    /* IRQControl derives to nothing; an untyped with children may not be copied. The
     * message still arrives, without caps. */
    k_cptr_t bad[] = { K_CAP_IRQ_CONTROL, ut };
    for (unsigned k = 0; k < 2; k++) {
        info = m_send_caps(&r, ep, dest, &bad[k], 1);
        CHECK_EQ(k_msginfo_label(info), 7);
        CHECK_EQ(W(1), 0x79);
        CHECK_EQ(k_msginfo_extra_caps(info), 0);
        CHECK_EQ(k_debug_cap_identify(dest), 0);
    }

    rb->receive_cnode = rb->receive_index = rb->receive_depth = 0;
    thread_free(&r);
    k_cnode_delete(ROOT, dest, ROOT_DEPTH);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { ep, ep2, n1, n2, epb, dest };
    for (unsigned i = 0; i < 6; i++) tslot_free(all[i]);
}

/* Server: Recv on ep (first Call), ReplyRecv through cap `via` (answers it with MR0
 * 0x61, then takes the second Call), then Reply with one extra cap, W(1), MR0 0x62. */
static void c_rr_grant_server(k_word_t ep, k_word_t via, k_word_t ipc, k_cptr_t self)
{
    (void)self;
    struct k_ipc_buffer *b = (struct k_ipc_buffer *)ipc;
    k_word_t badge = 0, m0 = 0;
    k_recv(ep, &badge, &m0, 0, 0, 0);
    m0 = 0x61;
    k_reply_recv(via, k_msginfo_new(0, 0, 0, 1), &badge, &m0, 0, 0, 0);
    W(0) = 1;
    b->caps_or_badges[0] = W(1);
    k_reply(k_msginfo_new(0, 0, 1, 1), 0x62, 0, 0, 0);
    W(2) = 1;
}

/* The reply to a Call carries caps only if the cap the server received the Call
 * through had Grant, also when that receive was the second half of a ReplyRecv
 * (seL4 receiveIPC records canGrant for the reply cap). Catches, in the ReplyRecv fast
 * path, the receiver's grant taken as always true (the reply would bring the cap). */
TEST(mut3_reply_recv_without_grant_makes_a_reply_without_grant)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT), n = m_obj(ut, K_NOTIFICATION_OBJECT);
    k_cptr_t nogrant = m_mint(ep, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT_REPLY, 0);
    k_cptr_t dest = tslot_alloc();
    struct k_ipc_buffer *me = k_ipc_buffer();
    struct thread s = { 0 };
    CHECK_EQ(thread_new(&s, ut, NULL, 0, "mut3-rr-server"), K_NO_ERROR);
    for (int k = 0; k < 2; k++) {
        k_cptr_t via = k == 0 ? nogrant : ep;      /* k = 1: the control, with Grant */
        shared_clear();
        W(1) = n;
        CHECK_EQ(thread_start(&s, c_rr_grant_server, ep, via, s.ipc_va, PRIO, true), K_NO_ERROR);
        k_yield();                                 /* the server waits on ep */
        k_word_t m0 = 0x60;
        k_call(ep, k_msginfo_new(1, 0, 0, 1), &m0, 0, 0, 0);
        CHECK_EQ(m0, 0x61);
        me->receive_cnode = ROOT;
        me->receive_index = dest;
        me->receive_depth = ROOT_DEPTH;
        m0 = 0x60;
        k_word_t info = k_call(ep, k_msginfo_new(1, 0, 0, 1), &m0, 0, 0, 0);
        me->receive_cnode = me->receive_index = me->receive_depth = 0;
        CHECK_EQ(W(0), 1);
        CHECK_EQ(m0, 0x62);
        CHECK_EQ(k_msginfo_extra_caps(info), k == 1);
        CHECK_EQ(k_debug_cap_identify(dest), k == 1 ? k_debug_cap_identify(n) : 0);
        k_cnode_delete(ROOT, dest, ROOT_DEPTH);
        CHECK(YIELD_UNTIL(W(2) == 1, 10));
    }
    thread_free(&s);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { ep, n, nogrant, dest };
    for (unsigned i = 0; i < 4; i++) tslot_free(all[i]);
}

/* GrantReply alone is enough for a Call to wait for its reply (seL4 sendIPC: a Call
 * with canGrant or canGrantReply gets a reply cap), whichever side comes first: the
 * caller blocked before we receive (the receive side) or we wait first (the send side,
 * fast path). Catches, in complete_call, canGrantReply left out (the caller would be
 * left inactive, never answered). */
TEST(mut3_grant_reply_alone_lets_a_call_be_answered)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT);
    k_cptr_t gr = m_mint(ep, K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT_REPLY, 0x3c);
    struct thread c = { 0 };
    CHECK_EQ(thread_new(&c, ut, NULL, 0, "mut3-grant-reply"), K_NO_ERROR);
    for (int k = 0; k < 2; k++) {
        shared_clear();
        CHECK_EQ(thread_start(&c, c_call, gr, 0x50 + k, 0, PRIO, true), K_NO_ERROR);
        k_word_t badge = 0, m0 = 0, info;
        if (k == 0) {
            k_yield();                             /* it blocks sending */
            info = m_poll_recv(ep, &badge, &m0);
        } else {
            info = k_recv(ep, &badge, &m0, 0, 0, 0);   /* it finds us waiting */
        }
        CHECK_EQ(k_msginfo_label(info), 1);
        CHECK_EQ(badge, 0x3c);
        CHECK_EQ(m0, 0x50 + k);
        k_reply(k_msginfo_new(0, 0, 0, 1), 0x70 + k, 0, 0, 0);
        CHECK(YIELD_UNTIL(W(0) == 1, 10));
        CHECK_EQ(W(1), 0x70 + k);
    }
    thread_free(&c);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(gr);
}

/* Call cap with MR0 = v (W(idx+1) = reply MR0, W(idx) = 1), then wait on ntfn
 * (W(idx+3) = the badge, W(idx+2) = 1). */
static void c_call_then_wait(k_word_t cap, k_word_t ntfn, k_word_t idx, k_cptr_t self)
{
    (void)self;
    k_word_t m0 = 0x71;
    k_call(cap, k_msginfo_new(1, 0, 0, 1), &m0, 0, 0, 0);
    W(idx + 1) = m0;
    W(idx) = 1;
    W(idx + 3) = k_wait(ntfn);
    W(idx + 2) = 1;
}

/* A signal to a notification whose bound thread waits for a reply (not on an
 * endpoint receive) stays pending: the Call is not interrupted (seL4 sendSignal
 * wakes the bound thread only in BlockedOnReceive). Catches, in ntfn_signal, the
 * bound thread's state check dropped (its Call would end with the signal). */
TEST(mut3_signal_does_not_interrupt_a_bound_threads_call)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT), n = m_obj(ut, K_NOTIFICATION_OBJECT);
    k_cptr_t n6 = m_mint(n, K_CAP_RIGHTS_ALL, 6);
    struct thread b = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&b, ut, NULL, 0, "mut3-bound-caller"), K_NO_ERROR);
    CHECK_EQ(k_tcb_bind_notification(b.tcb, n), K_NO_ERROR);
    CHECK_EQ(thread_start(&b, c_call_then_wait, ep, n, 0, PRIO, true), K_NO_ERROR);
    k_yield();                                     /* it blocks sending */
    k_word_t badge = 0, m0 = 0;
    CHECK_EQ(k_msginfo_label(m_poll_recv(ep, &badge, &m0)), 1);
    CHECK_EQ(m0, 0x71);
    k_signal(n6);                                  /* b waits for our reply */
    yield_n(3);
    CHECK_EQ(W(0), 0);                             /* still waiting */
    k_reply(k_msginfo_new(0, 0, 0, 1), 0x72, 0, 0, 0);
    CHECK(YIELD_UNTIL(W(2) == 1, 10));
    CHECK_EQ(W(0), 1);
    CHECK_EQ(W(1), 0x72);                          /* the reply, not the signal */
    CHECK_EQ(W(3), 6);                             /* and the signal was kept for it */
    thread_free(&b);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { ep, n, n6 };
    for (unsigned i = 0; i < 3; i++) tslot_free(all[i]);
}

/* Where a resumed faulter lands: W(21) = 1, then it spins. */
static void m_landing(void)
{
    W(21) = 1;
    for (;;) k_yield();
}

/* An unknown system call (a7 = -77); W(22) = 1 if it ever went on after the ecall. */
static void c_unknown_syscall_once(k_word_t u0, k_word_t u1, k_word_t u2, k_cptr_t self)
{
    (void)u0; (void)u1; (void)u2; (void)self;
    __asm__ volatile("li a7, -77\n ecall" ::: "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7",
                     "memory");
    W(22) = 1;
}

/* Fault handler: receive one fault on fep (W(1) = its label, W(0) = 1) and answer it
 * with ReplyRecv, label 0, MR0 = pc; W(2) = 1 if a second fault comes. */
static void c_fault_handler_rr(k_word_t fep, k_word_t pc, k_word_t u, k_cptr_t self)
{
    (void)u; (void)self;
    k_word_t badge = 0, m0 = 0;
    k_word_t info = k_recv(fep, &badge, &m0, 0, 0, 0);
    W(1) = k_msginfo_label(info);
    W(0) = 1;
    m0 = pc;
    k_reply_recv(fep, k_msginfo_new(0, 0, 0, 1), &badge, &m0, 0, 0, 0);
    W(2) = 1;
}

/* A fault handler may answer with ReplyRecv: for an unknown system call the reply's
 * MR0 is the pc the thread resumes at (seL4 handleFaultReply, via handleReplyRecv).
 * Catches, in the ReplyRecv fast path, the "caller is a faulter" check dropped (the
 * reply would be copied as a message: the thread would run its ecall again and fault
 * a second time). */
TEST(mut3_fault_reply_by_reply_recv_sets_the_pc)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t fep = m_obj(ut, K_ENDPOINT_OBJECT);
    struct thread h = { 0 }, f = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&h, ut, NULL, 0, "mut3-fault-handler"), K_NO_ERROR);
    CHECK_EQ(thread_new(&f, ut, NULL, 0, "mut3-unknown-sys"), K_NO_ERROR);
    CHECK_EQ(m_set_fault_ep(&f, fep), K_NO_ERROR);
    CHECK_EQ(thread_start(&h, c_fault_handler_rr, fep, (k_word_t)m_landing, 0, PRIO, true), K_NO_ERROR);
    k_yield();                                     /* the handler waits on fep */
    CHECK_EQ(thread_start(&f, c_unknown_syscall_once, 0, 0, 0, PRIO, true), K_NO_ERROR);
    CHECK(YIELD_UNTIL(W(21) == 1, 20));            /* it landed where the reply said */
    CHECK_EQ(W(0), 1);
    CHECK_EQ(W(1), K_FAULT_UNKNOWN_SYSCALL);
    CHECK_EQ(W(2), 0);                             /* and did not fault again */
    CHECK_EQ(W(22), 0);
    thread_free(&f);
    thread_free(&h);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(fep);
}

/* ReplyRecv through an endpoint cap without Read: the reply goes out, then the
 * receive phase is a capability fault (seL4 handleRecv: an endpoint cap without
 * CanReceive is a missing capability). Catches, in the ReplyRecv fast path, the Read
 * right check dropped (the server would wait on the endpoint instead). */
TEST(mut3_reply_recv_without_read_replies_then_faults)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT), fep = m_obj(ut, K_ENDPOINT_OBJECT);
    k_cptr_t ep_wo = m_mint(ep, K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT, 0);
    struct thread s = { 0 }, c = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&s, ut, NULL, 0, "xf-mut3-server"), K_NO_ERROR);
    CHECK_EQ(thread_new(&c, ut, NULL, 0, "mut3-client"), K_NO_ERROR);
    CHECK_EQ(m_set_fault_ep(&s, fep), K_NO_ERROR);
    CHECK_EQ(thread_start(&s, c_serve_once, ep, ep_wo, 0, PRIO, true), K_NO_ERROR);
    k_yield();                                     /* the server waits on ep */
    CHECK_EQ(thread_start(&c, c_call, ep, 0x44, 10, PRIO, true), K_NO_ERROR);
    CHECK(YIELD_UNTIL(W(10) == 1, 10));            /* the client got its reply */
    CHECK_EQ(W(11), 0x99);
    m_expect_recv_cap_fault(fep, ep_wo, K_MISSING_CAPABILITY);
    CHECK_EQ(W(1), 0);
    thread_free(&s);
    thread_free(&c);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { ep, fep, ep_wo };
    for (unsigned i = 0; i < 3; i++) tslot_free(all[i]);
}

/* Call cap ok (answered by the root task), wait for W(idx+2), then Call cap bad:
 * W(idx+1) = that reply's label, W(idx) = 1. The first Call gives this thread the
 * reply cap the Call fast path needs. */
static void c_call_then_call_label(k_word_t ok, k_word_t bad, k_word_t idx, k_cptr_t self)
{
    (void)self;
    k_word_t m0 = 0x45;
    k_call(ok, k_msginfo_new(1, 0, 0, 1), &m0, 0, 0, 0);
    while (!W(idx + 2)) k_yield();
    W(idx + 1) = k_msginfo_label(k_call(bad, k_msginfo_new(1, 0, 0, 1), &m0, 0, 0, 0));
    W(idx) = 1;
}

/* A Call through an endpoint cap without Write sends nothing, even to a waiting
 * receiver: it is an invocation of the endpoint, answered InvalidCapability (seL4
 * decodeInvocation: an endpoint cap without CanSend). Catches, in the Call fast path,
 * the Write right check dropped (the receiver would get the message). */
TEST(mut3_call_without_write_is_not_delivered)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT);
    k_cptr_t ep_rg = m_mint(ep, K_CAP_RIGHT_READ | K_CAP_RIGHT_GRANT | K_CAP_RIGHT_GRANT_REPLY, 0);
    struct thread r = { 0 }, c = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&r, ut, NULL, 0, "mut3-recv"), K_NO_ERROR);
    CHECK_EQ(thread_new(&c, ut, NULL, 0, "mut3-nowrite-call"), K_NO_ERROR);
    CHECK_EQ(thread_start(&c, c_call_then_call_label, ep, ep_rg, 10, PRIO, true), K_NO_ERROR);
    k_word_t badge = 0, m0 = 0;
    CHECK_EQ(k_msginfo_label(m_poll_recv(ep, &badge, &m0)), 1);
    k_reply(k_msginfo_new(0, 0, 0, 0), 0, 0, 0, 0);
    CHECK_EQ(thread_start(&r, c_recv, ep, 0, 0, PRIO, true), K_NO_ERROR);
    yield_n(3);                                    /* the receiver waits on ep */
    W(12) = 1;                                     /* now the Call without Write */
    CHECK(YIELD_UNTIL(W(10) == 1, 10));
    CHECK_EQ(W(11), K_INVALID_CAPABILITY);
    CHECK_EQ(W(0), 0);                             /* nothing arrived */
    k_send(ep, k_msginfo_new(7, 0, 0, 1), 0x46, 0, 0, 0);      /* the receiver still waits */
    CHECK(YIELD_UNTIL(W(0) == 1, 10));
    CHECK_EQ(W(1), 0x46);
    thread_free(&r);
    thread_free(&c);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(ep_rg);
}

#define SEQ3 30
/* Record our place in the run order: W(idx) = ++W(SEQ3). */
static void c_mark3(k_word_t idx, k_word_t u1, k_word_t u2, k_cptr_t self)
{
    (void)u1; (void)u2; (void)self;
    W(idx) = ++W(SEQ3);
}

/* Receive one Call on ep, record W(idx) = ++W(SEQ3), reply and wait again. */
static void c_mark3_server(k_word_t ep, k_word_t idx, k_word_t u, k_cptr_t self)
{
    (void)u; (void)self;
    k_word_t m0 = 0;
    k_recv(ep, 0, &m0, 0, 0, 0);
    W(idx) = ++W(SEQ3);
    k_reply_recv(ep, k_msginfo_new(9, 0, 0, 1), 0, &m0, 0, 0, 0);
}

/* A Call to a waiting server of lower priority, while a thread between the two is
 * ready: that thread runs before the server (seL4's scheduler always picks the highest
 * ready priority; the fast path may switch straight to the server only when nothing
 * ready outranks it). Catches, in the Call fast path, the priority check dropped (the
 * server would run first). */
TEST(mut3_call_to_lower_server_lets_a_higher_ready_thread_run_first)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT);
    struct thread s = { 0 }, m = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&s, ut, NULL, 0, "mut3-low-server"), K_NO_ERROR);
    CHECK_EQ(thread_new(&m, ut, NULL, 0, "mut3-mid-ready"), K_NO_ERROR);
    CHECK_EQ(thread_start(&s, c_mark3_server, ep, 0, 0, PRIO - 2, true), K_NO_ERROR);
    /* Let the server (below us) reach its Recv: step down under it for a moment. */
    CHECK_EQ(k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, PRIO - 3), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, PRIO), K_NO_ERROR);
    CHECK_EQ(thread_start(&m, c_mark3, 1, 0, 0, PRIO - 1, true), K_NO_ERROR);
    CHECK_EQ(W(SEQ3), 0);                          /* neither has marked yet */
    k_word_t m0 = 1;
    CHECK_EQ(k_msginfo_label(k_call(ep, k_msginfo_new(1, 0, 0, 1), &m0, 0, 0, 0)), 9);
    CHECK_EQ(W(1), 1);                             /* the ready thread first */
    CHECK_EQ(W(0), 2);                             /* then the server */
    thread_free(&s);
    thread_free(&m);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
}

/* Send v through cap (blocking), then W(idx) = 1. */
static void c_send_once(k_word_t cap, k_word_t v, k_word_t idx, k_cptr_t self)
{
    (void)self;
    k_send(cap, k_msginfo_new(7, 0, 0, 1), v, 0, 0, 0);
    W(idx) = 1;
}

/* A server whose ReplyRecv finds a sender already queued on the endpoint takes that
 * message at once (seL4 receiveIPC: a queue of senders completes the receive), after
 * the reply went out. Catches, in the ReplyRecv fast path, the "senders are waiting"
 * test inverted (the server would be queued behind the sender, and both would wait). */
TEST(mut3_reply_recv_takes_a_queued_sender)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT), b7 = m_mint(ep, K_CAP_RIGHTS_ALL, 7);
    struct thread s = { 0 }, c = { 0 }, x = { 0 };
    shared_clear();
    CHECK_EQ(thread_new(&s, ut, NULL, 0, "mut3-rr-server2"), K_NO_ERROR);
    CHECK_EQ(thread_new(&c, ut, NULL, 0, "mut3-rr-client"), K_NO_ERROR);
    CHECK_EQ(thread_new(&x, ut, NULL, 0, "mut3-rr-sender"), K_NO_ERROR);
    CHECK_EQ(thread_start(&s, c_serve_with_bound, ep, 0, 0, PRIO, true), K_NO_ERROR);
    k_yield();                                     /* the server waits on ep */
    CHECK_EQ(thread_start(&c, c_call, ep, 0x47, 10, PRIO, true), K_NO_ERROR);
    CHECK(YIELD_UNTIL(W(0) == 1, 10));             /* the server has the Call */
    CHECK_EQ(thread_start(&x, c_send_once, b7, 0x48, 20, PRIO, true), K_NO_ERROR);
    yield_n(3);                                    /* the sender is queued */
    CHECK_EQ(W(20), 0);
    W(5) = 1;                                      /* the server replies and receives */
    CHECK(YIELD_UNTIL(W(3) == 1, 10));
    CHECK_EQ(W(1), 7);                             /* the queued sender's message */
    CHECK_EQ(k_msginfo_label(W(2)), 7);
    CHECK(YIELD_UNTIL(W(10) == 1 && W(20) == 1, 10));
    CHECK_EQ(W(11), 0x98);                         /* and the client had its reply */
    thread_free(&s);
    thread_free(&c);
    thread_free(&x);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(b7);
}

/* Move keeps a cap's place in the derivation tree, including its right to revoke:
 * revoking an original endpoint cap, or a badged one, after Move still deletes the
 * copies made before the move (seL4 cteMove keeps the MDB node with its revocable
 * bit). Catches, in cdt_move, the revocable flag not carried over. */
TEST(mut3_moved_cap_still_revokes_its_children)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT);
    k_cptr_t b4 = m_mint(ep, K_CAP_RIGHTS_ALL, 4), b8 = m_mint(ep, K_CAP_RIGHTS_ALL, 8);
    k_cptr_t c4 = tslot_alloc(), cp = tslot_alloc(), mv = tslot_alloc(), mv4 = tslot_alloc();
    const k_word_t tag = k_debug_cap_identify(ep);
    CHECK_EQ(k_cnode_copy(ROOT, c4, ROOT_DEPTH, ROOT, b4, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    CHECK_EQ(k_cnode_copy(ROOT, cp, ROOT_DEPTH, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    /* The badged cap moves: its copy goes with its revoke, badge 8 stays. */
    CHECK_EQ(k_cnode_move(ROOT, mv4, ROOT_DEPTH, ROOT, b4, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, mv4, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(c4), 0);
    CHECK_EQ(k_debug_cap_identify(mv4), tag);
    CHECK_EQ(k_debug_cap_identify(b8), tag);
    /* The original moves: revoking it takes every badge and copy. */
    CHECK_EQ(k_cnode_move(ROOT, mv, ROOT_DEPTH, ROOT, ep, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, mv, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(cp), 0);
    CHECK_EQ(k_debug_cap_identify(b8), 0);
    CHECK_EQ(k_debug_cap_identify(mv4), 0);
    CHECK_EQ(k_debug_cap_identify(mv), tag);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(mv), 0);
    k_cptr_t all[] = { ep, b4, b8, c4, cp, mv, mv4 };
    for (unsigned i = 0; i < 7; i++) tslot_free(all[i]);
}

/* A copy of an untyped is an untyped of its own: objects retyped from it are its
 * children, and revoking the copy deletes them (seL4 isCapRevocable: untyped caps are
 * always revocable). Catches, in derived_is_revocable, an untyped copy made not
 * revocable (the revoke would leave the objects). */
TEST(mut3_objects_of_an_untyped_copy_die_with_its_revoke)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t cp = tslot_alloc();
    CHECK_EQ(k_cnode_copy(ROOT, cp, ROOT_DEPTH, ROOT, ut, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    k_cptr_t ep = m_obj(cp, K_ENDPOINT_OBJECT), n = m_obj(cp, K_NOTIFICATION_OBJECT);
    CHECK(ep && n);
    CHECK(k_debug_cap_identify(ep) != 0);
    CHECK_EQ(k_cnode_revoke(ROOT, cp, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(ep), 0);
    CHECK_EQ(k_debug_cap_identify(n), 0);
    /* And the copy carves from its start again. */
    k_cptr_t ep2 = m_obj(cp, K_ENDPOINT_OBJECT);
    CHECK(ep2 != 0);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(cp), 0);
    CHECK_EQ(k_debug_cap_identify(ep2), 0);
    k_cptr_t all[] = { cp, ep, n, ep2 };
    for (unsigned i = 0; i < 4; i++) tslot_free(all[i]);
}

/* Two caps minted from one endpoint with the same badge are separate: revoking the
 * later one spares the earlier one and its copies (seL4 isMDBParentOf: a cap that
 * starts a badge, capEPBadge first-badged, is no badged cap's child). Catches, in
 * cdt_is_parent_of, the first-badged test dropped (the twin and its copy would go). */
TEST(mut3_revoking_a_badge_spares_a_separately_minted_twin)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = m_obj(ut, K_ENDPOINT_OBJECT);
    k_cptr_t b1 = m_mint(ep, K_CAP_RIGHTS_ALL, 3), c1 = tslot_alloc();
    CHECK_EQ(k_cnode_copy(ROOT, c1, ROOT_DEPTH, ROOT, b1, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    k_cptr_t b2 = m_mint(ep, K_CAP_RIGHTS_ALL, 3);
    const k_word_t tag = k_debug_cap_identify(ep);
    CHECK_EQ(k_cnode_revoke(ROOT, b2, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(b1), tag);
    CHECK_EQ(k_debug_cap_identify(c1), tag);
    CHECK_EQ(k_cnode_revoke(ROOT, b1, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(c1), 0);
    CHECK_EQ(k_debug_cap_identify(b2), tag);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { ep, b1, c1, b2 };
    for (unsigned i = 0; i < 4; i++) tslot_free(all[i]);
}
