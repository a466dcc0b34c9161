/* The page pool (pages.h). Slots of mm0's CNode, from MM0_CAP_FIRST_FREE:
 *   [ut_base, ut_base + total)          the 4 KiB untyped of page p (once split)
 *   [obj_base, obj_base + total)        the object made from page p
 *   [extra_base, ...)                   reply slots, window slots, misc slots
 *   the rest                            mapping slots (memory.c) */
#include "pages.h"
#include <stdio.h>


static page_t free_stack[MAX_PAGES];
static unsigned long n_free, n_total;
static k_cptr_t ut_base, obj_base, extra_base, slot_end;

unsigned long pages_total(void) { return n_total; }
k_cptr_t page_cap(page_t p) { return obj_base + p; }
k_cptr_t reply_slot(unsigned i) { return extra_base + i; }
k_cptr_t window_slot(unsigned w) { return extra_base + REPLY_SLOTS + w; }
k_cptr_t misc_slot(unsigned i) { return extra_base + REPLY_SLOTS + WINDOW_SLOTS + i; }

/* Pages whose original object capability maps its frame somewhere (pages.h). */
static uint8_t orig_mapped[MAX_PAGES / 8];

bool frame_original_take(page_t p)
{
    if (p >= n_total || orig_mapped[p / 8] & (1u << (p % 8))) return false;
    orig_mapped[p / 8] |= (uint8_t)(1u << (p % 8));
    return true;
}

void frame_original_give(page_t p)
{
    if (p >= n_total) return;
    int e = k_riscv_page_unmap(page_cap(p));
    if (e) printf("mm0: unmapping the frame of page %u failed: error %d\n", p, e);
    orig_mapped[p / 8] &= (uint8_t)~(1u << (p % 8));
}

page_t page_of_cap(k_cptr_t slot)
{
    return slot >= obj_base && slot < obj_base + n_total ? (page_t)(slot - obj_base) : NO_PAGE;
}

/* Mapping slots: the rest of the CNode, handed out from a stack of freed ones and
 * then in order. */
#define MAX_MAP_FREE 131072u
static k_cptr_t map_next, map_end;
static uint32_t map_free[MAX_MAP_FREE];
static unsigned n_map_free;

k_cptr_t map_slot_alloc(void)
{
    if (n_map_free) return map_free[--n_map_free];
    if (map_next < map_end) return map_next++;
    return 0;
}

void map_slot_free(k_cptr_t s)
{
    if (n_map_free < MAX_MAP_FREE) map_free[n_map_free++] = (uint32_t)s;
}

/* The untypeds are split into pages lazily, 256 at a time, as the free pages run out:
 * splitting all of them at start took seconds of kernel time. */
static const struct mm0_boot *src;
static k_word_t cur_ut;            /* untyped being split */
static unsigned long cur_left;     /* its pages not split yet */
static page_t n_split;             /* pages [0, n_split) have their untyped */

/* Free: on the stack, or not split yet. */
unsigned long pages_free(void) { return n_free + (n_total - n_split); }

int pages_init(const struct mm0_boot *boot)
{
    ut_base = MM0_CAP_FIRST_FREE;
    unsigned long total = 0;
    for (k_word_t i = 0; i < boot->n_untyped && i < MM0_MAX_UNTYPED; i++)
        if (boot->untyped[i].size_bits >= K_PAGE_BITS)
            total += 1ul << (boot->untyped[i].size_bits - K_PAGE_BITS);
    if (total > MAX_PAGES) total = MAX_PAGES;
    obj_base = ut_base + total;
    extra_base = obj_base + total;
    slot_end = 1ul << boot->cnode_bits;
    if (misc_slot(MISC_SLOTS) > slot_end) {
        printf("mm0: CNode of 2^%lu slots too small for %lu pages\n", boot->cnode_bits, total);
        return K_RANGE_ERROR;
    }
    map_next = misc_slot(MISC_SLOTS);
    map_end = slot_end;
    if (map_end - map_next > MAX_MAP_FREE) map_end = map_next + MAX_MAP_FREE;
    src = boot;
    cur_ut = 0;
    cur_left = 0;
    n_total = total;
    return K_NO_ERROR;
}

/* Split up to 256 more pages onto the free stack; false when nothing is left. */
static bool refill(void)
{
    while (!cur_left) {
        if (cur_ut >= src->n_untyped || n_split >= n_total) return false;
        if (src->untyped[cur_ut].size_bits >= K_PAGE_BITS)
            cur_left = 1ul << (src->untyped[cur_ut].size_bits - K_PAGE_BITS);
        if (!cur_left) cur_ut++;
    }
    unsigned long chunk = cur_left < K_RETYPE_FAN_OUT_LIMIT ? cur_left : K_RETYPE_FAN_OUT_LIMIT;
    if (chunk > n_total - n_split) chunk = n_total - n_split;
    int e = k_untyped_retype(MM0_CAP_FIRST_UNTYPED + cur_ut, K_UNTYPED_OBJECT, K_PAGE_BITS,
                             MM0_CAP_CNODE, 0, 0, ut_base + n_split, chunk);
    if (e) {
        printf("mm0: splitting untyped %lu failed: error %d\n", cur_ut, e);
        n_total = n_split;   /* never again */
        return false;
    }
    for (unsigned long q = chunk; q > 0; q--) free_stack[n_free++] = n_split + (page_t)q - 1;
    n_split += (page_t)chunk;
    cur_left -= chunk;
    if (!cur_left) cur_ut++;
    return true;
}

page_t pool_page_new(k_word_t type, k_word_t size_bits)
{
    if (!n_free && !refill()) return NO_PAGE;
    page_t p = free_stack[--n_free];
    int e = k_untyped_retype(ut_base + p, type, size_bits, MM0_CAP_CNODE, 0, 0, obj_base + p, 1);
    if (e) {
        printf("mm0: retype of page %u into type %lu failed: error %d\n", p, type, e);
        free_stack[n_free++] = p;
        return NO_PAGE;
    }
    return p;
}

void pool_page_release(page_t p)
{
    if (p == NO_PAGE) return;
    int e = k_cnode_delete(MM0_CAP_CNODE, obj_base + p, MM0_DEPTH);
    if (e) printf("mm0: deleting the object of page %u failed: error %d\n", p, e);
    orig_mapped[p / 8] &= (uint8_t)~(1u << (p % 8));   /* deleting it unmapped it */
    free_stack[n_free++] = p;
}
