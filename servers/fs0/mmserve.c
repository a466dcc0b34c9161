/* mm0's pager's requests (fs0/protocol.h, FS0_MM_*; docs/fs0.md "The page cache"):
 * main.c hands over exactly the requests of badge FS0_BADGE_MM0. mm0 is trusted to
 * say which process it asks for, but every word is still checked. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include "fdtable.h"
#include "mmserve.h"
#include "pagecache.h"


/* The process a badge in a message names (its NEW may still be queued). */
static struct proc *named_proc(k_word_t badge)
{
    if (badge == FS0_BADGE_MM0 || badge == FS0_EVENT_BADGE) return NULL;
    struct proc *p = proc_find(badge);
    if (!p) {
        fs0_drain_events();
        p = proc_find(badge);
    }
    return p;
}

/* The FS0_MM_FILE / FS0_MM_OPEN answer for node n opened with access acc. */
static int64_t map_node(struct vfs_node n, int acc, k_word_t *rep)
{
    uint64_t id = 0;
    struct fs0_stat st = {0};
    if (vfs_is_zero(n)) {
        rep[2] = FS0_MMK_ZERO;   /* no reference: mm0 needs nothing of fs0 for it */
    } else {
        const struct vfs_ops *fs = vfs_mounts[n.mnt];
        if (n.mnt == MNT_PIPE || n.mnt == MNT_DEV || !fs) return -ENODEV;
        int r = fs->stat(n.ino, &st);
        if (r) return r;
        if (!IS_REG(st.mode)) return -ENODEV;
        if ((r = pc_file_get(n, &id))) return r;
        rep[2] = FS0_MMK_REG;
    }
    rep[1] = id;
    rep[3] = (k_word_t)acc;
    rep[4] = st.size;
    return 0;
}

static int64_t mm_file(const k_word_t *w, k_word_t *rep)
{
    struct proc *p = named_proc(w[0]);
    if (!p) return -ESRCH;
    struct ofile *f = fd_get(p, (long)w[1]);
    if (!f) return -EBADF;
    return map_node(f->node, f->flags & O_ACCMODE, rep);
}

/* The path is in the message: MR1 its byte count n (NUL included), MR2.. the bytes. */
static int64_t mm_open(const k_word_t *w, unsigned len, k_word_t *rep)
{
    if (len < 2) return -EINVAL;
    k_word_t n = w[1];
    if (n == 0) return -EINVAL;
    if (n > FS0_PATH_MAX) return -ENAMETOOLONG;
    if (len != 2 + (n + 7) / 8) return -EINVAL;
    char path[FS0_PATH_MAX], canon[FS0_PATH_MAX];
    memcpy(path, &w[2], n);
    if (path[n - 1] != '\0' || strlen(path) != n - 1) return -EINVAL;   /* a NUL inside */
    struct proc *p = named_proc(w[0]);
    if (!p) return -ESRCH;
    struct vfs_node node;
    struct fs0_stat st;
    int r;
    if ((r = vfs_canon(p->cwd, path, canon)) || (r = vfs_resolve(canon, &node)) ||
        (r = vfs_mounts[node.mnt]->stat(node.ino, &st)))
        return r;
    if (!IS_REG(st.mode) || !(st.mode & 0111)) return -EACCES;   /* a directory, a device */
    return map_node(node, O_RDONLY, rep);
}

unsigned mm_serve(k_word_t label, const k_word_t *w, unsigned len, k_word_t *rep)
{
    int64_t r;
    unsigned rlen = 1;
    switch (label) {
    case FS0_MM_FILE:
        r = len != 2 ? -EINVAL : mm_file(w, rep);
        rlen = FS0_MM_FILE_REPLY;
        break;
    case FS0_MM_OPEN:
        r = mm_open(w, len, rep);
        rlen = FS0_MM_FILE_REPLY;
        break;
    case FS0_MM_PAGE: r = len != 3 ? -EINVAL : pc_page(w[0], w[1], w[2]); break;
    default: r = -ENOSYS;   /* mm0 is no process: no file requests */
    }
    rep[0] = (k_word_t)r;
    return r < 0 ? 1 : rlen;
}
