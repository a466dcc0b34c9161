/* VM objects: creation, chains of shadows, destruction and collapse; pages.
 *
 * An object holds pages by index in a radix tree. Anonymous objects without a
 * backing read as zeros (the zero object's page); with a backing they are shadows and
 * a miss falls through to the backing. File objects get their pages from the caller
 * (vm_object_supply); device objects hold borrowed frames. */
#include "vm_internal.h"

vm_page_t *page_new(vm_t *vm)
{
    vm_page_t *pg = vm_zalloc(vm, sizeof *pg);
    if (!pg) return NULL;
    pg->frame = vm->p.alloc(vm->p.ctx);
    if (pg->frame == VM_FRAME_NONE) {
        vm_free(vm, pg, sizeof *pg);
        return NULL;
    }
    pg->refs = 1;
    vm->npages++;
    return pg;
}

void page_put(vm_t *vm, vm_page_t *pg)
{
    if (--pg->refs > 0) return;
    if (!(pg->flags & VM_PAGE_BORROWED)) vm->p.free(vm->p.ctx, pg->frame);
    vm->npages--;
    vm_free(vm, pg, sizeof *pg);
}

vm_object_t *obj_new(vm_t *vm, unsigned kind)
{
    vm_object_t *o = vm_zalloc(vm, sizeof *o);
    if (!o) return NULL;
    o->vm = vm;
    o->kind = (uint8_t)kind;
    o->size = UINT64_MAX;
    o->id = ++vm->next_id;
    o->next = vm->objects;
    if (vm->objects) vm->objects->prev = o;
    vm->objects = o;
    vm->nobjects++;
    return o;
}

static void obj_unlink_free(vm_object_t *o)
{
    vm_t *vm = o->vm;
    if (o->prev) o->prev->next = o->next;
    else vm->objects = o->next;
    if (o->next) o->next->prev = o->prev;
    vm->nobjects--;
    vm_free(vm, o, sizeof *o);
}

void obj_free_unused(vm_object_t *o) { obj_unlink_free(o); }

void obj_set_backing(vm_object_t *o, vm_object_t *b)
{
    o->backing = b;
    o->sib_prev = NULL;
    o->sib_next = b->shadows;
    if (b->shadows) b->shadows->sib_prev = o;
    b->shadows = o;
    b->shadow_refs++;
}

/* Takes o off its backing's shadow list; returns the backing. */
static vm_object_t *obj_unset_backing(vm_object_t *o)
{
    vm_object_t *b = o->backing;
    if (!b) return NULL;
    if (o->sib_prev) o->sib_prev->sib_next = o->sib_next;
    else b->shadows = o->sib_next;
    if (o->sib_next) o->sib_next->sib_prev = o->sib_prev;
    o->sib_next = o->sib_prev = NULL;
    o->backing = NULL;
    b->shadow_refs--;
    return b;
}

vm_page_t *obj_lookup(vm_object_t *top, uint64_t idx, vm_object_t **holder)
{
    vm_object_t *o = top;
    for (;;) {
        if (o->kind == VM_OBJ_ZERO) {
            *holder = o;
            return o->zero_page;
        }
        vm_page_t *pg = (vm_page_t *)radix_get(&o->pages, idx);
        if (pg) {
            *holder = o;
            return pg;
        }
        if (o->backing) {
            o = o->backing;
            continue;
        }
        if (o->kind == VM_OBJ_ANON) {   /* the bottom of an anonymous chain reads zeros */
            *holder = o->vm->zero;
            return o->vm->zero->zero_page;
        }
        *holder = o;                    /* file or device page not present */
        return NULL;
    }
}

void obj_punch(vm_object_t *o, uint64_t lo, uint64_t hi)
{
    uint64_t k;
    uintptr_t v;
    while (lo < hi && radix_next(&o->pages, lo, &k, &v) && k < hi) {
        radix_remove(&o->pages, k, &o->vm->a);
        o->npages--;
        vm_page_t *pg = (vm_page_t *)v;
        if (pg->refs != 1) o->vm->bugs++;   /* still mapped: a caller's invariant broke */
        page_put(o->vm, pg);
        lo = k + 1;
        if (lo == 0) break;                 /* wrapped past UINT64_MAX */
    }
}

/* Frees an object nothing refers to; returns its backing (one reference fewer). */
static vm_object_t *obj_destroy(vm_object_t *o)
{
    vm_t *vm = o->vm;
    uint64_t k = 0;
    uintptr_t v;
    while (radix_next(&o->pages, k, &k, &v)) {
        vm_page_t *pg = (vm_page_t *)v;
        if (pg->refs != 1) vm->bugs++;   /* still mapped: an invariant broke */
        page_put(vm, pg);
        if (++k == 0) break;
    }
    radix_destroy(&o->pages, &vm->a);   /* frees the nodes in one pass */
    o->npages = 0;
    if (o->collapse_pending) vm->collapse_pending--;
    vm_object_t *b = obj_unset_backing(o);
    obj_unlink_free(o);
    return b;
}

/* Releases the target slots reserved for the keys of src it does not hold. */
static void unreserve(radix_t *dst, const radix_t *src, const vm_alloc_t *a)
{
    uint64_t k = 0;
    uintptr_t v;
    while (radix_next(src, k, &k, &v)) {
        if (!radix_get(dst, k)) radix_remove(dst, k, a);
        if (++k == 0) break;
    }
}

/* Reserves in dst a slot for every key of src: all or nothing. */
static int reserve_all(radix_t *dst, const radix_t *src, const vm_alloc_t *a)
{
    uint64_t k = 0;
    uintptr_t v;
    while (radix_next(src, k, &k, &v)) {
        if (radix_reserve(dst, k, a) != VM_OK) {
            unreserve(dst, src, a);
            return VM_ENOMEM;
        }
        if (++k == 0) break;
    }
    return VM_OK;
}

/* x is anonymous and its only referrer is its one shadow s: fold x into s, so that s
 * sees exactly what it saw (its own pages over x's), and free x. The smaller page tree
 * is merged into the larger; every slot is reserved first, so running out of memory
 * changes nothing (the collapse is then retried by obj_retry_collapses). Pages of x
 * that s hides are mapped nowhere (nobody else sees x), so they are freed. */
static int obj_collapse(vm_object_t *x)
{
    vm_t *vm = x->vm;
    vm_object_t *s = x->shadows;
    uint64_t k = 0;
    uintptr_t v;
    if (s->npages <= x->npages) {
        /* Move s's pages down over x's, then let s take the tree. */
        if (reserve_all(&x->pages, &s->pages, &vm->a) != VM_OK) return VM_ENOMEM;
        while (radix_next(&s->pages, k, &k, &v)) {
            vm_page_t *hidden = (vm_page_t *)radix_get(&x->pages, k);
            radix_store(&x->pages, k, v);
            if (hidden) page_put(vm, hidden);
            else x->npages++;
            radix_remove(&s->pages, k, &vm->a);
            s->npages--;
            if (++k == 0) break;
        }
        radix_t t = s->pages;
        s->pages = x->pages;
        x->pages = t;
        s->npages = x->npages;
        x->npages = 0;
    } else {
        /* Move x's visible pages up into s; free the ones s hides (their slots in s
         * are the ones already full, so no reserved slot is left unused). */
        if (reserve_all(&s->pages, &x->pages, &vm->a) != VM_OK) return VM_ENOMEM;
        while (radix_next(&x->pages, k, &k, &v)) {
            if (radix_get(&s->pages, k)) {
                page_put(vm, (vm_page_t *)v);
            } else {
                radix_store(&s->pages, k, v);
                s->npages++;
            }
            radix_remove(&x->pages, k, &vm->a);
            x->npages--;
            if (++k == 0) break;
        }
    }
    obj_unset_backing(s);
    vm_object_t *b = obj_unset_backing(x);
    if (b) obj_set_backing(s, b);
    obj_destroy(x);
    return VM_OK;
}

static bool collapsible(const vm_object_t *o)
{
    return o->kind == VM_OBJ_ANON && !o->vma_refs && !o->ext_refs && o->shadow_refs == 1;
}

void obj_release(vm_object_t *o)
{
    while (o && o->kind != VM_OBJ_ZERO) {
        if (!o->vma_refs && !o->shadow_refs && !o->ext_refs) {
            o = obj_destroy(o);
            continue;
        }
        if (collapsible(o) && obj_collapse(o) != VM_OK && !o->collapse_pending) {
            o->collapse_pending = true;
            o->vm->collapse_pending++;
        }
        return;
    }
}

void obj_retry_collapses(vm_t *vm)
{
    if (!vm->collapse_pending) return;
    for (vm_object_t *o = vm->objects, *next; o; o = next) {
        next = o->next;   /* a collapse frees o, never another object */
        if (!o->collapse_pending) continue;
        if (!collapsible(o)) {
            o->collapse_pending = false;
            vm->collapse_pending--;
        } else if (obj_collapse(o) != VM_OK) {
            return;       /* still short of memory; try again next time */
        }
    }
}

/* --- the public object calls ---------------------------------------------------- */

vm_object_t *vm_zero_object(vm_t *vm) { return vm->zero; }

static int create_backed(vm_t *vm, unsigned kind, uint64_t npages, vm_object_t **out)
{
    if (!out || npages == 0) return VM_EINVAL;
    vm_object_t *o = obj_new(vm, kind);
    if (!o) return VM_ENOMEM;
    o->size = npages;
    o->ext_refs = 1;
    *out = o;
    return VM_OK;
}

int vm_object_create_file(vm_t *vm, uint64_t npages, vm_object_t **out)
{
    return create_backed(vm, VM_OBJ_FILE, npages, out);
}

int vm_object_create_device(vm_t *vm, uint64_t npages, vm_object_t **out)
{
    return create_backed(vm, VM_OBJ_DEVICE, npages, out);
}

int vm_object_supply(vm_object_t *o, uint64_t index, vm_frame_t frame)
{
    if (!o || (o->kind != VM_OBJ_FILE && o->kind != VM_OBJ_DEVICE)) return VM_EINVAL;
    if (index >= o->size || frame == VM_FRAME_NONE || radix_get(&o->pages, index))
        return VM_EINVAL;
    vm_t *vm = o->vm;
    vm_page_t *pg = vm_zalloc(vm, sizeof *pg);
    if (!pg) return VM_ENOMEM;
    if (radix_reserve(&o->pages, index, &vm->a) != VM_OK) {
        vm_free(vm, pg, sizeof *pg);
        return VM_ENOMEM;
    }
    pg->frame = frame;
    pg->refs = 1;
    if (o->kind == VM_OBJ_DEVICE) pg->flags = VM_PAGE_BORROWED;
    radix_store(&o->pages, index, (uintptr_t)pg);
    o->npages++;
    vm->npages++;
    return VM_OK;
}

void vm_object_put(vm_object_t *o)
{
    if (!o || o->kind == VM_OBJ_ZERO || o->ext_refs == 0) return;
    o->ext_refs--;
    obj_release(o);
}

bool vm_object_unused(const vm_object_t *o)
{
    return o && o->kind != VM_OBJ_ZERO && o->ext_refs == 1 && !o->vma_refs && !o->shadow_refs;
}
