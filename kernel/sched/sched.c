/* Fixed-priority round-robin scheduler, with seL4's (non-MCS) scheduling decisions.
 *
 * A thread that becomes runnable during a kernel entry is not queued at once: as in
 * seL4's possibleSwitchTo, the first one waits as the "candidate", and at the exit the
 * scheduler either switches straight to it or queues it. The current thread, when it
 * is still runnable and gives way, goes to the HEAD of its queue (it keeps its place);
 * only a yield or the end of its time slice sends it to the tail. A woken thread that
 * loses to a higher priority goes to the head of its queue, one that loses to the
 * current thread at equal priority to the tail. The fast path makes the same decision
 * (fastpath.c), so which path ran is never visible in who runs next.
 *
 * Invariant: only RUNNING threads are queued (rq_queued), and the current thread and
 * the candidate are normally not; every state change goes through this file. */
#include <sched.h>
#include <kprintf.h>
#include <object/vspace.h>

#define NPRIO 256
/* The scheduler's action at kernel exit (seL4's ksSchedulerAction): resume the current
 * thread, choose the best queued thread, or consider the candidate in `action`. */
#define ACTION_RESUME ((tcb_t *)0)
#define ACTION_CHOOSE ((tcb_t *)1)

static struct {
    tcb_t *head[NPRIO], *tail[NPRIO];
    tcb_t *action;
    bool reload_vspace;              /* current's VSpace changed: set satp again */
    unsigned nr_active;              /* threads RUNNING or BLOCKED: can still run */
    uint64_t ticks, slice, next_deadline;
} s;

void (*sched_on_idle_forever)(void);
tcb_t *sched_cur;
uint64_t sched_bitmap[SCHED_BITMAP_WORDS];   /* bit p set iff ready queue p is non-empty */
unsigned sched_bitmap_words;                  /* bit w set iff sched_bitmap[w] != 0 */

/* Queue t at the head (seL4's tcbSchedEnqueue) or the tail (tcbSchedAppend) of its
 * priority's queue; a thread already queued keeps its place. */
static inline __attribute__((always_inline)) void rq_push(tcb_t *t, bool front)
{
    if (t->rq_queued) return;
    unsigned p = t->priority;
    t->rq_next = t->rq_prev = NULL;
    t->rq_queued = true;
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

static inline __attribute__((always_inline)) void rq_remove(tcb_t *t)
{
    if (!t->rq_queued) return;
    unsigned p = t->priority;
    if (t->rq_prev) t->rq_prev->rq_next = t->rq_next; else s.head[p] = t->rq_next;
    if (t->rq_next) t->rq_next->rq_prev = t->rq_prev; else s.tail[p] = t->rq_prev;
    t->rq_next = t->rq_prev = NULL;
    t->rq_queued = false;
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

/* No queued thread outranks prio (seL4's isHighestPrio). */
static bool is_highest(unsigned prio) { return highest_prio() <= (int)prio; }

static bool is_active(tcb_state_t st) { return st != TCB_INACTIVE && st != TCB_DEAD; }

/* The current thread must give way at this exit (seL4's rescheduleRequired): a waiting
 * candidate loses its special treatment and is queued. */
static void reschedule_required(void)
{
    if (s.action != ACTION_RESUME && s.action != ACTION_CHOOSE) rq_push(s.action, true);
    s.action = ACTION_CHOOSE;
}

/* t became runnable: perhaps it runs next (seL4's possibleSwitchTo). With no current
 * thread (boot, idle) it simply joins the back of its queue, in wake-up order. */
static void possible_switch_to(tcb_t *t)
{
    if (!sched_cur) {
        rq_push(t, false);
    } else if (s.action != ACTION_RESUME) {
        reschedule_required();
        rq_push(t, true);
    } else {
        s.action = t;
    }
}

static void set_running(tcb_t *t)
{
    kassert(t->state != TCB_DEAD);
    if (!is_active(t->state)) s.nr_active++;
    t->state = TCB_RUNNING;
}

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
    set_running(t);
    if (t != sched_cur) possible_switch_to(t);
}

void sched_restart(tcb_t *t)
{
    if (t->state == TCB_RUNNING) return;
    set_running(t);
    if (t == sched_cur) return;
    rq_push(t, true);
    possible_switch_to(t);
}

void sched_requeue(tcb_t *t)
{
    if (t->state == TCB_RUNNING) return;
    set_running(t);
    if (t != sched_cur) rq_push(t, true);
}

void sched_reschedule(void) { reschedule_required(); }

void sched_block(tcb_t *t, tcb_state_t why)
{
    /* From running, or from one blocked state to another (a received Call moves the
     * caller from waiting to send to waiting for the reply). */
    kassert(is_active(t->state) && why != TCB_RUNNING && is_active(why));
    rq_remove(t);
    t->state = why;
    if (t == sched_cur && s.action == ACTION_RESUME) reschedule_required();
}

static void make_inactive(tcb_t *t, tcb_state_t st)
{
    rq_remove(t);
    if (s.action == t) s.action = ACTION_CHOOSE;
    if (is_active(t->state)) s.nr_active--;
    t->state = st;
    if (t == sched_cur && s.action == ACTION_RESUME) reschedule_required();
}

void sched_kill(tcb_t *t)
{
    fpu_forget(t);
    make_inactive(t, TCB_DEAD);
}
void sched_suspend(tcb_t *t) { make_inactive(t, TCB_INACTIVE); }

void sched_yield(void)
{
    /* Nobody of our priority or above is waiting: we would be chosen again at once,
     * so nothing needs to change. */
    unsigned p = sched_cur->priority, w = p / 64;
    if (!(sched_bitmap_words >> w >> 1) && !(sched_bitmap[w] >> (p % 64))) return;
    rq_remove(sched_cur);
    rq_push(sched_cur, false);
    reschedule_required();
}

void sched_reload_vspace(void) { s.reload_vspace = true; }

void sched_set_priority(tcb_t *t, uint8_t prio)
{
    rq_remove(t);
    t->priority = prio;
    if (t->state != TCB_RUNNING) return;
    if (t == sched_cur) reschedule_required();
    else possible_switch_to(t);
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
    /* The slice is over: the current thread goes to the back of its queue. */
    if (sched_cur && sched_cur->state == TCB_RUNNING) {
        rq_push(sched_cur, false);
        reschedule_required();
    }
}

/* Which thread runs after this kernel entry (seL4's schedule()); NULL: none. */
static tcb_t *decide(tcb_t *prev)
{
    bool was_runnable = prev && prev->state == TCB_RUNNING;
    tcb_t *cand = s.action;
    s.action = ACTION_RESUME;
    if (was_runnable) {
        if (cand == ACTION_RESUME) return prev;
        rq_push(prev, true);
    }
    if (cand != ACTION_RESUME && cand != ACTION_CHOOSE) {
        /* As the fast path decides: the candidate runs unless a queued thread outranks
         * it while it ranks below the thread that ran. */
        bool may_lose = !prev || cand->priority < prev->priority;
        if (may_lose && !is_highest(cand->priority)) {
            rq_push(cand, true);
        } else if (was_runnable && cand->priority == prev->priority) {
            rq_push(cand, false);
        } else {
            rq_remove(cand);
            return cand;
        }
    }
    int p = highest_prio();
    if (p < 0) return NULL;
    tcb_t *next = s.head[p];
    rq_remove(next);
    return next;
}

NORETURN void schedule_and_return(void)
{
    tcb_t *prev = sched_cur;
    if (s.action == ACTION_RESUME && prev && prev->state == TCB_RUNNING && !s.reload_vspace)
        restore_user(&prev->ctx);

    tcb_t *next = decide(prev);
    while (!next) {
        if (s.nr_active == 0 && sched_on_idle_forever) sched_on_idle_forever();
        /* Idle: nobody is current, so a thread an interrupt wakes goes on a ready queue
         * (possible_switch_to queues when there is no current thread). */
        sched_cur = NULL;
        arch_wait_for_interrupt();
        arch_poll_interrupts();
        next = decide(NULL);
    }
    sched_cur = next;
    /* The address space comes from the thread's VSpace cap each time, so a VSpace
     * deleted meanwhile is never entered again. */
    unsigned asid;
    paddr_t root = vspace_of_thread(next, &asid);
    if (root != arch_active_root()) arch_set_vspace(root, asid);
    s.reload_vspace = false;
    if (next != prev) fpu_switch_to(next);
    restore_user(&next->ctx);
}
