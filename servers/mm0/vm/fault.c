/* The page-fault handler: find the VMA, check the access, find or make the page, and
 * describe the one mapping to install (recording it as installed).
 *
 * Read faults walk the chain down to the first object holding the page; an anonymous
 * chain that holds none reads the zero page (read-only). A write fault on a private
 * VMA copies the page it finds (or zero-fills, for the zero page) into the top object.
 * Shared VMAs write in place; their zero-fill pages are real pages from the first
 * touch, so every sharer always maps the same frame. A fault whose access the installed
 * mapping already allows (a spurious or repeated fault) allocates nothing. */
#include "space.h"

int vm_fault(vm_space_t *s, uintptr_t va, unsigned access, vm_fault_result_t *out)
{
    if (!s || !out) return VM_EINVAL;
    *out = (vm_fault_result_t){0};
    unsigned need = access == VM_ACCESS_WRITE ? VM_PROT_WRITE
                  : access == VM_ACCESS_EXEC  ? VM_PROT_EXEC
                  : access == VM_ACCESS_READ  ? VM_PROT_READ : 0;
    if (!need) return VM_EINVAL;
    vma_t *v = vma_find(s, va);
    if (!v) return VM_EFAULT;
    if (!(v->prot & need)) return VM_EACCES;

    vm_t *vm = s->vm;
    uintptr_t pva = va & ~(VM_PAGE_SIZE - 1);
    uint64_t vpn = va_vpn(pva), idx = v->pgoff + ((pva - v->start) >> VM_PAGE_SHIFT);
    /* The mapping's pmap slot and the top object's page slot are found once and
     * filled at the end (radix_slot); only a missing path is made (radix_reserve). */
    radix_node_t *pleaf = NULL, *tleaf = NULL;
    uintptr_t *pslot = radix_slot(&s->pmap, vpn, &pleaf);
    uintptr_t cur = pslot ? *pslot : 0;
    vm_page_t *pg;
    if (cur && (pmap_rights(cur) & need)) {
        pg = pmap_page(cur);
        out->va = pva;
        out->frame = pg->frame;
        out->rights = pmap_rights(cur);
        out->present = true;
        return VM_OK;
    }

    vm_object_t *top = v->obj, *holder;
    pg = obj_lookup(top, idx, &holder);
    if (!pg) {
        if (holder->kind == VM_OBJ_FILE && idx < holder->size) {
            out->pagein_obj = holder;
            out->pagein_index = idx;
            return VM_EPAGEIN;
        }
        return VM_EFAULT;   /* past the end of a file, or a hole in a device */
    }
    bool shared = v->flags & VMA_SHARED;
    bool zero_fill = holder->kind == VM_OBJ_ZERO && (shared || need == VM_PROT_WRITE);
    bool copy = !zero_fill && !shared && need == VM_PROT_WRITE && holder != top;
    /* Private pages below the top stay read-only until written. */
    unsigned rights = v->prot;
    if (!shared && !zero_fill && !copy && holder != top) rights &= ~(unsigned)VM_PROT_WRITE;

    /* Everything that can fail, before any change. */
    if (!pslot) {
        if (radix_reserve(&s->pmap, vpn, &vm->a) != VM_OK) return VM_ENOMEM;
        pslot = radix_slot(&s->pmap, vpn, &pleaf);
    }
    if (zero_fill || copy) {
        vm_page_t *np = NULL;
        uintptr_t *tslot = radix_slot(&top->pages, idx, &tleaf);
        if (!tslot && radix_reserve(&top->pages, idx, &vm->a) == VM_OK)
            tslot = radix_slot(&top->pages, idx, &tleaf);
        if (!tslot || !(np = page_new(vm))) {
            radix_remove(&top->pages, idx, &vm->a);   /* drop the unused path */
            if (!cur) radix_remove(&s->pmap, vpn, &vm->a);
            return VM_ENOMEM;
        }
        if (zero_fill) vm->p.zero(vm->p.ctx, np->frame);
        else vm->p.copy(vm->p.ctx, np->frame, pg->frame);
        radix_fill(tleaf, tslot, (uintptr_t)np);
        top->npages++;
        pg = np;
    }

    /* The generic map step: record the mapping and describe it. */
    if (cur) {
        vm_page_t *old = pmap_page(cur);
        out->replaced = true;
        out->old_frame = old->frame;
        page_put(vm, old);
    } else {
        s->nmapped++;
    }
    radix_fill(pleaf, pslot, (uintptr_t)pg | rights);
    pg->refs++;
    out->va = pva;
    out->frame = pg->frame;
    out->rights = rights;
    return VM_OK;
}

int vm_peek(vm_space_t *s, uintptr_t va, vm_frame_t *frame)
{
    if (!s || !frame) return VM_EINVAL;
    *frame = VM_FRAME_NONE;
    vma_t *v = vma_find(s, va);
    if (!v) return VM_EFAULT;
    uint64_t idx = v->pgoff + ((va - v->start) >> VM_PAGE_SHIFT);
    vm_object_t *holder;
    vm_page_t *pg = obj_lookup(v->obj, idx, &holder);
    if (pg) {
        *frame = pg->frame;
        return VM_OK;
    }
    return holder->kind == VM_OBJ_FILE && idx < holder->size ? VM_EPAGEIN : VM_EFAULT;
}

bool vm_mapping(vm_space_t *s, uintptr_t va, vm_frame_t *frame, unsigned *rights)
{
    uintptr_t e = s ? radix_get(&s->pmap, va_vpn(va)) : 0;
    if (!e) return false;
    if (frame) *frame = pmap_page(e)->frame;
    if (rights) *rights = pmap_rights(e);
    return true;
}
