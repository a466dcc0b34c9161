/* Rules for derived capabilities (kernel/cap/derive.c). */
#pragma once
#include <cap/cdt.h>

/* Rights can only be taken away; caps that carry no rights are unchanged. */
cap_t cap_mask_rights(cap_t c, word_t rights);
/* Mint (preserve = false) may badge an unbadged endpoint or notification; a badge never
 * changes once set. Mint and Mutate may set a CNode's guard. Null: not allowed. */
cap_t cap_update_data(bool preserve, word_t data, cap_t c);
/* The cap a copy of `c` (in `slot`) would be: *out null if it cannot be copied;
 * returns K_REVOKE_FIRST for an untyped that has children. */
word_t cap_derive(cte_t *slot, cap_t c, cap_t *out);
