/* Boot-time interfaces between kernel/boot files. */
#pragma once
#include <types.h>
#include <bootmem.h>
#include <arch.h>
#include <object/tcb.h>

/* The user images linked into the kernel (generated images.S, see kernel/CMakeLists.txt).
 * The first is the root task. */
struct boot_image { const char *name; const uint8_t *start, *end; };
extern const struct boot_image boot_images[];
extern const unsigned boot_image_count;

#define ROOT_ASID 1                /* seL4's initial thread ASID */
#define TCB_OBJ_BITS_BOOT 11

/* Load every boot image as a thread in its own address space; returns how many run. */
unsigned boot_start_tasks(struct bootmem *mem, paddr_t dtb, uint32_t dtb_size);

/* Boot memory: zeroed, naturally aligned 2^size_bits bytes; panics when exhausted. */
paddr_t boot_alloc(uint64_t size_bits, const char *what);
uint8_t *boot_map_new_page(pte_t *root, vaddr_t va, uint64_t rwx, paddr_t *pa_out);

/* The root task's capabilities and boot info (root_task.c), made once its image is
 * mapped at [image_lo, image_hi) with no page missing. */
void root_task_create(tcb_t *t, pte_t *vspace, paddr_t vspace_pa, vaddr_t image_lo, vaddr_t image_hi,
                      paddr_t dtb, uint32_t dtb_size);
/* Everything left in boot memory becomes untyped capabilities of the root task. */
void root_task_give_untyped(const struct bootmem *ram, const struct bootmem *device);
