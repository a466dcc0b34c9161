/* Preemption state and the interrupts-off accounting (see preempt.h). */
#include <preempt.h>
#include <arch/context.h>

struct preempt_state preempt;

void preempt_account(void)
{
    uint64_t now = arch_instret();
    if (now - preempt.mark > preempt.longest) preempt.longest = now - preempt.mark;
    preempt.mark = now;
    preempt.looks++;
}

void preempt_begin(bool restartable)
{
    preempt.allowed = restartable;
    preempt.stopped = false;
    /* A full budget for every attempt, so each restart makes progress before it can
     * stop again, however often interrupts arrive. */
    preempt.work = 0;
    if (preempt.armed) preempt.mark = arch_instret();
}

bool preempt_end(void)
{
    bool stopped = preempt.stopped;
    if (preempt.armed) preempt_account();
    preempt.allowed = preempt.stopped = false;
    return stopped;
}

void preempt_debug_stats(word_t *regs)
{
    if (regs[REG_A0] == 1) {
        preempt.armed = true;
        preempt.longest = preempt.looks = 0;
    } else if (regs[REG_A0] == 2) {
        preempt.armed = false;
    }
    regs[REG_A0] = preempt.stops;
    regs[REG_A1] = preempt.longest;
    regs[REG_A2] = preempt.looks;
}
