/* Every function the architecture layer (kernel/arch/riscv) provides to generic code.
 * Generic code never includes arch/ headers for anything not listed here except the
 * shared constant headers (layout, context). */
#pragma once
#include <types.h>
#include <arch/sv39.h>
#include <arch/context.h>

/* boot */
void arch_init(void);                    /* trap vector, counters, FP state, timer */
NORETURN void arch_halt(void);           /* stop this hart forever (after a panic) */
NORETURN void arch_poweroff(void);       /* SBI shutdown; on boards without one, halt */

/* memory */
void arch_vm_init(void);
void arch_vspace_init(pte_t *root);
pte_t *arch_pt_walk(pte_t *root, vaddr_t va, int to_level, paddr_t (*alloc_pt)(void));

/* threads */
NORETURN void restore_user(user_context_t *ctx);
/* Lazy FP switching (fpu.c): set FP access for the thread about to run; grant the FP
 * unit on a trap caused by FP being off (true: retry the instruction); forget a dying
 * owner. The TCB type is opaque here. */
struct tcb;
bool fpu_trap(struct tcb *cur);
void fpu_forget(struct tcb *t);
void fpu_release(struct tcb *t);        /* on the hart holding t's FP registers: save, give up */
#include <arch/switch.h>   /* inline: fpu_switch_to, arch_set_vspace, arch_active_root */

/* time: counts of the `time` CSR, timebase_hz per second */
uint64_t arch_time_now(void);
void arch_timer_set(uint64_t deadline);
bool arch_timer_direct(void);          /* Sstc: the kernel writes stimecmp itself */
void arch_wait_for_interrupt(void);      /* idle: wfi with interrupts masked, then poll */
void arch_wait_for_ipi(void);            /* idle secondary hart: wfi until an IPI is pending */
void arch_poll_interrupts(void);         /* handle what is pending in sip (idle loop) */
bool arch_irq_pending(void);             /* timer or external interrupt pending (preempt.h) */
uint64_t arch_instret(void);             /* instructions retired (preemption accounting) */

/* The deepest page-table slot for va in the tree at root: walks down while entries
 * are valid tables. *level is the slot's level (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB). */
pte_t *arch_pt_lookup(pte_t *root, vaddr_t va, int *level);
/* TLB maintenance for user translations of one ASID (sfence.vma). */
void arch_tlb_flush_page(unsigned asid, vaddr_t va);
void arch_tlb_flush_asid(unsigned asid);
/* The same on this hart only (a remote flush's answer, node.c). */
void arch_tlb_flush_local(unsigned asid, vaddr_t va, bool whole);
/* Boards whose ranged sfence.vma cannot be trusted (FU540/FU740): flush whole ASIDs. */
extern bool arch_quirk_flush_whole_asid;
extern unsigned arch_asid_bits;          /* ASID bits the hart implements (boot probe) */
/* The kernel-only root table: threads without a valid VSpace run on it. */
extern paddr_t arch_kernel_root_pa;
static inline paddr_t arch_kernel_root(void) { return arch_kernel_root_pa; }
