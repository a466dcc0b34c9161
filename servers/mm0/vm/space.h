/* VMA array and pmap helpers shared by space.c, map.c, fork.c and fault.c. */
#ifndef MM0_VM_SPACE_H
#define MM0_VM_SPACE_H

#include "vm_internal.h"

size_t vma_first_after(const vm_space_t *s, uintptr_t va);
int vma_reserve(vm_space_t *s, size_t extra);
int vma_reserve_as(vm_space_t *s, size_t extra, bool exact);
void vma_insert(vm_space_t *s, size_t i, const vma_t *v);     /* takes an object ref */
void vma_remove(vm_space_t *s, size_t i);                     /* drops it */
void vma_split(vm_space_t *s, size_t i, uintptr_t va);
size_t vma_splits_needed(const vm_space_t *s, uintptr_t lo, uintptr_t hi);
void vma_split_at_bounds(vm_space_t *s, uintptr_t lo, uintptr_t hi);
void pmap_limit_range(vm_space_t *s, uintptr_t lo, uintptr_t hi, unsigned max);
void space_link(vm_space_t *s);

#endif
