/* The root mount: ext2 through libext2 on the block device (blkdev.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <ext2.h>
#include "blkdev.h"
#include "vfs.h"

static ext2_fs_t *fs;
static blkdev_t dev;

/* libext2's codes are Linux's errno values; picolibc numbers a few differently. */
static int64_t ex(int64_t r)
{
    if (r >= 0) return r;
    switch (-r) {
    case EXT2_ENAMETOOLONG: return -ENAMETOOLONG;
    case EXT2_ENOTEMPTY: return -ENOTEMPTY;
    case EXT2_EOPNOTSUPP: return -EOPNOTSUPP;
    case EXT2_EUCLEAN: return -EIO;   /* a corrupt structure (picolibc has no EUCLEAN) */
    default: return r;
    }
}

static void *e_alloc(void *ctx, size_t size) { (void)ctx; return malloc(size); }
static void e_free(void *ctx, void *p, size_t size) { (void)ctx; (void)size; free(p); }
static bool e_is_open(void *ctx, uint32_t ino) { (void)ctx; return vfs_is_open(MNT_ROOT, ino); }

static int x_lookup(uint32_t dir, const char *name, size_t len, uint32_t *ino)
{
    return ex(ext2_lookup(fs, dir, name, len, ino));
}

static int x_stat(uint32_t ino, struct fs0_stat *st)
{
    ext2_stat_t s;
    int r = (int)ex(ext2_stat(fs, ino, &s));
    if (r) return r;
    *st = (struct fs0_stat){MNT_ROOT + 1, s.ino, s.mode, s.nlink, s.size, s.blocks, s.mtime};
    return 0;
}

static int64_t x_read(uint32_t ino, uint64_t off, void *buf, size_t len)
{
    return ex(ext2_read(fs, ino, off, buf, len));
}

static int64_t x_write(uint32_t ino, uint64_t off, const void *buf, size_t len)
{
    return ex(ext2_write(fs, ino, off, buf, len));
}

static int x_truncate(uint32_t ino, uint64_t size) { return ex(ext2_truncate(fs, ino, size)); }

static int x_create(uint32_t dir, const char *name, size_t len, uint32_t mode, uint32_t *ino)
{
    return ex(ext2_create(fs, dir, name, len, mode & 07777, ino));
}

static int x_mkdir(uint32_t dir, const char *name, size_t len, uint32_t mode)
{
    uint32_t ino;
    return ex(ext2_mkdir(fs, dir, name, len, mode & 07777, &ino));
}

static int x_unlink(uint32_t dir, const char *name, size_t len) { return ex(ext2_unlink(fs, dir, name, len)); }
static int x_rmdir(uint32_t dir, const char *name, size_t len) { return ex(ext2_rmdir(fs, dir, name, len)); }

static int x_rename(uint32_t sd, const char *sn, size_t sl, uint32_t dd, const char *dn, size_t dl)
{
    return ex(ext2_rename(fs, sd, sn, sl, dd, dn, dl));
}

static int x_readdir(uint32_t dir, uint64_t *cookie, uint32_t *ino, uint8_t *type, char *name)
{
    ext2_dirent_t d;
    int r = (int)ex(ext2_readdir(fs, dir, cookie, &d));
    if (r <= 0) return r;
    *ino = d.ino;
    *type = d.type == EXT2_FT_DIR ? VFS_DT_DIR : d.type == EXT2_FT_REG ? VFS_DT_REG
          : d.type == EXT2_FT_CHRDEV ? VFS_DT_CHR : 0;
    for (unsigned i = 0; i <= d.name_len; i++) name[i] = d.name[i];
    return 1;
}

static int x_fsync(uint32_t ino) { return ex(ext2_fsync(fs, ino)); }
static void x_release(uint32_t ino) { ext2_release(fs, ino); }
static int x_sync(void) { return ex(ext2_sync(fs)); }

static const struct vfs_ops ops = {
    EXT2_ROOT_INO, x_lookup, x_stat, x_read, x_write, x_truncate, x_create, x_mkdir,
    x_unlink, x_rmdir, x_rename, x_readdir, x_fsync, x_release, x_sync,
};

const struct vfs_ops *ext2fs_mount(const struct ext2_dev *d, const char *what, bool read_only)
{
    static const ext2_env_t env = {0, e_alloc, e_free, 0, e_is_open};
    /* A write-back block cache of 256 KiB (libext2's default is 64 blocks): writes
     * of a few hundred KiB stay in it, and eviction (a disk write; on the RAM disk the
     * first touch of a page is a page-in and copy-on-write fault in mm0) comes later. */
    ext2_mount_opts_t opts = {read_only ? EXT2_MOUNT_RDONLY : 0, 256};
    dev = *d;
    int r = ext2_mount(&fs, &dev, &env, &opts);
    if (r) {
        /* Say what is wrong in terms of the image: the superblock's magic (byte 56 of
         * the superblock at byte 1024, EXT2_SUPER_MAGIC 0xef53) first. */
        uint8_t sb[EXT2_SECTOR_SIZE];
        const char *why = ext2_strerror(r);
        char magic[96];
        if (dev.sectors > 2 && !dev.read(dev.ctx, 2, 1, sb) && (sb[56] | sb[57] << 8) != 0xef53) {
            snprintf(magic, sizeof magic, "no ext2 superblock (magic 0x%04x, not 0xef53)",
                     (unsigned)(sb[56] | sb[57] << 8));
            why = magic;
        } else if (dev.sectors > 2 && sb[24] < 7) {
            /* s_blocks_count (byte 4) blocks of 1024 << s_log_block_size (byte 24). */
            uint64_t blocks = (uint64_t)sb[4] | (uint64_t)sb[5] << 8 | (uint64_t)sb[6] << 16 | (uint64_t)sb[7] << 24;
            uint64_t kib = blocks << sb[24];
            if (kib > dev.sectors / 2) {
                snprintf(magic, sizeof magic, "the file system needs %lu KiB, the disk has %lu KiB (%s)",
                         (unsigned long)kib, (unsigned long)(dev.sectors / 2), ext2_strerror(r));
                why = magic;
            }
        }
        printf("fs0: cannot mount / (ext2 on %s, %lu KiB): %s; / is not served\n", what,
               (unsigned long)(dev.sectors / 2), why);
        return NULL;
    }
    ext2_statfs_t sf;
    if (!ext2_statfs(fs, &sf))
        printf("fs0: / is ext2, %u blocks of %u bytes, %u free, %u inodes free\n", sf.blocks,
               sf.block_size, sf.free_blocks, sf.free_inodes);
    return &ops;
}
