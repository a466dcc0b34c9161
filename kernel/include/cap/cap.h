/* Capabilities and capability slots.
 *
 * A capability is two words: which object, what kind, which rights, and a few
 * per-type fields. A slot (cte_t, "capability table entry") holds one capability and
 * its links in the capability derivation tree (see cdt.h); slots are 32 bytes, so a
 * CNode of 2^n slots is 2^(n+5) bytes, as seL4's CapTable object.
 *
 * The type numbers are seL4's capability tags, so seL4_DebugCapIdentify answers what
 * a seL4 root task expects. Object references are physical addresses; the kernel
 * reaches objects through the physical window (paddr_to_kva).
 *
 * Layout (ours: capabilities never leave the kernel, only their type number does):
 *   w0: [63:59] type  [58:55] rights  [54:49] size  [48] flag  [47:0] object paddr
 *   w1: per type: badge, CNode guard word, untyped free index, mapping, IRQ, ... */
#pragma once
#include <types.h>
#include <arch/layout.h>

typedef enum {
    CAP_NULL = 0,
    CAP_FRAME = 1,           /* RISC-V frame (4 KiB, 2 MiB, 1 GiB) */
    CAP_UNTYPED = 2,
    CAP_PAGE_TABLE = 3,      /* RISC-V page table, also a VSpace root */
    CAP_ENDPOINT = 4,
    CAP_NOTIFICATION = 6,
    CAP_REPLY = 8,
    CAP_CNODE = 10,
    CAP_ASID_CONTROL = 11,
    CAP_THREAD = 12,
    CAP_ASID_POOL = 13,
    CAP_IRQ_CONTROL = 14,
    CAP_IRQ_HANDLER = 16,
    CAP_ZOMBIE = 18,         /* an object being destroyed: its slots are emptied first */
    CAP_DOMAIN = 20,
    /* Ours, outside seL4's tags (docs/abi.md): the right to take an audit snapshot of
     * every capability in the system (debug builds, kernel/syscall/snapshot.c). */
    CAP_AUDIT = 31,
} cap_type_t;

/* Rights bits, as in seL4's rights word. */
#define RIGHT_WRITE       1u
#define RIGHT_READ        2u
#define RIGHT_GRANT       4u
#define RIGHT_GRANT_REPLY 8u
#define RIGHTS_ALL        15u

typedef struct cap {
    uint64_t w0, w1;
} cap_t;

#define CAP_TYPE_SHIFT   59
#define CAP_RIGHTS_SHIFT 55
#define CAP_SIZE_SHIFT   49
#define CAP_FLAG_SHIFT   48
#define CAP_PADDR_MASK   MASK(48)

static inline cap_t cap_make(cap_type_t type, paddr_t obj, unsigned rights, unsigned size,
                             bool flag, uint64_t w1)
{
    cap_t c;
    c.w0 = ((uint64_t)type << CAP_TYPE_SHIFT) | ((uint64_t)(rights & 15) << CAP_RIGHTS_SHIFT) |
           ((uint64_t)(size & 63) << CAP_SIZE_SHIFT) | ((uint64_t)flag << CAP_FLAG_SHIFT) |
           (obj & CAP_PADDR_MASK);
    c.w1 = w1;
    return c;
}

static inline cap_t cap_null(void) { cap_t c = { 0, 0 }; return c; }
static inline cap_type_t cap_type(cap_t c) { return (cap_type_t)(c.w0 >> CAP_TYPE_SHIFT); }
static inline bool cap_is_null(cap_t c) { return cap_type(c) == CAP_NULL; }
static inline paddr_t cap_paddr(cap_t c) { return c.w0 & CAP_PADDR_MASK; }
static inline void *cap_ptr(cap_t c) { return paddr_to_kva(cap_paddr(c)); }
static inline unsigned cap_rights(cap_t c) { return (c.w0 >> CAP_RIGHTS_SHIFT) & 15; }
static inline unsigned cap_size(cap_t c) { return (c.w0 >> CAP_SIZE_SHIFT) & 63; }
static inline bool cap_flag(cap_t c) { return (c.w0 >> CAP_FLAG_SHIFT) & 1; }

static inline cap_t cap_with_paddr(cap_t c, paddr_t obj)
{
    c.w0 = (c.w0 & ~CAP_PADDR_MASK) | (obj & CAP_PADDR_MASK);
    return c;
}

static inline cap_t cap_with_rights(cap_t c, unsigned rights)
{
    c.w0 = (c.w0 & ~((uint64_t)15 << CAP_RIGHTS_SHIFT)) | ((uint64_t)(rights & 15) << CAP_RIGHTS_SHIFT);
    return c;
}

/* Endpoint and notification caps: w1 is the badge (0 = unbadged). */
static inline uint64_t cap_badge(cap_t c) { return c.w1; }

/* CNode caps: size = radix (log2 of the slot count); w1 = seL4's guard word:
 * guard in bits 63..6, guard size in bits 5..0. */
static inline unsigned cnode_radix(cap_t c) { return cap_size(c); }
static inline unsigned cnode_guard_size(cap_t c) { return c.w1 & 63; }
static inline uint64_t cnode_guard(cap_t c) { return c.w1 >> 6; }

/* Untyped caps: size = log2 bytes, flag = device memory, w1 = free index (bytes used)
 * and UNTYPED_CLEAN: the memory above the free index is known to be zero. Without it
 * (boot-time untypeds, and every cap whose free index was set to "full") the whole
 * region counts as dirty. Retype zeroes [0, free index) in chunks when it starts over
 * (untyped.c), so objects are carved only from memory that is already zero. */
#define UNTYPED_CLEAN BIT(63)
static inline uint64_t untyped_free_index(cap_t c) { return c.w1 & ~UNTYPED_CLEAN; }
static inline bool untyped_is_clean(cap_t c) { return c.w1 & UNTYPED_CLEAN; }
static inline bool untyped_is_device(cap_t c) { return cap_flag(c); }

/* Zombie caps: an object with slots (CNode, TCB) whose last cap was deleted and whose
 * slots are being emptied (kernel/cap/delete.c).
 *   size:  the CNode's radix, or ZOMBIE_TCB
 *   flag:  a "top" Zombie: the one a delete started from (others are nested in it)
 *   paddr: the object's base plus the number of slots still to empty (the object is
 *          aligned to its size, which is more than its slot count)
 *   w1:    top: the slot of the deepest Zombie of its walk (0: itself);
 *          nested: the slot of the Zombie to go back to. Kernel addresses. */
#define ZOMBIE_TCB 63

/* IRQ handler caps: w1 = interrupt number. Reply caps: object = the caller's TCB,
 * flag = the receiver's endpoint cap had the grant right (seL4's rule). */

typedef struct mdb {
    uint64_t prev;    /* kernel address of the previous slot in derivation order */
    uint64_t next;    /* next slot; bit 0 revocable, bit 1 first badged */
} mdb_t;

typedef struct cte {
    cap_t cap;
    mdb_t mdb;
} cte_t;
_Static_assert(sizeof(cte_t) == 32, "a slot is 2^5 bytes, as seL4's");

#define CTE_SIZE_BITS 5
#define MDB_REVOCABLE    1ull
#define MDB_FIRST_BADGED 2ull
#define MDB_FLAGS        3ull

static inline cte_t *mdb_next(const cte_t *s) { return (cte_t *)(uintptr_t)(s->mdb.next & ~MDB_FLAGS); }
static inline cte_t *mdb_prev(const cte_t *s) { return (cte_t *)(uintptr_t)s->mdb.prev; }
static inline bool mdb_revocable(const cte_t *s) { return s->mdb.next & MDB_REVOCABLE; }
static inline bool mdb_first_badged(const cte_t *s) { return s->mdb.next & MDB_FIRST_BADGED; }
static inline void mdb_set_next(cte_t *s, cte_t *n)
{
    s->mdb.next = (uint64_t)(uintptr_t)n | (s->mdb.next & MDB_FLAGS);
}
static inline void mdb_set_prev(cte_t *s, cte_t *p) { s->mdb.prev = (uint64_t)(uintptr_t)p; }

const char *cap_type_name(cap_type_t t);
