/*
 * Mounting (validation of the superblock and group descriptors), the superblock's
 * clean/dirty state, ordered sync, and statfs.
 *
 * Nothing is written at mount, nor by a request that is refused: the superblock with
 * its VALID bit cleared goes to disk just before the first block write (so a cut
 * power leaves a file system e2fsck will check), and a clean unmount sets it again.
 * The superblock's free counts are recomputed from the group descriptors, which are
 * the truth we maintain.
 */
#include <string.h>

#include "ext2_priv.h"

const char *ext2_strerror(int err)
{
    switch (err < 0 ? -err : err) {
    case 0: return "ok";
    case EXT2_EPERM: return "EPERM";
    case EXT2_ENOENT: return "ENOENT";
    case EXT2_EIO: return "EIO";
    case EXT2_ENOMEM: return "ENOMEM";
    case EXT2_EBUSY: return "EBUSY";
    case EXT2_EEXIST: return "EEXIST";
    case EXT2_ENOTDIR: return "ENOTDIR";
    case EXT2_EISDIR: return "EISDIR";
    case EXT2_EINVAL: return "EINVAL";
    case EXT2_EFBIG: return "EFBIG";
    case EXT2_ENOSPC: return "ENOSPC";
    case EXT2_EROFS: return "EROFS";
    case EXT2_EMLINK: return "EMLINK";
    case EXT2_ENAMETOOLONG: return "ENAMETOOLONG";
    case EXT2_ENOTEMPTY: return "ENOTEMPTY";
    case EXT2_EOPNOTSUPP: return "EOPNOTSUPP";
    case EXT2_EUCLEAN: return "EUCLEAN";
    default: return "unknown error";
    }
}

uint32_t e2_fs_now(ext2_fs_t *fs)
{
    return fs->env.now ? fs->env.now(fs->env.ctx) : 0;
}

uint8_t *e2_fs_gd(ext2_fs_t *fs, uint32_t group)
{
    return fs->gdt + (size_t)group * GD_SIZE;
}

/* sparse_super: backups of the superblock and GDT only in groups 0, 1 and powers
 * of 3, 5 and 7. */
static bool group_has_super(const ext2_fs_t *fs, uint32_t g)
{
    if (!fs->sparse_super || g <= 1)
        return true;
    for (uint32_t base = 3; base <= 7; base += 2) {
        uint64_t p = base;
        while (p < g)
            p *= base;
        if (p == g)
            return true;
    }
    return false;
}

/* Blocks at the start of a group taken by a superblock copy, the GDT and its
 * reserved growth area. */
static uint32_t group_meta_len(const ext2_fs_t *fs, uint32_t g)
{
    if (!group_has_super(fs, g))
        return 0;
    return 1 + fs->gdt_blocks + fs->reserved_gdt;
}

static uint32_t group_start(const ext2_fs_t *fs, uint32_t g)
{
    return fs->first_data_block + g * fs->blocks_per_group;
}

/* May blk hold file data or an indirect block? Not outside the file system and
 * not one of the fixed metadata blocks (which a corrupt pointer would overwrite). */
bool e2_fs_data_block_ok(const ext2_fs_t *fs, uint32_t blk)
{
    if (blk < fs->first_data_block || blk >= fs->blocks_count)
        return false;
    uint32_t g = (blk - fs->first_data_block) / fs->blocks_per_group;
    const uint8_t *gd = fs->gdt + (size_t)g * GD_SIZE;
    if (blk < group_start(fs, g) + group_meta_len(fs, g))
        return false;
    if (blk == le32_get(gd + GD_BLOCK_BITMAP) || blk == le32_get(gd + GD_INODE_BITMAP))
        return false;
    uint32_t it = le32_get(gd + GD_INODE_TABLE);
    return !(blk >= it && blk - it < fs->itable_blocks);
}

static void sb_update_counts(ext2_fs_t *fs)
{
    uint32_t fb = 0, fi = 0;
    for (uint32_t g = 0; g < fs->groups; g++) {
        fb += le16_get(e2_fs_gd(fs, g) + GD_FREE_BLOCKS);
        fi += le16_get(e2_fs_gd(fs, g) + GD_FREE_INODES);
    }
    le32_put(fs->sb + SB_FREE_BLOCKS, fb);
    le32_put(fs->sb + SB_FREE_INODES, fi);
}

static int sb_write(ext2_fs_t *fs)
{
    if (fs->read_only)
        return -EXT2_EROFS;
    sb_update_counts(fs);
    le32_put(fs->sb + SB_WTIME, e2_fs_now(fs));
    int r = fs->dev.write(fs->dev.ctx, SB_OFFSET / EXT2_SECTOR_SIZE,
                          SB_SIZE / EXT2_SECTOR_SIZE, fs->sb);
    if (r == 0)
        fs->sb_dirty = false;
    return r;
}

int e2_fs_begin_change(ext2_fs_t *fs)
{
    if (fs->read_only)
        return -EXT2_EROFS;
    fs->op_seq++;
    return 0;
}

/* Before the first write to the image: mark it "not clean" on disk, durably. */
int e2_fs_mark_changed(ext2_fs_t *fs)
{
    if (fs->read_only)
        return -EXT2_EROFS;
    if (fs->changed)
        return 0;
    uint16_t st = le16_get(fs->sb + SB_STATE);
    le16_put(fs->sb + SB_STATE, (uint16_t)(st & ~EXT2_STATE_VALID));
    le16_put(fs->sb + SB_MNT_COUNT, (uint16_t)(le16_get(fs->sb + SB_MNT_COUNT) + 1));
    le32_put(fs->sb + SB_MTIME, e2_fs_now(fs));
    int r = sb_write(fs);
    if (r == 0)
        r = fs->dev.flush(fs->dev.ctx);
    if (r == 0)
        fs->changed = true;
    return r;
}

/*
 * Write back dirty state in the order of docs/ext2.md, a barrier after each stage:
 *   1. file contents (of `ino` only, or all when ino is 0) and all directory blocks,
 *   2. indirect blocks (of `ino` and of directories, or all),
 *   3. inode tables,
 *   4. bitmaps, EA blocks, the group descriptors and the superblock.
 * Each stage only makes on-disk pointers refer to blocks already written, so a cut
 * between stages leaves at worst leaked blocks or unreferenced inodes, which e2fsck
 * repairs, and never an fsync'ed file pointing at garbage. Blocks freed since the
 * last sync leave the bitmap only after stage 3 (once the inodes that dropped them
 * are on disk); between_changes says no change is half done, so all of them may.
 */
int e2_fs_sync_order(ext2_fs_t *fs, uint32_t ino, bool between_changes)
{
    if (fs->read_only)
        return 0;
    for (int stage = 1; stage <= 4; stage++) {
        bool wrote = false;
        int r;
        if (stage == 4 && (r = e2_commit_frees(fs, between_changes)) != 0)
            return r;
        if ((r = e2_cache_write_stage(fs, stage, ino, &wrote)) != 0)
            return r;
        if (stage == 4 && (fs->gdt_dirty || fs->sb_dirty)) {
            if ((r = e2_fs_mark_changed(fs)) != 0)
                return r;
            if (fs->gdt_dirty) {
                r = e2_dev_write_blocks(fs, fs->first_data_block + 1, fs->gdt_blocks, fs->gdt);
                if (r)
                    return r;
                fs->gdt_dirty = false;
            }
            r = sb_write(fs);
            if (r)
                return r;
            wrote = true;
        }
        if (wrote && (r = fs->dev.flush(fs->dev.ctx)) != 0)
            return r;
    }
    return 0;
}

int ext2_sync(ext2_fs_t *fs)
{
    return fs ? e2_fs_sync_order(fs, 0, true) : -EXT2_EINVAL;
}

int ext2_fsync(ext2_fs_t *fs, uint32_t ino)
{
    if (!fs)
        return -EXT2_EINVAL;
    if (ino == 0 || ino > fs->inodes_count)
        return -EXT2_EINVAL;
    return e2_fs_sync_order(fs, ino, true);
}

int ext2_statfs(ext2_fs_t *fs, ext2_statfs_t *out)
{
    if (!fs || !out)
        return -EXT2_EINVAL;
    sb_update_counts(fs);
    out->block_size = fs->block_size;
    out->blocks = fs->blocks_count;
    out->inodes = fs->inodes_count;
    out->free_blocks = le32_get(fs->sb + SB_FREE_BLOCKS);
    out->free_inodes = le32_get(fs->sb + SB_FREE_INODES);
    out->read_only = fs->read_only;
    return 0;
}

/* The superblock fields, each checked against the others and the device. */
static int check_super(ext2_fs_t *fs, uint32_t mount_flags)
{
    const uint8_t *sb = fs->sb;
    if (le16_get(sb + SB_MAGIC) != EXT2_MAGIC)
        return -EXT2_EINVAL;                        /* not ext2 at all */
    uint32_t rev = le32_get(sb + SB_REV_LEVEL);
    if (rev > EXT2_DYNAMIC_REV)
        return -EXT2_EOPNOTSUPP;
    uint32_t log = le32_get(sb + SB_LOG_BLOCK_SIZE);
    if (log > 6)
        return -EXT2_EUCLEAN;                       /* ext2 blocks are at most 64 KiB */
    if (log > 2)
        return -EXT2_EOPNOTSUPP;                    /* we do 1, 2 and 4 KiB */
    uint32_t incompat = rev ? le32_get(sb + SB_FEATURE_INCOMPAT) : 0;
    uint32_t ro_compat = rev ? le32_get(sb + SB_FEATURE_RO_COMPAT) : 0;
    uint32_t compat = rev ? le32_get(sb + SB_FEATURE_COMPAT) : 0;
    if (incompat & ~EXT2_INCOMPAT_KNOWN)
        return -EXT2_EOPNOTSUPP;

    fs->block_size = 1024u << log;
    fs->sect_per_block = fs->block_size / EXT2_SECTOR_SIZE;
    fs->addr_per_block = fs->block_size / 4;
    fs->addr_shift = 8 + log;
    fs->blocks_count = le32_get(sb + SB_BLOCKS_COUNT);
    fs->inodes_count = le32_get(sb + SB_INODES_COUNT);
    fs->first_data_block = le32_get(sb + SB_FIRST_DATA_BLOCK);
    fs->blocks_per_group = le32_get(sb + SB_BLOCKS_PER_GROUP);
    fs->inodes_per_group = le32_get(sb + SB_INODES_PER_GROUP);
    fs->inode_size = rev ? le16_get(sb + SB_INODE_SIZE) : EXT2_GOOD_OLD_INODE_SIZE;
    fs->first_ino = rev ? le32_get(sb + SB_FIRST_INO) : EXT2_GOOD_OLD_FIRST_INO;
    fs->filetype = (incompat & EXT2_INCOMPAT_FILETYPE) != 0;
    fs->sparse_super = (ro_compat & EXT2_RO_COMPAT_SPARSE_SUPER) != 0;
    fs->reserved_gdt = (compat & EXT2_COMPAT_RESIZE_INODE) ? le16_get(sb + SB_RESERVED_GDT) : 0;
    fs->read_only = (mount_flags & EXT2_MOUNT_RDONLY) || (ro_compat & ~EXT2_RO_COMPAT_KNOWN);

    uint32_t bits = 8 * fs->block_size;
    if (fs->first_data_block != (fs->block_size == 1024 ? 1u : 0u))
        return -EXT2_EUCLEAN;
    if (fs->blocks_count <= fs->first_data_block + 1)
        return -EXT2_EUCLEAN;
    if ((uint64_t)fs->blocks_count * fs->sect_per_block > fs->dev.sectors)
        return -EXT2_EUCLEAN;                       /* larger than the device */
    if (fs->blocks_per_group < 8 || fs->blocks_per_group > bits || fs->blocks_per_group % 8)
        return -EXT2_EUCLEAN;
    if (fs->inodes_per_group < 1 || fs->inodes_per_group > bits)
        return -EXT2_EUCLEAN;
    if (fs->inode_size < EXT2_GOOD_OLD_INODE_SIZE || fs->inode_size > fs->block_size ||
        (fs->inode_size & (fs->inode_size - 1)))
        return -EXT2_EUCLEAN;
    fs->groups = (fs->blocks_count - fs->first_data_block + fs->blocks_per_group - 1) /
                 fs->blocks_per_group;
    if ((uint64_t)fs->groups * fs->inodes_per_group != fs->inodes_count)
        return -EXT2_EUCLEAN;
    if (fs->first_ino < EXT2_GOOD_OLD_FIRST_INO || fs->first_ino > fs->inodes_count)
        return -EXT2_EUCLEAN;
    fs->inodes_per_block = fs->block_size / fs->inode_size;
    fs->itable_blocks = (uint32_t)(((uint64_t)fs->inodes_per_group * fs->inode_size +
                                    fs->block_size - 1) / fs->block_size);
    fs->gdt_blocks = (uint32_t)(((uint64_t)fs->groups * GD_SIZE + fs->block_size - 1) /
                                fs->block_size);
    /* Group 0 holds the superblock, the whole GDT and its reserve, then bitmaps. */
    if ((uint64_t)1 + fs->gdt_blocks + fs->reserved_gdt + 2 + fs->itable_blocks >
        fs->blocks_per_group)
        return -EXT2_EUCLEAN;

    uint64_t p = fs->addr_per_block;
    uint64_t tree = EXT2_NDIR_BLOCKS + p + p * p + p * p * p;
    fs->max_size = tree * fs->block_size;
    if (fs->max_size > (1ull << 40))
        fs->max_size = 1ull << 40;                  /* keeps i_blocks in 32 bits */
    if (rev == EXT2_GOOD_OLD_REV)
        fs->max_size = 0x7FFFFFFFu;                 /* no i_size_high before rev 1 */
    return 0;
}

/* Every group's bitmaps and inode table inside that group, clear of the superblock
 * and GDT copies, and counters within bounds. */
static int check_groups(ext2_fs_t *fs)
{
    for (uint32_t g = 0; g < fs->groups; g++) {
        const uint8_t *gd = e2_fs_gd(fs, g);
        uint32_t start = group_start(fs, g);
        uint32_t end = start + fs->blocks_per_group;
        if (end > fs->blocks_count || end < start)
            end = fs->blocks_count;
        uint32_t lo = start + group_meta_len(fs, g);
        uint32_t bb = le32_get(gd + GD_BLOCK_BITMAP);
        uint32_t ib = le32_get(gd + GD_INODE_BITMAP);
        uint32_t it = le32_get(gd + GD_INODE_TABLE);
        if (bb < lo || bb >= end || ib < lo || ib >= end || bb == ib)
            return -EXT2_EUCLEAN;
        if (it < lo || it >= end || end - it < fs->itable_blocks)
            return -EXT2_EUCLEAN;
        if ((bb >= it && bb - it < fs->itable_blocks) || (ib >= it && ib - it < fs->itable_blocks))
            return -EXT2_EUCLEAN;
        if (le16_get(gd + GD_FREE_BLOCKS) > end - start ||
            le16_get(gd + GD_FREE_INODES) > fs->inodes_per_group ||
            le16_get(gd + GD_USED_DIRS) > fs->inodes_per_group)
            return -EXT2_EUCLEAN;
    }
    return 0;
}

static void fs_free(ext2_fs_t *fs)
{
    e2_dfree_destroy(fs);
    e2_cache_destroy(fs);
    if (fs->gdt)
        fs->env.free(fs->env.ctx, fs->gdt, (size_t)fs->gdt_blocks * fs->block_size);
    fs->env.free(fs->env.ctx, fs, sizeof(*fs));
}

int ext2_mount(ext2_fs_t **out, const ext2_dev_t *dev, const ext2_env_t *env,
               const ext2_mount_opts_t *opts)
{
    if (!out || !dev || !env || !dev->read || !dev->write || !dev->flush || !env->alloc ||
        !env->free)
        return -EXT2_EINVAL;
    *out = NULL;
    if (dev->sectors < (SB_OFFSET + SB_SIZE) / EXT2_SECTOR_SIZE)
        return -EXT2_EINVAL;
    ext2_fs_t *fs = env->alloc(env->ctx, sizeof(*fs));
    if (!fs)
        return -EXT2_ENOMEM;
    memset(fs, 0, sizeof(*fs));
    fs->dev = *dev;
    fs->env = *env;

    int r = dev->read(dev->ctx, SB_OFFSET / EXT2_SECTOR_SIZE, SB_SIZE / EXT2_SECTOR_SIZE, fs->sb);
    if (r == 0)
        r = check_super(fs, opts ? opts->flags : 0);
    if (r == 0) {
        size_t gsz = (size_t)fs->gdt_blocks * fs->block_size;
        fs->gdt = env->alloc(env->ctx, gsz);
        if (!fs->gdt)
            r = -EXT2_ENOMEM;
        else
            r = e2_dev_read_blocks(fs, fs->first_data_block + 1, fs->gdt_blocks, fs->gdt);
    }
    if (r == 0)
        r = check_groups(fs);
    if (r == 0)
        r = e2_cache_init(fs, opts ? opts->cache_blocks : 0);
    if (r == 0) {
        ext2_inode_t root;
        r = e2_inode_get(fs, EXT2_ROOT_INO, &root);
        if (r == 0 && !is_dir(&root))
            r = -EXT2_EUCLEAN;
        if (r == -EXT2_ENOENT)
            r = -EXT2_EUCLEAN;
    }
    if (r) {
        fs_free(fs);
        return r;
    }
    fs->was_clean = (le16_get(fs->sb + SB_STATE) & EXT2_STATE_VALID) != 0;
    *out = fs;
    return 0;
}

int ext2_unmount(ext2_fs_t *fs)
{
    if (!fs)
        return -EXT2_EINVAL;
    int r = 0;
    if (!fs->read_only) {
        r = e2_fs_sync_order(fs, 0, true);
        if (r == 0 && fs->changed && fs->was_clean) {
            le16_put(fs->sb + SB_STATE,
                     (uint16_t)(le16_get(fs->sb + SB_STATE) | EXT2_STATE_VALID));
            r = sb_write(fs);
            if (r == 0)
                r = fs->dev.flush(fs->dev.ctx);
        }
    }
    fs_free(fs);
    return r;
}
