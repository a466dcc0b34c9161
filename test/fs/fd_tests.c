/* Descriptor flags (fcntl): close-on-exec, O_APPEND and O_NONBLOCK as status flags,
 * F_DUPFD (docs/fs0.md, "Descriptor flags"). Each test returns 0, or 1 with the
 * reason in why. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fstest.h"
#include "fd_tests.h"

/* Run as `init --fds A:0 B:1 ...` (an exec'd copy of the runner): fd A must be closed,
 * B open. Exit status: 0, or the position of the first argument that did not hold. */
int fd_check_main(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        int fd, open_;
        if (sscanf(argv[i], "%d:%d", &fd, &open_) != 2) return i;
        int r = fcntl(fd, F_GETFD);
        if (open_ ? r < 0 : !(r == -1 && errno == EBADF)) return i;
    }
    return 0;
}

static int exec_check(const char *const *args)
{
    pid_t c = fork();
    if (c == 0) {
        execve("init", (char **)args, NULL);
        _exit(100);
    }
    int st = -1;
    if (waitpid(c, &st, 0) != c || !WIFEXITED(st)) return -1;
    return WEXITSTATUS(st);
}

/* FD_CLOEXEC closes at exec, and only there: a fork keeps the descriptor and its flag;
 * O_CLOEXEC, F_SETFD and F_DUPFD_CLOEXEC set it, dup and F_DUPFD do not; after a
 * failed exec nothing has closed. */
int fdt_cloexec(void)
{
    int a = open("/etc/motd", O_RDONLY | O_CLOEXEC), b = open("/etc/motd", O_RDONLY);
    CHECK(a >= 3 && b >= 3, "open: errno %d", errno);
    CHECK(fcntl(a, F_GETFD) == FD_CLOEXEC && fcntl(b, F_GETFD) == 0, "F_GETFD after open: %d %d",
          fcntl(a, F_GETFD), fcntl(b, F_GETFD));
    int c = dup(a);
    CHECK(c >= 3 && fcntl(c, F_GETFD) == 0, "a dup inherited FD_CLOEXEC");
    int d = fcntl(b, F_DUPFD_CLOEXEC, 20), e = fcntl(a, F_DUPFD, 20);
    CHECK(d == 20 && e == 21, "F_DUPFD(_CLOEXEC) from 20: %d %d", d, e);
    CHECK(fcntl(d, F_GETFD) == FD_CLOEXEC && fcntl(e, F_GETFD) == 0, "F_DUPFD flags: %d %d",
          fcntl(d, F_GETFD), fcntl(e, F_GETFD));
    CHECK(fcntl(b, F_SETFD, FD_CLOEXEC) == 0 && fcntl(b, F_GETFD) == FD_CLOEXEC, "F_SETFD on");
    CHECK(fcntl(b, F_SETFD, 0) == 0 && fcntl(b, F_GETFD) == 0, "F_SETFD off");
    CHECK(fcntl(b, F_SETFD, FD_CLOEXEC) == 0, "F_SETFD on again");
    pid_t k = fork();
    if (k == 0) _exit(fcntl(a, F_GETFD) == FD_CLOEXEC && fcntl(c, F_GETFD) == 0 ? 0 : 1);
    int st = -1;
    CHECK(waitpid(k, &st, 0) == k && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "a forked child lost a descriptor or its flag");
    char sa[8], sb[8], sc[8], sd[8], se[8];
    snprintf(sa, sizeof sa, "%d:0", a);
    snprintf(sb, sizeof sb, "%d:0", b);
    snprintf(sc, sizeof sc, "%d:1", c);
    snprintf(sd, sizeof sd, "%d:0", d);
    snprintf(se, sizeof se, "%d:1", e);
    const char *args[] = {"init", "--fds", sa, sb, sc, sd, se, "1:1", NULL};
    int r = exec_check(args);
    CHECK(r == 0, "after exec: check %d did not hold (%s)", r, r >= 2 && r < 8 ? args[r] : "?");
    /* A failed exec closes nothing. */
    char *none[] = {"no-such-program", NULL};
    CHECK(ERR(execve("no-such-program", none, none), ENOENT), "execve of nothing");
    CHECK(fcntl(a, F_GETFD) == FD_CLOEXEC && fcntl(d, F_GETFD) == FD_CLOEXEC,
          "a failed exec closed close-on-exec descriptors");
    /* The flag belongs to the descriptor number: closing and reusing it clears it. */
    close(a);
    int a2 = open("/etc/motd", O_RDONLY);
    CHECK(a2 == a && fcntl(a2, F_GETFD) == 0, "a reused descriptor kept FD_CLOEXEC");
    close(a2);
    close(b);
    close(c);
    close(d);
    close(e);
    return 0;
}

/* F_GETFL says the access mode and O_APPEND; F_SETFL changes O_APPEND (shared by a
 * dup: it is the open file's) but never the access mode. Bad descriptors and commands. */
int fdt_status_flags(void)
{
    int fd = open("/tmp/fdt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 3, "create: errno %d", errno);
    CHECK(fcntl(fd, F_GETFL) == O_WRONLY, "F_GETFL: %#x", fcntl(fd, F_GETFL));
    CHECK(write(fd, "abc", 3) == 3 && lseek(fd, 0, SEEK_SET) == 0, "write");
    int d = dup(fd);
    CHECK(fcntl(fd, F_SETFL, O_APPEND | O_RDWR) == 0, "F_SETFL");
    CHECK(fcntl(d, F_GETFL) == (O_WRONLY | O_APPEND), "F_GETFL of the dup after F_SETFL: %#x",
          fcntl(d, F_GETFL));
    CHECK(write(d, "de", 2) == 2, "append write");
    CHECK(fcntl(fd, F_SETFL, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "X", 1) == 1,
          "F_SETFL off, write at 0");
    close(d);
    close(fd);
    char buf[8] = {0};
    fd = open("/tmp/fdt", O_RDONLY);
    CHECK(read(fd, buf, sizeof buf) == 5 && !memcmp(buf, "Xbcde", 5), "contents '%s'", buf);
    CHECK(ERR(write(fd, "x", 1), EBADF), "F_SETFL made a read-only descriptor writable");
    CHECK(ERR(fcntl(fd, 12345), EINVAL), "an unknown command");
    CHECK(ERR(fcntl(fd, F_DUPFD, 64), EINVAL) && ERR(fcntl(fd, F_DUPFD, -1), EINVAL),
          "F_DUPFD past the table");
    close(fd);
    CHECK(ERR(fcntl(fd, F_GETFD), EBADF) && ERR(fcntl(-1, F_GETFL), EBADF) &&
          ERR(fcntl(64, F_SETFD, 1), EBADF), "bad descriptors");
    CHECK(ERR(dup2(0, -1), EBADF), "dup2 onto -1");
    CHECK(unlink("/tmp/fdt") == 0, "unlink");
    return 0;
}

/* O_NONBLOCK on a pipe: an empty read and a full write are EAGAIN at once, a read with
 * data still reads; without it they would wait (the suite's other pipe tests). */
int fdt_nonblock_pipe(void)
{
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    char buf[4096];
    CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0 && fcntl(p[0], F_GETFL) == (O_RDONLY | O_NONBLOCK),
          "F_SETFL O_NONBLOCK");
    CHECK(ERR(read(p[0], buf, 1), EAGAIN), "an empty non-blocking read: not EAGAIN (errno %d)", errno);
    CHECK(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0, "F_SETFL on the write end");
    memset(buf, 'p', sizeof buf);
    ssize_t n = write(p[1], buf, sizeof buf);
    CHECK(n == (ssize_t)sizeof buf, "filling the pipe: %ld", (long)n);
    CHECK(ERR(write(p[1], buf, 1), EAGAIN), "a write to a full non-blocking pipe: not EAGAIN");
    CHECK(read(p[0], buf, 10) == 10, "a read with data");
    CHECK(write(p[1], buf, 10) == 10, "room again");
    close(p[0]);
    close(p[1]);
    int fd = open("/etc/motd", O_RDONLY | O_NONBLOCK);
    CHECK(fd >= 3 && fcntl(fd, F_GETFL) == (O_RDONLY | O_NONBLOCK) && read(fd, buf, 7) == 7,
          "O_NONBLOCK on a file");
    close(fd);
    return 0;
}
