/* Sv39 mechanics: the kernel's own root table, the kernel half every VSpace copies,
 * and TLB maintenance. The walks are in pt.c; policy (who may map what) lives in the
 * object layer. */
#include <arch.h>
#include <arch/sv39.h>
#include <arch/layout.h>
#include <arch/csr.h>
#include <kstring.h>
#include <kprintf.h>
#include <node.h>

extern pte_t kernel_root_pt[PT_ENTRIES];

void arch_vm_init(void)
{
    /* head.S left an identity map of our load gigabyte for the jump to the upper half;
     * nothing needs it now, and the lower half belongs to user space. */
    for (unsigned i = 0; i < PT_KERNEL_FIRST; i++) kernel_root_pt[i] = 0;
    asm volatile("sfence.vma" ::: "memory");
    arch_kernel_root_pa = kva_to_paddr(kernel_root_pt);

    /* How many ASID bits the hart implements: the satp ASID field holds only those
     * bits, and reads back zero above them (privileged spec, "satp"). A hart with
     * fewer than the kernel hands out (real U54 cores may have none; QEMU has 16)
     * would let two VSpaces share TLB entries, so then every switch flushes. */
    uint64_t satp = csr_read(satp);
    csr_write(satp, satp | ((uint64_t)0xffff << SATP_ASID_SHIFT));
    uint64_t wide = (csr_read(satp) >> SATP_ASID_SHIFT) & 0xffff;
    csr_write(satp, satp);
    unsigned bits = 0;
    while (bits < 16 && (wide >> bits) & 1) bits++;     /* the implemented bits are the low ones */
    arch_asid_bits = bits;
    arch_asids_short = arch_asid_bits < 16;
}

unsigned arch_asid_bits;
bool arch_asids_short;

void arch_vspace_init(pte_t *root)
{
    /* The kernel half of every root table is the same set of 1 GiB leaves and never
     * changes after boot, so a copy taken now stays right. */
    memset(root, 0, PT_KERNEL_FIRST * sizeof(pte_t));
    memcpy(root + PT_KERNEL_FIRST, kernel_root_pt + PT_KERNEL_FIRST,
           (PT_ENTRIES - PT_KERNEL_FIRST) * sizeof(pte_t));
}

paddr_t arch_kernel_root_pa;

bool arch_quirk_flush_whole_asid;

/* Multicore: any other hart may hold translations of the ASID (a thread of it ran
 * there, or runs there now), so every flush is done there too, through the kernel's
 * remote call (node_remote_flush), which returns once all of them have done it. The
 * quirk holds there as well: on the FU540/FU740 a page flush becomes a flush of the
 * whole ASID (arch_tlb_flush_page) before any hart is asked. */
static inline uint64_t other_harts(void)
{
    /* Only harts that have run a thread can hold user translations. */
    return nodes_ran_user & ~BIT(this_node()->index);
}

void arch_tlb_flush_local(unsigned asid, vaddr_t va, bool whole)
{
    if (this_node()->asids_short) {
        /* ASIDs wider than the hart's are cut short in satp: flush everything. */
        asm volatile("sfence.vma" ::: "memory");
    } else if (whole) {
        asm volatile("sfence.vma zero, %0" :: "r"((uint64_t)asid) : "memory");
    } else {
        asm volatile("sfence.vma %0, %1" :: "r"(va), "r"((uint64_t)asid) : "memory");
    }
}

void arch_tlb_flush_page(unsigned asid, vaddr_t va)
{
    if (arch_quirk_flush_whole_asid) {
        arch_tlb_flush_asid(asid);
        return;
    }
    asm volatile("sfence.vma %0, %1" :: "r"(va), "r"((uint64_t)asid) : "memory");
    if (other_harts()) node_remote_flush(other_harts(), asid, va, false);
}

void arch_tlb_flush_asid(unsigned asid)
{
    asm volatile("sfence.vma zero, %0" :: "r"((uint64_t)asid) : "memory");
    if (other_harts()) node_remote_flush(other_harts(), asid, 0, true);
}
