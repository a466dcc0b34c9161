/* The fsio suite's init (disk_fsio.py attaches the disk through QEMU's blkdebug, which
 * fails every read of /data/lines.txt's data block and every write of /etc/motd's):
 * device errors must reach the caller as EIO, never as wrong data, and fs0 must go on
 * serving everything else. One `ok N - name` / `not ok N - name` line per check. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int n, failed;

static void check(int ok, const char *name)
{
    n++;
    if (!ok) failed++;
    printf("%sok %d - %s\n", ok ? "" : "not ", n, name);
}

int main(void)
{
    char buf[256];
    struct stat st;
    int fd = open("/data/lines.txt", O_RDONLY);
    check(fd >= 3, "open of the file whose block fails (the inode reads fine)");
    check(fstat(fd, &st) == 0 && st.st_size == 17, "its size from the inode");
    errno = 0;
    check(read(fd, buf, sizeof buf) == -1 && errno == EIO, "reading its data block is EIO");
    errno = 0;
    check(lseek(fd, 0, SEEK_SET) == 0 && read(fd, buf, sizeof buf) == -1 && errno == EIO,
          "again EIO: a failed read is not cached as data");
    close(fd);
    fd = open("/etc/motd", O_RDONLY);
    ssize_t r = fd >= 3 ? read(fd, buf, sizeof buf) : -1;
    check(r > 20 && !memcmp(buf, "Welcome to the fs0 disk.", 24), "another file still reads");
    close(fd);
    /* Overwrite /etc/motd in place: its block's write fails at fsync. */
    fd = open("/etc/motd", O_WRONLY);
    check(fd >= 3 && write(fd, "Changed!", 8) == 8, "an in-place write is taken (into the cache)");
    errno = 0;
    check(fsync(fd) == -1 && errno == EIO, "fsync of it is EIO: the device refused the block");
    close(fd);
    fd = open("/data/new", O_WRONLY | O_CREAT, 0644);
    check(fd >= 3 && write(fd, "fresh data", 10) == 10, "a new file is written");
    close(fd);
    fd = open("/data/new", O_RDONLY);
    memset(buf, 0, sizeof buf);
    check(fd >= 3 && read(fd, buf, sizeof buf) == 10 && !strcmp(buf, "fresh data"), "and reads back");
    close(fd);
    check(stat("/", &st) == 0 && S_ISDIR(st.st_mode), "fs0 still serves /");
    printf("fsio: %d checks, %d failed\n", n, failed);
    return failed ? 1 : 0;
}
