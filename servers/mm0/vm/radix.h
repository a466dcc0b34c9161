/* A radix tree from 64-bit keys to non-zero uintptr_t values: 64-way nodes, grown
 * upwards as keys need more levels, pruned as they empty. Used for an object's pages
 * (page index -> vm_page_t *) and a space's installed mappings (vpn -> page | rights).
 *
 * Insertion is split in two so callers can be all-or-nothing: radix_reserve() makes
 * the path to a key exist (the only step that allocates), radix_store() then cannot
 * fail. A reserved but unused path is released by radix_remove() on the same key. */
#ifndef MM0_VM_RADIX_H
#define MM0_VM_RADIX_H

#include "vm.h"

#define RADIX_BITS 6
#define RADIX_FAN (1u << RADIX_BITS)

typedef struct radix_node {
    uintptr_t slot[RADIX_FAN];   /* child node pointers, or values at the leaf level */
    unsigned count;              /* non-zero slots */
} radix_node_t;

typedef struct radix {
    radix_node_t *root;
    unsigned height;             /* levels; keys below 2^(6*height); 0 when empty */
} radix_t;

uintptr_t radix_get(const radix_t *t, uint64_t key);
int radix_reserve(radix_t *t, uint64_t key, const vm_alloc_t *a);
/* Requires the key's path (radix_reserve, or a present value); value non-zero. */
void radix_store(radix_t *t, uint64_t key, uintptr_t value);
/* The leaf slot of key if its path exists, else NULL; *leaf gets the slot's node. For a
 * lookup followed by a store at the same key with one walk: fill the slot with
 * radix_fill (valid until the tree is next changed). */
uintptr_t *radix_slot(const radix_t *t, uint64_t key, radix_node_t **leaf);
static inline void radix_fill(radix_node_t *leaf, uintptr_t *slot, uintptr_t value)
{
    if (!*slot) leaf->count++;
    *slot = value;
}
/* Clears key (if set) and frees every node left empty on its path; returns the old value. */
uintptr_t radix_remove(radix_t *t, uint64_t key, const vm_alloc_t *a);
/* The smallest set key >= key: true with *found and *value, or false. */
bool radix_next(const radix_t *t, uint64_t key, uint64_t *found, uintptr_t *value);
/* Frees every node (values are the caller's business). */
void radix_destroy(radix_t *t, const vm_alloc_t *a);
static inline bool radix_empty(const radix_t *t) { return t->root == NULL; }

#endif
