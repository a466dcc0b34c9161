/* Processes: a VSpace (a root from the stock root made, with its ASID; the tables
 * below it from pool pages), its memory (memory.h) and up to 16 threads, each with a
 * TCB, a CSpace and an IPC buffer on pool pages. */
#pragma once
#include <stdbool.h>
#include "memory.h"
#include "pages.h"

enum task_state { TASK_FREE, TASK_LIVE, TASK_ZOMBIE };

#define MAX_THREADS 16          /* per process */

/* Work the pager thread (pager.c) does for a thread blocked in a fault or a request
 * whose answer needs fs0; the thread's reply capability waits in its wait slot. */
enum { JOB_NONE, JOB_FAULT, JOB_MMAP, JOB_EXEC };
struct job {
    uint8_t kind;
    bool queued;                /* in the pager's queue (else being worked on) */
    k_word_t badge;             /* the thread's badge when it was queued */
    k_word_t a[6];              /* FAULT: va, access, pc, file id, page index;
                                 * MMAP: hint, len, prot, flags, fd, offset */
    char *block;                /* EXEC: the strings (malloc), len, argc, envc */
    k_word_t len, argc, envc;
    struct thread *next;
};

/* A thread: its TCB, its own CSpace (a CNode holding its two badged endpoint caps, so
 * that the badge names the thread), its IPC buffer at MM0_IPC_BUFFER_VA + n pages. */
struct thread {
    bool live;
    bool fs0_grant;             /* fs0 holds a copy of ipc (fs0link.c: a THREAD event) */
    uint8_t no;                 /* its slot: its IPC buffer is MM0_IPC_BUFFER_VA + no pages */
    int tid;                    /* thread 0's is the pid */
    k_word_t badge;             /* serial << 12 | thread number << 8 | task index */
    page_t tcb, cnode, ipc;
    k_word_t clear_tid;         /* on exit mm0 writes 0 (32 bits) here, if not 0 */
    bool waiting;               /* blocked in MM0_WAIT; its reply capability saved */
    int wait_pid;
    struct job job;             /* kind != JOB_NONE: blocked until the pager answers */
    struct task *task;          /* the task it belongs to (for the pager) */
};

struct task {
    enum task_state state;
    unsigned idx;               /* table index, 1 .. MAX_TASKS - 1 */
    int pid, ppid;
    int status;                 /* wait status once a zombie */
    char name[32];
    k_cptr_t vspace;            /* a VSpace root from root's stock (0: none) */
    struct thread thr[MAX_THREADS];
    unsigned n_live;            /* live threads */
    struct mem mem;
    k_word_t brk_start, brk;    /* heap: [brk_start, brk) */
    k_word_t fs0_badge;         /* thread 0's first badge: names the process to fs0 */
    page_t utcb;                /* thread slot 0's IPC buffer, kept for the task's life:
                                 * the UTCB granted to fs0 (fs0link.c) */
    page_t window;              /* fs0's I/O window at MM0_FS0_WINDOW_VA, or NO_PAGE */
};

#define BADGE_IDX_BITS 8
#define BADGE_THREAD_SHIFT 8
#define BADGE_SERIAL_SHIFT 12
_Static_assert((1u << BADGE_IDX_BITS) >= MAX_TASKS, "badge index bits");
_Static_assert(MAX_THREADS <= 1u << (BADGE_SERIAL_SHIFT - BADGE_THREAD_SHIFT), "badge thread bits");
_Static_assert(MAX_TASKS * MAX_THREADS <= REPLY_SLOTS, "reply slots");

/* Wait statuses (as picolibc's <sys/wait.h> decodes them). */
#define W_EXITED(code) (((code) & 0xff) << 8)
#define W_SIGNALED(sig) ((sig) & 0x7f)

/* The VSpace roots root gave (mm0_boot.h), and the task table. */
void tasks_init(k_word_t n_vspaces);
/* The live task and thread a badge names, or NULL. */
struct task *task_by_badge(k_word_t badge, struct thread **thr);
struct task *task_by_pid(int pid);
/* The task (live or zombie) with the smallest pid above `after`, or NULL (ps.c). */
struct task *task_next_by_pid(int after);
unsigned long tasks_live(void);

/* A new task with no memory yet (exec fills it) and its first thread. NULL and
 * *err = -ENOMEM / -EAGAIN when out of pages or table entries. */
struct task *task_new(int ppid, const char *name, int *err);
/* Another thread in t (not started); NULL and *err as above. */
struct thread *thread_new(struct task *t, int *err);
/* Point the thread at pc/sp (and a0, a1, gp, tp) and let it run. */
int thread_start(struct thread *th, k_word_t pc, k_word_t sp, k_word_t a0, k_word_t a1,
                 k_word_t gp, k_word_t tp);
/* One thread ends (its clear_tid word is zeroed); the last one ends the process with
 * status. */
void thread_exit(struct task *t, struct thread *th, int status);
/* The process ends: everything it holds is freed, children go to init, and its
 * parent learns the status (now if waiting). */
void task_exit(struct task *t, int status);
/* A zombie child of t that a wait for pid (-1: any) may collect, or NULL; *any says
 * whether t has a child that matches at all. */
struct task *task_zombie_child(struct task *t, int pid, bool *any);
/* Where a thread's reply capability is saved while it waits. */
k_cptr_t thread_wait_slot(struct task *t, struct thread *th);
/* Free the task entry of a zombie. */
void task_reap(struct task *t);
/* A waiting parent's pending wait, answered if a child matches (after an exit). */
void task_wake_parent(struct task *child);

/* Load the program `path` of the boot archive into t (which has no memory or old
 * memory that goes), with argv and envp on a new stack. strings holds argv then envp.
 * -errno with the old image intact, or 0: the task runs the new program, or (when
 * building it failed after the old one was gone) it was killed. Either way 0 means
 * no reply is owed. */
int task_exec(struct task *t, struct thread *th, const char *path, const char *strings, k_word_t len,
              k_word_t argc, k_word_t envc);
/* The same for a program already checked (img: its segments, entry and extent) whose
 * file object is obj (a boot-archive program, or an fs0 file for exec from the disk:
 * the pages the new image's set-up writes must be held already, pager.c). */
struct elf_image;
int task_exec_image(struct task *t, struct thread *th, const char *path,
                    const struct elf_image *img, vm_object_t *obj, const char *strings,
                    k_word_t len, k_word_t argc, k_word_t envc);
/* The archive (exec.c). */
void exec_init(const void *archive, k_word_t len);

/* The power-off hook (main.c): init has exited or asked. */
void mm0_poweroff(int status);
