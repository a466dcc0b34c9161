/*
 * Block and inode allocation: the bitmaps (one block each per group) and the group
 * descriptors' counters. A bit that is clear where it must be set (a double free),
 * or set free on a metadata block, means the image is corrupt.
 *
 * Policy: first fit from a goal group, so a file written sequentially gets
 * consecutive blocks; new directories go to the group with the most free inodes.
 *
 * Deferred frees: a freed block or inode counts as free at once but keeps its bitmap
 * bit until the next sync has written the inode tables (e2_commit_frees), so it
 * cannot be reused, and overwritten, while the disk still refers to it. Otherwise a
 * cut power could leave a file that was truncated or deleted, but whose change had
 * not landed, holding another file's newer data, or a new file's name leading to a
 * deleted file's inode. Frees of the change in progress wait for a sync between
 * changes.
 */
#include <string.h>

#include "ext2_priv.h"

static uint32_t group_blocks(const ext2_fs_t *fs, uint32_t g)
{
    uint32_t start = fs->first_data_block + g * fs->blocks_per_group;
    uint32_t n = fs->blocks_count - start;
    return n < fs->blocks_per_group ? n : fs->blocks_per_group;
}

/* Group g's block bitmap (or inode bitmap), pinned. */
static int get_bitmap(ext2_fs_t *fs, uint32_t g, bool inodes, ext2_cbuf_t **cb)
{
    uint32_t blk = le32_get(e2_fs_gd(fs, g) + (inodes ? GD_INODE_BITMAP : GD_BLOCK_BITMAP));
    return e2_cache_get(fs, blk, CB_META, 0, false, cb);
}

static void gd_add16(ext2_fs_t *fs, uint32_t g, uint32_t field, int delta)
{
    uint8_t *p = e2_fs_gd(fs, g) + field;
    le16_put(p, (uint16_t)(le16_get(p) + delta));
    fs->gdt_dirty = true;
    fs->sb_dirty = true;
}

/* First clear bit below n, or -1. */
static int64_t find_zero(const uint8_t *map, uint32_t n)
{
    for (uint32_t byte = 0; byte < (n + 7) / 8; byte++) {
        if (map[byte] == 0xFF)
            continue;
        for (uint32_t bit = 0; bit < 8; bit++) {
            uint32_t i = byte * 8 + bit;
            if (i < n && !(map[byte] & (1u << bit)))
                return i;
        }
    }
    return -1;
}

static int alloc_block_once(ext2_fs_t *fs, uint32_t goal_group, uint32_t *blk)
{
    for (uint32_t i = 0; i < fs->groups; i++) {
        uint32_t g = (goal_group + i) % fs->groups;
        if (le16_get(e2_fs_gd(fs, g) + GD_FREE_BLOCKS) == 0)
            continue;
        ext2_cbuf_t *cb;
        int r = get_bitmap(fs, g, false, &cb);
        if (r)
            return r;
        int64_t bit = find_zero(cb->data, group_blocks(fs, g));
        if (bit < 0) {
            e2_cache_put(fs, cb);   /* the counter was wrong; look elsewhere */
            continue;
        }
        uint32_t b = fs->first_data_block + g * fs->blocks_per_group + (uint32_t)bit;
        if (!e2_fs_data_block_ok(fs, b)) {
            e2_cache_put(fs, cb);
            return -EXT2_EUCLEAN;   /* the bitmap offers a metadata block */
        }
        cb->data[bit / 8] |= (uint8_t)(1u << (bit % 8));
        e2_cache_dirty(fs, cb);
        e2_cache_put(fs, cb);
        gd_add16(fs, g, GD_FREE_BLOCKS, -1);
        *blk = b;
        return 0;
    }
    return -EXT2_ENOSPC;
}

int e2_alloc_block(ext2_fs_t *fs, uint32_t goal_group, uint32_t *blk)
{
    int r = alloc_block_once(fs, goal_group, blk);
    if (r == -EXT2_ENOSPC && fs->n_dfree) {
        /* The free blocks may all be waiting for a sync: commit what we may. */
        if ((r = e2_fs_sync_order(fs, 0, false)) != 0)
            return r;
        r = alloc_block_once(fs, goal_group, blk);
    }
    return r;
}

/* Clear the bitmap bit of a deferred free. */
static int bitmap_clear(ext2_fs_t *fs, const struct ext2_dfree *f)
{
    uint32_t g, bit;
    if (f->inode) {
        g = (f->num - 1) / fs->inodes_per_group;
        bit = (f->num - 1) % fs->inodes_per_group;
    } else {
        g = (f->num - fs->first_data_block) / fs->blocks_per_group;
        bit = (f->num - fs->first_data_block) % fs->blocks_per_group;
    }
    ext2_cbuf_t *cb;
    int r = get_bitmap(fs, g, f->inode, &cb);
    if (r)
        return r;
    cb->data[bit / 8] &= (uint8_t)~(1u << (bit % 8));
    e2_cache_dirty(fs, cb);
    e2_cache_put(fs, cb);
    return 0;
}

/* Release the deferred frees made before the change in progress (all of them when
 * no change is in progress): the inode tables that dropped them have been written. */
int e2_commit_frees(ext2_fs_t *fs, bool all)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < fs->n_dfree; i++) {
        if (!all && fs->dfree[i].seq == fs->op_seq) {
            fs->dfree[kept++] = fs->dfree[i];
            continue;
        }
        int r = bitmap_clear(fs, &fs->dfree[i]);
        if (r) {
            /* Keep the rest for the next sync. */
            while (i < fs->n_dfree)
                fs->dfree[kept++] = fs->dfree[i++];
            fs->n_dfree = kept;
            return r;
        }
    }
    fs->n_dfree = kept;
    return 0;
}

void e2_dfree_destroy(ext2_fs_t *fs)
{
    if (fs->dfree)
        fs->env.free(fs->env.ctx, fs->dfree, sizeof(*fs->dfree) * fs->cap_dfree);
    fs->dfree = NULL;
    fs->n_dfree = fs->cap_dfree = 0;
}

/* Remember a free for later; false if there is no room (then it is done at once). */
static bool dfree_add(ext2_fs_t *fs, uint32_t num, bool inode)
{
    if (fs->n_dfree == fs->cap_dfree) {
        uint32_t cap = fs->cap_dfree ? 2 * fs->cap_dfree : 256;
        struct ext2_dfree *n = fs->env.alloc(fs->env.ctx, sizeof(*n) * cap);
        if (!n)
            return false;
        if (fs->dfree) {
            memcpy(n, fs->dfree, sizeof(*n) * fs->n_dfree);
            fs->env.free(fs->env.ctx, fs->dfree, sizeof(*n) * fs->cap_dfree);
        }
        fs->dfree = n;
        fs->cap_dfree = cap;
    }
    fs->dfree[fs->n_dfree].num = num;
    fs->dfree[fs->n_dfree].inode = inode;
    fs->dfree[fs->n_dfree].seq = fs->op_seq;
    fs->n_dfree++;
    return true;
}

/* The block bitmap buffer (held: the caller puts it) and the bit that say whether
 * data block blk is in use; -EXT2_EUCLEAN for a block outside the data area. */
static int block_bit(ext2_fs_t *fs, uint32_t blk, uint32_t *group, ext2_cbuf_t **cb,
                     uint8_t **byte, uint8_t *mask)
{
    if (!e2_fs_data_block_ok(fs, blk))
        return -EXT2_EUCLEAN;
    uint32_t g = (blk - fs->first_data_block) / fs->blocks_per_group;
    uint32_t bit = (blk - fs->first_data_block) % fs->blocks_per_group;
    int r = get_bitmap(fs, g, false, cb);
    if (r)
        return r;
    *group = g;
    *byte = &(*cb)->data[bit / 8];
    *mask = (uint8_t)(1u << (bit % 8));
    return 0;
}

/* 0 if blk may be freed (a data block marked in use), else -EXT2_EUCLEAN. */
int e2_block_check_used(ext2_fs_t *fs, uint32_t blk)
{
    uint32_t g;
    ext2_cbuf_t *cb;
    uint8_t *byte, m;
    int r = block_bit(fs, blk, &g, &cb, &byte, &m);
    if (r)
        return r;
    bool used = *byte & m;
    e2_cache_put(fs, cb);
    return used ? 0 : -EXT2_EUCLEAN;
}

int e2_free_block(ext2_fs_t *fs, uint32_t blk)
{
    uint32_t g;
    ext2_cbuf_t *cb;
    uint8_t *byte, m;
    int r = block_bit(fs, blk, &g, &cb, &byte, &m);
    if (r)
        return r;
    if (!(*byte & m)) {
        e2_cache_put(fs, cb);
        return -EXT2_EUCLEAN;   /* freeing a free block: shared or looping pointers */
    }
    if (!dfree_add(fs, blk, false))
        *byte &= (uint8_t)~m;
    e2_cache_dirty(fs, cb);
    e2_cache_put(fs, cb);
    gd_add16(fs, g, GD_FREE_BLOCKS, 1);
    e2_cache_forget(fs, blk);
    return 0;
}

static uint32_t pick_dir_group(ext2_fs_t *fs, uint32_t parent_group)
{
    uint32_t best = parent_group, best_free = 0;
    for (uint32_t i = 0; i < fs->groups; i++) {
        uint32_t g = (parent_group + i) % fs->groups;
        uint32_t f = le16_get(e2_fs_gd(fs, g) + GD_FREE_INODES);
        if (f > best_free && le16_get(e2_fs_gd(fs, g) + GD_FREE_BLOCKS) > 0) {
            best = g;
            best_free = f;
        }
    }
    return best;
}

static int alloc_inode_once(ext2_fs_t *fs, uint32_t parent, bool dir, uint32_t *ino)
{
    uint32_t pg = (parent - 1) / fs->inodes_per_group;
    uint32_t goal = dir ? pick_dir_group(fs, pg) : pg;
    for (uint32_t i = 0; i < fs->groups; i++) {
        uint32_t g = (goal + i) % fs->groups;
        if (le16_get(e2_fs_gd(fs, g) + GD_FREE_INODES) == 0)
            continue;
        ext2_cbuf_t *cb;
        int r = get_bitmap(fs, g, true, &cb);
        if (r)
            return r;
        int64_t bit = -1;
        for (uint32_t b = 0; b < fs->inodes_per_group; b++) {
            uint32_t n = g * fs->inodes_per_group + b + 1;
            if (n >= fs->first_ino && !(cb->data[b / 8] & (1u << (b % 8)))) {
                bit = b;
                break;
            }
            if (cb->data[b / 8] == 0xFF && b % 8 == 0)
                b += 7;   /* a full byte */
        }
        if (bit < 0) {
            e2_cache_put(fs, cb);
            continue;
        }
        cb->data[bit / 8] |= (uint8_t)(1u << (bit % 8));
        e2_cache_dirty(fs, cb);
        e2_cache_put(fs, cb);
        gd_add16(fs, g, GD_FREE_INODES, -1);
        if (dir)
            gd_add16(fs, g, GD_USED_DIRS, 1);
        *ino = g * fs->inodes_per_group + (uint32_t)bit + 1;
        return 0;
    }
    return -EXT2_ENOSPC;
}

int e2_alloc_inode(ext2_fs_t *fs, uint32_t parent, bool dir, uint32_t *ino)
{
    int r = alloc_inode_once(fs, parent, dir, ino);
    if (r == -EXT2_ENOSPC && fs->n_dfree) {
        if ((r = e2_fs_sync_order(fs, 0, false)) != 0)
            return r;
        r = alloc_inode_once(fs, parent, dir, ino);
    }
    return r;
}

int e2_free_inode_bit(ext2_fs_t *fs, uint32_t ino, bool dir)
{
    if (ino < fs->first_ino || ino > fs->inodes_count)
        return -EXT2_EUCLEAN;
    uint32_t g = (ino - 1) / fs->inodes_per_group;
    uint32_t bit = (ino - 1) % fs->inodes_per_group;
    ext2_cbuf_t *cb;
    int r = get_bitmap(fs, g, true, &cb);
    if (r)
        return r;
    uint8_t m = (uint8_t)(1u << (bit % 8));
    if (!(cb->data[bit / 8] & m)) {
        e2_cache_put(fs, cb);
        return -EXT2_EUCLEAN;
    }
    if (!dfree_add(fs, ino, true))
        cb->data[bit / 8] &= (uint8_t)~m;
    e2_cache_dirty(fs, cb);
    e2_cache_put(fs, cb);
    gd_add16(fs, g, GD_FREE_INODES, 1);
    if (dir && le16_get(e2_fs_gd(fs, g) + GD_USED_DIRS) > 0)
        gd_add16(fs, g, GD_USED_DIRS, -1);
    return 0;
}
