/* What picolibc needs from mm0's own environment: a heap grown from pool pages and
 * _exit (its console streams are servers/common/debug_console.c). */
#include <stdio.h>
#include <stdint.h>
#include <errno.h>
#include <k/k.h>
#include "vspace.h"
#include "mm0.h"

static k_word_t heap_top = MM0_HEAP_VA, heap_mapped = MM0_HEAP_VA;

unsigned long heap_pages(void) { return (heap_mapped - MM0_HEAP_VA) / PAGE_SIZE; }

/* malloc's source of memory: pages mapped at the end of our heap as it grows. The
 * heap never shrinks; its pages stay mm0's (docs/mm0.md, limits). */
void *sbrk(ptrdiff_t incr)
{
    if (incr < 0 || (k_word_t)incr > MM0_OWN_HEAP_MAX - (heap_top - MM0_HEAP_VA)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    k_word_t want = heap_top + (k_word_t)incr;
    while (heap_mapped < want) {
        page_t p = pool_page_new(K_RISCV_4K_PAGE_OBJECT, 0);
        if (p == NO_PAGE) {
            errno = ENOMEM;
            return (void *)-1;
        }
        if (space_map(MM0_CAP_VSPACE, &mm0_pts, page_cap(p), heap_mapped,
                      K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_EXECUTE_NEVER)) {
            pool_page_release(p);
            errno = ENOMEM;
            return (void *)-1;
        }
        heap_mapped += PAGE_SIZE;
    }
    void *old = (void *)heap_top;
    heap_top = want;
    return old;
}

/* mm0 ends only if it cannot start: it says so and stops (root sees no power-off
 * request and waits). */
void _exit(int status)
{
    printf("mm0: exiting with status %d\n", status);
    for (;;) k_tcb_suspend(MM0_CAP_TCB);
}
