/* The memory of one task, as mm0's threads see it: a thin layer over the VM-object
 * library (vm/vm.h: VMAs, VM objects, copy-on-write shadow chains, the fault logic)
 * that does what the library leaves to its caller: frames from the page pool, the
 * shared zero page, copies through mm0's window, and the kernel mappings. seL4 maps a
 * frame capability once, so every installed mapping has a capability of its own: the
 * frame's original for its first mapping, else a copy; this layer keeps it per (task,
 * page) and unmaps the original or deletes the copy on unmap.
 * Every call returns 0 or -errno. */
#pragma once
#include <stdbool.h>
#include "vm.h"
#include "vspace.h"

struct mem {
    vm_space_t *space;
    k_cptr_t vspace;
    struct pt_list pts;         /* this VSpace's page tables */
    void **maps;                /* radix: page address -> mapping slot (see memory.c) */
};

enum mem_access { MEM_READ = VM_ACCESS_READ, MEM_WRITE = VM_ACCESS_WRITE, MEM_EXEC = VM_ACCESS_EXEC };

/* The one VM of mm0: call once, after pages_init(). */
int mem_system_init(void);
/* The library's self-check: 0, or -EIO with a description in msg. */
int mem_self_check(vm_stats_t *stats, char *msg, size_t len);

/* A task's memory with no address space yet (mem_new_space or mem_fork makes it). */
void mem_init(struct mem *m, k_cptr_t vspace);
/* An empty address space (a task's first exec). */
int mem_new_space(struct mem *m);
/* fork: dst (initialised, no space) gets copy-on-write views of every VMA of src. */
int mem_fork(struct mem *dst, struct mem *src);
/* exec: every VMA and mapping goes; the space stays. */
void mem_clear(struct mem *m);
/* exit: everything goes, page tables too (not the VSpace root or other objects). */
void mem_destroy(struct mem *m);

/* A fault that needs a page of an fs0 file that mm0 does not hold yet: the pager
 * (pager.c) asks fs0 for it, then the fault is served again. */
#define MEM_FS0_WAIT 1
struct mem_wait {
    k_word_t file_id;
    uint64_t index;
};

/* Serve a fault (or an access mm0 makes on the task's behalf): -EFAULT if no VMA
 * allows it, -ENOMEM if no page could be had, MEM_FS0_WAIT (and *w) if the page must
 * come from fs0 first (w NULL: -EFAULT then). */
int mem_fault(struct mem *m, k_word_t va, enum mem_access access, struct mem_wait *w);

int mem_mmap(struct mem *m, k_word_t addr, k_word_t len, unsigned prot, unsigned vm_flags,
             k_word_t *out);
/* mmap's mappings (anonymous with obj NULL): they must land inside [MM0_MMAP_BASE,
 * MM0_MMAP_END); one that does not is undone and -ENOMEM. */
int mem_map_area(struct mem *m, vm_object_t *obj, k_word_t hint, k_word_t len, k_word_t offset,
                 unsigned prot, unsigned vm_flags, k_word_t *out);
int mem_munmap(struct mem *m, k_word_t addr, k_word_t len);
int mem_mprotect(struct mem *m, k_word_t addr, k_word_t len, unsigned prot);
int mem_brk_init(struct mem *m, k_word_t base);
int mem_brk(struct mem *m, k_word_t new_end, k_word_t *cur);

/* A program of the boot archive as a file object (one per program, kept: every
 * process running it shares its clean pages). */
struct program;
struct program *mem_program(const char *name, const uint8_t *data, k_word_t size, int *err);
vm_object_t *mem_program_object(struct program *prog);
/* Map bytes [offset, offset + len) of a file object at va (a hint unless vm_flags has
 * VM_MAP_FIXED), with prot; *out the address. */
int mem_map_object(struct mem *m, vm_object_t *obj, k_word_t va, k_word_t len, k_word_t offset,
                   unsigned prot, unsigned vm_flags, k_word_t *out);
/* Page p (an fs0 cache frame) becomes page index of obj: VM_EINVAL if it has one. */
int mem_supply(vm_object_t *obj, uint64_t index, page_t p);
vm_t *mem_vm(void);

/* fs0's files as VM objects (filemap.c). filemap_get takes over one reference fs0
 * gave for id (NULL and -ENFILE if the table is full even after a trim: the caller
 * gives the reference back). trim drops every object nothing maps. */
vm_object_t *filemap_get(k_word_t id, int *err);
vm_object_t *filemap_object(k_word_t id);
bool filemap_id(const vm_object_t *obj, k_word_t *id);
void filemap_trim(void);
void filemap_shared_write(k_word_t id);
bool filemap_is_shared_write(k_word_t id);

/* Copy between a task's memory and mm0's as the task could access it: -EFAULT for
 * an address the task may not read (copy_in) or write (copy_out). */
int mem_copy_in(struct mem *m, k_word_t va, void *buf, k_word_t len);
int mem_copy_out(struct mem *m, k_word_t va, const void *buf, k_word_t len);
