/* mm0's memory: every page of the untyped memory root gave it, split into 4 KiB
 * untyped capabilities at start. A page is one kernel object (a frame, a page table,
 * a TCB, a CNode...): made by retyping the page's untyped into the page's object
 * slot, given back by deleting that object, which leaves the untyped childless and
 * reusable. See docs/mm0.md for the slot layout. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <k/k.h>
#include "mm0_boot.h"

#define PAGE_SIZE 4096ul
#define MAX_PAGES 65536u       /* mm0's page table: 256 MiB at most */
#define MAX_TASKS 256          /* task table entries (index 0 unused) */
#define WINDOW_SLOTS 4         /* temporary mappings of process pages in mm0 */
#define REPLY_SLOTS (MAX_TASKS * 16)   /* one per thread (task.h: MAX_THREADS) */

typedef uint32_t page_t;       /* page number, 0 .. pages_total() - 1 */
#define NO_PAGE UINT32_MAX

/* Split the untypeds root gave us; returns K_NO_ERROR or the kernel's error. */
int pages_init(const struct mm0_boot *boot);
unsigned long pages_free(void);
unsigned long pages_total(void);
/* Pages mm0's own heap holds (runtime.c): it grows to a high-water mark, never shrinks. */
unsigned long heap_pages(void);

/* A new object of that type (size_bits for CNodes) on a free page, or NO_PAGE. */
page_t pool_page_new(k_word_t type, k_word_t size_bits);
/* Delete the page's object (a frame is unmapped with it) and free the page. */
void pool_page_release(page_t p);
/* The capability to the page's object in mm0's CSpace. */
k_cptr_t page_cap(page_t p);

/* A frame's original capability (page_cap) can map it once, which saves a capability
 * copy on the fault path: the first mapping of a frame (in a process or mm0's window)
 * goes through the original, only further ones through copies. take: true if the
 * original maps nothing, and marks it in use; give: unmaps it and marks it unused.
 * page_of_cap: the page whose original cap is in that slot, or NO_PAGE. */
bool frame_original_take(page_t p);
void frame_original_give(page_t p);
page_t page_of_cap(k_cptr_t slot);

/* Other slots: one per thread (a saved reply capability), a few for the window, and
 * mm0's own objects. */
k_cptr_t reply_slot(unsigned thread_index);
k_cptr_t window_slot(unsigned w);
k_cptr_t misc_slot(unsigned i);
#define MISC_SLOTS 16
/* Slots for the capability copies that map frames into processes; 0 when none. */
k_cptr_t map_slot_alloc(void);
void map_slot_free(k_cptr_t s);
