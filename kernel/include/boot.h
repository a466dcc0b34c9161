/* Boot-time interfaces between kernel/boot files. */
#pragma once
#include <types.h>
#include <bootmem.h>

/* The user images linked into the kernel (generated images.S, see kernel/CMakeLists.txt).
 * The first is the root task. */
struct boot_image { const char *name; const uint8_t *start, *end; };
extern const struct boot_image boot_images[];
extern const unsigned boot_image_count;

/* Load every boot image as a thread in its own address space; returns how many run. */
unsigned boot_start_tasks(struct bootmem *mem);
