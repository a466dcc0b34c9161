/* The Sv39 virtual address map (shared by C and assembly).
 *
 *   0x0000_0000_0000_0000 .. USER_TOP          user space (lower half, 256 GiB)
 *   0xFFFF_FFC0_0000_0000 .. +254 GiB          all of physical memory, 1 GiB pages (PHYS_WINDOW)
 *   0xFFFF_FFFF_8000_0000 .. +1 GiB            the kernel image (KERNEL_VBASE), maps
 *                                              physical 0x8000_0000, where OpenSBI loads us
 *
 * Only root-table entries 256..510 are used by the kernel, all as 1 GiB leaves without
 * the U bit; every user root table gets a copy of them, so a trap needs no satp switch
 * and user mode can never reach them. */
#pragma once

#define PAGE_BITS     12
#define PAGE_SIZE     (1ul << PAGE_BITS)
#define USER_TOP      0x0000003FFFFFF000ul   /* first address user space may not map (seL4_UserTop) */
#define PHYS_WINDOW   0xFFFFFFC000000000ul
#define PHYS_WINDOW_GIB 254ul
#define KERNEL_VBASE  0xFFFFFFFF80000000ul
#define KERNEL_PBASE  0x80000000ul
#define KERNEL_VOFFSET (KERNEL_VBASE - KERNEL_PBASE)
#define KERNEL_STACK_SIZE 16384

#if defined(HOST_TEST)
/* Host unit tests keep kernel objects in ordinary memory: "physical" = host address. */
#include <types.h>
static inline void *paddr_to_kva(paddr_t pa) { return (void *)(uintptr_t)pa; }
static inline paddr_t kva_to_paddr(const void *va) { return (paddr_t)(uintptr_t)va; }
static inline paddr_t kwin_to_paddr(const void *va) { return (paddr_t)(uintptr_t)va; }
#elif !defined(__ASSEMBLER__)
#include <types.h>
static inline void *paddr_to_kva(paddr_t pa) { return (void *)(pa + PHYS_WINDOW); }
static inline paddr_t kva_to_paddr(const void *va)
{
    vaddr_t v = (vaddr_t)va;
    /* Kernel image addresses and window addresses both translate. */
    return v >= KERNEL_VBASE ? v - KERNEL_VOFFSET : v - PHYS_WINDOW;
}
/* For objects known to be in the window (everything made from untyped memory). */
static inline paddr_t kwin_to_paddr(const void *va) { return (vaddr_t)va - PHYS_WINDOW; }
#endif
