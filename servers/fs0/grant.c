/* The frames mm0 grants fs0 (grant.h, docs/fs0.md "Data transport"). Each arrives as
 * the extra cap of an event reply, in a slot fs0 chose (its receive slot); fs0 maps it
 * with its own VSpace cap at FS0_GRANT_AT(task index, k) and deletes it at the EXIT
 * event, which unmaps it. mm0 frees the frame only after that. A thread past slot 0
 * has its own IPC-buffer frame (a THREAD event), mapped by its slot at
 * FS0_THREAD_AT(s) and deleted at its THREAD_EXIT or its process's EXIT. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <k/k.h>
#include <mm0/protocol.h>
#include "grant.h"

#define PROCS 256   /* a badge's low 8 bits: mm0's task index */

struct grant {
    k_word_t badge;             /* the process the frames belong to; 0: none */
    int slot[FS0_GRANT_PAGES];  /* grant slot of the UTCB (0) and window (1); -1: none */
};
static struct grant grants[PROCS];
static int16_t thread_slot[PROCS][FS0_BADGE_THREADS];   /* threads 1..15; -1: none */
static uint16_t thread_mask[PROCS];   /* bit n: thread n has a slot (an exit's quick test) */
static uint16_t free_slots[FS0_GRANT_SLOTS];
static unsigned n_free;

void grant_init(void)
{
    for (unsigned i = 0; i < PROCS; i++) {
        grants[i].slot[0] = grants[i].slot[1] = -1;
        for (unsigned n = 0; n < FS0_BADGE_THREADS; n++) thread_slot[i][n] = -1;
    }
    for (unsigned s = FS0_GRANT_SLOTS; s > 0; s--) free_slots[n_free++] = (uint16_t)(s - 1);
}

int grant_free_slot(void) { return n_free ? free_slots[n_free - 1] : -1; }

static void slot_delete(int s)
{
    /* Deleting the cap unmaps the frame (the kernel flushes the TLB entry). */
    k_cnode_delete(FS0_SLOT_CSPACE, FS0_GRANT_CPTR(s), 64);
    free_slots[n_free++] = (uint16_t)s;
}

void grant_drop(k_word_t badge)
{
    struct grant *g = &grants[badge % PROCS];
    if (!badge || g->badge != badge) return;
    for (unsigned n = 1; thread_mask[badge % PROCS] && n < FS0_BADGE_THREADS; n++)
        grant_thread_drop(badge | (k_word_t)n << FS0_BADGE_THREAD_SHIFT);
    for (unsigned k = 0; k < FS0_GRANT_PAGES; k++)
        if (g->slot[k] >= 0) {
            slot_delete(g->slot[k]);
            g->slot[k] = -1;
        }
    g->badge = 0;
}

void grant_take(k_word_t badge, unsigned k, int s)
{
    /* The slot now holds a cap (the receive slot was the top of the free stack). */
    n_free--;
    struct grant *g = &grants[badge % PROCS];
    if (!badge || k >= FS0_GRANT_PAGES) {
        printf("fs0: grant %u for badge 0x%lx refused\n", k, (unsigned long)badge);
        slot_delete(s);
        return;
    }
    if (g->badge != badge) grant_drop(g->badge);   /* a stale process in that entry */
    g->badge = badge;
    if (g->slot[k] >= 0) slot_delete(g->slot[k]);
    g->slot[k] = -1;
    int e = k_riscv_page_map(FS0_GRANT_CPTR(s), FS0_SLOT_VSPACE, FS0_GRANT_AT(badge % PROCS, k),
                             K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_EXECUTE_NEVER);
    if (e) {
        printf("fs0: mapping grant %u of badge 0x%lx failed: error %d\n", k, (unsigned long)badge, e);
        slot_delete(s);
        return;
    }
    g->slot[k] = s;
}

void grant_thread_drop(k_word_t tbadge)
{
    k_word_t pb = FS0_BADGE_PROC(tbadge);
    unsigned n = FS0_BADGE_THREAD(tbadge);
    int16_t *ts = &thread_slot[pb % PROCS][n];
    if (!pb || n == 0 || grants[pb % PROCS].badge != pb || *ts < 0) return;
    slot_delete(*ts);
    *ts = -1;
    thread_mask[pb % PROCS] &= (uint16_t)~(1u << n);
}

void grant_thread_take(k_word_t tbadge, int s)
{
    n_free--;   /* as grant_take: the receive slot holds the cap now */
    k_word_t pb = FS0_BADGE_PROC(tbadge);
    unsigned n = FS0_BADGE_THREAD(tbadge);
    /* Only for a thread past 0 of a process fs0 knows (its NEW came first). */
    if (!pb || n == 0 || grants[pb % PROCS].badge != pb) {
        printf("fs0: thread grant for badge 0x%lx refused\n", (unsigned long)tbadge);
        slot_delete(s);
        return;
    }
    grant_thread_drop(tbadge);   /* a missed THREAD_EXIT of that slot */
    int e = k_riscv_page_map(FS0_GRANT_CPTR(s), FS0_SLOT_VSPACE, FS0_THREAD_AT(s),
                             K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_EXECUTE_NEVER);
    if (e) {
        printf("fs0: mapping thread grant of badge 0x%lx failed: error %d\n", (unsigned long)tbadge, e);
        slot_delete(s);
        return;
    }
    thread_slot[pb % PROCS][n] = (int16_t)s;
    thread_mask[pb % PROCS] |= (uint16_t)(1u << n);
}

/* The calling thread's IPC-buffer page in fs0: thread 0's is the process's UTCB. */
static uint8_t *thread_page(k_word_t tbadge)
{
    k_word_t pb = FS0_BADGE_PROC(tbadge);
    unsigned n = FS0_BADGE_THREAD(tbadge);
    if (!pb || grants[pb % PROCS].badge != pb) return NULL;
    if (n == 0) return grants[pb % PROCS].slot[0] < 0 ? NULL : (uint8_t *)FS0_GRANT_AT(pb % PROCS, 0);
    int s = thread_slot[pb % PROCS][n];
    return s < 0 ? NULL : (uint8_t *)FS0_THREAD_AT(s);
}

static uint8_t *frame(k_word_t badge, unsigned k)
{
    struct grant *g = &grants[badge % PROCS];
    if (!badge || g->badge != badge || g->slot[k] < 0) return NULL;
    return (uint8_t *)FS0_GRANT_AT(badge % PROCS, k);
}

const uint8_t *grant_path_area(k_word_t tbadge)
{
    uint8_t *u = FS0_BADGE_THREAD(tbadge) ? thread_page(tbadge) : frame(tbadge, 0);
    return u ? u + FS0_UTCB_AREA : NULL;
}

/* Thread n (> 0): its own UTCB area only (the window is thread 0's). Out of line, so
 * that thread 0's path through grant_buffer stays a leaf. */
static __attribute__((noinline)) void *thread_buffer(k_word_t tbadge, unsigned n, k_word_t addr,
                                                     k_word_t len, int *err)
{
    k_word_t va = MM0_IPC_BUFFER_VA + n * 4096ul + FS0_UTCB_AREA;
    uint8_t *f = thread_page(tbadge);
    if (f && addr >= va && addr - va <= FS0_UTCB_AREA_SIZE && len <= FS0_UTCB_AREA_SIZE - (addr - va))
        return f + FS0_UTCB_AREA + (addr - va);
    *err = -EFAULT;
    return NULL;
}

void *grant_buffer(k_word_t tbadge, k_word_t addr, k_word_t len, int *err)
{
    unsigned n = FS0_BADGE_THREAD(tbadge);
    k_word_t badge = tbadge;   /* thread 0's badge is its process's */
    static const struct { k_word_t va, size, off; unsigned k; } regions[] = {
        {MM0_IPC_BUFFER_VA + FS0_UTCB_AREA, FS0_UTCB_AREA_SIZE, FS0_UTCB_AREA, 0},
        {MM0_FS0_WINDOW_VA, FS0_WINDOW_SIZE, 0, 1},
    };
    if (len > FS0_WINDOW_SIZE) {
        *err = -EINVAL;
        return NULL;
    }
    static uint8_t none;
    if (len == 0) return &none;   /* nothing moves: read(fd, any, 0) is 0, as POSIX has it */
    if (n != 0) return thread_buffer(tbadge, n, addr, len, err);   /* a tail call */
    for (unsigned i = 0; i < 2; i++) {
        /* Inside: addr >= va and len <= size - (addr - va), without overflow. */
        if (addr < regions[i].va || addr - regions[i].va > regions[i].size ||
            len > regions[i].size - (addr - regions[i].va))
            continue;
        uint8_t *f = frame(badge, regions[i].k);
        if (!f) break;
        return f + regions[i].off + (addr - regions[i].va);
    }
    *err = -EFAULT;
    return NULL;
}
