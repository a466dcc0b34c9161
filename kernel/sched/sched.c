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
 * the candidate are normally not; every state change goes through this file.
 *
 * Multicore (docs/smp.md): each hart has its own queues, bitmap, candidate and timer
 * in its struct node; a thread is queued only on its own hart's queues (its
 * affinity, t->ctx.node). The big kernel lock makes every one of them safe to touch
 * from any hart; a hart that queues a thread on another one kicks it with an IPI. */
#include <sched.h>
#include <kprintf.h>
#include <object/vspace.h>

#define NPRIO NODE_NPRIO
/* The scheduler's action at kernel exit (seL4's ksSchedulerAction): resume the current
 * thread, choose the best queued thread, or consider the candidate in `action`. */
#define ACTION_RESUME ((tcb_t *)0)
#define ACTION_CHOOSE ((tcb_t *)1)

/* Shared by all harts (under the big lock). */
static struct {
    unsigned nr_active;              /* threads RUNNING or BLOCKED: can still run */
    uint64_t ticks, slice;
} s;

void (*sched_on_idle_forever)(void);

#define sched_cur (this_node()->cur)
static inline struct node *node_of(tcb_t *t) { return t->ctx.node; }

/* Queue t at the head (seL4's tcbSchedEnqueue) or the tail (tcbSchedAppend) of its
 * priority's queue; a thread already queued keeps its place. */
static inline __attribute__((always_inline)) void rq_push(tcb_t *t, bool front)
{
    if (t->rq_queued) return;
    struct node *n = node_of(t);
    unsigned p = t->priority;
    t->rq_next = t->rq_prev = NULL;
    t->rq_queued = true;
    if (!n->head[p]) {
        n->head[p] = n->tail[p] = t;
    } else if (front) {
        t->rq_next = n->head[p]; n->head[p]->rq_prev = t; n->head[p] = t;
    } else {
        t->rq_prev = n->tail[p]; n->tail[p]->rq_next = t; n->tail[p] = t;
    }
    n->bitmap[p / 64] |= BIT(p % 64);
    n->bitmap_words |= 1u << (p / 64);
}

static inline __attribute__((always_inline)) void rq_remove(tcb_t *t)
{
    if (!t->rq_queued) return;
    struct node *n = node_of(t);
    unsigned p = t->priority;
    if (t->rq_prev) t->rq_prev->rq_next = t->rq_next; else n->head[p] = t->rq_next;
    if (t->rq_next) t->rq_next->rq_prev = t->rq_prev; else n->tail[p] = t->rq_prev;
    t->rq_next = t->rq_prev = NULL;
    t->rq_queued = false;
    if (!n->head[p]) {
        n->bitmap[p / 64] &= ~BIT(p % 64);
        if (!n->bitmap[p / 64]) n->bitmap_words &= ~(1u << (p / 64));
    }
}

static int highest_prio(void)
{
    struct node *n = this_node();
    for (int w = NPRIO / 64 - 1; w >= 0; w--)
        if (n->bitmap[w]) return w * 64 + (int)highest_bit(n->bitmap[w]);
    return -1;
}

/* No queued thread outranks prio (seL4's isHighestPrio). */
static bool is_highest(unsigned prio) { return highest_prio() <= (int)prio; }

static bool is_active(tcb_state_t st) { return st != TCB_INACTIVE && st != TCB_DEAD; }

/* The current thread must give way at this exit (seL4's rescheduleRequired): a waiting
 * candidate loses its special treatment and is queued. */
static void reschedule_required_on(struct node *n)
{
    if (n->action != ACTION_RESUME && n->action != ACTION_CHOOSE) rq_push(n->action, true);
    n->action = ACTION_CHOOSE;
}
static void reschedule_required(void) { reschedule_required_on(this_node()); }

/* t became runnable: perhaps it runs next (seL4's possibleSwitchTo). With no current
 * thread (boot, idle) it simply joins the back of its queue, in wake-up order. A
 * thread of another hart is queued there, and that hart is told to decide again: it
 * chooses between it and its own current thread (seL4 does the same, by IPI). */
static void possible_switch_to(tcb_t *t)
{
    struct node *n = node_of(t);
    if (n != this_node()) {
        rq_push(t, false);
        reschedule_required_on(n);
        node_kick(n);
    } else if (!sched_cur) {
        rq_push(t, false);
    } else if (n->action != ACTION_RESUME) {
        reschedule_required();
        rq_push(t, true);
    } else {
        n->action = t;
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
    sched_init_node();
}

void sched_init_node(void)
{
    struct node *n = this_node();
    n->next_deadline = arch_time_now() + s.slice;
    arch_timer_set(n->next_deadline);
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
    if (t == sched_cur) return;
    rq_push(t, true);
    if (node_of(t) != this_node()) {
        reschedule_required_on(node_of(t));
        node_kick(node_of(t));
    }
}

void sched_reschedule(void) { reschedule_required(); }

void sched_requeue_stalled(tcb_t *t)
{
    rq_push(t, true);
    reschedule_required_on(node_of(t));
}

/* Move t to hart `to` (SetAffinity; node_stall_tcb has made sure it runs nowhere and
 * its FP registers are saved). A runnable thread leaves its old queue for the new
 * one; if it is this hart's current thread it stops here at this exit. */
void sched_migrate(tcb_t *t, struct node *to)
{
    struct node *from = node_of(t);
    if (from == to) return;
    bool queued = t->rq_queued;
    rq_remove(t);
    if (from->action == t) from->action = ACTION_CHOOSE;
    t->ctx.node = to;
    if (t->state != TCB_RUNNING) return;
    if (t == sched_cur) reschedule_required();   /* decide() will not resume it here */
    (void)queued;
    rq_push(t, false);
    reschedule_required_on(to);
    node_kick(to);
}

void sched_block(tcb_t *t, tcb_state_t why)
{
    /* From running, or from one blocked state to another (a received Call moves the
     * caller from waiting to send to waiting for the reply). */
    kassert(is_active(t->state) && why != TCB_RUNNING && is_active(why));
    rq_remove(t);
    t->state = why;
    if (t == sched_cur && this_node()->action == ACTION_RESUME) reschedule_required();
}

static void make_inactive(tcb_t *t, tcb_state_t st)
{
    rq_remove(t);
    struct node *n = node_of(t);
    if (n->action == t) n->action = ACTION_CHOOSE;
    if (is_active(t->state)) s.nr_active--;
    t->state = st;
    if (t == sched_cur && this_node()->action == ACTION_RESUME) reschedule_required();
}

/* Both first stop the thread if it runs on another hart (node_stall_tcb): its TCB may
 * be reused next, and nothing may run it or save registers into it meanwhile. */
void sched_kill(tcb_t *t)
{
    node_stall_tcb(t);
    fpu_forget(t);
    make_inactive(t, TCB_DEAD);
}
void sched_suspend(tcb_t *t)
{
    node_stall_tcb(t);
    make_inactive(t, TCB_INACTIVE);
}

void sched_yield(void)
{
    /* Nobody of our priority or above is waiting: we would be chosen again at once,
     * so nothing needs to change. */
    struct node *n = this_node();
    unsigned p = n->cur->priority, w = p / 64;
    if (!(n->bitmap_words >> w >> 1) && !(n->bitmap[w] >> (p % 64))) return;
    rq_remove(sched_cur);
    rq_push(sched_cur, false);
    reschedule_required();
}

void sched_reload_vspace(void) { this_node()->reload_vspace = true; }

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
    struct node *n = this_node();
    if (n->index == 0) s.ticks++;      /* the boot hart's ticks: a count of time */
    /* Deadlines advance from the previous one, not from now, so slices do not drift;
     * if we fell far behind (a long wfi), restart from now. */
    uint64_t now = arch_time_now();
    n->next_deadline += s.slice;
    if (n->next_deadline <= now) n->next_deadline = now + s.slice;
    arch_timer_set(n->next_deadline);
    /* The slice is over: the current thread goes to the back of its queue. */
    if (sched_cur && sched_cur->state == TCB_RUNNING) {
        rq_push(sched_cur, false);
        reschedule_required();
    }
}

/* Which thread runs after this kernel entry (seL4's schedule()); NULL: none. */
static tcb_t *decide(tcb_t *prev)
{
    struct node *n = this_node();
    /* A thread moved away from this hart (SetAffinity) is no longer ours to resume. */
    bool was_runnable = prev && prev->state == TCB_RUNNING && node_of(prev) == n;
    tcb_t *cand = n->action;
    n->action = ACTION_RESUME;
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
    tcb_t *next = n->head[p];
    rq_remove(next);
    return next;
}

NORETURN void schedule_and_return(void)
{
    struct node *n = this_node();
    tcb_t *prev = n->cur;
    if (n->action == ACTION_RESUME && prev && prev->state == TCB_RUNNING && !n->reload_vspace)
        restore_user(&prev->ctx);

    tcb_t *next = decide(prev);
    while (!next) {
        if (s.nr_active == 0 && sched_on_idle_forever) sched_on_idle_forever();
        /* Idle: nobody is current, so a thread an interrupt wakes goes on a ready queue
         * (possible_switch_to queues when there is no current thread). The lock is
         * not held while the hart waits: other harts go on, and a thread they make
         * runnable here arrives with an IPI, which ends the wfi (sip.SSIP stays set
         * until the poll below clears it, so no wake-up is lost in between). */
        n->cur = NULL;
        if (nodes_online > 1) node_idle_tlb();
        kernel_unlock();
        /* The boot hart wakes for its timer (which counts the system's ticks) and
         * the devices; the others have nothing to do until an IPI comes. */
        if (n->index == 0) arch_wait_for_interrupt();
        else arch_wait_for_ipi();
        kernel_lock();
        arch_poll_interrupts();
        next = decide(NULL);
    }
    n->cur = next;
    if (unlikely(!n->ran_user)) {
        n->ran_user = true;
        nodes_ran_user |= BIT(n->index);
    }
    /* The address space comes from the thread's VSpace cap each time, so a VSpace
     * deleted meanwhile is never entered again. */
    unsigned asid;
    paddr_t root = vspace_of_thread(next, &asid);
    if (root != arch_active_root()) arch_set_vspace(root, asid);
    n->reload_vspace = false;
    if (next != prev) fpu_switch_to(next);
    restore_user(&next->ctx);
}
