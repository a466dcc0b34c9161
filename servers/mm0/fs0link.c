/* mm0's side of fs0 (fs0link.h). Events are pulled, never pushed: mm0 never waits for
 * fs0 (fs0 is a process that calls mm0 and faults to it), so a queued event only
 * signals fs0's bound notification and fs0 asks for it with MM0_FS0_EVENT. fs0 also
 * drains the queue when a badge it does not know calls it, so a child's first request
 * never overtakes its NEW event. */
#include <errno.h>
#include <stdio.h>
#include <cpio.h>
#include <mm0/protocol.h>
#include <fs0/protocol.h>
#include "mm0.h"
#include "fs0link.h"
#include "blk_proto.h"
#include "vspace.h"

#define FS0_PRIORITY 150   /* above processes: events are drained before they run on */
#define QSIZE (4 * MAX_TASKS)

static k_cptr_t ep, ntfn, signal_cap;
static struct task *server;
static int server_pid;

static struct { k_word_t kind, badge, parent; } q[QSIZE];
static unsigned q_head, q_count;

int fs0_setup(const void *archive, k_word_t len)
{
    struct cpio_member m;
    if (cpio_find(archive, len, "fs0", &m)) return 0;   /* an image without fs0 */
    page_t e = pool_page_new(K_ENDPOINT_OBJECT, 0), n = pool_page_new(K_NOTIFICATION_OBJECT, 0);
    if (e == NO_PAGE || n == NO_PAGE) return -ENOMEM;
    ep = page_cap(e);
    ntfn = page_cap(n);
    signal_cap = misc_slot(1);
    return k_cnode_mint(MM0_CAP_CNODE, signal_cap, MM0_DEPTH, MM0_CAP_CNODE, ntfn, MM0_DEPTH,
                        K_CAP_RIGHT_WRITE, FS0_EVENT_BADGE);
}

static void push(k_word_t kind, k_word_t badge, k_word_t parent)
{
    if (!ep || q_count == QSIZE) return;
    unsigned i = (q_head + q_count++) % QSIZE;
    q[i].kind = kind;
    q[i].badge = badge;
    q[i].parent = parent;
    k_signal(signal_cap);
}

int fs0_start(void)
{
    if (!ep) return 0;
    int e;
    struct task *t = task_new(0, "fs0", &e);
    if (!t) return e;
    struct thread *th = &t->thr[0];
    /* fs0's own slot: the endpoint it receives on (Read), not a badged client cap. */
    k_cnode_delete(page_cap(th->cnode), MM0_SLOT_FS0, MM0_PROC_CNODE_BITS);
    if ((e = k_cnode_mint(page_cap(th->cnode), MM0_SLOT_FS0, MM0_PROC_CNODE_BITS, MM0_CAP_CNODE,
                          ep, MM0_DEPTH, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, 0)) ||
        (e = k_tcb_bind_notification(page_cap(th->tcb), ntfn)) ||
        (e = k_tcb_set_sched_params(page_cap(th->tcb), MM0_CAP_TCB, 0, FS0_PRIORITY))) {
        printf("mm0: cannot set up fs0: error %d\n", e);
        task_exit(t, 0);
        return -EAGAIN;
    }
    server = t;
    server_pid = t->pid;
    /* The disk (blk_proto.h): root's copy of the driver's endpoint moves on to fs0 (we
     * keep none), with a data frame mapped outside fs0's VMAs, so exec keeps it. */
    bool blk = !k_cnode_move(page_cap(th->cnode), BLK_FS0_SLOT_EP, MM0_PROC_CNODE_BITS, MM0_CAP_CNODE,
                             MM0_CAP_BLK_EP, MM0_DEPTH);
    page_t buf = blk ? pool_page_new(K_RISCV_4K_PAGE_OBJECT, 0) : NO_PAGE;
    if (blk && (buf == NO_PAGE ||
                space_map(t->vspace, &t->mem.pts, page_cap(buf), BLK_FS0_BUF_VA,
                          K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_EXECUTE_NEVER) ||
                k_cnode_copy(page_cap(th->cnode), BLK_FS0_SLOT_BUF, MM0_PROC_CNODE_BITS, MM0_CAP_CNODE,
                             page_cap(buf), MM0_DEPTH, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE))) {
        printf("mm0: no data frame for fs0's disk; fs0 serves its RAM disk\n");
        k_cnode_delete(page_cap(th->cnode), BLK_FS0_SLOT_EP, MM0_PROC_CNODE_BITS);
        blk = false;
    }
    static const char args[] = "fs0\0blk\0";
    if ((e = task_exec(t, th, "fs0", args, blk ? sizeof args - 1 : 4, blk ? 2 : 1, 0))) {
        printf("mm0: cannot start fs0: error %d\n", e);
        server = NULL;
        return e;
    }
    struct task *init = task_by_pid(1);
    if (init) push(FS0_EV_NEW, init->fs0_badge, 0);
    return 0;
}

int fs0_thread_caps(struct task *t, struct thread *th)
{
    if (t->n_live == 1 && th == &t->thr[0]) t->fs0_badge = th->badge;   /* the process's */
    if (!ep) return 0;
    return k_cnode_mint(page_cap(th->cnode), MM0_SLOT_FS0, MM0_PROC_CNODE_BITS, MM0_CAP_CNODE, ep,
                        MM0_DEPTH, K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT_REPLY, t->fs0_badge);
}

bool fs0_can_fork(void)
{
    /* Each live task has at most one exit to come: keep room for all of them. */
    return q_count + 1 + MAX_TASKS <= QSIZE;
}

void fs0_task_forked(struct task *child, struct task *parent)
{
    push(FS0_EV_NEW, child->fs0_badge, parent->fs0_badge);
}

void fs0_task_exited(struct task *t)
{
    if (t == server && t->pid == server_pid) {
        printf("mm0: fs0 exited; file requests will wait for ever\n");
        server = NULL;
        return;
    }
    push(FS0_EV_EXIT, t->fs0_badge, 0);
}

int fs0_next_event(struct task *t, k_word_t out[4])
{
    if (!server || t != server) return -EPERM;
    if (!q_count) {
        out[0] = FS0_EV_NONE;
        out[1] = out[2] = out[3] = 0;
        return 0;
    }
    out[0] = q[q_head].kind;
    out[1] = q[q_head].badge;
    out[2] = q[q_head].parent;
    q_head = (q_head + 1) % QSIZE;
    out[3] = --q_count;
    return 0;
}
