/* Address spaces: the sorted VMA array, the record of installed mappings (pmap), and
 * the space's life cycle (create, clear for exec, destroy for exit).
 *
 * VMAs live in an array sorted by address and found by binary search; operations that
 * add VMAs first reserve array room (vma_reserve), the only step of theirs that can
 * fail, so what follows cannot. */
#include "space.h"

vma_t *vma_find(vm_space_t *s, uintptr_t va)
{
    size_t i = vma_first_after(s, va);
    if (i < s->nvma && s->vmas[i].start <= va) return &s->vmas[i];
    return NULL;
}

/* Index of the first VMA whose end is above va (ends are sorted like starts). */
size_t vma_first_after(const vm_space_t *s, uintptr_t va)
{
    size_t lo = 0, hi = s->nvma;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->vmas[mid].end <= va) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Room for extra more VMAs: doubling, or exactly (a forked child's first array). */
int vma_reserve_as(vm_space_t *s, size_t extra, bool exact)
{
    if (s->nvma + extra <= s->cap) return VM_OK;
    size_t cap = exact ? s->nvma + extra : s->cap ? s->cap * 2 : 8;
    while (cap < s->nvma + extra) cap *= 2;
    vma_t *n = s->vm->a.alloc(s->vm->a.ctx, cap * sizeof *n);
    if (!n) return VM_ENOMEM;
    if (s->nvma) memcpy(n, s->vmas, s->nvma * sizeof *n);
    if (s->vmas) vm_free(s->vm, s->vmas, s->cap * sizeof *n);
    s->vmas = n;
    s->cap = cap;
    return VM_OK;
}

int vma_reserve(vm_space_t *s, size_t extra) { return vma_reserve_as(s, extra, false); }

void vma_insert(vm_space_t *s, size_t i, const vma_t *v)
{
    memmove(&s->vmas[i + 1], &s->vmas[i], (s->nvma - i) * sizeof *v);
    s->vmas[i] = *v;
    s->nvma++;
    v->obj->vma_refs++;
}

/* Removes VMA i and drops its object reference (its mappings must be gone). */
void vma_remove(vm_space_t *s, size_t i)
{
    vm_object_t *o = s->vmas[i].obj;
    memmove(&s->vmas[i], &s->vmas[i + 1], (s->nvma - i - 1) * sizeof *s->vmas);
    s->nvma--;
    o->vma_refs--;
    obj_release(o);
}

/* Splits VMA i at va (start < va < end); needs one slot of room. */
void vma_split(vm_space_t *s, size_t i, uintptr_t va)
{
    vma_t hi = s->vmas[i];
    hi.pgoff += (va - hi.start) >> VM_PAGE_SHIFT;
    hi.start = va;
    s->vmas[i].end = va;
    vma_insert(s, i + 1, &hi);
}

/* Splits needed so that [lo, hi) starts and ends on VMA boundaries. */
size_t vma_splits_needed(const vm_space_t *s, uintptr_t lo, uintptr_t hi)
{
    size_t n = 0, i = vma_first_after(s, lo);
    if (i < s->nvma && s->vmas[i].start < lo) n++;
    size_t j = vma_first_after(s, hi - 1);
    if (j < s->nvma && s->vmas[j].start < hi && s->vmas[j].end > hi) n++;
    return n;
}

void vma_split_at_bounds(vm_space_t *s, uintptr_t lo, uintptr_t hi)
{
    size_t i = vma_first_after(s, lo);
    if (i < s->nvma && s->vmas[i].start < lo) vma_split(s, i, lo);
    size_t j = vma_first_after(s, hi - 1);
    if (j < s->nvma && s->vmas[j].start < hi && s->vmas[j].end > hi) vma_split(s, j, hi);
}

/* --- installed mappings ---------------------------------------------------------- */

void pmap_drop_range(vm_space_t *s, uintptr_t lo, uintptr_t hi)
{
    vm_t *vm = s->vm;
    uint64_t k, end = va_vpn(hi);
    uintptr_t e;
    for (uint64_t v = va_vpn(lo); v < end && radix_next(&s->pmap, v, &k, &e) && k < end;
         v = k + 1) {
        vm_page_t *pg = pmap_page(e);
        vm->m.unmap(vm->m.ctx, s, (uintptr_t)k << VM_PAGE_SHIFT, pg->frame);
        radix_remove(&s->pmap, k, &vm->a);
        s->nmapped--;
        page_put(vm, pg);
    }
}

/* Lowers every mapping in [lo, hi) to at most max rights (dropping those left with
 * neither read nor execute). Never allocates. */
void pmap_limit_range(vm_space_t *s, uintptr_t lo, uintptr_t hi, unsigned max)
{
    vm_t *vm = s->vm;
    uint64_t k, end = va_vpn(hi);
    uintptr_t e;
    for (uint64_t v = va_vpn(lo); v < end && radix_next(&s->pmap, v, &k, &e) && k < end;
         v = k + 1) {
        unsigned r = pmap_rights(e), nr = r & max;
        if (nr == r) continue;
        vm_page_t *pg = pmap_page(e);
        uintptr_t va = (uintptr_t)k << VM_PAGE_SHIFT;
        if (!(nr & (VM_PROT_READ | VM_PROT_EXEC))) {
            vm->m.unmap(vm->m.ctx, s, va, pg->frame);
            radix_remove(&s->pmap, k, &vm->a);
            s->nmapped--;
            page_put(vm, pg);
        } else {
            vm->m.protect(vm->m.ctx, s, va, pg->frame, nr);
            radix_store(&s->pmap, k, (uintptr_t)pg | nr);
        }
    }
}

/* --- life cycle -------------------------------------------------------------------- */

int vm_space_create(vm_t *vm, void *user, vm_space_t **out)
{
    if (!vm || !out) return VM_EINVAL;
    vm_space_t *s = vm_zalloc(vm, sizeof *s);
    if (!s) return VM_ENOMEM;
    s->vm = vm;
    s->user = user;
    space_link(s);
    *out = s;
    return VM_OK;
}

void space_link(vm_space_t *s)
{
    vm_t *vm = s->vm;
    s->prev = NULL;
    s->next = vm->spaces;
    if (vm->spaces) vm->spaces->prev = s;
    vm->spaces = s;
    vm->nspaces++;
}

void *vm_space_user(const vm_space_t *s) { return s->user; }

void vm_space_clear(vm_space_t *s)
{
    pmap_drop_range(s, s->vm->va_lo, s->vm->va_hi);
    while (s->nvma) vma_remove(s, s->nvma - 1);
    s->brk_start = s->brk_end = 0;
}

void vm_space_destroy(vm_space_t *s)
{
    if (!s) return;
    vm_t *vm = s->vm;
    vm_space_clear(s);
    radix_destroy(&s->pmap, &vm->a);
    if (s->vmas) vm_free(vm, s->vmas, s->cap * sizeof *s->vmas);
    if (s->prev) s->prev->next = s->next;
    else vm->spaces = s->next;
    if (s->next) s->next->prev = s->prev;
    vm->nspaces--;
    vm_free(vm, s, sizeof *s);
}

/* --- the whole VM -------------------------------------------------------------------- */

int vm_create(const vm_alloc_t *a, const vm_page_ops_t *p, const vm_mmu_ops_t *m,
              uintptr_t va_lo, uintptr_t va_hi, vm_t **out)
{
    if (!a || !p || !m || !out || !a->alloc || !a->free || !p->alloc || !p->free ||
        !p->copy || !p->zero || p->zero_frame == VM_FRAME_NONE || !m->unmap || !m->protect)
        return VM_EINVAL;
    if ((va_lo | va_hi) & (VM_PAGE_SIZE - 1) || va_lo == 0 || va_lo >= va_hi)
        return VM_EINVAL;
    vm_t *vm = a->alloc(a->ctx, sizeof *vm);
    if (!vm) return VM_ENOMEM;
    memset(vm, 0, sizeof *vm);
    vm->a = *a;
    vm->p = *p;
    vm->m = *m;
    vm->va_lo = va_lo;
    vm->va_hi = va_hi;
    vm_page_t *zp = vm_zalloc(vm, sizeof *zp);
    vm_object_t *z = zp ? obj_new(vm, VM_OBJ_ZERO) : NULL;
    if (!z) {
        if (zp) vm_free(vm, zp, sizeof *zp);
        a->free(a->ctx, vm, sizeof *vm);
        return VM_ENOMEM;
    }
    zp->frame = p->zero_frame;
    zp->refs = 1;
    zp->flags = VM_PAGE_BORROWED;
    z->zero_page = zp;
    z->ext_refs = 1;   /* permanent */
    vm->zero = z;
    vm->npages = 1;
    *out = vm;
    return VM_OK;
}

int vm_destroy(vm_t *vm)
{
    if (!vm) return VM_EINVAL;
    if (vm->spaces || vm->nobjects != 1) return VM_EBUSY;
    vm_alloc_t a = vm->a;
    vm_free(vm, vm->zero->zero_page, sizeof(vm_page_t));
    vm_free(vm, vm->zero, sizeof(vm_object_t));
    a.free(a.ctx, vm, sizeof *vm);
    return VM_OK;
}
