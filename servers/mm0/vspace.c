/* Address-space mechanics (space.h). */
#include "vspace.h"
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>

static page_t mm0_pt_store[1024];
struct pt_list mm0_pts = {mm0_pt_store, 0, 1024, true};

static int pt_list_add(struct pt_list *l, page_t p)
{
    if (l->n == l->cap) {
        if (l->fixed) return -ENOMEM;
        unsigned cap = l->cap ? l->cap * 2 : 8;
        page_t *np = realloc(l->p, cap * sizeof *np);
        if (!np) return -ENOMEM;
        l->p = np;
        l->cap = cap;
    }
    l->p[l->n++] = p;
    return 0;
}

void pt_list_release(struct pt_list *l)
{
    /* Deepest tables were added last: delete them first (either order is valid). */
    while (l->n) pool_page_release(l->p[--l->n]);
    if (l->fixed) return;
    free(l->p);
    l->p = NULL;
    l->cap = 0;
}

int space_map(k_cptr_t vspace, struct pt_list *pts, k_cptr_t cap, k_word_t va, k_word_t rights,
              k_word_t attr)
{
    /* Sv39: at most two tables below the root are missing. */
    for (int level = 0; level < 3; level++) {
        int e = k_riscv_page_map(cap, vspace, va, rights, attr);
        if (e == K_NO_ERROR) return 0;
        if (e != K_FAILED_LOOKUP) {
            printf("mm0: mapping at 0x%lx refused: error %d\n", va, e);
            return -EINVAL;
        }
        page_t pt = pool_page_new(K_RISCV_PAGE_TABLE_OBJECT, 0);
        if (pt == NO_PAGE) return -ENOMEM;
        if (pt_list_add(pts, pt)) {
            pool_page_release(pt);
            return -ENOMEM;
        }
        e = k_riscv_page_table_map(page_cap(pt), vspace, va, K_RISCV_DEFAULT_VM_ATTRIBUTES);
        if (e) {
            printf("mm0: page table at 0x%lx refused: error %d\n", va, e);
            return -EINVAL;
        }
    }
    return -EINVAL;
}

int space_tables(k_cptr_t vspace, struct pt_list *pts, k_word_t va)
{
    /* Sv39: the two tables below the root; a table already there is DeleteFirst. */
    for (int level = 0; level < 2; level++) {
        page_t pt = pool_page_new(K_RISCV_PAGE_TABLE_OBJECT, 0);
        if (pt == NO_PAGE) return -ENOMEM;
        int e = k_riscv_page_table_map(page_cap(pt), vspace, va, K_RISCV_DEFAULT_VM_ATTRIBUTES);
        if (e == K_DELETE_FIRST) {
            pool_page_release(pt);
            continue;
        }
        if (e || pt_list_add(pts, pt)) {
            pool_page_release(pt);
            return e ? -EINVAL : -ENOMEM;
        }
    }
    return 0;
}

/* Which capability maps window w: a page's original, or a copy in the window's slot. */
static page_t window_orig[WINDOW_SLOTS] = {NO_PAGE, NO_PAGE, NO_PAGE, NO_PAGE};

void *window_map(unsigned w, page_t p)
{
    k_cptr_t s = window_slot(w);
    bool orig = frame_original_take(p);
    if (orig) s = page_cap(p);
    else if (k_cnode_copy(MM0_CAP_CNODE, s, MM0_DEPTH, MM0_CAP_CNODE, page_cap(p), MM0_DEPTH,
                          K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE))
        return NULL;
    k_word_t va = MM0_WINDOW_VA + w * PAGE_SIZE;
    if (space_map(MM0_CAP_VSPACE, &mm0_pts, s, va, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE,
                  K_RISCV_EXECUTE_NEVER)) {
        if (orig) frame_original_give(p);
        else k_cnode_delete(MM0_CAP_CNODE, s, MM0_DEPTH);
        return NULL;
    }
    window_orig[w] = orig ? p : NO_PAGE;
    return (void *)va;
}

void window_unmap(unsigned w)
{
    /* Unmapping the original, or deleting the copy (which unmaps it); the kernel
     * flushes the TLB entry either way. */
    if (window_orig[w] != NO_PAGE) frame_original_give(window_orig[w]);
    else k_cnode_delete(MM0_CAP_CNODE, window_slot(w), MM0_DEPTH);
    window_orig[w] = NO_PAGE;
}
