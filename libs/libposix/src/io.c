/* File descriptor calls: descriptors 0, 1 and 2 are the console's (console.c: the
 * console server, or mm0 where there is none), those from FS0_FIRST_FD up fs0's
 * (file.c); anything else is a bad descriptor. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ipc.h"
#include "file.h"
#include "console.h"

static int console_fd(int fd) { return fd >= 0 && fd <= 2; }

ssize_t write(int fd, const void *buf, size_t len)
{
    if (FS0_OWNS(fd)) return fs0_write(fd, buf, len);
    if (console_fd(fd)) return console_write(fd, buf, len);
    errno = EBADF;
    return -1;
}

ssize_t read(int fd, void *buf, size_t len)
{
    if (FS0_OWNS(fd)) return fs0_read(fd, buf, len);
    if (console_fd(fd)) return console_read(fd, buf, len);
    errno = EBADF;
    return -1;
}

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
