/* File calls served by fs0 (fs0/protocol.h, docs/fs0.md): descriptors from
 * FS0_FIRST_FD up are fs0's; 0-2 stay with the console path (io.c). Paths and data
 * travel through memory fs0 shares with this process (its UTCB and I/O window), the
 * message registers carry only counts, addresses and small results. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fs0/protocol.h>
#include "file.h"
#include "ipc.h"

/* Where the data goes: path names and transfers up to FS0_UTCB_AREA_SIZE in the
 * calling thread's UTCB area (its IPC-buffer page, which mm0 granted fs0), larger ones
 * in thread 0 through the I/O window, FS0_WINDOW_SIZE at a time, in other threads
 * through their UTCB area, FS0_UTCB_AREA_SIZE at a time (the window is thread 0's:
 * threads never share a buffer, so they may call fs0 at once). fs0 moves the file
 * data in or out of them directly, so a transfer is one copy here. */
#define UTCB_AREA ((char *)posix_ipc() + FS0_UTCB_AREA)

bool fs0_missing;

/* Call fs0 with n words already in w (w[0..3] go in registers, the rest through the
 * IPC buffer); at most room words of the reply land back in w. */
static long fs0_call_in(k_word_t label, unsigned n, k_word_t *w, unsigned room)
{
    for (unsigned i = 4; i < n; i++) posix_ipc()->msg[i] = w[i];
    k_word_t info = k_call(MM0_SLOT_FS0, k_msginfo_new(label, 0, 0, n), &w[0], &w[1], &w[2], &w[3]);
    /* fs0 answers with label 0; any other label is the kernel's error for an empty
     * slot 3 (an image without fs0): no such descriptor, no file system. */
    if (k_msginfo_label(info) != 0) {
        fs0_missing = true;   /* io.c: the console descriptors go to the console */
        return label == FS0_OPEN ? -ENOSYS : -EBADF;
    }
    unsigned got = (unsigned)k_msginfo_length(info);
    for (unsigned i = 4; i < got && i < room; i++) w[i] = posix_ipc()->msg[i];
    return (long)w[0];
}

static long fs0_call(k_word_t label, unsigned n, k_word_t *w) { return fs0_call_in(label, n, w, 4); }

/* The strings (a, then b if given) into the UTCB area, their byte count at w[at]; w
 * has room for that many words of the reply (4 unless it is stat's). */
static long path_call_in(k_word_t label, unsigned at, k_word_t *w, unsigned room, const char *a,
                         const char *b)
{
    if (!a || (label == FS0_RENAME && !b)) return -EFAULT;
    size_t la = strlen(a) + 1, lb = b ? strlen(b) + 1 : 0;
    if (la + lb > FS0_PATH_BYTES) return -ENAMETOOLONG;
    memcpy(UTCB_AREA, a, la);
    if (b) memcpy(UTCB_AREA + la, b, lb);
    w[at] = la + lb;
    return fs0_call_in(label, at + 1, w, room);
}

static long path_call(k_word_t label, unsigned at, k_word_t *w, const char *a, const char *b)
{
    return path_call_in(label, at, w, 4, a, b);
}

int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = flags & O_CREAT ? va_arg(ap, mode_t) : 0;
    va_end(ap);
    k_word_t w[4] = {(k_word_t)flags, mode};
    return (int)mm0_result(path_call(FS0_OPEN, 2, w, path, 0));
}



ssize_t fs0_read(int fd, void *buf, size_t len)
{
    size_t done = 0;
    char *area = UTCB_AREA;
    do {
        size_t n = len - done;
        char *io = area;
        if (n > FS0_UTCB_AREA_SIZE) {   /* thread 0: through the window; others: 3 KiB */
            io = __posix_big_io;
            if (n > __posix_big_piece) n = __posix_big_piece;
        }
        k_word_t w[4] = {(k_word_t)fd, (k_word_t)io, n};
        long r = fs0_call(FS0_READ, 3, w);
        if (r < 0) return done ? (ssize_t)done : mm0_result(r);
        if ((size_t)r > n) r = (long)n;   /* never trust a reply to overrun buf */
        memcpy((char *)buf + done, io, (size_t)r);
        done += (size_t)r;
        if ((size_t)r < n) break;
    } while (done < len);
    return (ssize_t)done;
}

ssize_t fs0_write(int fd, const void *buf, size_t len)
{
    size_t done = 0;
    char *area = UTCB_AREA;
    do {
        size_t n = len - done;
        char *io = area;
        if (n > FS0_UTCB_AREA_SIZE) {   /* thread 0: through the window; others: 3 KiB */
            io = __posix_big_io;
            if (n > __posix_big_piece) n = __posix_big_piece;
        }
        memcpy(io, (const char *)buf + done, n);
        k_word_t w[4] = {(k_word_t)fd, (k_word_t)io, n};
        long r = fs0_call(FS0_WRITE, 3, w);
        if (r < 0) return done ? (ssize_t)done : mm0_result(r);
        if ((size_t)r > n) r = (long)n;
        done += (size_t)r;
        if ((size_t)r < n) break;
    } while (done < len);
    return (ssize_t)done;
}

int fs0_close(int fd)
{
    k_word_t w[4] = {(k_word_t)fd};
    return (int)mm0_result(fs0_call(FS0_CLOSE, 1, w));
}

off_t fs0_lseek(int fd, off_t off, int whence)
{
    k_word_t w[4] = {(k_word_t)fd, (k_word_t)off, (k_word_t)whence};
    return (off_t)mm0_result(fs0_call(FS0_LSEEK, 3, w));
}

static void to_stat(const k_word_t *w, struct stat *st)
{
    struct fs0_stat s;
    memcpy(&s, &w[1], sizeof s);
    memset(st, 0, sizeof *st);
    st->st_dev = (dev_t)s.dev;
    st->st_ino = (ino_t)s.ino;
    st->st_mode = (mode_t)s.mode;
    st->st_nlink = (nlink_t)s.nlink;
    st->st_size = (off_t)s.size;
    st->st_blocks = (blkcnt_t)s.blocks;
    st->st_blksize = 4096;
    st->st_mtime = (time_t)s.mtime;
}

int fs0_fstat(int fd, struct stat *st)
{
    k_word_t w[1 + FS0_STAT_WORDS] = {(k_word_t)fd};
    long r = fs0_call_in(FS0_FSTAT, 1, w, 1 + FS0_STAT_WORDS);
    if (r < 0) return (int)mm0_result(r);
    to_stat(w, st);
    return 0;
}

int stat(const char *path, struct stat *st)
{
    k_word_t w[1 + FS0_STAT_WORDS];
    long r = path_call_in(FS0_STAT, 0, w, 1 + FS0_STAT_WORDS, path, 0);
    if (r < 0) return (int)mm0_result(r);
    to_stat(w, st);
    return 0;
}

int mkdir(const char *path, mode_t mode)
{
    k_word_t w[4] = {mode};
    return (int)mm0_result(path_call(FS0_MKDIR, 1, w, path, 0));
}

int rmdir(const char *path)
{
    k_word_t w[4];
    return (int)mm0_result(path_call(FS0_RMDIR, 0, w, path, 0));
}

int unlink(const char *path)
{
    k_word_t w[4];
    return (int)mm0_result(path_call(FS0_UNLINK, 0, w, path, 0));
}

int rename(const char *from, const char *to)
{
    k_word_t w[4];
    return (int)mm0_result(path_call(FS0_RENAME, 0, w, from, to));
}

int chdir(const char *path)
{
    k_word_t w[4];
    return (int)mm0_result(path_call(FS0_CHDIR, 0, w, path, 0));
}

char *getcwd(char *buf, size_t size)
{
    k_word_t w[FS0_MSG_WORDS];
    long r = fs0_call_in(FS0_GETCWD, 0, w, FS0_MSG_WORDS);
    if (r < 0) {
        mm0_result(r);
        return NULL;
    }
    if (r > FS0_PATH_MAX || (size_t)r > size) {
        errno = ERANGE;
        return NULL;
    }
    memcpy(buf, &w[1], (size_t)r);
    buf[r - 1] = '\0';
    return buf;
}

ssize_t fs0_getdents(int fd, void *buf, size_t len)
{
    k_word_t w[FS0_MSG_WORDS];   /* not zeroed: only the words sent matter */
    w[0] = (k_word_t)fd;
    w[1] = len < FS0_IO_MAX ? len : FS0_IO_MAX;
    long r = fs0_call_in(FS0_GETDENTS, 2, w, FS0_MSG_WORDS);
    if (r < 0) return mm0_result(r);
    if ((size_t)r > len) r = (long)len;
    memcpy(buf, &w[1], (size_t)r);
    return r;
}

int ftruncate(int fd, off_t len)
{
    k_word_t w[4] = {(k_word_t)fd, (k_word_t)len};
    return (int)mm0_result(fs0_call(FS0_FTRUNCATE, 2, w));
}

int fsync(int fd)
{
    k_word_t w[4] = {(k_word_t)fd};
    return (int)mm0_result(fs0_call(FS0_FSYNC, 1, w));
}

int dup(int fd)
{
    k_word_t w[4] = {(k_word_t)fd};
    return (int)mm0_result(fs0_call(FS0_DUP, 1, w));
}

int dup2(int fd, int to)
{
    console_forget();   /* `to` may stop being the console */
    k_word_t w[4] = {(k_word_t)fd, (k_word_t)to};
    return (int)mm0_result(fs0_call(FS0_DUP2, 2, w));
}

/* fcntl(2): fs0 keeps FD_CLOEXEC per descriptor and the status flags per open file
 * (FS0_FCNTL). A new descriptor from F_DUPFD may take the console's place. */
int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = cmd == F_GETFD || cmd == F_GETFL ? 0 : va_arg(ap, long);
    va_end(ap);
    if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) console_forget();
    k_word_t w[4] = {(k_word_t)fd, (k_word_t)cmd, (k_word_t)arg};
    return (int)mm0_result(fs0_call(FS0_FCNTL, 3, w));
}

void sync(void)
{
    k_word_t w[4];
    fs0_call(FS0_SYNC, 0, w);
}

long fs0_raw_call(k_word_t label, unsigned length, k_word_t *w)
{
    return fs0_call_in(label, length, w, FS0_MSG_WORDS);
}

int pipe(int fds[2])
{
    k_word_t w[FS0_MSG_WORDS];
    long r = fs0_call(FS0_PIPE, 0, w);
    if (r < 0) return (int)mm0_result(r);
    fds[0] = (int)w[1];
    fds[1] = (int)w[2];
    return 0;
}
