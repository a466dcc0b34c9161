/* Untyped memory: the only source of kernel objects.
 *
 * An untyped capability covers 2^n bytes and keeps a free index (a watermark). Retype
 * carves N objects of one type, each aligned to its own size, upward from the
 * watermark, and puts their original capabilities into N empty slots of a CNode as
 * children of the untyped cap. When every child has been deleted (revoke), the
 * untyped starts again from zero. Device untyped (MMIO) yields frames and smaller
 * device untyped only, and is never zeroed.
 *
 * Zeroing, as seL4 does it (resetUntypedCap): memory above the free index of a "clean"
 * untyped (cap.h) is zero, so objects are created without touching their memory. When
 * a retype starts over on an untyped without children, the used part is zeroed first,
 * from the top down, one RESET_CHUNK at a time; after each chunk the free index drops
 * to the chunk's start (progress kept in the capability) and the retype may stop at a
 * preemption point. The restarted call finds the untyped still childless and carries
 * on from there. Boot-time untypeds are not clean: their first retype zeroes them. */
#include <invocation.h>
#include <object/objects.h>
#include <preempt.h>
#include <kstring.h>
#include <kprintf.h>

#define RETYPE_FAN_OUT_LIMIT 256   /* seL4's default CONFIG_RETYPE_FAN_OUT_LIMIT */
#define RESET_CHUNK_BITS 12        /* 4 KiB zeroed (about 2,000 instructions) per step */

/* Zero what the untyped in `slot` may have used. False if it stopped at a preemption
 * point (the cap records how far it got). */
static bool untyped_reset(cte_t *slot)
{
    cap_t ut = slot->cap;
    if (untyped_is_device(ut)) {
        slot->cap.w1 = 0;
        return true;
    }
    uint64_t dirty = untyped_is_clean(ut) ? untyped_free_index(ut) : BIT(cap_size(ut));
    uint8_t *base = cap_ptr(ut);
    while (dirty > 0) {
        uint64_t start = dirty > BIT(RESET_CHUNK_BITS) ? ALIGN_DOWN(dirty - 1, BIT(RESET_CHUNK_BITS)) : 0;
        memset(base + start, 0, dirty - start);
        dirty = start;
        slot->cap.w1 = dirty | UNTYPED_CLEAN;
        if (dirty && preempt_point(BIT(RESET_CHUNK_BITS) >> 6)) return false;
    }
    slot->cap.w1 = UNTYPED_CLEAN;
    return true;
}

/* Log2 of the object's size as seL4's getObjectSize computes it (any user size for
 * the fixed-size types; the caller range-checks the result). */
static uint64_t retype_bits(word_t type, word_t user_size)
{
    if (type == K_UNTYPED_OBJECT) return user_size;
    if (type == K_CAPTABLE_OBJECT) return user_size + CTE_SIZE_BITS;
    return (uint64_t)object_size_bits(type, 0);
}

/* Message: MR0 type, MR1 size_bits, MR2 node_index, MR3 node_depth, MR4 node_offset,
 * MR5 num_objects; extra cap 0 = root CNode for the destination lookup. The checks and
 * their order are seL4's decodeUntypedInvocation. */
static word_t retype(inv_t *iv, inv_error_t *e)
{
    if (iv->length < 6 || iv->n_extra < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
    word_t type = inv_mr(iv, 0), user_size = inv_mr(iv, 1);
    word_t node_index = inv_mr(iv, 2), node_depth = inv_mr(iv, 3);
    word_t node_offset = inv_mr(iv, 4), count = inv_mr(iv, 5);
    cap_t root = iv->extra[0]->cap;

    if (type >= K_OBJECT_TYPE_COUNT) return err_invalid_arg(e, 0);
    uint64_t bits = retype_bits(type, user_size);
    if (user_size >= 64 || bits > MAX_UNTYPED_BITS) return err_range(e, 0, MAX_UNTYPED_BITS);
    if (type == K_CAPTABLE_OBJECT && user_size == 0) return err_invalid_arg(e, 1);
    if (type == K_UNTYPED_OBJECT && user_size < MIN_UNTYPED_BITS) return err_invalid_arg(e, 1);

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

    /* With no children left, the whole untyped is free again. */
    cap_t ut = iv->cap;
    bool reset = !cdt_has_children(iv->slot);
    uint64_t used = reset ? 0 : untyped_free_index(ut);
    uint64_t total = 1ull << cap_size(ut);
    if (((total - used) >> bits) < count) return err_memory(e, total - used);

    /* seL4 checks device memory after the space, and names argument 1 (the size). */
    bool device = untyped_is_device(ut);
    if (device && type != K_UNTYPED_OBJECT && type != K_RISCV_4K_PAGE_OBJECT &&
        type != K_RISCV_MEGA_PAGE_OBJECT && type != K_RISCV_GIGA_PAGE_OBJECT)
        return err_invalid_arg(e, 1);

    /* Objects are aligned to their size; seL4's space check above ignores the padding,
     * and the padding always fits: the untyped is aligned to a larger power of two. */
    paddr_t base = cap_paddr(ut);
    paddr_t first = ALIGN_UP(base + used, 1ull << bits);

    /* Perform: only the reset can stop (and then nothing else has changed). */
    e->len = 0;
    if (reset && !untyped_reset(iv->slot)) return K_NO_ERROR;
    bool clean = untyped_is_clean(iv->slot->cap);
    kassert(device || clean);
    /* The caps differ only in the address; at most 256 objects, bounded (about 40
     * instructions each), so no preemption point: seL4 has none here either. */
    cap_t obj = object_init(type, first, user_size, device);
    /* Carved from zeroed memory, a child untyped is clean from the start. */
    if (type == K_UNTYPED_OBJECT && !device) obj.w1 = UNTYPED_CLEAN;
    bool init = object_needs_init(type);
    for (word_t i = 0; i < count; i++) {
        paddr_t pa = first + (i << bits);
        if (i && init) object_init_memory(type, pa);
        cdt_insert_new(iv->slot, &dest[i], cap_with_paddr(obj, pa));
    }
    iv->slot->cap.w1 = (first + (count << bits) - base) | (clean ? UNTYPED_CLEAN : 0);
    return K_NO_ERROR;
}

word_t untyped_invoke(inv_t *iv, inv_error_t *e)
{
    if (iv->label != K_UNTYPED_RETYPE) return err_simple(e, K_ILLEGAL_OPERATION);
    return retype(iv, e);
}
