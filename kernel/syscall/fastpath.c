/* The IPC fast path: Call and ReplyRecv between two threads when nothing unusual is
 * involved (a short message in registers, no capabilities, the partner already
 * waiting, a valid address space, the partner entitled to run next). It does exactly
 * what the general path does for that case, with the checks and updates in one
 * straight line, and switches directly to the partner. Whenever a condition does not
 * hold it returns, and the general path handles the call from the start: nothing has
 * been changed by then. */
#include <fastpath.h>
#include <object/endpoint.h>
#include <object/vspace.h>
#include <cap/cspace.h>
#include <sched.h>
#include <k/abi.h>
#include <node.h>

#define FAST_MSG_MAX 4

static inline bool short_message(word_t info)
{
    /* No extra caps, no capsUnwrapped bits (a sender may set them; the general path
     * clears them) and at most the four register message words: the low 12 bits of
     * the info word (length 7 | extraCaps 2 | capsUnwrapped 3) are then the length. */
    return (info & MASK(12)) <= FAST_MSG_MAX;
}

/* Only the common CSpace shape: a root CNode whose guard and radix consume the whole
 * pointer in one level (seL4's root task layout). Anything else, and every lookup
 * failure, is left to the general path, which reports it. */
static inline cte_t *lookup(tcb_t *t, word_t cptr)
{
    cap_t root = tcb_slot(t, TCB_SLOT_CTABLE)->cap;
    unsigned radix = cnode_radix(root), gsize = cnode_guard_size(root);
    /* The guard is stored masked to its size (cap_update_data, boot), so it compares
     * directly with the bits above the index. */
    if (cap_type(root) == CAP_CNODE && radix + gsize == 64 && radix < 64 &&
        (cptr >> radix) == cnode_guard(root))
        return (cte_t *)cap_ptr(root) + (cptr & MASK(radix));
    return NULL;
}

static inline void copy_message(tcb_t *from, tcb_t *to, word_t badge, word_t info)
{
    word_t *f = from->ctx.regs, *t = to->ctx.regs;
    t[REG_A0] = badge;
    /* The sender's info word: extraCaps and capsUnwrapped are 0 (short_message). */
    t[REG_A1] = info;
    /* Only the message's own words, as the general path and seL4 copy them: the
     * receiver's registers past the length keep their values. */
    switch (k_msginfo_length(info)) {
    case 4: t[REG_A5] = f[REG_A5]; /* fall through */
    case 3: t[REG_A4] = f[REG_A4]; /* fall through */
    case 2: t[REG_A3] = f[REG_A3]; /* fall through */
    case 1: t[REG_A2] = f[REG_A2]; /* fall through */
    default: break;
    }
}

void fastpath_call(word_t cptr, word_t info, tcb_t *cur)
{
    if (!short_message(info)) return;
    cte_t *slot = lookup(cur, cptr);
    if (!slot) return;
    cap_t c = slot->cap;
    unsigned rights = cap_rights(c);
    if (cap_type(c) != CAP_ENDPOINT || !(rights & RIGHT_WRITE) ||
        !(rights & (RIGHT_GRANT | RIGHT_GRANT_REPLY)))
        return;
    endpoint_t *ep = cap_ptr(c);
    tcb_t *dest = ep->head;
    if (!dest || dest->state != TCB_BLOCKED_RECV) return;
    /* A receiver on another hart is woken there, by the general path. */
    if (dest->ctx.node != this_node()) return;
    /* We block; the receiver must be the one to run next. No queued thread outranks
     * the running one, so only a receiver below us needs the bitmap (seL4's test). */
    if (dest->priority < cur->priority && sched_ready_above(dest->priority)) return;
    unsigned asid;
    paddr_t root = vspace_of_thread(dest, &asid);
    if (asid == ASID_INVALID) return;
    cte_t *master = tcb_slot(cur, TCB_SLOT_REPLY), *caller_slot = tcb_slot(dest, TCB_SLOT_CALLER);
    if (cap_is_null(master->cap) || !cap_is_null(caller_slot->cap)) return;

    /* Commit: dequeue the receiver, deliver, leave a reply cap, switch. (A running
     * thread's queue links and blocked_on are never read; blocking sets them.) */
    ep->head = dest->ep_next;
    if (ep->head) ep->head->ep_prev = NULL;
    else ep->tail = NULL;
    cur->ctx.regs[CTX_PC] += 4;             /* the Call is done: resume after the ecall */
    copy_message(cur, dest, cap_badge(c), info);
    /* The reply cap: a non-revocable child of our master reply cap, right after it
     * in the derivation tree (what cdt_insert_child does for it, written out). */
    caller_slot->cap = cap_make(CAP_REPLY, kwin_to_paddr(cur), RIGHTS_ALL, 0, dest->receive_can_grant, 0);
    cte_t *after = mdb_next(master);
    caller_slot->mdb.prev = (uint64_t)(uintptr_t)master;
    caller_slot->mdb.next = (uint64_t)(uintptr_t)after;
    mdb_set_next(master, caller_slot);
    if (after) mdb_set_prev(after, caller_slot);
    sched_switch_direct(cur, TCB_BLOCKED_REPLY, dest, root, asid);
}

/* The ReplyRecv fast path's commit: the reply cap is used up (a leaf of the
 * derivation tree: unlink it, as cdt_remove does) and we wait on the endpoint. */
static inline __attribute__((always_inline)) void reply_recv_commit(tcb_t *cur, cte_t *reply_slot,
                                                                    cap_t c, endpoint_t *ep)
{
    cte_t *p = mdb_prev(reply_slot), *n = mdb_next(reply_slot);
    if (p) mdb_set_next(p, n);
    if (n) mdb_set_prev(n, p);
    reply_slot->cap = cap_null();
    reply_slot->mdb.prev = reply_slot->mdb.next = 0;
    cur->receive_can_grant = cap_rights(c) & RIGHT_GRANT;
    cur->blocked_on = ep;
    cur->ep_next = NULL;
    cur->ep_prev = ep->tail;
    if (ep->tail) ep->tail->ep_next = cur;
    else ep->head = cur;
    ep->tail = cur;
    cur->ctx.regs[CTX_PC] += 4;
}

void fastpath_reply_recv(word_t cptr, word_t info, tcb_t *cur)
{
    if (!short_message(info)) return;
    cte_t *reply_slot = tcb_slot(cur, TCB_SLOT_CALLER);
    cap_t rc = reply_slot->cap;
    if (cap_type(rc) != CAP_REPLY) return;
    tcb_t *caller = cap_ptr(rc);
    if (caller->state != TCB_BLOCKED_REPLY) return;
    if (caller->ctx.node != this_node()) return;   /* on another hart: general path */
    cte_t *slot = lookup(cur, cptr);
    if (!slot) return;
    cap_t c = slot->cap;
    if (cap_type(c) != CAP_ENDPOINT || !(cap_rights(c) & RIGHT_READ)) return;
    endpoint_t *ep = cap_ptr(c);
    /* A waiting sender would complete our receive at once: the general path does it. */
    if (ep->head && ep->head->state == TCB_BLOCKED_SEND) return;
    if (cur->bound_ntfn && (cur->bound_ntfn->bound_active & 1)) return;
    if (caller->priority < cur->priority && sched_ready_above(caller->priority)) return;
    unsigned asid;
    paddr_t root = vspace_of_thread(caller, &asid);
    if (asid == ASID_INVALID) return;
    /* A caller waiting with a VM fault: its reply resumes it whatever the reply says
     * (fault_reply in ipc/transfer.c: no words move, the faulting instruction is
     * retried), so a pager's answer is fast too. Other faults set registers from the
     * reply: the general path. */
    if (__builtin_expect(caller->fault_type != 0, 0)) {
        if (caller->fault_type != K_FAULT_VM) return;
        reply_recv_commit(cur, reply_slot, c, ep);
        caller->fault_type = 0;
        sched_switch_direct(cur, TCB_BLOCKED_RECV, caller, root, asid);
    }
    reply_recv_commit(cur, reply_slot, c, ep);
    copy_message(cur, caller, 0, info);
    sched_switch_direct(cur, TCB_BLOCKED_RECV, caller, root, asid);
}
