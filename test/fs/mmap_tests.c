/* mmap of files and of /dev/zero (docs/fs0.md, Tests; the spec: notes of issue 11's
 * last part, "Semantics"). Each test runs in a child process with a time bound
 * (in_child), so a missing or broken pager fails that test with a reason instead of
 * faulting or hanging the runner, which is init. Files live on ext2 under /data. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <mm0/mm0.h>
#include "fstest.h"

/* libposix's msync may not exist yet: declared here, weak, and used only if linked. */
#ifndef MS_SYNC
#define MS_SYNC 4
#endif
int msync(void *addr, size_t len, int flags) __attribute__((weak));

#define PAGE 4096ul
#define BOUND 20   /* seconds a test may take before it counts as hung */

static unsigned char *map(size_t len, int prot, int flags, int fd, off_t off)
{
    return mmap(NULL, len, prot, flags, fd, off);
}

/* Bytes [from, to) of m are fs_pattern(seed) of the file offset, or FAIL. */
static int same(const unsigned char *m, size_t from, size_t to, unsigned seed, const char *what)
{
    for (size_t i = from; i < to; i++)
        CHECK(m[i] == fs_pattern(i, seed), "%s: byte %zu is %u, want %u", what, i, m[i], fs_pattern(i, seed));
    return 0;
}

static int zeros(const unsigned char *m, size_t from, size_t to, const char *what)
{
    for (size_t i = from; i < to; i++) CHECK(m[i] == 0, "%s: byte %zu past the end is %u", what, i, m[i]);
    return 0;
}

/* n bytes at off through a fresh descriptor (another open file description). */
static int read_at(const char *path, off_t off, void *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 3, "open %s: errno %d", path, errno);
    CHECK(lseek(fd, off, SEEK_SET) == off, "lseek %s", path);
    ssize_t got = read(fd, buf, n);
    close(fd);
    CHECK(got == (ssize_t)n, "read %s at %ld: %ld bytes, errno %d", path, (long)off, (long)got, errno);
    return 0;
}

static int write_at(int fd, off_t off, const void *buf, size_t n)
{
    CHECK(lseek(fd, off, SEEK_SET) == off && write(fd, buf, n) == (ssize_t)n, "write at %ld: errno %d",
          (long)off, errno);
    return 0;
}

/* ------------------------------------------------------------ write() then mmap */

static int sizes(void)
{
    static const size_t n[] = {0, 1, 4095, 4096, 4097, 1 << 20};
    for (unsigned k = 0; k < 6; k++) {
        const char *path = "/data/mm-size";
        if (fs_make_file(path, n[k], 50 + k, 0644)) return 1;
        int fd = open(path, O_RDONLY);
        CHECK(fd >= 3, "open: errno %d", errno);
        size_t len = n[k] ? (n[k] + PAGE - 1) & ~(PAGE - 1) : PAGE;   /* an empty file: one page, untouched */
        unsigned char *m = map(len, PROT_READ, MAP_PRIVATE, fd, 0);
        CHECK(m != MAP_FAILED, "mmap of %zu bytes: errno %d", n[k], errno);
        char what[48];
        snprintf(what, sizeof what, "%zu-byte file", n[k]);
        if (same(m, 0, n[k], 50 + k, what) || (n[k] && zeros(m, n[k], len, what))) return 1;
        CHECK(munmap(m, len) == 0, "munmap: errno %d", errno);
        close(fd);
    }
    CHECK(unlink("/data/mm-size") == 0, "unlink");
    return 0;
}

int t_mmap_sizes(void) { return in_child(sizes, BOUND); }

/* ------------------------------------------------------------ MAP_SHARED stores */

static const char *const SH = "/data/mm-shared";
#define SH_SIZE (3 * PAGE + 100)

/* The stores shared_store makes, checked by read() in any process. */
static int stores_seen(const char *who)
{
    unsigned char b[16];
    if (read_at(SH, 0, b, 1)) return 1;
    CHECK(b[0] == 'A', "%s: read() of byte 0 gives %u, not the store", who, b[0]);
    if (read_at(SH, 5000, b, 10)) return 1;
    CHECK(!memcmp(b, "shared-ABC", 10), "%s: read() at 5000 gives '%.10s'", who, (char *)b);
    if (read_at(SH, SH_SIZE - 1, b, 1)) return 1;
    CHECK(b[0] == 'Z', "%s: read() of the last byte gives %u", who, b[0]);
    if (read_at(SH, 1, b, 4)) return 1;
    for (unsigned i = 0; i < 4; i++) CHECK(b[i] == fs_pattern(1 + i, 60), "%s: byte %u changed", who, 1 + i);
    return 0;
}

static int shared_store(void)
{
    if (fs_make_file(SH, SH_SIZE, 60, 0644)) return 1;
    /* Another process, forked before the mapping existed: it only reads the file. */
    int go[2];
    CHECK(pipe(go) == 0, "pipe");
    pid_t other = fork();
    if (other == 0) {
        char c;
        close(go[1]);
        if (read(go[0], &c, 1) != 1) _exit(2);
        _exit(stores_seen("another process") ? 1 : 0);
    }
    CHECK(other > 0, "fork: errno %d", errno);
    close(go[0]);
    int fd = open(SH, O_RDWR);
    CHECK(fd >= 3, "open: errno %d", errno);
    size_t len = 4 * PAGE;
    unsigned char *m = map(len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED, "mmap MAP_SHARED: errno %d", errno);
    unsigned char *m2 = map(SH_SIZE, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(m2 != MAP_FAILED, "a second MAP_SHARED mapping: errno %d", errno);
    CHECK(m2[5000] == fs_pattern(5000, 60), "the second mapping reads %u at 5000", m2[5000]);
    m[0] = 'A';
    memcpy(m + 5000, "shared-ABC", 10);
    m[SH_SIZE - 1] = 'Z';
    CHECK(m2[0] == 'A' && !memcmp(m2 + 5000, "shared-ABC", 10) && m2[SH_SIZE - 1] == 'Z',
          "the other shared mapping does not see the stores");
    if (stores_seen("this process")) return 1;
    char b[10];
    CHECK(lseek(fd, 5000, SEEK_SET) == 5000 && read(fd, b, 10) == 10 && !memcmp(b, "shared-ABC", 10),
          "read() through the mapped descriptor gives '%.10s'", b);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == (off_t)SH_SIZE, "size %ld after stores", (long)st.st_size);
    CHECK(write(go[1], "g", 1) == 1, "write the pipe");
    close(go[1]);
    int status;
    CHECK(wait_bounded(other, &status, 10) == 0, "the other process hung reading");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "another process's read() missed the stores (0x%x)", status);
    if (msync) CHECK(msync(m, len, MS_SYNC) == 0, "msync: errno %d", errno);
    CHECK(munmap(m, len) == 0 && munmap(m2, SH_SIZE) == 0, "munmap: errno %d", errno);
    close(fd);
    return stores_seen("after munmap") || unlink(SH);
}

int t_mmap_shared_store(void) { return in_child(shared_store, BOUND); }

/* ------------------------------------------------------------ write() and ftruncate after mmap */

static int sees_write(void)
{
    const char *path = "/data/mm-later";
    if (fs_make_file(path, 2 * PAGE, 61, 0644)) return 1;
    int ro = open(path, O_RDONLY), rw = open(path, O_RDWR);
    CHECK(ro >= 3 && rw >= 3, "open: errno %d", errno);
    unsigned char *s = map(3 * PAGE, PROT_READ, MAP_SHARED, ro, 0);
    unsigned char *p = map(3 * PAGE, PROT_READ, MAP_PRIVATE, ro, 0);
    CHECK(s != MAP_FAILED && p != MAP_FAILED, "mmap: errno %d", errno);
    if (same(s, 0, 2 * PAGE, 61, "shared") || same(p, 0, 2 * PAGE, 61, "private")) return 1;
    /* write() after the pages are in: both mappings see it at once. */
    if (write_at(rw, 100, "written-after", 13) || write_at(rw, PAGE + 7, "second page", 11)) return 1;
    CHECK(!memcmp(s + 100, "written-after", 13) && !memcmp(s + PAGE + 7, "second page", 11),
          "the shared mapping does not see write()");
    CHECK(!memcmp(p + 100, "written-after", 13) && !memcmp(p + PAGE + 7, "second page", 11),
          "the private mapping (never stored to) does not see write()");
    /* Shrink into page 1: its tail reads as zeros through both. */
    CHECK(ftruncate(rw, 5000) == 0, "ftruncate 5000: errno %d", errno);
    if (zeros(s, 5000, 2 * PAGE, "shared after ftruncate") || zeros(p, 5000, 2 * PAGE, "private after ftruncate"))
        return 1;
    CHECK(!memcmp(s + PAGE + 7, "second page", 11), "bytes before the new end changed");
    /* Grow to three pages: page 2 is in the file now (zeros), a write there is seen. */
    CHECK(ftruncate(rw, 3 * PAGE) == 0, "ftruncate 12288: errno %d", errno);
    if (zeros(s, 5000, 3 * PAGE, "shared after growing")) return 1;
    if (write_at(rw, 9000, "grown", 5)) return 1;
    CHECK(!memcmp(s + 9000, "grown", 5) && !memcmp(p + 9000, "grown", 5), "a write into the grown page not seen");
    CHECK(munmap(s, 3 * PAGE) == 0 && munmap(p, 3 * PAGE) == 0, "munmap");
    close(ro);
    close(rw);
    return unlink(path);
}

int t_mmap_sees_write(void) { return in_child(sees_write, BOUND); }

/* ------------------------------------------------------------ fork */

static int fork_shared(void)
{
    const char *path = "/data/mm-fork";
    if (fs_make_file(path, 2 * PAGE, 62, 0644)) return 1;
    int fd = open(path, O_RDWR);
    CHECK(fd >= 3, "open: errno %d", errno);
    unsigned char *s = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    unsigned char *p = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(s != MAP_FAILED && p != MAP_FAILED, "mmap: errno %d", errno);
    p[10] = 'p';   /* a private page copied before the fork */
    pid_t c = fork();
    if (c == 0) {
        memcpy(s + 3, "child", 5);
        memcpy(s + PAGE + 3, "child", 5);
        p[11] = 'q';   /* private: its own copy */
        p[PAGE + 1] = 'q';
        _exit(p[10] == 'p' ? 0 : 3);
    }
    CHECK(c > 0, "fork: errno %d", errno);
    int st;
    CHECK(wait_bounded(c, &st, 10) == 0, "the child hung");
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child: status 0x%x", st);
    CHECK(!memcmp(s + 3, "child", 5) && !memcmp(s + PAGE + 3, "child", 5), "the child's shared stores not seen");
    unsigned char b[5];
    CHECK(read_at(path, PAGE + 3, b, 5) == 0 && !memcmp(b, "child", 5), "read() misses the child's store");
    CHECK(p[11] == fs_pattern(11, 62) && p[PAGE + 1] == fs_pattern(PAGE + 1, 62),
          "the child's private stores reached the parent");
    /* And the other way: the parent stores, a new child sees it in the inherited mapping. */
    s[20] = 'P';
    c = fork();
    if (c == 0) _exit(s[20] == 'P' ? 0 : 4);
    CHECK(c > 0 && wait_bounded(c, &st, 10) == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "a child does not see the parent's shared store (0x%x)", st);
    CHECK(munmap(s, 2 * PAGE) == 0 && munmap(p, 2 * PAGE) == 0, "munmap");
    close(fd);
    return unlink(path);
}

int t_mmap_fork_shared(void) { return in_child(fork_shared, BOUND); }

/* ------------------------------------------------------------ MAP_PRIVATE copy-on-write */

static int private_cow(void)
{
    const char *path = "/data/mm-cow";
    if (fs_make_file(path, 2 * PAGE, 63, 0644)) return 1;
    int fd = open(path, O_RDWR);
    CHECK(fd >= 3, "open: errno %d", errno);
    unsigned char *p1 = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    unsigned char *p2 = map(2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    unsigned char *s = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(p1 != MAP_FAILED && p2 != MAP_FAILED && s != MAP_FAILED, "mmap: errno %d", errno);
    if (same(p1, 0, 2 * PAGE, 63, "private") || same(s, 0, 2 * PAGE, 63, "shared")) return 1;
    p1[10] = 'X';
    unsigned char b;
    CHECK(read_at(path, 10, &b, 1) == 0 && b == fs_pattern(10, 63), "read() sees a private store (%u)", b);
    CHECK(s[10] == fs_pattern(10, 63), "the shared mapping sees a private store");
    CHECK(p2[10] == fs_pattern(10, 63), "another private mapping sees a private store");
    /* The stored page is a copy now: a shared store is not seen there, but is seen by
     * the other private mapping, which never stored. */
    s[20] = 'S';
    CHECK(p1[20] == fs_pattern(20, 63), "a copied private page still follows the file");
    CHECK(p2[20] == 'S', "an unstored private page does not see the file's change");
    /* Page 1 of p1 was never stored: write() is seen there until the first store. */
    CHECK(write_at(fd, PAGE + 5, "W", 1) == 0 && p1[PAGE + 5] == 'W', "p1's unstored page misses write()");
    p1[PAGE + 9] = 'Y';
    CHECK(write_at(fd, PAGE + 6, "V", 1) == 0 && p1[PAGE + 6] == fs_pattern(PAGE + 6, 63),
          "a write() after the private store reached the copy");
    CHECK(read_at(path, PAGE + 9, &b, 1) == 0 && b == fs_pattern(PAGE + 9, 63), "the private store reached the file");
    CHECK(munmap(p1, 2 * PAGE) == 0 && munmap(p2, 2 * PAGE) == 0 && munmap(s, 2 * PAGE) == 0, "munmap");
    close(fd);
    return unlink(path);
}

int t_mmap_private_cow(void) { return in_child(private_cow, BOUND); }

/* ------------------------------------------------------------ outliving close and unlink */

static int outlives(void)
{
    const char *path = "/data/mm-gone";
    if (fs_make_file(path, 6000, 64, 0644)) return 1;
    int fd = open(path, O_RDWR);
    CHECK(fd >= 3, "open: errno %d", errno);
    unsigned char *s = map(6000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    unsigned char *p = map(6000, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(s != MAP_FAILED && p != MAP_FAILED, "mmap: errno %d", errno);
    CHECK(close(fd) == 0 && unlink(path) == 0, "close and unlink: errno %d", errno);
    struct stat st;
    CHECK(ERR(stat(path, &st), ENOENT), "the name survived unlink");
    /* Nothing was touched before: every page comes in after the file lost its name. */
    if (same(s, 0, 6000, 64, "shared after unlink") || same(p, 0, 6000, 64, "private after unlink")) return 1;
    if (zeros(s, 6000, 2 * PAGE, "shared after unlink")) return 1;
    s[5999] = 'z';
    CHECK(p[5999] == 'z', "the private mapping does not see a shared store after unlink");
    pid_t c = fork();
    if (c == 0) _exit(s[5999] == 'z' && s[0] == fs_pattern(0, 64) ? 0 : 1);
    int status;
    CHECK(c > 0 && wait_bounded(c, &status, 10) == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "a child cannot read the unlinked file's mapping (0x%x)", status);
    CHECK(munmap(s, 6000) == 0 && munmap(p, 6000) == 0, "munmap: errno %d", errno);
    return 0;
}

int t_mmap_outlives(void) { return in_child(outlives, BOUND); }

/* ------------------------------------------------------------ past the end: SIGBUS */

/* Run fault-child on path; its wait status, or -1. */
static int touch(const char *path, size_t len, size_t off, const char *rw, const char *ps)
{
    char l[24], o[24];
    snprintf(l, sizeof l, "%zu", len);
    snprintf(o, sizeof o, "%zu", off);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char *argv[] = {"fault-child", (char *)path, l, o, (char *)rw, (char *)ps, NULL};
        execv("fault-child", argv);
        _exit(13);
    }
    int st;
    if (c < 0 || wait_bounded(c, &st, 10)) return -1;
    return st;
}

static int sigbus(void)
{
    const char *path = "/data/mm-bus", *empty = "/data/mm-empty", *even = "/data/mm-even";
    if (fs_make_file(path, 5000, 65, 0644) || fs_make_file(empty, 0, 0, 0644) ||
        fs_make_file(even, 2 * PAGE, 66, 0644))
        return 1;
    /* The last partial page: its bytes past the end are zeros; the page is there. */
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 3, "open: errno %d", errno);
    unsigned char *m = map(3 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(m != MAP_FAILED, "mmap 3 pages of a 5000-byte file: errno %d", errno);
    if (same(m, 0, 5000, 65, "5000-byte file") || zeros(m, 5000, 2 * PAGE, "5000-byte file")) return 1;
    CHECK(munmap(m, 3 * PAGE) == 0, "munmap");
    close(fd);
    static const struct {
        const char *path;
        size_t len, off;
        const char *rw, *ps;
        int sig;   /* 0: must exit 0 */
    } cases[] = {
        {"/data/mm-bus", 3 * PAGE, 4999, "r", "p", 0},            /* the control: inside */
        {"/data/mm-bus", 3 * PAGE, 8191, "r", "p", 0},            /* the partial page's end */
        {"/data/mm-bus", 3 * PAGE, 2 * PAGE, "r", "p", SIGBUS},    /* the first page past the end */
        {"/data/mm-bus", 3 * PAGE, 2 * PAGE + 5, "w", "s", SIGBUS},/* a shared store there */
        {"/data/mm-empty", PAGE, 0, "r", "s", SIGBUS},            /* an empty file */
        {"/data/mm-even", 3 * PAGE, 2 * PAGE, "r", "p", SIGBUS},   /* a page starting at the end */
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int st = touch(cases[i].path, cases[i].len, cases[i].off, cases[i].rw, cases[i].ps);
        CHECK(st != -1, "case %u: fault-child hung (killed)", i);
        if (cases[i].sig)
            CHECK(WIFSIGNALED(st) && WTERMSIG(st) == cases[i].sig,
                  "case %u (%s at %zu, %s): status 0x%x, want killed by SIGBUS", i, cases[i].path, cases[i].off,
                  cases[i].rw, st);
        else
            CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "case %u (%s at %zu): status 0x%x, want 0", i,
                  cases[i].path, cases[i].off, st);
    }
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == 5000, "the file's size is %ld after the stores", (long)st.st_size);
    return unlink(path) || unlink(empty) || unlink(even);
}

int t_mmap_sigbus(void) { return in_child(sigbus, 2 * BOUND); }

/* ------------------------------------------------------------ /dev/zero */

static int devzero(void)
{
    int z = open("/dev/zero", O_RDWR);
    CHECK(z >= 3, "open /dev/zero: errno %d", errno);
    size_t len = 3 * PAGE;
    unsigned char *p = map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
    unsigned char *s = map(len, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
    unsigned char *s2 = map(len, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
    CHECK(p != MAP_FAILED && s != MAP_FAILED && s2 != MAP_FAILED, "mmap /dev/zero: errno %d", errno);
    if (zeros(p, 0, len, "private /dev/zero") || zeros(s, 0, len, "shared /dev/zero")) return 1;
    p[5] = 'p';
    memcpy(s + PAGE, "dz-shared", 9);
    CHECK(s2[PAGE] == 0, "two MAP_SHARED mappings of /dev/zero share memory");
    pid_t c = fork();
    if (c == 0) {
        if (p[5] != 'p' || memcmp(s + PAGE, "dz-shared", 9)) _exit(2);
        p[6] = 'c';                           /* private: ours alone */
        memcpy(s + 2 * PAGE, "from-child", 10);   /* shared: the parent sees it */
        _exit(0);
    }
    int st;
    CHECK(c > 0 && wait_bounded(c, &st, 10) == 0, "fork, or the child hung");
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child saw other bytes (0x%x)", st);
    CHECK(!memcmp(s + 2 * PAGE, "from-child", 10), "the child's store into shared /dev/zero not seen");
    CHECK(p[6] == 0, "the child's store into private /dev/zero reached the parent");
    char b[64];
    CHECK(read(z, b, sizeof b) == (ssize_t)sizeof b, "read /dev/zero");
    for (unsigned i = 0; i < sizeof b; i++) CHECK(b[i] == 0, "read() of /dev/zero gives %u after stores", b[i]);
    CHECK(munmap(p, len) == 0 && munmap(s, len) == 0 && munmap(s2, len) == 0, "munmap");
    close(z);
    return 0;
}

int t_mmap_devzero(void) { return in_child(devzero, BOUND); }

/* ------------------------------------------------------------ every error of the spec */

#define MAP_ERR(e, len, prot, flags, fd, off, what)                                          \
    do {                                                                                     \
        errno = 0;                                                                           \
        void *r_ = mmap(NULL, len, prot, flags, fd, off);                                    \
        CHECK(r_ == MAP_FAILED && errno == (e), "%s: %s, errno %d, want %d", what,            \
              r_ == MAP_FAILED ? "failed" : "mapped", errno, e);                             \
    } while (0)

static int errors(void)
{
    const char *path = "/data/mm-err";
    if (fs_make_file(path, 3000, 67, 0644)) return 1;
    int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY), rw = open(path, O_RDWR);
    int dir = open("/data", O_RDONLY), nul = open("/dev/null", O_RDWR), con = open("/dev/console", O_RDWR);
    int p[2];
    CHECK(ro >= 3 && wo >= 3 && rw >= 3 && dir >= 3 && nul >= 3 && con >= 3 && pipe(p) == 0,
          "opens: errno %d", errno);
    MAP_ERR(EBADF, PAGE, PROT_READ, MAP_PRIVATE, 50, 0, "an unused fd");
    MAP_ERR(EBADF, PAGE, PROT_READ, MAP_SHARED, -1, 0, "fd -1 without MAP_ANONYMOUS");
    MAP_ERR(ENODEV, PAGE, PROT_READ, MAP_PRIVATE, dir, 0, "a directory");
    MAP_ERR(ENODEV, PAGE, PROT_READ, MAP_PRIVATE, p[0], 0, "a pipe's read end");
    MAP_ERR(ENODEV, PAGE, PROT_READ, MAP_SHARED, p[1], 0, "a pipe's write end");
    MAP_ERR(ENODEV, PAGE, PROT_READ, MAP_PRIVATE, nul, 0, "/dev/null");
    MAP_ERR(ENODEV, PAGE, PROT_READ, MAP_SHARED, con, 0, "/dev/console");
    MAP_ERR(ENODEV, PAGE, PROT_READ, MAP_PRIVATE, 1, 0, "fd 1, the console");
    MAP_ERR(EINVAL, PAGE, PROT_READ, MAP_PRIVATE, ro, 100, "offset 100");
    MAP_ERR(EINVAL, PAGE, PROT_READ, MAP_SHARED, ro, 4095, "offset 4095");
    errno = 0;   /* a negative offset: the spec names no errno (Linux: EOVERFLOW) */
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, ro, -4096) == MAP_FAILED && (errno == EINVAL || errno == EOVERFLOW),
          "offset -4096: errno %d", errno);
    MAP_ERR(EINVAL, 0, PROT_READ, MAP_PRIVATE, ro, 0, "length 0");
    MAP_ERR(EINVAL, PAGE, PROT_READ, 0, ro, 0, "neither MAP_SHARED nor MAP_PRIVATE");
    MAP_ERR(EINVAL, PAGE, PROT_READ, MAP_SHARED | MAP_PRIVATE, ro, 0, "both MAP_SHARED and MAP_PRIVATE");
    MAP_ERR(EACCES, PAGE, PROT_READ, MAP_SHARED, wo, 0, "MAP_SHARED of an O_WRONLY fd");
    MAP_ERR(EACCES, PAGE, PROT_READ, MAP_PRIVATE, wo, 0, "MAP_PRIVATE of an O_WRONLY fd");
    MAP_ERR(EACCES, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0, "MAP_SHARED PROT_WRITE of an O_RDONLY fd");
    /* Allowed: a private writable mapping of a read-only descriptor (its stores stay
     * private); a shared read-only one; a shared writable one of O_RDWR. */
    unsigned char *m = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    CHECK(m != MAP_FAILED, "MAP_PRIVATE PROT_WRITE of an O_RDONLY fd refused: errno %d", errno);
    m[0] = 'w';
    unsigned char b;
    CHECK(read_at(path, 0, &b, 1) == 0 && b == fs_pattern(0, 67), "its store reached the file");
    CHECK(munmap(m, PAGE) == 0, "munmap");
    m = map(PAGE, PROT_READ, MAP_SHARED, ro, 0);
    CHECK(m != MAP_FAILED && m[1] == fs_pattern(1, 67), "MAP_SHARED PROT_READ of O_RDONLY: errno %d", errno);
    CHECK(munmap(m, PAGE) == 0, "munmap");
    m = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
    CHECK(m != MAP_FAILED, "MAP_SHARED PROT_WRITE of O_RDWR: errno %d", errno);
    CHECK(munmap(m, PAGE) == 0, "munmap");
    int fds[] = {ro, wo, rw, dir, nul, con, p[0], p[1]};
    for (unsigned i = 0; i < 8; i++) close(fds[i]);
    return unlink(path);
}

int t_mmap_errors(void) { return in_child(errors, BOUND); }

/* ------------------------------------------------------------ PROT_EXEC and mprotect */

static int exec_mprotect(void)
{
    /* addi a0, zero, 42; jalr zero, 0(ra): a function returning 42, as file bytes. */
    static const uint32_t code[2] = {0x02a00513u, 0x00008067u};
    const char *path = "/data/mm-code";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 3 && write(fd, code, sizeof code) == (ssize_t)sizeof code, "write the code: errno %d", errno);
    void *x = mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    CHECK(x != MAP_FAILED, "mmap PROT_EXEC: errno %d", errno);
    __asm__ volatile("fence.i" ::: "memory");
    int (*fn)(void) = (int (*)(void))x;
    CHECK(fn() == 42, "the mapped code did not return 42");
    CHECK(munmap(x, PAGE) == 0, "munmap");
    /* mprotect on a file mapping: read-only, then writable (the store reaches the file). */
    unsigned char *m = map(PAGE, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED && m[0] == 0x13, "mmap: errno %d", errno);
    CHECK(mprotect(m, PAGE, PROT_READ | PROT_WRITE) == 0, "mprotect PROT_WRITE: errno %d", errno);
    m[1] = 0x77;
    unsigned char b[2];
    CHECK(read_at(path, 0, b, 2) == 0 && b[1] == 0x77, "a store after mprotect did not reach the file");
    CHECK(mprotect(m, PAGE, PROT_READ) == 0 && m[1] == 0x77, "mprotect back to PROT_READ");
    CHECK(munmap(m, PAGE) == 0, "munmap");
    close(fd);
    return unlink(path);
}

int t_mmap_exec_mprotect(void) { return in_child(exec_mprotect, BOUND); }

/* ------------------------------------------------------------ memory comes back */

/* One round: shared and private mappings of a 64 KiB file and of /dev/zero, every
 * page touched (the private ones stored to: copies), a child sharing them; all unmapped. */
static int cycle(int fd, int z)
{
    size_t len = 16 * PAGE;
    unsigned char *s = map(len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    unsigned char *p = map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    unsigned char *zs = map(len, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
    unsigned char *zp = map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
    CHECK(s != MAP_FAILED && p != MAP_FAILED && zs != MAP_FAILED && zp != MAP_FAILED, "mmap: errno %d", errno);
    for (size_t i = 0; i < len; i += PAGE) {
        s[i + 1] = (unsigned char)i;
        p[i + 2] = 1;
        zs[i] = 1;
        zp[i] = 2;
    }
    pid_t c = fork();
    if (c == 0) {
        for (size_t i = 0; i < len; i += PAGE) p[i + 3] = zp[i + 1] = zs[i + 1] = s[i + 4] = 9;
        _exit(0);
    }
    int st;
    CHECK(c > 0 && wait_bounded(c, &st, 10) == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child (0x%x)", st);
    CHECK(munmap(s, len) == 0 && munmap(p, len) == 0 && munmap(zs, len) == 0 && munmap(zp, len) == 0, "munmap");
    return 0;
}

static int memory(void)
{
    const char *path = "/data/mm-mem";
    if (fs_make_file(path, 16 * PAGE, 68, 0644)) return 1;
    int fd = open(path, O_RDWR), z = open("/dev/zero", O_RDWR);
    CHECK(fd >= 3 && z >= 3, "open: errno %d", errno);
    if (cycle(fd, z)) return 1;   /* warms up: fs0's cache frames, page tables, mm0's heap */
    long before = fs_mem_pages();
    for (int i = 0; i < 10; i++)
        if (cycle(fd, z)) return 1;
    long after = fs_mem_pages();
    CHECK(before > 0 && after >= before - 2, "%ld pages lost over 10 rounds of mmap and munmap", before - after);
    close(fd);
    close(z);
    CHECK(mm0_selfcheck() == 0, "mm0's self-check disagrees after the rounds (its console line says how)");
    return unlink(path);
}

int t_mmap_memory(void) { return in_child(memory, 2 * BOUND); }

/* In the runner itself, after the mmap tests' processes are gone. */
int t_mm0_selfcheck(void)
{
    CHECK(mm0_selfcheck() == 0, "mm0's self-check disagrees (its console line says how)");
    return 0;
}

/* ------------------------------------------------------------ persist.h, through a mapping */

static struct {
    const char *path;
    unsigned long len;
    unsigned seed;
} persist_job;

static int persist_mapped(void)
{
    int fd = open(persist_job.path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 3, "create %s: errno %d", persist_job.path, errno);
    CHECK(ftruncate(fd, (off_t)persist_job.len) == 0, "ftruncate: errno %d", errno);
    unsigned char *m = map(persist_job.len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED, "mmap MAP_SHARED: errno %d", errno);
    for (unsigned long i = 0; i < persist_job.len; i++) m[i] = fs_pattern(i, persist_job.seed);
    CHECK(munmap(m, persist_job.len) == 0, "munmap: errno %d", errno);
    CHECK(fsync(fd) == 0, "fsync after munmap: errno %d", errno);
    CHECK(close(fd) == 0, "close");
    return 0;
}

int mmap_persist(const char *path, unsigned long len, unsigned seed)
{
    persist_job.path = path;
    persist_job.len = len;
    persist_job.seed = seed;
    return in_child(persist_mapped, BOUND);
}
