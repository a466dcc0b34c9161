/* mm0's VM-object core: address spaces, VMAs, VM objects with copy-on-write shadow
 * chains, and the page-fault handler. Portable C11; no kernel or libc dependency.
 *
 * The caller supplies three interfaces:
 *  - vm_alloc_t: metadata memory (mm0's heap; malloc with failure injection on a host);
 *  - vm_page_ops_t: physical page frames (frame capabilities in mm0; buffers on a host);
 *  - vm_mmu_ops_t: told synchronously of every installed mapping that must be
 *    downgraded to read-only or removed, so mm0 can do the same in the kernel.
 * New mappings are never installed by the library: vm_fault() returns one mapping to
 * install (frame, virtual address, rights) and records it as installed.
 *
 * Design, invariants and the exact clone semantics: docs/vm-objects.md.
 * Nothing here is thread-safe; mm0 serialises calls on one vm_t. */
#ifndef MM0_VM_H
#define MM0_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VM_PAGE_SHIFT 12
#define VM_PAGE_SIZE ((uintptr_t)1 << VM_PAGE_SHIFT)

/* Errors: negated values of the POSIX/newlib errno numbers, so mm0 can pass them on. */
enum {
    VM_OK = 0,
    VM_ENOMEM = -12,   /* metadata or a page frame could not be allocated (or mprotect
                          of a range with holes, as POSIX says) */
    VM_EACCES = -13,   /* the access is not allowed by the VMA's protection */
    VM_EFAULT = -14,   /* no VMA covers the address (or past the end of a file object) */
    VM_EBUSY = -16,    /* vm_destroy with spaces or objects still alive */
    VM_EINVAL = -22,   /* malformed range, flags or protection */
    VM_EPAGEIN = 1,    /* not an error: the file object must be given this page first
                          (vm_object_supply), then the fault retried */
};

/* Protection / mapping rights (a mapping's rights are a subset of its VMA's). */
enum { VM_PROT_NONE = 0, VM_PROT_READ = 1, VM_PROT_WRITE = 2, VM_PROT_EXEC = 4 };
#define VM_PROT_ALL (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC)

/* vm_mmap flags. Exactly one of SHARED and PRIVATE. NOWRITE: the mapping may never be
 * writable (vm_mmap with VM_PROT_WRITE, and a later vm_mprotect adding it, get
 * VM_EACCES), for a shared view of a file its process may only read. */
enum { VM_MAP_SHARED = 1, VM_MAP_PRIVATE = 2, VM_MAP_FIXED = 4, VM_MAP_ANON = 8, VM_MAP_NOWRITE = 16 };

/* Fault access kind, as decoded from the fault (scause) by mm0. */
enum { VM_ACCESS_READ = 1, VM_ACCESS_WRITE = 2, VM_ACCESS_EXEC = 4 };

/* A physical page as the page provider names it (a frame capability, a host pointer).
 * VM_FRAME_NONE is never a valid frame. */
typedef uintptr_t vm_frame_t;
#define VM_FRAME_NONE ((vm_frame_t)0)

typedef struct vm_alloc {
    /* Returns size bytes aligned to at least 8, or NULL. */
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *p, size_t size);
    void *ctx;
} vm_alloc_t;

typedef struct vm_page_ops {
    vm_frame_t (*alloc)(void *ctx);                 /* contents undefined; NONE = out */
    void (*free)(void *ctx, vm_frame_t f);
    void (*copy)(void *ctx, vm_frame_t dst, vm_frame_t src);
    void (*zero)(void *ctx, vm_frame_t f);
    vm_frame_t zero_frame;                          /* the shared zero page, never freed */
    void *ctx;
} vm_page_ops_t;

typedef struct vm_space vm_space_t;
typedef struct vm_object vm_object_t;
typedef struct vm vm_t;

typedef struct vm_mmu_ops {
    /* The mapping of frame at va in space must go (munmap, exit, exec, mprotect NONE). */
    void (*unmap)(void *ctx, vm_space_t *s, uintptr_t va, vm_frame_t frame);
    /* The mapping of frame at va must now have only these rights (fork, mprotect). */
    void (*protect)(void *ctx, vm_space_t *s, uintptr_t va, vm_frame_t frame, unsigned rights);
    void *ctx;
} vm_mmu_ops_t;

/* The one mapping a fault asks mm0 to install. If replaced is set, a mapping of
 * old_frame at va exists and must be replaced (or remapped) by this one. If present
 * is set, exactly this mapping is installed already (a spurious or repeated fault):
 * nothing to map, just resume the thread. */
typedef struct vm_fault_result {
    uintptr_t va;          /* page-aligned */
    vm_frame_t frame;
    unsigned rights;       /* VM_PROT_* */
    bool replaced;
    bool present;
    vm_frame_t old_frame;
    /* For VM_EPAGEIN: the object and page index the caller must supply. */
    vm_object_t *pagein_obj;
    uint64_t pagein_index;
} vm_fault_result_t;

/* Figures the self-check computed (each agreed two ways, or the check failed). */
typedef struct vm_stats {
    size_t spaces, vmas, objects, shadows, pages, mappings;
    size_t max_depth;      /* longest shadow chain, in objects */
} vm_stats_t;

/* --- the whole VM -------------------------------------------------------------- */
/* Usable user addresses are [va_lo, va_hi), both page-aligned. */
int vm_create(const vm_alloc_t *a, const vm_page_ops_t *p, const vm_mmu_ops_t *m,
              uintptr_t va_lo, uintptr_t va_hi, vm_t **out);
int vm_destroy(vm_t *vm);   /* VM_EBUSY while any space or caller-held object is alive */
vm_object_t *vm_zero_object(vm_t *vm);   /* /dev/zero: owns the zero page */

/* Self-check: every count two ways, every page's reference count, every recorded
 * mapping against what a fresh lookup would give. 0 if consistent, else -1 with a
 * description in msg. */
int vm_check(vm_t *vm, vm_stats_t *stats, char *msg, size_t msglen);

/* --- address spaces ------------------------------------------------------------ */
int vm_space_create(vm_t *vm, void *user, vm_space_t **out);
void *vm_space_user(const vm_space_t *s);
/* exit: every mapping reported removed, every VMA dropped. Cannot fail. */
void vm_space_destroy(vm_space_t *s);
/* exec: as destroy, but the space stays (empty, brk unset). Cannot fail. */
void vm_space_clear(vm_space_t *s);
/* fork: the child gets every VMA; private ones get shadows on both sides and the
 * parent's writable mappings of them are reported downgraded. All or nothing. */
int vm_fork(vm_space_t *parent, void *child_user, vm_space_t **child);

/* mmap: VM_MAP_ANON with obj NULL, or a file/device/zero object at byte offset
 * (page-aligned). Without VM_MAP_FIXED addr is a hint. Replaces what FIXED overlaps. */
int vm_mmap(vm_space_t *s, uintptr_t addr, size_t len, unsigned prot, unsigned flags,
            vm_object_t *obj, uint64_t offset, uintptr_t *out);
int vm_munmap(vm_space_t *s, uintptr_t addr, size_t len);
int vm_mprotect(vm_space_t *s, uintptr_t addr, size_t len, unsigned prot);
/* brk: vm_brk_init sets the (page-aligned) heap start; vm_brk moves the end (any
 * byte address >= start), growing or shrinking the heap. *cur gets the new end. */
int vm_brk_init(vm_space_t *s, uintptr_t base);
int vm_brk(vm_space_t *s, uintptr_t new_end, uintptr_t *cur);

/* --- faults and queries --------------------------------------------------------- */
int vm_fault(vm_space_t *s, uintptr_t va, unsigned access, vm_fault_result_t *out);
/* What the task sees at va, with no side effects: the frame a read would map
 * (VM_FRAME_NONE with VM_EPAGEIN if a file page is not yet supplied). */
int vm_peek(vm_space_t *s, uintptr_t va, vm_frame_t *frame);
/* The recorded installed mapping at va: true and its frame and rights, or false. */
bool vm_mapping(vm_space_t *s, uintptr_t va, vm_frame_t *frame, unsigned *rights);

/* --- objects -------------------------------------------------------------------- */
/* A file object of npages pages, held by the caller (one reference) until
 * vm_object_put. Its pages come from the caller through vm_object_supply (the frame
 * then belongs to the object and is freed with it). */
int vm_object_create_file(vm_t *vm, uint64_t npages, vm_object_t **out);
/* A device object: its frames are supplied once and never freed or copied by the
 * library; it can only be mapped shared; a missing page is VM_EFAULT. */
int vm_object_create_device(vm_t *vm, uint64_t npages, vm_object_t **out);
int vm_object_supply(vm_object_t *o, uint64_t index, vm_frame_t frame);
void vm_object_put(vm_object_t *o);
/* True if the caller's one reference is all that keeps o: no VMA maps it and no
 * shadow reads through it (vm_object_put would free it and its pages now). */
bool vm_object_unused(const vm_object_t *o);

#endif
