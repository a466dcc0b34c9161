/* Requests whose answer waits (wait.h). A kept request holds a reference to its open
 * file (so the node stays while it waits), where the caller's buffer is (the bytes
 * of a write stay there: the caller waits; a read's land there), and the caller's
 * reply capability in slot i of the reply CNode (FS0_SLOT_REPLIES, from mm0). seL4's
 * reply capabilities are one-shot and die with their caller: a killed caller's slot
 * is empty, which moving it shows before anything is consumed for it; its exit event
 * then drops the record (wait_drop). Requests are retried oldest first, so readers of
 * one pipe are served in the order they came. */
#include <errno.h>
#include <fs0/protocol.h>
#include "grant.h"
#include "wait.h"

#define WAITERS (1u << FS0_REPLY_BITS)
#define DEPTH 64   /* fs0's own CSpace: a 4-bit CNode with its guard to 64 bits */

struct waiter {
    bool used;
    k_word_t badge, caller, label;   /* the process, the thread that asked */
    struct ofile *f;
    size_t len;
    k_word_t addr;         /* the caller's buffer (grant_buffer finds it again) */
};
static struct waiter ws[WAITERS];
static unsigned order[WAITERS], n_waiting;   /* indices, oldest first */
static bool kicked;

int64_t wait_defer(struct proc *p, k_word_t caller, struct ofile *f, k_word_t label, k_word_t addr,
                   size_t len)
{
    unsigned i = 0;
    while (i < WAITERS && ws[i].used) i++;
    if (i == WAITERS) return -EAGAIN;
    struct waiter *w = &ws[i];
    /* The slot is empty: a reply capability leaves it by being used (a Send on a reply
     * capability consumes it), by wait_drop, or with its caller (the kernel). */
    if (k_cnode_save_caller(FS0_SLOT_REPLIES, i, FS0_REPLY_BITS)) return -EAGAIN;
    w->used = true;
    w->badge = p->badge;
    w->caller = caller;
    w->label = label;
    w->f = f;
    w->len = len;
    w->addr = addr;
    f->refs++;
    order[n_waiting++] = i;
    return VFS_DEFERRED;
}

void wait_kick(void) { kicked = true; }

static void finish(unsigned k)
{
    struct waiter *w = &ws[order[k]];
    w->used = false;
    for (unsigned j = k + 1; j < n_waiting; j++) order[j - 1] = order[j];
    n_waiting--;
    ofile_unref(w->f);   /* may close a pipe end: a kick */
}

/* Retry order[k]: true if it was answered (or its caller is gone) and removed. */
static bool retry(unsigned k)
{
    unsigned i = order[k];
    struct waiter *w = &ws[i];
    /* The caller still there? Its reply capability moves into the slot we invoke. */
    if (k_cnode_move(FS0_SLOT_SELF, FS0_SLOT_WAKE, DEPTH, FS0_SLOT_REPLIES, i, FS0_REPLY_BITS)) {
        finish(k);
        return true;
    }
    struct ofile *f = w->f;
    const struct vfs_ops *fs = vfs_mounts[f->node.mnt];
    int err;
    void *buf = grant_buffer(w->caller, w->addr, w->len, &err);   /* checked when kept */
    int64_t r = err;
    if (buf && w->label == FS0_READ) r = fs->read(f->node.ino, f->off, buf, w->len);
    else if (buf) r = fs->write(f->node.ino, f->off, buf, w->len);
    if (r == VFS_BLOCK) {   /* still waiting: the capability goes back */
        k_cnode_move(FS0_SLOT_REPLIES, i, FS0_REPLY_BITS, FS0_SLOT_SELF, FS0_SLOT_WAKE, DEPTH);
        return false;
    }
    if (r > 0) f->off += (uint64_t)r;
    k_send(FS0_SLOT_WAKE, k_msginfo_new(0, 0, 0, 1), (k_word_t)r, 0, 0, 0);   /* uses it up */
    finish(k);
    return true;
}

void wait_poll(void)
{
    /* Each pass follows a change; an answered request may change its node again (a
     * read makes room for a writer), so go on until a pass changes nothing. */
    for (unsigned pass = 0; kicked && n_waiting && pass < 4 * WAITERS; pass++) {
        kicked = false;
        for (unsigned k = 0; k < n_waiting;)
            if (!retry(k)) k++;
    }
    kicked = false;
}

static void drop_if(k_word_t badge, bool by_caller)
{
    for (unsigned k = 0; k < n_waiting;) {
        unsigned i = order[k];
        if ((by_caller ? ws[i].caller : ws[i].badge) != badge) {
            k++;
            continue;
        }
        k_cnode_delete(FS0_SLOT_REPLIES, i, FS0_REPLY_BITS);
        finish(k);
    }
}

void wait_drop(k_word_t badge) { drop_if(badge, false); }
void wait_drop_caller(k_word_t caller) { drop_if(caller, true); }
