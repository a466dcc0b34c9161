/* Thread control blocks.
 *
 * States: INACTIVE (created or suspended: on no queue), RUNNING (runnable: the current
 * thread, the scheduler's candidate, or on its ready queue), BLOCKED_* (waiting on one
 * object: on that object's queue and on no ready queue). Only RUNNING threads are ever
 * on a ready queue; sched.c makes every such change in one place. */
#pragma once
#include <types.h>
#include <arch.h>
#include <cap/cap.h>

typedef enum {
    TCB_INACTIVE = 0,
    TCB_RUNNING,
    TCB_BLOCKED_SEND,
    TCB_BLOCKED_RECV,
    TCB_BLOCKED_REPLY,
    TCB_BLOCKED_NOTIFICATION,
    TCB_DEAD,            /* faulted with no handler or exited: never runs again */
} tcb_state_t;

#define TCB_NAME_LEN 32
#define PRIO_MAX 255

typedef struct tcb {
    user_context_t ctx;          /* first: entry.S addresses it through sscratch */
    tcb_state_t state;
    uint8_t priority;
    uint8_t mcp;                 /* maximum controlled priority */
    struct tcb *rq_next, *rq_prev;   /* ready queue links, valid while rq_queued */
    bool rq_queued;              /* on its priority's ready queue */
    vaddr_t ipc_buffer;          /* user address of the UTCB (IPC buffer) */
    word_t fault_ep;             /* cptr of the fault endpoint, in the thread's CSpace */
    /* The address space last found through the VTABLE slot, valid while vs_epoch
     * equals vspace_epoch (object/vspace.h); 0 never matches. */
    paddr_t vs_root;
    unsigned vs_asid;
    uint64_t vs_epoch;

    /* IPC: while BLOCKED_SEND/RECV/NOTIFICATION, the object waited on and the queue
     * links; for a sender, what its endpoint cap allowed. */
    void *blocked_on;
    struct tcb *ep_next, *ep_prev;
    word_t ipc_badge;
    bool ipc_can_grant, ipc_can_grant_reply, ipc_is_call;
    bool receive_can_grant;      /* a receiver's endpoint cap had Grant */
    struct notification *bound_ntfn;

    /* A fault being delivered to the fault handler (type 0 = none), seL4's fields. */
    word_t fault_type;
    word_t fault_addr;           /* VM: stval; cap fault: the cptr; unknown syscall: number */
    word_t fault_code;           /* VM: scause; user exception: scause */
    word_t fault_pc;             /* the faulting instruction */
    word_t fault_in_recv;        /* cap fault in a receive */
    word_t fault_lookup[4];      /* cap fault: lookup failure type, bits left, 2 detail words */
    char name[TCB_NAME_LEN];
    /* DebugPutChar output is collected per thread and written a line at a time, so the
     * lines of threads preempted mid-line never interleave on the console. */
    uint8_t dbg_len;
    char dbg_line[127];
} tcb_t;

/* A TCB object is 2^11 bytes (seL4's size): the tcb_t, then its own capability slots
 * at the end. The slots hold what Configure/SetSpace installed (copies, so deleting
 * the caller's caps does not pull the rug from under a running thread). */
enum {
    TCB_SLOT_CTABLE = 0,     /* CSpace root */
    TCB_SLOT_VTABLE = 1,     /* VSpace root */
    TCB_SLOT_REPLY = 2,      /* master reply cap (non-MCS) */
    TCB_SLOT_CALLER = 3,     /* the one-shot reply cap of the last Call received */
    TCB_SLOT_BUFFER = 4,     /* the IPC buffer frame */
    TCB_SLOT_COUNT = 5,
};
#define TCB_OBJ_SIZE 2048
#define TCB_SLOTS_OFFSET (TCB_OBJ_SIZE - TCB_SLOT_COUNT * 32)
_Static_assert(sizeof(tcb_t) <= TCB_SLOTS_OFFSET, "tcb_t and its slots fit in 2 KiB");

static inline cte_t *tcb_slot(tcb_t *t, unsigned i)
{
    return (cte_t *)((uint8_t *)t + TCB_SLOTS_OFFSET) + i;
}

static inline tcb_t *tcb_of_ctx(user_context_t *ctx) { return (tcb_t *)ctx; }
void tcb_set_name(tcb_t *t, const char *name);
