/* What the root task's parts share (main.c builds mm0, blk.c the block driver,
 * console.c the console server): the boot info, slot and object allocation from
 * root's pool, mapping with page tables made on demand, and loading an ELF from the
 * boot archive. */
#pragma once
#include <k/k.h>
#include <stdint.h>
#include <elf.h>

#define ROOT K_CAP_INIT_THREAD_CNODE
#define ROOT_DEPTH 64
#define PAGE 4096ul
#define SCRATCH_VA 0x20000000ul    /* where root maps a page it fills or probes */

#define CHECK(expr)                                                                   \
    do {                                                                              \
        int e_ = (int)(expr);                                                         \
        if (e_ != K_NO_ERROR) {                                                       \
            printf("root: %s failed: error %d (line %d)\n", #expr, e_, __LINE__);     \
            return e_;                                                                \
        }                                                                             \
    } while (0)
extern const char boot_archive[], boot_archive_end[];
extern const struct k_bootinfo *bi;

k_cptr_t slot(void);                                   /* an empty slot of root's CNode, 0 if none */
int make(k_word_t type, k_word_t bits, k_cptr_t *out); /* a new object from root's pool */
int map_page(k_cptr_t frame, k_cptr_t vspace, k_word_t va, k_word_t rights, k_word_t attr);
int new_frame(k_cptr_t vspace, k_word_t va, k_word_t rights, k_word_t attr,
              void (*fill)(uint8_t *page, const void *arg), const void *arg, k_cptr_t *out);
int load_image(const struct elf_image *elf, const uint8_t *file, k_cptr_t vspace);

/* devmem.c: a frame of the device page at pa from the device untyped holding it;
 * K_NOT_ENOUGH_MEMORY if that memory went already (ask in address order). */
int device_frame(k_word_t pa, k_cptr_t *out);

/* blk.c: start the virtio-blk driver (and, in the blk test image, its test client,
 * waiting until that is done). Does nothing if the archive has no "blk". If the
 * archive holds fs0, fs0's badged endpoint goes to mm0's slot MM0_CAP_BLK_EP. */
void blk_start(k_cptr_t mm0_cnode, unsigned mm0_cnode_bits);

/* fill() for one page of an ELF segment. */
struct segment_fill {
    const uint8_t *file;
    const struct elf_segment *seg;
    k_word_t va;
};
void fill_segment(uint8_t *page, const void *arg);

/* The time CSR's frequency from the device tree (/cpus timebase-frequency), 0 if
 * none (time.c). */
k_word_t root_timebase(const struct k_bootinfo *bi);

/* Start the console server if the archive has `uart` and the device tree a UART;
 * give mm0 (its CNode, 2^bits slots) the clients' endpoint; its faults come to
 * root_ep with badge ROOT_BADGE_CONSOLE. Prints why not if not. */
void console_start(const struct k_bootinfo *bi, k_cptr_t mm0_cnode, unsigned mm0_cnode_bits,
                   k_cptr_t root_ep);
