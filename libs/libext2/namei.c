/*
 * Name operations: create, mkdir, symlink, link, unlink, rmdir, rename, release.
 *
 * Each operation checks everything it can before its first change (decode, then
 * perform), so a refused request writes nothing. Link counts follow the usual rules:
 * a directory has 2 + (number of subdirectories); a file one per name. An inode whose
 * last link goes is freed at once unless the caller still has it open (env.is_open),
 * in which case ext2_release frees it later.
 */
#include <string.h>

#include "ext2_priv.h"

static int get_dir(ext2_fs_t *fs, uint32_t ino, ext2_inode_t *d)
{
    int r = e2_inode_get(fs, ino, d);
    if (r)
        return r;
    return is_dir(d) ? 0 : -EXT2_ENOTDIR;
}

/* The inode a directory entry names; a free one there is corruption. */
static int get_named(ext2_fs_t *fs, uint32_t ino, ext2_inode_t *in)
{
    int r = e2_inode_get(fs, ino, in);
    return r == -EXT2_ENOENT || r == -EXT2_EINVAL ? -EXT2_EUCLEAN : r;
}

static bool will_drop(ext2_fs_t *fs, const ext2_inode_t *in, uint32_t links_after)
{
    return links_after == 0 && !(fs->env.is_open && fs->env.is_open(fs->env.ctx, in->ino));
}

static int put_or_drop(ext2_fs_t *fs, ext2_inode_t *in)
{
    if (will_drop(fs, in, in->links))
        return e2_inode_drop(fs, in);
    return e2_inode_put(fs, in);
}

/* Decode-time check for a removal: if the inode will be freed, its block tree must
 * be sound, so that a corrupt one is refused before the name goes. */
static int check_drop(ext2_fs_t *fs, ext2_inode_t *in, uint32_t links_after)
{
    return will_drop(fs, in, links_after) ? e2_inode_check_from(fs, in, 0) : 0;
}

/* Checks common to every name-creating operation; *d is the parent's copy. */
static int prep_new_name(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len,
                         ext2_inode_t *d)
{
    int r = e2_name_check(name, len);
    if (r)
        return r;
    if ((r = get_dir(fs, dir, d)) != 0)
        return r;
    if (fs->read_only)
        return -EXT2_EROFS;
    if (d->links == 0)
        return -EXT2_ENOENT;   /* a removed directory still open somewhere */
    dir_slot_t slot;
    r = e2_dir_find(fs, d, name, len, &slot);
    if (r == 0)
        return -EXT2_EEXIST;
    return r == -EXT2_ENOENT ? 0 : r;
}

/* Allocate and initialise an inode of the given mode under parent. */
static int new_inode(ext2_fs_t *fs, ext2_inode_t *parent, uint16_t mode, ext2_inode_t *in)
{
    bool dir = (mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
    uint32_t ino;
    int r = e2_fs_begin_change(fs);
    if (r == 0)
        r = e2_alloc_inode(fs, parent->ino, dir, &ino);
    if (r == 0)
        r = e2_inode_init(fs, in, ino, mode);
    if (r == 0)
        in->links = dir ? 2 : 1;
    return r;
}

/* Undo new_inode after a later step failed (ENOSPC, usually). */
static void undo_inode(ext2_fs_t *fs, ext2_inode_t *in)
{
    in->links = 0;
    (void)e2_inode_drop(fs, in);
}

/* Name the new inode in the parent and write both back. */
static int link_new(ext2_fs_t *fs, ext2_inode_t *d, const char *name, size_t len,
                    ext2_inode_t *in)
{
    int r = e2_dir_add(fs, d, name, len, in->ino, e2_dir_type_of(in->mode));
    if (r) {
        (void)e2_inode_put(fs, d);   /* e2_dir_add may have allocated before failing */
        undo_inode(fs, in);
        return r;
    }
    if (is_dir(in))
        d->links++;
    if ((r = e2_inode_put(fs, in)) != 0)
        return r;
    return e2_inode_put(fs, d);
}

int ext2_create(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len, uint32_t mode,
                uint32_t *ino)
{
    if (!fs)
        return -EXT2_EINVAL;
    ext2_inode_t d, in;
    int r = prep_new_name(fs, dir, name, len, &d);
    if (r == 0)
        r = new_inode(fs, &d, (uint16_t)(EXT2_S_IFREG | (mode & 07777)), &in);
    if (r == 0)
        r = link_new(fs, &d, name, len, &in);
    if (r == 0 && ino)
        *ino = in.ino;
    return r;
}

int ext2_mkdir(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len, uint32_t mode,
               uint32_t *ino)
{
    if (!fs)
        return -EXT2_EINVAL;
    ext2_inode_t d, in;
    int r = prep_new_name(fs, dir, name, len, &d);
    if (r == 0 && d.links >= EXT2_LINK_MAX)
        r = -EXT2_EMLINK;
    if (r == 0)
        r = new_inode(fs, &d, (uint16_t)(EXT2_S_IFDIR | (mode & 07777)), &in);
    if (r)
        return r;
    if ((r = e2_dir_init_block(fs, &in, d.ino)) != 0) {
        undo_inode(fs, &in);
        return r;
    }
    if ((r = link_new(fs, &d, name, len, &in)) == 0 && ino)
        *ino = in.ino;
    return r;
}

int ext2_symlink(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len,
                 const char *target, size_t target_len, uint32_t *ino)
{
    if (!fs || (!target && target_len))
        return -EXT2_EINVAL;
    if (target_len == 0)
        return -EXT2_ENOENT;
    if (target_len >= fs->block_size)
        return -EXT2_ENAMETOOLONG;
    ext2_inode_t d, in;
    int r = prep_new_name(fs, dir, name, len, &d);
    if (r == 0)
        r = new_inode(fs, &d, (uint16_t)(EXT2_S_IFLNK | 0777), &in);
    if (r)
        return r;
    if (target_len < EXT2_N_BLOCKS * 4) {
        /* A fast symlink: the text lives in i_block itself. */
        for (size_t i = 0; i < target_len; i++)
            in.block[i / 4] |= (uint32_t)(uint8_t)target[i] << (8 * (i % 4));
        in.size = target_len;
    } else {
        int64_t w = e2_file_write(fs, &in, 0, target, target_len);
        if (w != (int64_t)target_len) {
            undo_inode(fs, &in);
            return w < 0 ? (int)w : -EXT2_ENOSPC;
        }
    }
    if ((r = link_new(fs, &d, name, len, &in)) == 0 && ino)
        *ino = in.ino;
    return r;
}

int ext2_link(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len, uint32_t ino)
{
    if (!fs)
        return -EXT2_EINVAL;
    ext2_inode_t d, in;
    if (ino_reserved(fs, ino))
        return -EXT2_EINVAL;
    int r = e2_inode_get(fs, ino, &in);
    if (r)
        return r;
    if (is_dir(&in))
        return -EXT2_EPERM;
    if (in.links >= EXT2_LINK_MAX)
        return -EXT2_EMLINK;
    if (in.links == 0)
        return -EXT2_ENOENT;   /* an unlinked open file cannot get a name back */
    if ((r = prep_new_name(fs, dir, name, len, &d)) != 0)
        return r;
    if ((r = e2_fs_begin_change(fs)) != 0)
        return r;
    if ((r = e2_dir_add(fs, &d, name, len, ino, e2_dir_type_of(in.mode))) != 0) {
        (void)e2_inode_put(fs, &d);
        return r;
    }
    in.links++;
    in.ctime = e2_fs_now(fs);
    if ((r = e2_inode_put(fs, &in)) != 0)
        return r;
    return e2_inode_put(fs, &d);
}

/* Checks common to unlink and rmdir: the parent, the entry, the inode it names. */
static int prep_remove(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len,
                       ext2_inode_t *d, dir_slot_t *slot, ext2_inode_t *t)
{
    int r = get_dir(fs, dir, d);
    if (r)
        return r;
    if (fs->read_only)
        return -EXT2_EROFS;
    if ((r = e2_dir_find(fs, d, name, len, slot)) != 0)
        return r;
    return get_named(fs, slot->ino, t);
}

int ext2_unlink(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len)
{
    if (!fs)
        return -EXT2_EINVAL;
    int r = e2_name_check(name, len);
    if (r)
        return r;
    if (e2_name_is_dot(name, len) || e2_name_is_dotdot(name, len))
        return -EXT2_EISDIR;
    ext2_inode_t d, t;
    dir_slot_t slot;
    if ((r = prep_remove(fs, dir, name, len, &d, &slot, &t)) != 0)
        return r;
    if (is_dir(&t))
        return -EXT2_EISDIR;
    if ((r = check_drop(fs, &t, t.links > 0 ? t.links - 1u : 0)) != 0)
        return r;
    if ((r = e2_fs_begin_change(fs)) != 0)
        return r;
    if ((r = e2_dir_remove(fs, &d, &slot)) != 0)
        return r;
    if ((r = e2_inode_put(fs, &d)) != 0)
        return r;
    if (t.links > 0)
        t.links--;
    t.ctime = e2_fs_now(fs);
    return put_or_drop(fs, &t);
}

int ext2_rmdir(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len)
{
    if (!fs)
        return -EXT2_EINVAL;
    int r = e2_name_check(name, len);
    if (r)
        return r;
    if (e2_name_is_dot(name, len))
        return -EXT2_EINVAL;
    if (e2_name_is_dotdot(name, len))
        return -EXT2_ENOTEMPTY;
    ext2_inode_t d, t;
    dir_slot_t slot;
    if ((r = prep_remove(fs, dir, name, len, &d, &slot, &t)) != 0)
        return r;
    if (!is_dir(&t))
        return -EXT2_ENOTDIR;
    if ((r = e2_dir_is_empty(fs, &t)) <= 0)
        return r == 0 ? -EXT2_ENOTEMPTY : r;
    if ((r = check_drop(fs, &t, 0)) != 0)
        return r;
    if ((r = e2_fs_begin_change(fs)) != 0)
        return r;
    if ((r = e2_dir_remove(fs, &d, &slot)) != 0)
        return r;
    if (d.links > 2)
        d.links--;   /* the child's ".." is gone */
    if ((r = e2_inode_put(fs, &d)) != 0)
        return r;
    t.links = 0;
    t.ctime = e2_fs_now(fs);
    return put_or_drop(fs, &t);
}

/* Is dir inside the subtree rooted at top (or top itself)? Walks ".." up to the root,
 * at most once per inode, so a cycle of ".." entries is reported, not followed. */
static int check_not_under(ext2_fs_t *fs, uint32_t dir, uint32_t top)
{
    uint32_t cur = dir;
    for (uint32_t steps = 0;; steps++) {
        if (cur == top)
            return -EXT2_EINVAL;
        if (cur == EXT2_ROOT_INO)
            return 0;
        if (steps > fs->inodes_count)
            return -EXT2_EUCLEAN;
        ext2_inode_t d;
        int r = get_named(fs, cur, &d);
        if (r)
            return r;
        if (!is_dir(&d))
            return -EXT2_EUCLEAN;
        dir_slot_t slot;
        if ((r = e2_dir_find(fs, &d, "..", 2, &slot)) != 0)
            return r == -EXT2_ENOENT ? -EXT2_EUCLEAN : r;
        if (slot.ino == cur)
            return -EXT2_EUCLEAN;   /* only the root is its own parent */
        cur = slot.ino;
    }
}

int ext2_rename(ext2_fs_t *fs, uint32_t src_dir, const char *src, size_t src_len,
                uint32_t dst_dir, const char *dst, size_t dst_len)
{
    if (!fs)
        return -EXT2_EINVAL;
    int r = e2_name_check(src, src_len);
    if (r == 0)
        r = e2_name_check(dst, dst_len);
    if (r)
        return r;
    if (e2_name_is_dot(src, src_len) || e2_name_is_dotdot(src, src_len) ||
        e2_name_is_dot(dst, dst_len) || e2_name_is_dotdot(dst, dst_len))
        return -EXT2_EINVAL;

    /* Decode: every check before the first change. */
    ext2_inode_t sd, dd_copy, *dd = &sd, s, t;
    if ((r = get_dir(fs, src_dir, &sd)) != 0)
        return r;
    if (dst_dir != src_dir) {
        dd = &dd_copy;
        if ((r = get_dir(fs, dst_dir, dd)) != 0)
            return r;
    }
    if (fs->read_only)
        return -EXT2_EROFS;
    if (dd->links == 0)
        return -EXT2_ENOENT;
    dir_slot_t ss, ds;
    if ((r = e2_dir_find(fs, &sd, src, src_len, &ss)) != 0)
        return r;
    if ((r = get_named(fs, ss.ino, &s)) != 0)
        return r;
    bool have_t = false;
    r = e2_dir_find(fs, dd, dst, dst_len, &ds);
    if (r == 0) {
        if (ds.ino == ss.ino)
            return 0;   /* two names of one file: POSIX says do nothing */
        if ((r = get_named(fs, ds.ino, &t)) != 0)
            return r;
        have_t = true;
    } else if (r != -EXT2_ENOENT) {
        return r;
    }
    bool moving_dir = is_dir(&s);
    dir_slot_t up;   /* the moved directory's "..", when it changes parent */
    if (moving_dir) {
        if (have_t) {
            if (!is_dir(&t))
                return -EXT2_ENOTDIR;
            if ((r = e2_dir_is_empty(fs, &t)) <= 0)
                return r == 0 ? -EXT2_ENOTEMPTY : r;
        }
        if (src_dir != dst_dir) {
            if ((r = check_not_under(fs, dst_dir, s.ino)) != 0)
                return r;
            if (!have_t && dd->links >= EXT2_LINK_MAX)
                return -EXT2_EMLINK;
            if ((r = e2_dir_find(fs, &s, "..", 2, &up)) != 0)
                return r == -EXT2_ENOENT ? -EXT2_EUCLEAN : r;
        }
    } else if (have_t && is_dir(&t)) {
        return -EXT2_EISDIR;
    }
    if (have_t && (r = check_drop(fs, &t, is_dir(&t) || t.links == 0 ? 0 : t.links - 1u)) != 0)
        return r;

    /* Perform: the new name, then the old one goes. Both are directory blocks and
     * land in the same sync stage; if a cut lets only the removal land, the inode
     * is still allocated and e2fsck reconnects it under lost+found. */
    if ((r = e2_fs_begin_change(fs)) != 0)
        return r;
    uint8_t type = e2_dir_type_of(s.mode);
    if (have_t)
        r = e2_dir_set(fs, dd, &ds, s.ino, type);
    else
        r = e2_dir_add(fs, dd, dst, dst_len, s.ino, type);
    if (r)
        return r;
    /* Find the old name again: adding may have split the record before it. */
    if ((r = e2_dir_find(fs, &sd, src, src_len, &ss)) != 0 || ss.ino != s.ino)
        return r ? r : -EXT2_EUCLEAN;
    if ((r = e2_dir_remove(fs, &sd, &ss)) != 0)
        return r;
    if (moving_dir && src_dir != dst_dir) {
        if ((r = e2_dir_set(fs, &s, &up, dst_dir, EXT2_FT_DIR)) != 0)
            return r;
        if (sd.links > 2)
            sd.links--;
        dd->links++;
    }
    if (have_t) {
        if (is_dir(&t)) {
            if (dd->links > 2)
                dd->links--;   /* the replaced directory's ".." */
            t.links = 0;
        } else if (t.links > 0) {
            t.links--;
        }
        t.ctime = e2_fs_now(fs);
    }
    s.ctime = e2_fs_now(fs);
    if ((r = e2_inode_put(fs, &s)) != 0 || (r = e2_inode_put(fs, &sd)) != 0)
        return r;
    if (dd != &sd && (r = e2_inode_put(fs, dd)) != 0)
        return r;
    return have_t ? put_or_drop(fs, &t) : 0;
}

int ext2_release(ext2_fs_t *fs, uint32_t ino)
{
    if (!fs)
        return -EXT2_EINVAL;
    ext2_inode_t in;
    if (ino_reserved(fs, ino))
        return -EXT2_EINVAL;
    int r = e2_inode_get(fs, ino, &in);
    if (r)
        return r;
    if (in.links != 0)
        return 0;
    /* Another reference still holds it (a second open file, a mapping): not yet. */
    if (fs->env.is_open && fs->env.is_open(fs->env.ctx, ino))
        return 0;
    if ((r = e2_fs_begin_change(fs)) != 0)
        return r;
    return e2_inode_drop(fs, &in);
}
