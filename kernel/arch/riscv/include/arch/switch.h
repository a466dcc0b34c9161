/* What every thread switch does to the hart, inline because the IPC fast path and
 * the scheduler run it on each switch: the address space (satp) and FP access. */
#pragma once
#include <types.h>
#include <arch/csr.h>
#include <node.h>

/* Each VSpace has its own ASID, and every change to a live mapping flushes that ASID's
 * entries (vm.c), so switching address spaces needs no flush, unless the hart has
 * fewer ASID bits than the kernel uses (probed at boot, vm.c): then it must. */
extern bool arch_asids_short;
static inline __attribute__((always_inline)) void arch_set_vspace(paddr_t root, unsigned asid)
{
    csr_write(satp, SATP_MODE_SV39 | ((uint64_t)asid << SATP_ASID_SHIFT) | (root >> 12));
    /* Kept in the node too: other harts read it to know who must leave a VSpace
     * being deleted (node_drop_vspace), and it is cheaper than reading satp back. */
    this_node()->active_root = root;
    if (__builtin_expect(this_node()->asids_short, 0)) asm volatile("sfence.vma" ::: "memory");
}

static inline paddr_t arch_active_root(void)
{
    return this_node()->active_root;
}

/* Lazy FP (fpu.c), per hart: only the owner of the FP registers runs with FP on; remember if it
 * changed them, so they are saved before anyone else's are loaded. */
static inline __attribute__((always_inline)) void fpu_switch_to(struct tcb *next)
{
    struct node *n = this_node();
    unsigned long st = csr_read(sstatus);
    if ((st & SSTATUS_FS) == SSTATUS_FS_DIRTY) n->fpu_owner_dirty = true;
    st &= ~SSTATUS_FS;
    if (next == n->fpu_owner) st |= SSTATUS_FS_CLEAN;
    csr_write(sstatus, st);
}
