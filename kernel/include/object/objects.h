/* Kernel object types: sizes, creation from untyped memory, destruction.
 * Type numbers are seL4's (k/abi.h); sizes are seL4's RV64 sizes. */
#pragma once
#include <cap/cap.h>
#include <k/abi.h>

#define TCB_OBJ_BITS          11
#define ENDPOINT_OBJ_BITS     4
#define NOTIFICATION_OBJ_BITS 5
#define PAGE_TABLE_OBJ_BITS   12
#define ASID_POOL_OBJ_BITS    12
#define MIN_UNTYPED_BITS      4
#define MAX_UNTYPED_BITS      38
/* seL4 bounds a CapTable only by the largest object: radix + 5 <= seL4_MaxUntypedBits. */
#define MAX_CNODE_RADIX       (MAX_UNTYPED_BITS - CTE_SIZE_BITS)

/* Size in bits of one object of `type` with the caller's size argument, or -1 if the
 * type or size is invalid (the caller reports which). */
int object_size_bits(word_t type, word_t user_size);
/* Zero the memory at `pa` and return the original capability to the new object. */
cap_t object_create(word_t type, paddr_t pa, word_t user_size, bool device);
/* The same for memory known to be zero already (Untyped_Retype: untyped.c keeps the
 * memory above an untyped's free index zero), so creating is constant time. */
cap_t object_init(word_t type, paddr_t pa, word_t user_size, bool device);
/* The part of object_init that writes the object's memory (TCBs only; the rest start
 * as all zero), for retype's loop, which makes the caps of further objects itself. */
static inline bool object_needs_init(word_t type) { return type == K_TCB_OBJECT; }
void object_init_memory(word_t type, paddr_t pa);

/* Objects that contain capability slots (CNode, TCB): where they are. */
bool object_has_slots(cap_t c);
cte_t *object_slot(cap_t c, uint64_t i);
uint64_t object_slot_count(cap_t c);

/* A capability is being deleted; `final` if it is the last one to its object. Undo
 * what the cap itself holds (a frame cap's mapping) and, when final, detach the object
 * from the rest of the kernel (run queues, mappings, ASIDs, IPC queues) so nothing
 * refers to it any more. For objects with slots this runs before they are emptied. */
void object_finalise(cap_t c, bool final);
