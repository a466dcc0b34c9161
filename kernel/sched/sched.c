/* Fixed-priority round-robin scheduler.
 *
 * Invariant (checked by kassert where cheap): a thread is on a ready queue iff its
 * state is RUNNING and it is not `current`. Every state change of a thread goes
 * through the functions below, so blocking and waking cannot half-happen. */
#include <sched.h>
#include <kprintf.h>
#include <object/vspace.h>

#define NPRIO 256

static struct {
    tcb_t *head[NPRIO], *tail[NPRIO];
    bool resched;                    /* current must give up the CPU at the next exit */
    bool preempted_by_wakeup;        /* ...to a higher priority: it keeps its place */
    bool reload_vspace;              /* current's VSpace changed: set satp again */
    unsigned nr_active;              /* threads RUNNING or BLOCKED: can still run */
    uint64_t ticks, slice, next_deadline;
} s;

void (*sched_on_idle_forever)(void);
tcb_t *sched_cur;
uint64_t sched_bitmap[SCHED_BITMAP_WORDS];   /* bit p set iff ready queue p is non-empty */
unsigned sched_bitmap_words;                  /* bit w set iff sched_bitmap[w] != 0 */

static void rq_push(tcb_t *t, bool front)
{
    unsigned p = t->priority;
    t->rq_next = t->rq_prev = NULL;
    if (!s.head[p]) {
        s.head[p] = s.tail[p] = t;
    } else if (front) {
        t->rq_next = s.head[p]; s.head[p]->rq_prev = t; s.head[p] = t;
    } else {
        t->rq_prev = s.tail[p]; s.tail[p]->rq_next = t; s.tail[p] = t;
    }
    sched_bitmap[p / 64] |= BIT(p % 64);
    sched_bitmap_words |= 1u << (p / 64);
}

static void rq_remove(tcb_t *t)
{
    unsigned p = t->priority;
    if (t->rq_prev) t->rq_prev->rq_next = t->rq_next; else s.head[p] = t->rq_next;
    if (t->rq_next) t->rq_next->rq_prev = t->rq_prev; else s.tail[p] = t->rq_prev;
    t->rq_next = t->rq_prev = NULL;
    if (!s.head[p]) {
        sched_bitmap[p / 64] &= ~BIT(p % 64);
        if (!sched_bitmap[p / 64]) sched_bitmap_words &= ~(1u << (p / 64));
    }
}

static int highest_prio(void)
{
    for (int w = NPRIO / 64 - 1; w >= 0; w--)
        if (sched_bitmap[w]) return w * 64 + (int)highest_bit(sched_bitmap[w]);
    return -1;
}

static bool is_active(tcb_state_t st) { return st != TCB_INACTIVE && st != TCB_DEAD; }

void sched_init(uint64_t timebase_hz, uint64_t slice_us)
{
    s.slice = timebase_hz * slice_us / 1000000;
    if (!s.slice) s.slice = 1;
    s.next_deadline = arch_time_now() + s.slice;
    arch_timer_set(s.next_deadline);
}

uint64_t sched_ticks(void) { return s.ticks; }

void sched_make_runnable(tcb_t *t)
{
    if (t->state == TCB_RUNNING) return;
    kassert(t->state != TCB_DEAD);
    if (!is_active(t->state)) s.nr_active++;
    t->state = TCB_RUNNING;
    if (t == sched_cur) return;
    rq_push(t, false);
    if (sched_cur && t->priority > sched_cur->priority) {
        s.resched = true;
        s.preempted_by_wakeup = true;
    }
}

void sched_block(tcb_t *t, tcb_state_t why)
{
    /* From running, or from one blocked state to another (a received Call moves the
     * caller from waiting to send to waiting for the reply). */
    kassert(is_active(t->state) && why != TCB_RUNNING && is_active(why));
    if (t->state == TCB_RUNNING) {
        if (t != sched_cur) rq_remove(t);
        else s.resched = true;
    }
    t->state = why;
}

static void make_inactive(tcb_t *t, tcb_state_t st)
{
    if (t->state == TCB_RUNNING && t != sched_cur) rq_remove(t);
    if (is_active(t->state)) s.nr_active--;
    t->state = st;
    if (t == sched_cur) s.resched = true;
}

void sched_kill(tcb_t *t)
{
    fpu_forget(t);
    make_inactive(t, TCB_DEAD);
}
void sched_suspend(tcb_t *t) { make_inactive(t, TCB_INACTIVE); }

void sched_yield(void) { s.resched = true; }
void sched_reload_vspace(void) { s.reload_vspace = true; }

void sched_set_priority(tcb_t *t, uint8_t prio)
{
    bool queued = t->state == TCB_RUNNING && t != sched_cur;
    if (queued) rq_remove(t);
    t->priority = prio;
    if (queued) rq_push(t, false);
    /* Someone may now outrank the current thread (or the current one may no longer
     * outrank the rest): decide again at the next exit. */
    s.resched = true;
}

void timer_tick(void)
{
    s.ticks++;
    /* Deadlines advance from the previous one, not from now, so slices do not drift;
     * if we fell far behind (a long wfi), restart from now. */
    uint64_t now = arch_time_now();
    s.next_deadline += s.slice;
    if (s.next_deadline <= now) s.next_deadline = now + s.slice;
    arch_timer_set(s.next_deadline);
    s.resched = true;
}


NORETURN void schedule_and_return(void)
{
    tcb_t *prev = sched_cur;
    if (prev && prev->state == TCB_RUNNING && !s.resched && !s.reload_vspace)
        restore_user(&prev->ctx);

    if (prev && prev->state == TCB_RUNNING) {
        rq_push(prev, s.preempted_by_wakeup);
    }
    s.resched = false;
    s.preempted_by_wakeup = false;

    int p;
    while ((p = highest_prio()) < 0) {
        if (s.nr_active == 0 && sched_on_idle_forever) sched_on_idle_forever();
        /* Idle: nobody is current, so a thread an interrupt wakes goes on a ready queue
         * (sched_make_runnable leaves the current thread off the queues). */
        sched_cur = NULL;
        arch_wait_for_interrupt();
        arch_poll_interrupts();
    }
    tcb_t *next = s.head[p];
    rq_remove(next);
    sched_cur = next;
    /* The address space comes from the thread's VSpace cap each time, so a VSpace
     * deleted meanwhile is never entered again. */
    unsigned asid;
    paddr_t root = vspace_of_thread(next, &asid);
    if (root != arch_active_root()) arch_set_vspace(root, asid);
    s.reload_vspace = false;
    if (next != prev) fpu_switch_to(next);
    s.resched = false;   /* interrupts polled while idle must not bounce the new thread */
    restore_user(&next->ctx);
}
