/*
 * Running out of space and device errors: ENOSPC comes back as such (a partial write
 * returns its count), failed creations leave nothing behind, and an I/O error at any
 * point gives -EXT2_EIO without a crash or a leak.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define L(s) s, strlen(s)
#define ROOT EXT2_ROOT_INO

TEST(enospc_1k)
{
    char img[512];
    img_path(img, sizeof img, "enospc.img");
    mkimg(img, 1024, 1024, NULL, "-N 64 -m 0");
    tfs_t t;
    CHECK_RC(tmount(&t, img, 0, 0), 0);
    ext2_fs_t *fs = t.fs;
    ext2_statfs_t s0, s;
    CHECK_RC(ext2_statfs(fs, &s0), 0);
    uint8_t *buf = pattern_alloc(1 << 20, 101);
    uint32_t f, ino;
    CHECK_RC(ext2_create(fs, ROOT, L("fill"), 0644, &f), 0);
    int64_t w = ext2_write(fs, f, 0, buf, 1 << 20);
    CHECK(w > 0 && w < (1 << 20), "partial write: %lld", (long long)w);
    CHECK_RC(ext2_write(fs, f, (uint64_t)w, buf, 4096), -EXT2_ENOSPC);
    CHECK_RC(ext2_statfs(fs, &s), 0);
    CHECK(s.free_blocks == 0, "%u blocks left", s.free_blocks);
    check_file(fs, "/fill", buf, (size_t)w);
    /* Creations that need a block fail cleanly. */
    uint32_t inodes = s.free_inodes;
    CHECK_RC(ext2_mkdir(fs, ROOT, L("d"), 0755, &ino), -EXT2_ENOSPC);
    CHECK_RC(ext2_symlink(fs, ROOT, L("l"), (const char *)buf, 200, &ino), -EXT2_ENOSPC);
    CHECK_RC(ext2_statfs(fs, &s), 0);
    CHECK(s.free_inodes == inodes, "failed creations leaked inodes");
    CHECK_RC(ext2_lookup(fs, ROOT, L("d"), &ino), -EXT2_ENOENT);
    /* Empty files need no block: create until the inodes run out. */
    int n = 0, r;
    char name[32];
    for (;; n++) {
        snprintf(name, sizeof name, "e%d", n);
        r = ext2_create(fs, ROOT, L(name), 0644, &ino);
        if (r)
            break;
    }
    CHECK(r == -EXT2_ENOSPC && n > 0, "create stopped with %s after %d", ext2_strerror(r), n);
    CHECK_RC(ext2_statfs(fs, &s), 0);
    CHECK(s.free_inodes == 0, "%u inodes left", s.free_inodes);
    /* Space comes back (the freed blocks are reused within the same mount). */
    CHECK_RC(ext2_unlink(fs, ROOT, L("fill")), 0);
    for (int i = 0; i < n; i += 2) {
        snprintf(name, sizeof name, "e%d", i);
        CHECK_RC(ext2_unlink(fs, ROOT, L(name)), 0);
    }
    CHECK_RC(ext2_create(fs, ROOT, L("again"), 0644, &f), 0);
    CHECK_RC(ext2_write(fs, f, 0, buf, (size_t)w / 2), w / 2);
    CHECK_RC(ext2_mkdir(fs, ROOT, L("d"), 0755, &ino), 0);
    tumount(&t);
    fsck_clean(img);
    check_debugfs(img, "/again", buf, (size_t)w / 2);
    free(buf);
}

/* A workload whose every step may fail only with EIO. */
static int io_workload(ext2_fs_t *fs)
{
    static uint8_t buf[40000];
    pattern(buf, sizeof buf, 111, 0);
    uint32_t d, f, ino;
    int r;
    int64_t w;
#define TRY(e)                                                                     \
    do {                                                                           \
        r = (int)(e);                                                              \
        if (r < 0) {                                                               \
            CHECK(r == -EXT2_EIO, "%s: %s", #e, ext2_strerror(r));                 \
            return r;                                                              \
        }                                                                          \
    } while (0)
    TRY(ext2_mkdir(fs, ROOT, L("d"), 0755, &d));
    TRY(ext2_create(fs, d, L("f"), 0644, &f));
    w = ext2_write(fs, f, 0, buf, sizeof buf);
    TRY(w < 0 ? w : 0);
    TRY(ext2_lookup_path(fs, "/small", &ino));
    TRY(ext2_read(fs, ino, 0, buf, 100));
    TRY(ext2_fsync(fs, f));
    TRY(ext2_truncate(fs, f, 5000));
    TRY(ext2_rename(fs, d, L("f"), ROOT, L("g")));
    TRY(ext2_lookup(fs, ROOT, L("g"), &ino));
    TRY(ext2_unlink(fs, ROOT, L("g")));
    TRY(ext2_rmdir(fs, ROOT, L("d")));
    TRY(ext2_unlink(fs, ROOT, L("small")));
    TRY(ext2_sync(fs));
#undef TRY
    return 0;
}

TEST(eio_1k)
{
    char stage[512], img[512], base[512];
    snprintf(stage, sizeof stage, "%s/stage", g_workdir);
    setenv("S", stage, 1);
    CHECK(system("rm -rf \"$S\" && mkdir -p \"$S\" && printf 'small file' > \"$S/small\"") == 0,
          "stage");
    img_path(base, sizeof base, "base.img");
    img_path(img, sizeof img, "eio.img");
    mkimg(base, 1024, 4096, stage, NULL);
    size_t len;
    uint8_t *good = read_whole(base, &len);
    /* Fail the n-th device read or write (and all after it), for every n. */
    int failures = 0;
    for (int kind = 0; kind < 2; kind++) {
        for (long n = 0;; n++) {
            int fd = open(img, O_CREAT | O_TRUNC | O_WRONLY, 0644);
            CHECK(fd >= 0 && write(fd, good, len) == (ssize_t)len, "copy");
            close(fd);
            tfs_t t;
            tfs_fail_after(&t, kind, n);
            int r = tmount(&t, img, 0, 16);
            if (r) {
                CHECK_RC(r, -EXT2_EIO);
                failures++;
                continue;
            }
            r = io_workload(t.fs);
            int u = ext2_unmount(t.fs);
            CHECK(u == 0 || u == -EXT2_EIO, "unmount: %s", ext2_strerror(u));
            CHECK(t.live_bytes == 0, "leaked %ld bytes", t.live_bytes);
            tdev_settle(&t.d);
            close(t.d.fd);
            if (r == 0 && u == 0 && !t.d.failed)
                break;   /* n is past the workload's last I/O */
            failures++;
            if (n % 3 == 0) {   /* repairable (sampled: e2fsck takes time) */
                int rc = fsck_fix(img);
                CHECK(rc == 0 || rc == 1, "e2fsck -fy after an I/O error at %ld: %d", n, rc);
            }
            if (n > 400)
                n += 7;   /* the long tail of writes: sample it */
        }
    }
    printf("%d runs with an I/O error\n", failures);
    free(good);
}
