/* exec: a static ELF of the boot archive becomes the task's memory. Segments become
 * file-backed VMAs read on demand from the archive (which is immutable and mapped in
 * mm0), .bss is their zero-filled tail, the heap starts after the image, and the new
 * stack holds argc, argv and envp as the System V psABI lays them out. */
#include "task.h"
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

int task_exec(struct task *t, const char *path, const char *strings, k_word_t len,
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

    /* Point of no return: the old memory goes (the IPC buffer stays mapped). */
    k_tcb_suspend(page_cap(t->tcb));
    struct pt_list keep = t->mem.pts;   /* holds the IPC buffer's tables */
    t->mem.pts = (struct pt_list){0};
    mem_destroy(&t->mem);
    mem_init(&t->mem, page_cap(t->vspace));
    t->mem.pts = keep;
    for (unsigned i = 0; i < elf_load_count(&elf); i++) {
        struct elf_segment s;
        elf_load_segment(&elf, i, &s);
        struct vma v = {
            .start = s.vaddr & ~(PAGE_SIZE - 1),
            .end = (s.vaddr + s.memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1),
            .prot = (s.r ? VMA_R : 0) | (s.w ? VMA_W | VMA_R : 0) | (s.x ? VMA_X : 0),
            .kind = VMA_FILE,
            .file = f.data + s.offset,
            .file_va = s.vaddr,
            .file_len = s.filesz,
        };
        if ((e = mem_add_vma(&t->mem, &v))) goto lost;
    }
    k_word_t lo, hi;
    elf_extent(&elf, &lo, &hi);
    t->brk_start = t->brk = hi;
    struct vma stack = {.start = MM0_STACK_TOP - MM0_STACK_SIZE, .end = MM0_STACK_TOP,
                        .prot = VMA_R | VMA_W, .kind = VMA_STACK};
    if ((e = mem_add_vma(&t->mem, &stack))) goto lost;
    k_word_t sp = build_stack(&t->mem, strings, len, argc, envc);
    e = -ENOMEM;
    if (!sp) goto lost;
    const char *base = strrchr(path, '/');
    strncpy(t->name, base ? base + 1 : path, sizeof t->name - 1);
    k_debug_name_thread(page_cap(t->tcb), t->name);
    if ((e = task_start(t, elf.entry, sp, 0, 0, 0))) goto lost;
    return 0;
lost:
    /* The old image is gone and the new one cannot be built: the process ends. */
    printf("mm0: exec %s: pid %d lost its image (error %d); killed\n", path, t->pid, e);
    task_exit(t, W_SIGNALED(9));
    return 0;
}
