/* Processes: one thread each so far. A task owns a CSpace (a CNode holding its two
 * badged endpoint capabilities), a VSpace, a TCB and an IPC buffer, each on one pool
 * page, and its memory (memory.h). The badge of both endpoints names the task's
 * table entry and its generation, so a stale badge never matches a new task. */
#pragma once
#include <stdbool.h>
#include "memory.h"
#include "pages.h"

enum task_state { TASK_FREE, TASK_LIVE, TASK_ZOMBIE };

struct task {
    enum task_state state;
    unsigned idx;               /* table index, 1 .. MAX_TASKS - 1 */
    k_word_t gen;               /* bumped each time the entry is reused */
    int pid, ppid;
    int status;                 /* wait status once a zombie */
    char name[32];
    page_t tcb, cnode, vspace, ipc;
    struct mem mem;
    k_word_t brk_start, brk;    /* heap: VMA [brk_start, page-up(brk)) */
    bool waiting;               /* blocked in MM0_WAIT; reply capability saved */
    int wait_pid;
};

#define BADGE_IDX_BITS 8
_Static_assert((1u << BADGE_IDX_BITS) >= MAX_TASKS, "badge index bits");

/* Wait statuses (as picolibc's <sys/wait.h> decodes them). */
#define W_EXITED(code) (((code) & 0xff) << 8)
#define W_SIGNALED(sig) ((sig) & 0x7f)

void tasks_init(void);
struct task *task_by_badge(k_word_t badge);
struct task *task_by_pid(int pid);
unsigned long tasks_live(void);

/* A new task with no memory yet (exec fills it): its objects and capabilities. NULL
 * and *err = -ENOMEM / -EAGAIN when out of pages or table entries. */
struct task *task_new(int ppid, const char *name, int *err);
/* Point the thread at pc/sp (and a0, gp, tp) and let it run. */
int task_start(struct task *t, k_word_t pc, k_word_t sp, k_word_t a0, k_word_t gp, k_word_t tp);
/* The process ends: everything it holds is freed, children go to init, and its
 * parent learns the status (now if waiting). */
void task_exit(struct task *t, int status);
/* A zombie child of t that a wait for pid (-1: any) may collect, or NULL; *any says
 * whether t has a child that matches at all. */
struct task *task_zombie_child(struct task *t, int pid, bool *any);
/* Free the task entry of a zombie. */
void task_reap(struct task *t);
/* A waiting parent's pending wait, answered if a child matches (after an exit). */
void task_wake_parent(struct task *child);

/* Load the program `path` of the boot archive into t (which has no memory or old
 * memory that goes), with argv and envp on a new stack. strings holds argv then envp.
 * -errno with the old image intact, or 0: the task runs the new program, or (when
 * building it failed after the old one was gone) it was killed. Either way 0 means
 * no reply is owed. */
int task_exec(struct task *t, const char *path, const char *strings, k_word_t len,
              k_word_t argc, k_word_t envc);
/* The archive (exec.c). */
void exec_init(const void *archive, k_word_t len);

/* The power-off hook (main.c): init has exited or asked. */
void mm0_poweroff(int status);
