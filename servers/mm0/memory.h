/* The memory of one task, behind a narrow interface so that the VM-object library
 * (servers/mm0/vm, shadow chains and copy-on-write) can replace this first model:
 * a sorted array of VMAs, and a radix tree (Sv39-shaped: 9 + 9 + 9 bits) from page
 * address to the pool page mapped there. Pages are private to one task; fork copies
 * them eagerly (docs/mm0.md). Every call returns 0 or -errno. */
#pragma once
#include "space.h"

#define MEM_MAX_VMAS 64

/* VMA protection: PROT_READ/WRITE/EXEC bits (sys/mman.h values). */
#define VMA_R 1u
#define VMA_W 2u
#define VMA_X 4u

enum vma_kind { VMA_ANON, VMA_FILE, VMA_HEAP, VMA_STACK };

struct vma {
    k_word_t start, end;        /* page-aligned, end exclusive */
    unsigned prot;
    enum vma_kind kind;
    /* VMA_FILE: bytes [file_va, file_va + file_len) come from file (the boot
     * archive, immutable); the rest of the VMA is zero-filled (.bss). */
    const uint8_t *file;
    k_word_t file_va, file_len;
};

struct mem {
    k_cptr_t vspace;
    struct pt_list pts;
    struct vma vma[MEM_MAX_VMAS];
    unsigned n_vma;
    void **radix;               /* 512 -> 512 -> page_t[512], NULL when empty */
    unsigned long resident;     /* pages mapped */
};

/* Access kinds of a fault. */
enum mem_access { MEM_READ, MEM_WRITE, MEM_EXEC };

void mem_init(struct mem *m, k_cptr_t vspace);
/* Add a VMA [start, end) (page-aligned, inside [lo, hi) of the user range, not
 * overlapping another); -EINVAL, -ENOMEM (too many VMAs). */
int mem_add_vma(struct mem *m, const struct vma *v);
/* The VMA holding va, or NULL. */
struct vma *mem_find(struct mem *m, k_word_t va);
/* Serve a fault at va: -EFAULT if no VMA allows that access, -ENOMEM if no page. */
int mem_fault(struct mem *m, k_word_t va, enum mem_access access);
/* Remove [start, start + len) from every VMA it touches, freeing its pages. */
int mem_unmap(struct mem *m, k_word_t start, k_word_t len);
/* Change the protection of [start, start + len), which must be mapped throughout. */
int mem_protect(struct mem *m, k_word_t start, k_word_t len, unsigned prot);
/* A first free gap of len bytes in [lo, hi), or 0. */
k_word_t mem_find_gap(struct mem *m, k_word_t len, k_word_t lo, k_word_t hi);
/* Make dst (freshly initialised) a copy of src: same VMAs, copies of every page. */
int mem_fork(struct mem *dst, struct mem *src);
/* Free every page and page table (the VSpace root stays the caller's). */
void mem_destroy(struct mem *m);
/* Copy between a task's memory and mm0's, as the task could access it (faulting
 * pages in as needed): -EFAULT for an address outside the task's VMAs. */
int mem_copy_in(struct mem *m, k_word_t va, void *buf, k_word_t len);
int mem_copy_out(struct mem *m, k_word_t va, const void *buf, k_word_t len);
