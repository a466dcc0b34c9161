/* A hostile fs0 client: malformed requests (lengths, labels, unterminated and
 * oversized paths, bad descriptors, offsets) must each get the right -errno, and fs0
 * must keep serving (the runner checks that others are served meanwhile). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <fs0/fs0.h>

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
    memset(w, 0, sizeof w);
    expect("close, no words", raw(FS0_CLOSE, 0, w), -EINVAL);
    memset(w, 0, sizeof w);
    expect("close, 3 words", raw(FS0_CLOSE, 3, w), -EINVAL);
    w[0] = 9999;
    expect("close of fd 9999", raw(FS0_CLOSE, 1, w), -EBADF);
    w[0] = (k_word_t)-1;
    expect("close of fd -1", raw(FS0_CLOSE, 1, w), -EBADF);
    w[0] = 40, w[1] = 10;
    expect("read of a closed fd", raw(FS0_READ, 2, w), -EBADF);
    /* A write whose length word claims more bytes than the message holds. */
    w[0] = 3, w[1] = 500;
    expect("write longer than its message", raw(FS0_WRITE, 4, w), -EINVAL);
    w[0] = 3, w[1] = 100000;
    expect("write over FS0_IO_MAX", raw(FS0_WRITE, FS0_MSG_WORDS, w), -EINVAL);
    /* Paths: unterminated, count past the message, count 0, count too large. */
    memset(w, 0, sizeof w);
    w[0] = 8;
    memcpy(&w[1], "/etc/mot", 8);   /* no NUL within the count */
    expect("unterminated path", raw(FS0_STAT, 2, w), -EINVAL);
    w[0] = 64;
    expect("path count past the message", raw(FS0_STAT, 2, w), -EINVAL);
    w[0] = 0;
    expect("path count 0", raw(FS0_STAT, 1, w), -EINVAL);
    w[0] = 1u << 20;
    expect("path count 1 MiB", raw(FS0_STAT, 2, w), -EINVAL);
    /* Two strings where one is expected (a NUL inside the path). */
    memset(w, 0, sizeof w);
    w[0] = 8;
    memcpy(&w[1], "/etc\0ab", 8);
    expect("two strings for stat", raw(FS0_STAT, 2, w), -EINVAL);
    /* Bytes after the path's NUL (the count says 8, the string ends at 4). */
    memset(w, 0, sizeof w);
    w[0] = 8;
    memcpy(&w[1], "/etc\0abc", 8);
    expect("bytes after the terminating NUL", raw(FS0_STAT, 2, w), -EINVAL);
    /* rename with one string. */
    memset(w, 0, sizeof w);
    w[0] = 7;
    memcpy(&w[1], "/etc/x", 7);
    expect("rename with one path", raw(FS0_RENAME, 2, w), -EINVAL);
    /* A path of 300 bytes: too long for one name (FS0_PATH_MAX). */
    memset(w, 0, sizeof w);
    w[0] = 301;
    memset(&w[1], 'a', 300);
    expect("300-byte path", raw(FS0_STAT, 1 + 38, w), -ENAMETOOLONG);
    /* Open flags outside the protocol. */
    memset(w, 0, sizeof w);
    w[0] = 0x40000000, w[2] = 2;
    memcpy(&w[3], "/", 2);
    expect("unknown open flags", raw(FS0_OPEN, 4, w), -EINVAL);
    w[0] = O_ACCMODE;
    expect("O_ACCMODE open", raw(FS0_OPEN, 4, w), -EINVAL);
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
    printf("hostile: %d checks, %d wrong\n", checks, bad);
    return bad ? 1 : 0;
}
