/* Tests for the survivors of the fourth mutation campaign (docs/testing.md): mm0's
 * pager and file table, fs0's page cache, as a process sees them. Each names the
 * mutants it kills; each returns 0, or 1 with the reason in why. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdint.h>
#include <fs0/protocol.h>
#include <mm0/protocol.h>
#include "fstest.h"
#include "mut4_tests.h"

#define PAGE 4096
#define FS0_FILES 128   /* fs0's table of mapped files (servers/fs0/pagecache.h) */
#define MM0_FILES 64    /* mm0's (servers/mm0/filemap.c) */

static int make_file(const char *path, const void *data, size_t n, int mode)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, mode);
    if (fd < 0) return -1;
    if (write(fd, data, n) != (ssize_t)n) {
        close(fd);
        return -1;
    }
    return fd;
}

static int status_of(pid_t c)
{
    int st = -1;
    return waitpid(c, &st, 0) == c ? st : -1;
}

/* A fresh file maps and reads right: what a leak of fs0's file slots would stop. */
static int fresh_mapping_works(const char *what)
{
    int fd = make_file("/tmp/m4-fresh", "fresh", 6, 0644);
    CHECK(fd >= 0, "%s: create: errno %d", what, errno);
    char *p = mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    CHECK(p != MAP_FAILED, "%s: a fresh file does not map: errno %d (fs0's file slots leaked?)",
          what, errno);
    CHECK(!strcmp(p, "fresh"), "%s: the fresh mapping reads '%.8s'", what, p);
    munmap(p, PAGE);
    CHECK(unlink("/tmp/m4-fresh") == 0, "%s: unlink", what);
    return 0;
}

/* Every mapping reads, so an O_WRONLY descriptor maps neither way (EACCES); a private
 * writable view of an O_RDONLY descriptor is allowed, and its stores stay its own.
 * Kills pager.c:212 `acc == O_WRONLY` dropped, and `shared &&` dropped. */
int m4_access_modes(void)
{
    int fd = make_file("/data/m4-acc", "access", 7, 0644);
    CHECK(fd >= 0, "create: errno %d", errno);
    close(fd);
    fd = open("/data/m4-acc", O_WRONLY);
    CHECK(fd >= 0, "open O_WRONLY: errno %d", errno);
    errno = 0;
    CHECK(mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EACCES,
          "a shared read view of an O_WRONLY descriptor: errno %d, want EACCES", errno);
    errno = 0;
    CHECK(mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EACCES,
          "a private view of an O_WRONLY descriptor: errno %d, want EACCES", errno);
    close(fd);
    fd = open("/data/m4-acc", O_RDONLY);
    char *p = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED, "a private writable view of an O_RDONLY descriptor: errno %d", errno);
    char *s = mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(s != MAP_FAILED, "a shared read view of an O_RDONLY descriptor: errno %d", errno);
    p[0] = 'A';
    char b[8] = {0};
    CHECK(p[1] == 'c' && s[0] == 'a' && lseek(fd, 0, SEEK_SET) == 0 && read(fd, b, 7) == 7 && !strcmp(b, "access"),
          "a private store was seen: shared view '%c', read() '%.7s'", s[0], b);
    munmap(p, PAGE);
    munmap(s, PAGE);
    close(fd);
    CHECK(unlink("/data/m4-acc") == 0, "unlink");
    return 0;
}

/* Each FS0_MM_FILE answer gives mm0 a reference to the file, which must go back on
 * every path: an mmap refused for access, a file mapped twice (the entry counts two),
 * a file mapped once more after that. More rounds than fs0 has file slots: a leak on
 * any of them leaves fs0 with no slot, and a fresh file no longer maps.
 * Kills pager.c:214 (the put on a refused mapping dropped), filemap.c:44 (one put for
 * all the entry's references), filemap.c:53 (a second mapping not counted) and
 * pager.c:225 (the put on ENFILE dropped). */
int m4_references_come_back(void)
{
    char path[32];
    for (int i = 0; i < FS0_FILES + 10; i++) {
        snprintf(path, sizeof path, "/tmp/m4e%d", i);
        int fd = make_file(path, path, strlen(path) + 1, 0644);
        CHECK(fd >= 0, "create %s: errno %d", path, errno);
        close(fd);
        fd = open(path, O_WRONLY);
        errno = 0;
        CHECK(mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EACCES,
              "round %d: mmap of an O_WRONLY descriptor: errno %d, want EACCES", i, errno);
        close(fd);
        CHECK(unlink(path) == 0, "unlink %s", path);
    }
    if (fresh_mapping_works("after refused mappings")) return 1;
    for (int i = 0; i < FS0_FILES + 10; i++) {
        snprintf(path, sizeof path, "/tmp/m4t%d", i);
        int fd = make_file(path, path, strlen(path) + 1, 0644);
        CHECK(fd >= 0, "create %s: errno %d", path, errno);
        char *a = mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 0);
        char *b = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
        close(fd);
        CHECK(a != MAP_FAILED && b != MAP_FAILED, "round %d: mmap twice: errno %d", i, errno);
        CHECK(!strcmp(a, path) && !strcmp(b, path), "round %d: the mappings read wrong", i);
        munmap(a, PAGE);
        munmap(b, PAGE);
        CHECK(unlink(path) == 0, "unlink %s", path);   /* mm0 drops the unused entry now */
    }
    if (fresh_mapping_works("after files mapped twice")) return 1;
    /* mm0's table full: a file on the disk refused (ENFILE) and unlinked. A reference
     * kept would keep its inode: the host's e2fsck after the run finds it (disk_fs.py). */
    static char *map[MM0_FILES];
    for (int i = 0; i < MM0_FILES; i++) {
        snprintf(path, sizeof path, "/tmp/m4f%d", i);
        int fd = make_file(path, path, strlen(path) + 1, 0644);
        CHECK(fd >= 0, "create %s: errno %d", path, errno);
        map[i] = mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 0);
        close(fd);
        CHECK(map[i] != MAP_FAILED, "mmap %s: errno %d", path, errno);
    }
    for (int i = 0; i < 8; i++) {
        snprintf(path, sizeof path, "/data/m4n%d", i);
        int fd = make_file(path, path, strlen(path) + 1, 0644);
        CHECK(fd >= 0, "create %s: errno %d", path, errno);
        errno = 0;
        CHECK(mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED && errno == ENFILE,
              "a 65th file mapped: errno %d, want ENFILE", errno);
        close(fd);
        CHECK(unlink(path) == 0, "unlink %s", path);
    }
    for (int i = 0; i < MM0_FILES; i++) {
        snprintf(path, sizeof path, "/tmp/m4f%d", i);
        CHECK(munmap(map[i], PAGE) == 0 && unlink(path) == 0, "munmap, unlink %s", path);
    }
    return fresh_mapping_works("after a full table");
}

/* A read-only view (shared or private) writes nothing back: reading a sparse file
 * through both, unmapping and sync() leaves its holes holes.
 * Kills filemap.c:98 (every page asked for with FS0_MMP_WRITE). */
int m4_readonly_views_store_nothing(void)
{
    enum { N = 16 };
    int fd = open("/data/m4-holes", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && ftruncate(fd, N * PAGE) == 0, "sparse file: errno %d", errno);
    close(fd);
    struct stat st;
    CHECK(stat("/data/m4-holes", &st) == 0, "stat");
    long before = (long)st.st_blocks;
    fd = open("/data/m4-holes", O_RDONLY);
    volatile unsigned char *s = mmap(0, N * PAGE, PROT_READ, MAP_SHARED, fd, 0);
    volatile unsigned char *p = mmap(0, N * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    CHECK(s != MAP_FAILED && p != MAP_FAILED, "mmap: errno %d", errno);
    unsigned sum = 0;
    for (int i = 0; i < N; i++) sum += s[i * PAGE] + p[i * PAGE + 1];
    CHECK(sum == 0, "holes read as %u", sum);
    munmap((void *)s, N * PAGE);
    munmap((void *)p, N * PAGE);
    sync();   /* mm0 drops the unused entry first: its frames are released */
    CHECK(stat("/data/m4-holes", &st) == 0 && (long)st.st_blocks == before,
          "read-only views of a sparse file wrote it: %ld blocks of 512, were %ld",
          (long)st.st_blocks, before);
    CHECK(unlink("/data/m4-holes") == 0, "unlink");
    return 0;
}

/* Stores through a shared view of a read-write descriptor are written back when mm0
 * lets the frame go, not only on fsync: unmapped, closed, then sync() (which makes
 * mm0 drop the file's entry first, so fs0 forgets the page), the bytes are in the file.
 * Kills pager.c:229 (filemap_shared_write dropped: the pages held without
 * FS0_MMP_WRITE are never written back). */
int m4_shared_stores_survive_trim(void)
{
    static char data[2 * PAGE];
    memset(data, 'o', sizeof data);
    int fd = make_file("/data/m4-store", data, sizeof data, 0644);
    CHECK(fd >= 0 && fsync(fd) == 0, "create: errno %d", errno);
    char *s = mmap(0, sizeof data, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    CHECK(s != MAP_FAILED, "mmap: errno %d", errno);
    memcpy(s + 10, "STORED", 6);
    memcpy(s + PAGE + 20, "SECOND", 6);
    CHECK(munmap(s, sizeof data) == 0, "munmap");
    sync();
    char b[2 * PAGE];
    fd = open("/data/m4-store", O_RDONLY);
    CHECK(fd >= 0 && read(fd, b, sizeof b) == (ssize_t)sizeof b, "read back: errno %d", errno);
    close(fd);
    CHECK(!memcmp(b + 10, "STORED", 6) && !memcmp(b + PAGE + 20, "SECOND", 6),
          "stores through the shared view lost after munmap and sync: '%.6s' '%.6s'", b + 10,
          b + PAGE + 20);
    CHECK(b[9] == 'o' && b[16] == 'o', "bytes around the store changed");
    CHECK(unlink("/data/m4-store") == 0, "unlink");
    return 0;
}

/* exec of files that are no programs, in a child (the caller goes on): an empty file
 * with x bits and a text file with x bits are ENOEXEC; a file without x bits EACCES.
 * Kills pager.c:270 (-ENXIO for the empty file's page 0 passed on as it is). */
int m4_exec_not_a_program(void)
{
    static const struct {
        const char *path, *data;
        int mode, want;
    } c[] = {
        {"/data/m4-empty", "", 0755, ENOEXEC},
        {"/data/m4-text", "#!/bin/sh\necho hi\n", 0755, ENOEXEC},
        {"/data/m4-nox", "\177ELF", 0644, EACCES},
    };
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        int fd = make_file(c[i].path, c[i].data, strlen(c[i].data), c[i].mode);
        CHECK(fd >= 0, "create %s: errno %d", c[i].path, errno);
        close(fd);
        pid_t k = fork();
        if (k == 0) {
            char *argv[] = {(char *)c[i].path, NULL};
            execv(c[i].path, argv);
            _exit(errno == c[i].want ? 0 : errno > 0 && errno < 100 ? 100 + errno : 99);
        }
        int st = status_of(k);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exec of %s: status 0x%x (100 + errno), want errno %d",
              c[i].path, st, c[i].want);
        CHECK(unlink(c[i].path) == 0, "unlink %s", c[i].path);
    }
    return 0;
}

/* A child running `/bin/runner --echo-stdin WORD` (the fs suite's own program, read
 * from the disk) with in as standard input and out as standard output. */
static pid_t spawn_echo(const char *word, int in, int out)
{
    pid_t k = fork();
    if (k == 0) {
        if (dup2(in, 0) != 0 || dup2(out, 1) != 1) _exit(3);
        for (int fd = 3; fd < 64; fd++) close(fd);   /* the pipes' other ends: EOF must come */
        char *argv[] = {"runner", "--echo-stdin", (char *)word, NULL};
        execv("/bin/runner", argv);
        _exit(2);
    }
    return k;
}

/* A child that touches more file pages than fs0 has frames: every frame fs0 may reuse
 * is reused (the child is killed at the end, out of frames). */
static int press_the_cache(void)
{
    size_t pages = FS0_CACHE_PAGES + 256;
    int fd = open("/data/m4-press", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && ftruncate(fd, (off_t)(pages * PAGE)) == 0, "sparse file: errno %d", errno);
    pid_t k = fork();
    if (k == 0) {
        volatile unsigned char *p = mmap(0, pages * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) _exit(3);
        unsigned sum = 0;
        for (size_t i = 0; i < pages; i++) sum += p[i * PAGE];
        _exit(sum == 0 ? 0 : 2);
    }
    int st = status_of(k);
    close(fd);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "the cache presser: status 0x%x, want SIGKILL", st);
    return 0;
}

/* A program's pages belong to its file's object while anything maps it: a second exec
 * of the same program (whose first page the object already holds) must not let that
 * frame go, or fs0 reuses it under pressure while the first instance still runs, and
 * a third exec reads other bytes as its headers.
 * Kills pager.c:166 (`&& !was` dropped) and fs0cache.c:58 (the held bit never set). */
int m4_program_pages_stay_held(void)
{
    int in[2], out[2], null = open("/dev/null", O_RDWR);
    CHECK(null >= 0 && pipe(in) == 0 && pipe(out) == 0, "pipes");
    pid_t a = spawn_echo("first", in[0], out[1]);
    CHECK(a > 0, "fork");
    close(in[0]);
    close(out[1]);
    char buf[64] = {0};
    CHECK(read(out[0], buf, 6) == 6 && !memcmp(buf, "first\n", 6), "the first instance wrote '%s'", buf);
    pid_t b = spawn_echo("second", null, null);   /* ends at once: standard input is empty */
    int st = status_of(b);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the second instance: status 0x%x", st);
    if (press_the_cache()) return 1;
    pid_t c = spawn_echo("third", null, null);
    st = status_of(c);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "a third exec while the first instance runs, after cache pressure: status 0x%x", st);
    /* The program file's object as a mapping sees it: its headers' page and the page
     * its .data shares with .bss were asked for again by the second exec. */
    int fd = open("/bin/runner", O_RDONLY);
    off_t size = lseek(fd, 0, SEEK_END);
    CHECK(fd >= 0 && size > 0 && size < (1 << 20), "/bin/runner: errno %d", errno);
    unsigned char *m = mmap(0, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(m != MAP_FAILED, "mmap /bin/runner: errno %d", errno);
    static unsigned char page[PAGE];
    for (off_t off = 0; off < size; off += PAGE) {
        size_t n = size - off < PAGE ? (size_t)(size - off) : PAGE;
        CHECK(lseek(fd, off, SEEK_SET) == off && read(fd, page, n) == (ssize_t)n, "read /bin/runner");
        CHECK(!memcmp(m + off, page, n), "page %ld of /bin/runner as mapped differs from read()",
              (long)(off / PAGE));
    }
    munmap(m, (size_t)size);
    close(fd);
    CHECK(write(in[1], "more\n", 5) == 5, "write to the first instance");
    close(in[1]);
    ssize_t n = read(out[0], buf, sizeof buf - 1);
    CHECK(n == 5 && !memcmp(buf, "more\n", 5), "the first instance echoed %ld bytes", (long)n);
    st = status_of(a);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the first instance: status 0x%x", st);
    close(out[0]);
    close(null);
    CHECK(unlink("/data/m4-press") == 0, "unlink");
    return 0;
}

/* Frames held by an object nothing maps come back when fs0 runs out: a file read
 * through three quarters of the cache and unmapped, then another file read through
 * three quarters: fs0 answers ENOMEM, mm0 drops the first file's entry and asks again.
 * Kills pager.c:148 (no trim and retry on -ENOMEM). */
int m4_trim_on_full_cache(void)
{
    size_t n = FS0_CACHE_PAGES * 3 / 4;
    const char *name[2] = {"/data/m4-full0", "/data/m4-full1"};
    int fd[2];
    for (int i = 0; i < 2; i++) {   /* read-only views: a writable one is written back, holes too */
        int w = open(name[i], O_RDWR | O_CREAT | O_TRUNC, 0644);
        CHECK(w >= 0 && ftruncate(w, (off_t)(n * PAGE)) == 0, "sparse %s: errno %d", name[i], errno);
        close(w);
        fd[i] = open(name[i], O_RDONLY);
        CHECK(fd[i] >= 0, "open %s: errno %d", name[i], errno);
    }
    pid_t k = fork();
    if (k == 0) {
        for (int i = 0; i < 2; i++) {
            volatile unsigned char *p = mmap(0, n * PAGE, PROT_READ, MAP_SHARED, fd[i], 0);
            if (p == MAP_FAILED) _exit(3);
            unsigned sum = 0;
            for (size_t j = 0; j < n; j++) sum += p[j * PAGE];
            if (sum) _exit(2);
            munmap((void *)p, n * PAGE);
        }
        _exit(0);
    }
    int st = status_of(k);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "reading two files of 3/4 of the cache one after the other: status 0x%x", st);
    for (int i = 0; i < 2; i++) {
        close(fd[i]);
        CHECK(unlink(name[i]) == 0, "unlink %s", name[i]);
    }
    return 0;
}

/* mmap's file offset: a multiple of the page size, at most 2^40 (EINVAL), and a
 * refused one costs no reference (a fresh file maps after many).
 * Kills service.c:220 (the 2^40 limit dropped). */
int m4_offset_limits(void)
{
    int fd = make_file("/data/m4-off", "offset", 7, 0644);
    CHECK(fd >= 0, "create: errno %d", errno);
    errno = 0;
    CHECK(mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 100) == MAP_FAILED && errno == EINVAL,
          "offset 100: errno %d, want EINVAL", errno);
    errno = 0;
    CHECK(mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, (off_t)1 << 41) == MAP_FAILED && errno == EINVAL,
          "offset 2^41: errno %d, want EINVAL", errno);
    errno = 0;
    CHECK(mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, ((off_t)1 << 40) + PAGE) == MAP_FAILED && errno == EINVAL,
          "offset 2^40 + 4096: errno %d, want EINVAL", errno);
    char *p = mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED && !strcmp(p, "offset"), "offset 0: errno %d", errno);
    munmap(p, PAGE);
    close(fd);
    CHECK(unlink("/data/m4-off") == 0, "unlink");
    return fresh_mapping_works("after refused offsets");
}

/* A program smaller than a page: its headers are all the file has. Written here: one
 * PT_LOAD (R X) of the whole file at 0x10000, and three instructions at the entry that
 * store to 0x2000000000 (nothing is mapped there in a new image): the exec worked if
 * the child dies of SIGSEGV there. Kills pager.c:272 (a whole page always passed as
 * the header size: the file is "truncated"). */
static void put(unsigned char *p, unsigned off, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) p[off + i] = (unsigned char)(v >> (8 * i));
}

int m4_tiny_program(void)
{
    unsigned char elf[64 + 56 + 12] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    put(elf, 16, 2, 2);            /* ET_EXEC */
    put(elf, 18, 243, 2);          /* EM_RISCV */
    put(elf, 20, 1, 4);
    put(elf, 24, 0x10000 + 120, 8);   /* entry: the code after the one program header */
    put(elf, 32, 64, 8);           /* phoff */
    put(elf, 52, 64, 2);
    put(elf, 54, 56, 2);
    put(elf, 56, 1, 2);            /* phnum */
    put(elf, 58, 64, 2);
    put(elf, 64, 1, 4);            /* PT_LOAD */
    put(elf, 68, 5, 4);            /* R X */
    put(elf, 80, 0x10000, 8);      /* vaddr, paddr */
    put(elf, 88, 0x10000, 8);
    put(elf, 96, sizeof elf, 8);   /* filesz, memsz */
    put(elf, 104, sizeof elf, 8);
    put(elf, 112, 0x1000, 8);
    put(elf, 120, 0x200002b7, 4);  /* lui t0, 0x20000 */
    put(elf, 124, 0x00829293, 4);  /* slli t0, t0, 8 */
    put(elf, 128, 0x0002a023, 4);  /* sw zero, 0(t0) */
    int fd = make_file("/data/m4-tiny", elf, sizeof elf, 0755);
    CHECK(fd >= 0, "create: errno %d", errno);
    close(fd);
    pid_t k = fork();
    if (k == 0) {
        char *argv[] = {"m4-tiny", NULL};
        execv("/data/m4-tiny", argv);
        _exit(errno > 0 && errno < 100 ? 100 + errno : 99);
    }
    int st = status_of(k);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
          "a %zu-byte program: status 0x%x, want SIGSEGV from its store (exit 100 + errno: exec failed)",
          sizeof elf, st);
    CHECK(unlink("/data/m4-tiny") == 0, "unlink");
    return 0;
}

/* File mappings live in [MM0_MMAP_BASE, MM0_MMAP_END) like anonymous ones: when the
 * area has no room, the VM library's next choice (below it, over the gap after the
 * heap) is refused with ENOMEM. Kills pager.c:233 (`at < MM0_MMAP_BASE` dropped). */
int m4_file_mapping_stays_in_its_area(void)
{
    int fd = make_file("/data/m4-area", "area", 5, 0644);
    CHECK(fd >= 0, "create: errno %d", errno);
    pid_t k = fork();
    if (k == 0) {
        size_t all = (size_t)(MM0_MMAP_END - MM0_MMAP_BASE);
        /* A page in the middle: no gap of the area's size is left at or above its
         * start, but one is below it. */
        void *mid = (void *)(MM0_MMAP_BASE + all / 2);
        if (mmap(mid, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != mid) _exit(3);
        errno = 0;
        void *p = mmap(0, all, PROT_READ, MAP_SHARED, fd, 0);
        if (p != MAP_FAILED) _exit((uintptr_t)p < MM0_MMAP_BASE ? 4 : 5);
        _exit(errno == ENOMEM ? 0 : 6);
    }
    int st = status_of(k);
    close(fd);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "a file mapping with no room in the area: exit %d (4: placed below it, 6: not ENOMEM)",
          WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    CHECK(unlink("/data/m4-area") == 0, "unlink");
    return 0;
}
