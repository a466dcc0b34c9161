/* Capability derivation tree: relations between capabilities and list edits.
 * See cap/cdt.h for the representation and its invariants. */
#include <cap/cdt.h>
#include <cap/zombie.h>
#include <object/objects.h>
#include <kstring.h>

/* The null slot every boot-time original is linked after (cdt_insert_root), so one
 * walk from here meets every capability derived from boot's objects and untypeds; and
 * a count of list edits, so a walk spread over several system calls (the audit
 * snapshot) can tell that the list changed under it. */
cte_t cdt_head;
uint64_t cdt_generation;

uint64_t cap_object_bytes(cap_t c)
{
    switch (cap_type(c)) {
    case CAP_UNTYPED:      return 1ull << cap_size(c);
    case CAP_FRAME:        return 1ull << cap_size(c);
    case CAP_CNODE:        return 1ull << (cnode_radix(c) + CTE_SIZE_BITS);
    case CAP_THREAD:       return 1ull << TCB_OBJ_BITS;
    case CAP_ENDPOINT:     return 1ull << ENDPOINT_OBJ_BITS;
    case CAP_NOTIFICATION: return 1ull << NOTIFICATION_OBJ_BITS;
    case CAP_PAGE_TABLE:   return 1ull << PAGE_TABLE_OBJ_BITS;
    case CAP_ASID_POOL:    return 1ull << ASID_POOL_OBJ_BITS;
    case CAP_ZOMBIE:       return 1ull << zombie_object_bits(c);
    default:               return 0;   /* control caps, IRQs, reply, domain */
    }
}

/* Where the object starts (a Zombie keeps its slot count in the low bits). */
static paddr_t cap_base(cap_t c)
{
    return cap_type(c) == CAP_ZOMBIE ? zombie_base(c) : cap_paddr(c);
}

bool cap_same_region(cap_t a, cap_t b)
{
    cap_type_t ta = cap_type(a), tb = cap_type(b);
    switch (ta) {
    case CAP_UNTYPED: {
        uint64_t bb = cap_object_bytes(b);
        if (!bb) return false;
        paddr_t a0 = cap_paddr(a), a1 = a0 + cap_object_bytes(a) - 1;
        /* A Zombie is still inside its untyped: revoking that finishes it. */
        paddr_t b0 = cap_base(b), b1 = b0 + bb - 1;
        return a0 <= b0 && b1 <= a1;
    }
    case CAP_FRAME:
        if (tb != CAP_FRAME) return false;
        return cap_paddr(a) <= cap_paddr(b) &&
               cap_paddr(b) + cap_object_bytes(b) <= cap_paddr(a) + cap_object_bytes(a);
    case CAP_CNODE:
        return tb == CAP_CNODE && cap_paddr(a) == cap_paddr(b) && cnode_radix(a) == cnode_radix(b);
    case CAP_ENDPOINT: case CAP_NOTIFICATION: case CAP_THREAD:
    case CAP_PAGE_TABLE: case CAP_ASID_POOL: case CAP_REPLY:
        return tb == ta && cap_paddr(a) == cap_paddr(b);
    case CAP_IRQ_CONTROL:
        return tb == CAP_IRQ_CONTROL || tb == CAP_IRQ_HANDLER;
    case CAP_IRQ_HANDLER:
        return tb == CAP_IRQ_HANDLER && a.w1 == b.w1;
    case CAP_ASID_CONTROL: case CAP_DOMAIN: case CAP_AUDIT:
        return tb == ta;
    case CAP_ZOMBIE:
        return tb == CAP_ZOMBIE && zombie_base(a) == zombie_base(b);
    default:
        return false;
    }
}

bool cap_same_object(cap_t a, cap_t b)
{
    /* An untyped region is never "the same object" as anything: deleting an untyped
     * cap destroys nothing (its children are separate caps, found by revoke). */
    if (cap_type(a) == CAP_UNTYPED || cap_type(b) == CAP_UNTYPED) return false;
    if (cap_type(a) == CAP_IRQ_CONTROL && cap_type(b) == CAP_IRQ_HANDLER) return false;
    if (cap_type(a) == CAP_FRAME && cap_type(b) == CAP_FRAME)
        return cap_paddr(a) == cap_paddr(b) && cap_size(a) == cap_size(b) && cap_flag(a) == cap_flag(b);
    return cap_same_region(a, b);
}

bool cdt_is_parent_of(const cte_t *a, const cte_t *b)
{
    if (!mdb_revocable(a)) return false;
    if (!cap_same_region(a->cap, b->cap)) return false;
    cap_type_t t = cap_type(a->cap);
    if (t == CAP_ENDPOINT || t == CAP_NOTIFICATION) {
        uint64_t badge = cap_badge(a->cap);
        if (badge == 0) return true;   /* the unbadged original is the parent of all */
        return cap_badge(b->cap) == badge && !mdb_first_badged(b);
    }
    return true;
}

bool cdt_has_children(const cte_t *s)
{
    const cte_t *n = mdb_next(s);
    return n && cdt_is_parent_of(s, n);
}

bool cdt_is_final(const cte_t *s)
{
    const cte_t *p = mdb_prev(s), *n = mdb_next(s);
    return !(p && cap_same_object(p->cap, s->cap)) && !(n && cap_same_object(s->cap, n->cap));
}

/* seL4's rule: a derived cap is revocable (can have children of its own) when it
 * starts a new badge on an endpoint/notification, or is an untyped or IRQ handler
 * made from IRQControl. */
static bool derived_is_revocable(cap_t derived, cap_t src)
{
    switch (cap_type(derived)) {
    case CAP_ENDPOINT: case CAP_NOTIFICATION:
        return cap_badge(derived) != cap_badge(src);
    case CAP_IRQ_HANDLER:
        return cap_type(src) == CAP_IRQ_CONTROL;
    case CAP_UNTYPED:
        return true;
    default:
        return false;
    }
}

static void link_after(cte_t *prev, cte_t *s)
{
    cte_t *next = prev ? mdb_next(prev) : NULL;
    mdb_set_prev(s, prev);
    mdb_set_next(s, next);
    if (prev) mdb_set_next(prev, s);
    if (next) mdb_set_prev(next, s);
}

void cdt_insert_child(cte_t *src, cte_t *dest, cap_t cap)
{
    bool rev = derived_is_revocable(cap, src->cap);
    /* Two caps to one untyped region must not both carve it from the start: the
     * source counts as full from now on (seL4's rule). */
    if (cap_type(cap) == CAP_UNTYPED && cap_type(src->cap) == CAP_UNTYPED &&
        cap_paddr(cap) == cap_paddr(src->cap) && cap_size(cap) == cap_size(src->cap))
        src->cap.w1 = 1ull << cap_size(src->cap);
    dest->cap = cap;
    dest->mdb.next = rev ? (MDB_REVOCABLE | MDB_FIRST_BADGED) : 0;
    link_after(src, dest);
    cdt_generation++;
}

void cdt_insert_new(cte_t *parent, cte_t *dest, cap_t cap)
{
    dest->cap = cap;
    dest->mdb.next = MDB_REVOCABLE | MDB_FIRST_BADGED;
    dest->mdb.prev = 0;
    if (parent) link_after(parent, dest);
    cdt_generation++;
}

void cdt_insert_root(cte_t *dest, cap_t cap)
{
    /* At the front: the head has no descendants, so dest cannot split a subtree. */
    cdt_insert_new(&cdt_head, dest, cap);
}

/* A top Zombie (a delete that stopped at a preemption point) may be moved by its
 * holder. The nested Zombie its walk is working on, always in the top's object at slot
 * count - 1, links back to the top's slot: make it follow. */
static void zombie_moved(cte_t *from, cte_t *to)
{
    cap_t z = to->cap;
    if (cap_type(z) != CAP_ZOMBIE || !zombie_is_top(z) || zombie_count(z) == 0) return;
    cte_t *child = zombie_slot(z, zombie_count(z) - 1);
    cap_t c = child->cap;
    if (cap_type(c) == CAP_ZOMBIE && !zombie_is_top(c) && zombie_link(c) == from)
        child->cap = zombie_with_link(c, false, to);
}

void cdt_move(cte_t *src, cte_t *dest, cap_t cap)
{
    cte_t *p = mdb_prev(src), *n = mdb_next(src);
    dest->cap = cap;
    dest->mdb = src->mdb;
    if (p) mdb_set_next(p, dest);
    if (n) mdb_set_prev(n, dest);
    src->cap = cap_null();
    src->mdb.prev = src->mdb.next = 0;
    zombie_moved(src, dest);
    cdt_generation++;
}

void cdt_swap(cte_t *a, cte_t *b)
{
    if (a == b) return;
    cdt_generation++;
    cte_t ta = *a, tb = *b;
    /* Write each entry into the other slot, then repair neighbours. Adjacent slots need
     * care: a's neighbour may be b itself. */
    *a = tb;
    *b = ta;
    cte_t *ap = mdb_prev(a), *an = mdb_next(a), *bp = mdb_prev(b), *bn = mdb_next(b);
    if (ap == a) mdb_set_prev(a, b);
    if (an == a) mdb_set_next(a, b);
    if (bp == b) mdb_set_prev(b, a);
    if (bn == b) mdb_set_next(b, a);
    ap = mdb_prev(a); an = mdb_next(a); bp = mdb_prev(b); bn = mdb_next(b);
    if (ap) mdb_set_next(ap, a);
    if (an) mdb_set_prev(an, a);
    if (bp) mdb_set_next(bp, b);
    if (bn) mdb_set_prev(bn, b);
    zombie_moved(a, b);
    zombie_moved(b, a);
}

void cdt_remove(cte_t *s)
{
    cte_t *p = mdb_prev(s), *n = mdb_next(s);
    if (p) mdb_set_next(p, n);
    if (n) mdb_set_prev(n, p);
    /* The next cap inherits "first badged": a copy of a deleted badged cap must not
     * become the child of a later, separately minted cap with the same badge. */
    if (n && mdb_first_badged(s)) n->mdb.next |= MDB_FIRST_BADGED;
    s->cap = cap_null();
    s->mdb.prev = s->mdb.next = 0;
    cdt_generation++;
}
