/* exec of programs from the disk (docs/fs0.md, Tests): /bin/diskprog and
 * /bin/diskprog2 (diskprog.c) are on the disk only, never in the boot archive. Each
 * test runs in a child with a time bound (in_child); each exec in a child of that. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <mm0/mm0.h>
#include "fstest.h"

#define BOUND 30
#define PROG "/bin/diskprog"
#define PROG2 "/bin/diskprog2"
#define OK1 41   /* diskprog's status when all it checks is right; diskprog2's is 42 */
#define OK2 42

/* exec path in a child with diskprog's arguments: its wait status, or -1 (hung). */
static int run(const char *path)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char *argv[] = {"diskprog", "one", "two words", NULL};
        char *envp[] = {"DISKPROG=yes", NULL};
        execve(path, argv, envp);
        _exit(100 + (errno & 127));   /* the exec failed: 100 + errno */
    }
    int st;
    if (c < 0 || wait_bounded(c, &st, 15)) return -1;
    return st;
}

#define RUNS(path, want)                                                                     \
    do {                                                                                     \
        int st_ = run(path);                                                                 \
        CHECK(st_ != -1, "%s: no exit within 15 s (killed)", path);                          \
        CHECK(WIFEXITED(st_) && WEXITSTATUS(st_) == (want),                                  \
              "%s: status 0x%x (exit %d; 100 + errno when exec failed), want exit %d", path, st_,   \
              WIFEXITED(st_) ? WEXITSTATUS(st_) : -1, want);                                 \
    } while (0)

/* Copy from's bytes into to (created with mode, or rewritten in place and cut to
 * size), n of them (0: all). */
static int copy(const char *from, const char *to, mode_t mode, size_t n, bool in_place)
{
    static unsigned char buf[8192];
    int in = open(from, O_RDONLY);
    int out = in_place ? open(to, O_WRONLY) : open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
    CHECK(in >= 3 && out >= 3, "open %s, %s: errno %d", from, to, errno);
    size_t done = 0;
    ssize_t k;
    while ((n == 0 || done < n) && (k = read(in, buf, n && n - done < sizeof buf ? n - done : sizeof buf)) > 0) {
        CHECK(write(out, buf, (size_t)k) == k, "write %s: errno %d", to, errno);
        done += (size_t)k;
    }
    CHECK(ftruncate(out, (off_t)done) == 0, "ftruncate %s: errno %d", to, errno);
    close(in);
    close(out);
    struct stat st;
    CHECK(stat(to, &st) == 0 && st.st_size == (off_t)done, "%s: size %ld after the copy", to, (long)st.st_size);
    if (!in_place) CHECK((st.st_mode & 0777) == mode, "%s: mode %o, want %o", to, (unsigned)st.st_mode & 0777, (unsigned)mode);
    return 0;
}

static int disk_paths(void)
{
    struct stat st;
    CHECK(stat(PROG, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111), PROG " not staged executable");
    /* Not in the boot archive: the bare name (an archive member) is not found. */
    char *argv[] = {"diskprog", NULL};
    CHECK(ERR(execv("diskprog", argv), ENOENT), "a bare 'diskprog' found: errno %d", errno);
    RUNS(PROG, OK1);
    RUNS(PROG2, OK2);
    CHECK(chdir("/bin") == 0, "chdir /bin: errno %d", errno);
    RUNS("./diskprog", OK1);
    CHECK(chdir("/") == 0, "chdir /");
    RUNS("bin/diskprog", OK1);
    CHECK(chdir("/data") == 0, "chdir /data");
    RUNS("../bin/diskprog2", OK2);
    RUNS("/bin/../bin/./diskprog", OK1);
    CHECK(chdir("/") == 0, "chdir /");
    return 0;
}

int t_exec_disk_paths(void) { return in_child(disk_paths, BOUND); }

/* After a failed exec the caller is whole: its stack, data, heap, descriptors, pid. */
static int canary_data = 1234;

static int intact(const char *what, int fd, pid_t pid, const volatile int *stack_canary, const char *heap)
{
    char b[8] = {0};
    CHECK(*stack_canary == 0x5a5a && canary_data == 1234 && !strcmp(heap, "heap bytes"),
          "after the failed exec of %s our memory changed", what);
    CHECK(lseek(fd, 0, SEEK_SET) == 0 && read(fd, b, 7) == 7 && !memcmp(b, "Welcome", 7),
          "after the failed exec of %s our descriptor is gone", what);
    CHECK(getpid() == pid, "after the failed exec of %s our pid is %d, was %d", what, (int)getpid(), (int)pid);
    return 0;
}

static int exec_errors(void)
{
    if (copy(PROG, "/data/ex-noexec", 0644, 0, false)) return 1;   /* a program, but no x bits */
    if (copy(PROG, "/data/ex-trunc", 0755, 100, false)) return 1;  /* 100 bytes of an ELF */
    int fd = open("/data/ex-text", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    CHECK(fd >= 3 && write(fd, "#!/bin/sh\necho not an ELF\n", 26) == 26, "write ex-text: errno %d", errno);
    close(fd);
    fd = open("/data/ex-empty", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    CHECK(fd >= 3, "create ex-empty: errno %d", errno);
    close(fd);
    static const struct {
        const char *path;
        int err;
    } cases[] = {
        {"/bin/nosuchprogram", ENOENT}, {"nosuchdir/prog", ENOENT}, {"/data/none", ENOENT},
        {"/etc/motd/x", ENOTDIR}, {"/bin/diskprog/x", ENOTDIR},
        {"/data", EACCES}, {"/bin/", EACCES}, {"/dev/null", EACCES}, {"/dev/console", EACCES},
        {"/data/ex-noexec", EACCES},
        {"/data/ex-text", ENOEXEC}, {"/data/ex-trunc", ENOEXEC}, {"/data/ex-empty", ENOEXEC},
    };
    volatile int stack_canary = 0x5a5a;
    char *heap = malloc(32);
    CHECK(heap, "malloc");
    strcpy(heap, "heap bytes");
    int motd = open("/etc/motd", O_RDONLY);
    CHECK(motd >= 3, "open /etc/motd");
    pid_t pid = getpid();
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *argv[] = {"x", NULL};
        char *envp[] = {NULL};
        errno = 0;
        int r = execve(cases[i].path, argv, envp);
        CHECK(r == -1 && errno == cases[i].err, "exec %s: %d, errno %d (%s), want %d (%s)", cases[i].path, r,
              errno, strerror(errno), cases[i].err, strerror(cases[i].err));
        if (intact(cases[i].path, motd, pid, &stack_canary, heap)) return 1;
    }
    /* And the caller can still fork and exec a good one. */
    RUNS(PROG, OK1);
    close(motd);
    free(heap);
    return unlink("/data/ex-noexec") || unlink("/data/ex-trunc") || unlink("/data/ex-text") || unlink("/data/ex-empty");
}

int t_exec_errors(void) { return in_child(exec_errors, BOUND); }

static int copied(void)
{
    if (copy(PROG, "/data/ex-copy", 0755, 0, false)) return 1;
    RUNS("/data/ex-copy", OK1);
    CHECK(chdir("/data") == 0, "chdir");
    RUNS("./ex-copy", OK1);
    CHECK(chdir("/") == 0, "chdir");
    return unlink("/data/ex-copy");
}

int t_exec_copy(void) { return in_child(copied, BOUND); }

/* A program file rewritten with write() (in place, then cut to the new size) runs
 * its new contents at the next exec: the cache pages of the old one are not reused. */
static int rewrite(void)
{
    const char *f = "/data/ex-rw";
    if (copy(PROG, f, 0755, 0, false)) return 1;
    RUNS(f, OK1);
    RUNS(f, OK1);   /* a second exec shares the first's clean pages */
    if (copy(PROG2, f, 0755, 0, true)) return 1;
    RUNS(f, OK2);
    if (copy(PROG, f, 0755, 0, true)) return 1;
    RUNS(f, OK1);
    return unlink(f);
}

int t_exec_rewrite(void) { return in_child(rewrite, BOUND); }

/* 50 execs of the same disk program: no page lost (free pages and mm0's heap). */
static int no_leak(void)
{
    RUNS(PROG, OK1);   /* warms up: its pages in fs0's cache, mm0's file object */
    long before = fs_mem_pages();
    for (int i = 0; i < 50; i++) {
        int st = run(PROG);
        CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == OK1, "exec %d: status 0x%x", i, st);
    }
    long after = fs_mem_pages();
    CHECK(before > 0 && after == before, "free pages %ld before 50 execs, %ld after", before, after);
    CHECK(mm0_selfcheck() == 0, "mm0's self-check disagrees after the execs");
    return 0;
}

int t_exec_no_leak(void) { return in_child(no_leak, 2 * BOUND); }
