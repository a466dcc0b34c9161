/* The audit snapshot (AuditSnapshot, kernel/syscall/snapshot.c).
 *
 * In the target, the counts each snapshot returns must move exactly as the test's own
 * operations say. Each snapshot follows an `audit-test: phase=NAME ...` line giving the
 * root CNode slots the test used; test/kernel/audit_check.py then reads the console
 * log with tools/capaudit and checks, capability for capability, that each snapshot
 * shows what the phase built (slots, badges, rights, parents, thread records). */
#include "thread_util.h"

#define PRIO 255
#define SRV_DEPTH 4               /* the server's 16-slot CNode, addressed from ours */
#define SRV_EP 2                  /* its slots: 1 its own TCB (thread_util), 2 endpoint */
#define SRV_NTFN 3                /* 3 notification */
#define SRV_MINT 4                /* 4, then 5: the cap minted and moved later */
#define SRV_MOVED 5

static struct k_audit_counts snapshot(const char *phase)
{
    struct k_audit_counts c = { 0, 0, 0, 0 };
    CHECK_EQ(k_audit_print(K_CAP_AUDIT, 64, 3, &c), K_NO_ERROR);
    CHECK(c.caps > 0 && c.tcbs > 0 && c.cnodes > 0);
    printf("audit-test: %s: %lu caps, %lu threads, %lu cnodes\n", phase, c.caps, c.tcbs, c.cnodes);
    return c;
}

/* Child: Call ep (so the receiver holds a reply cap to us until it answers). */
static void c_call(k_word_t ep, k_word_t unused1, k_word_t unused2, k_cptr_t self)
{
    (void)unused1; (void)unused2; (void)self;
    k_word_t m0 = 5;
    k_call(ep, k_msginfo_new(0x78, 0, 0, 1), &m0, 0, 0, 0);
}

/* Child: send the cap at `cap` (in its CSpace) through `ep`, from its IPC buffer. */
static void c_give(k_word_t ep, k_word_t cap, k_word_t ipc, k_cptr_t self)
{
    (void)self;
    ((struct k_ipc_buffer *)ipc)->caps_or_badges[0] = cap;
    k_send(ep, k_msginfo_new(0x77, 0, 1, 1), 1, 0, 0, 0);
}

TEST(snapshot_tracks_mint_move_transfer_revoke)
{
    k_cptr_t ut = untyped_at_least(20);
    CHECK(ut != 0);
    struct k_audit_counts c0 = snapshot("baseline"), c;

    /* The known system: a server thread "audit-srv" with a CSpace of its own holding
     * its TCB, a badged endpoint (also its fault endpoint) and a badged notification,
     * the notification bound to it. */
    k_cptr_t ep = make_object(ut, K_ENDPOINT_OBJECT, 0);
    k_cptr_t ntfn = make_object(ut, K_NOTIFICATION_OBJECT, 0);
    struct thread srv = { 0 };
    CHECK_EQ(thread_new(&srv, ut, NULL, THREAD_OWN_CSPACE, "audit-srv"), K_NO_ERROR);
    CHECK_EQ(k_cnode_mint(srv.cnode, SRV_EP, SRV_DEPTH, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL, 0x11), K_NO_ERROR);
    CHECK_EQ(k_cnode_mint(srv.cnode, SRV_NTFN, SRV_DEPTH, ROOT, ntfn, ROOT_DEPTH,
                          K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, 0x5), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_space(srv.tcb, SRV_EP, srv.cnode, k_cnode_cap_data(0, 60), K_CAP_INIT_THREAD_VSPACE, 0),
             K_NO_ERROR);
    CHECK_EQ(k_tcb_bind_notification(srv.tcb, ntfn), K_NO_ERROR);
    printf("audit-test: phase=built ep=%lu ntfn=%lu srv_tcb=%lu srv_cnode=%lu\n", ep, ntfn, srv.tcb, srv.cnode);
    struct k_audit_counts c1 = snapshot("built");
    CHECK_EQ(c1.tcbs, c0.tcbs + 1);
    CHECK_EQ(c1.cnodes, c0.cnodes + 1);

    /* Mint: one more cap. Move: the same count, another slot. */
    CHECK_EQ(k_cnode_mint(srv.cnode, SRV_MINT, SRV_DEPTH, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHT_WRITE, 0x22), K_NO_ERROR);
    printf("audit-test: phase=minted\n");
    c = snapshot("minted");
    CHECK_EQ(c.caps, c1.caps + 1);
    CHECK_EQ(k_cnode_move(srv.cnode, SRV_MOVED, SRV_DEPTH, srv.cnode, SRV_MINT, SRV_DEPTH), K_NO_ERROR);
    printf("audit-test: phase=moved\n");
    c = snapshot("moved");
    CHECK_EQ(c.caps, c1.caps + 1);

    /* Transfer over IPC: the server sends its notification cap to us. */
    k_cptr_t recv = slot_alloc();
    struct k_ipc_buffer *me = k_ipc_buffer();
    me->receive_cnode = ROOT; me->receive_index = recv; me->receive_depth = ROOT_DEPTH;
    CHECK_EQ(thread_start(&srv, c_give, SRV_EP, SRV_NTFN, srv.ipc_va, PRIO, true), K_NO_ERROR);
    k_word_t badge = 0;
    k_word_t info = k_recv(ep, &badge, 0, 0, 0, 0);
    me->receive_cnode = me->receive_index = me->receive_depth = 0;
    CHECK_EQ(badge, 0x11);
    CHECK_EQ(k_msginfo_extra_caps(info), 1);
    CHECK_EQ(k_debug_cap_identify(recv), 6);
    /* Let the server finish (it suspends itself) before the picture is taken: step
     * below it and back, so it runs to its end however the time slices fall. */
    CHECK_EQ(k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, PRIO - 1), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, 255), K_NO_ERROR);
    printf("audit-test: phase=transferred recv=%lu\n", recv);
    c = snapshot("transferred");
    CHECK_EQ(c.caps, c1.caps + 2);
    struct k_audit_counts c_tr = c;

    /* A Call waiting for its reply: we hold a reply cap to the server (in our TCB),
     * derived from the master reply cap in its TCB. */
    CHECK_EQ(thread_start(&srv, c_call, SRV_EP, 0, 0, PRIO, true), K_NO_ERROR);
    info = k_recv(ep, &badge, 0, 0, 0, 0);
    CHECK_EQ(k_msginfo_label(info), 0x78);
    printf("audit-test: phase=called\n");
    c = snapshot("called");
    /* Two more: the reply cap in our TCB and the master in the server's, made by its
     * first Call; the master stays after the reply. */
    CHECK_EQ(c.caps, c_tr.caps + 2);
    /* SaveCaller moves the reply cap into our CNode: still there, still one cap. */
    k_cptr_t saved = slot_alloc();
    CHECK_EQ(k_cnode_save_caller(ROOT, saved, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(saved), 8);
    printf("audit-test: phase=saved saved=%lu\n", saved);
    c = snapshot("saved");
    CHECK_EQ(c.caps, c_tr.caps + 2);
    k_send(saved, k_msginfo_new(0, 0, 0, 1), 9, 0, 0, 0);      /* the answer: used up */
    CHECK_EQ(k_debug_cap_identify(saved), 0);
    slot_free(saved);

    /* A planted violation of policy/system.policy: a process holding untyped memory
     * and another thread's TCB. */
    struct thread proc = { 0 };
    k_cptr_t small = make_object(ut, K_UNTYPED_OBJECT, 12);
    CHECK_EQ(thread_new(&proc, ut, NULL, THREAD_OWN_CSPACE, "audit-proc"), K_NO_ERROR);
    CHECK_EQ(k_cnode_copy(proc.cnode, 2, SRV_DEPTH, ROOT, small, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    CHECK_EQ(k_cnode_copy(proc.cnode, 3, SRV_DEPTH, ROOT, srv.tcb, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    printf("audit-test: phase=planted small=%lu proc_cnode=%lu\n", small, proc.cnode);
    c = snapshot("planted");
    CHECK_EQ(c.tcbs, c1.tcbs + 1);
    CHECK_EQ(c.cnodes, c1.cnodes + 1);
    /* Its CNode holds its own TCB cap and its TCB holds the CNode: break that cycle
     * first, or deleting our caps leaves both alive (the snapshot showed this). */
    CHECK_EQ(k_cnode_delete(proc.cnode, OWN_CSPACE_SELF, SRV_DEPTH), K_NO_ERROR);
    thread_free(&proc);
    CHECK_EQ(k_cnode_delete(ROOT, small, ROOT_DEPTH), K_NO_ERROR);
    slot_free(small);

    /* Revoke the endpoint: the server's two endpoint caps go, the original stays. */
    CHECK_EQ(k_cnode_revoke(ROOT, ep, ROOT_DEPTH), K_NO_ERROR);
    printf("audit-test: phase=revoked\n");
    c = snapshot("revoked");
    CHECK_EQ(c.caps, c1.caps + 2 - 2 + 1);     /* minted, received; revoked; the master */
    CHECK_EQ(c.tcbs, c1.tcbs);

    /* Everything gone: back to the counts we started from. */
    thread_free(&srv);
    CHECK_EQ(k_cnode_delete(ROOT, recv, ROOT_DEPTH), K_NO_ERROR);
    slot_free(recv);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    slot_free(ep);
    slot_free(ntfn);
    printf("audit-test: phase=destroyed\n");
    c = snapshot("destroyed");
    CHECK_EQ(c.caps, c0.caps);
    CHECK_EQ(c.tcbs, c0.tcbs);
    CHECK_EQ(c.cnodes, c0.cnodes);
}

TEST(snapshot_chunks_and_cursors)
{
    k_word_t next = 0, caps = 0, tcbs = 0, cnodes = 0;
    /* Bounds of a chunk. */
    CHECK_EQ(k_audit_snapshot(K_CAP_AUDIT, 0, 0, &next, &caps, &tcbs, &cnodes), K_RANGE_ERROR);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_last_mr(1), 64);
    CHECK_EQ(k_audit_snapshot(K_CAP_AUDIT, 0, 65, &next, &caps, &tcbs, &cnodes), K_RANGE_ERROR);
    /* A cursor nobody was given. */
    CHECK_EQ(k_audit_snapshot(K_CAP_AUDIT, 12345, 1, &next, &caps, &tcbs, &cnodes), K_INVALID_ARGUMENT);
    CHECK_EQ(k_last_mr(0), 0);

    /* One cap per call gives the same snapshot as 64 per call. The first starts while
     * the console line is unfinished (our line buffer, full, is written without its
     * newline): its records must still start lines, or audit_check.py cannot parse. */
    for (int i = 0; i < 130; i++) putchar('x');
    struct k_audit_counts whole;
    CHECK_EQ(k_audit_print(K_CAP_AUDIT, 64, 0, &whole), K_NO_ERROR);
    putchar('\n');
    k_word_t cursor = 0, last = 0, calls = 0, prev_caps = 0;
    do {
        CHECK_EQ(k_audit_snapshot(K_CAP_AUDIT, cursor, 1, &next, &caps, &tcbs, &cnodes), K_NO_ERROR);
        /* One cap from the list, and at most a thread record's master and reply caps. */
        CHECK(caps >= prev_caps + 1 && caps <= prev_caps + 3);
        prev_caps = caps;
        if (cursor) last = cursor;
        cursor = next;
        calls++;
    } while (next && calls < 100000);
    CHECK_EQ(caps, whole.caps);
    CHECK_EQ(tcbs, whole.tcbs);
    CHECK_EQ(cnodes, whole.cnodes);
    CHECK(calls >= whole.caps - 2 * whole.tcbs);
    /* A finished snapshot's last cursor is not valid again. */
    CHECK(last != 0);
    CHECK_EQ(k_audit_snapshot(K_CAP_AUDIT, last, 1, &next, &caps, &tcbs, &cnodes), K_INVALID_ARGUMENT);

    /* Capabilities changing between two calls kill the cursor (an abort line is
     * printed); starting again works. */
    CHECK_EQ(k_audit_snapshot(K_CAP_AUDIT, 0, 1, &next, &caps, &tcbs, &cnodes), K_NO_ERROR);
    CHECK(next != 0);
    k_cptr_t copy = slot_alloc();
    CHECK_EQ(k_cnode_copy(ROOT, copy, ROOT_DEPTH, ROOT, K_CAP_AUDIT, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    k_word_t stale = next;
    CHECK_EQ(k_audit_snapshot(K_CAP_AUDIT, stale, 1, &next, &caps, &tcbs, &cnodes), K_INVALID_ARGUMENT);
    CHECK_EQ(k_audit_snapshot(K_CAP_AUDIT, stale, 1, &next, &caps, &tcbs, &cnodes), K_INVALID_ARGUMENT);
    /* The copy is an audit cap as good as the original, and counts one more cap. */
    CHECK_EQ(k_debug_cap_identify(copy), 31);
    struct k_audit_counts viacopy;
    CHECK_EQ(k_audit_print(copy, 64, 0, &viacopy), K_NO_ERROR);
    CHECK_EQ(viacopy.caps, whole.caps + 1);
    CHECK_EQ(k_cnode_delete(ROOT, copy, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(copy), 0);
    /* Mint works too (the badge word means nothing to it). */
    CHECK_EQ(k_cnode_mint(ROOT, copy, ROOT_DEPTH, ROOT, K_CAP_AUDIT, ROOT_DEPTH, K_CAP_RIGHTS_ALL, 7), K_NO_ERROR);
    CHECK_EQ(k_audit_print(copy, 64, 0, &viacopy), K_NO_ERROR);
    CHECK_EQ(viacopy.caps, whole.caps + 1);
    CHECK_EQ(k_cnode_delete(ROOT, copy, ROOT_DEPTH), K_NO_ERROR);
    slot_free(copy);

    /* A thread cannot forge audit records on the console: the kernel indents its lines
     * that start with '@' (audit_check.py looks for this one, and would fail to parse
     * the log if it were a record: an abort outside any snapshot). */
    printf("@cap v1 abort snap=1 reason=forged\n");

    /* Wrong label on the audit cap; the audit label on another cap; a short message. */
    CHECK_EQ(raw_invoke(K_CAP_AUDIT, K_CNODE_COPY, 2, 0, NULL, 0, 1), K_ILLEGAL_OPERATION);
    CHECK_EQ(raw_invoke(K_CAP_DOMAIN, K_AUDIT_SNAPSHOT, 2, 0, NULL, 0, 1), K_ILLEGAL_OPERATION);
    CHECK_EQ(raw_invoke(K_CAP_AUDIT, K_AUDIT_SNAPSHOT, 1, 0, NULL, 0, 1), K_TRUNCATED_MESSAGE);
}

TEST(snapshot_deep_derivation_chain)
{
    /* Copies of copies of an untyped: a chain deeper than the kernel's ancestor stack
     * (64). The snapshot completes with one more cap per copy; audit_check.py checks
     * that every link's parent is still exact. */
    enum { N = 70 };
    k_cptr_t ut = untyped_at_least(20);
    CHECK(ut != 0);
    struct k_audit_counts c0, c;
    CHECK_EQ(k_audit_print(K_CAP_AUDIT, 64, 3, &c0), K_NO_ERROR);
    k_cptr_t small = make_object(ut, K_UNTYPED_OBJECT, 12);
    k_cptr_t chain = slot_alloc_range(N);      /* not given back: main.c keeps 64 */
    CHECK(small != 0 && chain != 0);
    k_cptr_t prev = small;
    for (unsigned i = 0; i < N; i++) {
        CHECK_EQ(k_cnode_copy(ROOT, chain + i, ROOT_DEPTH, ROOT, prev, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
        prev = chain + i;
    }
    /* The source of a copy with children cannot be copied again. */
    CHECK_EQ(k_cnode_copy(ROOT, slot_alloc(), ROOT_DEPTH, ROOT, small, ROOT_DEPTH, K_CAP_RIGHTS_ALL),
             K_REVOKE_FIRST);
    printf("audit-test: phase=deep small=%lu chain=%lu n=%u\n", small, chain, (unsigned)N);
    CHECK_EQ(k_audit_print(K_CAP_AUDIT, 64, 3, &c), K_NO_ERROR);
    CHECK_EQ(c.caps, c0.caps + 1 + N);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(chain + N - 1), 0);
    slot_free(small);
}
