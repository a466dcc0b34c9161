/* The self-check: every count kept incrementally is recomputed by walking, and every
 * recorded mapping is compared with a fresh lookup.
 *
 *  - spaces and objects: the global lists' lengths against the kept totals;
 *  - vma_refs against VMAs found by walking every space, shadow_refs against objects
 *    whose backing it is and against the object's shadow list; no object with no
 *    reference, none unreachable from a VMA or a caller handle, no cycle;
 *  - pages: each held by exactly one object's tree (or the zero object), refs = 1 +
 *    mappings found by walking every pmap, total against the kept total;
 *  - mappings: inside a VMA, rights within its protection, the frame a lookup finds,
 *    writable only where a write would not copy;
 *  - no anonymous object left with a single shadow and nothing else, unless marked for
 *    a retried collapse. */
#include "space.h"

typedef struct {
    char *buf;
    size_t len;
} msg_t;

static void put_str(msg_t *m, const char *s)
{
    size_t n = strlen(m->buf);
    while (*s && n + 1 < m->len) m->buf[n++] = *s++;
    m->buf[n] = 0;
}

static void put_num(msg_t *m, uint64_t v)
{
    char d[24];
    int i = 23;
    d[i] = 0;
    do d[--i] = (char)('0' + v % 10); while ((v /= 10) && i > 0);
    put_str(m, &d[i]);
}

/* Records the first failure: "what (a, b)". */
static int fail(msg_t *m, const char *what, uint64_t a, uint64_t b)
{
    if (m->len && !m->buf[0]) {
        put_str(m, what);
        put_str(m, " (");
        put_num(m, a);
        put_str(m, ", ");
        put_num(m, b);
        put_str(m, ")");
    }
    return -1;
}

static void mark_chain(vm_object_t *o)
{
    for (; o && !o->chk_seen; o = o->backing) o->chk_seen = true;
}

static int check_objects(vm_t *vm, msg_t *m, vm_stats_t *st)
{
    size_t nobj = 0, nshadow = 0, npending = 0;
    for (vm_object_t *o = vm->objects; o; o = o->next) {
        o->chk_vma = o->chk_shadow = 0;
        o->chk_seen = false;
        if (++nobj > vm->nobjects) return fail(m, "object list longer than count", nobj, vm->nobjects);
    }
    if (nobj != vm->nobjects) return fail(m, "objects: list vs count", nobj, vm->nobjects);

    size_t nvma = 0;
    for (vm_space_t *s = vm->spaces; s; s = s->next)
        for (size_t i = 0; i < s->nvma; i++, nvma++) {
            s->vmas[i].obj->chk_vma++;
            mark_chain(s->vmas[i].obj);
        }
    for (vm_object_t *o = vm->objects; o; o = o->next) {
        if (o->ext_refs) mark_chain(o);
        if (o->backing) {
            o->backing->chk_shadow++;
            nshadow++;
        }
    }
    size_t depth_max = 0;
    for (vm_object_t *o = vm->objects; o; o = o->next) {
        if (o->chk_vma != o->vma_refs) return fail(m, "vma_refs vs VMAs naming the object", o->vma_refs, o->chk_vma);
        if (o->chk_shadow != o->shadow_refs) return fail(m, "shadow_refs vs objects backed by it", o->shadow_refs, o->chk_shadow);
        size_t listed = 0;
        for (vm_object_t *c = o->shadows; c; c = c->sib_next, listed++)
            if (c->backing != o || listed > nobj) return fail(m, "shadow list corrupt", o->id, listed);
        if (listed != o->shadow_refs) return fail(m, "shadow list vs shadow_refs", listed, o->shadow_refs);
        if (!o->vma_refs && !o->shadow_refs && !o->ext_refs) return fail(m, "object with no reference", o->id, 0);
        if (!o->chk_seen) return fail(m, "object unreachable (leak or cycle)", o->id, 0);
        if (o->backing && o->kind != VM_OBJ_ANON) return fail(m, "non-anonymous shadow", o->id, o->kind);
        if (o->kind == VM_OBJ_ANON && !o->vma_refs && !o->ext_refs && o->shadow_refs == 1 &&
            !o->collapse_pending)
            return fail(m, "object left uncollapsed", o->id, 0);
        if (o->collapse_pending) npending++;
        size_t d = 1;
        for (vm_object_t *b = o->backing; b; b = b->backing)
            if (++d > nobj) return fail(m, "shadow chain cycle", o->id, d);
        if (d > depth_max) depth_max = d;
    }
    if (npending != vm->collapse_pending) return fail(m, "pending collapses vs count", npending, vm->collapse_pending);
    if (st) {
        st->objects = nobj;
        st->shadows = nshadow;
        st->vmas = nvma;
        st->max_depth = depth_max;
    }
    return 0;
}

/* Page check scratch: holders in the high half, mappings in the low half. */
#define HOLDER ((uint64_t)1 << 32)

static void pages_clear(vm_t *vm)
{
    for (vm_object_t *o = vm->objects; o; o = o->next) {
        if (o->zero_page) o->zero_page->check = 0;
        uint64_t k = 0;
        uintptr_t v;
        while (radix_next(&o->pages, k, &k, &v)) {
            ((vm_page_t *)v)->check = 0;
            if (++k == 0) break;
        }
    }
}

static int check_pages(vm_t *vm, msg_t *m, vm_stats_t *st)
{
    pages_clear(vm);
    size_t npages = 0;
    for (vm_object_t *o = vm->objects; o; o = o->next) {
        if (o->zero_page) {
            o->zero_page->check += HOLDER;
            npages++;
        }
        uint64_t k = 0, held = 0;
        uintptr_t v;
        while (radix_next(&o->pages, k, &k, &v)) {
            vm_page_t *pg = (vm_page_t *)v;
            if (k >= o->size) return fail(m, "page past the object's end", o->id, k);
            pg->check += HOLDER;
            held++;
            if (++k == 0) break;
        }
        if (held != o->npages) return fail(m, "object npages vs tree", o->npages, held);
        npages += held;
    }
    if (npages != vm->npages) return fail(m, "pages: trees vs count", npages, vm->npages);

    size_t nmap = 0;
    for (vm_space_t *s = vm->spaces; s; s = s->next) {
        uint64_t k = 0, here = 0;
        uintptr_t e;
        while (radix_next(&s->pmap, k, &k, &e)) {
            uintptr_t va = (uintptr_t)k << VM_PAGE_SHIFT;
            vm_page_t *pg = pmap_page(e);
            unsigned r = pmap_rights(e);
            vma_t *v = vma_find(s, va);
            if (!v) return fail(m, "mapping outside any VMA", va, 0);
            if (!r || (r & ~(unsigned)v->prot)) return fail(m, "mapping rights beyond VMA", va, r);
            vm_object_t *holder;
            vm_page_t *want = obj_lookup(v->obj, v->pgoff + ((va - v->start) >> VM_PAGE_SHIFT), &holder);
            if (want != pg) return fail(m, "stale mapping (frame differs from lookup)", va, pg->frame);
            if ((r & VM_PROT_WRITE) && !(v->flags & VMA_SHARED) && holder != v->obj)
                return fail(m, "writable mapping of a page below the top object", va, holder->id);
            if ((r & VM_PROT_WRITE) && holder->kind == VM_OBJ_ZERO)
                return fail(m, "writable mapping of the zero page", va, 0);
            pg->check++;
            here++;
            if (++k == 0) break;
        }
        if (here != s->nmapped) return fail(m, "space nmapped vs pmap", s->nmapped, here);
        nmap += here;
    }

    for (vm_object_t *o = vm->objects; o; o = o->next) {
        vm_page_t *zp = o->zero_page;
        if (zp && (zp->check >> 32 != 1 || zp->refs != 1 + (uint32_t)zp->check))
            return fail(m, "zero page refs vs holders+mappings", zp->refs, zp->check);
        uint64_t k = 0;
        uintptr_t v;
        while (radix_next(&o->pages, k, &k, &v)) {
            vm_page_t *pg = (vm_page_t *)v;
            if (pg->check >> 32 != 1) return fail(m, "page held by several objects", o->id, k);
            if (pg->refs != 1 + (uint32_t)pg->check)
                return fail(m, "page refs vs 1 + mappings", pg->refs, 1 + (uint32_t)pg->check);
            if (++k == 0) break;
        }
    }
    if (st) {
        st->pages = npages;
        st->mappings = nmap;
    }
    return 0;
}

static int check_spaces(vm_t *vm, msg_t *m, vm_stats_t *st)
{
    size_t n = 0;
    for (vm_space_t *s = vm->spaces; s; s = s->next) {
        if (++n > vm->nspaces) return fail(m, "space list longer than count", n, vm->nspaces);
        if (s->vm != vm) return fail(m, "space of another vm", n, 0);
        if (s->nvma > s->cap) return fail(m, "VMA count beyond capacity", s->nvma, s->cap);
        for (size_t i = 0; i < s->nvma; i++) {
            const vma_t *v = &s->vmas[i];
            if ((v->start | v->end) & (VM_PAGE_SIZE - 1) || v->start >= v->end ||
                v->start < vm->va_lo || v->end > vm->va_hi)
                return fail(m, "malformed VMA", v->start, v->end);
            if (i && s->vmas[i - 1].end > v->start) return fail(m, "VMAs overlap or unsorted", s->vmas[i - 1].end, v->start);
            if (!(v->flags & VMA_SHARED) && v->obj->kind != VM_OBJ_ANON)
                return fail(m, "private VMA with a non-anonymous top", v->start, v->obj->kind);
            if (v->obj->kind == VM_OBJ_ZERO) return fail(m, "VMA naming the zero object", v->start, 0);
        }
    }
    if (n != vm->nspaces) return fail(m, "spaces: list vs count", n, vm->nspaces);
    if (st) st->spaces = n;
    return 0;
}

int vm_check(vm_t *vm, vm_stats_t *st, char *msg, size_t msglen)
{
    char dummy[1];
    msg_t m = { msg ? msg : dummy, msg ? msglen : sizeof dummy };
    if (m.len) m.buf[0] = 0;
    if (!vm) return -1;
    if (vm->bugs) return fail(&m, "internal inconsistencies noticed", vm->bugs, 0);
    if (check_spaces(vm, &m, st) || check_objects(vm, &m, st) || check_pages(vm, &m, st))
        return -1;
    return 0;
}
