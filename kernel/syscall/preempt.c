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
