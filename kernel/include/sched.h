/* The scheduler: 256 fixed priorities, round robin within one, preemption by the
 * timer at the end of each time slice. The idle "thread" is the kernel waiting in
 * wfi when no thread is runnable. */
#pragma once
#include <object/tcb.h>
#include <node.h>

void sched_init(uint64_t timebase_hz, uint64_t slice_us);
/* The thread running on this hart (or that ran last), NULL while it idles. */
static inline tcb_t *sched_current(void) { return this_node()->cur; }
/* -> RUNNING after an IPC or signal woke t: it may run next (seL4's possibleSwitchTo). */
void sched_make_runnable(tcb_t *t);
/* -> RUNNING to restart a system call (Resume): queued at the head, and it may run next. */
void sched_restart(tcb_t *t);
/* -> RUNNING, queued at the head, nothing else decided (a cancelled IPC restarting);
 * the caller calls sched_reschedule() once after a batch of them. */
void sched_requeue(tcb_t *t);
void sched_reschedule(void);            /* decide afresh at this kernel exit */
/* Multicore (node.c, SetAffinity): a stalled thread goes back on its hart's queue;
 * a thread moves to another hart's queues. */
void sched_requeue_stalled(tcb_t *t);
void sched_migrate(tcb_t *t, struct node *to);
void sched_block(tcb_t *t, tcb_state_t why);  /* RUNNING -> blocked state, dequeued */
void sched_kill(tcb_t *t);              /* -> DEAD, off every queue */
void sched_yield(void);                 /* current goes to the back of its queue */
void sched_suspend(tcb_t *t);           /* -> INACTIVE, off every queue */
void sched_set_priority(tcb_t *t, uint8_t prio);
void sched_reload_vspace(void);         /* the current thread's VSpace cap changed */
/* Is any ready thread of higher priority than prio waiting on this hart? (the fast
 * path asks) */
static inline bool sched_ready_above(unsigned prio)
{
    struct node *n = this_node();
    unsigned w = prio / 64;
    return (n->bitmap_words >> w >> 1) || ((n->bitmap[w] >> (prio % 64)) >> 1);
}
/* Fast path: `from` (current, running) blocks as `why` and `to` (blocked, on no
 * queue) runs next in the given address space. Neither touches a ready queue, so the
 * queue invariant holds without any queue work. */
static inline __attribute__((always_inline, noreturn))
void sched_switch_direct(tcb_t *from, tcb_state_t why, tcb_t *to, paddr_t root, unsigned asid)
{
    from->state = why;
    to->state = TCB_RUNNING;
    this_node()->cur = to;
    if (root != arch_active_root()) arch_set_vspace(root, asid);
    fpu_switch_to(to);
    /* A jump, not a call: nothing comes back, so no frame to build for it. */
    asm volatile("mv a0, %0; j restore_user" :: "r"(&to->ctx) : "memory");
    __builtin_unreachable();
}
void timer_tick(void);
uint64_t sched_ticks(void);
/* This hart's timer and queues, before its first schedule_and_return. */
void sched_init_node(void);
NORETURN void schedule_and_return(void);
/* Called when no thread can ever run again (all dead): reports and powers off. */
extern void (*sched_on_idle_forever)(void);
