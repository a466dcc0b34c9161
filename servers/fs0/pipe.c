/* Pipes (docs/fs0.md, "Pipes"): a node kind with no path, made by FS0_PIPE. A pipe is a
 * ring of FS0_PIPE_BUF bytes with a read end and a write end, each one open file
 * (fork and dup share it), so an end is closed when that open file's last reference
 * goes (vfs_ops.release). POSIX semantics (IEEE Std 1003.1, read() and write()):
 * a read takes what is there (a partial read), waits while the pipe is empty and a
 * writer exists, and returns 0 (end of file) when none is left; a write of at most
 * FS0_PIPE_BUF bytes goes in whole (atomic, PIPE_BUF), waiting while there is not
 * room; with no reader left it fails with EPIPE (there are no signals: no SIGPIPE).
 * "Waits" is VFS_BLOCK: wait.c keeps the request and retries it after wait_kick(). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include "fdtable.h"
#include "pipe.h"
#include "wait.h"

#define PIPES 64

struct pipe {
    bool used, rd_open, wr_open;
    size_t head, count;            /* the bytes: buf[head .. head + count) mod size */
    unsigned char buf[FS0_PIPE_BUF];
};
static struct pipe pipes[PIPES];

/* A node's inode: 2 + 2 * pipe + end (0 read, 1 write), never 0 or 1. */
static struct pipe *pipe_of(uint32_t ino, int *end)
{
    if (ino < 2 || (ino - 2) / 2 >= PIPES) return NULL;
    struct pipe *pp = &pipes[(ino - 2) / 2];
    *end = (int)((ino - 2) % 2);
    return pp->used ? pp : NULL;
}

static int64_t p_read(uint32_t ino, uint64_t off, void *buf, size_t len)
{
    (void)off;
    int end;
    struct pipe *pp = pipe_of(ino, &end);
    if (!pp || end != 0) return -EBADF;
    if (len == 0) return 0;
    if (pp->count == 0) return pp->wr_open ? VFS_BLOCK : 0;
    size_t n = len < pp->count ? len : pp->count;
    for (size_t i = 0; i < n; i++) ((unsigned char *)buf)[i] = pp->buf[(pp->head + i) % FS0_PIPE_BUF];
    pp->head = (pp->head + n) % FS0_PIPE_BUF;
    pp->count -= n;
    wait_kick();   /* room for a waiting writer */
    return (int64_t)n;
}

static int64_t p_write(uint32_t ino, uint64_t off, const void *buf, size_t len)
{
    (void)off;
    int end;
    struct pipe *pp = pipe_of(ino, &end);
    if (!pp || end != 1) return -EBADF;
    if (!pp->rd_open) return -EPIPE;
    if (len == 0) return 0;
    size_t room = FS0_PIPE_BUF - pp->count;
    /* Up to FS0_PIPE_BUF bytes go in whole or wait; a longer write takes what fits. */
    if (room < len && (len <= FS0_PIPE_BUF || room == 0)) return VFS_BLOCK;
    size_t n = len < room ? len : room;
    for (size_t i = 0; i < n; i++)
        pp->buf[(pp->head + pp->count + i) % FS0_PIPE_BUF] = ((const unsigned char *)buf)[i];
    pp->count += n;
    wait_kick();   /* data for a waiting reader */
    return (int64_t)n;
}

static int p_stat(uint32_t ino, struct fs0_stat *st)
{
    int end;
    struct pipe *pp = pipe_of(ino, &end);
    if (!pp) return -EBADF;
    *st = (struct fs0_stat){MNT_PIPE + 1, ino, 0010600, 1, pp->count, 0, 0};
    return 0;
}

static void p_release(uint32_t ino)
{
    int end;
    struct pipe *pp = pipe_of(ino, &end);
    if (!pp) return;
    if (end == 0) pp->rd_open = false;
    else pp->wr_open = false;
    if (!pp->rd_open && !pp->wr_open) pp->used = false;
    wait_kick();   /* end of file for readers, EPIPE for writers */
}

/* What a pipe is not: no names, no directory, no size to set, nothing to sync. */
static int p_lookup(uint32_t d, const char *n, size_t l, uint32_t *i) { (void)d; (void)n; (void)l; (void)i; return -ENOTDIR; }
static int p_truncate(uint32_t ino, uint64_t size) { (void)ino; (void)size; return -EINVAL; }
static int p_create(uint32_t d, const char *n, size_t l, uint32_t m, uint32_t *i) { (void)d; (void)n; (void)l; (void)m; (void)i; return -ENOTDIR; }
static int p_mkdir(uint32_t d, const char *n, size_t l, uint32_t m) { (void)d; (void)n; (void)l; (void)m; return -ENOTDIR; }
static int p_remove(uint32_t d, const char *n, size_t l) { (void)d; (void)n; (void)l; return -ENOTDIR; }
static int p_rename(uint32_t a, const char *b, size_t c, uint32_t d, const char *e, size_t f)
{
    (void)a; (void)b; (void)c; (void)d; (void)e; (void)f;
    return -ENOTDIR;
}
static int p_readdir(uint32_t d, uint64_t *c, uint32_t *i, uint8_t *t, char *n) { (void)d; (void)c; (void)i; (void)t; (void)n; return -ENOTDIR; }
static int p_fsync(uint32_t ino) { (void)ino; return -EINVAL; }

static const struct vfs_ops ops = {
    0, p_lookup, p_stat, p_read, p_write, p_truncate, p_create, p_mkdir,
    p_remove, p_remove, p_rename, p_readdir, p_fsync, p_release, 0,
};

const struct vfs_ops *pipefs_mount(void) { return &ops; }

int64_t pipe_request(struct proc *p, k_word_t *rep, unsigned *rlen)
{
    unsigned i = 0;
    while (i < PIPES && pipes[i].used) i++;
    if (i == PIPES) return -ENFILE;
    struct pipe *pp = &pipes[i];
    pp->used = pp->rd_open = pp->wr_open = true;
    pp->head = pp->count = 0;
    int fds[2];
    uint32_t ino = 2 + 2 * i;
    int r = fd_open_pair(p, (struct vfs_node){MNT_PIPE, ino}, (struct vfs_node){MNT_PIPE, ino + 1}, fds);
    if (r) {
        pipes[i].used = false;   /* the read end may have been opened and closed */
        return r;
    }
    rep[1] = (k_word_t)fds[0];
    rep[2] = (k_word_t)fds[1];
    *rlen = 3;
    return 0;
}
