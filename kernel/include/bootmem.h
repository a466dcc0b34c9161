/* Boot-time physical memory bookkeeping. At boot the kernel lists the usable RAM from
 * the device tree, carves out what is taken (firmware, the kernel image, the device
 * tree, boot-time objects), and everything left over is later handed to the root task
 * as untyped memory. After boot the kernel never allocates memory on its own. */
#pragma once
#include <types.h>

#define BOOTMEM_MAX_REGIONS 32

struct bootmem_region { paddr_t base, end; };   /* [base, end) */

struct bootmem {
    struct bootmem_region r[BOOTMEM_MAX_REGIONS];
    unsigned n;
};

/* All return 0 on success, -1 if the region table is full (the caller reports it). */
void bootmem_init(struct bootmem *m);
int bootmem_add(struct bootmem *m, paddr_t base, uint64_t size);
int bootmem_reserve(struct bootmem *m, paddr_t base, uint64_t size);
/* Lowest-addressed free block of `size` bytes aligned to `align`; 0 if none. */
paddr_t bootmem_alloc(struct bootmem *m, uint64_t size, uint64_t align);
uint64_t bootmem_free_bytes(const struct bootmem *m);
