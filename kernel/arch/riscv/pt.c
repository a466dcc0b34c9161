/* Sv39 page-table walks: pure functions over tables reached through the physical
 * window, shared by boot, the VSpace invocations and the host unit tests. */
#include <arch.h>
#include <arch/sv39.h>
#include <arch/layout.h>
#include <kstring.h>

/* The slot for va at level to_level, allocating missing intermediate tables with
 * alloc_pt (if given). NULL if a table is missing and cannot be made, or if a larger
 * page already covers va. */
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
