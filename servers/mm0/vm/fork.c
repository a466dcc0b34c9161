/* fork: a child space with every VMA of the parent.
 *
 * A shared VMA is simply referenced by both. A private VMA's top object X becomes a
 * hidden, frozen object: the parent and the child each get a fresh empty shadow over
 * it, so neither side's later writes are seen by the other, and the parent's writable
 * mappings of X's pages become read-only (reported through vm_mmu_ops_t.protect).
 * Everything that can fail (the space, its VMA array, two shadows per private VMA) is
 * allocated before anything is linked, so a failure changes nothing. */
#include "space.h"

int vm_fork(vm_space_t *parent, void *child_user, vm_space_t **out)
{
    if (!parent || !out) return VM_EINVAL;
    vm_t *vm = parent->vm;
    obj_retry_collapses(vm);

    size_t n = parent->nvma, nshadow = 0;
    for (size_t i = 0; i < n; i++)
        if (!(parent->vmas[i].flags & VMA_SHARED)) nshadow += 2;

    vm_space_t *c = vm_zalloc(vm, sizeof *c);
    if (!c) return VM_ENOMEM;
    c->vm = vm;
    c->user = child_user;
    vm_object_t **sh = NULL;
    size_t made = 0;
    if (n && vma_reserve_as(c, n, true) != VM_OK) goto fail;
    if (nshadow && !(sh = vm->a.alloc(vm->a.ctx, nshadow * sizeof *sh))) goto fail;
    for (; made < nshadow; made++)
        if (!(sh[made] = obj_new(vm, VM_OBJ_ANON))) goto fail;

    /* Commit: nothing below can fail. */
    size_t next = 0;
    for (size_t i = 0; i < n; i++) {
        vma_t *pv = &parent->vmas[i];
        vma_t cv = *pv;
        if (!(pv->flags & VMA_SHARED)) {
            vm_object_t *x = pv->obj, *ps = sh[next++], *cs = sh[next++];
            obj_set_backing(ps, x);
            obj_set_backing(cs, x);
            pv->obj = ps;
            ps->vma_refs++;
            x->vma_refs--;   /* the parent's reference moved to its shadow */
            cv.obj = cs;
            if (pv->prot & VM_PROT_WRITE)
                pmap_limit_range(parent, pv->start, pv->end, VM_PROT_ALL & ~VM_PROT_WRITE);
        }
        c->vmas[c->nvma++] = cv;
        cv.obj->vma_refs++;
    }
    if (sh) vm_free(vm, sh, nshadow * sizeof *sh);
    c->brk_start = parent->brk_start;
    c->brk_end = parent->brk_end;
    space_link(c);
    *out = c;
    return VM_OK;

fail:
    while (made > 0) obj_free_unused(sh[--made]);
    if (sh) vm_free(vm, sh, nshadow * sizeof *sh);
    if (c->vmas) vm_free(vm, c->vmas, c->cap * sizeof *c->vmas);
    vm_free(vm, c, sizeof *c);
    return VM_ENOMEM;
}
