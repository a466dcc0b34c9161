/* Descriptor tables (fdtable.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include "fdtable.h"
#include "pagecache.h"
#include "wait.h"

static struct proc procs[FS0_PROCS];
static struct ofile files[FS0_OPEN_FILES];

struct proc *proc_find(k_word_t badge)
{
    struct proc *p = &procs[badge % FS0_PROCS];
    /* Thread 0's badge is the process's; thread n's has n in it (fs0/protocol.h). */
    if (!p->badge || (p->badge != badge && p->badge != FS0_BADGE_PROC(badge))) return NULL;
    return p;
}

bool vfs_is_open(int mnt, uint32_t ino)
{
    if (pc_is_mapped(mnt, ino)) return true;   /* mm0 maps it: as good as open */
    for (unsigned i = 0; i < FS0_OPEN_FILES; i++)
        if (files[i].refs && files[i].node.mnt == mnt && files[i].node.ino == ino) return true;
    return false;
}

void ofile_unref(struct ofile *f)
{
    if (--f->refs) return;
    const struct vfs_ops *fs = vfs_mounts[f->node.mnt];
    if (fs) fs->release(f->node.ino);   /* an unlinked inode goes now */
}

void proc_exit(k_word_t badge)
{
    struct proc *p = proc_find(badge);
    if (!p) return;
    wait_drop(badge);   /* its blocked requests go first: they hold open files */
    for (unsigned i = 0; i < FS0_FD_MAX; i++)
        if (p->fd[i]) {
            ofile_unref(p->fd[i]);
            p->fd[i] = NULL;
        }
    p->badge = 0;
    wait_poll();   /* a pipe end it held may have closed: EOF or EPIPE for the others */
}

void proc_new(k_word_t badge, k_word_t parent)
{
    /* Task index 0 names no process: FS0_BADGE_MM0 (mm0's pager) must never be found. */
    if (!badge || badge % FS0_PROCS == 0) return;
    struct proc *p = &procs[badge % FS0_PROCS];
    if (p->badge) proc_exit(p->badge);   /* a missed exit: the slot is reused */
    struct proc *pp = proc_find(parent);
    p->badge = badge;
    p->cloexec = pp ? pp->cloexec : 0;   /* fork keeps FD_CLOEXEC */
    strcpy(p->cwd, pp ? pp->cwd : "/");
    for (unsigned i = 0; i < FS0_FD_MAX; i++) {
        p->fd[i] = pp ? pp->fd[i] : NULL;
        if (p->fd[i]) p->fd[i]->refs++;
    }
    /* The first process (no parent fs0 knows): 0, 1 and 2 share one open file of
     * /dev/console, read and write, as a terminal's login would leave them. */
    if (!pp && fd_open(p, devfs_console(), O_RDWR, false) == 0) {
        fd_dup(p, 0, 1);
        fd_dup(p, 0, 2);
    }
}

void proc_exec(k_word_t badge)
{
    struct proc *p = proc_find(badge);
    if (!p || !p->cloexec) return;
    for (int i = 0; i < FS0_FD_MAX; i++)
        if (p->cloexec >> i & 1) fd_close(p, i);
    p->cloexec = 0;
    wait_poll();   /* a pipe end may have closed */
}

struct ofile *fd_get(struct proc *p, long fd)
{
    return fd >= 0 && fd < FS0_FD_MAX ? p->fd[fd] : NULL;
}

static int lowest_free(struct proc *p, int from)
{
    for (int i = from; i < FS0_FD_MAX; i++)
        if (!p->fd[i]) return i;
    return -EMFILE;
}

int fd_open(struct proc *p, struct vfs_node node, int flags, bool dir)
{
    int fd = lowest_free(p, 0);
    if (fd < 0) return fd;
    for (unsigned i = 0; i < FS0_OPEN_FILES; i++)
        if (!files[i].refs) {
            files[i] = (struct ofile){1, node, 0, flags, dir};
            p->fd[fd] = &files[i];
            p->cloexec &= ~(1ull << fd);
            return fd;
        }
    return -ENFILE;
}

int fd_close(struct proc *p, long fd)
{
    struct ofile *f = fd_get(p, fd);
    if (!f) return -EBADF;
    p->fd[fd] = NULL;
    p->cloexec &= ~(1ull << fd);
    ofile_unref(f);
    return 0;
}

int fd_dup(struct proc *p, long fd, long to)
{
    struct ofile *f = fd_get(p, fd);
    if (!f) return -EBADF;
    if (to < 0) {
        int n = lowest_free(p, 0);
        if (n < 0) return n;
        to = n;
    } else if (to >= FS0_FD_MAX) {
        return -EBADF;
    }
    if (to == fd) return (int)to;
    if (p->fd[to]) ofile_unref(p->fd[to]);
    f->refs++;
    p->fd[to] = f;
    p->cloexec &= ~(1ull << to);   /* a duplicate does not inherit FD_CLOEXEC (POSIX) */
    return (int)to;
}

int fd_dup_from(struct proc *p, long fd, long min)
{
    if (!fd_get(p, fd)) return -EBADF;
    if (min < 0 || min >= FS0_FD_MAX) return -EINVAL;
    int n = lowest_free(p, (int)min);
    return n < 0 ? n : fd_dup(p, fd, n);
}

int fd_open_pair(struct proc *p, struct vfs_node rd, struct vfs_node wr, int fds[2])
{
    if ((fds[0] = fd_open(p, rd, O_RDONLY, false)) < 0) return fds[0];
    if ((fds[1] = fd_open(p, wr, O_WRONLY, false)) < 0) {
        int e = fds[1];
        fd_close(p, fds[0]);
        return e;
    }
    return 0;
}
