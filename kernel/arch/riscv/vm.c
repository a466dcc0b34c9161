/* Sv39 mechanics: the kernel's own mappings and the page-table walk used to build
 * user address spaces. Policy (who may map what) lives in the object layer. */
#include <arch.h>
#include <arch/sv39.h>
#include <arch/layout.h>
#include <arch/csr.h>
#include <kstring.h>
#include <kprintf.h>

extern pte_t kernel_root_pt[PT_ENTRIES];

void arch_vm_init(void)
{
    /* head.S left an identity map of our load gigabyte for the jump to the upper half;
     * nothing needs it now, and the lower half belongs to user space. */
    for (unsigned i = 0; i < PT_KERNEL_FIRST; i++) kernel_root_pt[i] = 0;
    asm volatile("sfence.vma" ::: "memory");
}

void arch_vspace_init(pte_t *root)
{
    /* The kernel half of every root table is the same set of 1 GiB leaves and never
     * changes after boot, so a copy taken now stays right. */
    memset(root, 0, PT_KERNEL_FIRST * sizeof(pte_t));
    memcpy(root + PT_KERNEL_FIRST, kernel_root_pt + PT_KERNEL_FIRST,
           (PT_ENTRIES - PT_KERNEL_FIRST) * sizeof(pte_t));
}

pte_t *arch_pt_walk(pte_t *root, vaddr_t va, int to_level, paddr_t (*alloc_pt)(void))
{
    pte_t *pt = root;
    for (int level = PT_LEVELS - 1; level > to_level; level--) {
        pte_t *e = &pt[vpn_index(va, level)];
        if (!pte_valid(*e)) {
            if (!alloc_pt) return NULL;
            paddr_t pa = alloc_pt();
            if (!pa) return NULL;
            memset(paddr_to_kva(pa), 0, PAGE_SIZE);
            *e = pte_make(pa, PTE_V);
        } else if (pte_leaf(*e)) {
            return NULL;   /* a larger page already covers va */
        }
        pt = paddr_to_kva(pte_paddr(*e));
    }
    return &pt[vpn_index(va, to_level)];
}

/* Each VSpace has its own ASID, and every change to a live mapping flushes that ASID's
 * entries (below), so switching address spaces needs no flush. */
void arch_set_vspace(paddr_t root, unsigned asid)
{
    csr_write(satp, SATP_MODE_SV39 | ((uint64_t)asid << SATP_ASID_SHIFT) | (root >> 12));
}

paddr_t arch_active_root(void)
{
    return (csr_read(satp) & MASK(44)) << 12;
}

paddr_t arch_kernel_root(void)
{
    return kva_to_paddr(kernel_root_pt);
}

pte_t *arch_pt_lookup(pte_t *root, vaddr_t va, int *level)
{
    pte_t *pt = root;
    for (int l = PT_LEVELS - 1;; l--) {
        pte_t *e = &pt[vpn_index(va, l)];
        if (l == 0 || !pte_valid(*e) || pte_leaf(*e)) {
            *level = l;
            return e;
        }
        pt = paddr_to_kva(pte_paddr(*e));
    }
}

bool arch_quirk_flush_whole_asid;

void arch_tlb_flush_page(unsigned asid, vaddr_t va)
{
    if (arch_quirk_flush_whole_asid) {
        arch_tlb_flush_asid(asid);
        return;
    }
    asm volatile("sfence.vma %0, %1" :: "r"(va), "r"((uint64_t)asid) : "memory");
}

void arch_tlb_flush_asid(unsigned asid)
{
    asm volatile("sfence.vma zero, %0" :: "r"((uint64_t)asid) : "memory");
}
