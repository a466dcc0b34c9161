/* CNode invocations: copy, mint, move, mutate, rotate, delete, revoke.
 * Every decoder resolves and checks all slots before touching any. */
#include <invocation.h>
#include <object/objects.h>
#include <kprintf.h>
#include <cap/derive.h>
#include <object/endpoint.h>

static word_t copy_like(inv_t *iv, inv_error_t *e, cte_t *dest)
{
    /* MR2 src_index, MR3 src_depth, then rights (Copy, Mint) and data (Mint, Mutate). */
    if (iv->length < 4 || iv->n_extra < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
    word_t src_index = inv_mr(iv, 2), src_depth = inv_mr(iv, 3);
    cap_t src_root = iv->extra[0]->cap;
    if (!cap_is_null(dest->cap)) return err_simple(e, K_DELETE_FIRST);
    cte_t *src = inv_lookup_slot(src_root, src_index, src_depth, true, e);
    if (!src) return e->type;
    if (cap_is_null(src->cap)) return err_missing_cap(e, true, src_depth);

    cap_t newcap;
    bool move = false;
    word_t err;
    switch (iv->label) {
    case K_CNODE_COPY:
        if (iv->length < 5) return err_simple(e, K_TRUNCATED_MESSAGE);
        err = cap_derive(src, cap_mask_rights(src->cap, inv_mr(iv, 4)), &newcap);
        if (err) return err_simple(e, err);
        break;
    case K_CNODE_MINT:
        if (iv->length < 6) return err_simple(e, K_TRUNCATED_MESSAGE);
        err = cap_derive(src, cap_mask_rights(src->cap, inv_mr(iv, 4)), &newcap);
        if (err) return err_simple(e, err);
        newcap = cap_update_data(false, inv_mr(iv, 5), newcap);
        break;
    case K_CNODE_MOVE:
        newcap = src->cap;
        move = true;
        break;
    default: /* K_CNODE_MUTATE */
        if (iv->length < 5) return err_simple(e, K_TRUNCATED_MESSAGE);
        newcap = cap_update_data(true, inv_mr(iv, 4), src->cap);
        move = true;
        break;
    }
    if (cap_is_null(newcap)) return err_simple(e, K_ILLEGAL_OPERATION);
    if (move) cdt_move(src, dest, newcap);
    else cdt_insert_child(src, dest, newcap);
    return K_NO_ERROR;
}

/* Rotate: the pivot's cap moves to dest and the source's cap moves to the pivot, each
 * with new data. MR2 data for the cap going to dest, MR3 pivot_index, MR4 pivot_depth,
 * MR5 data for the cap going to the pivot, MR6 src_index, MR7 src_depth; extra caps:
 * pivot_root, src_root. src == dest makes it a swap. */
static word_t rotate(inv_t *iv, inv_error_t *e, cte_t *dest)
{
    if (iv->length < 8 || iv->n_extra < 2) return err_simple(e, K_TRUNCATED_MESSAGE);
    cap_t pivot_root = iv->extra[0]->cap, src_root = iv->extra[1]->cap;
    /* seL4 looks up the source before the pivot: when both are bad, the error names
     * the source (FailedLookup, MR0 = 1). */
    cte_t *src = inv_lookup_slot(src_root, inv_mr(iv, 6), inv_mr(iv, 7), true, e);
    if (!src) return e->type;
    cte_t *pivot = inv_lookup_slot(pivot_root, inv_mr(iv, 3), inv_mr(iv, 4), false, e);
    if (!pivot) return e->type;
    if (pivot == src || pivot == dest) return err_simple(e, K_ILLEGAL_OPERATION);
    if (src != dest && !cap_is_null(dest->cap)) return err_simple(e, K_DELETE_FIRST);
    if (cap_is_null(src->cap)) return err_missing_cap(e, true, inv_mr(iv, 7));
    if (cap_is_null(pivot->cap)) return err_missing_cap(e, false, inv_mr(iv, 4));
    cap_t new_pivot = cap_update_data(true, inv_mr(iv, 2), pivot->cap);
    cap_t new_src = cap_update_data(true, inv_mr(iv, 5), src->cap);
    if (cap_is_null(new_src) || cap_is_null(new_pivot)) return err_simple(e, K_ILLEGAL_OPERATION);

    if (src == dest) {
        /* A swap: src's cap lands in the pivot and the pivot's in src, each keeping
         * its own place in the derivation tree. */
        src->cap = new_src;
        pivot->cap = new_pivot;
        cdt_swap(src, pivot);
    } else {
        cdt_move(pivot, dest, new_pivot);
        cdt_move(src, pivot, new_src);
    }
    return K_NO_ERROR;
}

word_t cnode_invoke(inv_t *iv, inv_error_t *e)
{
    switch (iv->label) {
    case K_CNODE_COPY: case K_CNODE_MINT: case K_CNODE_MOVE: case K_CNODE_MUTATE:
    case K_CNODE_ROTATE: case K_CNODE_DELETE: case K_CNODE_REVOKE:
    case K_CNODE_SAVE_CALLER: case K_CNODE_CANCEL_BADGED_SENDS:
        break;
    default:
        return err_simple(e, K_ILLEGAL_OPERATION);
    }
    if (iv->length < 2) return err_simple(e, K_TRUNCATED_MESSAGE);
    cte_t *dest = inv_lookup_slot(iv->cap, inv_mr(iv, 0), inv_mr(iv, 1), false, e);
    if (!dest) return e->type;

    switch (iv->label) {
    case K_CNODE_REVOKE:
        cte_revoke(dest);
        return K_NO_ERROR;
    case K_CNODE_DELETE:
        if (!cap_is_null(dest->cap)) cte_delete(dest);
        return K_NO_ERROR;
    case K_CNODE_ROTATE:
        return rotate(iv, e, dest);
    case K_CNODE_SAVE_CALLER: {
        /* Move the reply cap of the last Call received into a slot, so the thread can
         * receive again before answering. Nothing to save is not an error. */
        if (!cap_is_null(dest->cap)) return err_simple(e, K_DELETE_FIRST);
        cte_t *caller = tcb_slot(iv->caller, TCB_SLOT_CALLER);
        if (cap_type(caller->cap) == CAP_REPLY) cdt_move(caller, dest, caller->cap);
        return K_NO_ERROR;
    }
    case K_CNODE_CANCEL_BADGED_SENDS:
        /* Needs an endpoint cap with all rights; an unbadged one changes nothing. */
        if (cap_type(dest->cap) != CAP_ENDPOINT || cap_rights(dest->cap) != RIGHTS_ALL)
            return err_simple(e, K_ILLEGAL_OPERATION);
        if (cap_badge(dest->cap)) ep_cancel_badged_sends(cap_ptr(dest->cap), cap_badge(dest->cap));
        return K_NO_ERROR;
    default:
        return copy_like(iv, e, dest);
    }
}
