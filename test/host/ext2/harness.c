/* The test harness: see harness.h. */
#define _GNU_SOURCE
#include "harness.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char *g_workdir = ".";

void img_path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", g_workdir, name);
}

static int run(const char *cmd)
{
    int st = system(cmd);
    CHECK(st != -1 && WIFEXITED(st), "could not run: %s", cmd);
    return WEXITSTATUS(st);
}

void mkimg(const char *img, unsigned bs, unsigned kib, const char *stage, const char *extra)
{
    char cmd[1024];
    unlink(img);
    snprintf(cmd, sizeof cmd,
             "mke2fs -q -F -t ext2 -b %u %s%s %s %s %uk > '%s.mkfs' 2>&1", bs,
             stage ? "-d " : "", stage ? stage : "", extra ? extra : "", img, kib, img);
    CHECK(run(cmd) == 0, "mke2fs failed: %s", cmd);
}

/* --- the device: bounds-checked, counted, optionally cut --------------------------- */

static void raw_write(tdev_t *d, uint64_t sector, uint32_t count, const void *buf)
{
    ssize_t n = pwrite(d->fd, buf, (size_t)count * 512, (off_t)(sector * 512));
    CHECK(n == (ssize_t)count * 512, "pwrite");
}

static uint32_t rng_next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Land the unflushed writes: all of them (a flush), a random subset (the cut, which
 * keeps the list: the program still reads its writes), or none (forget them). */
enum { LAND_ALL, LAND_SOME, LAND_NONE };
static void land_pending(tdev_t *d, int how)
{
    for (size_t i = 0; i < d->n_pending; i++) {
        tdev_pending_t *p = &d->pending[i];
        if (how == LAND_ALL || (how == LAND_SOME && rng_next(&d->rng) % 2))
            raw_write(d, p->sector, p->count, p->data);
        if (how != LAND_SOME)
            free(p->data);
    }
    if (how != LAND_SOME)
        d->n_pending = 0;
}

void tdev_settle(tdev_t *d)
{
    land_pending(d, d->cut ? LAND_NONE : LAND_ALL);
    free(d->pending);
    d->pending = NULL;
    d->cap_pending = 0;
}

static bool inject(tdev_t *d, int kind)
{
    if (d->fail_at < 0 || d->fail_kind != kind)
        return false;
    if (d->ios++ < d->fail_at)
        return false;
    d->failed = true;
    return true;
}

static int d_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
    tdev_t *d = ctx;
    CHECK(sector < d->sectors && count <= d->sectors - sector,
          "read past the device: sector %llu count %u", (unsigned long long)sector, count);
    if (inject(d, 0))
        return -EXT2_EIO;
    ssize_t n = pread(d->fd, buf, (size_t)count * 512, (off_t)(sector * 512));
    if (n != (ssize_t)count * 512)
        return -EXT2_EIO;
    /* Reads see unflushed writes, in order (a disk cache does). */
    for (size_t i = 0; i < d->n_pending; i++) {
        tdev_pending_t *p = &d->pending[i];
        for (uint32_t s = 0; s < p->count; s++) {
            uint64_t sec = p->sector + s;
            if (sec >= sector && sec < sector + count)
                memcpy((uint8_t *)buf + (sec - sector) * 512, p->data + (size_t)s * 512, 512);
        }
    }
    return 0;
}

static int d_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
    tdev_t *d = ctx;
    CHECK(sector < d->sectors && count <= d->sectors - sector,
          "write past the device: sector %llu count %u", (unsigned long long)sector, count);
    if (inject(d, 1))
        return -EXT2_EIO;
    d->writes++;
    if (d->budget == 0 && !d->cut) {
        d->cut = true;
        land_pending(d, LAND_SOME);
    }
    /* After the cut the program runs on (it cannot know), so its writes stay
     * readable to it, but none of them will ever land. */
    if (d->budget > 0)
        d->budget--;
    if (!d->buffered && !d->cut) {
        raw_write(d, sector, count, buf);
        return 0;
    }
    if (d->n_pending == d->cap_pending) {
        d->cap_pending = d->cap_pending ? 2 * d->cap_pending : 64;
        d->pending = realloc(d->pending, d->cap_pending * sizeof(*d->pending));
    }
    tdev_pending_t *p = &d->pending[d->n_pending++];
    p->sector = sector;
    p->count = count;
    p->data = malloc((size_t)count * 512);
    memcpy(p->data, buf, (size_t)count * 512);
    return 0;
}

static int d_flush(void *ctx)
{
    tdev_t *d = ctx;
    d->flushes++;
    if (!d->cut)
        land_pending(d, LAND_ALL);
    return 0;
}

/* --- the environment ------------------------------------------------------------------ */

static void *e_alloc(void *ctx, size_t size)
{
    tfs_t *t = ctx;
    size_t *p = malloc(size + 16);
    if (!p)
        return NULL;
    p[0] = size;
    t->live_bytes += (long)size;
    return (uint8_t *)p + 16;
}

static void e_free(void *ctx, void *ptr, size_t size)
{
    tfs_t *t = ctx;
    size_t *p = (size_t *)((uint8_t *)ptr - 16);
    CHECK(p[0] == size, "free with size %zu of a %zu-byte allocation", size, p[0]);
    t->live_bytes -= (long)size;
    free(p);
}

static uint32_t e_now(void *ctx)
{
    (void)ctx;
    return 1764547200u;   /* 2025-12-01 */
}

static bool e_is_open(void *ctx, uint32_t ino)
{
    tfs_t *t = ctx;
    for (int i = 0; i < t->n_open; i++)
        if (t->open_inos[i] == ino)
            return true;
    return false;
}

static struct { bool armed; int kind; long at; } g_fail;

void tfs_fail_after(tfs_t *t, int kind, long n)
{
    (void)t;
    g_fail.armed = true;
    g_fail.kind = kind;
    g_fail.at = n;
}

static bool g_no_clock;

void tfs_no_clock(void) { g_no_clock = true; }

int tmount(tfs_t *t, const char *img, uint32_t flags, uint32_t cache_blocks)
{
    memset(t, 0, sizeof(*t));
    t->d.fail_at = -1;
    if (g_fail.armed) {
        t->d.fail_kind = g_fail.kind;
        t->d.fail_at = g_fail.at;
        g_fail.armed = false;
    }
    t->d.fd = open(img, O_RDWR);
    CHECK(t->d.fd >= 0, "open %s", img);
    struct stat st;
    CHECK(fstat(t->d.fd, &st) == 0, "stat %s", img);
    t->d.sectors = (uint64_t)st.st_size / 512;
    t->d.budget = -1;
    t->dev = (ext2_dev_t){&t->d, t->d.sectors, d_read, d_write, d_flush};
    t->env = (ext2_env_t){t, e_alloc, e_free, g_no_clock ? NULL : e_now, e_is_open};
    g_no_clock = false;
    ext2_mount_opts_t o = {flags, cache_blocks};
    int r = ext2_mount(&t->fs, &t->dev, &t->env, &o);
    if (r) {
        CHECK(t->live_bytes == 0, "failed mount leaked %ld bytes", t->live_bytes);
        CHECK(t->fs == NULL, "failed mount returned a file system");
        close(t->d.fd);
        t->d.fd = -1;
    }
    return r;
}

void tumount(tfs_t *t)
{
    CHECK_RC(ext2_unmount(t->fs), 0);
    t->fs = NULL;
    CHECK(t->live_bytes == 0, "unmount leaked %ld bytes", t->live_bytes);
    tdev_settle(&t->d);
    close(t->d.fd);
    t->d.fd = -1;
}

/* --- e2fsprogs ------------------------------------------------------------------------- */

void fsck_clean(const char *img)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "e2fsck -fn '%s' > '%s.fsck' 2>&1", img, img);
    int rc = run(cmd);
    if (rc != 0) {
        snprintf(cmd, sizeof cmd, "cat '%s.fsck' >&2", img);
        run(cmd);
    }
    CHECK(rc == 0, "e2fsck -fn %s exited %d", img, rc);
}

int fsck_fix(const char *img)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "e2fsck -fy '%s' > '%s.fsck' 2>&1", img, img);
    return run(cmd);
}

uint8_t *debugfs_cat(const char *img, const char *path, size_t *len)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "debugfs -R 'cat %s' '%s' 2>/dev/null", path, img);
    FILE *p = popen(cmd, "r");
    CHECK(p, "popen %s", cmd);
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (n == cap)
            buf = realloc(buf, cap *= 2);
        size_t got = fread(buf + n, 1, cap - n, p);
        if (got == 0)
            break;
        n += got;
    }
    CHECK(pclose(p) == 0, "debugfs failed: %s", cmd);
    *len = n;
    return buf;
}

void check_debugfs(const char *img, const char *path, const uint8_t *want, size_t len)
{
    size_t n;
    uint8_t *got = debugfs_cat(img, path, &n);
    CHECK(n == len, "debugfs cat %s: %zu bytes, want %zu", path, n, len);
    CHECK(len == 0 || memcmp(got, want, len) == 0, "debugfs cat %s: contents differ", path);
    free(got);
}

uint8_t *read_whole(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0, "open %s", path);
    struct stat st;
    CHECK(fstat(fd, &st) == 0, "stat");
    uint8_t *b = malloc((size_t)st.st_size + 1);
    CHECK(pread(fd, b, (size_t)st.st_size, 0) == st.st_size, "read %s", path);
    close(fd);
    *len = (size_t)st.st_size;
    return b;
}

void write_at(const char *path, uint64_t off, const void *buf, size_t len)
{
    int fd = open(path, O_RDWR);
    CHECK(fd >= 0 && pwrite(fd, buf, len, (off_t)off) == (ssize_t)len, "patch %s", path);
    close(fd);
}

void read_at(const char *path, uint64_t off, void *buf, size_t len)
{
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0 && pread(fd, buf, len, (off_t)off) == (ssize_t)len, "read %s", path);
    close(fd);
}

/* --- files ------------------------------------------------------------------------------ */

/* Bytes that differ at every offset and never repeat with a block-sized period. */
void pattern(uint8_t *buf, size_t len, uint32_t seed, uint64_t off)
{
    for (size_t i = 0; i < len; i++) {
        uint64_t x = (off + i) * 0x9E3779B97F4A7C15ull + seed * 0xC2B2AE3D27D4EB4Full;
        x ^= x >> 29;
        buf[i] = (uint8_t)(x >> 24) | 1;   /* never 0, so holes are told apart */
    }
}

uint8_t *pattern_alloc(size_t len, uint32_t seed)
{
    uint8_t *b = malloc(len ? len : 1);
    pattern(b, len, seed, 0);
    return b;
}

/* Create and write in uneven pieces. */
uint32_t put_file(ext2_fs_t *fs, uint32_t dir, const char *name, const uint8_t *data,
                  size_t len)
{
    uint32_t ino;
    CHECK_RC(ext2_create(fs, dir, name, strlen(name), 0644, &ino), 0);
    size_t done = 0, step = 1;
    while (done < len) {
        size_t n = step < len - done ? step : len - done;
        CHECK_RC(ext2_write(fs, ino, done, data + done, n), n);
        done += n;
        step = step * 3 + 7;
    }
    CHECK_RC(ext2_write(fs, ino, len, data, 0), 0);
    return ino;
}

uint32_t path_ino(ext2_fs_t *fs, const char *path)
{
    uint32_t ino = 0;
    int r = ext2_lookup_path(fs, path, &ino);
    CHECK(r == 0, "lookup %s: %s", path, ext2_strerror(r));
    return ino;
}

void check_file(ext2_fs_t *fs, const char *path, const uint8_t *want, size_t len)
{
    uint32_t ino = path_ino(fs, path);
    ext2_stat_t st;
    CHECK_RC(ext2_stat(fs, ino, &st), 0);
    CHECK(st.size == len, "%s: size %llu, want %zu", path, (unsigned long long)st.size, len);
    uint8_t *got = malloc(len + 100);
    CHECK_RC(ext2_read(fs, ino, 0, got, len + 100), len);   /* clamped at the end */
    CHECK(len == 0 || memcmp(got, want, len) == 0, "%s: contents differ (one read)", path);
    memset(got, 0, len + 1);
    size_t done = 0, step = 777;
    while (done < len) {
        size_t n = step < len - done ? step : len - done;
        CHECK_RC(ext2_read(fs, ino, done, got + done, n), n);
        done += n;
        step = step == 777 ? 4096 : 777;
    }
    CHECK(len == 0 || memcmp(got, want, len) == 0, "%s: contents differ (pieces)", path);
    CHECK_RC(ext2_read(fs, ino, len, got, 10), 0);
    CHECK_RC(ext2_read(fs, ino, len + 5000, got, 10), 0);
    free(got);
}
