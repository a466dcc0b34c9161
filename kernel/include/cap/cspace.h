/* CSpace addressing and capability lifetime operations shared by the invocations. */
#pragma once
#include <cap/cap.h>
#include <cap/cdt.h>
#include <k/abi.h>

/* Why a lookup failed, in seL4's terms (it goes to the caller's message registers
 * or into a CapFault message). */
typedef struct lookup_fault {
    word_t type;          /* K_INVALID_ROOT, K_MISSING_CAPABILITY, K_DEPTH_MISMATCH, K_GUARD_MISMATCH */
    word_t bits_left;
    word_t guard_found;   /* guard mismatch: the guard found; depth mismatch: bits found */
    word_t guard_size;    /* guard mismatch: its size */
} lookup_fault_t;

/* Resolve `cptr` through the CNode `root`, consuming exactly `depth` bits
 * (1..64). On success returns the slot; on failure NULL and *why. */
cte_t *cspace_lookup_slot(cap_t root, word_t cptr, word_t depth, lookup_fault_t *why);
/* Resolve a capability pointer the way system calls do: 64 bits deep, stopping early
 * at the first slot that does not hold a CNode. */
cte_t *cspace_lookup_cap_slot(cap_t root, word_t cptr, lookup_fault_t *why);

/* Delete the capability in `slot`; destroys the object if it was the last cap.
 * Never recurses: nested CNodes/TCBs are emptied with an explicit walk. */
void cte_delete(cte_t *slot);
/* Delete every descendant of `slot` in the derivation tree. */
void cte_revoke(cte_t *slot);
