/* Untyped memory: the only source of kernel objects.
 *
 * An untyped capability covers 2^n bytes and keeps a free index (a watermark). Retype
 * carves N objects of one type, each aligned to its own size, upward from the
 * watermark, and puts their original capabilities into N empty slots of a CNode as
 * children of the untyped cap. When every child has been deleted (revoke), the
 * untyped starts again from zero. Device untyped (MMIO) yields frames and smaller
 * device untyped only, and is never zeroed. */
#include <invocation.h>
#include <object/objects.h>
#include <kprintf.h>

#define RETYPE_FAN_OUT_LIMIT 256   /* seL4's default CONFIG_RETYPE_FAN_OUT_LIMIT */

/* Message: MR0 type, MR1 size_bits, MR2 node_index, MR3 node_depth, MR4 node_offset,
 * MR5 num_objects; extra cap 0 = root CNode for the destination lookup. */
static word_t retype(inv_t *iv, inv_error_t *e)
{
    if (iv->length < 6 || iv->n_extra < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
    word_t type = inv_mr(iv, 0), user_size = inv_mr(iv, 1);
    word_t node_index = inv_mr(iv, 2), node_depth = inv_mr(iv, 3);
    word_t node_offset = inv_mr(iv, 4), count = inv_mr(iv, 5);
    cap_t root = iv->extra[0]->cap;

    if (type >= K_OBJECT_TYPE_COUNT) return err_invalid_arg(e, 0);
    if (type == K_UNTYPED_OBJECT && user_size < MIN_UNTYPED_BITS) return err_invalid_arg(e, 1);
    if (type == K_CAPTABLE_OBJECT && user_size == 0) return err_invalid_arg(e, 1);
    int bits = object_size_bits(type, user_size);
    if (bits < 0 || bits > MAX_UNTYPED_BITS) return err_range(e, 0, MAX_UNTYPED_BITS);

    /* Destination CNode: the root itself (depth 0) or a CNode cap found in it. */
    cap_t node = root;
    if (node_depth != 0) {
        cte_t *ns = inv_lookup_slot(root, node_index, node_depth, false, e);
        if (!ns) return e->type;
        node = ns->cap;
    }
    if (cap_type(node) != CAP_CNODE) return err_missing_cap(e, false, node_depth);

    uint64_t node_size = 1ull << cnode_radix(node);
    if (node_offset > node_size - 1) return err_range(e, 0, node_size - 1);
    if (count < 1 || count > RETYPE_FAN_OUT_LIMIT) return err_range(e, 1, RETYPE_FAN_OUT_LIMIT);
    if (count > node_size - node_offset) return err_range(e, 1, node_size - node_offset);
    cte_t *dest = (cte_t *)cap_ptr(node) + node_offset;
    for (word_t i = 0; i < count; i++)
        if (!cap_is_null(dest[i].cap)) return err_simple(e, K_DELETE_FIRST);

    cap_t ut = iv->cap;
    bool device = untyped_is_device(ut);
    if (device && type != K_UNTYPED_OBJECT && type != K_RISCV_4K_PAGE_OBJECT &&
        type != K_RISCV_MEGA_PAGE_OBJECT && type != K_RISCV_GIGA_PAGE_OBJECT)
        return err_invalid_arg(e, 0);

    /* With no children left, the whole untyped is free again. */
    uint64_t used = cdt_has_children(iv->slot) ? untyped_free_index(ut) : 0;
    uint64_t total = 1ull << cap_size(ut);
    paddr_t base = cap_paddr(ut);
    paddr_t first = ALIGN_UP(base + used, 1ull << bits);
    uint64_t left = first - base <= total ? total - (first - base) : 0;
    if ((left >> bits) < count) return err_memory(e, total - used);

    /* Perform: nothing below can fail. */
    for (word_t i = 0; i < count; i++) {
        paddr_t pa = first + (i << bits);
        cdt_insert_new(iv->slot, &dest[i], object_create(type, pa, user_size, device));
    }
    iv->slot->cap.w1 = first + (count << bits) - base;
    e->len = 0;
    return K_NO_ERROR;
}

word_t untyped_invoke(inv_t *iv, inv_error_t *e)
{
    if (iv->label != K_UNTYPED_RETYPE) return err_simple(e, K_ILLEGAL_OPERATION);
    return retype(iv, e);
}
