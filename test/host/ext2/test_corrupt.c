/*
 * Corrupt images: a good image from mke2fs, one field damaged at a time. Each case
 * must give its error code at mount or at the access, keep serving the rest of the
 * file system, never touch memory out of bounds (ASan) or the device out of range
 * (the harness checks), and never write to the image: the device counts no writes
 * and the image is byte-for-byte unchanged afterwards.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define L(s) s, strlen(s)
#define ROOT EXT2_ROOT_INO
#define BS 1024u

static char g_base[512], g_img[512];
static uint8_t *g_snap;
static size_t g_snap_len;

static uint32_t get32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}
static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

/* The good image: a directory with a few names, files using direct, indirect and
 * doubly indirect blocks, and a small tree for the ".." loop. */
static void base_image(const char *extra)
{
    char stage[512];
    snprintf(stage, sizeof stage, "%s/stage", g_workdir);
    setenv("S", stage, 1);
    const char *cmd = "rm -rf \"$S\" && mkdir -p \"$S/d\" \"$S/p/q\" \"$S/m\" && "
                      "printf aaaa > \"$S/d/a\" && printf bbbb > \"$S/d/b\" && "
                      "printf 'small file' > \"$S/small\" && "
                      "head -c 20480 /dev/urandom > \"$S/big\" && "
                      "head -c 307200 /dev/urandom > \"$S/big2\" && ln -s small \"$S/link\"";
    CHECK(system(cmd) == 0, "%s", cmd);
    img_path(g_base, sizeof g_base, "base.img");
    img_path(g_img, sizeof g_img, "case.img");
    mkimg(g_base, BS, 8192, stage, extra);
    fsck_clean(g_base);
}

/* A fresh copy of the good image to damage. */
static void fresh(void)
{
    size_t n;
    uint8_t *b = read_whole(g_base, &n);
    int fd = open(g_img, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    CHECK(fd >= 0 && write(fd, b, n) == (ssize_t)n, "copy image");
    close(fd);
    free(b);
}

static void snap(void)
{
    free(g_snap);
    g_snap = read_whole(g_img, &g_snap_len);
}

/* The image is exactly as it was when snap() ran, and t wrote nothing. */
static void unchanged(const tfs_t *t)
{
    CHECK(t->d.writes == 0, "refused requests wrote %lu times", t->d.writes);
    size_t n;
    uint8_t *b = read_whole(g_img, &n);
    CHECK(n == g_snap_len && memcmp(b, g_snap, n) == 0, "the image changed");
    free(b);
}

/* Superblock field at offset off: set 16 or 32 bits, then expect `want` from mount. */
static void sb_case(unsigned off, int width, uint32_t val, bool or_in, int want)
{
    fresh();
    uint8_t sb[1024];
    read_at(g_img, 1024, sb, 1024);
    if (width == 32)
        put32(sb + off, or_in ? get32(sb + off) | val : val);
    else
        put16(sb + off, (uint16_t)(or_in ? (sb[off] | sb[off + 1] << 8 | val) : val));
    write_at(g_img, 1024, sb, 1024);
    snap();
    tfs_t t;
    int r = tmount(&t, g_img, 0, 0);
    CHECK(r == want, "superblock offset %u = %#x: mount gave %s, want %s", off, val,
          ext2_strerror(r), ext2_strerror(want));
    if (r == 0)
        tumount(&t);
    unchanged(&t);
}

TEST(corrupt_super)
{
    base_image(NULL);
    uint8_t sb[1024];
    read_at(g_base, 1024, sb, 1024);
    uint32_t blocks = get32(sb + 4), ipg = get32(sb + 40);
    sb_case(56, 16, 0, false, -EXT2_EINVAL);                /* magic */
    sb_case(56, 16, 0xEF52, false, -EXT2_EINVAL);
    sb_case(24, 32, 3, false, -EXT2_EOPNOTSUPP);            /* 8 KiB blocks */
    sb_case(24, 32, 20, false, -EXT2_EUCLEAN);              /* 1 GiB blocks */
    sb_case(24, 32, 0xFFFFFFFFu, false, -EXT2_EUCLEAN);
    sb_case(4, 32, blocks * 4, false, -EXT2_EUCLEAN);       /* larger than the device */
    sb_case(4, 32, 0, false, -EXT2_EUCLEAN);
    sb_case(4, 32, 1, false, -EXT2_EUCLEAN);
    sb_case(40, 32, 0, false, -EXT2_EUCLEAN);               /* inodes per group */
    sb_case(40, 32, ipg + 8, false, -EXT2_EUCLEAN);         /* != inodes_count / groups */
    sb_case(40, 32, 8 * BS + 8, false, -EXT2_EUCLEAN);      /* more than a bitmap holds */
    sb_case(0, 32, 0, false, -EXT2_EUCLEAN);                /* inodes count */
    sb_case(32, 32, 0, false, -EXT2_EUCLEAN);               /* blocks per group */
    sb_case(32, 32, 12, false, -EXT2_EUCLEAN);
    sb_case(32, 32, 8 * BS + 8, false, -EXT2_EUCLEAN);
    sb_case(20, 32, 0, false, -EXT2_EUCLEAN);               /* first data block on 1 KiB */
    sb_case(88, 16, 100, false, -EXT2_EUCLEAN);             /* inode size */
    sb_case(88, 16, 384, false, -EXT2_EUCLEAN);
    sb_case(88, 16, 2048, false, -EXT2_EUCLEAN);
    sb_case(84, 32, 5, false, -EXT2_EUCLEAN);               /* first inode */
    sb_case(76, 32, 2, false, -EXT2_EOPNOTSUPP);            /* revision */

    /* A device shorter than the file system says it is. */
    fresh();
    CHECK(truncate(g_img, 4096 * 1024) == 0, "truncate");
    snap();
    tfs_t t;
    CHECK_RC(tmount(&t, g_img, 0, 0), -EXT2_EUCLEAN);
    unchanged(&t);
}

TEST(corrupt_features)
{
    base_image(NULL);
    sb_case(96, 32, 0x40, true, -EXT2_EOPNOTSUPP);          /* extents */
    sb_case(96, 32, 0x80, true, -EXT2_EOPNOTSUPP);          /* 64bit */
    sb_case(96, 32, 0x4, true, -EXT2_EOPNOTSUPP);           /* needs journal recovery */
    sb_case(96, 32, 0x10000000, true, -EXT2_EOPNOTSUPP);    /* unknown */
    sb_case(92, 32, 0x40000000, true, 0);                   /* unknown compat: fine */
}

TEST(ro_compat)
{
    base_image(NULL);
    fresh();
    uint8_t sb[1024];
    read_at(g_img, 1024, sb, 1024);
    put32(sb + 100, get32(sb + 100) | 0x08000000u);         /* an unknown ro_compat */
    write_at(g_img, 1024, sb, 1024);
    snap();
    tfs_t t;
    CHECK_RC(tmount(&t, g_img, 0, 0), 0);
    ext2_statfs_t sf;
    CHECK_RC(ext2_statfs(t.fs, &sf), 0);
    CHECK(sf.read_only, "mounted read-only");
    check_file(t.fs, "/small", (const uint8_t *)"small file", 10);
    uint32_t ino = path_ino(t.fs, "/small"), x;
    CHECK_RC(ext2_write(t.fs, ino, 0, "x", 1), -EXT2_EROFS);
    CHECK_RC(ext2_truncate(t.fs, ino, 1), -EXT2_EROFS);
    CHECK_RC(ext2_create(t.fs, ROOT, L("n"), 0644, &x), -EXT2_EROFS);
    CHECK_RC(ext2_mkdir(t.fs, ROOT, L("n"), 0755, &x), -EXT2_EROFS);
    CHECK_RC(ext2_unlink(t.fs, ROOT, L("small")), -EXT2_EROFS);
    CHECK_RC(ext2_rmdir(t.fs, ROOT, L("m")), -EXT2_EROFS);
    CHECK_RC(ext2_rename(t.fs, ROOT, L("small"), ROOT, L("s2")), -EXT2_EROFS);
    CHECK_RC(ext2_link(t.fs, ROOT, L("s2"), ino), -EXT2_EROFS);
    CHECK_RC(ext2_sync(t.fs), 0);
    tumount(&t);
    unchanged(&t);
}

static void gd_case(unsigned group, unsigned off, int width, uint32_t val)
{
    fresh();
    uint8_t gd[32];
    uint64_t at = 2 * BS + group * 32;   /* the GDT is block 2 on 1 KiB blocks */
    read_at(g_img, at, gd, 32);
    if (width == 32)
        put32(gd + off, val);
    else
        put16(gd + off, (uint16_t)val);
    write_at(g_img, at, gd, 32);
    snap();
    tfs_t t;
    int r = tmount(&t, g_img, 0, 0);
    CHECK(r == -EXT2_EUCLEAN, "group %u offset %u = %u: mount gave %s", group, off, val,
          ext2_strerror(r));
    unchanged(&t);
}

TEST(corrupt_groups)
{
    base_image("-g 2048");   /* 4 groups */
    uint8_t sb[1024], gd3[32];
    read_at(g_base, 1024, sb, 1024);
    read_at(g_base, 2 * BS + 3 * 32, gd3, 32);
    uint32_t blocks = get32(sb + 4);
    gd_case(0, 0, 32, blocks + 5);                 /* block bitmap past the end */
    gd_case(0, 0, 32, 1);                          /* on the superblock */
    gd_case(3, 0, 32, 300);                        /* in another group */
    gd_case(0, 4, 32, 0xFFFFFFFFu);                /* inode bitmap */
    gd_case(3, 4, 32, get32(gd3 + 0));             /* the same block as the block bitmap */
    gd_case(0, 8, 32, blocks - 10);                /* inode table running off the end */
    gd_case(3, 8, 32, get32(gd3 + 0));             /* inode table over the bitmap */
    gd_case(1, 12, 16, 65535);                     /* more free blocks than the group has */
    gd_case(1, 14, 16, 65535);                     /* free inodes */
}

/* --- inodes and directory blocks ------------------------------------------------ */

/* Byte offset of inode ino in the image (from debugfs, not from us). */
static uint64_t inode_off(const char *img, const char *path)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "debugfs -R 'imap %s' '%s' 2>/dev/null", path, img);
    FILE *p = popen(cmd, "r");
    CHECK(p, "popen");
    char line[256];
    unsigned blk = 0, off = 0;
    bool found = false;
    while (fgets(line, sizeof line, p)) {
        char *s = strstr(line, "located at block");
        if (s && sscanf(s, "located at block %u, offset 0x%x", &blk, &off) == 2)
            found = true;
    }
    pclose(p);
    CHECK(found, "debugfs imap %s", path);
    return (uint64_t)blk * BS + off;
}

static uint32_t inode_u32(const char *img, uint64_t ioff, unsigned field)
{
    uint8_t b[4];
    read_at(img, ioff + field, b, 4);
    return get32(b);
}

static void inode_set(const char *img, uint64_t ioff, unsigned field, int width, uint32_t v)
{
    uint8_t b[4];
    if (width == 32)
        put32(b, v);
    else
        put16(b, (uint16_t)v);
    write_at(img, ioff + field, b, width / 8);
}

/* Offset in a directory block of the record named name (walking the good chain). */
static unsigned dirent_at(const uint8_t *blk, const char *name)
{
    for (unsigned off = 0; off < BS;) {
        unsigned rec = blk[off + 4] | blk[off + 5] << 8;
        if (blk[off + 6] == strlen(name) && memcmp(blk + off + 8, name, strlen(name)) == 0)
            return off;
        CHECK(rec >= 8, "walking the good directory");
        off += rec;
    }
    CHECK(0, "no entry %s", name);
}

static unsigned last_dirent(const uint8_t *blk)
{
    unsigned off = 0, last = 0;
    while (off < BS) {
        last = off;
        off += blk[off + 4] | blk[off + 5] << 8;
    }
    return last;
}

/* Every operation that needs /d's block is refused with EUCLEAN; the rest works. */
static void expect_d_refused(void)
{
    snap();
    tfs_t t;
    CHECK_RC(tmount(&t, g_img, 0, 0), 0);
    ext2_fs_t *fs = t.fs;
    uint32_t d = path_ino(fs, "/d"), ino;
    uint64_t c = 0;
    ext2_dirent_t de;
    CHECK_RC(ext2_lookup(fs, d, L("a"), &ino), -EXT2_EUCLEAN);
    CHECK_RC(ext2_lookup_path(fs, "/d/b", &ino), -EXT2_EUCLEAN);
    CHECK_RC(ext2_readdir(fs, d, &c, &de), -EXT2_EUCLEAN);
    CHECK_RC(ext2_create(fs, d, L("new"), 0644, &ino), -EXT2_EUCLEAN);
    CHECK_RC(ext2_mkdir(fs, d, L("new"), 0755, &ino), -EXT2_EUCLEAN);
    CHECK_RC(ext2_unlink(fs, d, L("a")), -EXT2_EUCLEAN);
    CHECK_RC(ext2_rmdir(fs, ROOT, L("d")), -EXT2_EUCLEAN);
    CHECK_RC(ext2_rename(fs, d, L("a"), ROOT, L("a2")), -EXT2_EUCLEAN);
    CHECK_RC(ext2_rename(fs, ROOT, L("small"), d, L("s")), -EXT2_EUCLEAN);
    CHECK_RC(ext2_rename(fs, ROOT, L("d"), path_ino(fs, "/m"), L("d")), -EXT2_EUCLEAN);
    check_file(fs, "/small", (const uint8_t *)"small file", 10);   /* still serving */
    tumount(&t);
    unchanged(&t);
}

/* Damage one record of /d's first block with f(block, record offset). */
static void dir_case(const char *name, void (*f)(uint8_t *blk, unsigned off))
{
    fresh();
    uint64_t ioff = inode_off(g_img, "/d");
    uint32_t b0 = inode_u32(g_img, ioff, 40);
    uint8_t blk[BS];
    read_at(g_img, (uint64_t)b0 * BS, blk, BS);
    f(blk, name ? dirent_at(blk, name) : last_dirent(blk));
    write_at(g_img, (uint64_t)b0 * BS, blk, BS);
    expect_d_refused();
}

static void rec0(uint8_t *b, unsigned o) { put16(b + o + 4, 0); }
static void rec3(uint8_t *b, unsigned o) { put16(b + o + 4, 3); }
static void rec14(uint8_t *b, unsigned o) { put16(b + o + 4, 14); }
static void rec_past(uint8_t *b, unsigned o)
{
    put16(b + o + 4, (uint16_t)(b[o + 4] + (b[o + 5] << 8) + 4));
}
static void rec_huge(uint8_t *b, unsigned o) { put16(b + o + 4, 0xFFFC); }
static void rec_short(uint8_t *b, unsigned o) { put16(b + o + 4, (uint16_t)(BS - o - 4)); }
static void namelen0(uint8_t *b, unsigned o) { b[o + 6] = 0; }
static void namelen(uint8_t *b, unsigned o) { b[o + 6] = 200; }
static void ino_big(uint8_t *b, unsigned o) { put32(b + o, 0x7FFFFFFF); }
static void ino_reserved(uint8_t *b, unsigned o) { put32(b + o, 5); }

TEST(corrupt_reclen_0)
{
    base_image(NULL);
    dir_case(".", rec0);
    dir_case("a", rec0);
}
TEST(corrupt_reclen_3)
{
    base_image(NULL);
    dir_case(".", rec3);
    dir_case("b", rec3);
}
TEST(corrupt_reclen_14)
{
    base_image(NULL);
    dir_case(".", rec14);   /* at least 8 but not a multiple of 4 */
}
TEST(corrupt_reclen_past)
{
    base_image(NULL);
    dir_case(NULL, rec_past);   /* the last record runs past the block */
    dir_case("..", rec_huge);
    dir_case(NULL, rec_short);  /* 4 bytes left over: too few for a record */
}
TEST(corrupt_namelen)
{
    base_image(NULL);
    dir_case(".", namelen);   /* name_len > rec_len */
    dir_case("..", namelen);
    dir_case("a", namelen0);  /* an entry in use with an empty name */
}

TEST(corrupt_dirent_ino)
{
    base_image(NULL);
    dir_case("a", ino_big);        /* past inodes_count */
    dir_case("b", ino_reserved);   /* a reserved inode */

    /* A valid number of a free inode: found by lookup, refused on use. */
    fresh();
    uint64_t ioff = inode_off(g_img, "/d");
    uint32_t b0 = inode_u32(g_img, ioff, 40);
    uint8_t blk[BS], sb[1024];
    read_at(g_img, 1024, sb, 1024);
    uint32_t free_ino = get32(sb + 0) - 1;
    read_at(g_img, (uint64_t)b0 * BS, blk, BS);
    put32(blk + dirent_at(blk, "a"), free_ino);
    write_at(g_img, (uint64_t)b0 * BS, blk, BS);
    snap();
    tfs_t t;
    CHECK_RC(tmount(&t, g_img, 0, 0), 0);
    uint32_t d = path_ino(t.fs, "/d"), ino;
    CHECK_RC(ext2_lookup(t.fs, d, L("a"), &ino), 0);
    CHECK(ino == free_ino, "lookup");
    ext2_stat_t st;
    char buf[8];
    CHECK_RC(ext2_stat(t.fs, ino, &st), -EXT2_ENOENT);
    CHECK_RC(ext2_read(t.fs, ino, 0, buf, 8), -EXT2_ENOENT);
    CHECK_RC(ext2_unlink(t.fs, d, L("a")), -EXT2_EUCLEAN);
    CHECK_RC(ext2_rename(t.fs, d, L("a"), d, L("c")), -EXT2_EUCLEAN);
    CHECK_RC(ext2_rename(t.fs, d, L("b"), d, L("a")), -EXT2_EUCLEAN);
    CHECK_RC(ext2_rmdir(t.fs, d, L("a")), -EXT2_EUCLEAN);
    tumount(&t);
    unchanged(&t);
}

/* Set a field of path's inode and expect every use of it refused. */
static void inode_case(const char *path, unsigned field, int width, uint32_t val)
{
    fresh();
    inode_set(g_img, inode_off(g_img, path), field, width, val);
    snap();
}

TEST(corrupt_dir_size)
{
    base_image(NULL);
    inode_case("/d", 4, 32, 1000);        /* not whole blocks */
    expect_d_refused();
    inode_case("/d", 4, 32, 0);
    expect_d_refused();
    inode_case("/d", 4, 32, 5 * BS);      /* more than its i_blocks can hold */
    expect_d_refused();

    /* A regular file larger than any block map: refused on stat and read. */
    inode_case("/small", 108, 32, 0x10000);
    tfs_t t;
    CHECK_RC(tmount(&t, g_img, 0, 0), 0);
    uint32_t ino = path_ino(t.fs, "/small");
    ext2_stat_t st;
    char buf[8];
    CHECK_RC(ext2_stat(t.fs, ino, &st), -EXT2_EUCLEAN);
    CHECK_RC(ext2_read(t.fs, ino, 0, buf, 8), -EXT2_EUCLEAN);
    CHECK_RC(ext2_write(t.fs, ino, 0, buf, 8), -EXT2_EUCLEAN);
    CHECK_RC(ext2_unlink(t.fs, ROOT, L("small")), -EXT2_EUCLEAN);
    tumount(&t);
    unchanged(&t);
}

TEST(corrupt_dir_hole)
{
    base_image(NULL);
    inode_case("/d", 40, 32, 0);   /* the first block is a hole */
    expect_d_refused();
}

TEST(corrupt_root)
{
    base_image(NULL);
    tfs_t t;
    const uint32_t modes[] = {0x81A4 /* a regular file */, 0, 0xF1ED /* no such type */};
    for (int i = 0; i < 3; i++) {
        inode_case("/", 0, 16, modes[i]);
        CHECK_RC(tmount(&t, g_img, 0, 0), -EXT2_EUCLEAN);
        unchanged(&t);
    }
    inode_case("/", 4, 32, 1000);
    CHECK_RC(tmount(&t, g_img, 0, 0), -EXT2_EUCLEAN);
    unchanged(&t);
}

/* path's file with block pointer `slot` set to val: reads and writes through that
 * pointer at byte `at`, truncation and unlinking are refused; other blocks read. */
static void blockptr_case(const char *path, unsigned slot, uint32_t val, uint64_t at)
{
    inode_case(path, 40 + 4 * slot, 32, val);
    tfs_t t;
    CHECK_RC(tmount(&t, g_img, 0, 0), 0);
    uint32_t ino = path_ino(t.fs, path);
    ext2_stat_t st;
    CHECK_RC(ext2_stat(t.fs, ino, &st), 0);
    uint8_t buf[BS];
    CHECK_RC(ext2_read(t.fs, ino, at, buf, 10), -EXT2_EUCLEAN);
    CHECK_RC(ext2_write(t.fs, ino, at, buf, 10), -EXT2_EUCLEAN);
    CHECK_RC(ext2_truncate(t.fs, ino, 0), -EXT2_EUCLEAN);
    CHECK_RC(ext2_unlink(t.fs, ROOT, path + 1, strlen(path + 1)), -EXT2_EUCLEAN);
    CHECK_RC(ext2_rename(t.fs, ROOT, L("small"), ROOT, path + 1, strlen(path + 1)),
             at ? -EXT2_EUCLEAN : 0);
    if (at) {
        CHECK_RC(ext2_read(t.fs, ino, 0, buf, BS), BS);   /* the direct blocks are fine */
        tumount(&t);
        unchanged(&t);
    } else {
        tumount(&t);   /* the rename over `small` succeeded; path's inode is intact */
    }
}

TEST(corrupt_blockptr)
{
    base_image(NULL);
    uint8_t sb[1024], gd[32];
    read_at(g_base, 1024, sb, 1024);
    read_at(g_base, 2 * BS, gd, 32);
    uint32_t blocks = get32(sb + 4);
    const uint32_t bad[] = {blocks, blocks + 10, 0xFFFFFFFFu, 1 /* the superblock */,
                            2 /* the GDT */, get32(gd + 0) /* block bitmap */,
                            get32(gd + 8) + 3 /* inside the inode table */};
    for (int i = 0; i < 7; i++)
        blockptr_case("/big", 12, bad[i], 12 * BS + 5);    /* the indirect pointer */
    for (int i = 0; i < 7; i++)
        blockptr_case("/big2", 13, bad[i], 290 * BS);      /* the doubly indirect one */
    /* A direct pointer: nothing else to read, and the rename (over /small) is fine. */
    inode_case("/big", 40 - 40 + 40, 32, blocks + 1);
    tfs_t t;
    CHECK_RC(tmount(&t, g_img, 0, 0), 0);
    uint32_t ino = path_ino(t.fs, "/big");
    uint8_t buf[16];
    CHECK_RC(ext2_read(t.fs, ino, 0, buf, 16), -EXT2_EUCLEAN);
    CHECK_RC(ext2_write(t.fs, ino, 3, buf, 16), -EXT2_EUCLEAN);
    CHECK_RC(ext2_truncate(t.fs, ino, 0), -EXT2_EUCLEAN);
    CHECK_RC(ext2_truncate(t.fs, ino, 100), -EXT2_EUCLEAN);   /* zeroing the tail */
    CHECK_RC(ext2_unlink(t.fs, ROOT, L("big")), -EXT2_EUCLEAN);
    tumount(&t);
    unchanged(&t);
}

/* An indirect block that names itself, at each level. */
TEST(corrupt_ind_self)
{
    base_image(NULL);
    const struct { const char *path; unsigned slot; uint64_t at; } c[] = {
        {"/big", 12, 12 * BS},            /* IND[0] = IND */
        {"/big2", 13, (12 + 256) * BS},   /* DIND[0] = DIND */
    };
    for (int i = 0; i < 2; i++) {
        fresh();
        uint64_t ioff = inode_off(g_img, c[i].path);
        uint32_t ind = inode_u32(g_img, ioff, 40 + 4 * c[i].slot);
        uint8_t b[4];
        put32(b, ind);
        write_at(g_img, (uint64_t)ind * BS, b, 4);
        snap();
        tfs_t t;
        CHECK_RC(tmount(&t, g_img, 0, 0), 0);
        uint32_t ino = path_ino(t.fs, c[i].path);
        uint8_t buf[BS];
        CHECK_RC(ext2_read(t.fs, ino, c[i].at, buf, BS), -EXT2_EUCLEAN);
        CHECK_RC(ext2_write(t.fs, ino, c[i].at, buf, BS), -EXT2_EUCLEAN);
        CHECK_RC(ext2_truncate(t.fs, ino, 0), -EXT2_EUCLEAN);
        CHECK_RC(ext2_truncate(t.fs, ino, c[i].at + 1), -EXT2_EUCLEAN);
        CHECK_RC(ext2_unlink(t.fs, ROOT, c[i].path + 1, strlen(c[i].path + 1)), -EXT2_EUCLEAN);
        CHECK_RC(ext2_read(t.fs, ino, 0, buf, BS), BS);
        tumount(&t);
        unchanged(&t);
    }
    /* Two levels down: a doubly indirect child naming the doubly indirect block. */
    fresh();
    uint64_t ioff = inode_off(g_img, "/big2");
    uint32_t dind = inode_u32(g_img, ioff, 40 + 4 * 13), child;
    uint8_t b[4];
    read_at(g_img, (uint64_t)dind * BS, b, 4);
    child = get32(b);
    put32(b, dind);
    write_at(g_img, (uint64_t)child * BS + 8, b, 4);
    snap();
    tfs_t t;
    CHECK_RC(tmount(&t, g_img, 0, 0), 0);
    uint32_t ino = path_ino(t.fs, "/big2");
    uint8_t buf[BS];
    CHECK_RC(ext2_read(t.fs, ino, (12 + 256 + 2) * BS, buf, 1), -EXT2_EUCLEAN);
    CHECK_RC(ext2_truncate(t.fs, ino, 0), -EXT2_EUCLEAN);
    CHECK_RC(ext2_read(t.fs, ino, (12 + 256 + 1) * BS, buf, 1), 1);
    tumount(&t);
    unchanged(&t);
}

/* ".." entries forming a cycle that does not reach the root: moving a directory
 * into the cycle must stop with EUCLEAN, not loop. */
TEST(corrupt_dotdot_loop)
{
    base_image(NULL);
    for (int variant = 0; variant < 2; variant++) {
        fresh();
        uint64_t poff = inode_off(g_img, "/p"), qoff = inode_off(g_img, "/p/q");
        uint32_t pblk = inode_u32(g_img, poff, 40), qblk = inode_u32(g_img, qoff, 40);
        uint8_t pb[BS], qb[BS];
        read_at(g_img, (uint64_t)pblk * BS, pb, BS);
        read_at(g_img, (uint64_t)qblk * BS, qb, BS);
        uint32_t p_ino = get32(pb + dirent_at(pb, ".")), q_ino = get32(qb + dirent_at(qb, "."));
        if (variant == 0) {
            put32(qb + dirent_at(qb, ".."), q_ino);   /* q is its own parent */
        } else {
            put32(pb + dirent_at(pb, ".."), q_ino);   /* p <-> q */
            write_at(g_img, (uint64_t)pblk * BS, pb, BS);
        }
        write_at(g_img, (uint64_t)qblk * BS, qb, BS);
        snap();
        tfs_t t;
        CHECK_RC(tmount(&t, g_img, 0, 0), 0);
        CHECK(path_ino(t.fs, "/p/q") == q_ino && path_ino(t.fs, "/p") == p_ino, "lookups");
        CHECK_RC(ext2_rename(t.fs, ROOT, L("m"), q_ino, L("m")), -EXT2_EUCLEAN);
        CHECK_RC(ext2_rename(t.fs, ROOT, L("d"), q_ino, L("d")), -EXT2_EUCLEAN);
        tumount(&t);
        unchanged(&t);
    }
}

/* Bitmaps that lie: a metadata block offered as free, a file's block marked free. */
TEST(corrupt_bitmap)
{
    base_image(NULL);
    uint8_t gd[32];
    read_at(g_base, 2 * BS, gd, 32);
    uint32_t bb = get32(gd + 0), it = get32(gd + 8);
    /* Clear the bits of the whole inode table: the allocator would hand it out. */
    fresh();
    uint8_t map[BS];
    read_at(g_img, (uint64_t)bb * BS, map, BS);
    for (uint32_t b = it - 1; b < it + 8; b++)   /* first data block is 1 */
        map[b / 8] &= (uint8_t)~(1u << (b % 8));
    write_at(g_img, (uint64_t)bb * BS, map, BS);
    snap();
    tfs_t t;
    CHECK_RC(tmount(&t, g_img, 0, 0), 0);
    uint32_t ino = path_ino(t.fs, "/small");
    CHECK_RC(ext2_write(t.fs, ino, 5000, "x", 1), -EXT2_EUCLEAN);
    check_file(t.fs, "/small", (const uint8_t *)"small file", 10);
    tumount(&t);
    unchanged(&t);

    /* A file whose block is marked free: deleting it would free it twice. */
    fresh();
    uint64_t ioff = inode_off(g_img, "/big");
    uint32_t b5 = inode_u32(g_img, ioff, 40 + 4 * 5) - 1;
    read_at(g_img, (uint64_t)bb * BS, map, BS);
    map[b5 / 8] &= (uint8_t)~(1u << (b5 % 8));
    write_at(g_img, (uint64_t)bb * BS, map, BS);
    snap();
    CHECK_RC(tmount(&t, g_img, 0, 0), 0);
    CHECK_RC(ext2_unlink(t.fs, ROOT, L("big")), -EXT2_EUCLEAN);
    CHECK_RC(ext2_truncate(t.fs, path_ino(t.fs, "/big"), 0), -EXT2_EUCLEAN);
    CHECK_RC(ext2_truncate(t.fs, path_ino(t.fs, "/big"), 6 * BS), 0);   /* keeps that block */
    tumount(&t);
}

/* Symbolic links whose size no link can have. */
TEST(corrupt_symlink)
{
    base_image(NULL);
    const uint32_t sizes[] = {100 /* a fast link holds < 60 */, BS, 0xFFFFFFFFu};
    for (int i = 0; i < 3; i++) {
        inode_case("/link", 4, 32, sizes[i]);
        tfs_t t;
        CHECK_RC(tmount(&t, g_img, 0, 0), 0);
        uint32_t ino = path_ino(t.fs, "/link");
        char buf[64];
        ext2_stat_t st;
        CHECK_RC(ext2_stat(t.fs, ino, &st), -EXT2_EUCLEAN);
        CHECK_RC(ext2_read(t.fs, ino, 0, buf, sizeof buf), -EXT2_EUCLEAN);
        tumount(&t);
        unchanged(&t);
    }
}

/* Bytes past the end of file inside the last block must read as zeros once the file
 * grows, even if an image has garbage there (we never leave any): the truncate that
 * shrinks, the truncate that grows and the write past the end each zero it. */
TEST(tail_zero_1k)
{
    base_image(NULL);
    for (int how = 0; how < 3; how++) {
        fresh();
        /* /small is 10 bytes; make its block's bytes 10..99 garbage behind its back. */
        uint64_t ioff = inode_off(g_img, "/small");
        uint32_t blk = inode_u32(g_img, ioff, 40);
        uint8_t junk[90];
        memset(junk, 0xAB, sizeof junk);
        write_at(g_img, (uint64_t)blk * BS + 10, junk, sizeof junk);
        if (how == 0)
            inode_set(g_img, ioff, 4, 32, 100);   /* and claim it is 100 bytes long */
        tfs_t t;
        CHECK_RC(tmount(&t, g_img, 0, 0), 0);
        uint32_t ino = path_ino(t.fs, "/small");
        uint8_t want[200] = "small file", got[200];
        if (how == 0) {
            CHECK_RC(ext2_truncate(t.fs, ino, 10), 0);    /* shrink inside the block */
            tumount(&t);
            read_at(g_img, (uint64_t)blk * BS + 10, got, 90);
            for (int i = 0; i < 90; i++)
                CHECK(got[i] == 0, "byte %d after the end still on disk", 10 + i);
            continue;
        }
        if (how == 1) {
            CHECK_RC(ext2_truncate(t.fs, ino, 150), 0);   /* grow */
        } else {
            CHECK_RC(ext2_write(t.fs, ino, 149, "Z", 1), 1);   /* write past the end */
            want[149] = 'Z';
        }
        CHECK_RC(ext2_read(t.fs, ino, 0, got, 200), 150);
        CHECK(memcmp(got, want, 150) == 0, "growing exposed old bytes (case %d)", how);
        tumount(&t);
    }
}
