/* Address spaces: ASID pools, page tables and frames (RISC-V Sv39).
 *
 * A VSpace is a top-level page table that has been given an ASID by an ASID pool. The
 * ASID table (128 pools of 512 ASIDs) maps an ASID to its root table; a thread's
 * address space is found through the VSpace cap in its TCB and is valid only while
 * that ASID still maps to that table, so deleting a VSpace (or its pool) cuts every
 * thread off at once: they run on the kernel-only table and fault on any access.
 *
 * Capability fields:
 *   page table: flag = mapped (as a lower table, or assigned as a root);
 *               w1 = ASID << 48 | the virtual address it covers (0 for a root)
 *   frame:      size = log2 bytes, flag = device, rights = what mappings may allow;
 *               w1 = ASID << 48 | virtual address while mapped, 0 while not
 *   ASID pool:  w1 = its first ASID */
#pragma once
#include <cap/cap.h>
#include <object/tcb.h>
#include <arch.h>

#define ASID_BITS       16
#define ASID_POOL_BITS  9                    /* 512 ASIDs per pool */
#define ASID_POOLS      (1u << (ASID_BITS - ASID_POOL_BITS))   /* 128 pools, as seL4 RV64 (asidHighBits 7) */
#define ASID_INVALID    0

static inline unsigned cap_mapped_asid(cap_t c) { return (unsigned)(c.w1 >> 48); }
static inline vaddr_t cap_mapped_vaddr(cap_t c) { return c.w1 & MASK(48); }
static inline uint64_t mapping_word(unsigned asid, vaddr_t va) { return ((uint64_t)asid << 48) | va; }

/* The ASID table: the physical address of each pool (asid.c). */
extern paddr_t asid_table[];

/* The root table of an ASID, or 0 if the ASID is not in use. Inline: every switch
 * between address spaces asks (through vspace_of_thread). */
static inline paddr_t asid_lookup(unsigned asid)
{
    paddr_t pool = asid_table[asid >> ASID_POOL_BITS];
    if (asid == ASID_INVALID || !pool) return 0;
    return ((paddr_t *)paddr_to_kva(pool))[asid & MASK(ASID_POOL_BITS)];
}
/* Boot: install the first pool and give the root task's VSpace its ASID. */
void asid_boot(paddr_t pool, unsigned asid, paddr_t vspace);
/* Is this page-table cap a VSpace root with a live ASID? */
bool vspace_cap_valid(cap_t c);

/* Bumped whenever an ASID stops naming its VSpace or a thread's VTABLE slot changes:
 * every thread's cached address space is then looked up again. */
extern uint64_t vspace_epoch;
static inline void vspace_changed(void) { vspace_epoch++; }

/* The root table and ASID to run thread t in (kernel-only table if it has none).
 * Every switch asks; the answer is cached in the TCB until vspace_epoch moves. */
static inline paddr_t vspace_of_thread(tcb_t *t, unsigned *asid)
{
    if (likely(t->vs_epoch == vspace_epoch)) {
        *asid = t->vs_asid;
        return t->vs_root;
    }
    cap_t c = tcb_slot(t, TCB_SLOT_VTABLE)->cap;
    unsigned a = cap_mapped_asid(c);
    paddr_t root;
    if (cap_type(c) == CAP_PAGE_TABLE && cap_flag(c) && asid_lookup(a) == cap_paddr(c)) {
        root = cap_paddr(c);
    } else {
        a = ASID_INVALID;
        root = arch_kernel_root();
    }
    t->vs_root = root;
    t->vs_asid = a;
    t->vs_epoch = vspace_epoch;
    *asid = a;
    return root;
}

/* Undo a mapping described by a frame or page-table cap (finalise, unmap). */
void frame_unmap(cap_t c);
void page_table_unmap(cap_t c);
void asid_delete(unsigned asid, paddr_t vspace);
void asid_pool_delete(cap_t pool);
