/* The scheduler: 256 fixed priorities, round robin within one, preemption by the
 * timer at the end of each time slice. The idle "thread" is the kernel waiting in
 * wfi when no thread is runnable. */
#pragma once
#include <object/tcb.h>

void sched_init(uint64_t timebase_hz, uint64_t slice_us);
tcb_t *sched_current(void);
void sched_make_runnable(tcb_t *t);     /* -> RUNNING, queued (unless current) */
void sched_block(tcb_t *t, tcb_state_t why);  /* RUNNING -> blocked state, dequeued */
void sched_kill(tcb_t *t);              /* -> DEAD, off every queue */
void sched_yield(void);                 /* current goes to the back of its queue */
void sched_suspend(tcb_t *t);           /* -> INACTIVE, off every queue */
void sched_set_priority(tcb_t *t, uint8_t prio);
void sched_reload_vspace(void);         /* the current thread's VSpace cap changed */
void timer_tick(void);
uint64_t sched_ticks(void);
NORETURN void schedule_and_return(void);
/* Called when no thread can ever run again (all dead): reports and powers off. */
extern void (*sched_on_idle_forever)(void);
