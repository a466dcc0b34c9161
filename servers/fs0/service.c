/* fs0's requests (fs0/protocol.h, docs/fs0.md): each is checked (length, descriptor,
 * path bytes and termination, path length) before anything changes; every answer is
 * the result in MR0 (-errno on failure) and data from MR1. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include "fdtable.h"
#include "grant.h"
#include "pagecache.h"
#include "mmserve.h"
#include "pipe.h"
#include "service.h"
#include "wait.h"

#define W FS0_MSG_WORDS

static const struct vfs_ops *mnt(int m) { return vfs_mounts[m]; }

/* The badge of the thread whose request is being served (fs0_serve): its UTCB holds
 * the paths, its buffers the data (grant.h). */
static k_word_t caller;

/* The path argument: n bytes (the count is in the message) at the start of the
 * caller's UTCB area, copied into b (FS0_PATH_BYTES) before they are looked at, since
 * the caller can change its page at any time; nstr NUL-terminated strings, each
 * shorter than FS0_PATH_MAX, the last ending at byte n. */
static int get_paths(const struct proc *p, k_word_t n, int nstr, const char **s, char *b)
{
    if (n == 0 || n > FS0_PATH_BYTES) return -EINVAL;
    (void)p;
    const uint8_t *area = grant_path_area(caller);
    if (!area) return -EFAULT;   /* no UTCB granted (mm0 could not) */
    memcpy(b, area, n);
    if (b[n - 1] != '\0') return -EINVAL;   /* not terminated */
    int found = 0;
    for (k_word_t i = 0, start = 0; i < n; i++)
        if (b[i] == '\0') {
            if (found == nstr) return -EINVAL;
            if (i - start >= FS0_PATH_MAX) return -ENAMETOOLONG;
            s[found++] = b + start;
            start = i + 1;
        }
    return found == nstr ? 0 : -EINVAL;
}

static unsigned put_stat(const struct fs0_stat *st, k_word_t *r)
{
    memcpy(&r[1], st, sizeof *st);
    return 1 + FS0_STAT_WORDS;
}

static int do_open(struct proc *p, const k_word_t *w)
{
    const char *path;
    char pb[FS0_PATH_BYTES];
    int flags = (int)w[0], r;
    if ((r = get_paths(p, w[2], 1, &path, pb))) return r;
    int acc = flags & O_ACCMODE;
    int known = O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | O_EXCL | O_DIRECTORY | O_CLOEXEC |
                O_NONBLOCK;
    if (acc == O_ACCMODE || (flags & ~known)) return -EINVAL;
    char canon[FS0_PATH_MAX];
    if ((r = vfs_canon(p->cwd, path, canon))) return r;
    struct vfs_node n;
    r = vfs_resolve(canon, &n);
    if (r == -ENOENT && (flags & O_CREAT)) {
        struct vfs_node dir;
        const char *name;
        size_t nlen;
        if ((r = vfs_parent(canon, &dir, &name, &nlen))) return r;
        n.mnt = dir.mnt;
        if ((r = mnt(dir.mnt)->create(dir.ino, name, nlen, (uint32_t)w[1], &n.ino))) return r;
    } else if (r) {
        return r;
    } else if ((flags & O_CREAT) && (flags & O_EXCL)) {
        return -EEXIST;
    }
    struct fs0_stat st;
    if ((r = mnt(n.mnt)->stat(n.ino, &st))) return r;
    bool dir = IS_DIR(st.mode);
    if (dir && acc != O_RDONLY) return -EISDIR;
    if (!dir && (flags & O_DIRECTORY)) return -ENOTDIR;
    if (!dir && (flags & O_TRUNC) && acc != O_RDONLY &&
        (r = pc_cached ? pc_truncate(n, 0) : mnt(n.mnt)->truncate(n.ino, 0)))
        return r;
    int fd = fd_open(p, n, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK), dir);
    if (fd >= 0 && flags & O_CLOEXEC) p->cloexec |= 1ull << fd;
    return fd;
}

/* fcntl: the descriptor's FD_CLOEXEC, the open file's status flags (O_APPEND and
 * O_NONBLOCK may change; the access mode and the rest are kept, as POSIX lets F_SETFL
 * ignore them), and F_DUPFD. */
static int do_fcntl(struct proc *p, const k_word_t *w)
{
    long fd = (long)w[0], arg = (long)w[2];
    struct ofile *f = fd_get(p, fd);
    if (!f) return -EBADF;
    switch (w[1]) {
    case F_GETFD: return p->cloexec >> fd & 1 ? FD_CLOEXEC : 0;
    case F_SETFD:
        if (arg & FD_CLOEXEC) p->cloexec |= 1ull << fd;
        else p->cloexec &= ~(1ull << fd);
        return 0;
    case F_GETFL: return f->flags & (O_ACCMODE | O_APPEND | O_NONBLOCK);
    case F_SETFL:
        f->flags = (f->flags & O_ACCMODE) | (int)(arg & (O_APPEND | O_NONBLOCK));
        return 0;
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        int r = fd_dup_from(p, fd, arg);
        if (r >= 0 && w[1] == F_DUPFD_CLOEXEC) p->cloexec |= 1ull << r;
        return r;
    }
    default: return -EINVAL;
    }
}

/* READ and WRITE: the data moves straight between the file system and the caller's
 * buffer (w[1], w[2]), which grant_buffer finds in its UTCB area or window. */
static int64_t do_read(struct proc *p, const k_word_t *w)
{
    struct ofile *f = fd_get(p, (long)w[0]);
    if (!f || (f->flags & O_ACCMODE) == O_WRONLY) return -EBADF;
    if (f->dir) return -EISDIR;
    int err;
    void *buf = grant_buffer(caller, w[1], w[2], &err);
    if (!buf) return err;
    int64_t n = mnt(f->node.mnt)->read(f->node.ino, f->off, buf, w[2]);
    if (n == VFS_BLOCK) {   /* an empty pipe: the answer waits, unless O_NONBLOCK */
        if (f->flags & O_NONBLOCK) return -EAGAIN;
        return wait_defer(p, caller, f, FS0_READ, w[1], w[2]);
    }
    if (n > 0) {
        if (pc_cached) pc_read_overlay(f->node, f->off, buf, (size_t)n);   /* mapped stores */
        f->off += (uint64_t)n;
    }
    return n;
}

static int64_t do_write(struct proc *p, const k_word_t *w)
{
    struct ofile *f = fd_get(p, (long)w[0]);
    k_word_t n = w[2];
    if (!f || (f->flags & O_ACCMODE) == O_RDONLY) return -EBADF;
    int err;
    const void *buf = grant_buffer(caller, w[1], n, &err);
    if (!buf) return err;
    const struct vfs_ops *fs = mnt(f->node.mnt);
    if (f->flags & O_APPEND) {
        struct fs0_stat st;
        int r = fs->stat(f->node.ino, &st);
        if (r) return r;
        f->off = st.size;
    }
    int64_t r = pc_cached ? pc_write(f->node, f->off, buf, n) : fs->write(f->node.ino, f->off, buf, n);
    if (r == VFS_BLOCK) {   /* a full pipe: the answer waits, unless O_NONBLOCK */
        if (f->flags & O_NONBLOCK) return -EAGAIN;
        return wait_defer(p, caller, f, FS0_WRITE, w[1], n);
    }
    if (r > 0) f->off += (uint64_t)r;
    return r;
}

static int64_t do_lseek(struct proc *p, const k_word_t *w)
{
    struct ofile *f = fd_get(p, (long)w[0]);
    if (!f) return -EBADF;
    if (vfs_is_stream(f->node)) return -ESPIPE;
    int64_t off = (int64_t)w[1], base;
    if (w[2] == SEEK_SET) {
        base = 0;
    } else if (w[2] == SEEK_CUR) {
        base = (int64_t)f->off;
    } else if (w[2] == SEEK_END) {
        struct fs0_stat st;
        int r = mnt(f->node.mnt)->stat(f->node.ino, &st);
        if (r) return r;
        base = (int64_t)st.size;
    } else {
        return -EINVAL;
    }
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0) return -EINVAL;
    if (f->dir && base + off != 0) return -EINVAL;   /* directories rewind only */
    f->off = (uint64_t)(base + off);
    return base + off;
}

/* getdents: whole records into rep[1..]; an entry that does not fit stays for the next
 * call (-EINVAL if not even the first fits). */
static int64_t do_getdents(struct proc *p, const k_word_t *w, k_word_t *rep, unsigned *rlen)
{
    struct ofile *f = fd_get(p, (long)w[0]);
    if (!f) return -EBADF;
    if (!f->dir) return -ENOTDIR;
    k_word_t cap = w[1];
    if (cap > FS0_IO_MAX) return -EINVAL;
    char *out = (char *)&rep[1];
    size_t used = 0;
    for (;;) {
        uint64_t cookie = f->off;
        uint32_t ino;
        uint8_t type;
        char name[256];
        int r = mnt(f->node.mnt)->readdir(f->node.ino, &cookie, &ino, &type, name);
        if (r < 0) return used ? (int64_t)used : r;
        if (r == 0) break;
        size_t nl = strlen(name);
        size_t rec = (sizeof(struct fs0_dirent) + nl + 1 + 7) & ~(size_t)7;
        if (used + rec > cap) {
            if (!used) return -EINVAL;
            break;
        }
        struct fs0_dirent *d = (struct fs0_dirent *)(out + used);
        memset(d, 0, rec);
        d->d_ino = ino;
        d->d_off = (int64_t)cookie;
        d->d_reclen = (uint16_t)rec;
        d->d_type = type;
        memcpy(d->d_name, name, nl);
        used += rec;
        f->off = cookie;
    }
    *rlen = 1 + (unsigned)((used + 7) / 8);
    return (int64_t)used;
}

/* A name operation (mkdir, rmdir, unlink) on the path whose byte count is w[at]. */
static int do_name_op(struct proc *p, k_word_t label, const k_word_t *w, unsigned at)
{
    const char *path;
    char canon[FS0_PATH_MAX], pb[FS0_PATH_BYTES];
    int r;
    if ((r = get_paths(p, w[at], 1, &path, pb)) || (r = vfs_canon(p->cwd, path, canon))) return r;
    struct vfs_node dir;
    const char *name;
    size_t nlen;
    if ((r = vfs_parent(canon, &dir, &name, &nlen))) return r;
    const struct vfs_ops *fs = mnt(dir.mnt);
    if (label == FS0_MKDIR) return fs->mkdir(dir.ino, name, nlen, (uint32_t)w[0]);
    if (label == FS0_RMDIR) return fs->rmdir(dir.ino, name, nlen);
    return fs->unlink(dir.ino, name, nlen);
}

static int do_rename(struct proc *p, const k_word_t *w)
{
    const char *paths[2];
    char from[FS0_PATH_MAX], to[FS0_PATH_MAX], pb[FS0_PATH_BYTES];
    int r;
    if ((r = get_paths(p, w[0], 2, paths, pb)) || (r = vfs_canon(p->cwd, paths[0], from)) ||
        (r = vfs_canon(p->cwd, paths[1], to)))
        return r;
    struct vfs_node sd, dd;
    const char *sn, *dn;
    size_t sl, dl;
    if ((r = vfs_parent(from, &sd, &sn, &sl)) || (r = vfs_parent(to, &dd, &dn, &dl))) return r;
    if (sd.mnt != dd.mnt) return -EXDEV;
    return mnt(sd.mnt)->rename(sd.ino, sn, sl, dd.ino, dn, dl);
}

static int do_stat_path(struct proc *p, const k_word_t *w, struct fs0_stat *st, char *canon)
{
    const char *path;
    char pb[FS0_PATH_BYTES];
    int r;
    if ((r = get_paths(p, w[0], 1, &path, pb)) || (r = vfs_canon(p->cwd, path, canon))) return r;
    struct vfs_node n;
    if ((r = vfs_resolve(canon, &n))) return r;
    return mnt(n.mnt)->stat(n.ino, st);
}

unsigned fs0_serve(struct proc *p, k_word_t badge, k_word_t label, const k_word_t *w, unsigned len,
                   k_word_t *rep)
{
    caller = badge;
    /* Every request has a fixed length (paths and data are not in the message). */
    static const signed char fixed[FS0_REQUEST_COUNT] = {
        [FS0_OPEN] = 3, [FS0_CLOSE] = 1, [FS0_READ] = 3, [FS0_WRITE] = 3, [FS0_LSEEK] = 3,
        [FS0_FSTAT] = 1, [FS0_STAT] = 1, [FS0_MKDIR] = 2, [FS0_RMDIR] = 1, [FS0_UNLINK] = 1,
        [FS0_RENAME] = 1, [FS0_GETDENTS] = 2, [FS0_FTRUNCATE] = 2, [FS0_FSYNC] = 1,
        [FS0_CHDIR] = 1, [FS0_GETCWD] = 0, [FS0_DUP] = 1, [FS0_DUP2] = 2, [FS0_SYNC] = 0,
        [FS0_PIPE] = 0, [FS0_FCNTL] = 3,
    };
    unsigned rlen = 1;
    int64_t r;
    struct fs0_stat st;
    char canon[FS0_PATH_MAX];
    if (label == 0 || label >= FS0_REQUEST_COUNT) {
        rep[0] = (k_word_t)-ENOSYS;
        return 1;
    }
    if (len != (unsigned)fixed[label]) {
        rep[0] = (k_word_t)-EINVAL;
        return 1;
    }
    struct ofile *f;
    switch (label) {
    case FS0_OPEN: r = do_open(p, w); break;
    case FS0_CLOSE: r = fd_close(p, (long)w[0]); break;
    case FS0_READ: r = do_read(p, w); break;
    case FS0_WRITE: r = do_write(p, w); break;
    case FS0_LSEEK: r = do_lseek(p, w); break;
    case FS0_FSTAT:
        if (!(f = fd_get(p, (long)w[0]))) r = -EBADF;
        else if (!(r = mnt(f->node.mnt)->stat(f->node.ino, &st))) rlen = put_stat(&st, rep);
        break;
    case FS0_STAT:
        if (!(r = do_stat_path(p, w, &st, canon))) rlen = put_stat(&st, rep);
        break;
    case FS0_MKDIR: r = do_name_op(p, label, w, 1); break;
    case FS0_RMDIR:
    /* A name gone (a rename may replace a file): a file mm0 keeps only cached must not
     * outlive it (cachemap_trim). */
    case FS0_UNLINK:
        if (!(r = do_name_op(p, label, w, 0)) && pc_nfiles) cachemap_trim();
        break;
    case FS0_RENAME:
        if (!(r = do_rename(p, w)) && pc_nfiles) cachemap_trim();
        break;
    case FS0_GETDENTS: r = do_getdents(p, w, rep, &rlen); break;
    case FS0_FTRUNCATE:
        if (!(f = fd_get(p, (long)w[0])) || (f->flags & O_ACCMODE) == O_RDONLY) r = -EBADF;
        else if (f->dir) r = -EISDIR;
        else if ((int64_t)w[1] < 0) r = -EINVAL;
        else r = pc_cached ? pc_truncate(f->node, w[1]) : mnt(f->node.mnt)->truncate(f->node.ino, w[1]);
        break;
    case FS0_FSYNC:
        if (!(f = fd_get(p, (long)w[0]))) r = -EBADF;
        else r = pc_cached ? pc_fsync(f->node) : mnt(f->node.mnt)->fsync(f->node.ino);
        break;
    case FS0_CHDIR:
        if (!(r = do_stat_path(p, w, &st, canon))) {
            if (!IS_DIR(st.mode)) r = -ENOTDIR;
            else strcpy(p->cwd, canon);
        }
        break;
    case FS0_GETCWD:
        r = (int64_t)strlen(p->cwd) + 1;
        memcpy(&rep[1], p->cwd, (size_t)r);
        rlen = 1 + (unsigned)((r + 7) / 8);
        break;
    case FS0_DUP: r = fd_dup(p, (long)w[0], -1); break;
    case FS0_DUP2: r = (long)w[1] < 0 ? -EBADF : fd_dup(p, (long)w[0], (long)w[1]); break;
    case FS0_PIPE: r = pipe_request(p, rep, &rlen); break;
    case FS0_FCNTL: r = do_fcntl(p, w); break;
    case FS0_SYNC:   /* shared mappings' stores, then every mount's dirty blocks: the first error */
        if (pc_nfiles) cachemap_trim();   /* unlinked files mm0 only kept cached go first */
        r = pc_sync();
        for (int m = 0; m < MNT_COUNT; m++) {
            int e = mnt(m) && mnt(m)->sync ? mnt(m)->sync() : 0;
            if (e && !r) r = e;
        }
        break;
    default: r = -ENOSYS;
    }
    wait_poll();   /* what this request changed may answer a waiting one */
    if (r == VFS_DEFERRED) return 0;   /* no answer now (wait.c) */
    rep[0] = (k_word_t)r;
    return r < 0 ? 1 : rlen;
}
