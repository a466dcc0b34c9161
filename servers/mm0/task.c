/* Processes (task.h). */
#include "task.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <mm0/protocol.h>

#define PROCESS_PRIORITY 100

static struct task table[MAX_TASKS];
static int next_pid = 1;

void tasks_init(void)
{
    for (unsigned i = 0; i < MAX_TASKS; i++) {
        table[i].idx = i;
        table[i].state = TASK_FREE;
    }
}

static k_word_t badge_of(const struct task *t) { return t->gen << BADGE_IDX_BITS | t->idx; }

struct task *task_by_badge(k_word_t badge)
{
    unsigned i = badge & ((1u << BADGE_IDX_BITS) - 1);
    if (i == 0 || i >= MAX_TASKS) return NULL;
    struct task *t = &table[i];
    if (t->state != TASK_LIVE || badge_of(t) != badge) return NULL;
    return t;
}

struct task *task_by_pid(int pid)
{
    if (pid <= 0) return NULL;
    for (unsigned i = 1; i < MAX_TASKS; i++)
        if (table[i].state != TASK_FREE && table[i].pid == pid) return &table[i];
    return NULL;
}

unsigned long tasks_live(void)
{
    unsigned long n = 0;
    for (unsigned i = 1; i < MAX_TASKS; i++) n += table[i].state == TASK_LIVE;
    return n;
}

/* Delete the task's kernel objects; the TCB first, so the thread stops before the
 * memory it runs in goes. */
static void release_objects(struct task *t)
{
    if (t->tcb != NO_PAGE) pool_page_release(t->tcb);
    k_cnode_delete(MM0_CAP_CNODE, reply_slot(t->idx), MM0_DEPTH);
    t->waiting = false;
    mem_destroy(&t->mem);
    page_t *objs[] = {&t->ipc, &t->cnode, &t->vspace};
    for (unsigned i = 0; i < 3; i++) {
        if (*objs[i] != NO_PAGE) pool_page_release(*objs[i]);
        *objs[i] = NO_PAGE;
    }
    t->tcb = NO_PAGE;
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
    t->gen++;
    t->pid = next_pid++;
    t->ppid = ppid;
    t->status = 0;
    t->waiting = false;
    t->brk_start = t->brk = 0;
    strncpy(t->name, name, sizeof t->name - 1);
    t->name[sizeof t->name - 1] = '\0';
    t->tcb = pool_page_new(K_TCB_OBJECT, 0);
    t->cnode = pool_page_new(K_CAPTABLE_OBJECT, MM0_PROC_CNODE_BITS);
    t->vspace = pool_page_new(K_RISCV_PAGE_TABLE_OBJECT, 0);
    t->ipc = pool_page_new(K_RISCV_4K_PAGE_OBJECT, 0);
    mem_init(&t->mem, t->vspace == NO_PAGE ? 0 : page_cap(t->vspace));
    t->state = TASK_LIVE;
    *err = -ENOMEM;
    if (t->tcb == NO_PAGE || t->cnode == NO_PAGE || t->vspace == NO_PAGE || t->ipc == NO_PAGE)
        goto fail;
    int e;
    k_word_t badge = badge_of(t);
    /* Call needs Write and GrantReply; without Grant no capability travels to mm0. */
    k_word_t rights = K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT_REPLY;
    if ((e = k_riscv_asid_pool_assign(MM0_CAP_ASID_POOL, page_cap(t->vspace))) ||
        (e = k_cnode_mint(page_cap(t->cnode), MM0_SLOT_SERVICE, MM0_PROC_CNODE_BITS,
                          MM0_CAP_CNODE, MM0_CAP_SERVICE_EP, MM0_DEPTH, rights, badge)) ||
        (e = k_cnode_mint(page_cap(t->cnode), MM0_SLOT_FAULT, MM0_PROC_CNODE_BITS,
                          MM0_CAP_CNODE, MM0_CAP_FAULT_EP, MM0_DEPTH, rights, badge))) {
        printf("mm0: setting up pid %d failed: error %d\n", t->pid, e);
        *err = e == K_DELETE_FIRST || e == K_NOT_ENOUGH_MEMORY ? -ENOMEM : -EAGAIN;
        goto fail;
    }
    if ((e = space_map(page_cap(t->vspace), &t->mem.pts, page_cap(t->ipc), MM0_IPC_BUFFER_VA,
                       K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_EXECUTE_NEVER))) {
        *err = e;
        goto fail;
    }
    k_word_t guard = k_cnode_cap_data(0, MM0_DEPTH - MM0_PROC_CNODE_BITS);
    if ((e = k_tcb_configure(page_cap(t->tcb), MM0_SLOT_FAULT, page_cap(t->cnode), guard,
                             page_cap(t->vspace), 0, MM0_IPC_BUFFER_VA, page_cap(t->ipc))) ||
        (e = k_tcb_set_sched_params(page_cap(t->tcb), MM0_CAP_TCB, 0, PROCESS_PRIORITY))) {
        printf("mm0: configuring pid %d failed: error %d\n", t->pid, e);
        *err = -EAGAIN;
        goto fail;
    }
    k_debug_name_thread(page_cap(t->tcb), t->name);
    return t;
fail:
    release_objects(t);
    t->state = TASK_FREE;
    return NULL;
}

int task_start(struct task *t, k_word_t pc, k_word_t sp, k_word_t a0, k_word_t gp, k_word_t tp)
{
    struct k_user_context r;
    memset(&r, 0, sizeof r);
    r.pc = pc;
    r.sp = sp;
    r.a0 = a0;
    r.gp = gp;
    r.tp = tp;
    /* Suspend first: a thread blocked in a Call to us (exec) restarts cleanly. */
    k_tcb_suspend(page_cap(t->tcb));
    int e = k_tcb_write_registers(page_cap(t->tcb), true, 0, K_USER_CONTEXT_WORDS, &r);
    return e ? -EINVAL : 0;
}

void task_reap(struct task *t)
{
    t->state = TASK_FREE;
    t->pid = 0;
}

/* Does child c satisfy the wait of its parent p? */
static bool wait_matches(const struct task *p, const struct task *c)
{
    return c->ppid == p->pid && (p->wait_pid == -1 || p->wait_pid == c->pid);
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
    if (!p || p->state != TASK_LIVE || !p->waiting || !wait_matches(p, c)) return;
    p->waiting = false;
    /* Send on the saved reply capability: the parent's wait returns. */
    k_send(reply_slot(p->idx), k_msginfo_new(0, 0, 0, 2), (k_word_t)c->pid, (k_word_t)c->status, 0, 0);
    task_reap(c);
}

void task_exit(struct task *t, int status)
{
    if (t->state != TASK_LIVE) return;
    release_objects(t);
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
