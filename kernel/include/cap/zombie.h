/* Zombie capabilities: field access (layout in cap.h, use in kernel/cap/delete.c). */
#pragma once
#include <cap/cap.h>
#include <object/objects.h>

static inline bool zombie_is_tcb(cap_t z) { return cap_size(z) == ZOMBIE_TCB; }
static inline unsigned zombie_object_bits(cap_t z)
{
    return zombie_is_tcb(z) ? TCB_OBJ_BITS : cap_size(z) + CTE_SIZE_BITS;
}
static inline paddr_t zombie_base(cap_t z)
{
    return ALIGN_DOWN(cap_paddr(z), BIT(zombie_object_bits(z)));
}
static inline uint64_t zombie_count(cap_t z) { return cap_paddr(z) - zombie_base(z); }
static inline bool zombie_is_top(cap_t z) { return cap_flag(z); }
static inline cte_t *zombie_link(cap_t z) { return (cte_t *)(uintptr_t)z.w1; }

static inline cap_t zombie_make(paddr_t base, unsigned size, bool top, uint64_t count, cte_t *link)
{
    return cap_make(CAP_ZOMBIE, base + count, 0, size, top, (uint64_t)(uintptr_t)link);
}
static inline cap_t zombie_with_count(cap_t z, uint64_t count)
{
    return zombie_make(zombie_base(z), cap_size(z), zombie_is_top(z), count, zombie_link(z));
}
static inline cap_t zombie_with_link(cap_t z, bool top, cte_t *link)
{
    return zombie_make(zombie_base(z), cap_size(z), top, zombie_count(z), link);
}
/* Slot i of the dying object. */
static inline cte_t *zombie_slot(cap_t z, uint64_t i)
{
    cap_t obj = zombie_is_tcb(z) ? cap_make(CAP_THREAD, zombie_base(z), 0, 0, false, 0)
                                 : cap_make(CAP_CNODE, zombie_base(z), 0, cap_size(z), false, 0);
    return object_slot(obj, i);
}
