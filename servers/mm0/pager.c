/* The pager thread: the one mm0 thread that waits for fs0 (docs/mm0.md, "Files from
 * fs0").
 *
 * mm0's service and fault threads never wait for fs0, because fs0 is a process that
 * calls mm0 and faults to it: a fault thread blocked on fs0 while fs0 faults would
 * wait for ever. So work that needs fs0 becomes a job: the thread that asked (a fault
 * on a file page mm0 does not hold yet, an mmap of a descriptor, an exec of a path)
 * stays blocked, its reply capability saved in its wait slot, and this thread Calls
 * fs0 with the lock released, then takes the lock, checks that the asker still lives
 * (its badge is the one it had when queued), finishes the work and answers on the
 * saved capability. fs0's own faults and requests meanwhile go to the other two
 * threads as always.
 *
 * Everything fs0 answers is checked: lengths, kinds, access modes, and a frame
 * number must name a cache frame fs0 was given (fs0cache.c), else the asker gets EIO;
 * what fs0 can do wrong stays inside the files it serves anyway. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <elf.h>
#include <mm0/protocol.h>
#include <fs0/protocol.h>
#include "mm0.h"
#include "task.h"
#include "fs0link.h"
#include "vspace.h"

#define PAGER_IPC_VA (MM0_IPC_VA - 4 * PAGE_SIZE)
#define PAGER_WINDOW 3          /* mm0's window slot for reading a program's headers */
#define RETRIES 3               /* a fault finding yet another page missing is retried */

static struct mm0_thread pager_thread = {"pager", (struct k_ipc_buffer *)PAGER_IPC_VA};
static uint8_t pager_stack[16384] __attribute__((aligned(16)));
static k_cptr_t job_ntfn, job_signal;
static struct thread *head, *tail;   /* the queue, through job.next */

/* ------------------------------------------------------------ the queue (locked) */

int pager_queue(struct task *t, struct thread *th)
{
    if (!job_ntfn ||
        k_cnode_save_caller(MM0_CAP_CNODE, thread_wait_slot(t, th), MM0_DEPTH)) {
        free(th->job.block);
        th->job = (struct job){0};
        return job_ntfn ? -EAGAIN : -ENODEV;
    }
    th->job.badge = th->badge;
    th->job.queued = true;
    th->job.next = NULL;
    if (tail) tail->job.next = th;
    else head = th;
    tail = th;
    k_signal(job_signal);
    return 0;
}

static void unlink_job(struct thread *th)
{
    struct thread **pp = &head, *prev = NULL;
    while (*pp && *pp != th) {
        prev = *pp;
        pp = &(*pp)->job.next;
    }
    if (!*pp) return;
    *pp = th->job.next;
    if (tail == th) tail = prev;
}

void pager_forget(struct thread *th)
{
    if (th->job.kind == JOB_NONE) return;
    if (th->job.queued) unlink_job(th);
    free(th->job.block);
    th->job = (struct job){0};
}

/* The next job, copied; the thread keeps kind and badge (so exit can drop it) but the
 * strings of an exec now belong to the pager. */
static struct thread *pop(struct job *j)
{
    struct thread *th = head;
    if (!th) return NULL;
    head = th->job.next;
    if (!head) tail = NULL;
    th->job.queued = false;
    *j = th->job;
    th->job.block = NULL;
    return th;
}

static void push_front(struct thread *th)
{
    th->job.queued = true;
    th->job.next = head;
    head = th;
    if (!tail) tail = th;
}

/* The asker is the thread that queued j and still waits for it. */
static bool alive(const struct thread *th, const struct job *j)
{
    return th->live && th->badge == j->badge && th->job.kind == j->kind && !th->job.queued;
}

/* Answer the asker (label 0, MR0 = v) and forget its job. */
static void answer(struct thread *th, long v)
{
    th->job = (struct job){0};
    k_send(thread_wait_slot(th->task, th), k_msginfo_new(0, 0, 0, 1), (k_word_t)v, 0, 0, 0);
}

/* ------------------------------------------------------------ fs0 (unlocked) */

/* A request to fs0 on the pager's cap: mr[0..n) out, the reply's first five words
 * back; *len the reply's length. The lock is not held (fs0 may need mm0 meanwhile);
 * libk's IPC-buffer pointer belongs to the lock holder, so words past four go
 * through our own buffer directly. */
static long fs0_rpc(k_word_t label, unsigned n, k_word_t *mr, unsigned *len)
{
    k_cptr_t ep = fs0_pager_ep();
    *len = 0;
    if (!ep) return -ENODEV;
    for (unsigned i = 4; i < n; i++) pager_thread.ipc->msg[i] = mr[i];
    k_word_t info = k_call(ep, k_msginfo_new(label, 0, 0, n), &mr[0], &mr[1], &mr[2], &mr[3]);
    *len = (unsigned)k_msginfo_length(info);
    if (k_msginfo_label(info) != 0 || *len == 0) return -EIO;
    mr[4] = *len > 4 ? pager_thread.ipc->msg[4] : 0;
    long r = (long)mr[0];
    return r < -4095 ? -EIO : r;   /* not an errno */
}

/* Page idx of file id, from fs0 into the file's object (held; for writing if write:
 * fs0 then writes it back). Unlocked in, unlocked out; *out the frame's page. One trim
 * and retry when every cache frame is held. */
static int get_page(k_word_t id, uint64_t idx, bool write, page_t *out)
{
    for (int tries = 0;; tries++) {
        k_word_t mr[5] = {id, idx, write ? FS0_MMP_WRITE : 0, 0, 0};
        unsigned len;
        long r = fs0_rpc(FS0_MM_PAGE, 3, mr, &len);
        mm0_lock(&pager_thread);
        int e = 0;
        if (r == -ENOMEM && tries == 0) {
            filemap_trim();   /* its releases reach fs0 before our retry does */
            mm0_unlock();
            continue;
        }
        if (r < 0) {
            e = r == -ENXIO || r == -ENOMEM ? (int)r : -EIO;
        } else {
            bool was = fs0_cache_is_held((k_word_t)r);
            page_t p = fs0_cache_hold((k_word_t)r, id, idx, write);
            vm_object_t *obj = filemap_object(id);
            if (p == NO_PAGE || len != 1) {
                e = -EIO;   /* not a frame fs0 was given, or a malformed answer */
                if (p != NO_PAGE && !was) fs0_cache_let_go(p);
            } else if (!obj) {
                e = -EIO;
                if (!was) fs0_cache_let_go(p);
            } else {
                if (mem_supply(obj, idx, p) && !was) fs0_cache_let_go(p);   /* had it already */
                *out = p;
            }
        }
        mm0_unlock();
        return e;
    }
}

/* ------------------------------------------------------------ the jobs */

static void run_fault(struct thread *th, struct job *j)
{
    page_t p;
    /* A store asks fs0 to hold the page for writing, if some shared mapping of the file
     * may write (a private one copies the page instead: then fs0 writes back a page
     * nobody stored to, which is harmless). */
    mm0_lock(&pager_thread);
    bool write = j->a[1] == MEM_WRITE && filemap_is_shared_write(j->a[3]);
    mm0_unlock();
    int e = get_page(j->a[3], j->a[4], write, &p);
    mm0_lock(&pager_thread);
    if (alive(th, j)) {
        struct task *t = th->task;
        struct mem_wait w;
        if (!e) e = mem_fault(&t->mem, j->a[0], (enum mem_access)j->a[1], &w);
        if (e == MEM_FS0_WAIT && j->a[5] < RETRIES) {   /* the mapping changed meanwhile */
            th->job.a[3] = w.file_id;
            th->job.a[4] = w.index;
            th->job.a[5] = j->a[5] + 1;
            push_front(th);
        } else if (e == 0) {
            th->job = (struct job){0};
            k_send(thread_wait_slot(t, th), k_msginfo_new(0, 0, 0, 0), 0, 0, 0, 0);   /* resume */
        } else {
            th->job = (struct job){0};
            fault_kill(t, j->a[0], (int)j->a[1], j->a[2], e == MEM_FS0_WAIT ? -EIO : e);
        }
    }
    mm0_unlock();
}

/* The pager's part of mmap of a descriptor (service.c checked the arguments). */
static long map_file(struct task *t, const struct job *j, const k_word_t *mr, unsigned len)
{
    k_word_t hint = j->a[0], size = j->a[1], prot = j->a[2], flags = j->a[3], off = j->a[5];
    k_word_t id = mr[1], kind = mr[2], acc = mr[3];
    bool shared = flags & MAP_SHARED;
    long bad = 0;
    if (len != FS0_MM_FILE_REPLY || (kind != FS0_MMK_REG && kind != FS0_MMK_ZERO) || acc > O_RDWR)
        bad = -EIO;
    /* Every mapping reads; a shared one that writes needs a descriptor that writes. */
    else if (acc == O_WRONLY || (shared && prot & PROT_WRITE && acc != O_RDWR)) bad = -EACCES;
    if (bad) {
        if (kind == FS0_MMK_REG) fs0_file_put(id, 1);   /* the reference it gave goes back */
        return bad;
    }
    unsigned vf = (shared ? VM_MAP_SHARED : VM_MAP_PRIVATE) | (flags & MAP_FIXED ? VM_MAP_FIXED : 0);
    k_word_t at;
    int e;
    if (kind == FS0_MMK_ZERO) {   /* /dev/zero: anonymous memory, shared or private */
        e = mem_map_area(&t->mem, NULL, hint, size, 0, (unsigned)prot, vf | VM_MAP_ANON, &at);
    } else {
        vm_object_t *obj = filemap_get(id, &e);   /* takes over fs0's reference */
        if (!obj) {
            fs0_file_put(id, 1);
            return e;
        }
        if (shared && acc != O_RDWR) vf |= VM_MAP_NOWRITE;   /* mprotect may not add write */
        if (shared && acc == O_RDWR) filemap_shared_write(id);
        e = mem_map_area(&t->mem, obj, hint, size, off, (unsigned)prot, vf, &at);
    }
    return e ? e : (long)at;
}

static void run_mmap(struct thread *th, struct job *j)
{
    mm0_lock(&pager_thread);
    k_word_t badge = alive(th, j) ? th->task->fs0_badge : 0;
    mm0_unlock();
    if (!badge) return;
    k_word_t mr[5] = {badge, j->a[4], 0, 0, 0};
    unsigned len;
    long r = fs0_rpc(FS0_MM_FILE, 2, mr, &len);
    mm0_lock(&pager_thread);
    if (r > 0) r = -EIO;
    if (!alive(th, j)) {
        if (r == 0 && mr[2] == FS0_MMK_REG) fs0_file_put(mr[1], 1);
    } else if (r < 0) {
        answer(th, r == -ESRCH ? -EBADF : r);
    } else {
        answer(th, map_file(th->task, j, mr, len));   /* which keeps or returns the reference */
    }
    mm0_unlock();
}

static uint8_t hdr[PAGE_SIZE];

/* exec of a program on fs0's file system: its ELF headers come from its first page,
 * and the pages the new image's set-up writes (the start of each .bss that shares a
 * file page) are held before task_exec_image runs under the lock. */
static int exec_prepare(k_word_t id, k_word_t size, struct elf_image *elf, const char *path)
{
    page_t p;
    int e = get_page(id, 0, false, &p);
    if (e) return e == -ENXIO ? -ENOEXEC : e;
    mm0_lock(&pager_thread);
    k_word_t n = size < PAGE_SIZE ? size : PAGE_SIZE;
    const uint8_t *w = window_map(PAGER_WINDOW, p);
    if (w) memcpy(hdr, w, n);
    window_unmap(PAGER_WINDOW);
    mm0_unlock();
    if (!w) return -ENOMEM;
    if ((e = elf_open_headers(elf, hdr, n, size, PAGE_SIZE, MM0_MMAP_BASE))) {
        printf("mm0: exec %s: %s\n", path, elf_strerror(e));
        return -ENOEXEC;
    }
    for (unsigned i = 0; i < elf_load_count(elf); i++) {
        struct elf_segment s;
        elf_load_segment(elf, i, &s);
        k_word_t file_end = s.vaddr + s.filesz;
        if (!s.w || s.memsz <= s.filesz || !(file_end & (PAGE_SIZE - 1)) || !s.filesz) continue;
        k_word_t page = (s.offset & ~(PAGE_SIZE - 1)) + (file_end & ~(PAGE_SIZE - 1)) -
                        (s.vaddr & ~(PAGE_SIZE - 1));
        if ((e = get_page(id, page / PAGE_SIZE, false, &p))) return e == -ENXIO ? -ENOEXEC : e;
    }
    return 0;
}

static void run_exec(struct thread *th, struct job *j)
{
    mm0_lock(&pager_thread);
    k_word_t badge = alive(th, j) ? th->task->fs0_badge : 0;
    mm0_unlock();
    if (!badge) goto out;
    const char *path = j->block;
    size_t n = strlen(path) + 1;
    long r = -ENAMETOOLONG;
    unsigned len = 0;
    k_word_t mr[2 + FS0_PATH_MAX / 8] = {badge, n};
    if (n <= FS0_PATH_MAX) {
        memcpy(&mr[2], path, n);
        r = fs0_rpc(FS0_MM_OPEN, 2 + (unsigned)(n + 7) / 8, mr, &len);
    }
    if (r > 0) r = -EIO;
    k_word_t id = mr[1], size = mr[4];
    vm_object_t *obj = NULL;
    struct elf_image elf;
    mm0_lock(&pager_thread);
    int e;
    if (r == 0 && (len != FS0_MM_FILE_REPLY || mr[2] != FS0_MMK_REG)) {
        if (mr[2] == FS0_MMK_REG) fs0_file_put(id, 1);
        r = -EIO;
    } else if (r == 0 && !(obj = filemap_get(id, &e))) {
        fs0_file_put(id, 1);
        r = e;
    }
    mm0_unlock();
    if (r == 0) r = exec_prepare(id, size, &elf, path);
    mm0_lock(&pager_thread);
    if (alive(th, j)) {
        if (r) {
            answer(th, r);
        } else {
            size_t plen = n;
            th->job = (struct job){0};
            int x = task_exec_image(th->task, th, path, &elf, obj, j->block + plen, j->len - plen,
                                    j->argc, j->envc);
            if (x) answer(th, x);
            /* Else the thread runs the new program (or its process was killed): the
             * reply capability it was blocked on is gone or never used. */
            else if (th->live) k_cnode_delete(MM0_CAP_CNODE, thread_wait_slot(th->task, th), MM0_DEPTH);
        }
    }
    mm0_unlock();
out:
    free(j->block);
}

/* ------------------------------------------------------------ the thread */

static void pager_loop(void)
{
    for (;;) {
        k_wait(job_ntfn);
        for (;;) {
            struct job j;
            mm0_lock(&pager_thread);
            struct thread *th = pop(&j);
            mm0_unlock();
            if (!th) break;
            if (j.kind == JOB_FAULT) run_fault(th, &j);
            else if (j.kind == JOB_MMAP) run_mmap(th, &j);
            else if (j.kind == JOB_EXEC) run_exec(th, &j);
        }
    }
}

int pager_start(void)
{
    page_t n = pool_page_new(K_NOTIFICATION_OBJECT, 0);
    if (n == NO_PAGE) return K_NOT_ENOUGH_MEMORY;
    job_signal = misc_slot(3);
    int e = k_cnode_mint(MM0_CAP_CNODE, job_signal, MM0_DEPTH, MM0_CAP_CNODE, page_cap(n), MM0_DEPTH,
                         K_CAP_RIGHT_WRITE, 1);
    if (e) return e;
    job_ntfn = page_cap(n);
    return mm0_thread_start("mm0-pager", pager_loop, pager_stack + sizeof pager_stack, PAGER_IPC_VA);
}
