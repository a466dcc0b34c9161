/* /tmp: files and directories in fs0's memory, lost at power-off. A node table; a
 * directory's entries are the nodes naming it as parent. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "vfs.h"

#define TMP_NODES 256
#define TMP_NAME 64
#define TMP_FILE_MAX (16ul << 20)
#define T_ROOT 1

struct tnode {
    bool used, dir, linked;
    uint32_t parent;
    char name[TMP_NAME];
    char *data;
    uint64_t size, cap;
};
static struct tnode nodes[TMP_NODES];

static struct tnode *get(uint32_t ino)
{
    return ino > 0 && ino < TMP_NODES && nodes[ino].used ? &nodes[ino] : NULL;
}

static int find(uint32_t dir, const char *name, size_t len, uint32_t *ino)
{
    for (uint32_t i = 2; i < TMP_NODES; i++)
        if (nodes[i].used && nodes[i].linked && nodes[i].parent == dir &&
            strlen(nodes[i].name) == len && !memcmp(nodes[i].name, name, len)) {
            *ino = i;
            return 0;
        }
    return -ENOENT;
}

static int t_lookup(uint32_t dir, const char *name, size_t len, uint32_t *ino)
{
    struct tnode *d = get(dir);
    if (!d) return -ENOENT;
    if (!d->dir) return -ENOTDIR;
    return find(dir, name, len, ino);
}

static int t_stat(uint32_t ino, struct fs0_stat *st)
{
    struct tnode *n = get(ino);
    if (!n) return -ENOENT;
    *st = (struct fs0_stat){MNT_TMP + 1, ino, n->dir ? 0040777 : 0100666, n->linked ? 1 : 0,
                            n->size, (n->cap + 511) / 512, 0};
    return 0;
}

static int64_t t_read(uint32_t ino, uint64_t off, void *buf, size_t len)
{
    struct tnode *n = get(ino);
    if (!n) return -ENOENT;
    if (n->dir) return -EISDIR;
    if (off >= n->size) return 0;
    if (len > n->size - off) len = (size_t)(n->size - off);
    memcpy(buf, n->data + off, len);
    return (int64_t)len;
}

static int grow(struct tnode *n, uint64_t size)
{
    if (size > TMP_FILE_MAX) return -EFBIG;
    if (size > n->cap) {
        uint64_t cap = n->cap ? n->cap : 4096;
        while (cap < size) cap *= 2;
        char *d = realloc(n->data, cap);
        if (!d) return -ENOSPC;
        memset(d + n->cap, 0, cap - n->cap);
        n->data = d;
        n->cap = cap;
    }
    if (size > n->size) n->size = size;
    return 0;
}

static int64_t t_write(uint32_t ino, uint64_t off, const void *buf, size_t len)
{
    struct tnode *n = get(ino);
    if (!n) return -ENOENT;
    if (n->dir) return -EISDIR;
    if (!len) return 0;
    if (off + len < off) return -EFBIG;
    int r = grow(n, off + len);
    if (r) return r;
    memcpy(n->data + off, buf, len);
    return (int64_t)len;
}

static int t_truncate(uint32_t ino, uint64_t size)
{
    struct tnode *n = get(ino);
    if (!n) return -ENOENT;
    if (n->dir) return -EISDIR;
    if (size < n->size) {
        memset(n->data + size, 0, n->size - size);
        n->size = size;
        return 0;
    }
    return grow(n, size);
}

static int make(uint32_t dir, const char *name, size_t len, bool is_dir, uint32_t *ino)
{
    struct tnode *d = get(dir);
    uint32_t x;
    if (!d) return -ENOENT;
    if (!d->dir) return -ENOTDIR;
    if (len >= TMP_NAME) return -ENAMETOOLONG;
    if (!find(dir, name, len, &x)) return -EEXIST;
    for (uint32_t i = 2; i < TMP_NODES; i++)
        if (!nodes[i].used) {
            nodes[i] = (struct tnode){true, is_dir, true, dir, {0}, 0, 0, 0};
            memcpy(nodes[i].name, name, len);
            if (ino) *ino = i;
            return 0;
        }
    return -ENOSPC;
}

static void drop(uint32_t ino)
{
    struct tnode *n = get(ino);
    if (!n || n->linked || vfs_is_open(MNT_TMP, ino)) return;
    free(n->data);
    memset(n, 0, sizeof *n);
}

static int t_create(uint32_t dir, const char *name, size_t len, uint32_t mode, uint32_t *ino)
{
    (void)mode;
    return make(dir, name, len, false, ino);
}

static int t_mkdir(uint32_t dir, const char *name, size_t len, uint32_t mode)
{
    (void)mode;
    return make(dir, name, len, true, 0);
}

static bool empty(uint32_t dir)
{
    for (uint32_t i = 2; i < TMP_NODES; i++)
        if (nodes[i].used && nodes[i].linked && nodes[i].parent == dir) return false;
    return true;
}

static int t_unlink(uint32_t dir, const char *name, size_t len)
{
    uint32_t ino;
    int r = t_lookup(dir, name, len, &ino);
    if (r) return r;
    if (nodes[ino].dir) return -EISDIR;
    nodes[ino].linked = false;
    drop(ino);
    return 0;
}

static int t_rmdir(uint32_t dir, const char *name, size_t len)
{
    uint32_t ino;
    int r = t_lookup(dir, name, len, &ino);
    if (r) return r;
    if (!nodes[ino].dir) return -ENOTDIR;
    if (!empty(ino)) return -ENOTEMPTY;
    nodes[ino].linked = false;
    drop(ino);
    return 0;
}

static int t_rename(uint32_t sd, const char *sn, size_t sl, uint32_t dd, const char *dn, size_t dl)
{
    uint32_t src, dst;
    int r = t_lookup(sd, sn, sl, &src);
    if (r) return r;
    struct tnode *d = get(dd);
    if (!d) return -ENOENT;
    if (!d->dir) return -ENOTDIR;
    if (dl >= TMP_NAME) return -ENAMETOOLONG;
    /* A directory may not move below itself. */
    for (uint32_t a = dd; a; a = a == T_ROOT ? 0 : nodes[a].parent)
        if (a == src) return -EINVAL;
    if (!find(dd, dn, dl, &dst)) {
        if (dst == src) return 0;
        if (nodes[dst].dir != nodes[src].dir) return nodes[dst].dir ? -EISDIR : -ENOTDIR;
        if (nodes[dst].dir && !empty(dst)) return -ENOTEMPTY;
        nodes[dst].linked = false;
        drop(dst);
    }
    nodes[src].parent = dd;
    memset(nodes[src].name, 0, TMP_NAME);
    memcpy(nodes[src].name, dn, dl);
    return 0;
}

static int t_readdir(uint32_t dir, uint64_t *cookie, uint32_t *ino, uint8_t *type, char *name)
{
    struct tnode *d = get(dir);
    if (!d) return -ENOENT;
    if (!d->dir) return -ENOTDIR;
    uint64_t c = *cookie;
    if (c < 2) {
        *ino = c ? (dir == T_ROOT ? T_ROOT : d->parent) : dir;
        *type = VFS_DT_DIR;
        strcpy(name, c ? ".." : ".");
        *cookie = c + 1;
        return 1;
    }
    for (uint64_t i = c; i < TMP_NODES; i++)
        if (nodes[i].used && nodes[i].linked && nodes[i].parent == dir && i >= 2) {
            *ino = (uint32_t)i;
            *type = nodes[i].dir ? VFS_DT_DIR : VFS_DT_REG;
            strcpy(name, nodes[i].name);
            *cookie = i + 1;
            return 1;
        }
    *cookie = TMP_NODES;
    return 0;
}

static int t_fsync(uint32_t ino) { return get(ino) ? 0 : -ENOENT; }

static const struct vfs_ops ops = {
    T_ROOT, t_lookup, t_stat, t_read, t_write, t_truncate, t_create, t_mkdir,
    t_unlink, t_rmdir, t_rename, t_readdir, t_fsync, drop, 0,
};

const struct vfs_ops *tmpfs_mount(void)
{
    nodes[T_ROOT] = (struct tnode){true, true, true, 0, "", 0, 0, 0};
    return &ops;
}
