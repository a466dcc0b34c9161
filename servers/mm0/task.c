/* Processes (task.h). */
#include "mm0.h"
#include "task.h"
#include "fs0link.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <mm0/protocol.h>

#define PROCESS_PRIORITY 100

static struct task table[MAX_TASKS];
static int next_pid = 1;

/* VSpace roots not in use: every root was cleaned (tables and frames deleted) when
 * its task ended, so it is reused as is. */
static k_cptr_t vspace_stock[MM0_MAX_VSPACES];
static unsigned n_stock;

void tasks_init(k_word_t n_vspaces)
{
    for (k_word_t i = 0; i < n_vspaces && i < MM0_MAX_VSPACES; i++)
        vspace_stock[n_stock++] = MM0_CAP_FIRST_VSPACE + i;
    for (unsigned i = 0; i < MAX_TASKS; i++) {
        table[i].idx = i;
        table[i].state = TASK_FREE;
    }
}

static k_word_t next_serial = 1;

struct task *task_by_badge(k_word_t badge, struct thread **thr)
{
    unsigned i = badge & ((1u << BADGE_IDX_BITS) - 1);
    unsigned n = (badge >> BADGE_THREAD_SHIFT) & (MAX_THREADS - 1);
    if (i == 0 || i >= MAX_TASKS) return NULL;
    struct task *t = &table[i];
    if (t->state != TASK_LIVE || !t->thr[n].live || t->thr[n].badge != badge) return NULL;
    if (thr) *thr = &t->thr[n];
    return t;
}

struct task *task_by_pid(int pid)
{
    if (pid <= 0) return NULL;
    for (unsigned i = 1; i < MAX_TASKS; i++)
        if (table[i].state != TASK_FREE && table[i].pid == pid) return &table[i];
    return NULL;
}

struct task *task_next_by_pid(int after)
{
    struct task *best = NULL;
    for (unsigned i = 1; i < MAX_TASKS; i++)
        if (table[i].state != TASK_FREE && table[i].pid > after && (!best || table[i].pid < best->pid))
            best = &table[i];
    return best;
}

unsigned long tasks_live(void)
{
    unsigned long n = 0;
    for (unsigned i = 1; i < MAX_TASKS; i++) n += table[i].state == TASK_LIVE;
    return n;
}

static unsigned thread_no(const struct task *t, const struct thread *th)
{
    return (unsigned)(th - t->thr);
}

static k_cptr_t wait_slot(const struct task *t, const struct thread *th)
{
    return reply_slot(t->idx * MAX_THREADS + thread_no(t, th));
}

/* Delete a thread's objects; the TCB first, so it stops before anything it uses goes. */
static void thread_release(struct task *t, struct thread *th)
{
    if (th->ipc == t->utcb) th->ipc = NO_PAGE;   /* the task's UTCB stays (fs0link.c) */
    if (th->tcb != NO_PAGE) pool_page_release(th->tcb);
    th->tcb = NO_PAGE;
    if (th->fs0_grant) fs0_thread_gone(t, th);   /* a page fs0 holds a copy of goes back through fs0 */
    page_t *objs[] = {&th->ipc, &th->cnode};
    for (unsigned i = 0; i < 2; i++) {
        if (*objs[i] != NO_PAGE) pool_page_release(*objs[i]);
        *objs[i] = NO_PAGE;
    }
    pager_forget(th);   /* a job for it is dropped (its reply capability goes below) */
    k_cnode_delete(MM0_CAP_CNODE, wait_slot(t, th), MM0_DEPTH);
    th->waiting = false;
    if (th->live) t->n_live--;
    th->live = false;
}

static void release_objects(struct task *t)
{
    fs0_task_unmap(t);   /* the UTCB and window leave the VSpace; fs0 may still use them */
    for (unsigned i = 0; i < MAX_THREADS; i++)
        if (t->thr[i].live) thread_release(t, &t->thr[i]);
    mem_destroy(&t->mem);
    if (t->vspace) vspace_stock[n_stock++] = t->vspace;   /* mem_destroy emptied it */
    t->vspace = 0;
}

struct thread *thread_new(struct task *t, int *err)
{
    struct thread *th = NULL;
    for (unsigned i = 0; i < MAX_THREADS; i++)
        if (!t->thr[i].live) {
            th = &t->thr[i];
            break;
        }
    if (!th) {
        *err = -EAGAIN;
        return NULL;
    }
    unsigned n = thread_no(t, th);
    th->live = true;
    t->n_live++;
    th->tid = n == 0 ? t->pid : next_pid++;
    th->badge = next_serial++ << BADGE_SERIAL_SHIFT | (k_word_t)n << BADGE_THREAD_SHIFT | t->idx;
    th->clear_tid = 0;
    th->waiting = false;
    th->fs0_grant = false;
    th->no = (uint8_t)n;
    th->task = t;
    th->tcb = pool_page_new(K_TCB_OBJECT, 0);
    th->cnode = pool_page_new(K_CAPTABLE_OBJECT, MM0_PROC_CNODE_BITS);
    /* Slot 0's IPC buffer is the task's UTCB, made once and kept while the task lives
     * (fs0 holds a copy of it), so a new thread 0 takes it over. */
    bool utcb = n == 0 && t->utcb != NO_PAGE;
    th->ipc = utcb ? t->utcb : pool_page_new(K_RISCV_4K_PAGE_OBJECT, 0);
    *err = -ENOMEM;
    if (th->tcb == NO_PAGE || th->cnode == NO_PAGE || th->ipc == NO_PAGE) goto fail;
    int e;
    /* Call needs Write and GrantReply; without Grant no capability travels to mm0. */
    k_word_t rights = K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT_REPLY;
    if ((e = k_cnode_mint(page_cap(th->cnode), MM0_SLOT_SERVICE, MM0_PROC_CNODE_BITS,
                          MM0_CAP_CNODE, MM0_CAP_SERVICE_EP, MM0_DEPTH, rights, th->badge)) ||
        (e = k_cnode_mint(page_cap(th->cnode), MM0_SLOT_FAULT, MM0_PROC_CNODE_BITS,
                          MM0_CAP_CNODE, MM0_CAP_FAULT_EP, MM0_DEPTH, rights, th->badge)) ||
        (e = console_mint(page_cap(th->cnode), th->badge))) {
        printf("mm0: setting up a thread of pid %d failed: error %d\n", t->pid, e);
        *err = -EAGAIN;
        goto fail;
    }
    if ((e = fs0_thread_caps(t, th))) {
        *err = -EAGAIN;
        goto fail;
    }
    k_word_t ipc_va = MM0_IPC_BUFFER_VA + n * PAGE_SIZE;
    if (!utcb && (e = space_map(t->vspace, &t->mem.pts, page_cap(th->ipc), ipc_va,
                                K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_EXECUTE_NEVER))) {
        *err = e;
        goto fail;
    }
    if (n == 0) t->utcb = th->ipc;
    k_word_t guard = k_cnode_cap_data(0, MM0_DEPTH - MM0_PROC_CNODE_BITS);
    if ((e = k_tcb_configure(page_cap(th->tcb), MM0_SLOT_FAULT, page_cap(th->cnode), guard,
                             t->vspace, 0, ipc_va, page_cap(th->ipc))) ||
        (e = k_tcb_set_sched_params(page_cap(th->tcb), MM0_CAP_TCB, 0, PROCESS_PRIORITY))) {
        printf("mm0: configuring a thread of pid %d failed: error %d\n", t->pid, e);
        *err = -EAGAIN;
        goto fail;
    }
    mm0_name_thread(page_cap(th->tcb), t->name);
    return th;
fail:
    thread_release(t, th);
    return NULL;
}

struct task *task_new(int ppid, const char *name, int *err)
{
    struct task *t = NULL;
    for (unsigned i = 1; i < MAX_TASKS; i++)
        if (table[i].state == TASK_FREE) {
            t = &table[i];
            break;
        }
    if (!t) {
        *err = -EAGAIN;
        return NULL;
    }
    t->pid = next_pid++;
    t->ppid = ppid;
    t->status = 0;
    t->n_live = 0;
    for (unsigned i = 0; i < MAX_THREADS; i++) {
        t->thr[i].live = false;
        t->thr[i].tcb = t->thr[i].cnode = t->thr[i].ipc = NO_PAGE;
    }
    t->utcb = t->window = NO_PAGE;
    t->brk_start = t->brk = 0;
    strncpy(t->name, name, sizeof t->name - 1);
    t->name[sizeof t->name - 1] = '\0';
    t->vspace = n_stock ? vspace_stock[--n_stock] : 0;
    mem_init(&t->mem, t->vspace);
    t->state = TASK_LIVE;
    *err = -EAGAIN;
    if (!t->vspace) goto fail;
    if (!thread_new(t, err)) goto fail;
    if ((*err = fs0_task_new(t))) goto fail;   /* the I/O window, if fs0 serves */
    return t;
fail:
    release_objects(t);
    fs0_task_pages_free(t);   /* fs0 never heard of this task */
    t->state = TASK_FREE;
    return NULL;
}

int thread_start(struct thread *th, k_word_t pc, k_word_t sp, k_word_t a0, k_word_t a1,
                 k_word_t gp, k_word_t tp)
{
    struct k_user_context r;
    memset(&r, 0, sizeof r);
    r.pc = pc;
    r.sp = sp;
    r.a0 = a0;
    r.a1 = a1;
    r.gp = gp;
    r.tp = tp;
    /* Its IPC buffer, at every start (exec and clone): libposix keeps it per thread. */
    r.a2 = MM0_IPC_BUFFER_VA + th->no * PAGE_SIZE;
    /* Suspend first: a thread blocked in a Call to us (exec) restarts cleanly. */
    k_tcb_suspend(page_cap(th->tcb));
    int e = k_tcb_write_registers(page_cap(th->tcb), true, 0, K_USER_CONTEXT_WORDS, &r);
    return e ? -EINVAL : 0;
}

void task_reap(struct task *t)
{
    t->state = TASK_FREE;
    t->pid = 0;
}

struct task *task_zombie_child(struct task *t, int pid, bool *any)
{
    *any = false;
    for (unsigned i = 1; i < MAX_TASKS; i++) {
        struct task *c = &table[i];
        if (c->state == TASK_FREE || c->ppid != t->pid || (pid != -1 && c->pid != pid)) continue;
        *any = true;
        if (c->state == TASK_ZOMBIE) return c;
    }
    return NULL;
}

void task_wake_parent(struct task *c)
{
    struct task *p = task_by_pid(c->ppid);
    if (!p || p->state != TASK_LIVE) return;
    for (unsigned i = 0; i < MAX_THREADS; i++) {
        struct thread *th = &p->thr[i];
        if (!th->live || !th->waiting || (th->wait_pid != -1 && th->wait_pid != c->pid)) continue;
        th->waiting = false;
        /* Send on the saved reply capability: that thread's wait returns. */
        k_send(wait_slot(p, th), k_msginfo_new(0, 0, 0, 2), (k_word_t)c->pid, (k_word_t)c->status, 0, 0);
        task_reap(c);
        return;
    }
}

k_cptr_t thread_wait_slot(struct task *t, struct thread *th) { return wait_slot(t, th); }

void thread_exit(struct task *t, struct thread *th, int status)
{
    if (th->clear_tid) {
        static const uint32_t zero;
        mem_copy_out(&t->mem, th->clear_tid, &zero, sizeof zero);   /* gone memory: ignored */
    }
    if (t->n_live == 1) {
        task_exit(t, status);
        return;
    }
    thread_release(t, th);
}

void task_exit(struct task *t, int status)
{
    if (t->state != TASK_LIVE) return;
    release_objects(t);
    fs0_task_exited(t);
    t->status = status;
    t->state = TASK_ZOMBIE;
    if (t->pid == 1) {
        printf("mm0: init exited with status 0x%x\n", status);
        mm0_poweroff(status);
        return;
    }
    /* Orphans go to init, which may be waiting for any child already. */
    struct task *init = task_by_pid(1);
    for (unsigned i = 1; i < MAX_TASKS; i++) {
        struct task *c = &table[i];
        if (c->state == TASK_FREE || c->ppid != t->pid) continue;
        c->ppid = 1;
        if (c->state == TASK_ZOMBIE) {
            if (!init) task_reap(c);
            else task_wake_parent(c);
        }
    }
    struct task *parent = task_by_pid(t->ppid);
    if (!parent || parent->state != TASK_LIVE) {
        task_reap(t);
        return;
    }
    task_wake_parent(t);
}
