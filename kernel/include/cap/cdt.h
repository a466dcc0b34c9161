/* The capability derivation tree (CDT).
 *
 * Every non-empty slot is on one doubly linked list in depth-first order: a slot's
 * descendants follow it directly. Parenthood is not stored; it is decided from the
 * list order and the capabilities themselves (cdt_is_parent_of), as in seL4:
 *   - a slot is a parent of the slots after it while they refer into its object
 *     (an untyped's region, the same endpoint, ...) and it is revocable;
 *   - a badged endpoint/notification cap is a parent only of caps with the same badge
 *     that were copied from it (not of a separately minted "first badged" cap).
 * Invariants (checked by the host tests after every step):
 *   I1 prev/next links are mutual; the list has no cycle.
 *   I2 all caps to one object form one contiguous run of the list.
 *   I3 a derived cap never has more rights than its parent; copies keep the badge.
 * These functions only edit links and capabilities; destroying objects is delete.c's. */
#pragma once
#include <cap/cap.h>

/* Size in bytes of the object a capability refers to (0 if it names no memory). */
uint64_t cap_object_bytes(cap_t c);
bool cap_same_region(cap_t a, cap_t b);   /* b's object lies inside a's */
bool cap_same_object(cap_t a, cap_t b);   /* a and b name the very same object */

bool cdt_is_parent_of(const cte_t *a, const cte_t *b);
bool cdt_has_children(const cte_t *s);
/* No other capability to this slot's object exists (delete must destroy it). */
bool cdt_is_final(const cte_t *s);

/* Put `cap`, derived from the cap in `src`, into empty `dest` as src's child. */
void cdt_insert_child(cte_t *src, cte_t *dest, cap_t cap);
/* Put an original capability to a new object into empty `dest`: child of `parent`
 * (an untyped, or NULL for boot-time objects), always revocable. */
void cdt_insert_new(cte_t *parent, cte_t *dest, cap_t cap);
/* The same for a boot-time original with no parent: linked after cdt_head. */
void cdt_insert_root(cte_t *dest, cap_t cap);
extern cte_t cdt_head;            /* first in the list of every boot-derived cap */
extern uint64_t cdt_generation;   /* bumped by every edit of the list */
/* Move the capability in `src` to empty `dest` (as `cap`: Mutate changes it on the way),
 * keeping its place in the tree. */
void cdt_move(cte_t *src, cte_t *dest, cap_t cap);
/* Exchange the contents of two non-empty slots, keeping each cap's place in the tree. */
void cdt_swap(cte_t *a, cte_t *b);
/* Unlink a slot from the tree and empty it. Its children stay, in order, where it was. */
void cdt_remove(cte_t *s);
