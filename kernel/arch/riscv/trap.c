/* Trap dispatch: entry.S saved the user registers into the current thread's context
 * and calls trap_from_user with scause and stval. Each cause goes to one generic
 * handler; all of them end in schedule_and_return(), which picks the thread to run
 * next and leaves through restore_user. */
#include <arch.h>
#include <arch/csr.h>
#include <kprintf.h>
#include <sched.h>
#include <syscall.h>
#include <fault.h>
#include <irq.h>

/* ecall from user mode (entry.S comes here directly, after trying the IPC fast path
 * for Call and ReplyRecv). sepc points at the ecall; the thread continues after it. */
NORETURN void trap_syscall(user_context_t *ctx)
{
    tcb_t *cur = tcb_of_ctx(ctx);
    long n = (long)ctx->regs[REG_A7];
    ctx->regs[CTX_PC] += 4;
    syscall_dispatch(cur, n);
    schedule_and_return();
}

NORETURN void trap_from_user(user_context_t *ctx, word_t scause, word_t stval)
{
    tcb_t *cur = tcb_of_ctx(ctx);

    if (scause & SCAUSE_INTERRUPT) {
        switch (scause & ~SCAUSE_INTERRUPT) {
        case IRQ_S_TIMER: timer_tick(); break;
        case IRQ_S_EXT:   irq_external(); break;
        default:
            /* An IPI: another hart queued a thread here or asked for a remote call
             * (answered while we waited for the lock). It has set our scheduler's
             * action already; all that is left is to acknowledge it. */
            csr_clear(sip, SIE_SSIE);
            break;
        }
    } else if (scause == EXC_ILLEGAL_INST && fpu_trap(cur)) {
        /* FP was off for this thread: it has the FP unit now; retry. */
    } else {
        user_fault(cur, scause, stval);
    }
    schedule_and_return();
}

/* Poll for interrupts that arrived while the idle loop waited (sstatus.SIE is off). */
void arch_poll_interrupts(void)
{
    word_t pending = csr_read(sip) & csr_read(sie);
    if (pending & SIE_STIE) timer_tick();
    if (pending & SIE_SEIE) irq_external();
    if (pending & SIE_SSIE) csr_clear(sip, SIE_SSIE);
}

/* Preemption points ask this (preempt.h): is a timer or external interrupt waiting?
 * One CSR read; software interrupts (unused) do not count. */
bool arch_irq_pending(void)
{
    return (csr_read(sip) & (SIE_STIE | SIE_SEIE)) != 0;
}

uint64_t arch_instret(void)
{
    return csr_read(instret);
}

NORETURN void trap_from_kernel(word_t scause, word_t sepc, word_t stval, word_t sp)
{
    panic("trap in kernel mode: scause 0x%lx sepc 0x%lx stval 0x%lx sp 0x%lx",
          scause, sepc, stval, sp);
}
