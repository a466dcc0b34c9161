/* Preemption points (seL4's preemptionPoint, manual section "Kernel preemption").
 *
 * The kernel runs with interrupts off. Operations whose length depends on user input
 * (zeroing untyped memory, emptying a CNode, revoking a derivation subtree) call
 * preempt_point() after each bounded piece of work. Every PREEMPT_BUDGET units it
 * asks the hardware whether an interrupt is pending; if so the operation stops with
 * every object consistent and its progress recorded in the objects themselves (the
 * untyped's free index, a Zombie's slot count, the derivation tree), the invocation
 * sends no reply and the thread's pc goes back onto its ecall, so it issues the same
 * call again once the interrupt has been handled: seL4's Restart state.
 *
 * Only invocations that can be re-issued from the start after any stop allow it
 * (preempt_begin, from the invocation layer). Any other caller of the same code (a TCB
 * configure deleting the old CSpace root, an IPC dropping a reply cap) runs it to the
 * end, as before. */
#pragma once
#include <types.h>

/* Work units between two looks at the interrupt-pending bits. A unit is about 20-40
 * instructions: an empty slot passed, 64 bytes zeroed; removing a capability is 5. */
#define PREEMPT_BUDGET 64

struct preempt_state {
    bool allowed;       /* the current invocation may stop at a preemption point */
    bool stopped;       /* ...and it did */
    unsigned work;      /* units since the last look */
    uint64_t stops;     /* preemptions since boot (debug builds report it) */
    /* Interrupts-off accounting, armed by the benchmark (DebugPreemptStats): the longest
     * run of instructions between the start of an invocation, each look at the pending
     * bits that found none, and the end of the invocation. */
    bool armed;
    uint64_t mark, longest, looks;
};
extern struct preempt_state preempt;

bool arch_irq_pending(void);     /* a timer or external interrupt is pending (sip) */
uint64_t arch_instret(void);

void preempt_account(void);      /* close the current run (armed only) */

/* Stop here? `units` of work were done since the last call. */
static inline bool preempt_point(unsigned units)
{
    if (!preempt.allowed) return false;
    preempt.work += units;
    if (preempt.work < PREEMPT_BUDGET) return false;
    preempt.work = 0;
    if (!arch_irq_pending()) {
        if (preempt.armed) preempt_account();
        return false;
    }
    preempt.stopped = true;
    preempt.stops++;
    return true;
}

static inline bool preempt_stopped(void) { return preempt.stopped; }

/* DebugPreemptStats (debug builds): regs are the caller's, a0 the request. */
void preempt_debug_stats(word_t *regs);

/* Around an invocation that may stop; _end says whether it did. */
static inline void preempt_begin(void)
{
    preempt.allowed = true;
    preempt.stopped = false;
    /* A full budget for every attempt, so each restart makes progress before it can
     * stop again, however often interrupts arrive. */
    preempt.work = 0;
    if (unlikely(preempt.armed)) preempt.mark = arch_instret();
}

static inline bool preempt_end(void)
{
    bool stopped = preempt.stopped;
    if (unlikely(preempt.armed)) preempt_account();
    preempt.allowed = preempt.stopped = false;
    return stopped;
}
