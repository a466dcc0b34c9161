/* mm0's memory layer over the VM-object library (memory.h). */
#include "memory.h"
#include "fs0link.h"
#include <errno.h>
#include <mm0/protocol.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#define PAGE_DOWN(x) ((x) & ~(PAGE_SIZE - 1))
#define IDX(va, level) (((va) >> (12 + 9 * (level))) & 511)

static vm_t *vm;

/* ------------------------------------------------------------ what the library asks of us */

static vm_frame_t frame_of(page_t p) { return (vm_frame_t)p + 1; }
static page_t page_of(vm_frame_t f) { return (page_t)(f - 1); }

/* The library's small records (a page's is 24 bytes, made on every zero-fill or copy
 * fault) come from free lists, one per 8-byte size class, carved from 4 KiB blocks of
 * malloc: picolibc's malloc costs about 200 instructions a call, a list pop about 10.
 * The library frees with the size it allocated (the host tests check it), so a record
 * goes back to its own class. Carved memory stays in its class (mm0's heap never
 * shrinks anyway); each class holds at most its peak of live records. */
#define SMALL_MAX 64
#define SMALL_CHUNK 4096

struct small_block { struct small_block *next; };
static struct small_block *small_free[SMALL_MAX / 8 + 1];

static void *heap_alloc(void *ctx, size_t size)
{
    (void)ctx;
    if (size == 0 || size > SMALL_MAX) return malloc(size);
    unsigned k = (unsigned)((size + 7) / 8);
    if (!small_free[k]) {
        uint8_t *chunk = malloc(SMALL_CHUNK);
        if (!chunk) return NULL;
        for (size_t off = 0; off + k * 8 <= SMALL_CHUNK; off += k * 8) {
            struct small_block *b = (struct small_block *)(chunk + off);
            b->next = small_free[k];
            small_free[k] = b;
        }
    }
    struct small_block *b = small_free[k];
    small_free[k] = b->next;
    return b;
}

static void heap_free(void *ctx, void *p, size_t size)
{
    (void)ctx;
    if (!p) return;
    if (size == 0 || size > SMALL_MAX) {
        free(p);
        return;
    }
    struct small_block *b = p;
    unsigned k = (unsigned)((size + 7) / 8);
    b->next = small_free[k];
    small_free[k] = b;
}

/* Frames the kernel has just cleared (retype zeroes memory) and nobody has mapped
 * since: clearing them again is skipped. Every path that could write a frame (a
 * mapping into a task, a copy into it, a page-in) clears the mark first. */
static uint8_t fresh[65536 / 8];

static void set_fresh(page_t p, bool on)
{
    if (p / 8 >= sizeof fresh) return;
    if (on) fresh[p / 8] |= (uint8_t)(1u << (p % 8));
    else fresh[p / 8] &= (uint8_t)~(1u << (p % 8));
}

static bool is_fresh(page_t p) { return p / 8 < sizeof fresh && fresh[p / 8] & (1u << (p % 8)); }

static vm_frame_t frame_alloc(void *ctx)
{
    (void)ctx;
    page_t p = pool_page_new(K_RISCV_4K_PAGE_OBJECT, 0);
    if (p == NO_PAGE) return VM_FRAME_NONE;
    set_fresh(p, true);
    return frame_of(p);
}

static void frame_free(void *ctx, vm_frame_t f)
{
    (void)ctx;
    if (fs0_cache_let_go(page_of(f))) return;   /* fs0's cache frame: released to fs0 */
    pool_page_release(page_of(f));
}

/* picolibc's memcpy and memset are built for size (byte at a time): pages are copied
 * and cleared a word at a time here. Both pointers are page-aligned. */
static void copy_page(uint64_t *to, const uint64_t *from)
{
    /* Eight words a round: the loop's own three instructions are an eighth of the rest. */
    for (unsigned i = 0; i < PAGE_SIZE / 8; i += 8) {
        uint64_t a = from[i], b = from[i + 1], c = from[i + 2], d = from[i + 3];
        uint64_t e = from[i + 4], f = from[i + 5], g = from[i + 6], h = from[i + 7];
        to[i] = a;
        to[i + 1] = b;
        to[i + 2] = c;
        to[i + 3] = d;
        to[i + 4] = e;
        to[i + 5] = f;
        to[i + 6] = g;
        to[i + 7] = h;
    }
}

static void clear_page(uint64_t *to)
{
    for (unsigned i = 0; i < PAGE_SIZE / 8; i += 8)
        to[i] = to[i + 1] = to[i + 2] = to[i + 3] = to[i + 4] = to[i + 5] = to[i + 6] = to[i + 7] = 0;
}

static void frame_copy(void *ctx, vm_frame_t dst, vm_frame_t src)
{
    (void)ctx;
    set_fresh(page_of(dst), false);
    uint8_t *from = window_map(0, page_of(src)), *to = from ? window_map(1, page_of(dst)) : NULL;
    /* Cannot fail short of a broken mm0: the window's tables exist after first use. */
    if (from && to) copy_page((uint64_t *)to, (const uint64_t *)from);
    else printf("mm0: BUG: window mapping failed in a page copy\n");
    window_unmap(1);
    window_unmap(0);
}

static void frame_zero(void *ctx, vm_frame_t f)
{
    (void)ctx;
    if (is_fresh(page_of(f))) return;
    uint8_t *w = window_map(0, page_of(f));
    if (w) clear_page((uint64_t *)w);
    else printf("mm0: BUG: window mapping failed in a page clear\n");
    window_unmap(0);
}

/* ------------------------------------------------------------ mapping slots */

/* The radix of a task's mappings: 512 -> 512 -> uint32_t[512] slot numbers, as Sv39. */
static uint32_t *map_entry(struct mem *m, k_word_t va, bool make)
{
    if (!m->maps && (!make || !(m->maps = calloc(512, sizeof(void *))))) return NULL;
    void **l1 = m->maps[IDX(va, 2)];
    if (!l1) {
        if (!make || !(l1 = calloc(512, sizeof(void *)))) return NULL;
        m->maps[IDX(va, 2)] = l1;
    }
    uint32_t *leaf = l1[IDX(va, 1)];
    if (!leaf) {
        if (!make || !(leaf = calloc(512, sizeof(uint32_t)))) return NULL;
        l1[IDX(va, 1)] = leaf;
    }
    return &leaf[IDX(va, 0)];
}

static void maps_free(struct mem *m)
{
    if (!m->maps) return;
    for (unsigned i = 0; i < 512; i++) {
        void **l1 = m->maps[i];
        if (!l1) continue;
        for (unsigned j = 0; j < 512; j++) free(l1[j]);
        free(l1);
    }
    free(m->maps);
    m->maps = NULL;
}

static k_word_t rights_of(unsigned prot)
{
    return prot & VM_PROT_WRITE ? K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE : K_CAP_RIGHT_READ;
}

static k_word_t attr_of(unsigned prot)
{
    return prot & VM_PROT_EXEC ? K_RISCV_DEFAULT_VM_ATTRIBUTES : K_RISCV_EXECUTE_NEVER;
}

/* A mapping's capability goes: the frame's original is unmapped (and free for the next
 * mapping), a copy is deleted, which unmaps it. */
static void drop_cap(k_cptr_t cap)
{
    page_t p = page_of_cap(cap);
    if (p != NO_PAGE) {
        frame_original_give(p);
        return;
    }
    k_cnode_delete(MM0_CAP_CNODE, cap, MM0_DEPTH);
    map_slot_free(cap);
}

static void unmap_slot(struct mem *m, k_word_t va)
{
    uint32_t *e = map_entry(m, va, false);
    if (!e || !*e) return;
    drop_cap(*e);
    *e = 0;
}

static void mmu_unmap(void *ctx, vm_space_t *s, uintptr_t va, vm_frame_t frame)
{
    (void)ctx;
    (void)frame;
    unmap_slot(vm_space_user(s), va);
}

/* The rights a frame may be mapped with now: a cache frame fs0 does not hold for
 * writing is mapped read-only even where the VMA may write (fs0cache.c: its first
 * store faults, and the pager asks fs0 to hold it for writing, so fs0 writes back only
 * pages that were stored to). */
static unsigned map_rights(page_t p, unsigned rights)
{
    k_word_t file;
    uint64_t index;
    bool granted;
    if (rights & VM_PROT_WRITE && fs0_cache_is_frame(p) && fs0_cache_frame(p, &file, &index, &granted) &&
        !granted)
        rights &= ~(unsigned)VM_PROT_WRITE;
    return rights;
}

static void mmu_protect(void *ctx, vm_space_t *s, uintptr_t va, vm_frame_t frame, unsigned rights)
{
    (void)ctx;
    struct mem *m = vm_space_user(s);
    rights = map_rights(page_of(frame), rights);
    uint32_t *e = map_entry(m, va, false);
    if (!e || !*e) return;
    if (!(rights & VM_PROT_ALL)) {
        unmap_slot(m, va);
        return;
    }
    k_riscv_page_unmap(*e);
    if (k_riscv_page_map(*e, m->vspace, va, rights_of(rights), attr_of(rights))) {
        /* The tables are there (it was mapped): only a broken kernel gets here. The
         * page is left unmapped; the next access faults and maps it again. */
        printf("mm0: BUG: remapping 0x%lx failed\n", (k_word_t)va);
        unmap_slot(m, va);
    }
}

/* The generic map step after all fault-specific work: frame at va with rights. The
 * mapping capability is the frame's original if that maps nothing yet (a new page's
 * first mapping: no capability copy on the fault path), else a copy of it. */
static int install(struct mem *m, const vm_fault_result_t *r)
{
    page_t p = page_of(r->frame);
    unsigned rights = map_rights(p, r->rights);
    set_fresh(p, false);
    uint32_t *e = map_entry(m, r->va, true);   /* fails only if no mapping was there */
    if (!e) return -ENOMEM;
    if (*e) {   /* a replaced mapping (or a repeated fault's own) goes first */
        drop_cap(*e);
        *e = 0;
    }
    k_cptr_t cap;
    if (frame_original_take(p)) {
        cap = page_cap(p);
    } else {
        if (!(cap = map_slot_alloc())) return -ENOMEM;
        if (k_cnode_copy(MM0_CAP_CNODE, cap, MM0_DEPTH, MM0_CAP_CNODE, page_cap(p), MM0_DEPTH,
                         K_CAP_RIGHTS_ALL)) {
            map_slot_free(cap);
            return -ENOMEM;
        }
    }
    int err = space_map(m->vspace, &m->pts, cap, r->va, rights_of(rights), attr_of(rights));
    if (err) {
        drop_cap(cap);
        return err;
    }
    *e = (uint32_t)cap;
    return 0;
}

/* ------------------------------------------------------------ programs (file objects) */

#define MAX_PROGRAMS 32

struct program {
    char name[32];
    const uint8_t *data;
    k_word_t size;
    vm_object_t *obj;
};

static struct program programs[MAX_PROGRAMS];
static unsigned n_programs;

struct program *mem_program(const char *name, const uint8_t *data, k_word_t size, int *err)
{
    for (unsigned i = 0; i < n_programs; i++)
        if (programs[i].data == data) return &programs[i];
    if (n_programs == MAX_PROGRAMS) {
        *err = -ENOMEM;
        return NULL;
    }
    struct program *p = &programs[n_programs];
    int e = vm_object_create_file(vm, (size + PAGE_SIZE - 1) / PAGE_SIZE, &p->obj);
    if (e) {
        *err = e;
        return NULL;
    }
    strncpy(p->name, name, sizeof p->name - 1);
    p->data = data;
    p->size = size;
    n_programs++;
    return p;
}

/* A page of a program's file, read from the archive into a new frame. */
static int page_in(vm_object_t *obj, uint64_t index)
{
    struct program *p = NULL;
    for (unsigned i = 0; i < n_programs; i++)
        if (programs[i].obj == obj) p = &programs[i];
    if (!p || index >= (p->size + PAGE_SIZE - 1) / PAGE_SIZE) return -EFAULT;
    vm_frame_t f = frame_alloc(NULL);
    if (f == VM_FRAME_NONE) return -ENOMEM;
    set_fresh(page_of(f), false);
    uint8_t *w = window_map(0, page_of(f));
    if (!w) {
        frame_free(NULL, f);
        return -ENOMEM;
    }
    k_word_t off = index * PAGE_SIZE, n = p->size - off < PAGE_SIZE ? p->size - off : PAGE_SIZE;
    memcpy(w, p->data + off, n);   /* the rest of a new frame is zero already */
    window_unmap(0);
    int e = vm_object_supply(obj, index, f);
    if (e) frame_free(NULL, f);
    return e;
}

vm_object_t *mem_program_object(struct program *prog) { return prog->obj; }

int mem_map_object(struct mem *m, vm_object_t *obj, k_word_t va, k_word_t len, k_word_t offset,
                   unsigned prot, unsigned vm_flags, k_word_t *out)
{
    uintptr_t at = 0;
    if (!m->space) return -EFAULT;
    int e = vm_mmap(m->space, va, len, prot, vm_flags, obj, offset, &at);
    *out = at;
    return e;
}

int mem_supply(vm_object_t *obj, uint64_t index, page_t p)
{
    return vm_object_supply(obj, index, frame_of(p));
}

vm_t *mem_vm(void) { return vm; }

/* ------------------------------------------------------------ the interface */

int mem_system_init(void)
{
    static const vm_alloc_t alloc = {heap_alloc, heap_free, NULL};
    static vm_page_ops_t pages = {frame_alloc, frame_free, frame_copy, frame_zero, VM_FRAME_NONE, NULL};
    static const vm_mmu_ops_t mmu = {mmu_unmap, mmu_protect, NULL};
    pages.zero_frame = frame_alloc(NULL);   /* new frames are zero: the shared zero page */
    if (pages.zero_frame == VM_FRAME_NONE) return -ENOMEM;
    return vm_create(&alloc, &pages, &mmu, PAGE_SIZE, MM0_USER_VA_END, &vm);
}

int mem_self_check(vm_stats_t *stats, char *msg, size_t len)
{
    return vm_check(vm, stats, msg, len) ? -EIO : 0;
}

void mem_init(struct mem *m, k_cptr_t vspace)
{
    memset(m, 0, sizeof *m);
    m->vspace = vspace;
}

int mem_new_space(struct mem *m) { return vm_space_create(vm, m, &m->space); }

int mem_fork(struct mem *dst, struct mem *src) { return vm_fork(src->space, dst, &dst->space); }

void mem_clear(struct mem *m)
{
    if (m->space) vm_space_clear(m->space);
}

void mem_destroy(struct mem *m)
{
    if (m->space) vm_space_destroy(m->space);
    m->space = NULL;
    maps_free(m);
    pt_list_release(&m->pts);
}

/* The whole fault path, file page-ins included; *frame gets the page now mapped. A
 * page of an fs0 file that is not held yet needs the pager: MEM_FS0_WAIT, and *w says
 * which (w may be NULL: mm0's own accesses then get -EFAULT). */
static int fault_in(struct mem *m, k_word_t va, unsigned access, vm_frame_t *frame,
                    struct mem_wait *w)
{
    if (!m->space) return -EFAULT;
    vm_fault_result_t r;
    int e = vm_fault(m->space, va, access, &r);
    for (int tries = 0; e == VM_EPAGEIN && tries < 4; tries++) {
        k_word_t id;
        if (filemap_id(r.pagein_obj, &id)) {
            if (!w) return -EFAULT;
            w->file_id = id;
            w->index = r.pagein_index;
            return MEM_FS0_WAIT;
        }
        e = page_in(r.pagein_obj, r.pagein_index);
        if (e == 0) e = vm_fault(m->space, va, access, &r);
    }
    if (e == VM_EACCES) return -EFAULT;
    if (e) return e == VM_EPAGEIN ? -EFAULT : e;
    /* A store to a cache frame fs0 does not yet hold for writing: the pager asks it to
     * first (map_rights). */
    k_word_t file;
    uint64_t index;
    bool granted = true, cache = access == VM_ACCESS_WRITE && r.rights & VM_PROT_WRITE &&
                                 fs0_cache_is_frame(page_of(r.frame)) &&
                                 fs0_cache_frame(page_of(r.frame), &file, &index, &granted);
    if (cache && !granted) {
        if (!w) return -EFAULT;
        w->file_id = file;
        w->index = index;
        return MEM_FS0_WAIT;
    }
    /* Already installed (a spurious fault, or mm0's own access to a mapped page). */
    uint32_t *slot = r.present ? map_entry(m, r.va, false) : NULL;
    if ((!slot || !*slot) && (e = install(m, &r))) return e;
    /* Mapped read-only before fs0 held it for writing: now with the VMA's rights. */
    if (cache && slot && *slot) mmu_protect(NULL, m->space, r.va, r.frame, r.rights);
    if (frame) *frame = r.frame;
    return 0;
}

int mem_fault(struct mem *m, k_word_t va, enum mem_access access, struct mem_wait *w)
{
    return fault_in(m, PAGE_DOWN(va), access, NULL, w);
}

int mem_mmap(struct mem *m, k_word_t addr, k_word_t len, unsigned prot, unsigned vm_flags,
             k_word_t *out)
{
    return mem_map_object(m, NULL, addr, len, 0, prot, vm_flags, out);
}

int mem_map_area(struct mem *m, vm_object_t *obj, k_word_t hint, k_word_t len, k_word_t offset,
                 unsigned prot, unsigned vm_flags, k_word_t *out)
{
    int e = mem_map_object(m, obj, hint, len, offset, prot, vm_flags, out);
    if (e) return e;
    if (*out < MM0_MMAP_BASE || *out + len > MM0_MMAP_END) {   /* no room up there */
        mem_munmap(m, *out, len);
        return -ENOMEM;
    }
    return 0;
}

int mem_munmap(struct mem *m, k_word_t addr, k_word_t len) { return vm_munmap(m->space, addr, len); }

int mem_mprotect(struct mem *m, k_word_t addr, k_word_t len, unsigned prot)
{
    return vm_mprotect(m->space, addr, len, prot);
}

int mem_brk_init(struct mem *m, k_word_t base) { return vm_brk_init(m->space, base); }

int mem_brk(struct mem *m, k_word_t new_end, k_word_t *cur)
{
    uintptr_t c = 0;
    int e = vm_brk(m->space, new_end, &c);
    *cur = c;
    return e;
}

static int copy_user(struct mem *m, k_word_t va, void *buf, const void *src, k_word_t len)
{
    if (va >= K_USER_TOP || len > K_USER_TOP - va) return -EFAULT;
    while (len) {
        k_word_t page = PAGE_DOWN(va), off = va - page;
        k_word_t n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
        vm_frame_t f;
        int e = fault_in(m, page, src ? VM_ACCESS_WRITE : VM_ACCESS_READ, &f, NULL);
        if (e) return e;
        uint8_t *w = window_map(2, page_of(f));
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
