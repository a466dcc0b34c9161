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

#define ASID_BITS       16
#define ASID_POOL_BITS  9                    /* 512 ASIDs per pool */
#define ASID_POOLS      (1u << (ASID_BITS - ASID_POOL_BITS - 2))   /* 128, as seL4 RV64 */
#define ASID_INVALID    0

static inline unsigned cap_mapped_asid(cap_t c) { return (unsigned)(c.w1 >> 48); }
static inline vaddr_t cap_mapped_vaddr(cap_t c) { return c.w1 & MASK(48); }
static inline uint64_t mapping_word(unsigned asid, vaddr_t va) { return ((uint64_t)asid << 48) | va; }

/* The root table of an ASID, or 0 if the ASID is not in use. */
paddr_t asid_lookup(unsigned asid);
/* Boot: install the first pool and give the root task's VSpace its ASID. */
void asid_boot(paddr_t pool, unsigned asid, paddr_t vspace);
/* Is this page-table cap a VSpace root with a live ASID? */
bool vspace_cap_valid(cap_t c);

/* The root table and ASID to run thread t in (kernel-only table if it has none). */
paddr_t vspace_of_thread(tcb_t *t, unsigned *asid);

/* Undo a mapping described by a frame or page-table cap (finalise, unmap). */
void frame_unmap(cap_t c);
void page_table_unmap(cap_t c);
void asid_delete(unsigned asid, paddr_t vspace);
void asid_pool_delete(cap_t pool);
