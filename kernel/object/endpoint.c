/* Endpoints: rendezvous message passing (see object/endpoint.h for the states). */
#include <object/endpoint.h>
#include <sched.h>
#include <cap/cdt.h>
#include <kprintf.h>

static void enqueue(tcb_t **head, tcb_t **tail, tcb_t *t)
{
    t->ep_next = NULL;
    t->ep_prev = *tail;
    if (*tail) (*tail)->ep_next = t;
    else *head = t;
    *tail = t;
}

static void dequeue(tcb_t **head, tcb_t **tail, tcb_t *t)
{
    if (t->ep_prev) t->ep_prev->ep_next = t->ep_next;
    else *head = t->ep_next;
    if (t->ep_next) t->ep_next->ep_prev = t->ep_prev;
    else *tail = t->ep_prev;
    t->ep_next = t->ep_prev = NULL;
    t->blocked_on = NULL;
}

/* The partner of a Call either gets a reply cap (if the caller's cap allowed any
 * granting) or, as seL4 does, the caller is left inactive: it can never be answered.
 * Its restart point stays on the ecall (or the faulting instruction), so a later
 * Resume issues the Call again, as seL4's does. The reply cap may carry caps back
 * only if the receiver's own cap had Grant. */
static void complete_call(tcb_t *caller, tcb_t *receiver, bool receiver_can_grant)
{
    if (caller->ipc_can_grant || caller->ipc_can_grant_reply) {
        ipc_setup_caller_cap(caller, receiver, receiver_can_grant);
        return;
    }
    if (!caller->fault_type) caller->ctx.regs[CTX_PC] -= 4;
    caller->fault_type = 0;
    sched_suspend(caller);
}

void ep_send(endpoint_t *ep, tcb_t *sender, word_t badge, bool can_grant, bool can_grant_reply,
             bool is_call, bool blocking)
{
    tcb_t *dest = ep->head;
    if (!dest || dest->state == TCB_BLOCKED_SEND) {
        if (!blocking) return;                        /* NBSend: nobody listening, dropped */
        sender->ipc_badge = badge;
        sender->ipc_can_grant = can_grant;
        sender->ipc_can_grant_reply = can_grant_reply;
        sender->ipc_is_call = is_call;
        sender->blocked_on = ep;
        sched_block(sender, TCB_BLOCKED_SEND);
        enqueue(&ep->head, &ep->tail, sender);
        return;
    }
    dequeue(&ep->head, &ep->tail, dest);
    ipc_transfer(sender, ep, badge, can_grant, dest);
    sched_make_runnable(dest);
    if (is_call) {
        sender->ipc_can_grant = can_grant;
        sender->ipc_can_grant_reply = can_grant_reply;
        complete_call(sender, dest, dest->receive_can_grant);
    }
}

void ep_receive(endpoint_t *ep, tcb_t *receiver, bool can_grant, bool blocking)
{
    /* A bound notification with signals pending is delivered first. */
    notification_t *n = receiver->bound_ntfn;
    if (n && (n->bound_active & 1)) {
        ntfn_wait(n, receiver, false);
        return;
    }
    tcb_t *src = ep->head;
    if (!src || src->state == TCB_BLOCKED_RECV) {
        if (!blocking) {
            receiver->ctx.regs[REG_A0] = 0;            /* NBRecv: no message, badge 0 */
            return;
        }
        receiver->receive_can_grant = can_grant;
        receiver->blocked_on = ep;
        sched_block(receiver, TCB_BLOCKED_RECV);
        enqueue(&ep->head, &ep->tail, receiver);
        return;
    }
    dequeue(&ep->head, &ep->tail, src);
    ipc_transfer(src, ep, src->ipc_badge, src->ipc_can_grant, receiver);
    if (src->ipc_is_call) {
        complete_call(src, receiver, can_grant);
    } else {
        sched_make_runnable(src);
    }
}

void ipc_restart(tcb_t *t)
{
    /* A system call starts again from its ecall; a thread that was sending a fault
     * message runs its faulting instruction again (pc never moved past it), which
     * raises the fault afresh: seL4's Restart state for both. */
    if (!t->fault_type) t->ctx.regs[CTX_PC] -= 4;
    t->fault_type = 0;
    sched_requeue(t);
}

void ipc_cancel(tcb_t *t)
{
    switch (t->state) {
    case TCB_BLOCKED_SEND:
    case TCB_BLOCKED_RECV: {
        endpoint_t *ep = t->blocked_on;
        dequeue(&ep->head, &ep->tail, t);
        break;
    }
    case TCB_BLOCKED_NOTIFICATION: {
        notification_t *n = t->blocked_on;
        dequeue(&n->head, &n->tail, t);
        break;
    }
    case TCB_BLOCKED_REPLY: {
        /* The outstanding reply cap is the child of our master reply cap: it dies. */
        cte_t *master = tcb_slot(t, TCB_SLOT_REPLY), *r = mdb_next(master);
        if (r && cap_type(r->cap) == CAP_REPLY && cap_paddr(r->cap) == kva_to_paddr(t))
            cdt_remove(r);
        t->fault_type = 0;
        break;
    }
    default:
        break;
    }
}

void ep_cancel_all(endpoint_t *ep)
{
    if (!ep->head) return;
    while (ep->head) {
        tcb_t *t = ep->head;
        dequeue(&ep->head, &ep->tail, t);
        ipc_restart(t);
    }
    sched_reschedule();
}

void ep_cancel_badged_sends(endpoint_t *ep, word_t badge)
{
    tcb_t *t = ep->head;
    if (!t || t->state != TCB_BLOCKED_SEND) return;
    while (t) {
        tcb_t *next = t->ep_next;
        if (t->ipc_badge == badge) {
            dequeue(&ep->head, &ep->tail, t);
            ipc_restart(t);
        }
        t = next;
    }
    sched_reschedule();
}

/* --- notifications ------------------------------------------------------------- */

tcb_t *ntfn_bound_tcb(notification_t *n) { return (tcb_t *)(n->bound_active & ~(uintptr_t)1); }

static void deliver_signal(tcb_t *t, word_t badge)
{
    t->ctx.regs[REG_A0] = badge;
    sched_make_runnable(t);
}

void ntfn_signal(notification_t *n, word_t badge)
{
    tcb_t *t = n->head;
    if (t) {                                   /* waiting: wake the first waiter */
        dequeue(&n->head, &n->tail, t);
        deliver_signal(t, badge);
        return;
    }
    tcb_t *bound = ntfn_bound_tcb(n);
    if (!(n->bound_active & 1) && bound && bound->state == TCB_BLOCKED_RECV) {
        /* Idle, and the bound thread waits on an endpoint: it takes the signal now. */
        ipc_cancel(bound);
        deliver_signal(bound, badge);
        return;
    }
    if (n->bound_active & 1) n->word |= badge;
    else { n->word = badge; n->bound_active |= 1; }
}

void ntfn_wait(notification_t *n, tcb_t *t, bool blocking)
{
    if (n->bound_active & 1) {
        t->ctx.regs[REG_A0] = n->word;
        n->word = 0;
        n->bound_active &= ~(uintptr_t)1;
        return;
    }
    if (!blocking) {
        t->ctx.regs[REG_A0] = 0;               /* Poll with nothing pending */
        return;
    }
    t->blocked_on = n;
    sched_block(t, TCB_BLOCKED_NOTIFICATION);
    enqueue(&n->head, &n->tail, t);
}

void ntfn_cancel_all(notification_t *n)
{
    bool woke = n->head;
    while (n->head) {
        tcb_t *t = n->head;
        dequeue(&n->head, &n->tail, t);
        ipc_restart(t);
    }
    if (woke) sched_reschedule();
    tcb_t *bound = ntfn_bound_tcb(n);
    if (bound) bound->bound_ntfn = NULL;
    n->bound_active = 0;
}

void ntfn_bind(notification_t *n, tcb_t *t)
{
    n->bound_active = (uintptr_t)t | (n->bound_active & 1);
    t->bound_ntfn = n;
}

void ntfn_unbind(tcb_t *t)
{
    notification_t *n = t->bound_ntfn;
    if (!n) return;
    n->bound_active &= 1;
    t->bound_ntfn = NULL;
}
