/* mmap, munmap, mprotect and brk on one address space.
 *
 * Each call validates everything first, then reserves VMA-array room and creates the
 * objects it needs (the only steps that can run out of memory), then commits with
 * steps that cannot fail: an error leaves the space exactly as it was. */
#include "space.h"

static uintptr_t page_round_up(uintptr_t x) { return (x + VM_PAGE_SIZE - 1) & ~(VM_PAGE_SIZE - 1); }

/* [addr, addr + len rounded up to pages) inside the user range; *end gets its end. */
static int range_check(const vm_t *vm, uintptr_t addr, size_t len, uintptr_t *end)
{
    if ((addr & (VM_PAGE_SIZE - 1)) || len == 0) return VM_EINVAL;
    if (len > vm->va_hi - vm->va_lo) return VM_EINVAL;   /* also rules out overflow */
    uintptr_t l = page_round_up(len);
    if (addr < vm->va_lo || addr >= vm->va_hi || l > vm->va_hi - addr) return VM_EINVAL;
    *end = addr + l;
    return VM_OK;
}

/* Removes every VMA inside [lo, hi), which starts and ends on VMA boundaries. A
 * private top object nobody else sees also loses its pages there, so that the range
 * reads as zeros if a VMA on the same object ever covers it again (brk). */
static void unmap_split_range(vm_space_t *s, uintptr_t lo, uintptr_t hi)
{
    pmap_drop_range(s, lo, hi);
    size_t i = vma_first_after(s, lo);
    while (i < s->nvma && s->vmas[i].start < hi) {
        vma_t *v = &s->vmas[i];
        vm_object_t *o = v->obj;
        if (!(v->flags & VMA_SHARED) && o->kind == VM_OBJ_ANON && !o->shadow_refs &&
            !o->ext_refs && o->vma_refs > 1)
            obj_punch(o, v->pgoff, v->pgoff + ((v->end - v->start) >> VM_PAGE_SHIFT));
        vma_remove(s, i);
    }
}

/* Splits needing room, then unmaps; the only failure is VM_ENOMEM, before any change. */
static int unmap_range(vm_space_t *s, uintptr_t lo, uintptr_t hi)
{
    size_t splits = vma_splits_needed(s, lo, hi);
    if (splits && vma_reserve(s, splits) != VM_OK) return VM_ENOMEM;
    vma_split_at_bounds(s, lo, hi);
    unmap_split_range(s, lo, hi);
    return VM_OK;
}

int vm_munmap(vm_space_t *s, uintptr_t addr, size_t len)
{
    uintptr_t end;
    if (!s) return VM_EINVAL;
    int r = range_check(s->vm, addr, len, &end);
    if (r != VM_OK) return r;
    obj_retry_collapses(s->vm);
    return unmap_range(s, addr, end);
}

/* The lowest free range of len bytes at or above from, or 0. */
static uintptr_t find_gap(const vm_space_t *s, uintptr_t from, uintptr_t len)
{
    const vm_t *vm = s->vm;
    uintptr_t cand = from < vm->va_lo ? vm->va_lo : from;
    for (size_t i = vma_first_after(s, cand);; i++) {
        uintptr_t limit = i < s->nvma ? s->vmas[i].start : vm->va_hi;
        if (cand <= limit && limit - cand >= len) return cand;
        if (i >= s->nvma) return 0;
        cand = s->vmas[i].end;
    }
}

int vm_mmap(vm_space_t *s, uintptr_t addr, size_t len, unsigned prot, unsigned flags,
            vm_object_t *obj, uint64_t offset, uintptr_t *out)
{
    if (!s || !out) return VM_EINVAL;
    vm_t *vm = s->vm;
    unsigned share = flags & (VM_MAP_SHARED | VM_MAP_PRIVATE);
    if (share != VM_MAP_SHARED && share != VM_MAP_PRIVATE) return VM_EINVAL;
    if (flags & ~(unsigned)(VM_MAP_SHARED | VM_MAP_PRIVATE | VM_MAP_FIXED | VM_MAP_ANON |
                            VM_MAP_NOWRITE))
        return VM_EINVAL;
    if (flags & VM_MAP_NOWRITE && prot & VM_PROT_WRITE) return VM_EACCES;
    if (prot & ~(unsigned)VM_PROT_ALL) return VM_EINVAL;
    if (!(flags & VM_MAP_ANON) != (obj != NULL)) return VM_EINVAL;
    if (obj && obj->vm != vm) return VM_EINVAL;
    if (offset & (VM_PAGE_SIZE - 1)) return VM_EINVAL;
    if (obj && obj->kind == VM_OBJ_DEVICE && share != VM_MAP_SHARED) return VM_EINVAL;
    if (len == 0 || len > vm->va_hi - vm->va_lo) return VM_EINVAL;
    uintptr_t l = page_round_up(len), lo, hi;
    uint64_t pgoff = offset >> VM_PAGE_SHIFT;
    if (pgoff > UINT64_MAX - (l >> VM_PAGE_SHIFT)) return VM_EINVAL;
    if (obj && obj->kind == VM_OBJ_ZERO) obj = NULL;   /* /dev/zero maps as anonymous */
    if (!obj) pgoff = 0;
    if (prot & VM_PROT_WRITE) prot |= VM_PROT_READ;    /* RISC-V has no write-only pages */

    if (flags & VM_MAP_FIXED) {
        int r = range_check(vm, addr, len, &hi);
        if (r != VM_OK) return r;
        lo = addr;
    } else {
        uintptr_t hint = addr & ~(VM_PAGE_SIZE - 1);
        lo = find_gap(s, hint, l);
        if (!lo && hint > vm->va_lo) lo = find_gap(s, vm->va_lo, l);
        if (!lo) return VM_ENOMEM;
        hi = lo + l;
    }
    obj_retry_collapses(vm);

    size_t splits = (flags & VM_MAP_FIXED) ? vma_splits_needed(s, lo, hi) : 0;
    if (vma_reserve(s, splits + 1) != VM_OK) return VM_ENOMEM;
    vm_object_t *top = obj;
    bool new_shadow = false;
    if (!obj || share == VM_MAP_PRIVATE) {
        /* Anonymous memory, or a private view of the object: a fresh anonymous top. */
        if (!(top = obj_new(vm, VM_OBJ_ANON))) return VM_ENOMEM;
        new_shadow = obj != NULL;
    }

    if (flags & VM_MAP_FIXED) {
        vma_split_at_bounds(s, lo, hi);
        unmap_split_range(s, lo, hi);
    }
    if (new_shadow) obj_set_backing(top, obj);
    vma_t v = { .start = lo, .end = hi, .pgoff = pgoff, .obj = top, .prot = (uint8_t)prot,
                .flags = (uint8_t)((share == VM_MAP_SHARED ? VMA_SHARED : 0) |
                                   (flags & VM_MAP_NOWRITE ? VMA_NOWRITE : 0)) };
    vma_insert(s, vma_first_after(s, lo), &v);
    *out = lo;
    return VM_OK;
}

int vm_mprotect(vm_space_t *s, uintptr_t addr, size_t len, unsigned prot)
{
    uintptr_t end;
    if (!s) return VM_EINVAL;
    int r = range_check(s->vm, addr, len, &end);
    if (r != VM_OK) return r;
    if (prot & ~(unsigned)VM_PROT_ALL) return VM_EINVAL;
    if (prot & VM_PROT_WRITE) prot |= VM_PROT_READ;
    /* The whole range must be mapped (POSIX: ENOMEM otherwise) and may be made writable
     * (EACCES: a VMA mapped VM_MAP_NOWRITE), checked before any change. */
    uintptr_t cur = addr;
    for (size_t i = vma_first_after(s, addr); cur < end; i++) {
        if (i >= s->nvma || s->vmas[i].start > cur) return VM_ENOMEM;
        if (prot & VM_PROT_WRITE && s->vmas[i].flags & VMA_NOWRITE) return VM_EACCES;
        cur = s->vmas[i].end;
    }
    size_t splits = vma_splits_needed(s, addr, end);
    if (splits && vma_reserve(s, splits) != VM_OK) return VM_ENOMEM;
    vma_split_at_bounds(s, addr, end);
    for (size_t i = vma_first_after(s, addr); i < s->nvma && s->vmas[i].start < end; i++)
        s->vmas[i].prot = (uint8_t)prot;
    pmap_limit_range(s, addr, end, prot);
    return VM_OK;
}

int vm_brk_init(vm_space_t *s, uintptr_t base)
{
    if (!s || (base & (VM_PAGE_SIZE - 1)) || base < s->vm->va_lo || base >= s->vm->va_hi)
        return VM_EINVAL;
    if (s->brk_start) return VM_EINVAL;   /* once per program image (exec clears it) */
    s->brk_start = s->brk_end = base;
    return VM_OK;
}

/* True if no object of v's chain holds a page for the indices [lo, hi). */
static bool chain_clean(const vma_t *v, uint64_t lo, uint64_t hi)
{
    for (const vm_object_t *o = v->obj; o; o = o->backing) {
        uint64_t k;
        uintptr_t e;
        if (o->kind != VM_OBJ_ANON) return false;
        if (radix_next(&o->pages, lo, &k, &e) && k < hi) return false;
    }
    return true;
}

int vm_brk(vm_space_t *s, uintptr_t new_end, uintptr_t *cur)
{
    if (!s || !cur) return VM_EINVAL;
    vm_t *vm = s->vm;
    if (!s->brk_start || new_end < s->brk_start || new_end > vm->va_hi) return VM_EINVAL;
    uintptr_t old_top = page_round_up(s->brk_end), new_top = page_round_up(new_end);
    obj_retry_collapses(vm);
    if (new_top > old_top) {
        size_t i = vma_first_after(s, old_top);
        if (i < s->nvma && s->vmas[i].start < new_top) return VM_ENOMEM;   /* in the way */
        vma_t *h = old_top > s->brk_start ? vma_find(s, old_top - 1) : NULL;
        uint64_t lo = h ? h->pgoff + ((old_top - h->start) >> VM_PAGE_SHIFT) : 0;
        if (h && h->end == old_top && (h->flags & VMA_HEAP) && !(h->flags & VMA_SHARED) &&
            h->prot == (VM_PROT_READ | VM_PROT_WRITE) &&
            chain_clean(h, lo, lo + ((new_top - old_top) >> VM_PAGE_SHIFT))) {
            h->end = new_top;   /* grow in place: the new indices are untouched zeros */
        } else {
            if (vma_reserve(s, 1) != VM_OK) return VM_ENOMEM;
            vm_object_t *o = obj_new(vm, VM_OBJ_ANON);
            if (!o) return VM_ENOMEM;
            vma_t v = { .start = old_top, .end = new_top, .pgoff = 0, .obj = o,
                        .prot = VM_PROT_READ | VM_PROT_WRITE, .flags = VMA_HEAP };
            vma_insert(s, vma_first_after(s, old_top), &v);
        }
    } else if (new_top < old_top) {
        if (unmap_range(s, new_top, old_top) != VM_OK) return VM_ENOMEM;
    }
    s->brk_end = new_end;
    *cur = new_end;
    return VM_OK;
}
