/* Deleting and revoking capabilities.
 *
 * Deleting the last capability to an object destroys the object. Objects that hold
 * capabilities themselves (CNodes, TCBs) must first have every slot emptied, and
 * those slots may hold the last capability to further CNodes, and so on. To do this
 * with constant kernel stack, the dying object's capability is turned into a Zombie
 * in place (layout in cap.h); a Zombie records how many of the object's slots are
 * still to be emptied. The walk empties them from the last one down; it descends into
 * a nested dying object by making that one a "nested" Zombie linking back to the one
 * it interrupted, and climbs back when it reaches zero: an explicit stack threaded
 * through the Zombies. A nested Zombie is always in its parent's object at slot
 * count - 1 (the parent's count drops only once it is gone).
 *
 * Preemption (preempt.h): the walk stops between any two steps. Its state is then
 * entirely in the Zombies: the "top" one, in the slot the delete was asked for, holds
 * the slot of the deepest nested one (the cursor), so a restarted delete continues in
 * constant time. Only the top Zombie can be reached by user lookups (every other one
 * is inside an object that has no capabilities left): a CNode operation may move it
 * (cdt.c makes its nested child follow), copy it (refused: it derives to nothing) or
 * delete it (which continues the walk). Revoking an untyped can reach a nested Zombie
 * first (Zombies stay children of their untyped): the delete then climbs to the top
 * Zombie and continues that walk. A walk that meets a top Zombie left by another
 * stopped delete inside the object it is emptying adopts it as a nested one.
 *
 * Unlike seL4 (which leaves nested CNodes as "cyclic" Zombies until their untyped is
 * revoked), a delete here destroys everything that only the deleted object reached. */
#include <cap/cspace.h>
#include <cap/zombie.h>
#include <object/tcb.h>
#include <object/objects.h>
#include <preempt.h>
#include <kprintf.h>

/* The Zombie that replaces the last cap `c` to a CNode or TCB. */
static cap_t zombie_of(cap_t c, bool top, cte_t *link)
{
    if (cap_type(c) == CAP_THREAD)
        return zombie_make(cap_paddr(c), ZOMBIE_TCB, top, TCB_SLOT_COUNT, link);
    return zombie_make(cap_paddr(c), cnode_radix(c), top, object_slot_count(c), link);
}

static void set_cursor(cte_t *top, cte_t *cur)
{
    top->cap = zombie_with_link(top->cap, true, cur == top ? NULL : cur);
}

/* Remove one capability that needs no walk: not final, or final without slots. */
static void delete_simple(cte_t *s)
{
    object_finalise(s->cap, cdt_is_final(s));
    cdt_remove(s);
}

/* Empty the Zombie walk rooted at `top`, continuing at `cur`. Returns early only at a
 * preemption point. */
static void walk(cte_t *top, cte_t *cur)
{
    for (;;) {
        cap_t z = cur->cap;
        uint64_t n = zombie_count(z);
        if (n == 0) {
            cte_t *up = cur == top ? NULL : zombie_link(z);
            cdt_remove(cur);
            if (!up) return;                  /* the top is gone: done */
            cur = up;
            set_cursor(top, cur);
            if (preempt_point(1)) return;
            continue;
        }
        cte_t *s = zombie_slot(z, n - 1);
        cap_t c = s->cap;
        unsigned units = 1;
        if (cap_type(c) == CAP_ZOMBIE && !zombie_is_top(c)) {
            /* The nested walk this one is waiting for (met again after a restart from
             * the top or an adoption): go back down into it. */
            if (zombie_link(c) != cur) panic("cte_delete: nested zombie of another walk");
            cur = s;
            set_cursor(top, cur);
        } else if (cap_type(c) == CAP_ZOMBIE && s != top) {
            /* A delete that stopped and left its walk here: it becomes part of ours.
             * Its cursor is dropped; its nested Zombies are found again going down. */
            s->cap = zombie_with_link(c, false, cur);
            cur = s;
            set_cursor(top, cur);
        } else if (cap_is_null(c)) {
            /* A run of empty slots (the slots of CNodes and TCBs are arrays): pass up
             * to 64 at once, writing the count back once; one unit per 4 slots. */
            cte_t *slots = zombie_slot(z, 0);
            uint64_t m = n - 1;
            unsigned k = 1;
            while (m > 0 && k < 64 && cap_is_null(slots[m - 1].cap)) { m--; k++; }
            cur->cap = zombie_with_count(z, m);
            units = k / 4 + 1;
        } else if (cap_type(c) == CAP_ZOMBIE) {
            /* Our own top Zombie, lying inside an object it reaches: it goes last,
             * when the walk returns to it. */
            cur->cap = zombie_with_count(z, n - 1);
        } else if (object_has_slots(c) && cdt_is_final(s)) {
            /* Descend: that object dies too; come back here when it is empty. */
            object_finalise(c, true);
            s->cap = zombie_of(c, false, cur);
            cur = s;
            set_cursor(top, cur);
            units = 5;
        } else {
            delete_simple(s);
            units = 5;
        }
        if (preempt_point(units)) return;
    }
}

void cte_delete(cte_t *slot)
{
    cap_t c = slot->cap;
    if (cap_is_null(c)) return;
    if (cap_type(c) != CAP_ZOMBIE) {
        if (!object_has_slots(c) || !cdt_is_final(slot)) {
            delete_simple(slot);
            return;
        }
        /* Last cap to a CNode or TCB: detach it, then empty its slots. */
        object_finalise(c, true);
        slot->cap = zombie_of(c, true, NULL);
        walk(slot, slot);
        return;
    }
    /* A Zombie: a delete that stopped. From a nested one (a revoke found it first),
     * climb to the top of its walk; then continue at the top's cursor. */
    cte_t *top = slot;
    while (!zombie_is_top(top->cap)) top = zombie_link(top->cap);
    cte_t *cur = zombie_link(top->cap);
    walk(top, cur ? cur : top);
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
        /* Each child is gone before the next one is looked at, so a restarted revoke
         * simply carries on with the first child left. */
        cte_delete(n);
        if (preempt_stopped() || preempt_point(6)) return;
    }
}
