/* The first memory model of mm0 (memory.h). */
#include "memory.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#define IDX(va, level) (((va) >> (12 + 9 * (level))) & 511)
#define PAGE_DOWN(x) ((x) & ~(PAGE_SIZE - 1))

void mem_init(struct mem *m, k_cptr_t vspace)
{
    memset(m, 0, sizeof *m);
    m->vspace = vspace;
}

/* ------------------------------------------------------------ radix tree */

/* The slot for va's page, made if make; NULL if absent (or out of memory). */
static page_t *slot_of(struct mem *m, k_word_t va, int make)
{
    if (!m->radix) {
        if (!make || !(m->radix = calloc(512, sizeof(void *)))) return NULL;
    }
    void **l1 = m->radix[IDX(va, 2)];
    if (!l1) {
        if (!make || !(l1 = calloc(512, sizeof(void *)))) return NULL;
        m->radix[IDX(va, 2)] = l1;
    }
    page_t *leaf = l1[IDX(va, 1)];
    if (!leaf) {
        if (!make || !(leaf = malloc(512 * sizeof(page_t)))) return NULL;
        for (int i = 0; i < 512; i++) leaf[i] = NO_PAGE;
        l1[IDX(va, 1)] = leaf;
    }
    return &leaf[IDX(va, 0)];
}

static page_t lookup(struct mem *m, k_word_t va)
{
    page_t *s = slot_of(m, va, 0);
    return s ? *s : NO_PAGE;
}

/* Visit every resident page in [lo, hi): fn(m, va, slot, arg). */
static void for_each_page(struct mem *m, k_word_t lo, k_word_t hi,
                          void (*fn)(struct mem *, k_word_t, page_t *, void *), void *arg)
{
    if (!m->radix) return;
    for (unsigned i = 0; i < 512; i++) {
        void **l1 = m->radix[i];
        if (!l1) continue;
        for (unsigned j = 0; j < 512; j++) {
            page_t *leaf = l1[j];
            if (!leaf) continue;
            k_word_t base = ((k_word_t)i << 30) | ((k_word_t)j << 21);
            if (base + (1ul << 21) <= lo || base >= hi) continue;
            for (unsigned k = 0; k < 512; k++) {
                k_word_t va = base | ((k_word_t)k << 12);
                if (leaf[k] != NO_PAGE && va >= lo && va < hi) fn(m, va, &leaf[k], arg);
            }
        }
    }
}

/* ------------------------------------------------------------ VMAs */

struct vma *mem_find(struct mem *m, k_word_t va)
{
    for (unsigned i = 0; i < m->n_vma; i++)
        if (va >= m->vma[i].start && va < m->vma[i].end) return &m->vma[i];
    return NULL;
}

int mem_add_vma(struct mem *m, const struct vma *v)
{
    if (v->start >= v->end || (v->start | v->end) & (PAGE_SIZE - 1) || v->end > K_USER_TOP ||
        v->start < PAGE_SIZE)
        return -EINVAL;
    unsigned at = 0;
    while (at < m->n_vma && m->vma[at].start < v->start) at++;
    if (at > 0 && m->vma[at - 1].end > v->start) return -EINVAL;
    if (at < m->n_vma && m->vma[at].start < v->end) return -EINVAL;
    /* Anonymous memory next to anonymous memory of the same protection grows that VMA
     * (successive mmaps, the heap), so the VMA count stays small. */
    if (v->kind == VMA_ANON && at > 0 && m->vma[at - 1].kind == VMA_ANON &&
        m->vma[at - 1].end == v->start && m->vma[at - 1].prot == v->prot) {
        m->vma[at - 1].end = v->end;
        return 0;
    }
    if (m->n_vma == MEM_MAX_VMAS) return -ENOMEM;
    memmove(&m->vma[at + 1], &m->vma[at], (m->n_vma - at) * sizeof m->vma[0]);
    m->vma[at] = *v;
    m->n_vma++;
    return 0;
}

k_word_t mem_find_gap(struct mem *m, k_word_t len, k_word_t lo, k_word_t hi)
{
    k_word_t cand = lo;
    for (unsigned i = 0; i < m->n_vma; i++) {
        const struct vma *v = &m->vma[i];
        if (v->end <= cand) continue;
        if (v->start >= cand && v->start - cand >= len) break;
        if (v->end > cand) cand = v->end;
    }
    return cand <= hi && hi - cand >= len ? cand : 0;
}

static k_word_t rights_of(unsigned prot)
{
    return prot & VMA_W ? K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE : K_CAP_RIGHT_READ;
}

static k_word_t attr_of(unsigned prot)
{
    return prot & VMA_X ? K_RISCV_DEFAULT_VM_ATTRIBUTES : K_RISCV_EXECUTE_NEVER;
}

/* ------------------------------------------------------------ faults */

/* Fill a new page for va of v: the file's bytes that fall into it, zeros elsewhere
 * (a new frame is already zero: the kernel clears memory it retypes). */
static int fill_page(page_t p, const struct vma *v, k_word_t va)
{
    if (v->kind != VMA_FILE) return 0;
    k_word_t lo = va > v->file_va ? va : v->file_va;
    k_word_t end = v->file_va + v->file_len;
    k_word_t hi = va + PAGE_SIZE < end ? va + PAGE_SIZE : end;
    if (lo >= hi) return 0;
    uint8_t *w = window_map(0, p);
    if (!w) return -ENOMEM;
    memcpy(w + (lo - va), v->file + (lo - v->file_va), hi - lo);
    window_unmap(0);
    return 0;
}

/* Make the page at va resident (va inside v). */
static int populate(struct mem *m, struct vma *v, k_word_t va, page_t *out)
{
    page_t *s = slot_of(m, va, 1);
    if (!s) return -ENOMEM;
    if (*s != NO_PAGE) {
        if (out) *out = *s;
        return 0;
    }
    page_t p = page_new(K_RISCV_4K_PAGE_OBJECT, 0);
    if (p == NO_PAGE) return -ENOMEM;
    int e = fill_page(p, v, va);
    if (!e) e = space_map(m->vspace, &m->pts, page_cap(p), va, rights_of(v->prot), attr_of(v->prot));
    if (e) {
        page_release(p);
        return e;
    }
    *s = p;
    m->resident++;
    if (out) *out = p;
    return 0;
}

int mem_fault(struct mem *m, k_word_t va, enum mem_access access)
{
    struct vma *v = mem_find(m, va);
    if (!v) return -EFAULT;
    unsigned need = access == MEM_WRITE ? VMA_W : access == MEM_EXEC ? VMA_X : VMA_R;
    if (!(v->prot & need)) return -EFAULT;
    /* A resident page that faults again is one the mapping does not allow (e.g. a
     * write to a page mapped read-only): with private pages and no copy-on-write
     * yet, that cannot be served. */
    if (lookup(m, PAGE_DOWN(va)) != NO_PAGE) return -EFAULT;
    return populate(m, v, PAGE_DOWN(va), NULL);
}

/* ------------------------------------------------------------ unmap, protect */

static void drop_page(struct mem *m, k_word_t va, page_t *s, void *arg)
{
    (void)va;
    (void)arg;
    page_release(*s);   /* deleting the frame cap unmaps it */
    *s = NO_PAGE;
    m->resident--;
}

int mem_unmap(struct mem *m, k_word_t start, k_word_t len)
{
    if (start & (PAGE_SIZE - 1) || len == 0 || start >= K_USER_TOP || len > K_USER_TOP - start)
        return -EINVAL;
    k_word_t end = PAGE_DOWN(start + len + PAGE_SIZE - 1);
    /* Split VMAs at the edges first, so that each VMA is wholly in or out. */
    for (unsigned i = 0; i < m->n_vma; i++) {
        struct vma v = m->vma[i];
        k_word_t cuts[2] = {start, end};
        for (int c = 0; c < 2; c++) {
            if (cuts[c] > v.start && cuts[c] < v.end) {
                if (m->n_vma == MEM_MAX_VMAS) return -ENOMEM;
                struct vma hi = v;
                hi.start = cuts[c];
                m->vma[i].end = cuts[c];
                memmove(&m->vma[i + 2], &m->vma[i + 1], (m->n_vma - i - 1) * sizeof v);
                m->vma[i + 1] = hi;
                m->n_vma++;
                break;
            }
        }
    }
    for_each_page(m, start, end, drop_page, NULL);
    unsigned out = 0;
    for (unsigned i = 0; i < m->n_vma; i++)
        if (m->vma[i].start >= end || m->vma[i].end <= start) m->vma[out++] = m->vma[i];
    m->n_vma = out;
    return 0;
}

struct remap { unsigned prot; int err; };

static void remap_page(struct mem *m, k_word_t va, page_t *s, void *arg)
{
    struct remap *r = arg;
    k_riscv_page_unmap(page_cap(*s));
    int e = space_map(m->vspace, &m->pts, page_cap(*s), va, rights_of(r->prot), attr_of(r->prot));
    if (e) r->err = e;
}

int mem_protect(struct mem *m, k_word_t start, k_word_t len, unsigned prot)
{
    if (start & (PAGE_SIZE - 1) || len == 0 || start >= K_USER_TOP || len > K_USER_TOP - start ||
        prot & ~(VMA_R | VMA_W | VMA_X))
        return -EINVAL;
    k_word_t end = PAGE_DOWN(start + len + PAGE_SIZE - 1);
    for (k_word_t a = start; a < end;) {   /* mapped throughout, else ENOMEM (POSIX) */
        struct vma *v = mem_find(m, a);
        if (!v) return -ENOMEM;
        a = v->end;
    }
    for (unsigned i = 0; i < m->n_vma; i++) {   /* split at the edges, as unmap does */
        struct vma v = m->vma[i];
        k_word_t cuts[2] = {start, end};
        for (int c = 0; c < 2; c++) {
            if (cuts[c] > v.start && cuts[c] < v.end) {
                if (m->n_vma == MEM_MAX_VMAS) return -ENOMEM;
                struct vma hi = v;
                hi.start = cuts[c];
                m->vma[i].end = cuts[c];
                memmove(&m->vma[i + 2], &m->vma[i + 1], (m->n_vma - i - 1) * sizeof v);
                m->vma[i + 1] = hi;
                m->n_vma++;
                break;
            }
        }
    }
    for (unsigned i = 0; i < m->n_vma; i++)
        if (m->vma[i].start >= start && m->vma[i].end <= end) m->vma[i].prot = prot;
    struct remap r = {prot, 0};
    for_each_page(m, start, end, remap_page, &r);
    return r.err;
}

/* ------------------------------------------------------------ fork, destroy */

struct fork_ctx { struct mem *dst; int err; };

static void copy_page(struct mem *src, k_word_t va, page_t *s, void *arg)
{
    struct fork_ctx *f = arg;
    if (f->err) return;
    struct vma *v = mem_find(f->dst, va);
    page_t q;
    if (!v) return;   /* cannot happen: the VMAs were copied first */
    /* A new zero page, then the parent's bytes over it. */
    struct vma anon = *v;
    anon.kind = VMA_ANON;
    int e = populate(f->dst, &anon, va, &q);
    if (e) {
        f->err = e;
        return;
    }
    uint8_t *from = window_map(0, *s), *to = from ? window_map(1, q) : NULL;
    if (from && to) memcpy(to, from, PAGE_SIZE);
    else f->err = -ENOMEM;
    window_unmap(1);
    window_unmap(0);
    (void)src;
}

int mem_fork(struct mem *dst, struct mem *src)
{
    memcpy(dst->vma, src->vma, sizeof src->vma);
    dst->n_vma = src->n_vma;
    struct fork_ctx f = {dst, 0};
    for_each_page(src, 0, K_USER_TOP, copy_page, &f);
    return f.err;
}

void mem_destroy(struct mem *m)
{
    for_each_page(m, 0, K_USER_TOP, drop_page, NULL);
    if (m->radix) {
        for (unsigned i = 0; i < 512; i++) {
            void **l1 = m->radix[i];
            if (!l1) continue;
            for (unsigned j = 0; j < 512; j++) free(l1[j]);
            free(l1);
        }
        free(m->radix);
        m->radix = NULL;
    }
    pt_list_release(&m->pts);
    m->n_vma = 0;
}

/* ------------------------------------------------------------ copies */

static int copy_user(struct mem *m, k_word_t va, void *buf, const void *src, k_word_t len)
{
    if (va >= K_USER_TOP || len > K_USER_TOP - va) return -EFAULT;
    while (len) {
        k_word_t page = PAGE_DOWN(va), off = va - page;
        k_word_t n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
        struct vma *v = mem_find(m, va);
        if (!v || !(v->prot & (src ? VMA_W : VMA_R))) return -EFAULT;
        page_t p;
        int e = populate(m, v, page, &p);
        if (e) return e;
        uint8_t *w = window_map(2, p);
        if (!w) return -ENOMEM;
        if (src) memcpy(w + off, src, n);
        else memcpy(buf, w + off, n);
        window_unmap(2);
        va += n;
        len -= n;
        if (src) src = (const uint8_t *)src + n;
        else buf = (uint8_t *)buf + n;
    }
    return 0;
}

int mem_copy_in(struct mem *m, k_word_t va, void *buf, k_word_t len)
{
    return copy_user(m, va, buf, NULL, len);
}

int mem_copy_out(struct mem *m, k_word_t va, const void *buf, k_word_t len)
{
    return copy_user(m, va, NULL, buf, len);
}
