/* Guarded CSpace addressing (seL4 manual, "CSpace Addressing").
 *
 * A capability pointer is read from its most significant end. At each CNode the
 * guard (guard_size bits that must equal the CNode cap's guard) is consumed, then
 * radix bits select a slot. If bits remain and the slot holds a CNode cap, the walk
 * goes on there. The loop is bounded: every level consumes at least one bit. */
#include <cap/cspace.h>

/* partial: a system-call lookup, which stops at the first slot that does not hold a
 * CNode even if bits remain; otherwise exactly `depth` bits must be consumed. */
static cte_t *resolve(cap_t node, word_t cptr, word_t bits, bool partial, lookup_fault_t *why)
{
    *why = (lookup_fault_t){ 0, 0, 0, 0 };
    if (cap_type(node) != CAP_CNODE) {
        why->type = K_INVALID_ROOT;
        return NULL;
    }
    if (bits < 1 || bits > 64) {
        why->type = K_DEPTH_MISMATCH;
        why->bits_left = bits;
        return NULL;
    }
    for (;;) {
        unsigned radix = cnode_radix(node), gsize = cnode_guard_size(node);
        unsigned level = radix + gsize;
        /* seL4's order and report: the guard first (a guard longer than the bits left
         * is a guard mismatch too, reporting the CNode's own guard), then the depth. */
        word_t node_guard = gsize ? cnode_guard(node) & MASK(gsize) : 0;
        word_t guard = gsize && gsize <= bits ? (cptr >> (bits - gsize)) & MASK(gsize) : 0;
        if (gsize > bits || guard != node_guard) {
            why->type = K_GUARD_MISMATCH;
            why->bits_left = bits;
            why->guard_found = node_guard;
            why->guard_size = gsize;
            return NULL;
        }
        if (level == 0 || level > bits) {
            /* One that consumes more than is left cannot be resolved at this depth; one
             * that consumes nothing (never made: radix >= 1) would loop forever. */
            why->type = K_DEPTH_MISMATCH;
            why->bits_left = bits;
            why->guard_found = level;
            return NULL;
        }
        word_t index = radix ? (cptr >> (bits - level)) & MASK(radix) : 0;
        cte_t *slot = (cte_t *)cap_ptr(node) + index;
        bits -= level;
        if (bits == 0) return slot;
        if (cap_type(slot->cap) != CAP_CNODE) {
            if (partial) return slot;
            why->type = K_DEPTH_MISMATCH;   /* bits remain but the walk cannot go on */
            why->bits_left = bits;
            return NULL;
        }
        node = slot->cap;
    }
}

cte_t *cspace_lookup_slot(cap_t root, word_t cptr, word_t depth, lookup_fault_t *why)
{
    return resolve(root, cptr, depth, false, why);
}

cte_t *cspace_lookup_cap_slot(cap_t root, word_t cptr, lookup_fault_t *why)
{
    return resolve(root, cptr, 64, true, why);
}
