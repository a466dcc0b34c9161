/* Deleting and revoking capabilities.
 *
 * Deleting the last capability to an object destroys the object. Objects that hold
 * capabilities themselves (CNodes, TCBs) must first have every slot emptied, and
 * those slots may hold the last capability to further CNodes, and so on. To do this
 * with constant kernel stack, the dying object's capability is turned into a Zombie
 * in place; a Zombie records how many of the object's slots are still to be emptied
 * and which Zombie (slot) to go back to when it is done. The walk below descends
 * into a nested dying object by making it a Zombie pointing back at its parent, and
 * climbs back when that Zombie reaches zero: an explicit stack threaded through the
 * Zombies themselves.
 *
 * The kernel is not preemptible, so the whole deletion happens inside one system
 * call; its cost is bounded by the number of slots reachable from the object. */
#include <cap/cspace.h>
#include <object/objects.h>
#include <kprintf.h>

static cap_t zombie_make(cap_t dying, uint64_t count, cte_t *resume)
{
    paddr_t rp = resume ? kva_to_paddr(resume) : 0;
    kassert((rp & 31) == 0 && (rp >> 5) <= MASK(64 - ZOMBIE_COUNT_BITS) && count <= ZOMBIE_COUNT_MASK);
    /* size field = the type of the dying object's cap, so the slots can be found. */
    return cap_make(CAP_ZOMBIE, cap_paddr(dying), 0, cap_type(dying), false,
                    count | ((rp >> 5) << ZOMBIE_COUNT_BITS));
}

static uint64_t zombie_count(cap_t z) { return z.w1 & ZOMBIE_COUNT_MASK; }
static cte_t *zombie_resume(cap_t z)
{
    paddr_t rp = (z.w1 >> ZOMBIE_COUNT_BITS) << 5;
    return rp ? paddr_to_kva(rp) : NULL;
}
static cap_t zombie_dying_cap(cap_t z)
{
    /* Reconstruct enough of the original cap to find its slots. */
    return cap_make((cap_type_t)cap_size(z), cap_paddr(z), 0, 0, false, 0);
}

/* Slot i of the dying object is found from its base alone (no radix needed). */
static cte_t *zombie_slot(cap_t z, uint64_t i)
{
    return object_slot(zombie_dying_cap(z), i);
}

/* Remove one capability that needs no walk: not final, or final without slots. */
static void delete_simple(cte_t *s)
{
    object_finalise(s->cap, cdt_is_final(s));
    cdt_remove(s);
}

void cte_delete(cte_t *slot)
{
    cte_t *cur = slot;
    for (;;) {
        cap_t c = cur->cap;
        if (cap_is_null(c)) {
            if (cur == slot) return;
            panic("cte_delete: empty slot on the zombie path");
        }
        if (cap_type(c) != CAP_ZOMBIE) {
            if (!object_has_slots(c) || !cdt_is_final(cur)) {
                delete_simple(cur);
                if (cur == slot) return;
                panic("cte_delete: resumed a non-zombie");
            }
            /* Last cap to a CNode or TCB: detach it, then empty its slots. */
            object_finalise(c, true);
            cur->cap = zombie_make(c, object_slot_count(c), NULL);
            continue;
        }
        uint64_t n = zombie_count(c);
        if (n == 0) {
            cte_t *resume = zombie_resume(c);
            cdt_remove(cur);
            if (!resume) return;      /* the zombie we started from */
            cur = resume;
            continue;
        }
        cte_t *s = zombie_slot(c, n - 1);
        if (cap_is_null(s->cap) || cap_type(s->cap) == CAP_ZOMBIE) {
            /* Empty, or a Zombie: deletion is atomic, so any Zombie here is one of the
             * walk's own (this one, or an ancestor whose slot lies inside the object
             * now dying). It is emptied when the walk climbs back to it. */
            cur->cap.w1 = (c.w1 & ~ZOMBIE_COUNT_MASK) | (n - 1);
            continue;
        }
        if (object_has_slots(s->cap) && cdt_is_final(s)) {
            /* Descend: that object dies too; come back here when it is empty. */
            object_finalise(s->cap, true);
            s->cap = zombie_make(s->cap, object_slot_count(s->cap), cur);
            cur = s;
            continue;
        }
        delete_simple(s);
    }
}

void cte_revoke(cte_t *slot)
{
    cap_t me = slot->cap;
    for (;;) {
        /* Deleting a descendant can empty `slot` itself (it may live inside a CNode
         * that the descendant was the last cap to): stop if our cap is gone. */
        if (cap_is_null(slot->cap) || slot->cap.w0 != me.w0) return;
        cte_t *n = mdb_next(slot);
        if (!n || !cdt_is_parent_of(slot, n)) return;
        cte_delete(n);
    }
}
