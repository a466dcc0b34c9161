/* File descriptor calls. Until fs0 exists only the console descriptors 0, 1 and 2
 * exist: writes go to mm0, which prints them; reads see end of file. The requests
 * are the ones fs0 will take over (docs/mm0.md). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ipc.h"
#include "file.h"
#include "console.h"

ssize_t write(int fd, const void *buf, size_t len)
{
    if (FS0_OWNS(fd)) return fs0_write(fd, buf, len);
    if (fd >= 0 && fd <= 2) return console_write(fd, buf, len);
    const unsigned char *p = buf;
    size_t done = 0;
    struct k_ipc_buffer *ipc = k_ipc_buffer();
    do {
        size_t n = len - done < MM0_WRITE_MAX ? len - done : MM0_WRITE_MAX;
        k_word_t w[MM0_MSG_WORDS] = {0};
        w[0] = (k_word_t)fd;
        w[1] = n;
        memcpy(&w[2], p + done, n);
        unsigned words = 2 + (unsigned)((n + 7) / 8);
        for (unsigned i = 4; i < words; i++) ipc->msg[i] = w[i];
        long r = mm0_call(MM0_WRITE, words, w[0], w[1], w[2], w[3], 0);
        if (r < 0) return done ? (ssize_t)done : mm0_result(r);
        done += (size_t)r;
        if ((size_t)r < n) break;
    } while (done < len);
    return (ssize_t)done;
}

ssize_t read(int fd, void *buf, size_t len)
{
    if (FS0_OWNS(fd)) return fs0_read(fd, buf, len);
    if (fd >= 0 && fd <= 2) return console_read(fd, buf, len);
    if (len > MM0_READ_MAX) len = MM0_READ_MAX;
    long r = mm0_call(MM0_READ, 2, (k_word_t)fd, len, 0, 0, 0);
    if (r <= 0) return mm0_result(r);
    if ((size_t)r > len) r = (long)len;   /* never trust a reply to overrun buf */
    memcpy(buf, &k_ipc_buffer()->msg[1], (size_t)r);
    return r;
}

static int console_fd(int fd) { return fd >= 0 && fd <= 2; }

int close(int fd)
{
    if (FS0_OWNS(fd)) return fs0_close(fd);
    if (console_fd(fd)) return 0;
    errno = EBADF;
    return -1;
}

off_t lseek(int fd, off_t off, int whence)
{
    if (FS0_OWNS(fd)) return fs0_lseek(fd, off, whence);
    (void)off;
    (void)whence;
    errno = console_fd(fd) ? ESPIPE : EBADF;
    return -1;
}

int fstat(int fd, struct stat *st)
{
    if (FS0_OWNS(fd)) return fs0_fstat(fd, st);
    if (!console_fd(fd)) {
        errno = EBADF;
        return -1;
    }
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFCHR | 0620;
    return 0;
}

int isatty(int fd)
{
    if (FS0_OWNS(fd)) {   /* fs0 serves no terminal */
        struct stat st;
        if (!fs0_fstat(fd, &st)) errno = ENOTTY;
        return 0;
    }
    if (console_fd(fd)) return 1;
    errno = EBADF;
    return 0;
}

/* open and the path calls: file.c (fs0). */
