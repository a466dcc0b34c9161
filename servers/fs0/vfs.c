/* Path names (vfs.h). */
#include <errno.h>
#include <string.h>
#include "vfs.h"

const struct vfs_ops *vfs_mounts[MNT_COUNT];

int vfs_canon(const char *cwd, const char *path, char *out)
{
    if (!path[0]) return -ENOENT;
    size_t n = 0;
    out[0] = '\0';
    /* Relative paths start from cwd (itself canonical). */
    const char *parts[2] = {path[0] == '/' ? "" : cwd, path};
    for (int p = 0; p < 2; p++) {
        const char *s = parts[p];
        while (*s) {
            while (*s == '/') s++;
            const char *e = s;
            while (*e && *e != '/') e++;
            size_t len = (size_t)(e - s);
            if (len == 0 || (len == 1 && s[0] == '.')) {
            } else if (len == 2 && s[0] == '.' && s[1] == '.') {
                while (n > 0 && out[n - 1] != '/') n--;   /* drop the last component */
                if (n > 0) n--;
                out[n] = '\0';
            } else {
                if (n + 1 + len + 1 > FS0_PATH_MAX) return -ENAMETOOLONG;
                out[n++] = '/';
                memcpy(out + n, s, len);
                n += len;
                out[n] = '\0';
            }
            s = e;
        }
    }
    if (n == 0) strcpy(out, "/");
    return 0;
}

/* The mount a canonical path lies in and the rest of it (after the mount point). */
static int pick_mount(const char *canon, const char **rest)
{
    static const struct { const char *name; size_t len; int mnt; } points[] = {
        {"/dev", 4, MNT_DEV}, {"/tmp", 4, MNT_TMP}};
    for (unsigned i = 0; i < 2; i++)
        if (!strncmp(canon, points[i].name, points[i].len) &&
            (canon[points[i].len] == '/' || canon[points[i].len] == '\0')) {
            *rest = canon + points[i].len;
            return points[i].mnt;
        }
    *rest = canon;
    return MNT_ROOT;
}

/* Walk rest's components from the mount's root, stopping before the last one if
 * stop_last. */
static int walk(int mnt, const char *rest, bool stop_last, uint32_t *ino, const char **last,
                size_t *last_len)
{
    const struct vfs_ops *fs = vfs_mounts[mnt];
    if (!fs) return -ENODEV;
    uint32_t cur = fs->root;
    const char *s = rest;
    while (*s == '/') s++;
    while (*s) {
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (stop_last && !e) {
            *last = s;
            *last_len = len;
            *ino = cur;
            return 0;
        }
        struct fs0_stat st;
        int r = fs->stat(cur, &st);
        if (r) return r;
        if ((st.mode & 0xF000) != 0x4000) return -ENOTDIR;
        if ((r = fs->lookup(cur, s, len, &cur))) return r;
        s += len;
        while (*s == '/') s++;
    }
    if (stop_last) return -EBUSY;   /* the mount's root itself */
    *ino = cur;
    return 0;
}

int vfs_resolve(const char *canon, struct vfs_node *out)
{
    const char *rest;
    out->mnt = pick_mount(canon, &rest);
    return walk(out->mnt, rest, false, &out->ino, 0, 0);
}

int vfs_parent(const char *canon, struct vfs_node *dir, const char **name, size_t *len)
{
    const char *rest;
    dir->mnt = pick_mount(canon, &rest);
    int r = walk(dir->mnt, rest, true, &dir->ino, name, len);
    if (r) return r;
    struct fs0_stat st;
    if ((r = vfs_mounts[dir->mnt]->stat(dir->ino, &st))) return r;
    return (st.mode & 0xF000) == 0x4000 ? 0 : -ENOTDIR;
}
