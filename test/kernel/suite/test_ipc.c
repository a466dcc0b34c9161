/* IPC: endpoints (every send/receive order, badges, FIFO waiters, non-blocking
 * variants, long messages, Call/Reply), capability transfer, reply capabilities,
 * deletion and suspension of blocked threads, fault messages, notifications.
 *
 * Children run in our VSpace with our CNode (thread_util.h), at our priority (255),
 * so when we block they run, and when they block we run again. */
#include "thread_util.h"

#define PRIO 255
#define W(i) shared.word[i]

static k_cptr_t new_ep(k_cptr_t ut) { return make_object(ut, K_ENDPOINT_OBJECT, 0); }

static k_cptr_t mint(k_cptr_t src, k_word_t rights, k_word_t badge)
{
    k_cptr_t s = slot_alloc();
    if (k_cnode_mint(ROOT, s, ROOT_DEPTH, ROOT, src, ROOT_DEPTH, rights, badge)) return 0;
    return s;
}

static bool start(struct thread *t, k_cptr_t ut, const char *name, child_fn fn, k_word_t a,
                  k_word_t b, k_word_t c)
{
    return thread_new(t, ut, NULL, 0, name) == K_NO_ERROR &&
           thread_start(t, fn, a, b, c, PRIO, true) == K_NO_ERROR;
}

/* Let every ready child of our priority run until it blocks or ends: step below them
 * and back (a plain yield can be cut short by the end of a time slice). */
static void step_aside(void)
{
    k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, PRIO - 1);
    k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, 255);
}

/* --- children ------------------------------------------------------------------ */

/* Send label 7 with MR0 = v, MR1 = v + 1; then W(idx) = 1. */
static void c_send(k_word_t ep, k_word_t v, k_word_t idx, k_cptr_t self)
{
    (void)self;
    k_send(ep, k_msginfo_new(7, 0, 0, 2), v, v + 1, 0, 0);
    W(idx) = 1;
}

/* Receive once: W(idx) = badge, W(idx+1) = MR0, W(idx+2) = label, W(idx+3) = 1 (done). */
static void c_recv(k_word_t ep, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    k_word_t badge, m0;
    k_word_t info = k_recv(ep, &badge, &m0, 0, 0, 0);
    W(idx) = badge;
    W(idx + 1) = m0;
    W(idx + 2) = k_msginfo_label(info);
    W(idx + 3) = 1;
}

/* A server: answer n Calls with MR0 + 100, label 9, using Recv then ReplyRecv. */
static void c_server(k_word_t ep, k_word_t n, k_word_t idx, k_cptr_t self)
{
    (void)self;
    k_word_t badge, m0, m1 = 0, m2 = 0, m3 = 0;
    k_recv(ep, &badge, &m0, 0, 0, 0);
    for (k_word_t i = 0; i < n; i++) {
        W(idx + i) = badge;
        m0 += 100;
        if (i + 1 == n) {
            k_reply(k_msginfo_new(9, 0, 0, 1), m0, 0, 0, 0);
            break;
        }
        k_reply_recv(ep, k_msginfo_new(9, 0, 0, 1), &badge, &m0, &m1, &m2, &m3);
    }
    W(idx + n) = 1;
}

/* Send a 20-word message built in our own IPC buffer (at ipc). */
static void c_send_long(k_word_t ep, k_word_t ipc, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    struct k_ipc_buffer *b = (struct k_ipc_buffer *)ipc;
    for (unsigned i = 4; i < 20; i++) b->msg[i] = 1000 + i;
    k_send(ep, k_msginfo_new(5, 0, 0, 20), 1000, 1001, 1002, 1003);
}

/* Send one capability (cptr cap) through ep, from our own IPC buffer at ipc. */
static void c_send_cap(k_word_t ep, k_word_t cap, k_word_t ipc, k_cptr_t self)
{
    (void)self;
    ((struct k_ipc_buffer *)ipc)->caps_or_badges[0] = cap;
    k_send(ep, k_msginfo_new(3, 0, 1, 1), 42, 0, 0, 0);
}

/* Call ep with MR0 = v; W(idx) = reply MR0, W(idx+1) = reply label, W(idx+2) = 1. */
static void c_call(k_word_t ep, k_word_t v, k_word_t idx, k_cptr_t self)
{
    (void)self;
    k_word_t m0 = v;
    k_word_t info = k_call(ep, k_msginfo_new(1, 0, 0, 1), &m0, 0, 0, 0);
    W(idx) = m0;
    W(idx + 1) = k_msginfo_label(info);
    W(idx + 2) = 1;
}

/* Faults of each kind; W(idx) = 1 once past the faulting instruction. */
static void c_fault(k_word_t kind, k_word_t idx, k_word_t addr, k_cptr_t self)
{
    (void)self;
    if (kind == 0) __asm__ volatile(".word 0");                       /* illegal */
    if (kind == 1) W(idx + 1) = *(volatile k_word_t *)addr;            /* VM fault */
    if (kind == 2) k_syscall_a0(-77, 5);                               /* unknown syscall */
    if (kind == 3) k_signal(0xdead);                                   /* cap fault */
    W(idx) = 1;
}

/* Fault (kind 1: a VM fault on addr, else an unknown system call), then Call ep with
 * four words; the reply's MR0 in W(2). */
static void c_fault_call(k_word_t kind, k_word_t ep, k_word_t addr, k_cptr_t self)
{
    (void)self;
    if (kind == 1) W(1) = *(volatile k_word_t *)addr;
    else k_syscall_a0(-77, 5);
    k_word_t m0 = 10, m1 = 11, m2 = 12, m3 = 13;
    k_call(ep, k_msginfo_new(3, 0, 0, 4), &m0, &m1, &m2, &m3);
    W(2) = m0;
    W(0) = 1;
}

/* --- tests ----------------------------------------------------------------------- */

TEST(ipc_receiver_first_then_sender_first)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = new_ep(ut), b5 = mint(ep, K_CAP_RIGHTS_ALL, 5);
    struct thread t = { 0 };
    shared_clear();
    /* Receiver first: we block in Recv, the child sends. */
    CHECK(start(&t, ut, "ipc-sender", c_send, b5, 11, 0));
    k_word_t badge = 0, m0 = 0, m1 = 0;
    k_word_t info = k_recv(ep, &badge, &m0, &m1, 0, 0);
    CHECK_EQ(k_msginfo_label(info), 7);
    CHECK_EQ(k_msginfo_length(info), 2);
    CHECK_EQ(badge, 5);
    CHECK_EQ(m0, 11);
    CHECK_EQ(m1, 12);
    thread_free(&t);
    /* Sender first: the child blocks in Send until we receive. */
    shared_clear();
    CHECK(start(&t, ut, "ipc-sender", c_send, ep, 21, 0));
    k_yield();
    CHECK_EQ(W(0), 0);                      /* still blocked: nobody received */
    info = k_recv(ep, &badge, &m0, 0, 0, 0);
    CHECK_EQ(badge, 0);                     /* unbadged cap */
    CHECK_EQ(m0, 21);
    CHECK(YIELD_UNTIL(W(0) == 1, 10));      /* the sender went on */
    thread_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

TEST(ipc_waiters_are_served_in_fifo_order)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = new_ep(ut);
    struct thread t[3] = { 0 };
    shared_clear();
    /* Each is started and runs until it blocks before the next starts (Resume queues
     * a thread at the head of its queue, as in seL4, so starting all three at once
     * would let the last one run first). Stepping below the children and back lets
     * each run to its block however the time slices fall. */
    for (int i = 0; i < 3; i++) {
        CHECK(start(&t[i], ut, "ipc-fifo", c_send, mint(ep, K_CAP_RIGHTS_ALL, 10 + i), 100 * i, 0));
        step_aside();
    }
    for (int i = 0; i < 3; i++) {
        k_word_t badge = 0, m0 = 0;
        k_recv(ep, &badge, &m0, 0, 0, 0);
        CHECK_EQ(badge, 10 + i);
        CHECK_EQ(m0, 100 * i);
    }
    /* Several receivers: the first to wait gets the first message. */
    for (int i = 0; i < 3; i++) thread_free(&t[i]);
    shared_clear();
    for (int i = 0; i < 3; i++) {
        CHECK(start(&t[i], ut, "ipc-fifo", c_recv, ep, 8 * i, 0));
        step_aside();
    }
    for (int i = 0; i < 3; i++) k_send(ep, k_msginfo_new(0, 0, 0, 1), 500 + i, 0, 0, 0);
    CHECK(YIELD_UNTIL(W(3) && W(11) && W(19), 20));
    for (int i = 0; i < 3; i++) CHECK_EQ(W(8 * i + 1), 500 + i);
    for (int i = 0; i < 3; i++) thread_free(&t[i]);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

TEST(ipc_non_blocking_variants)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = new_ep(ut);
    /* NBRecv with no sender returns at once with nothing; NBSend with no receiver is
     * dropped: a later NBRecv still finds nothing. */
    k_word_t badge = 99;
    k_word_t info = k_nb_recv(ep, &badge, 0, 0, 0, 0);
    CHECK_EQ(badge, 0);
    CHECK_EQ(info, 0);
    k_nb_send(ep, k_msginfo_new(4, 0, 0, 1), 1, 0, 0, 0);
    badge = 99;
    info = k_nb_recv(ep, &badge, 0, 0, 0, 0);
    CHECK_EQ(badge, 0);
    CHECK_EQ(info, 0);
    /* NBRecv with a sender waiting receives it. */
    struct thread t = { 0 };
    shared_clear();
    CHECK(start(&t, ut, "ipc-nb", c_send, mint(ep, K_CAP_RIGHTS_ALL, 3), 77, 0));
    /* The sender blocks once it has run; a time slice ending first (a loaded host)
     * only delays that, so poll a few times. */
    k_word_t m0 = 0;
    for (int tries = 0; tries < 10; tries++) {
        k_yield();
        info = k_nb_recv(ep, &badge, &m0, 0, 0, 0);
        if (badge) break;
    }
    CHECK_EQ(k_msginfo_label(info), 7);
    CHECK_EQ(badge, 3);
    CHECK_EQ(m0, 77);
    thread_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

TEST(ipc_long_message_through_ipc_buffers)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = new_ep(ut);
    struct thread t = { 0 };
    CHECK(thread_new(&t, ut, NULL, 0, "ipc-long") == K_NO_ERROR);
    CHECK(thread_start(&t, c_send_long, ep, t.ipc_va, 0, PRIO, true) == K_NO_ERROR);
    k_word_t m[4];
    k_word_t info = k_recv(ep, 0, &m[0], &m[1], &m[2], &m[3]);
    CHECK_EQ(k_msginfo_label(info), 5);
    CHECK_EQ(k_msginfo_length(info), 20);
    for (unsigned i = 0; i < 4; i++) CHECK_EQ(m[i], 1000 + i);
    for (unsigned i = 4; i < 20; i++) CHECK_EQ(k_ipc_buffer()->msg[i], 1000 + i);
    thread_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

TEST(ipc_call_reply_and_reply_recv)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = new_ep(ut), badged = mint(ep, K_CAP_RIGHTS_ALL, 0x77);
    struct thread server = { 0 };
    shared_clear();
    CHECK(start(&server, ut, "ipc-server", c_server, ep, 3, 0));
    k_yield();                                     /* the server waits */
    for (k_word_t i = 0; i < 3; i++) {
        k_word_t m0 = i;
        k_word_t info = k_call(badged, k_msginfo_new(1, 0, 0, 1), &m0, 0, 0, 0);
        CHECK_EQ(k_msginfo_label(info), 9);
        CHECK_EQ(m0, i + 100);
        CHECK_EQ(W(i), 0x77);                       /* the server saw our badge */
    }
    CHECK(YIELD_UNTIL(W(3) == 1, 10));
    thread_free(&server);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

TEST(ipc_reply_cap_is_one_shot)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = new_ep(ut);
    struct thread t = { 0 };
    shared_clear();
    CHECK(start(&t, ut, "ipc-caller", c_call, ep, 5, 0));
    k_word_t m0 = 0;
    k_recv(ep, 0, &m0, 0, 0, 0);
    CHECK_EQ(m0, 5);
    /* Save the reply cap, receive nothing else, then use it twice: the second use
     * finds no caller waiting and does nothing. */
    k_cptr_t saved = slot_alloc();
    CHECK_EQ(k_cnode_save_caller(ROOT, saved, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(saved), 8);        /* a reply cap */
    k_send(saved, k_msginfo_new(0, 0, 0, 1), 55, 0, 0, 0);
    CHECK(YIELD_UNTIL(W(2) == 1, 10));
    CHECK_EQ(W(0), 55);
    CHECK_EQ(k_debug_cap_identify(saved), 0);        /* used up */
    k_reply(k_msginfo_new(0, 0, 0, 1), 66, 0, 0, 0); /* nothing to reply to: no effect */
    CHECK_EQ(W(0), 55);
    thread_free(&t);
    /* A caller deleted while the server holds its reply cap: the cap goes with it. */
    shared_clear();
    CHECK(start(&t, ut, "ipc-caller", c_call, ep, 6, 0));
    k_recv(ep, 0, &m0, 0, 0, 0);
    CHECK_EQ(k_cnode_save_caller(ROOT, saved, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(saved), 8);
    thread_free(&t);
    CHECK_EQ(k_debug_cap_identify(saved), 0);
    slot_free(saved);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

TEST(ipc_cap_transfer)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = new_ep(ut), noterm = new_ep(ut);
    k_cptr_t granting = mint(ep, K_CAP_RIGHTS_ALL, 1);
    k_cptr_t plain = mint(ep, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, 2);
    k_cptr_t dest = slot_alloc();
    struct k_ipc_buffer *me = k_ipc_buffer();
    struct thread t = { 0 };

    /* With Grant: the cap lands in our receive slot. */
    me->receive_cnode = ROOT; me->receive_index = dest; me->receive_depth = ROOT_DEPTH;
    CHECK(thread_new(&t, ut, NULL, 0, "ipc-cap") == K_NO_ERROR);
    CHECK(thread_start(&t, c_send_cap, granting, noterm, t.ipc_va, PRIO, true) == K_NO_ERROR);
    k_word_t badge;
    k_word_t info = k_recv(ep, &badge, 0, 0, 0, 0);
    CHECK_EQ(k_msginfo_extra_caps(info), 1);
    CHECK_EQ(k_msginfo_caps_unwrapped(info), 0);
    CHECK_EQ(k_debug_cap_identify(dest), 4);
    thread_free(&t);
    /* Receive slot occupied: the message arrives, the cap does not (and stays with
     * the sender: nothing is lost). */
    CHECK(thread_new(&t, ut, NULL, 0, "ipc-cap") == K_NO_ERROR);
    CHECK(thread_start(&t, c_send_cap, granting, noterm, t.ipc_va, PRIO, true) == K_NO_ERROR);
    info = k_recv(ep, &badge, 0, 0, 0, 0);
    CHECK_EQ(k_msginfo_label(info), 3);
    CHECK_EQ(k_msginfo_extra_caps(info), 0);
    CHECK_EQ(k_debug_cap_identify(noterm), 4);
    thread_free(&t);
    CHECK_EQ(k_cnode_delete(ROOT, dest, ROOT_DEPTH), K_NO_ERROR);
    /* Without Grant: no cap moves. */
    CHECK(thread_new(&t, ut, NULL, 0, "ipc-cap") == K_NO_ERROR);
    CHECK(thread_start(&t, c_send_cap, plain, noterm, t.ipc_va, PRIO, true) == K_NO_ERROR);
    info = k_recv(ep, &badge, 0, 0, 0, 0);
    CHECK_EQ(badge, 2);
    CHECK_EQ(k_msginfo_extra_caps(info), 0);
    CHECK_EQ(k_debug_cap_identify(dest), 0);
    thread_free(&t);
    /* A badged cap to the endpoint the message travels on is unwrapped to its badge. */
    k_cptr_t b9 = mint(ep, K_CAP_RIGHTS_ALL, 9);
    CHECK(thread_new(&t, ut, NULL, 0, "ipc-cap") == K_NO_ERROR);
    CHECK(thread_start(&t, c_send_cap, granting, b9, t.ipc_va, PRIO, true) == K_NO_ERROR);
    info = k_recv(ep, &badge, 0, 0, 0, 0);
    CHECK_EQ(k_msginfo_extra_caps(info), 1);
    CHECK_EQ(k_msginfo_caps_unwrapped(info), 1);
    CHECK_EQ(me->caps_or_badges[0], 9);
    CHECK_EQ(k_debug_cap_identify(dest), 0);
    thread_free(&t);
    me->receive_cnode = me->receive_index = me->receive_depth = 0;
    slot_free(dest);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

TEST(ipc_deleting_endpoint_fails_its_waiters)
{
    /* A receiver blocked on an endpoint that is deleted restarts its Recv, finds no
     * capability, and takes a capability fault (reported: it has no handler). */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = new_ep(ut);
    struct thread t = { 0 };
    shared_clear();
    CHECK(thread_new(&t, ut, NULL, 0, "ipc-orphan") == K_NO_ERROR);
    CHECK(thread_start(&t, c_recv, ep, 0, 0, PRIO, true) == K_NO_ERROR);
    k_yield();
    CHECK_EQ(k_cnode_delete(ROOT, ep, ROOT_DEPTH), K_NO_ERROR);
    yield_n(3);
    CHECK_EQ(W(3), 0);                      /* it never completed a receive */
    thread_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

TEST(ipc_suspend_blocked_thread)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = new_ep(ut);
    struct thread t = { 0 };
    shared_clear();
    CHECK(start(&t, ut, "ipc-susp", c_recv, ep, 0, 0));
    k_yield();                                    /* blocked in Recv */
    CHECK_EQ(k_tcb_suspend(t.tcb), K_NO_ERROR);
    /* Suspended: no longer a receiver, so a non-blocking send is dropped. */
    k_nb_send(ep, k_msginfo_new(0, 0, 0, 1), 1, 0, 0, 0);
    yield_n(2);
    CHECK_EQ(W(3), 0);
    /* Resumed: it receives again (its Recv restarts). */
    CHECK_EQ(k_tcb_resume(t.tcb), K_NO_ERROR);
    k_yield();
    k_send(ep, k_msginfo_new(0, 0, 0, 1), 2, 0, 0, 0);
    CHECK(YIELD_UNTIL(W(3) == 1, 10));
    CHECK_EQ(W(1), 2);
    thread_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

TEST(ipc_fault_messages_and_restart)
{
    /* A child whose fault endpoint is ours: each fault arrives as a message with
     * seL4's label and layout; our reply resumes it. */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = new_ep(ut), fep = mint(ep, K_CAP_RIGHTS_ALL, 0xfa);
    static const k_word_t labels[] = { K_FAULT_USER_EXCEPTION, K_FAULT_VM, K_FAULT_UNKNOWN_SYSCALL, K_FAULT_CAP };
    k_cptr_t frame = make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0), l1 = 0, l2 = 0;
    CHECK(map_tables(ut, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, &l1, &l2) == K_NO_ERROR);
    for (k_word_t kind = 0; kind < 4; kind++) {
        struct thread t = { 0 };
        shared_clear();
        CHECK(thread_new(&t, ut, NULL, 0, "ipc-faulter") == K_NO_ERROR);
        CHECK_EQ(k_tcb_set_space(t.tcb, fep, ROOT, 0, K_CAP_INIT_THREAD_VSPACE, 0), K_NO_ERROR);
        CHECK(thread_start(&t, c_fault, kind, 0, SCRATCH_VA, PRIO, true) == K_NO_ERROR);
        k_word_t badge, m[4];
        k_word_t info = k_recv(ep, &badge, &m[0], &m[1], &m[2], &m[3]);
        CHECK_EQ(badge, 0xfa);
        CHECK_EQ(k_msginfo_label(info), labels[kind]);
        switch (kind) {
        case 0:   /* UserException: FaultIP, SP, Number = scause 2 */
            CHECK_EQ(k_msginfo_length(info), 4);
            CHECK_EQ(m[2], 2);
            /* Resume after the bad instruction: reply with a new FaultIP. */
            k_reply(k_msginfo_new(0, 0, 0, 2), m[0] + 4, m[1], 0, 0);
            break;
        case 1:   /* VMFault: IP, Addr, PrefetchFault 0, FSR = seL4's load code 5
                   * (the hart said 13, load page fault) */
            CHECK_EQ(m[1], SCRATCH_VA);
            CHECK_EQ(m[2], 0);
            CHECK_EQ(m[3], 5);
            /* Map the page and resume: the load is retried and succeeds. */
            CHECK_EQ(k_riscv_page_map(frame, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, K_CAP_RIGHTS_ALL, 0), K_NO_ERROR);
            *(volatile k_word_t *)SCRATCH_VA = 0xfeed;
            k_reply(k_msginfo_new(0, 0, 0, 0), 0, 0, 0, 0);
            break;
        case 2:   /* UnknownSyscall: 11 words, the number last (MR10) */
            CHECK_EQ(k_msginfo_length(info), K_UNKNOWN_SYSCALL_LENGTH);
            CHECK_EQ(m[3], 5);                          /* a0 */
            CHECK_EQ(k_ipc_buffer()->msg[K_UNKNOWN_SYSCALL_SYSCALL], (k_word_t)-77);
            k_reply(k_msginfo_new(0, 0, 0, 1), m[0] + 4, 0, 0, 0);
            break;
        default:  /* CapFault: IP, Addr (the cptr), InRecvPhase 0, lookup failure */
            CHECK_EQ(m[1], 0xdead);
            CHECK_EQ(m[2], 0);
            CHECK_EQ(m[3], K_GUARD_MISMATCH);
            /* Not replying with label 0 leaves it stopped. */
            k_reply(k_msginfo_new(1, 0, 0, 0), 0, 0, 0, 0);
            break;
        }
        if (kind < 3) CHECK(YIELD_UNTIL(W(0) == 1, 10));
        else { yield_n(3); CHECK_EQ(W(0), 0); }
        if (kind == 1) CHECK_EQ(W(1), 0xfeed);
        thread_free(&t);
    }
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

TEST(notification_signal_wait_poll)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t n = make_object(ut, K_NOTIFICATION_OBJECT, 0);
    k_cptr_t b1 = mint(n, K_CAP_RIGHTS_ALL, 1), b4 = mint(n, K_CAP_RIGHTS_ALL, 4);
    CHECK_EQ(k_poll(n), 0);
    k_signal(b1);
    k_signal(b4);
    CHECK_EQ(k_wait(n), 5);                 /* badges OR together */
    CHECK_EQ(k_poll(n), 0);                 /* and are consumed */
    /* A waiter is woken by the signal with its badge. */
    struct thread t = { 0 };
    shared_clear();
    CHECK(start(&t, ut, "ntfn-wait", c_recv, n, 0, 0));
    k_yield();
    k_signal(b4);
    CHECK(YIELD_UNTIL(W(3) == 1, 10));
    CHECK_EQ(W(0), 4);
    thread_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

TEST(notification_bound_wakes_endpoint_waiter)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = new_ep(ut), n = make_object(ut, K_NOTIFICATION_OBJECT, 0);
    k_cptr_t b2 = mint(n, K_CAP_RIGHTS_ALL, 2);
    struct thread t = { 0 };
    shared_clear();
    CHECK(thread_new(&t, ut, NULL, 0, "ntfn-bound") == K_NO_ERROR);
    CHECK_EQ(k_tcb_bind_notification(t.tcb, n), K_NO_ERROR);
    CHECK_EQ(k_tcb_bind_notification(t.tcb, n), K_ILLEGAL_OPERATION);   /* bound already */
    CHECK(thread_start(&t, c_recv, ep, 0, 0, PRIO, true) == K_NO_ERROR);
    k_yield();                               /* it waits on the endpoint */
    k_signal(b2);
    CHECK(YIELD_UNTIL(W(3) == 1, 10));
    CHECK_EQ(W(0), 2);                       /* woken by the notification's badge */
    CHECK_EQ(k_tcb_unbind_notification(t.tcb), K_NO_ERROR);
    CHECK_EQ(k_tcb_unbind_notification(t.tcb), K_ILLEGAL_OPERATION);
    thread_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

/* The fast path and the general path must be indistinguishable: the same Call with a
 * 4-word message (fast) and a 5-word one (general) delivers the same words, badge
 * and label, and gets the same reply. */
TEST(ipc_fast_and_slow_paths_agree)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = new_ep(ut), b = mint(ep, K_CAP_RIGHTS_ALL, 0x5a);
    struct thread server = { 0 };
    shared_clear();
    CHECK(start(&server, ut, "ipc-agree", c_server, ep, 3, 0));
    k_yield();
    /* A first Call creates our master reply cap (the general path does that), so the
     * fast path can serve the next one. */
    k_word_t w0 = 1;
    k_call(b, k_msginfo_new(6, 0, 0, 1), &w0, 0, 0, 0);
    k_word_t r[2][4];
    k_word_t info[2], slow[2];
    for (int i = 0; i < 2; i++) {
        k_word_t m0 = 10, m1 = 11, m2 = 12, m3 = 13;
        k_ipc_buffer()->msg[4] = 14;
        k_word_t before = k_debug_slowpath_count();
        info[i] = k_call(b, k_msginfo_new(6, 0, 0, 4 + i), &m0, &m1, &m2, &m3);
        slow[i] = k_debug_slowpath_count() - before;
        r[i][0] = m0; r[i][1] = m1; r[i][2] = m2; r[i][3] = m3;
    }
    /* Which path ran: the 4-word Call and the server's answer (its ReplyRecv, which
     * also waits for the next Call) took the fast path; the 5-word Call did not. */
    CHECK_EQ(slow[0], 0);
    CHECK(slow[1] >= 1);
    CHECK_EQ(k_msginfo_label(info[0]), k_msginfo_label(info[1]));
    CHECK_EQ(k_msginfo_length(info[0]), k_msginfo_length(info[1]));
    CHECK_EQ(r[0][0], r[1][0]);
    CHECK_EQ(r[0][0], 110);
    CHECK_EQ(W(1), 0x5a);
    CHECK_EQ(W(2), 0x5a);
    CHECK(YIELD_UNTIL(W(3) == 1, 10));
    thread_free(&server);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

/* A pager's ReplyRecv to a VM fault takes the fast path (no words move, the fault is
 * cleared, the load is retried), and the thread's next Call is an ordinary one whose
 * reply carries its words (a fault left set would make that reply a fault reply,
 * which copies nothing). An unknown system call's ReplyRecv still goes the general
 * way: its reply sets the pc, so the thread goes on past the ecall. */
TEST(ipc_vm_fault_reply_recv_fast_path)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = new_ep(ut), fep = mint(ep, K_CAP_RIGHTS_ALL, 0xfa), b = mint(ep, K_CAP_RIGHTS_ALL, 0x5b);
    k_cptr_t frame = make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0), l1 = 0, l2 = 0;
    CHECK(map_tables(ut, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, &l1, &l2) == K_NO_ERROR);
    for (k_word_t kind = 1; kind < 3; kind++) {
        struct thread t = { 0 };
        shared_clear();
        CHECK(thread_new(&t, ut, NULL, 0, "ipc-fastfault") == K_NO_ERROR);
        CHECK_EQ(k_tcb_set_space(t.tcb, fep, ROOT, 0, K_CAP_INIT_THREAD_VSPACE, 0), K_NO_ERROR);
        CHECK(thread_start(&t, c_fault_call, kind, b, SCRATCH_VA, PRIO, true) == K_NO_ERROR);
        k_word_t badge, m[4];
        k_word_t info = k_recv(ep, &badge, &m[0], &m[1], &m[2], &m[3]);
        CHECK_EQ(badge, 0xfa);
        CHECK_EQ(k_msginfo_label(info), kind == 1 ? K_FAULT_VM : K_FAULT_UNKNOWN_SYSCALL);
        k_word_t reply = k_msginfo_new(0, 0, 0, 0), resume_pc = m[0] + 4;
        if (kind == 1) {
            CHECK_EQ(k_riscv_page_map(frame, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, K_CAP_RIGHTS_ALL, 0),
                     K_NO_ERROR);
            *(volatile k_word_t *)SCRATCH_VA = 0xbeef;
            m[0] = 99;   /* words a VM fault reply must not deliver anywhere */
        } else {
            reply = k_msginfo_new(0, 0, 0, 1);
            m[0] = resume_pc;
        }
        k_word_t before = k_debug_slowpath_count();
        info = k_reply_recv(ep, reply, &badge, &m[0], &m[1], &m[2], &m[3]);
        k_word_t slow = k_debug_slowpath_count() - before;
        /* What arrives is the thread's Call, not the same fault again. */
        CHECK_EQ(badge, 0x5b);
        CHECK_EQ(k_msginfo_label(info), 3);
        CHECK_EQ(m[0], 10);
        CHECK_EQ(m[3], 13);
        if (kind == 1) {
            CHECK_EQ(slow, 0);          /* the ReplyRecv and the Call: both fast */
            CHECK_EQ(W(1), 0xbeef);     /* the retried load saw the new page */
            CHECK_EQ(k_riscv_page_unmap(frame), K_NO_ERROR);
        } else {
            CHECK(slow >= 1);
        }
        k_reply(k_msginfo_new(0, 0, 0, 1), 77, 0, 0, 0);
        CHECK(YIELD_UNTIL(W(0) == 1, 10));
        CHECK_EQ(W(2), 77);             /* an ordinary reply: its word arrived */
        thread_free(&t);
    }
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

/* Spin until W(idx) reaches n (counting in W(idx)), then stop. */
static void c_spin(k_word_t n, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    while (W(idx) < n) W(idx)++;
}

/* Call ep, then record how far the spinner (W(spin_idx)) had got: W(idx). */
static void c_call_and_look(k_word_t ep, k_word_t idx, k_word_t spin_idx, k_cptr_t self)
{
    (void)self;
    k_word_t m0 = 1;
    k_call(ep, k_msginfo_new(1, 0, 0, 1), &m0, 0, 0, 0);
    W(idx) = W(spin_idx);
    W(idx + 1) = 1;
}

/* Priority inversion, as seL4 without MCS has it (docs/scheduling.md): there is no
 * priority inheritance. A high-priority client calling a low-priority server waits for
 * every thread of middle priority; giving the server a priority at least as high as its
 * clients (a priority ceiling) avoids it. Both cases, measured by how far a
 * middle-priority spinner got before the client's reply arrived. */
static k_word_t inversion_run(k_cptr_t ut, k_word_t server_prio)
{
    enum { SPIN = 200000 };
    k_cptr_t ep = new_ep(ut);
    struct thread srv = { 0 }, hi = { 0 }, mid = { 0 };
    shared_clear();
    bool ok = thread_new(&srv, ut, NULL, 0, "pi-server") == K_NO_ERROR &&
              thread_new(&hi, ut, NULL, 0, "pi-high") == K_NO_ERROR &&
              thread_new(&mid, ut, NULL, 0, "pi-middle") == K_NO_ERROR &&
              thread_start(&srv, c_server, ep, 1, 20, server_prio, true) == K_NO_ERROR &&
              thread_start(&mid, c_spin, SPIN, 10, 0, 150, true) == K_NO_ERROR &&
              thread_start(&hi, c_call_and_look, ep, 0, 10, 200, true) == K_NO_ERROR;
    CHECK(ok);
    /* Step aside: everything above runs until it blocks or ends; then we run again. */
    CHECK_EQ(k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, 10), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, 255), K_NO_ERROR);
    CHECK_EQ(W(1), 1);                 /* the client got its reply */
    CHECK_EQ(W(10), SPIN);             /* and the spinner finished */
    k_word_t seen = W(0);
    thread_free(&hi);
    thread_free(&mid);
    thread_free(&srv);
    return seen;
}

TEST(ipc_priority_inversion_is_not_hidden)
{
    k_cptr_t ut = untyped_at_least(20);
    /* Server below the middle thread: the client's reply waits for all of it. */
    CHECK_EQ(inversion_run(ut, 100), 200000);
    /* Server at a ceiling above its client: the reply comes before the spinner runs. */
    CHECK_EQ(inversion_run(ut, 250), 0);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

TEST(ipc_deleting_notification_fails_its_waiters)
{
    /* As for endpoints: a thread waiting on a notification that is deleted retries its
     * Wait, finds no capability and takes a capability fault (reported). */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t n = make_object(ut, K_NOTIFICATION_OBJECT, 0);
    struct thread t = { 0 };
    shared_clear();
    CHECK(thread_new(&t, ut, NULL, 0, "xf-ntfn-orphan") == K_NO_ERROR);
    CHECK(thread_start(&t, c_recv, n, 0, 0, PRIO, true) == K_NO_ERROR);
    k_yield();
    CHECK_EQ(k_cnode_delete(ROOT, n, ROOT_DEPTH), K_NO_ERROR);
    yield_n(3);
    CHECK_EQ(W(3), 0);
    thread_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

/* Send label 3 with extraCaps 2 and length 6 (registers only), then W(idx) = 1. */
static void c_send_long_with_caps(k_word_t ep, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    k_send(ep, k_msginfo_new(3, 0, 2, 6), 31, 32, 33, 34);
    W(idx) = 1;
}

TEST(ipc_thread_without_buffer_sends_registers_only)
{
    /* A thread with no IPC buffer: its message is cut to the four register words, the
     * extra caps it names cannot be read and are ignored (seL4: no buffer, no caps),
     * and nothing past the registers is written into the receiver's buffer. */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = new_ep(ut);
    struct thread t = { 0 };
    shared_clear();
    CHECK(thread_new(&t, ut, NULL, 0, "ipc-nobuf") == K_NO_ERROR);
    CHECK_EQ(k_tcb_set_ipc_buffer(t.tcb, 0, 0), K_NO_ERROR);
    CHECK(thread_start(&t, c_send_long_with_caps, ep, 0, 0, PRIO, true) == K_NO_ERROR);
    struct k_ipc_buffer *me = k_ipc_buffer();
    for (unsigned i = 4; i < 8; i++) me->msg[i] = 0xa5a5 + i;
    me->caps_or_badges[0] = 0xbad;
    k_word_t badge = 0, m[4] = { 0 };
    k_word_t info = k_recv(ep, &badge, &m[0], &m[1], &m[2], &m[3]);
    CHECK_EQ(k_msginfo_label(info), 3);
    CHECK_EQ(k_msginfo_length(info), 4);
    CHECK_EQ(k_msginfo_extra_caps(info), 0);
    CHECK_EQ(m[0], 31);
    CHECK_EQ(m[3], 34);
    for (unsigned i = 4; i < 8; i++) CHECK_EQ(me->msg[i], 0xa5a5 + i);
    CHECK_EQ(me->caps_or_badges[0], 0xbad);
    CHECK(YIELD_UNTIL(W(0) == 1, 10));      /* its Send completed: no fault either */
    thread_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}
