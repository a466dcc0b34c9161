/* Sv39 page-table entries (RISC-V privileged spec, section 4.4).
 * Three levels of 512 entries; level 2 is the root, a leaf at level 2 maps 1 GiB,
 * at level 1 2 MiB, at level 0 4 KiB. */
#pragma once
#include <types.h>

typedef uint64_t pte_t;

#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_U (1ul << 4)
#define PTE_G (1ul << 5)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
#define PTE_PPN_SHIFT 10
#define PT_ENTRIES 512
#define PT_LEVELS 3

static inline unsigned vpn_index(vaddr_t va, int level) { return (va >> (12 + 9 * level)) & 0x1ff; }
static inline paddr_t pte_paddr(pte_t p) { return (p >> PTE_PPN_SHIFT) << 12; }
static inline pte_t pte_make(paddr_t pa, uint64_t flags) { return ((pa >> 12) << PTE_PPN_SHIFT) | flags; }
static inline bool pte_valid(pte_t p) { return p & PTE_V; }
static inline bool pte_leaf(pte_t p) { return p & (PTE_R | PTE_W | PTE_X); }
static inline uint64_t level_size(int level) { return 1ul << (12 + 9 * level); }

/* The first root-table entry that belongs to the kernel (the upper half). */
#define PT_KERNEL_FIRST 256
