/*
 * Inodes: reading and writing them in the inode tables, mapping a file's logical
 * blocks through direct, indirect, doubly and triply indirect pointers, and freeing
 * blocks from a point onwards (truncate) or altogether (delete).
 *
 * Indirect trees are walked to a fixed depth, so they cannot loop; a pointer equal
 * to one of its ancestors (an indirect block naming itself) is refused as corrupt
 * before it is read or written through.
 */
#include <string.h>

#include "ext2_priv.h"

static int inode_loc(ext2_fs_t *fs, uint32_t ino, uint32_t *blk, uint32_t *off)
{
    if (ino == 0 || ino > fs->inodes_count)
        return -EXT2_EINVAL;
    uint32_t g = (ino - 1) / fs->inodes_per_group;
    uint32_t idx = (ino - 1) % fs->inodes_per_group;
    *blk = le32_get(e2_fs_gd(fs, g) + GD_INODE_TABLE) + idx / fs->inodes_per_block;
    *off = (idx % fs->inodes_per_block) * fs->inode_size;
    return 0;
}

/* Is ino's inode-table block dirty in the cache (so a sync will write the inode)? */
bool e2_inode_table_dirty(ext2_fs_t *fs, uint32_t ino)
{
    uint32_t blk, off;
    if (inode_loc(fs, ino, &blk, &off))
        return false;
    ext2_cbuf_t *c = e2_cache_peek(fs, blk);
    return c && c->dirty;
}

bool e2_inode_fast_symlink(const ext2_fs_t *fs, const ext2_inode_t *in)
{
    uint32_t ea = in->file_acl ? fs->sect_per_block : 0;
    return is_lnk(in) && in->blocks == ea;
}

/* Is the inode's shape possible? Catches sizes that no block map can back. */
static int inode_check(const ext2_fs_t *fs, const ext2_inode_t *in)
{
    switch (in->mode & EXT2_S_IFMT) {
    case EXT2_S_IFREG:
        return in->size > fs->max_size ? -EXT2_EUCLEAN : 0;
    case EXT2_S_IFDIR:
        /* Directories are never sparse: size is whole blocks, all allocated. */
        if (in->size == 0 || in->size % fs->block_size || in->size > fs->max_size ||
            (uint64_t)in->blocks * EXT2_SECTOR_SIZE < in->size)
            return -EXT2_EUCLEAN;
        return 0;
    case EXT2_S_IFLNK:
        if (in->size >= fs->block_size)
            return -EXT2_EUCLEAN;
        if (e2_inode_fast_symlink(fs, in) && in->size >= EXT2_N_BLOCKS * 4)
            return -EXT2_EUCLEAN;
        return 0;
    case EXT2_S_IFCHR: case EXT2_S_IFBLK: case EXT2_S_IFIFO: case EXT2_S_IFSOCK:
        return 0;
    default:
        return -EXT2_EUCLEAN;
    }
}

int e2_inode_get(ext2_fs_t *fs, uint32_t ino, ext2_inode_t *in)
{
    uint32_t blk, off;
    int r = inode_loc(fs, ino, &blk, &off);
    if (r)
        return r;
    ext2_cbuf_t *cb;
    if ((r = e2_cache_get(fs, blk, CB_ITABLE, 0, false, &cb)) != 0)
        return r;
    const uint8_t *p = cb->data + off;
    memset(in, 0, sizeof(*in));
    in->ino = ino;
    in->mode = le16_get(p + IN_MODE);
    in->uid = le16_get(p + IN_UID) | ((uint32_t)le16_get(p + IN_UID_HIGH) << 16);
    in->gid = le16_get(p + IN_GID) | ((uint32_t)le16_get(p + IN_GID_HIGH) << 16);
    in->size = le32_get(p + IN_SIZE);
    if (is_reg(in) && fs->max_size > 0x7FFFFFFFu)
        in->size |= (uint64_t)le32_get(p + IN_SIZE_HIGH) << 32;
    in->atime = le32_get(p + IN_ATIME);
    in->ctime = le32_get(p + IN_CTIME);
    in->mtime = le32_get(p + IN_MTIME);
    in->dtime = le32_get(p + IN_DTIME);
    in->links = le16_get(p + IN_LINKS);
    in->blocks = le32_get(p + IN_BLOCKS);
    in->flags = le32_get(p + IN_FLAGS);
    in->file_acl = le32_get(p + IN_FILE_ACL);
    for (uint32_t i = 0; i < EXT2_N_BLOCKS; i++)
        in->block[i] = le32_get(p + IN_BLOCK + 4 * i);
    e2_cache_put(fs, cb);
    if (in->mode == 0)
        return -EXT2_ENOENT;   /* a free inode */
    return inode_check(fs, in);
}

int e2_inode_put(ext2_fs_t *fs, const ext2_inode_t *in)
{
    uint32_t blk, off;
    int r = inode_loc(fs, in->ino, &blk, &off);
    if (r)
        return r;
    ext2_cbuf_t *cb;
    if ((r = e2_cache_get(fs, blk, CB_ITABLE, 0, false, &cb)) != 0)
        return r;
    uint8_t *p = cb->data + off;
    le16_put(p + IN_MODE, in->mode);
    le16_put(p + IN_UID, (uint16_t)in->uid);
    le16_put(p + IN_UID_HIGH, (uint16_t)(in->uid >> 16));
    le16_put(p + IN_GID, (uint16_t)in->gid);
    le16_put(p + IN_GID_HIGH, (uint16_t)(in->gid >> 16));
    le32_put(p + IN_SIZE, (uint32_t)in->size);
    if (is_reg(in))
        le32_put(p + IN_SIZE_HIGH, (uint32_t)(in->size >> 32));
    le32_put(p + IN_ATIME, in->atime);
    le32_put(p + IN_CTIME, in->ctime);
    le32_put(p + IN_MTIME, in->mtime);
    le32_put(p + IN_DTIME, in->dtime);
    le16_put(p + IN_LINKS, in->links);
    le32_put(p + IN_BLOCKS, in->blocks);
    le32_put(p + IN_FLAGS, in->flags);
    le32_put(p + IN_FILE_ACL, in->file_acl);
    for (uint32_t i = 0; i < EXT2_N_BLOCKS; i++)
        le32_put(p + IN_BLOCK + 4 * i, in->block[i]);
    e2_cache_dirty(fs, cb);
    e2_cache_put(fs, cb);
    if (in->size > 0x7FFFFFFFu) {
        uint32_t ro = le32_get(fs->sb + SB_FEATURE_RO_COMPAT);
        if (!(ro & EXT2_RO_COMPAT_LARGE_FILE)) {
            le32_put(fs->sb + SB_FEATURE_RO_COMPAT, ro | EXT2_RO_COMPAT_LARGE_FILE);
            fs->sb_dirty = true;
        }
    }
    return 0;
}

/* A newly allocated inode: the on-disk slot zeroed (large inodes get the extra-field
 * size Linux and mke2fs use), the copy filled in. */
int e2_inode_init(ext2_fs_t *fs, ext2_inode_t *in, uint32_t ino, uint16_t mode)
{
    uint32_t blk, off;
    int r = inode_loc(fs, ino, &blk, &off);
    if (r)
        return r;
    ext2_cbuf_t *cb;
    if ((r = e2_cache_get(fs, blk, CB_ITABLE, 0, false, &cb)) != 0)
        return r;
    memset(cb->data + off, 0, fs->inode_size);
    if (fs->inode_size >= EXT2_GOOD_OLD_INODE_SIZE + IN_EXTRA_ISIZE_DEFAULT)
        le16_put(cb->data + off + IN_EXTRA_ISIZE, IN_EXTRA_ISIZE_DEFAULT);
    e2_cache_dirty(fs, cb);
    e2_cache_put(fs, cb);
    memset(in, 0, sizeof(*in));
    in->ino = ino;
    in->mode = mode;
    in->atime = in->ctime = in->mtime = e2_fs_now(fs);
    return 0;
}

static uint32_t inode_group(const ext2_fs_t *fs, const ext2_inode_t *in)
{
    return (in->ino - 1) / fs->inodes_per_group;
}

/*
 * Logical block -> physical block. With alloc, missing indirect blocks and the data
 * block are allocated (zero-filled; *fresh says the data block is new), else a hole
 * gives *pblk = 0. The inode copy is updated; the caller writes it back.
 */
int e2_inode_bmap(ext2_fs_t *fs, ext2_inode_t *in, uint64_t lblk, bool alloc, uint32_t *pblk,
               bool *fresh)
{
    uint64_t p = fs->addr_per_block;
    uint32_t sh = fs->addr_shift, idx[3] = {0, 0, 0};
    uint32_t slot, depth;
    if (lblk < EXT2_NDIR_BLOCKS) {
        slot = (uint32_t)lblk;
        depth = 0;
    } else if ((lblk -= EXT2_NDIR_BLOCKS) < p) {
        slot = EXT2_IND_BLOCK;
        depth = 1;
        idx[0] = (uint32_t)lblk;
    } else if ((lblk -= p) < p * p) {
        slot = EXT2_DIND_BLOCK;
        depth = 2;
        idx[0] = (uint32_t)(lblk >> sh);
        idx[1] = (uint32_t)(lblk & (p - 1));
    } else if ((lblk -= p * p) < p * p * p) {
        slot = EXT2_TIND_BLOCK;
        depth = 3;
        idx[0] = (uint32_t)(lblk >> (2 * sh));
        idx[1] = (uint32_t)((lblk >> sh) & (p - 1));
        idx[2] = (uint32_t)(lblk & (p - 1));
    } else {
        return -EXT2_EFBIG;
    }

    *fresh = false;
    *pblk = 0;
    bool cur_fresh = false;
    uint32_t cur = in->block[slot], path[3];
    if (cur == 0) {
        if (!alloc)
            return 0;
        int r = e2_alloc_block(fs, inode_group(fs, in), &cur);
        if (r)
            return r;
        in->block[slot] = cur;
        in->blocks += fs->sect_per_block;
        cur_fresh = true;
    } else if (!e2_fs_data_block_ok(fs, cur)) {
        return -EXT2_EUCLEAN;
    }
    for (uint32_t level = 0; level < depth; level++) {
        ext2_cbuf_t *cb;
        int r = e2_cache_get(fs, cur, CB_IND, in->ino, cur_fresh, &cb);
        if (r)
            return r;
        cb->owner_dir = is_dir(in);
        if (cur_fresh)
            e2_cache_dirty(fs, cb);   /* a new indirect block is all zeros on disk too */
        path[level] = cur;
        uint32_t next = le32_get(cb->data + 4 * idx[level]);
        cur_fresh = false;
        if (next == 0) {
            if (!alloc) {
                e2_cache_put(fs, cb);
                return 0;
            }
            r = e2_alloc_block(fs, inode_group(fs, in), &next);
            if (r) {
                e2_cache_put(fs, cb);
                return r;
            }
            le32_put(cb->data + 4 * idx[level], next);
            e2_cache_dirty(fs, cb);
            in->blocks += fs->sect_per_block;
            cur_fresh = true;
        } else {
            bool bad = !e2_fs_data_block_ok(fs, next);
            for (uint32_t j = 0; j <= level; j++)
                bad |= next == path[j];   /* an indirect block reached twice */
            if (bad) {
                e2_cache_put(fs, cb);
                return -EXT2_EUCLEAN;
            }
        }
        e2_cache_put(fs, cb);
        cur = next;
    }
    if (cur_fresh) {
        /* Claim the new block's buffer now, zeroed and dirty: if a sync writes the
         * pointer to it before the caller fills it, zeros land first, never a
         * deleted file's old contents. */
        ext2_cbuf_t *cb;
        int r = e2_cache_get(fs, cur, is_dir(in) ? CB_DIR : CB_DATA, in->ino, true, &cb);
        if (r)
            return r;
        e2_cache_dirty(fs, cb);
        e2_cache_put(fs, cb);
    }
    *pblk = cur;
    *fresh = cur_fresh;
    return 0;
}

static void blocks_sub(ext2_fs_t *fs, ext2_inode_t *in)
{
    in->blocks = in->blocks >= fs->sect_per_block ? in->blocks - fs->sect_per_block : 0;
}

/* Free what *ptr maps at and beyond logical block `first`; depth 0 is a data block,
 * which covers one logical block at `base`. path holds the ancestors. With dry, only
 * check that the pointers are sound and the blocks marked in use, changing nothing. */
static int free_tree(ext2_fs_t *fs, ext2_inode_t *in, uint32_t *ptr, uint32_t depth,
                     uint64_t base, uint64_t first, uint32_t *path, bool dry)
{
    uint64_t span = 1ull << (fs->addr_shift * depth);
    if (*ptr == 0 || first >= base + span)
        return 0;
    if (!e2_fs_data_block_ok(fs, *ptr))
        return -EXT2_EUCLEAN;
    for (uint32_t j = 0; j < 3 - depth; j++)
        if (path[j] == *ptr)
            return -EXT2_EUCLEAN;
    if (depth > 0) {
        ext2_cbuf_t *cb;
        int r = e2_cache_get(fs, *ptr, CB_IND, in->ino, false, &cb);
        if (r)
            return r;
        cb->owner_dir = is_dir(in);
        path[3 - depth] = *ptr;
        uint64_t child = span >> fs->addr_shift;
        uint64_t j0 = first > base ? (first - base) / child : 0;
        for (uint64_t j = j0; j < fs->addr_per_block && r == 0; j++) {
            uint32_t e = le32_get(cb->data + 4 * j), e2 = e;
            r = free_tree(fs, in, &e2, depth - 1, base + j * child, first, path, dry);
            if (e2 != e) {
                le32_put(cb->data + 4 * j, e2);
                e2_cache_dirty(fs, cb);
            }
        }
        path[3 - depth] = 0;
        e2_cache_put(fs, cb);
        if (r)
            return r;
    }
    if (first <= base && dry)
        return e2_block_check_used(fs, *ptr);
    if (first <= base) {
        int r = e2_free_block(fs, *ptr);
        if (r)
            return r;
        *ptr = 0;
        blocks_sub(fs, in);
    }
    return 0;
}

static int free_from(ext2_fs_t *fs, ext2_inode_t *in, uint64_t first, bool dry)
{
    if (e2_inode_fast_symlink(fs, in))
        return 0;   /* i_block holds the link's text, not block numbers */
    for (uint32_t i = 0; i < EXT2_NDIR_BLOCKS; i++) {
        if (i < first || !in->block[i])
            continue;
        if (dry) {
            int r = e2_block_check_used(fs, in->block[i]);
            if (r)
                return r;
            continue;
        }
        int r = e2_free_block(fs, in->block[i]);
        if (r)
            return r;
        in->block[i] = 0;
        blocks_sub(fs, in);
    }
    uint64_t p = fs->addr_per_block;
    uint64_t base[3] = {EXT2_NDIR_BLOCKS, EXT2_NDIR_BLOCKS + p, EXT2_NDIR_BLOCKS + p + p * p};
    for (uint32_t d = 1; d <= 3; d++) {
        /* path[k]: the ancestor k levels below the inode, for the loop check. */
        uint32_t path[3] = {0, 0, 0};
        uint32_t *slot = &in->block[EXT2_IND_BLOCK + d - 1], copy = *slot;
        int r = free_tree(fs, in, dry ? &copy : slot, d, base[d - 1], first, path, dry);
        if (r)
            return r;
    }
    return 0;
}

int e2_inode_free_from(ext2_fs_t *fs, ext2_inode_t *in, uint64_t first)
{
    return free_from(fs, in, first, false);
}

int e2_inode_check_from(ext2_fs_t *fs, ext2_inode_t *in, uint64_t first)
{
    return free_from(fs, in, first, true);
}

/* Drop one reference to an extended-attribute block; free it with the last. */
static int ea_release(ext2_fs_t *fs, uint32_t blk)
{
    if (!e2_fs_data_block_ok(fs, blk))
        return -EXT2_EUCLEAN;
    ext2_cbuf_t *cb;
    int r = e2_cache_get(fs, blk, CB_META, 0, false, &cb);
    if (r)
        return r;
    if (le32_get(cb->data + EA_H_MAGIC) != EA_MAGIC) {
        e2_cache_put(fs, cb);
        return -EXT2_EUCLEAN;
    }
    uint32_t refs = le32_get(cb->data + EA_H_REFCOUNT);
    if (refs > 1) {
        le32_put(cb->data + EA_H_REFCOUNT, refs - 1);
        e2_cache_dirty(fs, cb);
        e2_cache_put(fs, cb);
        return 0;
    }
    e2_cache_put(fs, cb);
    return e2_free_block(fs, blk);
}

/* The inode has no links and no open references: free its blocks and itself. The
 * slot is zeroed with i_dtime set, as e2fsck expects of a deleted inode. */
int e2_inode_drop(ext2_fs_t *fs, ext2_inode_t *in)
{
    int r = free_from(fs, in, 0, true);
    if (r == 0)
        r = free_from(fs, in, 0, false);
    if (r)
        return r;
    if (in->file_acl && (r = ea_release(fs, in->file_acl)) != 0)
        return r;
    bool dir = is_dir(in);
    uint32_t ino = in->ino;
    if ((r = e2_inode_init(fs, in, ino, 0)) != 0)
        return r;
    in->atime = in->ctime = in->mtime = 0;
    /* e2fsck takes a deleted inode's i_dtime below s_inodes_count for a link of the
     * orphan list (pass 1, "part of the orphaned inode list"), so without a clock
     * (or with one still in January 1970) the deletion time is s_inodes_count. */
    uint32_t now = e2_fs_now(fs);
    in->dtime = now >= fs->inodes_count ? now : fs->inodes_count;
    if ((r = e2_inode_put(fs, in)) != 0)
        return r;
    return e2_free_inode_bit(fs, ino, dir);
}
