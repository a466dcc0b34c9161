/* exec: a static ELF of the boot archive becomes the task's memory. Segments become
 * private mappings of the program's file object, paged in on demand from the archive
 * (immutable, mapped in mm0) and shared by every process running the program until
 * written; .bss is their zero-filled tail; the heap starts after the image; the new
 * stack holds argc, argv and envp as the System V psABI lays them out. */
#include "mm0.h"
#include "task.h"
#include "fs0link.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cpio.h>
#include <elf.h>
#include <mm0/protocol.h>

static const uint8_t *archive;
static k_word_t archive_len;

void exec_init(const void *a, k_word_t len)
{
    archive = a;
    archive_len = len;
}

#define MAX_ARGS 256

/* The new stack: strings at the top, then (16-aligned) argc, argv[], NULL, envp[],
 * NULL. Returns the initial sp, or 0 if it does not fit. */
static k_word_t build_stack(struct mem *m, const char *strings, k_word_t len,
                            k_word_t argc, k_word_t envc)
{
    k_word_t top = MM0_STACK_TOP;
    k_word_t str_va = (top - len) & ~15ul;
    if (mem_copy_out(m, str_va, strings, len)) return 0;
    k_word_t vec[2 * MAX_ARGS + 4];
    unsigned n = 0;
    vec[n++] = argc;
    k_word_t off = 0;
    for (k_word_t i = 0; i < argc + envc; i++) {
        if (i == argc) vec[n++] = 0;
        vec[n++] = str_va + off;
        off += strlen(strings + off) + 1;
    }
    if (argc + envc == argc) vec[n++] = 0;   /* no environment: argv's NULL */
    vec[n++] = 0;
    k_word_t sp = (str_va - n * sizeof(k_word_t)) & ~15ul;
    if (mem_copy_out(m, sp, vec, n * sizeof(k_word_t))) return 0;
    return sp;
}

int task_exec(struct task *t, struct thread *th, const char *path, const char *strings, k_word_t len,
              k_word_t argc, k_word_t envc)
{
    /* Everything that can be checked is checked before the old image goes. */
    if (argc > MAX_ARGS || envc > MAX_ARGS) return -E2BIG;
    struct cpio_member f;
    int e = cpio_find(archive, archive_len, path, &f);
    if (e == CPIO_ERR_NOT_FOUND) return -ENOENT;
    if (e) {
        printf("mm0: boot archive is corrupt: %s\n", cpio_strerror(e));
        return -EIO;
    }
    if (!strcmp(path, "mm0")) return -EACCES;   /* the server itself is no program */
    struct elf_image elf;
    e = elf_open(&elf, f.data, f.size, PAGE_SIZE, MM0_MMAP_BASE);
    if (e) {
        printf("mm0: exec %s: %s\n", path, elf_strerror(e));
        return -ENOEXEC;
    }

    struct program *prog = mem_program(path, f.data, f.size, &e);
    if (!prog) return e;
    return task_exec_image(t, th, path, &elf, mem_program_object(prog), strings, len, argc, envc);
}

int task_exec_image(struct task *t, struct thread *th, const char *path,
                    const struct elf_image *img, vm_object_t *obj, const char *strings,
                    k_word_t len, k_word_t argc, k_word_t envc)
{
    if (argc > MAX_ARGS || envc > MAX_ARGS) return -E2BIG;
    struct elf_image elf = *img;
    int e;
    /* Point of no return: the other threads and the old memory go (the IPC buffers'
     * mappings are not in the VM and stay). */
    for (unsigned i = 0; i < MAX_THREADS; i++)
        if (t->thr[i].live && &t->thr[i] != th) thread_exit(t, &t->thr[i], 0);
    k_tcb_suspend(page_cap(th->tcb));
    if (t->mem.space) mem_clear(&t->mem);
    else if ((e = mem_new_space(&t->mem))) goto lost;
    for (unsigned i = 0; i < elf_load_count(&elf); i++) {
        struct elf_segment s;
        elf_load_segment(&elf, i, &s);
        unsigned prot = (s.r ? VM_PROT_READ : 0) | (s.w ? VM_PROT_WRITE | VM_PROT_READ : 0) |
                        (s.x ? VM_PROT_EXEC : 0);
        k_word_t start = s.vaddr & ~(PAGE_SIZE - 1);
        k_word_t file_end = s.vaddr + s.filesz, mem_end = s.vaddr + s.memsz;
        k_word_t file_pages_end = (file_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        k_word_t mem_pages_end = (mem_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        /* File pages, private: shared with every process running the program until
         * one writes (elf_open proved offset and vaddr agree modulo the page size). */
        k_word_t at;
        if (s.filesz &&
            (e = mem_map_object(&t->mem, obj, start, file_pages_end - start,
                                s.offset & ~(PAGE_SIZE - 1), prot, VM_MAP_PRIVATE | VM_MAP_FIXED,
                                &at)))
            goto lost;
        /* The rest of .bss: anonymous zero pages. */
        if (mem_pages_end > file_pages_end) {
            if ((e = mem_mmap(&t->mem, file_pages_end, mem_pages_end - file_pages_end, prot,
                              VM_MAP_PRIVATE | VM_MAP_ANON | VM_MAP_FIXED, &at)))
                goto lost;
        }
        /* The start of .bss shares the last file page: zero it there (a private write,
         * so the shared file page stays as the archive has it). */
        if (s.memsz > s.filesz && (file_end & (PAGE_SIZE - 1)) && s.w) {
            static const uint8_t zeros[PAGE_SIZE];
            k_word_t n = file_pages_end - file_end;
            if (n > mem_end - file_end) n = mem_end - file_end;
            if ((e = mem_copy_out(&t->mem, file_end, zeros, n))) goto lost;
        }
    }
    k_word_t lo, hi;
    elf_extent(&elf, &lo, &hi);
    t->brk_start = t->brk = hi;
    if ((e = mem_brk_init(&t->mem, hi))) goto lost;
    k_word_t at;
    if ((e = mem_mmap(&t->mem, MM0_STACK_TOP - MM0_STACK_SIZE, MM0_STACK_SIZE,
                      VM_PROT_READ | VM_PROT_WRITE, VM_MAP_PRIVATE | VM_MAP_ANON | VM_MAP_FIXED, &at)))
        goto lost;
    k_word_t sp = build_stack(&t->mem, strings, len, argc, envc);
    e = -ENOMEM;
    if (!sp) goto lost;
    const char *base = strrchr(path, '/');
    strncpy(t->name, base ? base + 1 : path, sizeof t->name - 1);
    mm0_name_thread(page_cap(th->tcb), t->name);
    if ((e = thread_start(th, elf.entry, sp, 0, 0, 0, 0))) goto lost;
    fs0_task_exec(t);   /* queued before the new program can run: fs0 drains first */
    return 0;
lost:
    /* The old image is gone and the new one cannot be built: the process ends. */
    printf("mm0: exec %s: pid %d lost its image (error %d); killed\n", path, t->pid, e);
    task_exit(t, W_SIGNALED(9));
    return 0;
}
