/* The VM core's data structures, shared by its files (not by its callers).
 *
 * Ownership and counts (each one is recomputed independently by vm_check):
 *  - vm_page_t.refs = 1 for the object whose page tree holds it (the zero page: the
 *    zero object) + one per installed mapping recorded in some space's pmap.
 *  - vm_object_t.vma_refs = VMAs naming it as their top object; shadow_refs = objects
 *    whose backing it is (also the length of its shadows list); ext_refs = caller
 *    handles (file objects) or 1 for the permanent zero object. An object with no
 *    reference at all is destroyed; an anonymous object left with exactly one shadow
 *    and nothing else is collapsed into that shadow.
 *  - A private VMA's top object is always anonymous (a shadow when it has a backing)
 *    and is seen by that one space only; a shared VMA's top object is the shared object.
 *  - Every recorded mapping maps the frame a fresh lookup would find, writable only if
 *    the VMA is writable and the page belongs to the VMA's top object. */
#ifndef MM0_VM_INTERNAL_H
#define MM0_VM_INTERNAL_H

#include <string.h>

#include "radix.h"
#include "vm.h"

enum { VM_OBJ_ANON, VM_OBJ_FILE, VM_OBJ_DEVICE, VM_OBJ_ZERO };

enum { VM_PAGE_BORROWED = 1 };   /* a device or zero frame: never freed by us */

typedef struct vm_page {
    vm_frame_t frame;
    uint32_t refs;
    uint16_t flags;
    uint16_t pad;
    uint64_t check;      /* scratch for vm_check */
} vm_page_t;

struct vm_object {
    vm_t *vm;
    vm_object_t *next, *prev;         /* vm->objects */
    vm_object_t *backing;             /* the object below in the chain, or NULL */
    vm_object_t *shadows;             /* objects whose backing is this one */
    vm_object_t *sib_next, *sib_prev; /* in backing->shadows */
    radix_t pages;                    /* page index -> vm_page_t * */
    uint64_t npages;                  /* pages held */
    uint64_t size;                    /* file/device: pages; anon: unbounded */
    uint32_t vma_refs, shadow_refs, ext_refs;
    uint8_t kind;
    bool collapse_pending;            /* a collapse ran out of memory; retry later */
    uint32_t id;
    uint32_t chk_vma, chk_shadow;     /* scratch for vm_check */
    bool chk_seen;
    vm_page_t *zero_page;             /* VM_OBJ_ZERO only */
};

typedef struct vma {
    uintptr_t start, end;             /* page-aligned, start < end */
    uint64_t pgoff;                   /* page index in obj of start */
    vm_object_t *obj;
    uint8_t prot;                     /* VM_PROT_* */
    uint8_t flags;                    /* VMA_* */
} vma_t;

/* VMA_NOWRITE: mprotect may never add write (a shared view of a file its process may
 * only read). */
enum { VMA_SHARED = 1, VMA_HEAP = 2, VMA_NOWRITE = 4 };

struct vm_space {
    vm_t *vm;
    vm_space_t *next, *prev;          /* vm->spaces */
    vma_t *vmas;                      /* sorted by start, non-overlapping */
    size_t nvma, cap;
    radix_t pmap;                     /* vpn -> (vm_page_t *) | rights: installed maps */
    size_t nmapped;
    uintptr_t brk_start, brk_end;     /* brk_end is a byte address; 0/0 = no heap */
    void *user;
};

struct vm {
    vm_alloc_t a;
    vm_page_ops_t p;
    vm_mmu_ops_t m;
    uintptr_t va_lo, va_hi;
    vm_space_t *spaces;
    vm_object_t *objects;
    size_t nspaces, nobjects, npages; /* kept on create/destroy; checked against walks */
    size_t collapse_pending;
    uint32_t next_id;
    uint32_t bugs;                    /* internal inconsistencies noticed (vm_check fails) */
    vm_object_t *zero;
};

/* Pmap entries: the page pointer with the rights in its low (alignment) bits. */
#define PMAP_RIGHTS_MASK ((uintptr_t)7)
static inline vm_page_t *pmap_page(uintptr_t e) { return (vm_page_t *)(e & ~PMAP_RIGHTS_MASK); }
static inline unsigned pmap_rights(uintptr_t e) { return (unsigned)(e & PMAP_RIGHTS_MASK); }
static inline uint64_t va_vpn(uintptr_t va) { return (uint64_t)(va >> VM_PAGE_SHIFT); }

static inline void *vm_zalloc(vm_t *vm, size_t n)
{
    void *p = vm->a.alloc(vm->a.ctx, n);
    if (p) memset(p, 0, n);
    return p;
}
static inline void vm_free(vm_t *vm, void *p, size_t n) { vm->a.free(vm->a.ctx, p, n); }

/* object.c */
vm_object_t *obj_new(vm_t *vm, unsigned kind);      /* linked, no references yet */
void obj_free_unused(vm_object_t *o);                 /* undo obj_new before any use */
void obj_set_backing(vm_object_t *o, vm_object_t *backing);
void obj_release(vm_object_t *o);   /* re-examine after a reference went: destroy/collapse */
void obj_retry_collapses(vm_t *vm);
vm_page_t *page_new(vm_t *vm);                        /* metadata + frame, refs = 1 */
void page_put(vm_t *vm, vm_page_t *pg);               /* one reference less */
void obj_punch(vm_object_t *o, uint64_t lo, uint64_t hi);   /* free pages in [lo, hi) */
vm_page_t *obj_lookup(vm_object_t *top, uint64_t idx, vm_object_t **holder);

/* space.c */
vma_t *vma_find(vm_space_t *s, uintptr_t va);
void pmap_drop_range(vm_space_t *s, uintptr_t lo, uintptr_t hi);

#endif
