/* Address spaces and threads made from untyped memory, for the suite's tests (see
 * thread_util.h for the layout and the rules for code that runs in a child). */
#include "thread_util.h"
#include <string.h>

/* The page shared with every child: in .bss, hence in the image frames children map. */
struct shared_page shared __attribute__((aligned(4096)));

/* Stack and IPC buffer of a child that runs in OUR VSpace: one page each, in our .bss,
 * so the IPC buffer's frame cap is one of our image frame caps. */
#define STATIC_AREAS 8
struct static_area {
    struct k_ipc_buffer ipc;                 /* 1024 bytes at the page start: aligned */
    uint8_t stack[4096 - sizeof(struct k_ipc_buffer)];
};
static struct static_area areas[STATIC_AREAS] __attribute__((aligned(4096)));
static bool area_used[STATIC_AREAS];

_Static_assert(sizeof(struct static_area) == 4096, "one page per static area");

static k_cptr_t pool[1024];
static unsigned pooled;

k_cptr_t tslot_alloc(void)
{
    return pooled ? pool[--pooled] : slot_alloc();
}

void tslot_free(k_cptr_t s)
{
    if (s && pooled < sizeof pool / sizeof pool[0]) pool[pooled++] = s;
}

void shared_clear(void)
{
    for (unsigned i = 0; i < 512; i++) shared.word[i] = 0;
}

#define TRY(expr)                                                                     \
    do {                                                                              \
        int e_ = (int)(expr);                                                         \
        if (e_ != K_NO_ERROR) {                                                       \
            printf("  %s:%d: %s: error %d\n", __FILE__, __LINE__, #expr, e_);        \
            return e_;                                                                \
        }                                                                             \
    } while (0)

static int retype_into(k_cptr_t ut, k_word_t type, k_word_t bits, k_cptr_t slot)
{
    return k_untyped_retype(ut, type, bits, ROOT, 0, 0, slot, 1);
}

unsigned image_pages(void)
{
    k_word_t n = bi->user_image_frames.end - bi->user_image_frames.start;
    if (n == 0 || n > MAX_IMAGE_PAGES) {
        printf("  image has %lu frames (helpers handle 1..%u)\n", n, MAX_IMAGE_PAGES);
        return 0;
    }
    /* The IPC buffer follows the page-aligned end of the image: with one frame per
     * page from IMAGE_BASE and no gap, that is IMAGE_BASE + n pages. */
    if ((k_word_t)bi->ipc_buffer != IMAGE_BASE + n * PAGE_SIZE_4K) {
        printf("  image frames do not cover 0x%lx..%p page by page (%lu frames)\n",
               IMAGE_BASE, (void *)bi->ipc_buffer, n);
        return 0;
    }
    if (IMAGE_BASE + n * PAGE_SIZE_4K > AREA_BASE) {
        printf("  image too big for the child layout\n");
        return 0;
    }
    return (unsigned)n;
}

k_cptr_t image_frame_of(const volatile void *p)
{
    return bi->user_image_frames.start + (((k_word_t)p - IMAGE_BASE) >> 12);
}

k_word_t read_gp(void)
{
    k_word_t v;
    __asm__ volatile("mv %0, gp" : "=r"(v));
    return v;
}

bool untyped_range(k_cptr_t ut, k_word_t *base, k_word_t *size)
{
    if (ut < bi->untyped.start || ut >= bi->untyped.end) return false;
    const struct k_untyped_desc *u = &bi->untyped_list[ut - bi->untyped.start];
    *base = u->paddr;
    *size = 1ul << u->size_bits;
    return true;
}

k_word_t raw_invoke(k_cptr_t service, k_word_t label, k_word_t length, unsigned n_caps,
                    const k_cptr_t *caps, k_word_t mr0, k_word_t mr1)
{
    struct k_ipc_buffer *ipc = k_ipc_buffer();
    for (unsigned i = 0; i < n_caps && i < K_MSG_MAX_EXTRA_CAPS; i++)
        ipc->caps_or_badges[i] = caps[i];
    k_word_t m0 = mr0, m1 = mr1, m2 = 0, m3 = 0;
    k_word_t info = k_call(service, k_msginfo_new(label, 0, n_caps, length), &m0, &m1, &m2, &m3);
    k_stash_mrs(m0, m1, m2, m3);
    return k_msginfo_label(info);
}

int map_tables(k_cptr_t ut, k_cptr_t vspace, k_word_t va, k_cptr_t *l1, k_cptr_t *l2)
{
    *l1 = tslot_alloc();
    *l2 = tslot_alloc();
    TRY(retype_into(ut, K_RISCV_PAGE_TABLE_OBJECT, 0, *l1));
    TRY(k_riscv_page_table_map(*l1, vspace, va, K_RISCV_DEFAULT_VM_ATTRIBUTES));
    TRY(retype_into(ut, K_RISCV_PAGE_TABLE_OBJECT, 0, *l2));
    TRY(k_riscv_page_table_map(*l2, vspace, va, K_RISCV_DEFAULT_VM_ATTRIBUTES));
    return K_NO_ERROR;
}

/* ---------------------------------------------------------------- VSpaces */

int vspace_new(struct vspace *vs, k_cptr_t ut, k_cptr_t vspace_ut)
{
    return vspace_new_in_pool(vs, ut, vspace_ut, K_CAP_INIT_THREAD_ASID_POOL);
}

int vspace_new_in_pool(struct vspace *vs, k_cptr_t ut, k_cptr_t vspace_ut, k_cptr_t pool)
{
    unsigned n = image_pages();
    if (!n) return K_INVALID_ARGUMENT;
    if (!vs->have_slots) {
        vs->root = tslot_alloc();
        vs->pt_l1 = tslot_alloc();
        vs->pt_l2 = tslot_alloc();
        for (unsigned i = 0; i < n; i++) vs->img[i] = tslot_alloc();
        vs->n_img = n;
        vs->have_slots = true;
    }
    vs->next_area = 0;
    TRY(retype_into(vspace_ut ? vspace_ut : ut, K_RISCV_PAGE_TABLE_OBJECT, 0, vs->root));
    TRY(k_riscv_asid_pool_assign(pool, vs->root));
    /* The image lives in the first 2 MiB: one table below the root for the first GiB,
     * one below that for the first 2 MiB. */
    TRY(retype_into(ut, K_RISCV_PAGE_TABLE_OBJECT, 0, vs->pt_l1));
    TRY(k_riscv_page_table_map(vs->pt_l1, vs->root, IMAGE_BASE, K_RISCV_DEFAULT_VM_ATTRIBUTES));
    TRY(retype_into(ut, K_RISCV_PAGE_TABLE_OBJECT, 0, vs->pt_l2));
    TRY(k_riscv_page_table_map(vs->pt_l2, vs->root, IMAGE_BASE, K_RISCV_DEFAULT_VM_ATTRIBUTES));
    /* Copies of our image frame caps (a copy of a mapped frame cap is unmapped, so it
     * can be mapped again), at the addresses the originals have in our VSpace. */
    for (unsigned i = 0; i < vs->n_img; i++) {
        TRY(k_cnode_copy(ROOT, vs->img[i], ROOT_DEPTH, ROOT, bi->user_image_frames.start + i,
                         ROOT_DEPTH, K_CAP_RIGHTS_ALL));
        TRY(k_riscv_page_map(vs->img[i], vs->root, IMAGE_BASE + i * PAGE_SIZE_4K,
                             K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_DEFAULT_VM_ATTRIBUTES));
    }
    return K_NO_ERROR;
}

/* Delete only the copies of our image (the rest may go with a revoke of the untyped). */
void vspace_unmap_image(struct vspace *vs)
{
    for (unsigned i = 0; i < vs->n_img; i++) k_cnode_delete(ROOT, vs->img[i], ROOT_DEPTH);
}

void vspace_destroy(struct vspace *vs)
{
    if (!vs->have_slots) return;
    vspace_unmap_image(vs);
    k_cnode_delete(ROOT, vs->pt_l2, ROOT_DEPTH);
    k_cnode_delete(ROOT, vs->pt_l1, ROOT_DEPTH);
    k_cnode_delete(ROOT, vs->root, ROOT_DEPTH);
}

void vspace_free(struct vspace *vs)
{
    if (!vs->have_slots) return;
    vspace_destroy(vs);
    for (unsigned i = 0; i < vs->n_img; i++) tslot_free(vs->img[i]);
    tslot_free(vs->pt_l2);
    tslot_free(vs->pt_l1);
    tslot_free(vs->root);
    vs->have_slots = false;
}

/* ---------------------------------------------------------------- threads */

int thread_new(struct thread *t, k_cptr_t ut, struct vspace *vs, unsigned flags, const char *name)
{
    if (!t->have_slots) {
        t->tcb = tslot_alloc();
        t->stack = tslot_alloc();
        t->ipc = tslot_alloc();
        t->cnode = tslot_alloc();
        t->have_slots = true;
    }
    t->vs = vs;
    TRY(retype_into(ut, K_TCB_OBJECT, 0, t->tcb));
    k_cptr_t vroot, ipc_frame;
    if (vs) {
        if (vs->next_area >= MAX_AREAS) return K_RANGE_ERROR;
        k_word_t area = AREA_BASE + vs->next_area++ * AREA_SIZE;
        TRY(retype_into(ut, K_RISCV_4K_PAGE_OBJECT, 0, t->ipc));
        TRY(k_riscv_page_map(t->ipc, vs->root, area, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE,
                             K_RISCV_EXECUTE_NEVER));
        TRY(retype_into(ut, K_RISCV_4K_PAGE_OBJECT, 0, t->stack));
        TRY(k_riscv_page_map(t->stack, vs->root, area + PAGE_SIZE_4K,
                             K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_EXECUTE_NEVER));
        t->ipc_va = area;
        t->sp = area + 2 * PAGE_SIZE_4K;
        vroot = vs->root;
        ipc_frame = t->ipc;
    } else {
        unsigned k = 0;
        while (k < STATIC_AREAS && area_used[k]) k++;
        if (k == STATIC_AREAS) {
            printf("  no free static stack area\n");
            return K_RANGE_ERROR;
        }
        area_used[k] = true;
        t->static_area = (int)k + 1;
        t->ipc_va = (k_word_t)&areas[k].ipc;
        t->sp = (k_word_t)(areas[k].stack + sizeof(areas[k].stack));
        vroot = K_CAP_INIT_THREAD_VSPACE;
        ipc_frame = image_frame_of(&areas[k]);
    }
    k_cptr_t croot = ROOT;
    k_word_t cdata = 0;
    t->self = t->tcb;
    if (flags & THREAD_OWN_CSPACE) {
        /* 16 slots; a 60-bit guard of 0 makes a 64-bit CPtr resolve in one level. */
        TRY(retype_into(ut, K_CAPTABLE_OBJECT, 4, t->cnode));
        TRY(k_cnode_copy(t->cnode, OWN_CSPACE_SELF, 4, ROOT, t->tcb, ROOT_DEPTH, K_CAP_RIGHTS_ALL));
        croot = t->cnode;
        cdata = k_cnode_cap_data(0, 60);
        t->self = OWN_CSPACE_SELF;
    }
    TRY(k_tcb_configure(t->tcb, 0, croot, cdata, vroot, 0, t->ipc_va, ipc_frame));
    k_debug_name_thread(t->tcb, name);
    return K_NO_ERROR;
}

void thread_initial_regs(struct thread *t, struct k_user_context *r, child_fn fn,
                         k_word_t a, k_word_t b, k_word_t c)
{
    memset(r, 0, sizeof *r);
    r->pc = (k_word_t)child_trampoline;
    r->sp = t->sp;
    r->gp = read_gp();
    r->a0 = (k_word_t)fn;
    r->a1 = a;
    r->a2 = b;
    r->a3 = c;
    r->a4 = t->self;
}

int thread_start(struct thread *t, child_fn fn, k_word_t a, k_word_t b, k_word_t c,
                 k_word_t prio, bool resume)
{
    struct k_user_context r;
    thread_initial_regs(t, &r, fn, a, b, c);
    TRY(k_tcb_set_priority(t->tcb, K_CAP_INIT_THREAD_TCB, prio));
    TRY(k_tcb_write_registers(t->tcb, resume, 0, K_USER_CONTEXT_WORDS, &r));
    return K_NO_ERROR;
}

void thread_destroy(struct thread *t)
{
    if (!t->have_slots) return;
    k_cnode_delete(ROOT, t->tcb, ROOT_DEPTH);   /* first: the thread stops here */
    k_cnode_delete(ROOT, t->cnode, ROOT_DEPTH);
    k_cnode_delete(ROOT, t->ipc, ROOT_DEPTH);
    k_cnode_delete(ROOT, t->stack, ROOT_DEPTH);
    if (t->static_area) {
        area_used[t->static_area - 1] = false;
        t->static_area = 0;
    }
}

void thread_free(struct thread *t)
{
    if (!t->have_slots) return;
    thread_destroy(t);
    tslot_free(t->cnode);
    tslot_free(t->ipc);
    tslot_free(t->stack);
    tslot_free(t->tcb);
    t->have_slots = false;
}

/* ---------------------------------------------------------------- child side */

void child_trampoline(child_fn fn, k_word_t a, k_word_t b, k_word_t c, k_cptr_t self)
{
    fn(a, b, c, self);
    /* Suspend ourselves: a register-only Call on our own TCB cap. In seL4 this never
     * returns (resumed, the thread issues the call again); if it does, say so. */
    k_call(self, k_msginfo_new(K_TCB_SUSPEND, 0, 0, 0), 0, 0, 0, 0);
    shared.word[SHARED_SUSPEND_RETURNED]++;
    for (;;) k_yield();
}

void child_store(k_word_t idx, k_word_t value, k_word_t unused, k_cptr_t self)
{
    (void)unused;
    (void)self;
    shared.word[idx] = value;
}

void child_count(k_word_t idx, k_word_t unused1, k_word_t unused2, k_cptr_t self)
{
    (void)unused1;
    (void)unused2;
    (void)self;
    for (;;) shared.word[idx]++;
}

void child_read_loop(k_word_t idx, k_word_t addr, k_word_t unused, k_cptr_t self)
{
    (void)unused;
    (void)self;
    for (;;) {
        shared.word[idx + 1] = *(volatile k_word_t *)addr;
        shared.word[idx]++;
    }
}
