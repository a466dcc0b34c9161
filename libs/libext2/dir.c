/*
 * Directories: blocks of variable-length records chained by rec_len, each block's
 * chain covering it exactly. Every block is checked when it is read (rec_len at
 * least 8, a multiple of 4, inside the block; name_len fitting its record; inode
 * number valid) so that the walkers below never step out of a block or loop.
 * Directories are never sparse: a hole is corruption.
 *
 * We keep directories linear. A directory hashed by dir_index (EXT2_INDEX_FL) reads
 * fine linearly (its index blocks look like empty records); on our first change we
 * clear the flag, as the feature's compatibility rule expects of a writer that does
 * not maintain the index.
 */
#include <string.h>

#include "ext2_priv.h"

int e2_name_check(const char *name, size_t len)
{
    if (!name || len == 0)
        return -EXT2_ENOENT;
    if (len > EXT2_NAME_MAX)
        return -EXT2_ENAMETOOLONG;
    for (size_t i = 0; i < len; i++)
        if (name[i] == '/' || name[i] == '\0')
            return -EXT2_EINVAL;
    return 0;
}

bool e2_name_is_dot(const char *name, size_t len) { return len == 1 && name[0] == '.'; }
bool e2_name_is_dotdot(const char *name, size_t len)
{
    return len == 2 && name[0] == '.' && name[1] == '.';
}

uint8_t e2_dir_type_of(uint16_t mode)
{
    switch (mode & EXT2_S_IFMT) {
    case EXT2_S_IFREG: return EXT2_FT_REG;
    case EXT2_S_IFDIR: return EXT2_FT_DIR;
    case EXT2_S_IFCHR: return EXT2_FT_CHRDEV;
    case EXT2_S_IFBLK: return EXT2_FT_BLKDEV;
    case EXT2_S_IFIFO: return EXT2_FT_FIFO;
    case EXT2_S_IFSOCK: return EXT2_FT_SOCK;
    case EXT2_S_IFLNK: return EXT2_FT_SYMLINK;
    default: return EXT2_FT_UNKNOWN;
    }
}

static uint32_t de_name_len(const ext2_fs_t *fs, const uint8_t *e)
{
    return fs->filetype ? e[DE_NAME_LEN] : le16_get(e + DE_NAME_LEN);
}

static uint8_t de_type(const ext2_fs_t *fs, const uint8_t *e)
{
    return fs->filetype ? e[DE_FILE_TYPE] : EXT2_FT_UNKNOWN;
}

/* May a directory entry name this inode? The root, or a non-reserved inode. */
static bool de_ino_ok(const ext2_fs_t *fs, uint32_t ino)
{
    return ino == EXT2_ROOT_INO || (ino >= fs->first_ino && ino <= fs->inodes_count);
}

static int dir_block_check(const ext2_fs_t *fs, const uint8_t *b)
{
    uint32_t bs = fs->block_size, off = 0;
    while (off < bs) {
        if (bs - off < DE_HEADER)
            return -EXT2_EUCLEAN;
        const uint8_t *e = b + off;
        uint32_t rec = le16_get(e + DE_REC_LEN), nl = de_name_len(fs, e);
        uint32_t ino = le32_get(e + DE_INODE);
        if (rec < DE_HEADER || rec % 4 || rec > bs - off || DE_HEADER + nl > rec ||
            nl > EXT2_NAME_MAX)
            return -EXT2_EUCLEAN;
        if (ino && (nl == 0 || !de_ino_ok(fs, ino)))
            return -EXT2_EUCLEAN;
        off += rec;
    }
    return 0;
}

/* Directory block lblk, pinned and checked. */
static int dir_get_block(ext2_fs_t *fs, ext2_inode_t *dir, uint32_t lblk, ext2_cbuf_t **out)
{
    uint32_t pblk;
    bool fresh;
    int r = e2_inode_bmap(fs, dir, lblk, false, &pblk, &fresh);
    if (r)
        return r;
    if (pblk == 0)
        return -EXT2_EUCLEAN;
    if ((r = e2_cache_get(fs, pblk, CB_DIR, dir->ino, false, out)) != 0)
        return r;
    if ((r = dir_block_check(fs, (*out)->data)) != 0) {
        e2_cache_put(fs, *out);
        return r;
    }
    return 0;
}

static uint32_t dir_nblocks(const ext2_fs_t *fs, const ext2_inode_t *dir)
{
    return (uint32_t)(dir->size / fs->block_size);
}

static void dir_touch(ext2_fs_t *fs, ext2_inode_t *dir)
{
    dir->mtime = dir->ctime = e2_fs_now(fs);
    dir->flags &= ~EXT2_INDEX_FL;
}

static void de_write(ext2_fs_t *fs, uint8_t *e, uint32_t rec, const char *name, size_t len,
                     uint32_t ino, uint8_t type)
{
    memset(e, 0, de_size((uint32_t)len));
    le32_put(e + DE_INODE, ino);
    le16_put(e + DE_REC_LEN, (uint16_t)rec);
    if (fs->filetype) {
        e[DE_NAME_LEN] = (uint8_t)len;
        e[DE_FILE_TYPE] = type;
    } else {
        le16_put(e + DE_NAME_LEN, (uint16_t)len);
    }
    memcpy(e + DE_NAME, name, len);
}

int e2_dir_find(ext2_fs_t *fs, ext2_inode_t *dir, const char *name, size_t len, dir_slot_t *slot)
{
    for (uint32_t lblk = 0; lblk < dir_nblocks(fs, dir); lblk++) {
        ext2_cbuf_t *cb;
        int r = dir_get_block(fs, dir, lblk, &cb);
        if (r)
            return r;
        int32_t prev = -1;
        for (uint32_t off = 0; off < fs->block_size;) {
            const uint8_t *e = cb->data + off;
            uint32_t ino = le32_get(e + DE_INODE);
            if (ino && de_name_len(fs, e) == len && memcmp(e + DE_NAME, name, len) == 0) {
                slot->ino = ino;
                slot->type = de_type(fs, e);
                slot->lblk = lblk;
                slot->off = off;
                slot->prev = prev;
                e2_cache_put(fs, cb);
                return 0;
            }
            prev = (int32_t)off;
            off += le16_get(e + DE_REC_LEN);
        }
        e2_cache_put(fs, cb);
    }
    return -EXT2_ENOENT;
}

/* Add a name: into the slack of an existing record if one has room, else into a
 * new block at the end. The caller writes the directory inode back. */
int e2_dir_add(ext2_fs_t *fs, ext2_inode_t *dir, const char *name, size_t len, uint32_t ino,
            uint8_t type)
{
    uint32_t need = de_size((uint32_t)len);
    ext2_cbuf_t *cb;
    int r;
    for (uint32_t lblk = 0; lblk < dir_nblocks(fs, dir); lblk++) {
        if ((r = dir_get_block(fs, dir, lblk, &cb)) != 0)
            return r;
        for (uint32_t off = 0; off < fs->block_size;) {
            uint8_t *e = cb->data + off;
            uint32_t rec = le16_get(e + DE_REC_LEN);
            uint32_t used = le32_get(e + DE_INODE) ? de_size(de_name_len(fs, e)) : 0;
            if (rec >= used + need) {
                if (used) {
                    le16_put(e + DE_REC_LEN, (uint16_t)used);
                    de_write(fs, e + used, rec - used, name, len, ino, type);
                } else {
                    de_write(fs, e, rec, name, len, ino, type);
                }
                e2_cache_dirty(fs, cb);
                e2_cache_put(fs, cb);
                dir_touch(fs, dir);
                return 0;
            }
            off += rec;
        }
        e2_cache_put(fs, cb);
    }
    uint64_t lblk = dir->size / fs->block_size;
    if (dir->size + fs->block_size > fs->max_size)
        return -EXT2_EFBIG;
    uint32_t pblk;
    bool fresh;
    if ((r = e2_inode_bmap(fs, dir, lblk, true, &pblk, &fresh)) != 0)
        return r;
    if ((r = e2_cache_get(fs, pblk, CB_DIR, dir->ino, true, &cb)) != 0)
        return r;
    de_write(fs, cb->data, fs->block_size, name, len, ino, type);
    e2_cache_dirty(fs, cb);
    e2_cache_put(fs, cb);
    dir->size += fs->block_size;
    dir_touch(fs, dir);
    return 0;
}

/* The entry at slot, pinned, after checking it still names slot->ino. */
static int dir_slot_block(ext2_fs_t *fs, ext2_inode_t *dir, const dir_slot_t *slot,
                          ext2_cbuf_t **cb)
{
    int r = dir_get_block(fs, dir, slot->lblk, cb);
    if (r)
        return r;
    if (slot->off >= fs->block_size ||
        le32_get((*cb)->data + slot->off + DE_INODE) != slot->ino) {
        e2_cache_put(fs, *cb);
        return -EXT2_EINVAL;   /* a stale slot: the caller's bug */
    }
    return 0;
}

int e2_dir_remove(ext2_fs_t *fs, ext2_inode_t *dir, const dir_slot_t *slot)
{
    ext2_cbuf_t *cb;
    int r = dir_slot_block(fs, dir, slot, &cb);
    if (r)
        return r;
    uint8_t *e = cb->data + slot->off;
    if (slot->prev >= 0) {
        /* Merge into the previous record, as rec_len chaining allows. */
        uint8_t *p = cb->data + slot->prev;
        if ((uint32_t)slot->prev + le16_get(p + DE_REC_LEN) != slot->off) {
            e2_cache_put(fs, cb);
            return -EXT2_EINVAL;
        }
        le16_put(p + DE_REC_LEN, (uint16_t)(le16_get(p + DE_REC_LEN) + le16_get(e + DE_REC_LEN)));
    }
    le32_put(e + DE_INODE, 0);
    e2_cache_dirty(fs, cb);
    e2_cache_put(fs, cb);
    dir_touch(fs, dir);
    return 0;
}

int e2_dir_set(ext2_fs_t *fs, ext2_inode_t *dir, const dir_slot_t *slot, uint32_t ino, uint8_t type)
{
    ext2_cbuf_t *cb;
    int r = dir_slot_block(fs, dir, slot, &cb);
    if (r)
        return r;
    uint8_t *e = cb->data + slot->off;
    le32_put(e + DE_INODE, ino);
    if (fs->filetype)
        e[DE_FILE_TYPE] = type;
    e2_cache_dirty(fs, cb);
    e2_cache_put(fs, cb);
    dir_touch(fs, dir);
    return 0;
}

/* 1 if only "." and ".." are left, 0 if not, or an error. */
int e2_dir_is_empty(ext2_fs_t *fs, ext2_inode_t *dir)
{
    for (uint32_t lblk = 0; lblk < dir_nblocks(fs, dir); lblk++) {
        ext2_cbuf_t *cb;
        int r = dir_get_block(fs, dir, lblk, &cb);
        if (r)
            return r;
        for (uint32_t off = 0; off < fs->block_size;) {
            const uint8_t *e = cb->data + off;
            uint32_t nl = de_name_len(fs, e);
            const char *n = (const char *)e + DE_NAME;
            if (le32_get(e + DE_INODE) && !e2_name_is_dot(n, nl) && !e2_name_is_dotdot(n, nl)) {
                e2_cache_put(fs, cb);
                return 0;
            }
            off += le16_get(e + DE_REC_LEN);
        }
        e2_cache_put(fs, cb);
    }
    return 1;
}

/* A new directory's first block: "." and "..". */
int e2_dir_init_block(ext2_fs_t *fs, ext2_inode_t *dir, uint32_t parent)
{
    uint32_t pblk;
    bool fresh;
    int r = e2_inode_bmap(fs, dir, 0, true, &pblk, &fresh);
    if (r)
        return r;
    ext2_cbuf_t *cb;
    if ((r = e2_cache_get(fs, pblk, CB_DIR, dir->ino, true, &cb)) != 0)
        return r;
    uint32_t dot = de_size(1);
    de_write(fs, cb->data, dot, ".", 1, dir->ino, EXT2_FT_DIR);
    de_write(fs, cb->data + dot, fs->block_size - dot, "..", 2, parent, EXT2_FT_DIR);
    e2_cache_dirty(fs, cb);
    e2_cache_put(fs, cb);
    dir->size = fs->block_size;
    return 0;
}

int ext2_lookup(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len, uint32_t *ino)
{
    if (!fs || !ino)
        return -EXT2_EINVAL;
    int r = e2_name_check(name, len);
    if (r)
        return r;
    ext2_inode_t d;
    if ((r = e2_inode_get(fs, dir, &d)) != 0)
        return r;
    if (!is_dir(&d))
        return -EXT2_ENOTDIR;
    dir_slot_t slot;
    if ((r = e2_dir_find(fs, &d, name, len, &slot)) != 0)
        return r;
    *ino = slot.ino;
    return 0;
}

int ext2_lookup_path(ext2_fs_t *fs, const char *path, uint32_t *ino)
{
    if (!fs || !path || !ino)
        return -EXT2_EINVAL;
    uint32_t cur = EXT2_ROOT_INO;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        size_t n = 0;
        while (p[n] && p[n] != '/')
            n++;
        int r = ext2_lookup(fs, cur, p, n, &cur);
        if (r)
            return r;
        p += n;
    }
    *ino = cur;
    return 0;
}

int ext2_readdir(ext2_fs_t *fs, uint32_t dir, uint64_t *cookie, ext2_dirent_t *out)
{
    if (!fs || !cookie || !out)
        return -EXT2_EINVAL;
    ext2_inode_t d;
    int r = e2_inode_get(fs, dir, &d);
    if (r)
        return r;
    if (!is_dir(&d))
        return -EXT2_ENOTDIR;
    while (*cookie < d.size) {
        uint32_t lblk = (uint32_t)(*cookie / fs->block_size);
        uint32_t from = (uint32_t)(*cookie % fs->block_size);
        ext2_cbuf_t *cb;
        if ((r = dir_get_block(fs, &d, lblk, &cb)) != 0)
            return r;
        for (uint32_t off = 0; off < fs->block_size;) {
            const uint8_t *e = cb->data + off;
            uint32_t rec = le16_get(e + DE_REC_LEN);
            uint32_t ino = le32_get(e + DE_INODE);
            if (off >= from && ino) {
                out->ino = ino;
                out->name_len = (uint8_t)de_name_len(fs, e);
                memcpy(out->name, e + DE_NAME, out->name_len);
                out->name[out->name_len] = '\0';
                out->type = de_type(fs, e);
                e2_cache_put(fs, cb);
                *cookie = (uint64_t)lblk * fs->block_size + off + rec;
                if (!fs->filetype) {
                    ext2_inode_t t;
                    if (e2_inode_get(fs, ino, &t) == 0)
                        out->type = e2_dir_type_of(t.mode);
                }
                return 1;
            }
            off += rec;
        }
        e2_cache_put(fs, cb);
        *cookie = (uint64_t)(lblk + 1) * fs->block_size;
    }
    return 0;
}
