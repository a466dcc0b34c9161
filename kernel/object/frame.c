/* Frames: map into a VSpace with rights masked by the capability's, remap with other
 * rights at the same place, unmap, and tell the physical address. A frame capability
 * records its one mapping; copies of the capability may map the frame elsewhere. */
#include <invocation.h>
#include <object/vspace.h>
#include <object/objects.h>
#include <arch.h>

static int frame_level(cap_t c) { return ((int)cap_size(c) - PAGE_BITS) / 9; }

void frame_unmap(cap_t c)
{
    unsigned asid = cap_mapped_asid(c);
    if (asid == ASID_INVALID) return;
    paddr_t root = asid_lookup(asid);
    if (!root) return;
    pte_t *slot = arch_pt_walk(paddr_to_kva(root), cap_mapped_vaddr(c), frame_level(c), NULL);
    /* Only undo our own mapping: the slot may have gone with its table, or been
     * remapped to another frame since. */
    if (slot && pte_valid(*slot) && pte_leaf(*slot) && pte_paddr(*slot) == cap_paddr(c)) {
        *slot = 0;
        arch_tlb_flush_page(asid, cap_mapped_vaddr(c));
    }
}

/* seL4's rule: reading is needed for any data access and writing needs reading too;
 * grant bits do not matter to mappings. */
static uint64_t pte_rights(unsigned rights, bool exec)
{
    uint64_t r = 0;
    if (rights & RIGHT_READ) {
        r |= PTE_R;
        if (rights & RIGHT_WRITE) r |= PTE_W;
    }
    if (exec) r |= PTE_X;
    return r;
}

static word_t map(inv_t *iv, inv_error_t *e)
{
    if (iv->length < 3 || iv->n_extra < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
    cap_t c = iv->cap;
    vaddr_t va = inv_mr(iv, 0);
    word_t rights = inv_mr(iv, 1), attr = inv_mr(iv, 2);
    unsigned asid;
    pte_t *root = inv_vspace(iv->extra[0]->cap, &asid, e);
    if (!root) return e->type;
    /* seL4's order of checks: address range, alignment, page tables, then whether
     * the frame is mapped elsewhere already. */
    uint64_t size = 1ull << cap_size(c);
    if (va + size - 1 >= USER_TOP || va + size < va) return err_invalid_arg(e, 0);
    if (!IS_ALIGNED(va, size)) return err_simple(e, K_ALIGNMENT_ERROR);
    int level;
    pte_t *slot = arch_pt_lookup(root, va, &level);
    if (level != frame_level(c)) return err_missing_cap(e, false, PAGE_BITS + 9 * level);
    bool remap = cap_mapped_asid(c) != ASID_INVALID;
    if (remap) {
        if (cap_mapped_asid(c) != asid) return err_invalid_cap(e, 1);
        if (cap_mapped_vaddr(c) != va) return err_invalid_arg(e, 0);
    }
    if (pte_valid(*slot) && !(remap && pte_paddr(*slot) == cap_paddr(c)))
        return err_simple(e, K_DELETE_FIRST);

    /* Perform. A mapping with no rights at all is no mapping, as in seL4. */
    uint64_t r = pte_rights(cap_rights(c) & rights, !(attr & K_RISCV_EXECUTE_NEVER));
    *slot = r ? pte_make(cap_paddr(c), PTE_V | PTE_U | PTE_A | PTE_D | r) : 0;
    iv->slot->cap.w1 = mapping_word(asid, va);
    arch_tlb_flush_page(asid, va);
    return K_NO_ERROR;
}

word_t frame_invoke(inv_t *iv, inv_error_t *e)
{
    switch (iv->label) {
    case K_RISCV_PAGE_MAP:
        return map(iv, e);
    case K_RISCV_PAGE_UNMAP:
        frame_unmap(iv->cap);
        iv->slot->cap.w1 = 0;
        return K_NO_ERROR;
    case K_RISCV_PAGE_GET_ADDRESS:
        inv_set_mr(iv, 0, cap_paddr(iv->cap));
        e->len = 1;
        return K_NO_ERROR;
    default:
        return err_simple(e, K_ILLEGAL_OPERATION);
    }
}
