/* mm0's side of fs0 (fs0link.h). Events are pulled, never pushed: mm0 never waits for
 * fs0 (fs0 is a process that calls mm0 and faults to it), so a queued event only
 * signals fs0's bound notification and fs0 asks for it with MM0_FS0_EVENT. fs0 also
 * drains the queue when a badge it does not know calls it, so a child's first request
 * never overtakes its NEW event.
 *
 * The grants (docs/mm0.md, "The UTCB and window grant"): every process has a UTCB
 * (its thread slot 0's IPC-buffer page, kept for the task's life) and, when fs0
 * serves, an I/O window frame at MM0_FS0_WINDOW_VA. The reply to fs0's pull of the
 * NEW event carries a copy of the UTCB frame cap, the WINDOW event's the window's
 * (one cap a message: seL4 has one receive slot). When the process ends its frames
 * leave its VSpace but stay allocated: fs0 may be in the middle of a request of that
 * process. They are freed (fs0's copies revoked first) only at fs0's next pull after
 * the EXIT event, when fs0 has applied that EXIT and so stopped using them.
 *
 * Threads past slot 0 have IPC-buffer pages of their own: a THREAD event grants fs0
 * a copy of each (the thread's paths and data travel there), and a THREAD_EXIT event
 * hands the page back, freed with the same care at fs0's next pull. A task's threads'
 * exits are queued before its EXIT. */
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
#define QSIZE (5 * MAX_TASKS)
#define GUARD(radix_bits) k_cnode_cap_data(0, 64 - 4 - (radix_bits))   /* below fs0's root */

static k_cptr_t ep, ntfn, signal_cap;
static struct task *server;
static int server_pid;
static bool making_server, server_gone;
/* fs0's CSpace root (16 slots) and its grant CNodes (fs0/protocol.h). */
static page_t cs_root = NO_PAGE, cs_grant[FS0_GRANT_CNODES], cs_replies = NO_PAGE;

struct event {
    k_word_t kind, badge, parent;
    int pid, ppid;
    page_t page[2];   /* NEW: the UTCB, WINDOW: the window frame (sent as the extra
                       * cap); EXIT: both, freed after fs0's next pull */
};
static struct event q[QSIZE];
static unsigned q_head, q_count;
static page_t pending[2] = {NO_PAGE, NO_PAGE};   /* the last EXIT fs0 pulled */
/* FS0_EV_FILE_PUT events waiting for fs0's pull (filemap.c drops a file only if there
 * is room, so none is ever lost). */
#define PUTS 128
static struct { k_word_t id, refs; } file_puts[PUTS];
static unsigned n_puts;
static k_cptr_t pager_cap;   /* the pager's fs0 endpoint cap, badge FS0_BADGE_MM0 */
static unsigned thread_grants;   /* threads fs0 holds a page of: each has an exit to come */

static void free_grant(page_t *p)
{
    if (*p == NO_PAGE) return;
    if (ep) k_cnode_revoke(MM0_CAP_CNODE, page_cap(*p), MM0_DEPTH);   /* fs0's copy, if left */
    pool_page_release(*p);
    *p = NO_PAGE;
}

int fs0_setup(const void *archive, k_word_t len)
{
    struct cpio_member m;
    if (cpio_find(archive, len, "fs0", &m)) return 0;   /* an image without fs0 */
    page_t e = pool_page_new(K_ENDPOINT_OBJECT, 0), n = pool_page_new(K_NOTIFICATION_OBJECT, 0);
    if (e == NO_PAGE || n == NO_PAGE) return -ENOMEM;
    ep = page_cap(e);
    ntfn = page_cap(n);
    signal_cap = misc_slot(1);
    pager_cap = misc_slot(2);
    for (unsigned j = 0; j < FS0_GRANT_CNODES; j++) cs_grant[j] = NO_PAGE;
    int err = k_cnode_mint(MM0_CAP_CNODE, signal_cap, MM0_DEPTH, MM0_CAP_CNODE, ntfn, MM0_DEPTH,
                           K_CAP_RIGHT_WRITE, FS0_EVENT_BADGE);
    if (!err)
        err = k_cnode_mint(MM0_CAP_CNODE, pager_cap, MM0_DEPTH, MM0_CAP_CNODE, ep, MM0_DEPTH,
                           K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT_REPLY, FS0_BADGE_MM0);
    return err;
}

bool fs0_serving(void) { return server != NULL; }
bool fs0_is_server(const struct task *t) { return server && t == server; }
bool fs0_pager_wanted(void) { return ep != 0; }
k_cptr_t fs0_pager_ep(void) { return server ? pager_cap : 0; }
void fs0_poke(void)
{
    if (server) k_signal(signal_cap);
}

bool fs0_can_put(void) { return !server || n_puts < PUTS; }

void fs0_file_put(k_word_t id, k_word_t refs)
{
    if (!server || !refs || n_puts == PUTS) return;   /* fs0 gone: nobody counts them */
    file_puts[n_puts].id = id;
    file_puts[n_puts].refs = refs;
    n_puts++;
    k_signal(signal_cap);
}

int fs0_cache_request(struct task *t, k_word_t k)
{
    if (!fs0_is_server(t)) return -EPERM;
    return fs0_cache_make(t, k);
}

static bool push(const struct event *ev)
{
    if (!ep || q_count == QSIZE) return false;
    q[(q_head + q_count++) % QSIZE] = *ev;
    k_signal(signal_cap);
    return true;
}

static void push_new(struct task *t, k_word_t parent_badge, int ppid)
{
    push(&(struct event){FS0_EV_NEW, t->fs0_badge, parent_badge, t->pid, ppid, {t->utcb, NO_PAGE}});
    if (t->window != NO_PAGE)
        push(&(struct event){FS0_EV_WINDOW, t->fs0_badge, 0, t->pid, 0, {t->window, NO_PAGE}});
}

/* fs0's CSpace: a root of 16 slots (guard 0) holding its thread CNode in slot 0 (guard
 * 56, so CPtrs 1..15 name the same slots as in any process) and the grant CNodes in
 * slots 1.. (guard 53, 128 slots each); its thread CNode gets a cap to that root and
 * one to its own VSpace; the grant region gets its page tables. fs0 can then receive
 * frame caps, map them in that region itself and delete them, never asking mm0. Its
 * authority stays its own: its endpoint has no Grant right (clients' calls bring it
 * no caps, its replies carry none) and its VSpace cap reaches only its own space. */
static int server_cspace(struct task *t, struct thread *th)
{
    cs_root = pool_page_new(K_CAPTABLE_OBJECT, 4);
    if (cs_root == NO_PAGE) return -ENOMEM;
    int e = k_cnode_mint(page_cap(cs_root), 0, 4, MM0_CAP_CNODE, page_cap(th->cnode), MM0_DEPTH,
                         K_CAP_RIGHTS_ALL, GUARD(MM0_PROC_CNODE_BITS));
    for (unsigned j = 0; !e && j < FS0_GRANT_CNODES; j++) {
        cs_grant[j] = pool_page_new(K_CAPTABLE_OBJECT, FS0_GRANT_CNODE_BITS);
        if (cs_grant[j] == NO_PAGE) return -ENOMEM;
        e = k_cnode_mint(page_cap(cs_root), 1 + j, 4, MM0_CAP_CNODE, page_cap(cs_grant[j]),
                         MM0_DEPTH, K_CAP_RIGHTS_ALL, GUARD(FS0_GRANT_CNODE_BITS));
    }
    if (!e) e = k_cnode_copy(page_cap(th->cnode), FS0_SLOT_CSPACE, MM0_PROC_CNODE_BITS,
                             MM0_CAP_CNODE, page_cap(cs_root), MM0_DEPTH, K_CAP_RIGHTS_ALL);
    if (!e) e = k_cnode_copy(page_cap(th->cnode), FS0_SLOT_VSPACE, MM0_PROC_CNODE_BITS,
                             MM0_CAP_CNODE, t->vspace, MM0_DEPTH, K_CAP_RIGHTS_ALL);
    if (!e) e = k_tcb_set_space(page_cap(th->tcb), MM0_SLOT_FAULT, page_cap(cs_root),
                                k_cnode_cap_data(0, 0), t->vspace, 0);
    if (e) return e;
    if ((e = space_tables(t->vspace, &t->mem.pts, FS0_GRANT_VA))) return e;
    for (unsigned j = 0; !e && j < FS0_THREAD_REGIONS; j++)
        e = space_tables(t->vspace, &t->mem.pts, FS0_THREAD_VA + j * 0x200000ul);
    /* The page cache's region (fs0cache.c maps its frames there). */
    for (unsigned j = 0; !e && j < FS0_CACHE_PAGES / 512; j++)
        e = space_tables(t->vspace, &t->mem.pts, FS0_CACHE_VA + j * 0x200000ul);
    return e;
}

/* fs0 is ending: its CSpace goes (the copies of its root and thread CNode first: they
 * hold caps to each other and the thread CNode one to itself, and no such cycle may
 * outlive it). */
static void server_cspace_free(struct thread *th)
{
    if (th->cnode != NO_PAGE) k_cnode_revoke(MM0_CAP_CNODE, page_cap(th->cnode), MM0_DEPTH);
    if (cs_root != NO_PAGE) {
        k_cnode_revoke(MM0_CAP_CNODE, page_cap(cs_root), MM0_DEPTH);
        pool_page_release(cs_root);
        cs_root = NO_PAGE;
    }
    for (unsigned j = 0; j < FS0_GRANT_CNODES; j++)
        if (cs_grant[j] != NO_PAGE) {
            pool_page_release(cs_grant[j]);
            cs_grant[j] = NO_PAGE;
        }
    if (cs_replies != NO_PAGE) pool_page_release(cs_replies);   /* its saved replies go */
    cs_replies = NO_PAGE;
}

/* fs0 defers answers (a read of an empty pipe): it saves callers' reply capabilities
 * with SaveCaller, which needs a CNode capability. It gets its own CNode (to move a
 * saved reply into a slot it can invoke) and a CNode of 2^FS0_REPLY_BITS slots for
 * the saved replies; no other process holds either. */
static int fs0_reply_space(struct thread *th)
{
    page_t r = cs_replies = pool_page_new(K_CAPTABLE_OBJECT, FS0_REPLY_BITS);
    if (r == NO_PAGE) return -ENOMEM;
    k_word_t guard = k_cnode_cap_data(0, MM0_DEPTH - MM0_PROC_CNODE_BITS);
    int e = k_cnode_mint(page_cap(th->cnode), FS0_SLOT_SELF, MM0_PROC_CNODE_BITS, MM0_CAP_CNODE,
                         page_cap(th->cnode), MM0_DEPTH, K_CAP_RIGHTS_ALL, guard);
    if (!e)
        e = k_cnode_mint(page_cap(th->cnode), FS0_SLOT_REPLIES, MM0_PROC_CNODE_BITS, MM0_CAP_CNODE,
                         page_cap(r), MM0_DEPTH, K_CAP_RIGHTS_ALL, 0);
    return e;   /* the reply CNode goes with fs0 (server_cspace_free) */
}

int fs0_start(void)
{
    if (!ep) return 0;
    int e;
    making_server = true;
    struct task *t = task_new(0, "fs0", &e);
    making_server = false;
    if (!t) return e;
    struct thread *th = &t->thr[0];
    /* fs0's own slot: the endpoint it receives on (Read), not a badged client cap. */
    k_cnode_delete(page_cap(th->cnode), MM0_SLOT_FS0, MM0_PROC_CNODE_BITS);
    if ((e = k_cnode_mint(page_cap(th->cnode), MM0_SLOT_FS0, MM0_PROC_CNODE_BITS, MM0_CAP_CNODE,
                          ep, MM0_DEPTH, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, 0)) ||
        (e = fs0_reply_space(th)) ||
        (e = k_tcb_bind_notification(page_cap(th->tcb), ntfn)) ||
        (e = k_tcb_set_sched_params(page_cap(th->tcb), MM0_CAP_TCB, 0, FS0_PRIORITY)) ||
        (e = server_cspace(t, th))) {
        printf("mm0: cannot set up fs0: error %d\n", e);
        server = t;   /* so that its exit frees its CSpace */
        server_pid = t->pid;
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
        server = NULL;   /* it never runs: nobody pulls, no window for anyone */
        server_gone = true;
        return e;
    }
    struct task *init = task_by_pid(1);
    if (init) push_new(init, 0, 0);
    return 0;
}

int fs0_thread_caps(struct task *t, struct thread *th)
{
    if (t->n_live == 1 && th == &t->thr[0]) t->fs0_badge = th->badge;   /* the process's */
    /* Thread n's badge: the process's and n, so fs0 knows both (fs0/protocol.h). */
    k_word_t badge = t->fs0_badge | (k_word_t)(th - t->thr) << FS0_BADGE_THREAD_SHIFT;
    /* Without fs0, slot 3 holds mm0's endpoint with no rights: a Call on it is answered
     * with an error (InvalidCapability) instead of faulting, so libposix learns there
     * is no file server (its console descriptors then go to the console directly). */
    if (!ep)
        return k_cnode_mint(page_cap(th->cnode), MM0_SLOT_FS0, MM0_PROC_CNODE_BITS, MM0_CAP_CNODE,
                            MM0_CAP_SERVICE_EP, MM0_DEPTH, 0, 0);
    return k_cnode_mint(page_cap(th->cnode), MM0_SLOT_FS0, MM0_PROC_CNODE_BITS, MM0_CAP_CNODE, ep,
                        MM0_DEPTH, K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT_REPLY, badge);
}

bool fs0_can_clone(void)
{
    /* The new thread's THREAD and, later, its THREAD_EXIT; every task's EXIT and every
     * granted thread's exit to come. */
    return !ep || server_gone || q_count + 2 + 2 * MAX_TASKS + thread_grants <= QSIZE;
}

void fs0_thread_new(struct task *t, struct thread *th)
{
    if (!ep || !server || t == server || th == &t->thr[0]) return;
    k_word_t badge = t->fs0_badge | (k_word_t)(th - t->thr) << FS0_BADGE_THREAD_SHIFT;
    if (!push(&(struct event){FS0_EV_THREAD, badge, t->fs0_badge, t->pid, (int)(th - t->thr),
                              {th->ipc, NO_PAGE}}))
        return;   /* fs0_can_clone was asked first: does not happen */
    th->fs0_grant = true;
    thread_grants++;
}

void fs0_thread_gone(struct task *t, struct thread *th)
{
    if (!th->fs0_grant) return;
    th->fs0_grant = false;
    thread_grants--;
    if (th->ipc == NO_PAGE) return;
    k_riscv_page_unmap(page_cap(th->ipc));   /* out of the process; fs0 may still use it */
    k_word_t badge = t->fs0_badge | (k_word_t)(th - t->thr) << FS0_BADGE_THREAD_SHIFT;
    if (server && push(&(struct event){FS0_EV_THREAD_EXIT, badge, t->fs0_badge, t->pid, 0,
                                       {th->ipc, NO_PAGE}})) {
        th->ipc = NO_PAGE;   /* the event owns it now */
        return;
    }
    free_grant(&th->ipc);   /* fs0 gone: nobody uses its copy */
}

int fs0_task_new(struct task *t)
{
    if (!ep || making_server || server_gone) return 0;
    page_t w = pool_page_new(K_RISCV_4K_PAGE_OBJECT, 0);
    if (w == NO_PAGE) return -ENOMEM;
    int e = space_map(t->vspace, &t->mem.pts, page_cap(w), MM0_FS0_WINDOW_VA,
                      K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_EXECUTE_NEVER);
    if (e) {
        pool_page_release(w);
        return e;
    }
    t->window = w;
    return 0;
}

void fs0_task_unmap(struct task *t)
{
    if (!ep) return;   /* no fs0 in this image: nobody else maps them; deleting unmaps */
    if (t == server && t->pid == server_pid) server_cspace_free(&t->thr[0]);
    if (t->utcb != NO_PAGE) k_riscv_page_unmap(page_cap(t->utcb));
    if (t->window != NO_PAGE) k_riscv_page_unmap(page_cap(t->window));
}

void fs0_task_pages_free(struct task *t)
{
    free_grant(&t->utcb);
    free_grant(&t->window);
}

bool fs0_can_fork(void)
{
    /* Each live task has at most one exit and one exec event to come: keep room for all
     * of them, and for the new one's NEW and WINDOW. */
    return q_count + 2 + 2 * MAX_TASKS + thread_grants <= QSIZE;
}

void fs0_task_forked(struct task *child, struct task *parent)
{
    push_new(child, parent->fs0_badge, parent->pid);
}

void fs0_task_exec(struct task *t)
{
    if (!server || t == server) return;
    /* One waiting EXEC a task is enough (fs0 has not served it since): room for it is
     * kept by fs0_can_fork and fs0_can_clone. */
    for (unsigned i = 0; i < q_count; i++) {
        const struct event *e = &q[(q_head + i) % QSIZE];
        if (e->kind == FS0_EV_EXEC && e->badge == t->fs0_badge) return;
    }
    push(&(struct event){FS0_EV_EXEC, t->fs0_badge, 0, t->pid, 0, {NO_PAGE, NO_PAGE}});
}

void fs0_task_exited(struct task *t)
{
    if (t == server && t->pid == server_pid) {
        printf("mm0: fs0 exited; file requests will wait for ever\n");
        server = NULL;
        server_gone = true;
        n_puts = 0;
        fs0_cache_server_gone();
        fs0_task_pages_free(t);
        /* Nobody will pull: the frames waiting for fs0 to let go are free now. */
        free_grant(&pending[0]);
        free_grant(&pending[1]);
        for (; q_count; q_count--, q_head = (q_head + 1) % QSIZE)
            if (q[q_head].kind == FS0_EV_EXIT || q[q_head].kind == FS0_EV_THREAD_EXIT) {
                free_grant(&q[q_head].page[0]);
                free_grant(&q[q_head].page[1]);
            }
        return;
    }
    struct event ev = {FS0_EV_EXIT, t->fs0_badge, 0, t->pid, 0, {t->utcb, t->window}};
    if (server && push(&ev)) {
        t->utcb = t->window = NO_PAGE;   /* the event owns them now */
        return;
    }
    fs0_task_pages_free(t);   /* no fs0 (or none yet, or gone): nobody holds a copy */
}

int fs0_next_event(struct task *t, k_word_t *out, k_cptr_t *cap)
{
    if (!server || t != server) return -EPERM;
    /* fs0 asks again only after applying the previous event: an EXIT's frames are
     * no longer in use. */
    free_grant(&pending[0]);
    free_grant(&pending[1]);
    *cap = 0;
    /* Released cache frames and dropped file references first: a file's releases always
     * reach fs0 before its put (filemap.c lets the frames go, then puts). */
    k_word_t base, mask, left;
    if (fs0_cache_next_release(&base, &mask, &left)) {
        k_word_t ev[FS0_EV_WORDS] = {FS0_EV_RELEASE, base, mask, left + n_puts + q_count, 0, 0};
        for (unsigned i = 0; i < FS0_EV_WORDS; i++) out[i] = ev[i];
        return 0;
    }
    if (n_puts) {
        k_word_t ev[FS0_EV_WORDS] = {FS0_EV_FILE_PUT, file_puts[0].id, file_puts[0].refs, n_puts - 1 + q_count,
                                     0, 0};
        for (unsigned i = 0; i < FS0_EV_WORDS; i++) out[i] = ev[i];
        for (unsigned i = 1; i < n_puts; i++) file_puts[i - 1] = file_puts[i];
        n_puts--;
        return 0;
    }
    if (!q_count) {
        for (unsigned i = 0; i < FS0_EV_WORDS; i++) out[i] = 0;
        out[0] = FS0_EV_NONE;
        return 0;
    }
    struct event *ev = &q[q_head];
    q_head = (q_head + 1) % QSIZE;
    q_count--;
    out[0] = ev->kind;
    out[1] = ev->badge;
    out[2] = ev->kind == FS0_EV_WINDOW ? 0 : ev->parent;   /* WINDOW: the page index;
                                                             * THREAD*: the process */
    out[3] = q_count;
    out[4] = (k_word_t)ev->pid;
    out[5] = (k_word_t)ev->ppid;
    if (ev->kind == FS0_EV_EXIT || ev->kind == FS0_EV_THREAD_EXIT) {
        pending[0] = ev->page[0];
        pending[1] = ev->page[1];
    } else if (ev->page[0] != NO_PAGE) {
        *cap = page_cap(ev->page[0]);
    }
    return 0;
}
