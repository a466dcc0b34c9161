/* File descriptor calls. Every descriptor is fs0's (file.c): fs0 keeps the process's
 * table, 0-2 included. A read or write on a descriptor open on /dev/console is
 * answered FS0_ECONSOLE, and then goes to the console server directly (console.c): no
 * byte of the console passes through fs0, and fs0 never waits for typing. Which
 * descriptors are the console is remembered here until this process changes its table
 * (close, dup2: only the process itself can; fork copies this memory with the table,
 * exec starts afresh), so the common case is one call to the console. Without fs0
 * (images that have none) 0-2 are the console. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fs0/fs0.h>
#include "ipc.h"
#include "file.h"
#include "console.h"

#define CON_READ 1
#define CON_WRITE 2
static unsigned char con[FS0_FD_MAX];   /* CON_* bits per descriptor, learned from fs0 */
static bool fixed;                      /* posix_console_fixed: fs0 itself */

void console_forget(void)
{
    if (!fixed) memset(con, 0, sizeof con);
}

void posix_console_fixed(void)
{
    fixed = true;
    con[0] = con[1] = con[2] = CON_READ | CON_WRITE;
}

static bool in_range(int fd) { return fd >= 0 && fd < FS0_FD_MAX; }

/* After fs0 refused fd with errno: is it the console after all (and remember it)? */
static bool learned_console(int fd, unsigned bit)
{
    if (errno == FS0_ECONSOLE || (fs0_missing && fd <= 2 && errno == EBADF)) {
        con[fd] |= (unsigned char)bit;
        return true;
    }
    return false;
}

ssize_t write(int fd, const void *buf, size_t len)
{
    if (!in_range(fd)) {
        errno = EBADF;
        return -1;
    }
    if (con[fd] & CON_WRITE) return console_write(1, buf, len);
    int saved = errno;
    ssize_t r = fs0_write(fd, buf, len);
    if (r < 0 && learned_console(fd, CON_WRITE)) {
        errno = saved;
        return console_write(1, buf, len);
    }
    return r;
}

ssize_t read(int fd, void *buf, size_t len)
{
    if (!in_range(fd)) {
        errno = EBADF;
        return -1;
    }
    if (con[fd] & CON_READ) return console_read(0, buf, len);
    int saved = errno;
    ssize_t r = fs0_read(fd, buf, len);
    if (r < 0 && learned_console(fd, CON_READ)) {
        errno = saved;
        return console_read(0, buf, len);
    }
    return r;
}

int close(int fd)
{
    if (!in_range(fd)) {
        errno = EBADF;
        return -1;
    }
    if (fixed && fd <= 2) return 0;
    console_forget();
    int r = fs0_close(fd);
    if (r < 0 && fs0_missing && fd <= 2) return 0;
    return r;
}

off_t lseek(int fd, off_t off, int whence)
{
    if (in_range(fd) && (con[fd] || (fixed && fd <= 2))) {
        errno = ESPIPE;
        return -1;
    }
    off_t r = fs0_lseek(fd, off, whence);
    if (r < 0 && fs0_missing && fd >= 0 && fd <= 2) errno = ESPIPE;
    return r;
}

static int console_stat(struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFCHR | 0620;
    st->st_dev = 2;
    st->st_ino = FS0_CONSOLE_INO;
    return 0;
}

int fstat(int fd, struct stat *st)
{
    if (fixed && fd >= 0 && fd <= 2) return console_stat(st);
    int r = fs0_fstat(fd, st);
    if (r < 0 && fs0_missing && fd >= 0 && fd <= 2) return console_stat(st);
    return r;
}

int isatty(int fd)
{
    if (in_range(fd) && con[fd]) return 1;
    struct stat st;
    if (fstat(fd, &st)) return 0;   /* errno EBADF */
    if (S_ISCHR(st.st_mode) && st.st_dev == 2 && st.st_ino == FS0_CONSOLE_INO) return 1;
    errno = ENOTTY;
    return 0;
}

/* open and the path calls: file.c (fs0). */
