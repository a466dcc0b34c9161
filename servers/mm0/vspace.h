/* Address-space mechanics: mapping a page into a VSpace with the page tables it
 * needs (made from pool pages and remembered in a table list), and the window
 * through which mm0 reads and writes pages of processes. */
#pragma once
#include <stdbool.h>
#include "pages.h"

struct pt_list {           /* page tables of one VSpace, freed with it */
    page_t *p;
    unsigned n, cap;
    bool fixed;            /* p is static storage: never reallocated (mm0's own list,
                            * which malloc's heap growth itself adds to) */
};

/* Map cap at va in vspace (rights K_CAP_RIGHT_*, attr K_RISCV_*); page tables come from
 * the pool. Returns 0, -ENOMEM (no page for a table) or -EINVAL (kernel refused). */
int space_map(k_cptr_t vspace, struct pt_list *pts, k_cptr_t cap, k_word_t va, k_word_t rights,
              k_word_t attr);
void pt_list_release(struct pt_list *pts);
/* Every page table below the root that covers va (for mappings someone else makes:
 * fs0's grant region, docs/mm0.md); 0, -ENOMEM or -EINVAL. */
int space_tables(k_cptr_t vspace, struct pt_list *pts, k_word_t va);

/* Map page p in mm0's window slot w (read-write); returns its address, or NULL. */
void *window_map(unsigned w, page_t p);
void window_unmap(unsigned w);

/* mm0's own page tables (its heap and window). */
extern struct pt_list mm0_pts;
