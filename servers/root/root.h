/* Root's helpers shared between its files (main.c builds mm0, console.c the console
 * server). Everything is made from root's pool into root's CNode. */
#pragma once
#include <k/k.h>
#include <stdint.h>
#include <elf.h>

#define ROOT K_CAP_INIT_THREAD_CNODE
#define ROOT_DEPTH 64

k_cptr_t slot(void);                                  /* a free slot of ours, or 0 */
int make(k_word_t type, k_word_t bits, k_cptr_t *out);   /* an object from our pool */
/* Map frame at va in vspace, making the page tables it lacks from the pool. */
int map_page(k_cptr_t frame, k_cptr_t vspace, k_word_t va, k_word_t rights, k_word_t attr);
/* A new frame, filled through our scratch mapping by fill(page, arg), mapped at va. */
int new_frame(k_cptr_t vspace, k_word_t va, k_word_t rights, k_word_t attr,
              void (*fill)(uint8_t *page, const void *arg), const void *arg, k_cptr_t *out);

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
