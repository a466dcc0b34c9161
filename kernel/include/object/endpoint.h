/* Endpoints and notifications (seL4 semantics, non-MCS).
 *
 * Endpoint: a queue of threads that all wait to send, or all wait to receive; the
 * state is the state of its head (idle when empty). A message meets its partner
 * immediately if one waits, else the thread blocks on the queue (or, non-blocking,
 * gives up). Call additionally leaves a one-shot reply capability with the receiver.
 *
 * Notification: a word of signal bits plus a queue of waiting threads. Signal ORs a
 * badge into the word or wakes the first waiter with it; Wait takes the word or blocks.
 * A notification may be bound to one TCB: a signal then also wakes that thread while
 * it waits on any endpoint. */
#pragma once
#include <object/tcb.h>

typedef struct endpoint {
    tcb_t *head, *tail;
} endpoint_t;
_Static_assert(sizeof(endpoint_t) <= 16, "an endpoint is 2^4 bytes");

typedef struct notification {
    tcb_t *head, *tail;          /* waiters */
    word_t word;                 /* pending signal bits (valid when active) */
    uintptr_t bound_active;      /* bound TCB address | 1 if active (signals pending) */
} notification_t;
_Static_assert(sizeof(notification_t) <= 32, "a notification is 2^5 bytes");

/* Send on an endpoint with the rights of the cap used. */
void ep_send(endpoint_t *ep, tcb_t *sender, word_t badge, bool can_grant, bool can_grant_reply,
             bool is_call, bool blocking);
void ep_receive(endpoint_t *ep, tcb_t *receiver, bool can_grant, bool blocking);
/* Take a thread out of whatever IPC it is blocked in (suspend, delete). */
void ipc_cancel(tcb_t *t);
/* The endpoint is being destroyed: every waiter restarts (and then fails to find the
 * capability). */
void ep_cancel_all(endpoint_t *ep);
/* Fail every queued send carrying this badge (CNode CancelBadgedSends). */
void ep_cancel_badged_sends(endpoint_t *ep, word_t badge);

void ntfn_signal(notification_t *n, word_t badge);
void ntfn_wait(notification_t *n, tcb_t *t, bool blocking);
void ntfn_cancel_all(notification_t *n);
tcb_t *ntfn_bound_tcb(notification_t *n);
void ntfn_bind(notification_t *n, tcb_t *t);
void ntfn_unbind(tcb_t *t);

/* Message transfer between two threads (transfer.c). `ep` is the endpoint the message
 * went through (for unwrapping caps to it), NULL for replies. */
void ipc_transfer(tcb_t *sender, endpoint_t *ep, word_t badge, bool can_grant, tcb_t *receiver);
/* After a Call is received: give the receiver a reply cap to the caller. */
void ipc_setup_caller_cap(tcb_t *caller, tcb_t *receiver, bool can_grant);
/* Reply through the reply cap in `slot` (the replier's caller slot or a saved one). */
void ipc_do_reply(tcb_t *replier, cte_t *slot);
/* Restart a thread taken out of an endpoint or notification queue: it executes its
 * ecall (or, if it was sending a fault, its faulting instruction) again. */
void ipc_restart(tcb_t *t);
