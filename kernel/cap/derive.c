/* What a derived capability may be: seL4's rules for copying, masking rights and
 * setting badges or guards. Used by the CNode invocations (and host tests). */
#include <cap/derive.h>
#include <k/abi.h>

/* Rights can only be taken away. Objects whose caps carry no rights keep them. */
cap_t cap_mask_rights(cap_t c, word_t rights)
{
    switch (cap_type(c)) {
    case CAP_ENDPOINT: case CAP_NOTIFICATION: case CAP_REPLY: case CAP_FRAME:
        return cap_with_rights(c, cap_rights(c) & rights & RIGHTS_ALL);
    default:
        return c;
    }
}

/* Badge or guard: Mint (preserve = false) may badge an unbadged endpoint or
 * notification; a badge, once set, never changes. Both may set a CNode's guard.
 * A null result means the request is not allowed. */
cap_t cap_update_data(bool preserve, word_t data, cap_t c)
{
    switch (cap_type(c)) {
    case CAP_ENDPOINT: case CAP_NOTIFICATION:
        if (!preserve && cap_badge(c) == 0) { c.w1 = data; return c; }
        return cap_null();
    case CAP_CNODE: {
        word_t gsize = data & 63;
        if (gsize + cnode_radix(c) > 64) return cap_null();
        word_t guard = (data >> 6) & (gsize >= 58 ? MASK(58) : MASK(gsize));
        c.w1 = (guard << 6) | gsize;
        return c;
    }
    default:
        return c;
    }
}

/* What a copy of `c` is. Returns an error code; *out may be null (not copyable). */
word_t cap_derive(cte_t *slot, cap_t c, cap_t *out)
{
    switch (cap_type(c)) {
    case CAP_ZOMBIE: case CAP_IRQ_CONTROL: case CAP_REPLY:
        *out = cap_null();
        return K_NO_ERROR;
    case CAP_UNTYPED:
        /* A copy of an untyped with children would let both carve the same memory. */
        if (cdt_has_children(slot)) return K_REVOKE_FIRST;
        *out = c;
        return K_NO_ERROR;
    case CAP_PAGE_TABLE:
        /* seL4 lets only a mapped table's cap be copied (so an unmapped table has
         * exactly one cap, which Assign and Map rely on). */
        if (!cap_flag(c)) return K_ILLEGAL_OPERATION;
        *out = c;
        return K_NO_ERROR;
    case CAP_FRAME:
        c.w1 = 0;   /* a copy starts unmapped */
        *out = c;
        return K_NO_ERROR;
    default:
        *out = c;
        return K_NO_ERROR;
    }
}
