/* Waiting for another hart: the kernel lock (kernel_lock_wait) and a remote call's
 * answer (remote_call), both in kernel/smp/node.c.
 *
 * The pause is a wfi with a software interrupt made pending on purpose. An enabled
 * pending interrupt ends wfi at once even with sstatus.SIE clear (RISC-V privileged
 * spec, "Wait for Interrupt Instruction"), so on a board it is a short pause, not a
 * sleep. QEMU ends the vCPU's turn at every wfi: under -icount, where all harts run in
 * one host thread round robin, the hart being waited for then runs next, instead of
 * after this one has spun out its whole slice, and the wait costs a few instructions
 * a round rather than thousands (docs/benchmarks.md, "Multicore").
 *
 * SSIP is the bit an IPI sets. Clearing it when the wait ends loses nothing: every
 * IPI's meaning is in memory (the mailbox, the scheduler's action), read after the
 * wait, and while a hart holds the lock nobody sends it one (only the holder sends). */
#pragma once
#include <arch/csr.h>

/* False if software interrupts are not enabled here (early boot): then wfi could
 * sleep, and the wait spins plainly. */
static inline bool arch_spin_begin(void)
{
    if (!(csr_read(sie) & SIE_SSIE)) return false;
    csr_set(sip, SIE_SSIE);
    return true;
}

static inline void arch_spin_pause(bool begun)
{
    if (begun) asm volatile("wfi" ::: "memory");
    else asm volatile("" ::: "memory");
}

static inline void arch_spin_end(bool begun)
{
    if (begun) csr_clear(sip, SIE_SSIE);
}
