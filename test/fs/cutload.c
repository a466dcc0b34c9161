/* The power-cut workload (powercut.py boots it as init of kernel-fscut.elf and kills
 * QEMU at random points): each boot takes the next round directory /w/rN and writes
 * files into it, fsync'ing every third one; after each fsync returns it prints
 *   cutload: fsynced PATH size N fnv 0xXXXXXXXX
 * (FNV-1a 32 of the contents), which the harness holds the image to after e2fsck -fy.
 * Around them, churn that is never fsync'ed: scratch files created, renamed,
 * truncated and unlinked, a log appended to, and the previous round's unsynced files
 * removed. Contents are patterns of known seeds, so a round is the same every time. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILES 36

static unsigned char buf[16384];

static unsigned char pat(unsigned long i, unsigned seed) { return (unsigned char)(i * 31 + seed + (i >> 9)); }

static unsigned fnv(const unsigned char *p, unsigned long n)
{
    unsigned h = 2166136261u;   /* FNV-1a, 32 bits */
    for (unsigned long i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

static int fail(const char *what, const char *path)
{
    printf("cutload: %s %s: errno %d\n", what, path, errno);
    return 1;
}

/* path gets n bytes of pat(., seed), in writes of at most 1500 bytes. */
static int put(const char *path, unsigned long n, unsigned seed, int flags)
{
    int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
    if (fd < 0) return -1;
    for (unsigned long i = 0; i < n; i++) buf[i] = pat(i, seed);
    for (unsigned long off = 0; off < n;) {
        unsigned long k = n - off < 1500 ? n - off : 1500;
        errno = 0;
        ssize_t w = write(fd, buf + off, k);
        if (w != (ssize_t)k) {   /* a short write sets no errno: say which it was */
            if (w >= 0) printf("cutload: short write (%ld of %lu bytes at %lu) to %s\n", (long)w, k, off, path);
            close(fd);
            return -1;
        }
        off += k;
    }
    return fd;
}

int main(void)
{
    char dir[32], path[64], tmp[64];
    mkdir("/w", 0755);
    unsigned round = 0;
    for (;; round++) {
        snprintf(dir, sizeof dir, "/w/r%u", round);
        if (mkdir(dir, 0755) == 0) break;
        if (errno != EEXIST || round > 1000) return fail("mkdir", dir);
    }
    printf("cutload: start round %u\n", round);
    fflush(stdout);
    /* The previous round's files that were never fsync'ed go (more churn, and the
     * disk does not fill over 40 boots); what a cut in here leaves stays. */
    for (unsigned i = 0; round > 0 && i < FILES; i++) {
        static const char *const kinds[] = {"f", "s", "t"};
        for (unsigned k = 0; k < 3; k++) {
            if (k == 0 && i % 3 == 0) continue;   /* fsync'ed: kept for good */
            snprintf(path, sizeof path, "/w/r%u/%s%u", round - 1, kinds[k], i);
            if (unlink(path) && errno != ENOENT) return fail("unlink", path);
        }
    }
    snprintf(path, sizeof path, "/w/r%u/log", round - 1);
    if (round > 0 && unlink(path) && errno != ENOENT) return fail("unlink", path);
    for (unsigned i = 0; i < FILES; i++) {
        unsigned long size = ((i * 7919u + round * 31u) % 14u) * 1000u + (i % 5u) * 37u;
        unsigned seed = round * 100u + i;
        snprintf(path, sizeof path, "%s/f%u", dir, i);
        int fd = put(path, size, seed, O_TRUNC);
        if (fd < 0) return fail("write", path);
        if (i % 3 == 0) {
            if (fsync(fd)) return fail("fsync", path);
            printf("cutload: fsynced %s size %lu fnv 0x%08x\n", path, size, fnv(buf, size));
            fflush(stdout);
        }
        close(fd);
        if (i % 4 == 1) {   /* scratch: create, rename, shrink, remove */
            snprintf(tmp, sizeof tmp, "%s/s%u", dir, i);
            fd = put(tmp, 3000 + i * 100, seed ^ 0x55, O_TRUNC);
            if (fd < 0) return fail("write", tmp);
            close(fd);
            snprintf(path, sizeof path, "%s/t%u", dir, i);
            if (rename(tmp, path)) return fail("rename", tmp);
            fd = open(path, O_WRONLY);
            if (fd < 0 || ftruncate(fd, 100)) return fail("truncate", path);
            close(fd);
            if (i % 8 == 1 && unlink(path)) return fail("unlink", path);
        }
        if (i % 5 == 2) {   /* a log, appended to, never fsync'ed */
            snprintf(path, sizeof path, "%s/log", dir);
            fd = put(path, 700, seed, O_APPEND);
            if (fd < 0) return fail("append", path);
            close(fd);
        }
    }
    sync();
    printf("cutload: round %u done\n", round);
    return 0;
}
