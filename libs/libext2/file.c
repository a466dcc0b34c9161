/*
 * File contents: read, write, truncate, stat.
 *
 * Holes read as zeros. Bytes past the end of file inside its last block are kept
 * zero (on truncate and on a write that leaves a gap), so that growing a file never
 * exposes old data. Reads of whole uncached blocks go straight to the caller's
 * buffer; everything else goes through the cache. Reads do not update atime (no
 * write traffic from reading).
 */
#include <string.h>

#include "ext2_priv.h"

/* Zero from `from` to the end of its block, if that block is mapped. */
static int zero_tail(ext2_fs_t *fs, ext2_inode_t *in, uint64_t from)
{
    uint32_t boff = (uint32_t)(from % fs->block_size);
    if (boff == 0)
        return 0;
    uint32_t pblk;
    bool fresh;
    int r = e2_inode_bmap(fs, in, from / fs->block_size, false, &pblk, &fresh);
    if (r || pblk == 0)
        return r;
    ext2_cbuf_t *cb;
    if ((r = e2_cache_get(fs, pblk, CB_DATA, in->ino, false, &cb)) != 0)
        return r;
    /* Usually zero already (mke2fs and we pad with zeros): then nothing to write. */
    for (uint32_t i = boff; i < fs->block_size; i++) {
        if (cb->data[i]) {
            memset(cb->data + boff, 0, fs->block_size - boff);
            e2_cache_dirty(fs, cb);
            break;
        }
    }
    e2_cache_put(fs, cb);
    return 0;
}

int64_t ext2_read(ext2_fs_t *fs, uint32_t ino, uint64_t off, void *buf, size_t len)
{
    if (!fs || (!buf && len))
        return -EXT2_EINVAL;
    ext2_inode_t in;
    int r = e2_inode_get(fs, ino, &in);
    if (r)
        return r;
    if (is_dir(&in))
        return -EXT2_EISDIR;
    if (!is_reg(&in) && !is_lnk(&in))
        return -EXT2_EINVAL;
    if (off >= in.size)
        return 0;
    if (len > in.size - off)
        len = (size_t)(in.size - off);
    uint8_t *out = buf;
    if (e2_inode_fast_symlink(fs, &in)) {
        for (size_t i = 0; i < len; i++) {
            size_t k = (size_t)off + i;
            out[i] = (uint8_t)(in.block[k / 4] >> (8 * (k % 4)));
        }
        return (int64_t)len;
    }
    size_t done = 0;
    while (done < len) {
        uint64_t pos = off + done;
        uint32_t boff = (uint32_t)(pos % fs->block_size);
        size_t n = fs->block_size - boff;
        if (n > len - done)
            n = len - done;
        uint32_t pblk;
        bool fresh;
        if ((r = e2_inode_bmap(fs, &in, pos / fs->block_size, false, &pblk, &fresh)) != 0)
            return r;
        if (pblk == 0) {
            memset(out + done, 0, n);
        } else if (n == fs->block_size && !e2_cache_peek(fs, pblk)) {
            if ((r = e2_dev_read_blocks(fs, pblk, 1, out + done)) != 0)
                return r;
        } else {
            ext2_cbuf_t *cb;
            if ((r = e2_cache_get(fs, pblk, CB_DATA, ino, false, &cb)) != 0)
                return r;
            memcpy(out + done, cb->data + boff, n);
            e2_cache_put(fs, cb);
        }
        done += n;
    }
    return (int64_t)done;
}

int64_t e2_file_write(ext2_fs_t *fs, ext2_inode_t *in, uint64_t off, const void *buf, size_t len)
{
    if (len == 0)
        return 0;
    if (off > fs->max_size || len > fs->max_size - off)
        return -EXT2_EFBIG;
    int r = e2_fs_begin_change(fs);
    if (r)
        return r;
    if (off > in->size && (r = zero_tail(fs, in, in->size)) != 0)
        return r;
    const uint32_t blocks_before = in->blocks;
    const uint8_t *src = buf;
    size_t done = 0;
    while (done < len) {
        uint64_t pos = off + done;
        uint32_t boff = (uint32_t)(pos % fs->block_size);
        size_t n = fs->block_size - boff;
        if (n > len - done)
            n = len - done;
        uint32_t pblk;
        bool fresh;
        if ((r = e2_inode_bmap(fs, in, pos / fs->block_size, true, &pblk, &fresh)) != 0)
            break;
        ext2_cbuf_t *cb;
        bool whole = n == fs->block_size;
        if ((r = e2_cache_get(fs, pblk, CB_DATA, in->ino, fresh || whole, &cb)) != 0)
            break;
        memcpy(cb->data + boff, src + done, n);
        e2_cache_dirty(fs, cb);
        e2_cache_put(fs, cb);
        done += n;
        if (off + done > in->size)
            in->size = off + done;
    }
    if (done > 0)
        in->mtime = in->ctime = e2_fs_now(fs);
    /* Written back even after an error if blocks were allocated; a refused write
     * changes nothing. */
    int r2 = 0;
    if (done > 0 || in->blocks != blocks_before)
        r2 = e2_inode_put(fs, in);
    if (done > 0)
        return (int64_t)done;
    return r ? r : r2;
}

/* The inode of a regular file the caller may read or change: reserved inode
 * numbers, directories and special files are refused, in that order. */
static int regular_inode(ext2_fs_t *fs, uint32_t ino, ext2_inode_t *in)
{
    if (ino_reserved(fs, ino))
        return -EXT2_EINVAL;
    int r = e2_inode_get(fs, ino, in);
    if (r)
        return r;
    if (is_dir(in))
        return -EXT2_EISDIR;
    if (!is_reg(in))
        return -EXT2_EINVAL;
    return 0;
}

int64_t ext2_write(ext2_fs_t *fs, uint32_t ino, uint64_t off, const void *buf, size_t len)
{
    if (!fs || (!buf && len))
        return -EXT2_EINVAL;
    ext2_inode_t in;
    int r = regular_inode(fs, ino, &in);
    if (r)
        return r;
    if (fs->read_only)
        return -EXT2_EROFS;
    return e2_file_write(fs, &in, off, buf, len);
}

int ext2_truncate(ext2_fs_t *fs, uint32_t ino, uint64_t size)
{
    if (!fs)
        return -EXT2_EINVAL;
    ext2_inode_t in;
    int r = regular_inode(fs, ino, &in);
    if (r)
        return r;
    if (size > fs->max_size)
        return -EXT2_EFBIG;
    if ((r = e2_fs_begin_change(fs)) != 0)
        return r;
    if (size < in.size) {
        uint64_t first = (size + fs->block_size - 1) / fs->block_size;
        /* Check the whole tree to be freed, and the new last block, first: a corrupt
         * file is refused intact. */
        uint32_t pblk;
        bool fresh;
        if ((r = e2_inode_check_from(fs, &in, first)) != 0 ||
            (r = e2_inode_bmap(fs, &in, size / fs->block_size, false, &pblk, &fresh)) != 0)
            return r;
        r = e2_inode_free_from(fs, &in, first);
        if (r == 0)
            r = zero_tail(fs, &in, size);
    } else if (size > in.size) {
        r = zero_tail(fs, &in, in.size);
    }
    if (r == 0)
        in.size = size;
    in.mtime = in.ctime = e2_fs_now(fs);
    int r2 = e2_inode_put(fs, &in);
    return r ? r : r2;
}

int ext2_stat(ext2_fs_t *fs, uint32_t ino, ext2_stat_t *st)
{
    if (!fs || !st)
        return -EXT2_EINVAL;
    ext2_inode_t in;
    int r = e2_inode_get(fs, ino, &in);
    if (r)
        return r;
    st->ino = ino;
    st->mode = in.mode;
    st->nlink = in.links;
    st->uid = in.uid;
    st->gid = in.gid;
    st->size = in.size;
    st->blocks = in.blocks;
    st->atime = in.atime;
    st->mtime = in.mtime;
    st->ctime = in.ctime;
    st->blksize = fs->block_size;
    return 0;
}
