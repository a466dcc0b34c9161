/* The fs suite: file tests as processes on fs0 (docs/fs0.md). This is init; each
 * test prints `ok N - name` or `not ok N - name: why`. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fs0/fs0.h>
#include <mm0/clone.h>
#include <mm0/mm0.h>
#include <mm0/protocol.h>
#include "fstest.h"
#include "persist.h"
#include "pager_tests.h"
#include "fd_tests.h"
#include "mut4_tests.h"

static int test_no, failures;
char why[200];

static unsigned char pattern(size_t i, unsigned seed) { return (unsigned char)(i * 31 + seed + (i >> 9)); }

static int wait_ok(pid_t pid)
{
    int st = -1;
    return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* ------------------------------------------------------------ the tests */

static const char motd[] = "Welcome to the fs0 disk.\nThis file was staged at build time.\n";

static int t_staged_file(void)
{
    char buf[256];
    int fd = open("/etc/motd", O_RDONLY);
    CHECK(fd >= 3, "open /etc/motd: errno %d", errno);
    ssize_t n = read(fd, buf, sizeof buf);
    CHECK(n == (ssize_t)strlen(motd), "read %ld bytes, want %zu", (long)n, strlen(motd));
    CHECK(!memcmp(buf, motd, strlen(motd)), "contents differ from the staged file");
    CHECK(read(fd, buf, sizeof buf) == 0, "no end of file");
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == (off_t)strlen(motd),
          "fstat: mode %o size %ld", (unsigned)st.st_mode, (long)st.st_size);
    CHECK(close(fd) == 0, "close");
    CHECK(ERR(close(fd), EBADF), "second close did not fail with EBADF");
    CHECK(stat("/bin/hostile", &st) == 0 && st.st_size > 1000, "/bin/hostile not staged");
    return 0;
}

static unsigned char big[(1 << 20) + 16];

/* Write n bytes (pattern seed) to path, read them back through another descriptor. */
static int write_read(const char *path, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) big[i] = pattern(i, seed);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 3, "create %s: errno %d", path, errno);
    CHECK(write(fd, big, n) == (ssize_t)n, "write %zu bytes to %s: errno %d", n, path, errno);
    CHECK(close(fd) == 0, "close");
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == (off_t)n, "%s: size %ld, want %zu", path,
          (long)st.st_size, n);
    memset(big, 0xee, n + 16);
    fd = open(path, O_RDONLY);
    CHECK(fd >= 3, "open %s: errno %d", path, errno);
    ssize_t got = read(fd, big, n + 16);
    CHECK(got == (ssize_t)n, "%s: read %ld of %zu", path, (long)got, n);
    for (size_t i = 0; i < n; i++)
        CHECK(big[i] == pattern(i, seed), "%s: byte %zu is %u, want %u", path, i, big[i], pattern(i, seed));
    CHECK(read(fd, big, 1) == 0, "%s: bytes past the end", path);
    close(fd);
    return 0;
}

static int t_sizes_ext2(void)
{
    static const size_t sizes[] = {0, 1, 4095, 4096, 4097, 1 << 20};
    char path[64];
    for (unsigned i = 0; i < 6; i++) {
        snprintf(path, sizeof path, "/data/size%zu", sizes[i]);
        if (write_read(path, sizes[i], i + 1)) return 1;
    }
    CHECK(unlink("/data/size1048576") == 0, "unlink the 1 MiB file: errno %d", errno);
    return 0;
}

static int t_sizes_tmp(void)
{
    static const size_t sizes[] = {0, 1, 4095, 4096, 4097, 1 << 20};
    char path[64];
    for (unsigned i = 0; i < 6; i++) {
        snprintf(path, sizeof path, "/tmp/size%zu", sizes[i]);
        if (write_read(path, sizes[i], i + 7)) return 1;
        CHECK(unlink(path) == 0, "unlink %s", path);
    }
    return 0;
}

/* Buffers at odd addresses and odd lengths take libposix's byte path; the lengths
 * straddle the UTCB area (3,072 bytes) and the window (4,096). */
static int t_unaligned(void)
{
    static const size_t lens[] = {1, 7, 9, 943, 3001, 3064, 3065, 3072, 3073, 4095, 4096, 4097, 9001};
    for (unsigned k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        size_t n = lens[k];
        unsigned char *src = big + 3, *dst = big + 600000 + 5;
        for (size_t i = 0; i < n; i++) src[i] = pattern(i, 40 + k);
        int fd = open("/tmp/odd", O_RDWR | O_CREAT | O_TRUNC, 0644);
        CHECK(fd >= 3 && write(fd, src, n) == (ssize_t)n, "write %zu from an odd address", n);
        memset(dst, 0, n + 8);
        CHECK(lseek(fd, 0, SEEK_SET) == 0 && read(fd, dst, n + 8) == (ssize_t)n, "read %zu", n);
        for (size_t i = 0; i < n; i++) CHECK(dst[i] == pattern(i, 40 + k), "length %zu: byte %zu", n, i);
        CHECK(dst[n] == 0, "length %zu: a byte past the read", n);
        close(fd);
    }
    return unlink("/tmp/odd");
}

static int t_append(void)
{
    int fd = open("/data/app", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 3 && write(fd, "one\n", 4) == 4, "first write");
    close(fd);
    fd = open("/data/app", O_WRONLY | O_APPEND);
    CHECK(fd >= 3, "open O_APPEND");
    CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek");
    CHECK(write(fd, "two\n", 4) == 4, "append write");
    CHECK(lseek(fd, 0, SEEK_CUR) == 8, "offset after append is %ld", (long)lseek(fd, 0, SEEK_CUR));
    close(fd);
    char buf[16] = {0};
    fd = open("/data/app", O_RDONLY);
    CHECK(read(fd, buf, sizeof buf) == 8 && !memcmp(buf, "one\ntwo\n", 8), "file is '%s'", buf);
    close(fd);
    return 0;
}

static int t_truncate(void)
{
    int fd = open("/data/trunc", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 3 && write(fd, "abcdefghij", 10) == 10, "write");
    CHECK(ftruncate(fd, 4) == 0, "shrink: errno %d", errno);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 4, "size %ld after shrink", (long)st.st_size);
    CHECK(ftruncate(fd, 8) == 0, "grow");
    char buf[16];
    CHECK(lseek(fd, 0, SEEK_SET) == 0 && read(fd, buf, 16) == 8, "read after grow");
    CHECK(!memcmp(buf, "abcd\0\0\0\0", 8), "grown bytes are not zero");
    CHECK(ERR(ftruncate(fd, -1), EINVAL), "negative length accepted");
    close(fd);
    fd = open("/data/trunc", O_WRONLY | O_TRUNC);
    CHECK(fd >= 3 && fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC left %ld bytes", (long)st.st_size);
    close(fd);
    return 0;
}

static int t_rename(void)
{
    CHECK(mkdir("/data/ra", 0755) == 0 && mkdir("/data/rb", 0755) == 0, "mkdir: errno %d", errno);
    int fd = open("/data/ra/f", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 3 && write(fd, "moved", 5) == 5, "write");
    close(fd);
    CHECK(rename("/data/ra/f", "/data/rb/g") == 0, "rename across directories: errno %d", errno);
    struct stat st;
    CHECK(ERR(stat("/data/ra/f", &st), ENOENT), "old name still there");
    CHECK(stat("/data/rb/g", &st) == 0 && st.st_size == 5, "new name missing");
    CHECK(ERR(rename("/data/ra", "/data/ra/sub"), EINVAL), "directory renamed into itself");
    CHECK(ERR(rename("/data", "/data/rb/x"), EINVAL), "ancestor renamed below itself");
    CHECK(ERR(rename("/data/rb/g", "/tmp/g"), EXDEV), "rename across mounts");
    CHECK(mkdir("/tmp/d", 0755) == 0 && mkdir("/tmp/d/e", 0755) == 0, "tmp mkdir");
    CHECK(ERR(rename("/tmp/d", "/tmp/d/e/f"), EINVAL), "tmp directory renamed into itself");
    CHECK(rename("/tmp/d/e", "/tmp/e") == 0 && stat("/tmp/e", &st) == 0 && S_ISDIR(st.st_mode),
          "tmp rename");
    CHECK(rmdir("/tmp/e") == 0 && rmdir("/tmp/d") == 0, "tmp rmdir");
    CHECK(ERR(rmdir("/data/rb"), ENOTEMPTY), "rmdir of a non-empty directory");
    CHECK(unlink("/data/rb/g") == 0 && rmdir("/data/rb") == 0 && rmdir("/data/ra") == 0, "cleanup");
    return 0;
}

static int t_unlink_open(void)
{
    static const char *paths[] = {"/data/gone", "/tmp/gone"};
    for (unsigned i = 0; i < 2; i++) {
        int fd = open(paths[i], O_RDWR | O_CREAT | O_TRUNC, 0644);
        CHECK(fd >= 3 && write(fd, "still here", 10) == 10, "%s: write", paths[i]);
        CHECK(unlink(paths[i]) == 0, "%s: unlink: errno %d", paths[i], errno);
        struct stat st;
        CHECK(ERR(stat(paths[i], &st), ENOENT), "%s: name survives unlink", paths[i]);
        char buf[16] = {0};
        CHECK(lseek(fd, 0, SEEK_SET) == 0 && read(fd, buf, 16) == 10 && !memcmp(buf, "still here", 10),
              "%s: the open file lost its data", paths[i]);
        CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0, "%s: nlink %ld", paths[i], (long)st.st_nlink);
        CHECK(close(fd) == 0, "close");
        CHECK(ERR(open(paths[i], O_RDONLY), ENOENT), "%s: reopened after unlink", paths[i]);
    }
    return 0;
}

static int t_big_dir(void)
{
    char path[64];
    CHECK(mkdir("/data/many", 0755) == 0, "mkdir: errno %d", errno);
    for (int i = 0; i < 1000; i++) {
        snprintf(path, sizeof path, "/data/many/entry-%04d", i);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        CHECK(fd >= 3, "create %s: errno %d", path, errno);
        close(fd);
    }
    static unsigned char seen[1000];
    memset(seen, 0, sizeof seen);
    int fd = open("/data/many", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 3, "open the directory: errno %d", errno);
    char buf[512];
    int entries = 0, dots = 0;
    ssize_t n;
    while ((n = fs0_getdents(fd, buf, sizeof buf)) > 0) {
        for (ssize_t off = 0; off < n;) {
            struct fs0_dirent *d = (struct fs0_dirent *)(buf + off);
            CHECK(d->d_reclen >= sizeof *d + 2 && off + d->d_reclen <= n && d->d_reclen % 8 == 0,
                  "bad record length %u", d->d_reclen);
            int k;
            if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..")) {
                dots++;
            } else {
                CHECK(sscanf(d->d_name, "entry-%d", &k) == 1 && k >= 0 && k < 1000 && !seen[k] &&
                      d->d_type == 8, "unexpected entry '%s'", d->d_name);
                seen[k] = 1;
                entries++;
            }
            off += d->d_reclen;
        }
    }
    CHECK(n == 0, "getdents failed: errno %d", errno);
    CHECK(entries == 1000 && dots == 2, "listed %d entries and %d dots", entries, dots);
    CHECK(ERR(fs0_getdents(fd, buf, 8), EINVAL) || fs0_getdents(fd, buf, 8) == 0,
          "a too-small buffer at the end");
    CHECK(lseek(fd, 0, SEEK_SET) == 0, "rewind");
    CHECK(ERR(fs0_getdents(fd, buf, 8), EINVAL), "a buffer too small for one record");
    close(fd);
    CHECK(ERR(rmdir("/data/many"), ENOTEMPTY), "rmdir of the full directory");
    for (int i = 0; i < 1000; i++) {
        snprintf(path, sizeof path, "/data/many/entry-%04d", i);
        CHECK(unlink(path) == 0, "unlink %s: errno %d", path, errno);
    }
    CHECK(rmdir("/data/many") == 0, "rmdir: errno %d", errno);
    return 0;
}

static int t_fork_offset(void)
{
    int fd = open("/data/lines.txt", O_RDONLY);
    CHECK(fd >= 3, "open: errno %d", errno);
    char buf[8] = {0};
    CHECK(read(fd, buf, 2) == 2, "first read");
    pid_t pid = fork();
    CHECK(pid >= 0, "fork: errno %d", errno);
    if (pid == 0) {
        char c[4] = {0};
        /* The child continues at the shared offset and moves it on. */
        _exit(read(fd, c, 4) == 4 && !memcmp(c, "pha\n", 4) ? 0 : 1);
    }
    CHECK(wait_ok(pid), "the child did not read at the shared offset");
    CHECK(read(fd, buf, 4) == 4 && !memcmp(buf, "beta", 4), "parent read '%s' after the child", buf);
    int d = dup(fd);
    CHECK(d > fd, "dup: %d", d);
    CHECK(lseek(d, 0, SEEK_CUR) == 10, "dup does not share the offset");
    CHECK(dup2(fd, 20) == 20 && close(fd) == 0, "dup2");
    CHECK(read(20, buf, 2) == 2 && !memcmp(buf, "\ng", 2), "dup2'd descriptor lost the offset");
    close(20);
    close(d);
    CHECK(ERR(read(20, buf, 1), EBADF), "read of a closed fd");
    return 0;
}

static int t_stdio(void)
{
    FILE *f = fopen("/data/stdio.txt", "w");
    CHECK(f, "fopen for writing: errno %d", errno);
    for (int i = 0; i < 50; i++) fprintf(f, "line %d of %s\n", i, "stdio");
    CHECK(fclose(f) == 0, "fclose");
    f = fopen("/data/stdio.txt", "r");
    CHECK(f, "fopen for reading: errno %d", errno);
    char line[64];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char want[64];
        snprintf(want, sizeof want, "line %d of stdio\n", n);
        CHECK(!strcmp(line, want), "line %d is '%s'", n, line);
        n++;
    }
    CHECK(n == 50, "read %d lines", n);
    fclose(f);
    f = fopen("/data/lines.txt", "r");
    CHECK(f && fgets(line, sizeof line, f) && !strcmp(line, "alpha\n"), "staged lines.txt");
    fclose(f);
    CHECK(!fopen("/data/nothing", "r") && errno == ENOENT, "fopen of a missing file");
    return 0;
}

static int t_dev(void)
{
    int z = open("/dev/zero", O_RDONLY), nul = open("/dev/null", O_RDWR);
    CHECK(z >= 3 && nul >= 3, "open /dev/zero, /dev/null: errno %d", errno);
    char buf[2000];
    memset(buf, 'x', sizeof buf);
    CHECK(read(z, buf, sizeof buf) == (ssize_t)sizeof buf, "read /dev/zero");
    for (unsigned i = 0; i < sizeof buf; i++) CHECK(buf[i] == 0, "byte %u of /dev/zero", i);
    CHECK(read(nul, buf, 10) == 0, "/dev/null is not at its end");
    CHECK(write(nul, buf, sizeof buf) == (ssize_t)sizeof buf, "write to /dev/null");
    struct stat st;
    CHECK(fstat(nul, &st) == 0 && S_ISCHR(st.st_mode), "/dev/null is not a character device");
    CHECK(ERR(open("/dev/other", O_RDWR | O_CREAT, 0644), EACCES), "created a name in /dev");
    CHECK(ERR(unlink("/dev/null"), EACCES), "unlinked /dev/null");
    close(z);
    close(nul);
    int fd = open("/dev", O_RDONLY);
    int seen = 0;
    ssize_t n = fs0_getdents(fd, buf, sizeof buf < 900 ? sizeof buf : 900);
    for (ssize_t off = 0; off < n;) {
        struct fs0_dirent *d = (struct fs0_dirent *)(buf + off);
        seen += !strcmp(d->d_name, "null") || !strcmp(d->d_name, "zero");
        off += d->d_reclen;
    }
    close(fd);
    CHECK(seen == 2, "/dev lists %d of null, zero", seen);
    return 0;
}

static int t_cwd(void)
{
    char buf[256];
    CHECK(getcwd(buf, sizeof buf) && !strcmp(buf, "/"), "cwd is '%s'", buf);
    CHECK(chdir("/data") == 0, "chdir: errno %d", errno);
    int fd = open("lines.txt", O_RDONLY);
    CHECK(fd >= 3, "relative open: errno %d", errno);
    close(fd);
    CHECK(chdir("../tmp/./") == 0 && getcwd(buf, sizeof buf) && !strcmp(buf, "/tmp"), "cwd '%s'", buf);
    pid_t pid = fork();
    if (pid == 0) _exit(getcwd(buf, sizeof buf) && !strcmp(buf, "/tmp") ? 0 : 1);
    CHECK(wait_ok(pid), "the child did not inherit the cwd");
    CHECK(ERR(chdir("/etc/motd"), ENOTDIR), "chdir to a file");
    CHECK(!getcwd(buf, 3) && errno == ERANGE, "getcwd into 3 bytes");
    CHECK(chdir("/") == 0, "chdir /");
    return 0;
}

static int t_errors(void)
{
    char long_path[400];
    memset(long_path, 'a', sizeof long_path);
    long_path[0] = '/';
    long_path[300] = '\0';
    struct stat st;
    CHECK(ERR(open(long_path, O_RDONLY), ENAMETOOLONG), "300-byte path");
    long_path[399] = '\0';
    long_path[300] = 'a';
    CHECK(ERR(mkdir(long_path, 0755), ENAMETOOLONG), "400-byte path");
    CHECK(ERR(open("/data/none", O_RDONLY), ENOENT), "missing file");
    CHECK(ERR(open("/etc/motd", O_RDONLY | O_CREAT | O_EXCL, 0644), EEXIST), "O_EXCL on an existing file");
    CHECK(ERR(open("/etc/motd/x", O_RDONLY), ENOTDIR), "a file as a directory");
    CHECK(ERR(open("/etc", O_WRONLY), EISDIR), "a directory opened for writing");
    CHECK(ERR(mkdir("/etc", 0755), EEXIST), "mkdir of an existing directory");
    CHECK(ERR(rmdir("/"), EBUSY) && ERR(rmdir("/tmp"), EBUSY), "rmdir of a mount root");
    CHECK(ERR(unlink("/etc"), EISDIR), "unlink of a directory");
    CHECK(ERR(rmdir("/etc/motd"), ENOTDIR), "rmdir of a file");
    CHECK(ERR(open("", O_RDONLY), ENOENT), "empty path");
    CHECK(ERR(read(63, long_path, 1), EBADF) && ERR(write(40, "x", 1), EBADF), "unused fds");
    CHECK(ERR(lseek(99, 0, SEEK_SET), EBADF) && ERR(fstat(99, &st), EBADF), "fd 99");
    CHECK(ERR(close(3), EBADF), "close of fd 3 never opened");
    int fd = open("/etc/motd", O_RDONLY);
    CHECK(ERR(fs0_getdents(fd, long_path, 100), ENOTDIR), "getdents on a file");
    close(fd);
    /* Descriptors run out at FS0_FD_MAX; all come back. */
    int fds[64], n = 0;
    while (n < 64 && (fds[n] = open("/etc/motd", O_RDONLY)) >= 0) n++;
    CHECK(n == FS0_FD_MAX - FS0_FIRST_FD && errno == EMFILE, "%d opens, then errno %d", n, errno);
    for (int i = 0; i < n; i++) CHECK(close(fds[i]) == 0, "close %d", fds[i]);
    return 0;
}

/* Exit closes: children that leave 50 files open, 30 times over, would fill fs0's
 * open-file table (1,024) if exit did not close them. */
static int t_exit_closes(void)
{
    for (int round = 0; round < 30; round++) {
        pid_t pid = fork();
        CHECK(pid >= 0, "fork: errno %d", errno);
        if (pid == 0) {
            for (int i = 0; i < 50; i++)
                if (open("/etc/motd", O_RDONLY) < 0) _exit(1);
            _exit(0);
        }
        CHECK(wait_ok(pid), "round %d: a child could not open 50 files", round);
    }
    return 0;
}

/* A thread (CLONE_VM | CLONE_THREAD) uses its process's descriptor table: it reads
 * from a descriptor the main thread opened, and dups one the main thread then uses.
 * (Only requests of up to four words: libposix keeps one IPC-buffer pointer for the
 * whole process, so a thread's longer messages would go through the main thread's
 * buffer; docs/fs0.md, Limits.) */
static volatile int th_fd_in, th_fd_out, th_result;
static volatile pid_t th_ctid;

static int fd_thread(void *arg)
{
    (void)arg;
    char buf[8] = {0};
    th_result = read(th_fd_in, buf, 5) == 5 && !memcmp(buf, "alpha", 5) ? 1 : 2;
    th_fd_out = dup(th_fd_in);
    return 0;
}

static int t_thread_table(void)
{
    th_fd_in = open("/data/lines.txt", O_RDONLY);
    CHECK(th_fd_in >= 3, "open");
    th_fd_out = -1;
    th_result = 0;
    th_ctid = 1;
    char *stack = malloc(64 * 1024);
    CHECK(stack, "malloc");
    int tid = clone(fd_thread, stack + 64 * 1024, CLONE_VM | CLONE_THREAD | CLONE_CHILD_CLEARTID,
                    NULL, NULL, NULL, &th_ctid);
    CHECK(tid > 0, "clone: errno %d", errno);
    for (long spins = 0; th_ctid != 0 && spins < 2000000; spins++) sched_yield();
    CHECK(th_ctid == 0, "the thread did not finish");
    free(stack);
    CHECK(th_result == 1, "the thread could not read the main thread's descriptor (%d)", th_result);
    char buf[8] = {0};
    CHECK(th_fd_out > th_fd_in && read(th_fd_out, buf, 5) == 5 && !memcmp(buf, "\nbeta", 5),
          "the thread's descriptor %d is not ours", th_fd_out);
    CHECK(close(th_fd_out) == 0 && close(th_fd_in) == 0, "close");
    return 0;
}

/* mm0's task-event queue is fs0's alone. */
static int t_events_private(void)
{
    k_word_t w[4] = {0};
    CHECK(mm0_raw_call(MM0_FS0_EVENT, 0, w, 0) == -EPERM, "a process read fs0's task events");
    return 0;
}

/* Free pages plus mm0's heap (which only grows): the memory a leak would show in. */
static long mem_pages(void)
{
    struct mm0_meminfo m;
    return mm0_meminfo(&m) ? -1 : m.free_pages + m.mm0_heap_pages;
}

/* More processes than mm0 has task entries and fs0 grant slots (2 x 300 > 512), each
 * using its UTCB (a stat) and its window (a read over 3 KiB): fs0 must recycle its
 * grant slots at every exit and mm0 free the frames after fs0 let go, so memory comes
 * back whole. */
static int t_grant_churn(void)
{
    long before = 0;
    for (int i = 0; i < 300; i++) {
        if (i == 1) before = mem_pages();   /* after a first round warmed fs0 and mm0 up */
        pid_t c = fork();
        if (c == 0) {
            static char b[5000];
            struct stat st;
            int fd = open("/etc/motd", O_RDONLY);
            ssize_t n = fd >= 3 ? read(fd, b, sizeof b) : -1;
            _exit(stat("/etc/motd", &st) == 0 && n == st.st_size && !memcmp(b, "Welcome", 7) ? 0 : 1);
        }
        CHECK(c > 0 && wait_ok(c), "child %d: no UTCB or window served it", i);
    }
    long after = mem_pages();
    CHECK(after == before, "free pages %ld before 299 processes, %ld after", before, after);
    return 0;
}

/* Every process has a window of its own: a child's starts zeroed (not a copy of its
 * parent's), what fs0 writes from it is the child's bytes, and the parent's is left
 * alone. */
static int t_window_private(void)
{
    char *win = (char *)MM0_FS0_WINDOW_VA;
    memset(win, 'P', FS0_WINDOW_SIZE);
    pid_t c = fork();
    if (c == 0) {
        for (unsigned i = 0; i < FS0_WINDOW_SIZE; i++)
            if (win[i]) _exit(1);   /* the parent's bytes leaked into the child */
        int fd = open("/tmp/win", O_RDWR | O_CREAT | O_TRUNC, 0644);
        k_word_t w[FS0_MSG_WORDS] = {(k_word_t)fd, MM0_FS0_WINDOW_VA, 16};
        _exit(fd >= 3 && fs0_raw_call(FS0_WRITE, 3, w) == 16 ? 0 : 2);
    }
    CHECK(c > 0 && wait_ok(c), "the child's window was not its own, fresh one");
    char b[16];
    int fd = open("/tmp/win", O_RDONLY);
    CHECK(fd >= 3 && read(fd, b, 16) == 16, "read back");
    for (unsigned i = 0; i < 16; i++) CHECK(b[i] == 0, "byte %u came from another window", i);
    for (unsigned i = 0; i < FS0_WINDOW_SIZE; i++) CHECK(win[i] == 'P', "our window changed at %u", i);
    close(fd);
    return unlink("/tmp/win");
}

/* A hostile client runs while a well-behaved child keeps using fs0. */
static int t_hostile(void)
{
    pid_t good = fork();
    if (good == 0) {
        char buf[64];
        for (int i = 0; i < 200; i++) {
            int fd = open("/etc/motd", O_RDONLY);
            if (fd < 0 || read(fd, buf, 7) != 7 || memcmp(buf, "Welcome", 7) || close(fd)) _exit(1);
        }
        _exit(0);
    }
    pid_t bad = fork();
    if (bad == 0) {
        char *argv[] = {"hostile", NULL};
        execv("hostile", argv);
        _exit(2);
    }
    CHECK(good > 0 && bad > 0, "fork");
    CHECK(wait_ok(bad), "the hostile client saw a wrong answer (its console lines say which)");
    CHECK(wait_ok(good), "the well-behaved client was not served");
    struct stat st;
    CHECK(stat("/etc/motd", &st) == 0, "fs0 stopped serving");
    return 0;
}

/* Sparse files: a write past the end leaves a hole that reads as zeros and takes no
 * blocks (st_blocks well under the size); a write into the hole fills just that
 * part; growing with ftruncate beyond the disk's size allocates nothing. */
static int sparse_in(const char *path, bool check_blocks)
{
    static unsigned char buf[8192];
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 3, "create %s: errno %d", path, errno);
    for (unsigned i = 0; i < 10; i++) buf[i] = pattern(i, 77);
    CHECK(lseek(fd, 100000, SEEK_SET) == 100000, "lseek past the end");
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 0, "%s: a seek alone changed the size to %ld", path,
          (long)st.st_size);
    CHECK(write(fd, buf, 10) == 10, "write past the end: errno %d", errno);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 100010, "%s: size %ld, want 100010", path, (long)st.st_size);
    if (check_blocks)
        CHECK(st.st_blocks > 0 && st.st_blocks * 512 < 16384, "%s: %ld blocks of 512 for 10 bytes after a hole",
              path, (long)st.st_blocks);
    long before = (long)st.st_blocks;
    CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek 0");
    for (off_t off = 0; off < 100000; off += (off_t)sizeof buf) {
        size_t want = 100000 - off < (off_t)sizeof buf ? (size_t)(100000 - off) : sizeof buf;
        memset(buf, 0xee, sizeof buf);
        CHECK(read(fd, buf, want) == (ssize_t)want, "read the hole at %ld", (long)off);
        for (size_t i = 0; i < want; i++) CHECK(buf[i] == 0, "%s: hole byte %ld is %u", path, (long)off + (long)i, buf[i]);
    }
    CHECK(read(fd, buf, 100) == 10, "read the written tail");
    for (unsigned i = 0; i < 10; i++) CHECK(buf[i] == pattern(i, 77), "tail byte %u", i);
    /* Fill 5 bytes in the middle of the hole: zeros stay on both sides. */
    CHECK(lseek(fd, 50000, SEEK_SET) == 50000 && write(fd, "HOLE!", 5) == 5, "write into the hole");
    CHECK(lseek(fd, 49990, SEEK_SET) == 49990 && read(fd, buf, 25) == 25, "read around it");
    for (unsigned i = 0; i < 25; i++) {
        unsigned char want = i >= 10 && i < 15 ? (unsigned char)"HOLE!"[i - 10] : 0;
        CHECK(buf[i] == want, "%s: byte %u around the filled hole is %u, want %u", path, 49990 + i, buf[i], want);
    }
    /* Grow far past the disk's size: a hole again, no blocks taken. */
    CHECK(ftruncate(fd, 12l << 20) == 0, "ftruncate to 12 MiB: errno %d", errno);
    CHECK(fstat(fd, &st) == 0 && st.st_size == (12l << 20), "size after ftruncate %ld", (long)st.st_size);
    if (check_blocks)
        CHECK(st.st_blocks <= before + 8, "%s: growing by a hole took blocks (%ld, was %ld)", path, (long)st.st_blocks, before);
    CHECK(lseek(fd, 10l << 20, SEEK_SET) == (10l << 20) && read(fd, buf, 4096) == 4096, "read at 10 MiB");
    for (unsigned i = 0; i < 4096; i++) CHECK(buf[i] == 0, "byte %u at 10 MiB is %u", i, buf[i]);
    CHECK(close(fd) == 0 && unlink(path) == 0, "close and unlink %s", path);
    return 0;
}

static int t_sparse(void)
{
    return sparse_in("/data/sparse", true) || sparse_in("/tmp/sparse", false);
}

/* The files of persist.h, written for the host (debugfs after power-off) and for a
 * second boot (verify.c); fsync'ed one by one, then sync. Read back here too. */
static int t_persist(void)
{
    CHECK(mkdir("/keep", 0755) == 0 && mkdir("/keep/sub", 0755) == 0, "mkdir /keep, /keep/sub: errno %d", errno);
    for (unsigned k = 0; k < PERSIST_PIECES; k++) {
        const struct persist_piece *p = &persist[k];
        bool renamed = !strcmp(p->path, "/keep/renamed");
        const char *path = renamed ? PERSIST_OLD_NAME : p->path;
        if (!strcmp(p->path, PERSIST_MAPPED)) {   /* stores through MAP_SHARED, munmap, fsync */
            if (mmap_persist(p->path, p->len, p->seed)) {
                char reason[sizeof why];
                strcpy(reason, why);
                FAIL("%s through a mapping: %s", p->path, reason);
            }
            continue;
        }
        int fd = open(path, O_WRONLY | O_CREAT, 0644);
        CHECK(fd >= 3, "create %s: errno %d", path, errno);
        unsigned first_seed = strcmp(p->path, PERSIST_SYNC_ONLY) ? p->seed : p->seed + 100;
        for (unsigned long i = 0; i < p->len; i++) big[i] = persist_pattern(i, first_seed);
        CHECK(lseek(fd, (off_t)p->off, SEEK_SET) == (off_t)p->off, "lseek %s", path);
        CHECK(write(fd, big, p->len) == (ssize_t)p->len, "write %s: errno %d", path, errno);
        CHECK(fsync(fd) == 0, "fsync %s: errno %d", path, errno);
        CHECK(close(fd) == 0, "close %s", path);
        if (renamed) CHECK(rename(PERSIST_OLD_NAME, p->path) == 0, "rename to %s: errno %d", p->path, errno);
    }
    int fd = open(PERSIST_GONE, O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 3 && write(fd, big, 3000) == 3000 && close(fd) == 0, "write " PERSIST_GONE);
    CHECK(unlink(PERSIST_GONE) == 0, "unlink " PERSIST_GONE);
    sync();
    for (unsigned k = 0; k < PERSIST_PIECES; k++) {
        const struct persist_piece *p = &persist[k];
        if (!strcmp(p->path, PERSIST_SYNC_ONLY)) continue;   /* still its first bytes */
        fd = open(p->path, O_RDONLY);
        CHECK(fd >= 3 && lseek(fd, (off_t)p->off, SEEK_SET) == (off_t)p->off, "reopen %s", p->path);
        CHECK(read(fd, big, p->len) == (ssize_t)p->len, "read back %s", p->path);
        for (unsigned long i = 0; i < p->len; i++)
            CHECK(big[i] == persist_pattern(i, p->seed), "%s: byte %lu differs", p->path, p->off + i);
        close(fd);
    }
    /* Last, so that no later change or cache eviction writes it: the final bytes of
     * PERSIST_SYNC_ONLY reach the disk only if sync() writes every dirty block. */
    for (unsigned k = 0; k < PERSIST_PIECES; k++) {
        const struct persist_piece *p = &persist[k];
        if (strcmp(p->path, PERSIST_SYNC_ONLY)) continue;
        fd = open(p->path, O_WRONLY);
        for (unsigned long i = 0; i < p->len; i++) big[i] = persist_pattern(i, p->seed);
        CHECK(fd >= 3 && lseek(fd, (off_t)p->off, SEEK_SET) == (off_t)p->off, "reopen %s", p->path);
        CHECK(write(fd, big, p->len) == (ssize_t)p->len, "rewrite %s: errno %d", p->path, errno);
        CHECK(close(fd) == 0, "close %s", p->path);
    }
    sync();
    return 0;
}

/* ------------------------------------------------------------ pipes and descriptors 0-2
 * (the shell part of issue 11: servers/fs0/pipe.c, wait.c, /dev/console). */

/* Read fd to its end into buf (at most cap bytes): the count, or -1. */
static ssize_t read_all(int fd, char *buf, size_t cap)
{
    size_t got = 0;
    for (;;) {
        ssize_t n = read(fd, buf + got, cap - got);
        if (n < 0) return -1;
        if (n == 0) return (ssize_t)got;
        got += (size_t)n;
        if (got == cap) return (ssize_t)got;
    }
}

/* A child at our priority about to wait in fs0 (it wrote a byte on ready just before
 * its blocking call): give it the hart until it has made that call. On one hart a
 * child runs only when we block or yield, so without this a test could pass without
 * anybody ever waiting. */
static void let_child_block(int ready)
{
    char b;
    if (read(ready, &b, 1) != 1) return;
    for (int i = 0; i < 4; i++) sched_yield();
}

/* fork; the child writes, the parent reads to end of file after the writer closes. */
static int t_pipe_fork(void)
{
    int p[2];
    CHECK(pipe(p) == 0 && p[0] >= 3 && p[1] > p[0], "pipe: %d %d errno %d", p[0], p[1], errno);
    struct stat st;
    CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode), "fstat of a pipe: mode %o", (unsigned)st.st_mode);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        /* 100 KiB in odd pieces: the writer waits on a full pipe many times over. */
        for (size_t i = 0; i < 100 * 1024;) {
            size_t n = 1 + (i * 7) % 900;
            if (n > 100 * 1024 - i) n = 100 * 1024 - i;
            for (size_t j = 0; j < n; j++) big[j] = pattern(i + j, 5);
            if (write(p[1], big, n) != (ssize_t)n) _exit(1);
            i += n;
        }
        _exit(0);
    }
    CHECK(c > 0, "fork");
    CHECK(close(p[1]) == 0, "close the write end");
    static char in[100 * 1024 + 10];
    ssize_t got = read_all(p[0], in, sizeof in);
    CHECK(got == 100 * 1024, "read %ld bytes through the pipe, want %d", (long)got, 100 * 1024);
    for (size_t i = 0; i < (size_t)got; i++)
        CHECK((unsigned char)in[i] == pattern(i, 5), "byte %zu differs", i);
    CHECK(read(p[0], in, 10) == 0, "no end of file after the writer exited");
    CHECK(wait_ok(c), "the writer failed");
    CHECK(close(p[0]) == 0, "close");
    return 0;
}

/* Reads are partial; EOF with no writer; EPIPE with no reader, also for a writer that
 * was waiting on a full pipe when the last reader went. */
static int t_pipe_eof_epipe(void)
{
    int p[2];
    char buf[64];
    CHECK(pipe(p) == 0, "pipe");
    CHECK(write(p[1], "abc", 3) == 3, "write");
    CHECK(read(p[0], buf, sizeof buf) == 3 && !memcmp(buf, "abc", 3), "a partial read");
    CHECK(close(p[1]) == 0, "close");
    CHECK(read(p[0], buf, sizeof buf) == 0, "no EOF once the writer closed");
    CHECK(close(p[0]) == 0, "close");
    CHECK(pipe(p) == 0, "pipe");
    CHECK(close(p[0]) == 0, "close");
    CHECK(ERR(write(p[1], "x", 1), EPIPE), "a write with no reader did not fail with EPIPE");
    CHECK(close(p[1]) == 0, "close");
    /* A writer blocked on a full pipe; the reader closes: EPIPE (exit status 7). */
    int ready[2];
    CHECK(pipe(p) == 0 && pipe(ready) == 0, "pipe");
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        memset(big, 'z', FS0_PIPE_BUF);
        if (write(p[1], big, FS0_PIPE_BUF) != FS0_PIPE_BUF) _exit(1);
        if (write(ready[1], "r", 1) != 1) _exit(1);
        ssize_t r = write(p[1], big, 100);   /* blocks: the pipe is full */
        _exit(r == -1 && errno == EPIPE ? 7 : 2);
    }
    CHECK(c > 0, "fork");
    close(p[1]);
    let_child_block(ready[0]);
    close(ready[0]);
    close(ready[1]);
    CHECK(read(p[0], buf, 1) == 1, "read one byte");   /* room for 1: not enough for 100 */
    int st;
    CHECK(waitpid(c, &st, WNOHANG) == 0, "the writer did not wait on the full pipe");
    CHECK(close(p[0]) == 0, "close the last read end");
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7,
          "the blocked writer did not get EPIPE (status 0x%x)", st);
    return 0;
}

/* A reader blocked on an empty pipe does not stop fs0 serving anybody else. */
static int t_pipe_blocked_served(void)
{
    int p[2], ready[2];
    CHECK(pipe(p) == 0 && pipe(ready) == 0, "pipe");
    pid_t r = fork();
    if (r == 0) {
        close(p[1]);
        char b[16];
        if (write(ready[1], "r", 1) != 1) _exit(1);
        _exit(read(p[0], b, sizeof b) == 5 && !memcmp(b, "wake!", 5) ? 0 : 1);
    }
    CHECK(r > 0, "fork");
    let_child_block(ready[0]);
    close(ready[0]);
    close(ready[1]);
    pid_t other = fork();
    if (other == 0) {
        char b[16];
        for (int i = 0; i < 50; i++) {
            int fd = open("/etc/motd", O_RDONLY);
            if (fd < 0 || read(fd, b, 7) != 7 || close(fd)) _exit(1);
        }
        _exit(0);
    }
    CHECK(r > 0 && other > 0, "fork");
    CHECK(wait_ok(other), "another process was not served while a reader waited");
    struct stat st;
    CHECK(stat("/etc/motd", &st) == 0, "fs0 stopped serving us");
    int status;
    CHECK(waitpid(r, &status, WNOHANG) == 0, "the reader did not wait");
    CHECK(write(p[1], "wake!", 5) == 5, "write");
    CHECK(wait_ok(r), "the reader did not get the bytes written after it waited");
    close(p[0]);
    close(p[1]);
    return 0;
}

/* Two readers waiting on one pipe are served in the order they came. */
static int t_pipe_fifo(void)
{
    int p[2], ready[2];
    CHECK(pipe(p) == 0 && pipe(ready) == 0, "pipe");
    pid_t c[2];
    for (int i = 0; i < 2; i++) {
        c[i] = fork();
        if (c[i] == 0) {
            char b = 0;
            close(p[1]);
            if (write(ready[1], "r", 1) != 1) _exit(9);
            _exit(read(p[0], &b, 1) == 1 && b == '1' + i ? 0 : 1);
        }
        CHECK(c[i] > 0, "fork");
        let_child_block(ready[0]);
    }
    CHECK(write(p[1], "1", 1) == 1, "write");
    CHECK(wait_ok(c[0]), "the first reader to wait did not get the first byte");
    CHECK(write(p[1], "2", 1) == 1, "write");
    CHECK(wait_ok(c[1]), "the second reader did not get the second byte");
    int fds[] = {p[0], p[1], ready[0], ready[1]};
    for (int i = 0; i < 4; i++) close(fds[i]);
    return 0;
}

/* A blocked reader killed: its request and its descriptors go with it (the write end
 * then has no reader), and fs0 goes on. */
static int t_pipe_blocked_killed(void)
{
    int p[2], ready[2];
    CHECK(pipe(p) == 0 && pipe(ready) == 0, "pipe");
    pid_t c = fork();
    if (c == 0) {
        close(p[1]);
        char b[4];
        if (write(ready[1], "r", 1) != 1) _exit(1);
        close(ready[0]);   /* its exit must not close a pipe: only wait_drop may wake */
        close(ready[1]);
        read(p[0], b, sizeof b);
        _exit(3);
    }
    CHECK(c > 0, "fork");
    let_child_block(ready[0]);
    close(ready[0]);
    close(ready[1]);
    CHECK(close(p[0]) == 0, "close our read end: the child's is the only one");
    struct stat st;
    CHECK(stat("/etc/motd", &st) == 0, "fs0 stopped serving");
    int status;
    CHECK(waitpid(c, &status, WNOHANG) == 0, "the reader did not wait");
    CHECK(kill(c, SIGKILL) == 0, "kill: errno %d", errno);
    CHECK(waitpid(c, &status, 0) == c && WIFSIGNALED(status), "status 0x%x", status);
    CHECK(ERR(write(p[1], "x", 1), EPIPE), "the killed reader's end is still open");
    CHECK(close(p[1]) == 0, "close");
    /* The reply slot it held is free again: more readers can wait and be woken. */
    for (int round = 0; round < 3; round++) {
        CHECK(pipe(p) == 0, "pipe");
        c = fork();
        if (c == 0) {
            char b[4];
            close(p[1]);
            _exit(read(p[0], b, 4) == 2 ? 0 : 1);
        }
        CHECK(c > 0 && waitpid(c, &status, WNOHANG) == 0, "fork");
        CHECK(write(p[1], "ok", 2) == 2 && wait_ok(c), "round %d: the reader was not woken", round);
        close(p[0]);
        close(p[1]);
    }
    return 0;
}

/* dup2 onto 1 and 0 in a child, kept across exec: the program (this runner, run with
 * arguments) writes its standard output into a pipe and reads its standard input
 * from a file. */
static int t_dup2_exec(void)
{
    int fd = open("/tmp/stdin.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 3 && write(fd, "from a file\n", 12) == 12, "create /tmp/stdin.txt");
    close(fd);
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    pid_t c = fork();
    if (c == 0) {
        int in = open("/tmp/stdin.txt", O_RDONLY);
        if (in < 0 || dup2(in, 0) != 0 || dup2(p[1], 1) != 1) _exit(1);
        close(in);
        close(p[0]);
        close(p[1]);
        char *argv[] = {"init", "--echo-stdin", "argument", NULL};
        execv("init", argv);
        _exit(2);
    }
    CHECK(c > 0, "fork");
    close(p[1]);
    char buf[128];
    ssize_t n = read_all(p[0], buf, sizeof buf - 1);
    CHECK(n >= 0, "read: errno %d", errno);
    buf[n] = '\0';
    CHECK(!strcmp(buf, "argument\nfrom a file\n"), "the exec'd program wrote '%s'", buf);
    CHECK(wait_ok(c), "the exec'd child failed");
    close(p[0]);
    /* Our own 1 is the console, and still is after it is dup'ed away and back. */
    int saved = dup(1);
    CHECK(saved >= 3 && isatty(1) && isatty(saved), "1 (or its dup) is not the console");
    CHECK(write(1, "", 0) == 0, "write to 1");   /* libposix now knows 1 is the console... */
    fd = open("/tmp/out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 3 && dup2(fd, 1) == 1 && !isatty(1), "dup2 onto 1");   /* ...and must forget */
    printf("into the file\n");
    fflush(stdout);
    CHECK(dup2(saved, 1) == 1 && isatty(1), "dup2 back");
    close(saved);
    close(fd);
    fd = open("/tmp/out.txt", O_RDONLY);
    n = read(fd, buf, sizeof buf);
    CHECK(n == 14 && !memcmp(buf, "into the file\n", 14), "printf with 1 on a file wrote %ld bytes", (long)n);
    close(fd);
    /* close(0) then open: the lowest free descriptor is 0 (in a child, to keep ours). */
    c = fork();
    if (c == 0) _exit(close(0) == 0 && open("/etc/motd", O_RDONLY) == 0 && !isatty(0) ? 0 : 1);
    CHECK(wait_ok(c), "open after close(0) did not return 0");
    return 0;
}

/* Bad descriptors and hostile pipe requests. */
static int t_pipe_bad(void)
{
    char buf[8];
    int p[2];
    CHECK(ERR(read(-1, buf, 1), EBADF) && ERR(read(64, buf, 1), EBADF) &&
          ERR(write(70, buf, 1), EBADF) && ERR(close(50), EBADF) && ERR(dup2(50, 1), EBADF),
          "an unused descriptor was accepted");
    CHECK(isatty(1), "dup2 from a bad fd changed 1");
    CHECK(pipe(p) == 0, "pipe");
    CHECK(ERR(write(p[0], "x", 1), EBADF), "write on a read end");
    CHECK(ERR(read(p[1], buf, 1), EBADF), "read on a write end");
    CHECK(ERR(lseek(p[0], 0, SEEK_SET), ESPIPE) && ERR(lseek(1, 0, SEEK_CUR), ESPIPE), "lseek on a stream");
    CHECK(ERR(ftruncate(p[1], 0), EINVAL), "ftruncate of a pipe");
    k_word_t w[FS0_MSG_WORDS] = {0};
    CHECK(fs0_raw_call(FS0_PIPE, 1, w) == -EINVAL, "FS0_PIPE with a word too many");
    w[0] = (k_word_t)p[0], w[1] = MM0_FS0_WINDOW_VA, w[2] = FS0_WINDOW_SIZE + 1;
    CHECK(fs0_raw_call(FS0_READ, 3, w) == -EINVAL, "a pipe read over FS0_WINDOW_SIZE");
    /* A buffer outside the window is refused at once, not kept for when data comes. */
    w[0] = (k_word_t)p[0], w[1] = (k_word_t)buf, w[2] = 1;
    CHECK(fs0_raw_call(FS0_READ, 3, w) == -EFAULT, "a pipe read into the caller's stack");
    /* Another process's pipe descriptors name nothing in our table. */
    int sync[2];
    CHECK(pipe(sync) == 0, "pipe");
    pid_t c = fork();
    if (c == 0) {
        int fds[2];
        close(p[0]);
        close(p[1]);
        if (read(sync[0], fds, sizeof fds) != sizeof fds) _exit(1);
        char b[2];
        _exit(ERR(read(fds[0], b, 1), EBADF) && ERR(write(fds[1], "x", 1), EBADF) ? 0 : 1);
    }
    int q[2];
    CHECK(c > 0 && pipe(q) == 0, "pipe");   /* made after the fork: the child has no q */
    CHECK(write(sync[1], q, sizeof q) == sizeof q, "write");
    CHECK(wait_ok(c), "a child used descriptors of its parent's later pipe");
    CHECK(write(q[1], "y", 1) == 1 && read(q[0], buf, 1) == 1 && buf[0] == 'y', "our pipe broke");
    int all[FS0_FD_MAX];
    int n = 0, e = 0;
    for (;;) {   /* descriptors run out first (61 free: 30 pipes) */
        int r[2];
        if (pipe(r)) {
            e = errno;
            break;
        }
        all[n++] = r[0];
        all[n++] = r[1];
        CHECK(n < FS0_FD_MAX, "more pipes than descriptors");
    }
    CHECK(e == EMFILE, "pipe after %d fds: errno %d, want EMFILE", n, e);
    for (int i = 0; i < n; i++) close(all[i]);
    int fds[] = {p[0], p[1], sync[0], sync[1], q[0], q[1]};
    for (unsigned i = 0; i < 6; i++) CHECK(close(fds[i]) == 0, "close %d", fds[i]);
    CHECK(pipe(p) == 0 && close(p[0]) == 0 && close(p[1]) == 0, "no pipe after the others closed");
    return 0;
}
/* libposix's opendir/readdir over getdents: /dev's names exactly once each, again
 * after rewinddir; a file is not a directory. */
static int t_opendir(void)
{
    DIR *d = opendir("/dev");
    CHECK(d, "opendir /dev: errno %d", errno);
    for (int round = 0; round < 2; round++) {
        const char *want[] = {".", "..", "null", "zero", "console"};
        int seen[5] = {0}, n = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            n++;
            for (int i = 0; i < 5; i++)
                if (!strcmp(e->d_name, want[i])) seen[i]++;
            if (!strcmp(e->d_name, "console"))
                CHECK(e->d_type == DT_CHR && e->d_ino == FS0_CONSOLE_INO, "console: type %d ino %ld",
                      e->d_type, (long)e->d_ino);
        }
        CHECK(n == 5, "round %d: %d entries in /dev, want 5", round, n);
        for (int i = 0; i < 5; i++) CHECK(seen[i] == 1, "round %d: %s seen %d times", round, want[i], seen[i]);
        rewinddir(d);
    }
    CHECK(closedir(d) == 0, "closedir");
    CHECK(!opendir("/etc/motd") && errno == ENOTDIR, "opendir of a file: errno %d", errno);
    CHECK(!opendir("/none") && errno == ENOENT, "opendir of nothing: errno %d", errno);
    return 0;
}
/* ------------------------------------------------------------ end of the pipe block */


/* ------------------------------------------------------------ threads doing file I/O */

/* A CLONE_VM thread of ours: started by spawn, joined by join (its clear-tid word). */
struct spawned {
    char *stack;
    volatile pid_t ctid;
};

static int spawn(struct spawned *t, int (*fn)(void *), void *arg)
{
    t->stack = malloc(64 * 1024);
    if (!t->stack) return -1;
    t->ctid = 1;
    int tid = clone(fn, t->stack + 64 * 1024, CLONE_VM | CLONE_THREAD | CLONE_CHILD_CLEARTID, arg,
                    NULL, NULL, (pid_t *)&t->ctid);
    if (tid <= 0) {
        free(t->stack);
        return -1;
    }
    return 0;
}

static int join(struct spawned *t)
{
    for (long spins = 0; t->ctid != 0 && spins < 5000000; spins++) sched_yield();
    if (t->ctid != 0) return -1;
    free(t->stack);
    return 0;
}

/* One thread's file loop: its own file, sizes from a few bytes to past the window
 * (so paths, UTCB-sized and multi-piece transfers), yields between every call so the
 * threads' requests interleave; each iteration reads back and stats what it wrote. */
#define TH_ITERS 60
struct th_job {
    unsigned seed;
    int result;   /* 0 ok, else the iteration that failed + 1 */
    char path[32];
    unsigned char buf[9000], back[9000];
};

static int file_loop(void *arg)
{
    struct th_job *j = arg;
    for (unsigned it = 0; it < TH_ITERS; it++) {
        size_t n = 1 + (it * 997 + j->seed * 131) % sizeof j->buf;
        for (size_t i = 0; i < n; i++) j->buf[i] = pattern(i, j->seed + it);
        int fd = open(j->path, O_RDWR | O_CREAT | O_TRUNC, 0644);
        sched_yield();
        bool ok = fd >= 3 && write(fd, j->buf, n) == (ssize_t)n;
        sched_yield();
        struct stat st;   /* stat's reply is 8 words: past the registers */
        ok = ok && stat(j->path, &st) == 0 && st.st_size == (off_t)n && fstat(fd, &st) == 0 &&
             st.st_size == (off_t)n;
        sched_yield();
        ok = ok && lseek(fd, 0, SEEK_SET) == 0 && read(fd, j->back, sizeof j->back) == (ssize_t)n &&
             !memcmp(j->buf, j->back, n);
        if (fd >= 0) close(fd);
        if (!ok) {
            j->result = (int)it + 1;
            return 0;
        }
    }
    j->result = unlink(j->path) ? -1 : 0;
    return 0;
}

static struct th_job jobs[3];

static int t_threads_files_at_once(void)
{
    struct spawned t[2];
    for (unsigned k = 0; k < 3; k++) {
        jobs[k].seed = 17 * k + 3;
        jobs[k].result = -2;
        snprintf(jobs[k].path, sizeof jobs[k].path, k == 2 ? "/data/thr%u" : "/tmp/thread%u", k);
    }
    CHECK(spawn(&t[0], file_loop, &jobs[0]) == 0 && spawn(&t[1], file_loop, &jobs[1]) == 0,
          "clone: errno %d", errno);
    file_loop(&jobs[2]);   /* thread 0 too, at the same time (its window) */
    CHECK(join(&t[0]) == 0 && join(&t[1]) == 0, "the threads did not finish");
    for (unsigned k = 0; k < 3; k++)
        CHECK(jobs[k].result == 0, "thread %u: iteration %d went wrong", k, jobs[k].result - 1);
    return 0;
}

/* A write of 100 bytes (13 message words) to the console from a thread. */
static const char long_line[] =
    "thread 1 writes this line whole: 0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ\n";

static int console_line(void *arg)
{
    (void)arg;
    return write(1, long_line, sizeof long_line - 1) == (ssize_t)sizeof long_line - 1 ? 0 : 1;
}

static int t_thread_console(void)
{
    struct spawned t;
    fflush(stdout);
    CHECK(spawn(&t, console_line, NULL) == 0, "clone: errno %d", errno);
    CHECK(join(&t) == 0, "the thread did not finish");
    return 0;   /* fs.expect checks the line */
}

/* Thread 1 blocks reading a pipe; thread 0 meanwhile does file I/O through its own
 * area and window, then writes the pipe and goes on with more I/O right away: the
 * bytes thread 1 gets are the pipe's, not ours. */
static int pipe_fd[2];
static volatile int reader_state;
static char reader_got[64];

static int pipe_reader(void *arg)
{
    (void)arg;
    reader_state = 1;
    ssize_t n = read(pipe_fd[0], reader_got, 20);
    reader_state = n == 20 ? 2 : 3;
    return 0;
}

static int t_thread_blocked_pipe(void)
{
    struct spawned t;
    CHECK(pipe(pipe_fd) == 0, "pipe");
    reader_state = 0;
    memset(reader_got, 0, sizeof reader_got);
    CHECK(spawn(&t, pipe_reader, NULL) == 0, "clone: errno %d", errno);
    for (int i = 0; i < 200 || (reader_state == 0 && i < 1000000); i++) sched_yield();   /* let it block */
    CHECK(reader_state == 1, "the reader did not block (%d)", reader_state);
    CHECK(write_read("/tmp/while-blocked", 10000, 5) == 0, "file I/O while a thread waits: %s", why);
    int fd = open("/tmp/other", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 3 && write(fd, "FILEFILEFILEFILEFILE", 20) == 20, "write");
    CHECK(write(pipe_fd[1], "pipe bytes, twenty!!", 20) == 20, "write the pipe");
    char b[20];
    CHECK(lseek(fd, 0, SEEK_SET) == 0 && read(fd, b, 20) == 20, "read right after");
    CHECK(join(&t) == 0, "the reader did not finish");
    CHECK(reader_state == 2, "the reader's read failed (%d)", reader_state);
    CHECK(!memcmp(reader_got, "pipe bytes, twenty!!", 20), "the reader got '%.20s'", reader_got);
    close(fd);
    close(pipe_fd[0]);
    close(pipe_fd[1]);
    CHECK(unlink("/tmp/other") == 0 && unlink("/tmp/while-blocked") == 0, "unlink");
    return 0;
}

/* A process ends while its thread 1 waits in fs0 (a pipe read): fs0 drops the wait and
 * the thread's grant (its THREAD_EXIT before the EXIT), the pipe keeps its bytes for
 * us; then many threads made and ended, each doing file I/O: grants recycle, memory
 * comes back. */
static int blocked_then_exit(long unused)
{
    (void)unused;
    struct spawned t;
    reader_state = 0;
    if (spawn(&t, pipe_reader, NULL)) return 2;
    for (int i = 0; i < 200 || (reader_state == 0 && i < 1000000); i++) sched_yield();
    _exit(reader_state == 1 ? 5 : 3);
}

static int one_stat(void *arg)
{
    struct stat st;
    int *r = arg;
    *r = stat("/etc/motd", &st) == 0 && st.st_size == (off_t)strlen(motd) ? 1 : 2;
    return 0;
}

static int t_thread_exit_blocked(void)
{
    CHECK(pipe(pipe_fd) == 0, "pipe");
    pid_t c = fork();
    if (c == 0) blocked_then_exit(0);
    int st;
    CHECK(c > 0 && waitpid(c, &st, 0) == c, "fork/wait");
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "the child's thread did not block (0x%x)", st);
    CHECK(write(pipe_fd[1], "kept", 4) == 4, "write the pipe");
    char b[8];
    CHECK(read(pipe_fd[0], b, 8) == 4 && !memcmp(b, "kept", 4), "the dead reader took the bytes");
    close(pipe_fd[0]);
    close(pipe_fd[1]);
    long before = mem_pages();
    for (int i = 0; i < 400; i++) {   /* more than fs0's spare grant slots would allow leaking */
        struct spawned t;
        int r = 0;
        CHECK(spawn(&t, one_stat, &r) == 0, "clone %d: errno %d", i, errno);
        CHECK(join(&t) == 0 && r == 1, "thread %d: stat gave %d", i, r);
    }
    struct stat s0;
    CHECK(stat("/etc/motd", &s0) == 0, "stat");   /* fs0 pulled the last exit: freed */
    long after = mem_pages();
    CHECK(after >= before, "%ld pages lost over 400 threads", before - after);
    return 0;
}

/* Hostile: a thread names buffers outside its own UTCB area (another thread's area,
 * thread 0's window, the IPC-buffer struct, past its area's end): -EFAULT; inside its
 * own area works. A child's thread 1 at the same address reaches only its own page. */
static volatile long hostile_res[8];

static int hostile_thread(void *arg)
{
    const char *mark = arg ? "kid!" : "mine";
    k_word_t own = (k_word_t)mm0_ipc_buffer() + FS0_UTCB_AREA;
    k_word_t slot = ((k_word_t)mm0_ipc_buffer() - MM0_IPC_BUFFER_VA) / 4096;
    int fd = open("/tmp/hostile-thread", O_RDWR | O_CREAT | O_TRUNC, 0644);
    memcpy((char *)own, mark, 4);
    const k_word_t bad[5][2] = {
        {MM0_IPC_BUFFER_VA + FS0_UTCB_AREA, 8},                       /* thread 0's area */
        {MM0_FS0_WINDOW_VA, 8},                                      /* thread 0's window */
        {MM0_IPC_BUFFER_VA + (slot + 1) * 4096 + FS0_UTCB_AREA, 8},  /* the next slot's */
        {own - FS0_UTCB_AREA, 8},                                    /* its IPC-buffer struct */
        {own + FS0_UTCB_AREA_SIZE - 4, 8},                           /* past its area's end */
    };
    for (unsigned i = 0; i < 5; i++) {
        k_word_t w[FS0_MSG_WORDS] = {(k_word_t)fd, bad[i][0], bad[i][1]};
        hostile_res[i] = fs0_raw_call(i & 1 ? FS0_READ : FS0_WRITE, 3, w);
    }
    k_word_t w[FS0_MSG_WORDS] = {(k_word_t)fd, own, 4};
    hostile_res[5] = fs0_raw_call(FS0_WRITE, 3, w);
    hostile_res[6] = (long)slot;
    close(fd);
    return 0;
}

static int t_thread_hostile(void)
{
    struct spawned t;
    for (unsigned i = 0; i < 8; i++) hostile_res[i] = 99;
    CHECK(spawn(&t, hostile_thread, NULL) == 0, "clone: errno %d", errno);
    CHECK(join(&t) == 0, "the thread did not finish");
    static const char *what[5] = {"thread 0's area", "the window", "another thread's area",
                                  "its IPC-buffer struct", "past its area"};
    for (unsigned i = 0; i < 5; i++)
        CHECK(hostile_res[i] == -EFAULT, "a buffer in %s: %ld, want -EFAULT", what[i], hostile_res[i]);
    CHECK(hostile_res[5] == 4, "a write from its own area: %ld", hostile_res[5]);
    char b[8] = {0};
    int fd = open("/tmp/hostile-thread", O_RDONLY);
    CHECK(fd >= 3 && read(fd, b, 8) == 4 && !memcmp(b, "mine", 4), "the file holds '%s'", b);
    close(fd);
    /* Our thread slot 1's area still says "mine" (a reader waits there) while a
     * child's thread, at the same address, writes from its own page: the file gets
     * the child's bytes. */
    CHECK(spawn(&t, pipe_reader, NULL) == 0 && pipe(pipe_fd) == 0, "clone, pipe");
    pid_t c = fork();
    if (c == 0) {
        struct spawned u;
        hostile_res[5] = 99;
        if (spawn(&u, hostile_thread, "kid") || join(&u)) _exit(2);
        _exit(hostile_res[5] == 4 ? 0 : 3);
    }
    CHECK(c > 0 && wait_ok(c), "the child's thread could not write from its own area");
    fd = open("/tmp/hostile-thread", O_RDONLY);
    CHECK(fd >= 3 && read(fd, b, 8) == 4 && !memcmp(b, "kid!", 4), "the child's file holds '%s'", b);
    close(fd);
    CHECK(write(pipe_fd[1], "pipe bytes, twenty!!", 20) == 20 && join(&t) == 0, "the reader");
    close(pipe_fd[0]);
    close(pipe_fd[1]);
    return unlink("/tmp/hostile-thread");
}


/* A thread other than 0 execs: the program runs in that thread's slot, so its IPC
 * buffer and fs0 area are that slot's (mm0 passes the buffer at every start). It
 * checks a stat (an 8-word reply), a 7,000-byte file written and read back (3 KiB
 * pieces) and a long console line: `init --slot-checks`. */
static int exec_from_thread(void *arg)
{
    (void)arg;
    char *argv[] = {"init", "--slot-checks", NULL};
    execv("init", argv);
    _exit(9);
}

static int slot_checks(void)
{
    struct stat st;
    if ((k_word_t)mm0_ipc_buffer() == MM0_IPC_BUFFER_VA) return 2;   /* not run from slot n */
    if (stat("/etc/motd", &st) || st.st_size != (off_t)strlen(motd)) return 3;
    if (write_read("/tmp/slot-checks", 7000, 9)) return 4;
    if (unlink("/tmp/slot-checks")) return 5;
    printf("exec'd from thread 1, its slot's long line arrives whole: 0123456789abcdefghij\n");
    fflush(stdout);
    return 0;
}

static int t_thread_exec(void)
{
    pid_t c = fork();
    if (c == 0) {
        struct spawned t;
        if (spawn(&t, exec_from_thread, NULL)) _exit(8);
        for (;;) sched_yield();   /* the exec ends this thread */
    }
    int st;
    CHECK(c > 0 && waitpid(c, &st, 0) == c, "fork/wait");
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the program exec'd by thread 1: status 0x%x", st);
    return 0;
}



static const struct {
    const char *name;
    int (*fn)(void);
} tests[] = {
    {"a file staged in the image reads back as staged", t_staged_file},
    {"write and read back 0, 1, 4095, 4096, 4097 bytes and 1 MiB on ext2", t_sizes_ext2},
    {"the same sizes in /tmp", t_sizes_tmp},
    {"odd addresses and lengths read and write back", t_unaligned},
    {"O_APPEND writes at the end", t_append},
    {"ftruncate shrinks and grows, O_TRUNC empties", t_truncate},
    {"rename across directories; a directory never into itself", t_rename},
    {"an unlinked open file stays readable until closed", t_unlink_open},
    {"a directory of 1,000 entries listed with getdents", t_big_dir},
    {"fork, dup and dup2 share an open file's offset", t_fork_offset},
    {"stdio: fopen, fprintf, fgets", t_stdio},
    {"/dev/null and /dev/zero", t_dev},
    {"chdir and getcwd, inherited on fork", t_cwd},
    {"error paths", t_errors},
    {"exit closes every descriptor", t_exit_closes},
    {"threads share their process's descriptor table", t_thread_table},
    {"only fs0 may take mm0's task events", t_events_private},
    {"300 processes each served through their UTCB and window; memory comes back", t_grant_churn},
    {"every process has a window of its own", t_window_private},
    {"a hostile client while another is served", t_hostile},
    /* pipes and descriptors 0-2 */
    {"a pipe between processes: 100 KiB in pieces, EOF after the writer exits", t_pipe_fork},
    {"pipes: partial reads, EOF, EPIPE (also for a blocked writer)", t_pipe_eof_epipe},
    {"a reader blocked on a pipe while others are served", t_pipe_blocked_served},
    {"readers waiting on one pipe are served in order", t_pipe_fifo},
    {"a blocked reader killed: its request and ends go", t_pipe_blocked_killed},
    {"dup2 onto 0 and 1, kept across exec; 1 is the console", t_dup2_exec},
    {"bad descriptors and hostile pipe requests", t_pipe_bad},
    {"opendir, readdir, rewinddir, closedir", t_opendir},
    /* threads: each has its own IPC buffer and fs0 area */
    {"two threads and thread 0 write, stat and read back files at once", t_threads_files_at_once},
    {"a long console write from thread 1 arrives whole", t_thread_console},
    {"thread 1 blocked on a pipe while thread 0 does file I/O and writes the pipe", t_thread_blocked_pipe},
    {"a process ends with a thread blocked in fs0; 400 threads come and go", t_thread_exit_blocked},
    {"hostile: a thread's buffers outside its own area are -EFAULT", t_thread_hostile},
    {"a program exec'd by thread 1 runs with that slot's IPC buffer and area", t_thread_exec},
    /* mmap of files and /dev/zero (mmap_tests.c), exec from the disk (exec_tests.c) */
    {"mmap MAP_PRIVATE after write(): 0, 1, 4095, 4096, 4097 bytes, 1 MiB; zeros past the end", t_mmap_sizes},
    {"MAP_SHARED stores seen by read() here and in another process, and by another mapping", t_mmap_shared_store},
    {"write() and ftruncate after mmap seen through the mappings", t_mmap_sees_write},
    {"a fork's child shares MAP_SHARED pages (both ways), not MAP_PRIVATE stores", t_mmap_fork_shared},
    {"MAP_PRIVATE stores are copies: neither read() nor other mappings see them", t_mmap_private_cow},
    {"a mapping outlives close and unlink", t_mmap_outlives},
    {"the last partial page reads zeros past the end; a page past it is SIGBUS", t_mmap_sigbus},
    {"/dev/zero: MAP_PRIVATE zero pages, MAP_SHARED shared with a child", t_mmap_devzero},
    {"mmap errors: EBADF, ENODEV, EINVAL, EACCES; MAP_PRIVATE PROT_WRITE of O_RDONLY allowed", t_mmap_errors},
    {"PROT_EXEC file pages run; mprotect on a file mapping", t_mmap_exec_mprotect},
    {"memory comes back after mmap and munmap rounds; mm0's self-check agrees", t_mmap_memory},
    {"a program only on the disk runs by absolute and relative paths with its argv and envp", t_exec_disk_paths},
    {"exec errors: ENOENT, ENOTDIR, EACCES, ENOEXEC; the caller goes on unharmed", t_exec_errors},
    {"a program copied into a new 0755 file runs from there", t_exec_copy},
    {"a program file rewritten with write() runs its new contents", t_exec_rewrite},
    {"50 execs of a disk program: free pages equal before and after", t_exec_no_leak},
    {"mm0's self-check agrees after the mmap and exec tests", t_mm0_selfcheck},
    {"sparse files: holes read as zeros and take no blocks", t_sparse},
    /* mm0's pager and fs0's page cache at their limits (pager_tests.c) */
    {"pager: more files mapped than mm0's table holds: ENFILE, then all map again", pt_file_table},
    {"pager: touching more file pages than fs0 has frames kills only the toucher", pt_cache_full},
    {"pager: two threads fault on the same file pages at once", pt_threads_same_page},
    {"pager: a mapping never gets more rights than its descriptor gave", pt_mapping_rights},
    {"pager: a read-write shared view writes back only the pages stored to", pt_rw_view_writes_back_what_was_stored},
    /* descriptor flags (fd_tests.c) */
    {"fcntl: FD_CLOEXEC closes at exec only; dup and F_DUPFD", fdt_cloexec},
    {"fcntl: F_GETFL/F_SETFL (O_APPEND), bad descriptors and commands", fdt_status_flags},
    {"O_NONBLOCK pipes: EAGAIN instead of waiting", fdt_nonblock_pipe},
    {"files left for the host and a second boot (persist.h), fsync'ed", t_persist},
    /* the fourth mutation campaign's survivors (mut4_tests.c, docs/testing.md) */
    {"mut4: O_WRONLY maps neither way; a private writable view of O_RDONLY is allowed", m4_access_modes},
    {"mut4: every reference fs0 gives mm0 for a mapping comes back", m4_references_come_back},
    {"mut4: shared stores are written back when mm0 lets the page go", m4_shared_stores_survive_trim},
    {"mut4: exec of an empty file, a text file, a file without x bits", m4_exec_not_a_program},
    {"mut4: a running program's pages stay held after a second exec and cache pressure", m4_program_pages_stay_held},
    {"mut4: frames of an unmapped file come back when the cache is full", m4_trim_on_full_cache},
    {"mut4: mmap offsets unaligned or past 2^40 are EINVAL", m4_offset_limits},
    {"mut4: read-only views of a sparse file write nothing back", m4_readonly_views_store_nothing},
    {"mut4: a program smaller than a page runs", m4_tiny_program},
    {"mut4: a file mapping with no room in the mmap area is ENOMEM", m4_file_mapping_stays_in_its_area},
};

/* Run as `init --echo-stdin WORD` by t_dup2_exec: WORD, then standard input. */
static int echo_stdin(const char *word)
{
    char buf[256];
    ssize_t n;
    printf("%s\n", word);
    fflush(stdout);
    while ((n = read(0, buf, sizeof buf)) > 0)
        if (write(1, buf, (size_t)n) != n) return 1;
    return n < 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--echo-stdin")) return echo_stdin(argv[2]);
    if (argc == 2 && !strcmp(argv[1], "--slot-checks")) return slot_checks();
    if (argc >= 2 && !strcmp(argv[1], "--fds")) return fd_check_main(argc, argv);
    unsigned n = sizeof tests / sizeof tests[0];
    for (unsigned i = 0; i < n; i++) {
        test_no++;
        why[0] = '\0';
        if (tests[i].fn()) {
            failures++;
            printf("not ok %d - %s: %s\n", test_no, tests[i].name, why);
        } else {
            printf("ok %d - %s\n", test_no, tests[i].name);
        }
    }
    printf("fs: %u passed, %d failed\n", n - failures, failures);
    /* Power-off follows our exit at once and fs0 is not asked: what the host reads
     * back (disk_fs.py) must be on the disk now. */
    sync();
    return failures ? 1 : 0;
}
