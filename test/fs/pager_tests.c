/* mm0's pager and fs0's page cache at their limits (docs/mm0.md "Files from fs0",
 * docs/fs0.md "The page cache"): mm0's table of mapped files, fs0's cache frames, two
 * threads faulting on one file page at once, and the rights a descriptor gives a
 * mapping for ever. Each test returns 0, or 1 with the reason in why. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fs0/protocol.h>
#include <mm0/clone.h>
#include <mm0/mm0.h>
#include "fstest.h"
#include "pager_tests.h"

#define PAGE 4096
#define FILES 64   /* mm0's table of mapped files (servers/mm0/filemap.c) */

static int make_file(const char *path, const void *data, size_t n)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    if (write(fd, data, n) != (ssize_t)n) {
        close(fd);
        return -1;
    }
    return fd;
}

/* More files mapped at once than mm0's table holds: the 65th is ENFILE (no other
 * file is mapped now) and nothing else breaks; once unmapped, each of the 70 maps
 * again (objects nothing maps go when the table needs room), and their contents are
 * right every time. */
int pt_file_table(void)
{
    enum { N = 70 };
    static void *map[N];
    char path[32];
    int enfile_at = -1;
    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof path, "/tmp/pt%d", i);
        int fd = make_file(path, path, strlen(path) + 1);
        CHECK(fd >= 0, "create %s: errno %d", path, errno);
        map[i] = mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 0);
        close(fd);
        if (map[i] == MAP_FAILED) {
            CHECK(errno == ENFILE, "mmap %d: errno %d, want ENFILE", i, errno);
            if (enfile_at < 0) enfile_at = i;
            map[i] = NULL;
            continue;
        }
        CHECK(!strcmp(map[i], path), "mapping %d reads '%.20s'", i, (char *)map[i]);
    }
    CHECK(enfile_at == FILES, "the first ENFILE came at file %d, want %d", enfile_at, FILES);
    for (int i = 0; i < N; i++)
        if (map[i]) CHECK(munmap(map[i], PAGE) == 0, "munmap %d", i);
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < N; i++) {
            snprintf(path, sizeof path, "/tmp/pt%d", i);
            int fd = open(path, O_RDONLY);
            char *p = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
            close(fd);
            CHECK(p != MAP_FAILED, "round %d: mmap %d again: errno %d", round, i, errno);
            CHECK(!strcmp(p, path), "round %d: mapping %d reads '%.20s'", round, i, p);
            munmap(p, PAGE);
        }
    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof path, "/tmp/pt%d", i);
        CHECK(unlink(path) == 0, "unlink %s", path);
    }
    return 0;
}

/* A mapping touching more file pages than fs0 has cache frames: the toucher alone is
 * killed (out of memory), and the frames come back with it: another process then maps
 * and reads most of the same number of pages, and a small file maps and reads right. */
int pt_cache_full(void)
{
    size_t pages = FS0_CACHE_PAGES + 256, size = pages * PAGE;
    int fd = open("/data/pt-sparse", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && ftruncate(fd, (off_t)size) == 0, "a sparse file of %zu bytes: errno %d", size, errno);
    for (int round = 0; round < 2; round++) {
        pid_t c = fork();
        if (c == 0) {
            volatile unsigned char *p = mmap(0, size, PROT_READ, MAP_PRIVATE, fd, 0);
            if (p == MAP_FAILED) _exit(3);
            unsigned sum = 0;
            for (size_t i = 0; i < pages; i++) sum += p[i * PAGE];
            _exit(sum == 0 ? 0 : 2);
        }
        int st = 0;
        CHECK(waitpid(c, &st, 0) == c, "waitpid");
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "round %d: a child touching %zu file pages: "
              "status 0x%x, want SIGKILL (out of cache frames)", round, pages, st);
        c = fork();
        if (c == 0) {   /* three quarters of the frames: there once the killed child's are */
            size_t n = FS0_CACHE_PAGES * 3 / 4;
            volatile unsigned char *p = mmap(0, n * PAGE, PROT_READ, MAP_SHARED, fd, 0);
            if (p == MAP_FAILED) _exit(3);
            unsigned sum = 0;
            for (size_t i = 0; i < n; i++) sum += p[i * PAGE];
            _exit(sum == 0 ? 0 : 2);
        }
        CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "round %d: a child reading 3/4 of the cache's frames after: status 0x%x", round, st);
    }
    close(fd);
    CHECK(unlink("/data/pt-sparse") == 0, "unlink");
    char want[128] = {0}, *p;
    fd = open("/etc/motd", O_RDONLY);
    ssize_t n = read(fd, want, sizeof want - 1);
    p = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    CHECK(n > 0 && p != MAP_FAILED && !memcmp(p, want, (size_t)n) && p[n] == 0,
          "/etc/motd mapped after: %s", p == MAP_FAILED ? "mmap failed" : "contents differ");
    munmap(p, PAGE);
    return 0;
}

/* Threads of one process reading the same not-yet-held pages of a private mapping,
 * in opposite orders: whichever fault reaches the pager second finds the page held
 * (fs0 gives the same frame; mm0 supplies it once) and both see the file's bytes. */
#define TP_PAGES 32
static unsigned char *tp_map;
static volatile int tp_bad[2], tp_done[2];
static volatile int tp_ctid[2];
static char tp_stack[2][16384] __attribute__((aligned(16)));

static unsigned char tp_byte(size_t i) { return (unsigned char)(i * 7 + (i >> 12) * 13 + 1); }

static int tp_reader(void *arg)
{
    int k = (int)(long)arg;
    for (int j = 0; j < TP_PAGES; j++) {
        int pg = k ? TP_PAGES - 1 - j : j;
        for (size_t off = 0; off < PAGE; off += 512)
            if (tp_map[(size_t)pg * PAGE + off] != tp_byte((size_t)pg * PAGE + off)) tp_bad[k]++;
        sched_yield();
    }
    tp_done[k] = 1;
    return 0;
}

int pt_threads_same_page(void)
{
    static unsigned char data[TP_PAGES * PAGE];
    for (size_t i = 0; i < sizeof data; i++) data[i] = tp_byte(i);
    int fd = make_file("/data/pt-threads", data, sizeof data);
    CHECK(fd >= 0, "create: errno %d", errno);
    CHECK(fsync(fd) == 0, "fsync");   /* the file's blocks on the disk: page-ins read them */
    tp_map = mmap(0, sizeof data, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    CHECK(tp_map != MAP_FAILED, "mmap: errno %d", errno);
    for (int k = 0; k < 2; k++) {
        tp_bad[k] = tp_done[k] = 0;
        tp_ctid[k] = 1;
        int tid = clone(tp_reader, tp_stack[k] + sizeof tp_stack[k],
                        CLONE_VM | CLONE_THREAD | CLONE_CHILD_CLEARTID, (void *)(long)k, NULL, NULL,
                        &tp_ctid[k]);
        CHECK(tid > 0, "clone %d: errno %d", k, errno);
    }
    for (long spin = 0; (tp_ctid[0] || tp_ctid[1]) && spin < 10000000; spin++) sched_yield();
    CHECK(!tp_ctid[0] && !tp_ctid[1], "the readers did not finish");
    CHECK(tp_done[0] && tp_done[1], "a reader did not get to its end");
    CHECK(!tp_bad[0] && !tp_bad[1], "wrong bytes read: %d and %d", tp_bad[0], tp_bad[1]);
    munmap(tp_map, sizeof data);
    CHECK(unlink("/data/pt-threads") == 0, "unlink");
    return 0;
}

/* What the descriptor allowed at mmap is what the mapping may ever do: a shared view
 * of a read-only descriptor never becomes writable (mprotect EACCES, also after fork),
 * a private one may (its stores are its own); a stores through a shared view of a
 * read-write descriptor reach the file. */
int pt_mapping_rights(void)
{
    int fd = make_file("/data/pt-rights", "rights!", 8);
    CHECK(fd >= 0, "create: errno %d", errno);
    close(fd);
    fd = open("/data/pt-rights", O_RDONLY);
    char *s = mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    char *p = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(s != MAP_FAILED && p != MAP_FAILED, "mmap: errno %d", errno);
    CHECK(mprotect(s, PAGE, PROT_READ | PROT_WRITE) == -1 && errno == EACCES,
          "mprotect of a shared read-only view to write: not EACCES (errno %d)", errno);
    CHECK(mprotect(s, PAGE, PROT_NONE) == 0 && mprotect(s, PAGE, PROT_READ) == 0,
          "mprotect to none and back to read");
    CHECK(mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0, "mprotect of a private view: errno %d", errno);
    p[0] = 'R';
    CHECK(s[0] == 'r', "a private store reached the shared view");
    pid_t c = fork();
    if (c == 0) _exit(mprotect(s, PAGE, PROT_READ | PROT_WRITE) == -1 && errno == EACCES ? 0 : 1);
    int st = 0;
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "the child's copy of the shared read-only view became writable");
    c = fork();
    if (c == 0) {
        s[1] = 'X';   /* a store through a read-only view: SIGSEGV */
        _exit(0);
    }
    CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
          "a store through a shared read-only view: status 0x%x, want SIGSEGV", st);
    munmap(s, PAGE);
    munmap(p, PAGE);
    close(fd);
    fd = open("/data/pt-rights", O_RDWR);
    s = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(s != MAP_FAILED, "a shared writable view of a read-write descriptor: errno %d", errno);
    s[0] = 'W';
    char b[8] = {0};
    CHECK(lseek(fd, 0, SEEK_SET) == 0 && read(fd, b, 7) == 7 && !memcmp(b, "Wights!", 7),
          "read() after a shared store: '%.7s'", b);
    munmap(s, PAGE);
    close(fd);
    CHECK(unlink("/data/pt-rights") == 0, "unlink");
    return 0;
}

/* A read-write shared view is written back only where it was stored to: fs0 holds a
 * page for writing only after its first store (mm0 maps it read-only until then, and
 * the store's fault asks fs0, docs/mm0.md "Files from fs0"). Reading all 16 pages of a
 * sparse file through it, then storing into one page that was read first, leaves the
 * file with one page's blocks (plus an indirect block on 1 KiB blocks), not 16. */
int pt_rw_view_writes_back_what_was_stored(void)
{
    enum { N = 16 };
    int fd = open("/data/pt-rw-holes", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && ftruncate(fd, N * PAGE) == 0 && fsync(fd) == 0, "sparse file: errno %d", errno);
    struct stat st;
    CHECK(fstat(fd, &st) == 0, "fstat");
    long before = (long)st.st_blocks;
    volatile unsigned char *s = mmap(0, N * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(s != MAP_FAILED, "mmap: errno %d", errno);
    unsigned sum = 0;
    for (int i = 0; i < N; i++) sum += s[i * PAGE + 7];
    CHECK(sum == 0, "holes read as %u", sum);
    s[5 * PAGE + 7] = 0x5a;   /* a page mapped read-only by the reads: its store faults */
    CHECK(s[5 * PAGE + 7] == 0x5a, "the store did not stay");
    munmap((void *)s, N * PAGE);
    sync();   /* the file's frames are released: held-writable ones are written back */
    CHECK(fstat(fd, &st) == 0, "fstat after");
    long grew = (long)st.st_blocks - before;
    CHECK(grew > 0 && grew <= 16, "the file grew by %ld sectors of 512 (one stored page: 8, "
          "every page read: 128)", grew);
    unsigned char b = 0;
    CHECK(lseek(fd, 5 * PAGE + 7, SEEK_SET) == 5 * PAGE + 7 && read(fd, &b, 1) == 1 && b == 0x5a,
          "read() after: %#x", b);
    close(fd);
    CHECK(unlink("/data/pt-rw-holes") == 0, "unlink");
    return 0;
}
