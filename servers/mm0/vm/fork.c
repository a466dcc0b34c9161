/* fork: a child space with every VMA of the parent.
 *
 * A shared VMA is simply referenced by both. A private VMA's top object X becomes a
 * hidden, frozen object: the parent and the child each get a fresh empty shadow over
 * it, so neither side's later writes are seen by the other, and the parent's writable
 * mappings of X's pages become read-only (reported through vm_mmu_ops_t.protect).
 *
 * Shortcut: if X holds no page, freezing it would add an empty level to both chains.
 * Then the parent keeps X (it has nothing the child could miss) and only the child
 * gets a shadow, over X's backing (or a fresh anonymous object if X has none). This
 * keeps a VMA not written between forks from growing its chain at every fork.
 *
 * Everything that can fail (the space, its VMA array, the shadows) is allocated before
 * anything is linked, so a failure changes nothing. */
#include "space.h"

/* X needs no freezing: it holds no page (and, as a private top, is seen by this space
 * alone, possibly through several pieces of one split VMA, all of which keep it). */
static bool fork_keeps_top(const vma_t *v)
{
    const vm_object_t *x = v->obj;
    return x->npages == 0 && x->shadow_refs == 0 && x->ext_refs == 0;
}

int vm_fork(vm_space_t *parent, void *child_user, vm_space_t **out)
{
    if (!parent || !out) return VM_EINVAL;
    vm_t *vm = parent->vm;
    obj_retry_collapses(vm);

    /* Two slots per private VMA: the parent's new shadow (NULL if it keeps its top)
     * and the child's. */
    size_t n = parent->nvma, nslot = 0;
    for (size_t i = 0; i < n; i++)
        if (!(parent->vmas[i].flags & VMA_SHARED)) nslot += 2;

    vm_space_t *c = vm_zalloc(vm, sizeof *c);
    if (!c) return VM_ENOMEM;
    c->vm = vm;
    c->user = child_user;
    vm_object_t **sh = NULL;
    if (n && vma_reserve_as(c, n, true) != VM_OK) goto fail;
    if (nslot && !(sh = vm_zalloc(vm, nslot * sizeof *sh))) goto fail;
    for (size_t i = 0, s = 0; i < n; i++) {
        if (parent->vmas[i].flags & VMA_SHARED) continue;
        if (!fork_keeps_top(&parent->vmas[i]) && !(sh[s] = obj_new(vm, VM_OBJ_ANON))) goto fail;
        if (!(sh[s + 1] = obj_new(vm, VM_OBJ_ANON))) goto fail;
        s += 2;
    }

    /* Commit: nothing below can fail. */
    size_t s = 0;
    for (size_t i = 0; i < n; i++) {
        vma_t *pv = &parent->vmas[i];
        vma_t cv = *pv;
        if (!(pv->flags & VMA_SHARED)) {
            vm_object_t *x = pv->obj, *ps = sh[s], *cs = sh[s + 1];
            s += 2;
            if (!ps) {
                if (x->backing) obj_set_backing(cs, x->backing);
            } else {
                obj_set_backing(ps, x);
                obj_set_backing(cs, x);
                pv->obj = ps;
                ps->vma_refs++;
                x->vma_refs--;   /* the parent's reference moved to its shadow */
                if (pv->prot & VM_PROT_WRITE)
                    pmap_limit_range(parent, pv->start, pv->end, VM_PROT_ALL & ~VM_PROT_WRITE);
            }
            cv.obj = cs;
        }
        c->vmas[c->nvma++] = cv;
        cv.obj->vma_refs++;
    }
    if (sh) vm_free(vm, sh, nslot * sizeof *sh);
    c->brk_start = parent->brk_start;
    c->brk_end = parent->brk_end;
    space_link(c);
    *out = c;
    return VM_OK;

fail:
    if (sh) {
        for (size_t i = 0; i < nslot; i++)
            if (sh[i]) obj_free_unused(sh[i]);
        vm_free(vm, sh, nslot * sizeof *sh);
    }
    if (c->vmas) vm_free(vm, c->vmas, c->cap * sizeof *c->vmas);
    vm_free(vm, c, sizeof *c);
    return VM_ENOMEM;
}
