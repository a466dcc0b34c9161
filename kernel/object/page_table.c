/* Page tables (RISC-V Sv39): Map places an empty table at the first missing level on
 * the way to vaddr; Unmap takes it out again and clears it, cutting off every frame
 * mapped through it (those frame caps keep their record, and unmapping them later
 * finds nothing to undo). */
#include <invocation.h>
#include <object/vspace.h>
#include <object/objects.h>
#include <arch.h>
#include <kstring.h>

/* The VSpace named by an invocation's extra cap: a root with a live ASID. Fills *e
 * the way seL4 does for each way it can be wrong; NULL on failure. */
pte_t *inv_vspace(cap_t vs, unsigned *asid, inv_error_t *e)
{
    if (cap_type(vs) != CAP_PAGE_TABLE || !cap_flag(vs)) {
        err_invalid_cap(e, 1);
        return NULL;
    }
    *asid = cap_mapped_asid(vs);
    paddr_t root = asid_lookup(*asid);
    if (!root) {
        lookup_fault_t why = { K_INVALID_ROOT, 0, 0, 0 };
        err_lookup(e, false, &why);
        return NULL;
    }
    if (root != cap_paddr(vs)) {
        err_invalid_cap(e, 1);
        return NULL;
    }
    return paddr_to_kva(root);
}

/* A lower table's cap records the level of the slot that points to it (size field)
 * and the address that slot covers; undo that link if it is still there. */
void page_table_unmap(cap_t c)
{
    if (!cap_flag(c)) return;
    paddr_t root = asid_lookup(cap_mapped_asid(c));
    if (!root) return;
    pte_t *slot = arch_pt_walk(paddr_to_kva(root), cap_mapped_vaddr(c), (int)cap_size(c), NULL);
    if (slot && pte_valid(*slot) && !pte_leaf(*slot) && pte_paddr(*slot) == cap_paddr(c)) {
        *slot = 0;
        arch_tlb_flush_asid(cap_mapped_asid(c));
    }
}

word_t page_table_invoke(inv_t *iv, inv_error_t *e)
{
    cap_t c = iv->cap;
    if (iv->label == K_RISCV_PAGE_TABLE_UNMAP) {
        if (!cdt_is_final(iv->slot)) return err_simple(e, K_REVOKE_FIRST);
        if (vspace_cap_valid(c)) return err_simple(e, K_REVOKE_FIRST);   /* a VSpace root */
        page_table_unmap(c);
        memset(cap_ptr(c), 0, 1ull << PAGE_TABLE_OBJ_BITS);
        iv->slot->cap = cap_make(CAP_PAGE_TABLE, cap_paddr(c), cap_rights(c), 0, false, 0);
        return K_NO_ERROR;
    }
    if (iv->label != K_RISCV_PAGE_TABLE_MAP) return err_simple(e, K_ILLEGAL_OPERATION);
    if (iv->length < 2 || iv->n_extra < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
    if (cap_flag(c)) return err_invalid_cap(e, 0);
    vaddr_t va = inv_mr(iv, 0);
    cap_t vs = iv->extra[0]->cap;
    /* seL4 reports a VSpace cap of the wrong kind before a bad address, and a bad
     * address before a stale ASID, hence this check ahead of inv_vspace's. */
    if (cap_type(vs) != CAP_PAGE_TABLE || !cap_flag(vs)) return err_invalid_cap(e, 1);
    if (va >= USER_TOP) return err_invalid_arg(e, 0);
    unsigned asid;
    pte_t *root = inv_vspace(vs, &asid, e);
    if (!root) return e->type;
    int level;
    pte_t *slot = arch_pt_lookup(root, va, &level);
    if (level == 0 || pte_valid(*slot)) return err_simple(e, K_DELETE_FIRST);

    *slot = pte_make(cap_paddr(c), PTE_V);
    vaddr_t base = ALIGN_DOWN(va, level_size(level));
    iv->slot->cap = cap_make(CAP_PAGE_TABLE, cap_paddr(c), cap_rights(c), (unsigned)level, true,
                             mapping_word(asid, base));
    arch_tlb_flush_asid(asid);
    return K_NO_ERROR;
}
