/* A hostile fs0 client: malformed requests (lengths, labels, unterminated and
 * oversized paths in the UTCB, buffers outside the UTCB area and the I/O window, bad
 * descriptors, offsets) must each get the right -errno, and fs0 must keep serving
 * (the runner checks that others are served meanwhile). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <fs0/fs0.h>
#include <sys/mman.h>
#include <mm0/mm0.h>
#include <mm0/protocol.h>

static int checks, bad;

static void expect(const char *what, long got, long want)
{
    checks++;
    if (got != want) {
        bad++;
        printf("hostile: %s: got %ld, want %ld\n", what, got, want);
    }
}

static long raw(k_word_t label, unsigned len, k_word_t *w) { return fs0_raw_call(label, len, w); }

/* The shared memory of the protocol: the UTCB area (paths, small buffers) and the I/O
 * window. */
#define AREA ((char *)MM0_IPC_BUFFER_VA + FS0_UTCB_AREA)
#define AREA_VA (MM0_IPC_BUFFER_VA + FS0_UTCB_AREA)
#define WIN_VA MM0_FS0_WINDOW_VA

static long stat_bytes(const void *bytes, k_word_t n, k_word_t count)
{
    k_word_t w[FS0_MSG_WORDS] = {count};
    memcpy(AREA, bytes, n);
    return raw(FS0_STAT, 1, w);
}

/* READ or WRITE of fd with buffer address va and length n. */
static long io(k_word_t label, int fd, k_word_t va, k_word_t n)
{
    k_word_t w[FS0_MSG_WORDS] = {(k_word_t)fd, va, n};
    return raw(label, 3, w);
}

/* The page cache's protocol is mm0's and fs0's alone: a process sending fs0 the
 * requests of mm0's pager gets -ENOSYS (even naming FS0_BADGE_MM0 in the message: the
 * badge, never the message, names the sender), mm0 refuses it fs0's MM0_FS0_CACHE,
 * and MM0_MMAP's two shapes are kept apart. fs0 and mm0 serve on afterwards. */
static void page_cache_checks(void)
{
    k_word_t w[FS0_MSG_WORDS];
    int fd = open("/etc/motd", O_RDONLY);
    expect("open /etc/motd for the page-cache checks", fd >= 3, 1);
    memset(w, 0, sizeof w);
    w[0] = 0, w[1] = (k_word_t)fd;
    expect("FS0_MM_FILE from a process", raw(FS0_MM_FILE, 2, w), -ENOSYS);
    w[0] = FS0_BADGE_MM0, w[1] = (k_word_t)fd;
    expect("FS0_MM_FILE naming mm0's badge", raw(FS0_MM_FILE, 2, w), -ENOSYS);
    memset(w, 0, sizeof w);
    w[0] = 0, w[1] = 12;
    memcpy(&w[2], "/bin/runner", 12);
    expect("FS0_MM_OPEN from a process", raw(FS0_MM_OPEN, 4, w), -ENOSYS);
    memset(w, 0, sizeof w);
    expect("FS0_MM_PAGE from a process", raw(FS0_MM_PAGE, 3, w), -ENOSYS);
    w[0] = 1, w[1] = 0, w[2] = FS0_MMP_WRITE;
    expect("FS0_MM_PAGE of file id 1 for writing", raw(FS0_MM_PAGE, 3, w), -ENOSYS);
    char b[8] = {0};
    expect("fs0 serves after them", read(fd, b, 7) == 7 && !memcmp(b, "Welcome", 7), 1);
    /* mm0: MM0_MMAP has 4 words with MAP_ANONYMOUS, 6 (fd, offset) without. */
    k_word_t m[6] = {0, 4096, PROT_READ, MAP_PRIVATE, (k_word_t)fd, 0};
    expect("MM0_MMAP in 5 words", mm0_raw_call(MM0_MMAP, 5, m, NULL), -EINVAL);
    expect("MM0_MMAP of a file in 4 words", mm0_raw_call(MM0_MMAP, 4, m, NULL), -EINVAL);
    m[3] = MAP_PRIVATE | MAP_ANONYMOUS;
    expect("MM0_MMAP in 6 words with MAP_ANONYMOUS", mm0_raw_call(MM0_MMAP, 6, m, NULL), -EINVAL);
    m[3] = MAP_PRIVATE, m[5] = 100;
    expect("MM0_MMAP of a file at offset 100", mm0_raw_call(MM0_MMAP, 6, m, NULL), -EINVAL);
    m[3] = MAP_PRIVATE | MAP_SHARED, m[5] = 0;
    expect("MM0_MMAP of a file, shared and private", mm0_raw_call(MM0_MMAP, 6, m, NULL), -EINVAL);
    /* Only fs0 may ask for cache frames, whatever the frame. */
    k_word_t k[1] = {0};
    expect("MM0_FS0_CACHE of frame 0 from a process", mm0_raw_call(MM0_FS0_CACHE, 1, k, NULL), -EPERM);
    k[0] = 5000;
    expect("MM0_FS0_CACHE of frame 5000 from a process", mm0_raw_call(MM0_FS0_CACHE, 1, k, NULL), -EPERM);
    expect("mm0 serves after them", getpid() > 1, 1);
    close(fd);
}

int main(void)
{
    k_word_t w[FS0_MSG_WORDS];
    char buf8[8];
    /* Descriptors inherited through fork and exec: none of ours. */
    for (int fd = FS0_FIRST_FD; fd < FS0_FD_MAX; fd++) close(fd);
    memset(w, 0, sizeof w);
    expect("label 0", raw(0, 0, w), -ENOSYS);
    memset(w, 0, sizeof w);
    expect("unknown label", raw(FS0_REQUEST_COUNT, 2, w), -ENOSYS);
    memset(w, 0, sizeof w);
    expect("huge label", raw(0xfffff, 1, w), -ENOSYS);
    /* mm0's pager's requests are served for badge FS0_BADGE_MM0 only: a process asking
     * for a file's pages (or naming mm0's badge) gets nothing (docs/fs0.md). */
    memset(w, 0, sizeof w);
    w[0] = FS0_BADGE_MM0;
    expect("FS0_MM_FILE from a process", raw(FS0_MM_FILE, 2, w), -ENOSYS);
    w[1] = 2;
    memcpy(&w[2], "/", 2);
    expect("FS0_MM_OPEN from a process", raw(FS0_MM_OPEN, 3, w), -ENOSYS);
    memset(w, 0, sizeof w);
    w[0] = 1 << 16;   /* the first id fs0 would give */
    expect("FS0_MM_PAGE from a process", raw(FS0_MM_PAGE, 3, w), -ENOSYS);
    expect("FS0_MM_PAGE of id 0 from a process", (memset(w, 0, sizeof w), raw(FS0_MM_PAGE, 3, w)), -ENOSYS);
    memset(w, 0, sizeof w);
    expect("close, no words", raw(FS0_CLOSE, 0, w), -EINVAL);
    memset(w, 0, sizeof w);
    expect("close, 3 words", raw(FS0_CLOSE, 3, w), -EINVAL);
    w[0] = 9999;
    expect("close of fd 9999", raw(FS0_CLOSE, 1, w), -EBADF);
    w[0] = (k_word_t)-1;
    expect("close of fd -1", raw(FS0_CLOSE, 1, w), -EBADF);
    expect("read of a closed fd", io(FS0_READ, 40, WIN_VA, 10), -EBADF);
    /* Lengths: the old shapes (data in the message) are refused. */
    w[0] = 3, w[1] = 10;
    expect("read in two words", raw(FS0_READ, 2, w), -EINVAL);
    w[0] = 3, w[1] = 500;
    expect("write with its bytes in the message", raw(FS0_WRITE, 4, w), -EINVAL);
    memset(w, 0, sizeof w);
    w[0] = 2;
    expect("stat with words after the count", raw(FS0_STAT, 2, w), -EINVAL);
    /* Paths in the UTCB area: unterminated, count 0, counts past the limit. */
    expect("unterminated path", stat_bytes("/etc/mot", 8, 8), -EINVAL);
    char fill[FS0_PATH_BYTES + 1];
    memset(fill, 'a', sizeof fill);
    fill[0] = '/';
    expect("no NUL in the whole area", stat_bytes(fill, sizeof fill, FS0_PATH_BYTES), -EINVAL);
    expect("count past FS0_PATH_BYTES", stat_bytes(fill, sizeof fill, FS0_PATH_BYTES + 1), -EINVAL);
    expect("path count 0", stat_bytes("/", 2, 0), -EINVAL);
    expect("path count 1 MiB", stat_bytes("/", 2, 1u << 20), -EINVAL);
    expect("path count -1", stat_bytes("/", 2, (k_word_t)-1), -EINVAL);
    /* Two strings where one is expected (a NUL inside the path). */
    expect("two strings for stat", stat_bytes("/etc\0ab", 8, 8), -EINVAL);
    /* Bytes after the path's NUL (the count says 8, the string ends at 4). */
    expect("bytes after the terminating NUL", stat_bytes("/etc\0abc", 8, 8), -EINVAL);
    expect("a count shorter than the string", stat_bytes("/etc/motd", 10, 4), -EINVAL);
    expect("the string at the count", stat_bytes("/etc/motd", 10, 10), 0);
    /* rename with one string. */
    memset(w, 0, sizeof w);
    memcpy(AREA, "/etc/x", 7);
    w[0] = 7;
    expect("rename with one path", raw(FS0_RENAME, 1, w), -EINVAL);
    /* A path of 300 bytes: too long for one name (FS0_PATH_MAX). */
    fill[300] = '\0';
    expect("300-byte path", stat_bytes(fill, 301, 301), -ENAMETOOLONG);
    /* Buffers outside the UTCB area and the window: -EFAULT, too long: -EINVAL. */
    int rd = open("/etc/motd", O_RDONLY);
    expect("open /etc/motd for the buffer checks", rd >= 3, 1);
    expect("read into the caller's stack", io(FS0_READ, rd, (k_word_t)buf8, 4), -EFAULT);
    expect("read into the IPC-buffer struct", io(FS0_READ, rd, MM0_IPC_BUFFER_VA, 8), -EFAULT);
    expect("read into the struct's last byte", io(FS0_READ, rd, AREA_VA - 1, 2), -EFAULT);
    expect("read past the UTCB area", io(FS0_READ, rd, AREA_VA + FS0_UTCB_AREA_SIZE - 4, 8), -EFAULT);
    expect("read past the window", io(FS0_READ, rd, WIN_VA + 4095, 2), -EFAULT);
    expect("read below the window", io(FS0_READ, rd, WIN_VA - 1, 1), -EFAULT);
    expect("read into thread 1's IPC buffer", io(FS0_READ, rd, MM0_IPC_BUFFER_VA + 4096 + 1024, 8), -EFAULT);
    expect("read at the top of the address space", io(FS0_READ, rd, (k_word_t)-4, 8), -EFAULT);
    expect("read longer than the window", io(FS0_READ, rd, WIN_VA, FS0_WINDOW_SIZE + 1), -EINVAL);
    expect("read of 2^63 bytes", io(FS0_READ, rd, WIN_VA, 1ul << 63), -EINVAL);
    expect("the offset did not move", lseek(rd, 0, SEEK_CUR), 0);
    expect("read of 0 bytes anywhere", io(FS0_READ, rd, 16, 0), 0);
    expect("read at the area's end", io(FS0_READ, rd, AREA_VA + FS0_UTCB_AREA_SIZE - 7, 7), 7);
    expect("and reads the file there", memcmp(AREA + FS0_UTCB_AREA_SIZE - 7, "Welcome", 7), 0);
    expect("read filling the window", io(FS0_READ, rd, WIN_VA, FS0_WINDOW_SIZE) > 0, 1);
    close(rd);
    int wr = open("/tmp/hostile-w", O_RDWR | O_CREAT | O_TRUNC, 0644);
    expect("write from the caller's data", io(FS0_WRITE, wr, (k_word_t)"abcd", 4), -EFAULT);
    expect("write from past the window", io(FS0_WRITE, wr, WIN_VA + 4000, 100), -EFAULT);
    expect("write longer than the window", io(FS0_WRITE, wr, WIN_VA, 8192), -EINVAL);
    memcpy((char *)WIN_VA + 4092, "wxyz", 4);
    expect("write from the window's end", io(FS0_WRITE, wr, WIN_VA + 4092, 4), 4);
    expect("the refused writes wrote nothing", lseek(wr, 0, SEEK_END), 4);
    close(wr);
    unlink("/tmp/hostile-w");
    /* Open flags outside the protocol. */
    memset(w, 0, sizeof w);
    w[0] = 0x40000000, w[2] = 2;
    memcpy(AREA, "/", 2);
    expect("unknown open flags", raw(FS0_OPEN, 3, w), -EINVAL);
    w[0] = O_ACCMODE, w[2] = 2;
    expect("O_ACCMODE open", raw(FS0_OPEN, 3, w), -EINVAL);
    /* lseek: bad whence, negative result, on a real descriptor. */
    int fd = open("/etc/motd", O_RDONLY);
    expect("open /etc/motd", fd >= 3, 1);
    w[0] = (k_word_t)fd, w[1] = 0, w[2] = 7;
    expect("lseek whence 7", raw(FS0_LSEEK, 3, w), -EINVAL);
    w[0] = (k_word_t)fd, w[1] = (k_word_t)-5, w[2] = SEEK_SET;
    expect("lseek to -5", raw(FS0_LSEEK, 3, w), -EINVAL);
    w[0] = (k_word_t)fd, w[1] = 0x7fffffffffffffff, w[2] = SEEK_END;
    expect("lseek past INT64_MAX", raw(FS0_LSEEK, 3, w), -EINVAL);
    w[0] = (k_word_t)fd, w[1] = 4;
    expect("write to a read-only fd", write(fd, "abcd", 4) == -1 && errno == EBADF, 1);
    w[0] = (k_word_t)fd, w[1] = 10;
    expect("ftruncate of a read-only fd", raw(FS0_FTRUNCATE, 2, w), -EBADF);
    w[0] = 40, w[1] = 2;   /* 0-2 are ordinary descriptors, but 40 is not open */
    expect("dup2 of an unused fd onto fd 2", raw(FS0_DUP2, 2, w), -EBADF);
    w[0] = (k_word_t)fd, w[1] = 64;
    expect("dup2 past the table", raw(FS0_DUP2, 2, w), -EBADF);
    w[0] = (k_word_t)fd, w[1] = 16;
    expect("getdents on a file", raw(FS0_GETDENTS, 2, w), -ENOTDIR);
    int wo = open("/tmp/hostile-wo", O_WRONLY | O_CREAT, 0644);
    expect("read from a write-only fd", read(wo, buf8, 1) == -1 && errno == EBADF, 1);
    expect("lseek on the write-only fd still works", lseek(wo, 0, SEEK_END), 0);
    close(wo);
    unlink("/tmp/hostile-wo");
    /* The descriptor still works after all that. */
    char buf[8] = {0};
    expect("read after the abuse", read(fd, buf, 7), 7);
    expect("and reads the file", memcmp(buf, "Welcome", 7), 0);
    close(fd);
    page_cache_checks();
    printf("hostile: %d checks, %d wrong\n", checks, bad);
    return bad ? 1 : 0;
}
