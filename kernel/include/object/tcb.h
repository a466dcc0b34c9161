/* Thread control blocks.
 *
 * States: INACTIVE (created or suspended: on no queue), RUNNING (runnable: on exactly
 * one ready queue, or the current thread), BLOCKED_* (waiting on one object: on that
 * object's queue and on no ready queue). A thread is on a ready queue if and only if it
 * is RUNNING and not the current thread; sched.c keeps that invariant in one place. */
#pragma once
#include <types.h>
#include <arch.h>

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
    struct tcb *rq_next, *rq_prev;   /* ready queue links, valid while queued */
    paddr_t vspace_root;         /* physical address of the root page table */
    unsigned asid;
    vaddr_t ipc_buffer;          /* user address of the UTCB (IPC buffer) */
    char name[TCB_NAME_LEN];
    /* DebugPutChar output is collected per thread and written a line at a time, so the
     * lines of threads preempted mid-line never interleave on the console. */
    uint8_t dbg_len;
    char dbg_line[127];
} tcb_t;

static inline tcb_t *tcb_of_ctx(user_context_t *ctx) { return (tcb_t *)ctx; }
void tcb_set_name(tcb_t *t, const char *name);
