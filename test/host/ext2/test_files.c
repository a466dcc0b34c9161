/*
 * File contents on images made by mke2fs: prepopulated files read back, sizes around
 * block boundaries, indirect/doubly/triply indirect mappings, holes, appends,
 * truncation. Every test ends with e2fsck -fn clean and debugfs reading back what we
 * wrote.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static void stage_file(const char *dir, const char *name, const uint8_t *data, size_t len,
                       uint64_t off)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    int fd = open(p, O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0, "create %s", p);
    CHECK(len == 0 || pwrite(fd, data, len, (off_t)off) == (ssize_t)len, "write %s", p);
    close(fd);
}

#define BIG_LEN (300u * 1024 + 123)     /* past 268 KiB: doubly indirect on 1 KiB blocks */
#define DEEP_LEN 70000u
#define SPARSE_OFF (2u << 20)

static void prepop(unsigned bs)
{
    char stage[512], img[512], cmd[1200];
    snprintf(stage, sizeof stage, "%s/stage_%u", g_workdir, bs);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s/sub/nested'", stage, stage);
    CHECK(system(cmd) == 0, "%s", cmd);
    const char *hello = "hello, ext2\n";
    uint8_t *f4097 = pattern_alloc(4097, 1), *big = pattern_alloc(BIG_LEN, 2);
    uint8_t *deep = pattern_alloc(DEEP_LEN, 3), head[100], tail[100];
    pattern(head, 100, 4, 0);
    pattern(tail, 100, 4, SPARSE_OFF);
    stage_file(stage, "hello.txt", (const uint8_t *)hello, strlen(hello), 0);
    stage_file(stage, "empty", NULL, 0, 0);
    stage_file(stage, "f4097", f4097, 4097, 0);
    stage_file(stage, "big.bin", big, BIG_LEN, 0);
    stage_file(stage, "sub/nested/deep.bin", deep, DEEP_LEN, 0);
    stage_file(stage, "sparse.bin", head, 100, 0);
    stage_file(stage, "sparse.bin", tail, 100, SPARSE_OFF);
    char longt[101];
    memset(longt, 'a', 100);
    longt[100] = 0;
    snprintf(cmd, sizeof cmd, "ln -s hello.txt '%s/link' && ln -s %s '%s/longlink'", stage,
             longt, stage);
    CHECK(system(cmd) == 0, "%s", cmd);

    snprintf(img, sizeof img, "%s/prepop_%u.img", g_workdir, bs);
    mkimg(img, bs, 16384, stage, NULL);
    tfs_t t;
    CHECK_RC(tmount(&t, img, 0, 0), 0);
    ext2_fs_t *fs = t.fs;
    check_file(fs, "/hello.txt", (const uint8_t *)hello, strlen(hello));
    check_file(fs, "/empty", NULL, 0);
    check_file(fs, "/f4097", f4097, 4097);
    check_file(fs, "/big.bin", big, BIG_LEN);
    check_file(fs, "sub/nested/deep.bin", deep, DEEP_LEN);
    uint8_t *sp = calloc(SPARSE_OFF + 100, 1);
    memcpy(sp, head, 100);
    memcpy(sp + SPARSE_OFF, tail, 100);
    check_file(fs, "/sparse.bin", sp, SPARSE_OFF + 100);

    /* Symbolic links: fast (text in the inode) and slow (text in a block). */
    char buf[200];
    ext2_stat_t st;
    uint32_t ino = path_ino(fs, "/link");
    CHECK_RC(ext2_stat(fs, ino, &st), 0);
    CHECK((st.mode & EXT2_S_IFMT) == EXT2_S_IFLNK, "link mode %o", st.mode);
    CHECK_RC(ext2_read(fs, ino, 0, buf, sizeof buf), 9);
    CHECK(memcmp(buf, "hello.txt", 9) == 0, "fast symlink text");
    ino = path_ino(fs, "/longlink");
    CHECK_RC(ext2_read(fs, ino, 0, buf, sizeof buf), 100);
    CHECK(memcmp(buf, longt, 100) == 0, "slow symlink text");
    CHECK_RC(ext2_write(fs, ino, 0, "x", 1), -EXT2_EINVAL);   /* not a regular file */

    /* The root listing: each name once, with its type. */
    const char *names[] = {".", "..", "lost+found", "hello.txt", "empty", "f4097",
                           "big.bin", "sub", "sparse.bin", "link", "longlink"};
    const uint8_t types[] = {EXT2_FT_DIR, EXT2_FT_DIR, EXT2_FT_DIR, EXT2_FT_REG,
                             EXT2_FT_REG, EXT2_FT_REG, EXT2_FT_REG, EXT2_FT_DIR,
                             EXT2_FT_REG, EXT2_FT_SYMLINK, EXT2_FT_SYMLINK};
    int seen[11] = {0}, n = 0;
    uint64_t cookie = 0;
    ext2_dirent_t de;
    int r;
    while ((r = ext2_readdir(fs, EXT2_ROOT_INO, &cookie, &de)) == 1) {
        n++;
        for (int i = 0; i < 11; i++) {
            if (strcmp(de.name, names[i]) == 0) {
                seen[i]++;
                CHECK(de.type == types[i], "%s: type %u", de.name, de.type);
                CHECK(de.ino == path_ino(fs, names[i]), "%s: inode", de.name);
            }
        }
    }
    CHECK_RC(r, 0);
    CHECK(n == 11, "root has %d entries", n);
    for (int i = 0; i < 11; i++)
        CHECK(seen[i] == 1, "%s seen %d times", names[i], seen[i]);
    /* Lookups that must fail. */
    uint32_t x;
    CHECK_RC(ext2_lookup_path(fs, "/nope", &x), -EXT2_ENOENT);
    CHECK_RC(ext2_lookup_path(fs, "/hello.txt/x", &x), -EXT2_ENOTDIR);
    CHECK_RC(ext2_lookup(fs, EXT2_ROOT_INO, "a/b", 3, &x), -EXT2_EINVAL);
    CHECK_RC(ext2_read(fs, EXT2_ROOT_INO, 0, buf, 1), -EXT2_EISDIR);
    tumount(&t);
    /* Reading, even mounted read-write, writes nothing. */
    CHECK(t.d.writes == 0, "a read-only workload wrote %lu times", t.d.writes);

    /* Read-only mount: every change is refused. */
    CHECK_RC(tmount(&t, img, EXT2_MOUNT_RDONLY, 0), 0);
    ino = path_ino(t.fs, "/hello.txt");
    CHECK_RC(ext2_write(t.fs, ino, 0, "x", 1), -EXT2_EROFS);
    CHECK_RC(ext2_truncate(t.fs, ino, 0), -EXT2_EROFS);
    CHECK_RC(ext2_create(t.fs, EXT2_ROOT_INO, "new", 3, 0644, &x), -EXT2_EROFS);
    CHECK_RC(ext2_unlink(t.fs, EXT2_ROOT_INO, "hello.txt", 9), -EXT2_EROFS);
    check_file(t.fs, "/hello.txt", (const uint8_t *)hello, strlen(hello));
    tumount(&t);
    CHECK(t.d.writes == 0, "read-only mount wrote %lu times", t.d.writes);
    fsck_clean(img);
    free(f4097);
    free(big);
    free(deep);
    free(sp);
}

TEST(prepop_1k) { prepop(1024); }
TEST(prepop_4k) { prepop(4096); }

static void sizes(unsigned bs, const char *extra, uint32_t cache)
{
    char img[512];
    snprintf(img, sizeof img, "%s/sizes_%u.img", g_workdir, bs);
    mkimg(img, bs, 20480, NULL, extra);
    static const size_t lens[] = {0, 1, 4095, 4096, 4097, 1u << 20};
    static const char *names[] = {"s0", "s1", "s4095", "s4096", "s4097", "s1m"};
    uint8_t *data[6];
    tfs_t t;
    CHECK_RC(tmount(&t, img, 0, cache), 0);
    uint32_t d;
    CHECK_RC(ext2_mkdir(t.fs, EXT2_ROOT_INO, "d", 1, 0755, &d), 0);
    for (int i = 0; i < 6; i++) {
        data[i] = pattern_alloc(lens[i], 10 + i);
        put_file(t.fs, d, names[i], data[i], lens[i]);
    }
    for (int i = 0; i < 6; i++) {
        char p[64];
        snprintf(p, sizeof p, "/d/%s", names[i]);
        check_file(t.fs, p, data[i], lens[i]);
        ext2_stat_t st;
        CHECK_RC(ext2_stat(t.fs, path_ino(t.fs, p), &st), 0);
        uint64_t nb = (lens[i] + bs - 1) / bs;
        CHECK(st.blocks == (nb + meta_blocks(nb, bs / 4)) * (bs / 512),
              "%s: %llu sectors for %llu blocks", p, (unsigned long long)st.blocks,
              (unsigned long long)nb);
        CHECK(st.nlink == 1 && (st.mode & EXT2_S_IFMT) == EXT2_S_IFREG && st.blksize == bs,
              "%s: stat", p);
    }
    tumount(&t);
    /* Write-back writes each block about once: data, the indirect blocks, a few
     * inode-table, bitmap and directory blocks, the GDT and the superblock. */
    uint64_t blocks = 0;
    for (int i = 0; i < 6; i++) {
        uint64_t nb = (lens[i] + bs - 1) / bs;
        blocks += nb + meta_blocks(nb, bs / 4);
    }
    printf("%llu blocks written with %lu device writes and %lu flushes\n",
           (unsigned long long)blocks, t.d.writes, t.d.flushes);
    CHECK(t.d.writes <= blocks + 24, "%lu device writes for %llu blocks", t.d.writes,
          (unsigned long long)blocks);
    fsck_clean(img);
    for (int i = 0; i < 6; i++) {
        char p[64];
        snprintf(p, sizeof p, "/d/%s", names[i]);
        check_debugfs(img, p, data[i], lens[i]);
    }
    /* Cold cache: a second mount sees the same. */
    CHECK_RC(tmount(&t, img, 0, 0), 0);
    for (int i = 0; i < 6; i++) {
        char p[64];
        snprintf(p, sizeof p, "/d/%s", names[i]);
        check_file(t.fs, p, data[i], lens[i]);
        free(data[i]);
    }
    tumount(&t);
}

/* 1 KiB blocks, 128-byte inodes, the smallest cache (evictions everywhere). */
TEST(sizes_1k) { sizes(1024, "-I 128", 16); }
TEST(sizes_2k) { sizes(2048, NULL, 0); }
TEST(sizes_4k) { sizes(4096, "-I 256", 0); }

/* Doubly indirect files, and a triply indirect one made sparse. */
static void big(unsigned bs)
{
    char img[512];
    snprintf(img, sizeof img, "%s/big_%u.img", g_workdir, bs);
    mkimg(img, bs, 16384, NULL, NULL);
    uint64_t p = bs / 4;
    /* 300 blocks into the doubly indirect range: 2 of its children on 1 KiB. */
    uint64_t nb = 12 + p + 300;
    size_t len = (size_t)(nb * bs);
    uint8_t *data = pattern_alloc(len, 21);
    tfs_t t;
    CHECK_RC(tmount(&t, img, 0, 0), 0);
    ext2_statfs_t sf0, sf1;
    CHECK_RC(ext2_statfs(t.fs, &sf0), 0);
    uint32_t ino = put_file(t.fs, EXT2_ROOT_INO, "dind", data, len);
    ext2_stat_t st;
    CHECK_RC(ext2_stat(t.fs, ino, &st), 0);
    uint64_t meta = 1 + 1 + (300 + p - 1) / p;
    CHECK(meta_blocks(nb, p) == meta, "meta_blocks");
    CHECK(st.blocks == (nb + meta) * (bs / 512), "dind: %llu sectors",
          (unsigned long long)st.blocks);
    CHECK_RC(ext2_statfs(t.fs, &sf1), 0);
    CHECK(sf0.free_blocks - sf1.free_blocks == nb + meta, "free blocks went %u -> %u",
          sf0.free_blocks, sf1.free_blocks);
    check_file(t.fs, "/dind", data, len);

    /* One byte in the triply indirect range: 4 blocks (TIND, DIND, IND, data). */
    uint64_t tri_blk = 12 + p + p * p + 3;
    uint64_t off = tri_blk * bs + 5;
    uint32_t tri;
    CHECK_RC(ext2_create(t.fs, EXT2_ROOT_INO, "tind", 4, 0600, &tri), 0);
    CHECK_RC(ext2_write(t.fs, tri, off, "Z", 1), 1);
    CHECK_RC(ext2_stat(t.fs, tri, &st), 0);
    CHECK(st.size == off + 1, "tind size");
    CHECK(st.blocks == 4 * (bs / 512), "tind: %llu sectors", (unsigned long long)st.blocks);
    char w[16];
    CHECK_RC(ext2_read(t.fs, tri, off - 8, w, 16), 9);
    CHECK(memcmp(w, "\0\0\0\0\0\0\0\0Z", 9) == 0, "tind contents");
    CHECK_RC(ext2_read(t.fs, tri, 0, w, 16), 16);
    CHECK(memcmp(w, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) == 0, "tind hole");
    /* Past the largest file: EFBIG, and nothing allocated. */
    CHECK_RC(ext2_write(t.fs, tri, (uint64_t)1 << 50, "Z", 1), -EXT2_EFBIG);
    CHECK_RC(ext2_truncate(t.fs, tri, (uint64_t)1 << 50), -EXT2_EFBIG);
    tumount(&t);
    fsck_clean(img);
    check_debugfs(img, "/dind", data, len);
    if (bs == 1024) {   /* 64 MiB of mostly zeros: fine to compare */
        uint8_t *m = calloc(off + 1, 1);
        m[off] = 'Z';
        check_debugfs(img, "/tind", m, off + 1);
        free(m);
    }
    /* Truncating both to 0 gives every block back. */
    CHECK_RC(tmount(&t, img, 0, 0), 0);
    CHECK_RC(ext2_truncate(t.fs, path_ino(t.fs, "/dind"), 0), 0);
    CHECK_RC(ext2_truncate(t.fs, path_ino(t.fs, "/tind"), 0), 0);
    CHECK_RC(ext2_statfs(t.fs, &sf1), 0);
    CHECK(sf1.free_blocks == sf0.free_blocks, "free blocks %u, were %u", sf1.free_blocks,
          sf0.free_blocks);
    CHECK_RC(ext2_stat(t.fs, path_ino(t.fs, "/tind"), &st), 0);
    CHECK(st.blocks == 0 && st.size == 0, "tind after truncate");
    tumount(&t);
    fsck_clean(img);
    free(data);
}

TEST(big_1k) { big(1024); }
TEST(big_4k) { big(4096); }

static void sparse(unsigned bs)
{
    char img[512];
    snprintf(img, sizeof img, "%s/sparse_%u.img", g_workdir, bs);
    mkimg(img, bs, 8192, NULL, NULL);
    size_t size = 1u << 20;
    uint8_t *m = calloc(size, 1), a[5000];
    pattern(a, sizeof a, 31, 0);
    tfs_t t;
    CHECK_RC(tmount(&t, img, 0, 0), 0);
    uint32_t ino;
    CHECK_RC(ext2_create(t.fs, EXT2_ROOT_INO, "sp", 2, 0644, &ino), 0);
    CHECK_RC(ext2_write(t.fs, ino, 3 * bs + 7, a, 10), 10);
    memcpy(m + 3 * bs + 7, a, 10);
    CHECK_RC(ext2_write(t.fs, ino, 100 * bs, a, 5000), 5000);
    memcpy(m + 100 * bs, a, 5000);
    uint64_t end = 100 * bs + 5000;
    check_file(t.fs, "/sp", m, end);
    ext2_stat_t st;
    CHECK_RC(ext2_stat(t.fs, ino, &st), 0);
    uint64_t data_blocks = 1 + (5000 + bs - 1) / bs;
    CHECK(st.blocks == (data_blocks + 1) * (bs / 512), "sparse: %llu sectors",
          (unsigned long long)st.blocks);
    /* Growing by truncate leaves a hole: no new blocks. */
    CHECK_RC(ext2_truncate(t.fs, ino, size), 0);
    CHECK_RC(ext2_stat(t.fs, ino, &st), 0);
    CHECK(st.size == size && st.blocks == (data_blocks + 1) * (bs / 512), "truncate up");
    check_file(t.fs, "/sp", m, size);

    /* Bytes past EOF inside the last block stay zero: shrink, then write beyond. */
    uint32_t g;
    uint8_t gm[200] = {0}, b[100];
    pattern(b, 100, 32, 0);
    CHECK_RC(ext2_create(t.fs, EXT2_ROOT_INO, "gap", 3, 0644, &g), 0);
    CHECK_RC(ext2_write(t.fs, g, 0, b, 100), 100);
    CHECK_RC(ext2_truncate(t.fs, g, 50), 0);
    memcpy(gm, b, 50);
    CHECK_RC(ext2_write(t.fs, g, 80, "Q", 1), 1);
    gm[80] = 'Q';
    check_file(t.fs, "/gap", gm, 81);
    CHECK_RC(ext2_truncate(t.fs, g, 40), 0);
    CHECK_RC(ext2_truncate(t.fs, g, 150), 0);
    memset(gm + 40, 0, 160);
    check_file(t.fs, "/gap", gm, 150);
    tumount(&t);
    fsck_clean(img);
    check_debugfs(img, "/sp", m, size);
    check_debugfs(img, "/gap", gm, 150);
    free(m);
}

TEST(sparse_1k) { sparse(1024); }
TEST(sparse_4k) { sparse(4096); }

/* Without a clock (fs0 has none) a deleted inode's i_dtime must still not look like
 * an orphan-list link to e2fsck (a value below s_inodes_count): found by the fs
 * suite's host check of its virtio disk. */
TEST(unlink_noclock_1k)
{
    char img[512];
    img_path(img, sizeof img, "unlink_noclock_1k.img");
    mkimg(img, 1024, 2048, NULL, NULL);
    uint8_t *m = pattern_alloc(5000, 7);
    tfs_t t;
    tfs_no_clock();
    CHECK_RC(tmount(&t, img, 0, 0), 0);
    for (int i = 0; i < 20; i++) {
        char name[16];
        int n = snprintf(name, sizeof name, "f%d", i);
        uint32_t ino;
        CHECK_RC(ext2_create(t.fs, EXT2_ROOT_INO, name, (size_t)n, 0644, &ino), 0);
        CHECK_RC(ext2_write(t.fs, ino, 0, m, 5000), 5000);
        CHECK_RC(ext2_unlink(t.fs, EXT2_ROOT_INO, name, (size_t)n), 0);
    }
    tumount(&t);
    fsck_clean(img);
    free(m);
}

TEST(append_1k)
{
    char img[512];
    img_path(img, sizeof img, "append_1k.img");
    mkimg(img, 1024, 8192, NULL, NULL);
    size_t cap = 400 * 1024, len = 0;
    uint8_t *m = pattern_alloc(cap, 41);
    tfs_t t;
    CHECK_RC(tmount(&t, img, 0, 0), 0);
    uint32_t ino;
    CHECK_RC(ext2_create(t.fs, EXT2_ROOT_INO, "log", 3, 0644, &ino), 0);
    static const size_t steps[] = {1, 511, 512, 513, 1023, 1024, 1025, 4096, 3, 7000};
    for (int i = 0; len < cap; i++) {
        size_t n = steps[i % 10];
        if (n > cap - len)
            n = cap - len;
        ext2_stat_t st;
        CHECK_RC(ext2_stat(t.fs, ino, &st), 0);
        CHECK(st.size == len, "size before append");
        CHECK_RC(ext2_write(t.fs, ino, st.size, m + len, n), n);   /* O_APPEND style */
        len += n;
        if (i % 50 == 0)
            CHECK_RC(ext2_fsync(t.fs, ino), 0);
    }
    check_file(t.fs, "/log", m, len);
    tumount(&t);
    fsck_clean(img);
    check_debugfs(img, "/log", m, len);
    free(m);
}

static void truncs(unsigned bs)
{
    char img[512];
    snprintf(img, sizeof img, "%s/trunc_%u.img", g_workdir, bs);
    mkimg(img, bs, 16384, NULL, "-g 2048");   /* several groups */
    uint64_t p = bs / 4;
    size_t cap = (size_t)((12 + p + 2 * p + 7) * bs);   /* into the doubly indirect range */
    uint8_t *data = pattern_alloc(cap, 51), *m = calloc(cap + 8 * bs, 1);
    tfs_t t;
    CHECK_RC(tmount(&t, img, 0, 0), 0);
    ext2_statfs_t sf0, sf;
    CHECK_RC(ext2_statfs(t.fs, &sf0), 0);
    uint32_t ino = put_file(t.fs, EXT2_ROOT_INO, "t", data, cap);
    memcpy(m, data, cap);
    const uint64_t sizes[] = {cap - 1, (12 + 2 * p) * bs, (12 + p) * bs + 1, (12 + p) * bs,
                              12 * bs + 1, 12 * bs, 5000, 1, 0, 2 * bs + 3};
    uint64_t cur = cap;
    for (int i = 0; i < 10; i++) {
        uint64_t s = sizes[i];
        CHECK_RC(ext2_truncate(t.fs, ino, s), 0);
        if (s < cur)
            memset(m + s, 0, cur - s);
        cur = s;
        check_file(t.fs, "/t", m, cur);
        ext2_stat_t st;
        CHECK_RC(ext2_stat(t.fs, ino, &st), 0);
        uint64_t nb = s > 2 * bs + 3 || i < 9 ? (s + bs - 1) / bs : 0;
        CHECK(st.blocks == (nb + meta_blocks(nb, p)) * (bs / 512),
              "truncate to %llu: %llu sectors", (unsigned long long)s,
              (unsigned long long)st.blocks);
        if (s == 0) {
            CHECK_RC(ext2_statfs(t.fs, &sf), 0);
            CHECK(sf.free_blocks == sf0.free_blocks - 0, "truncate 0: free %u, were %u",
                  sf.free_blocks, sf0.free_blocks);
        }
    }
    /* Write after the hole left by the last truncate up. */
    CHECK_RC(ext2_write(t.fs, ino, cur, data, 3 * bs), 3 * bs);
    memcpy(m + cur, data, 3 * bs);
    cur += 3 * bs;
    check_file(t.fs, "/t", m, cur);
    CHECK_RC(ext2_truncate(t.fs, EXT2_ROOT_INO, 0), -EXT2_EISDIR);
    tumount(&t);
    fsck_clean(img);
    check_debugfs(img, "/t", m, cur);
    free(data);
    free(m);
}

TEST(truncate_1k) { truncs(1024); }
TEST(truncate_4k) { truncs(4096); }

/* Without the filetype feature (names have a 16-bit length, types come from the
 * inodes) and on a revision 0 image (128-byte inodes, no features, a superblock
 * copy in every group). */
static void old_format(const char *name, const char *extra)
{
    char img[512];
    snprintf(img, sizeof img, "%s/%s.img", g_workdir, name);
    mkimg(img, 1024, 12288, NULL, extra);
    uint8_t *data = pattern_alloc(300 * 1024, 91);
    tfs_t t;
    CHECK_RC(tmount(&t, img, 0, 0), 0);
    ext2_fs_t *fs = t.fs;
    uint32_t d, f, l;
    CHECK_RC(ext2_mkdir(fs, EXT2_ROOT_INO, "dir", 3, 0755, &d), 0);
    f = put_file(fs, d, "file", data, 300 * 1024);
    CHECK_RC(ext2_symlink(fs, d, "link", 4, "file", 4, &l), 0);
    const char *names[] = {".", "..", "file", "link"};
    const uint8_t types[] = {EXT2_FT_DIR, EXT2_FT_DIR, EXT2_FT_REG, EXT2_FT_SYMLINK};
    uint64_t c = 0;
    ext2_dirent_t de;
    int n = 0, r;
    while ((r = ext2_readdir(fs, d, &c, &de)) == 1) {
        CHECK(n < 4 && strcmp(de.name, names[n]) == 0 && de.type == types[n],
              "entry %d: %s type %u", n, de.name, de.type);
        n++;
    }
    CHECK_RC(r, 0);
    CHECK(n == 4, "%d entries", n);
    CHECK(path_ino(fs, "/dir/file") == f, "lookup");
    check_file(fs, "/dir/file", data, 300 * 1024);
    CHECK_RC(ext2_rename(fs, d, "file", 4, EXT2_ROOT_INO, "moved", 5), 0);
    CHECK_RC(ext2_unlink(fs, d, "link", 4), 0);
    CHECK_RC(ext2_rmdir(fs, EXT2_ROOT_INO, "dir", 3), 0);
    /* Revision 0 has no i_size_high: 2 GiB is the limit. */
    uint64_t big = (uint64_t)1 << 31;
    int64_t w = ext2_write(fs, f, big, "x", 1);
    bool rev0 = strstr(extra, "-r 0") != NULL;
    CHECK_RC(w, rev0 ? -EXT2_EFBIG : 1);
    tumount(&t);
    fsck_clean(img);
    if (rev0)
        check_debugfs(img, "/moved", data, 300 * 1024);
    free(data);
}

TEST(nofiletype_1k) { old_format("nofiletype", "-O ^filetype"); }
TEST(rev0_1k) { old_format("rev0", "-r 0 -g 2048"); }
