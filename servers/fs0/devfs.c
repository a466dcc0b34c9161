/* /dev: null (reads end at once, writes vanish), zero (reads zeros) and console. The
 * console's bytes never pass through fs0: a read or write of it is answered
 * -FS0_ECONSOLE and the caller talks to the console server itself (docs/fs0.md,
 * "The console"), so fs0 never waits for typing and output costs no extra copy. fs0
 * is the descriptor table's keeper only: which descriptors are the console, with
 * which access mode (checked before the op is reached). */
#include <errno.h>
#include <string.h>
#include <fs0/fs0.h>
#include "vfs.h"

enum { DEV_ROOT = 1, DEV_NULL = 2, DEV_ZERO = 3, DEV_CONSOLE = FS0_CONSOLE_INO, DEV_END };
static const char *const names[DEV_END] = {[DEV_NULL] = "null", [DEV_ZERO] = "zero",
                                           [DEV_CONSOLE] = "console"};

/* fs0's own 0, 1 and 2 are the console for good: fs0 must never call itself (its slot
 * 3 is the endpoint it receives on). Before main, so even mount errors print. */
__attribute__((constructor)) static void own_console(void) { posix_console_fixed(); }

struct vfs_node devfs_console(void) { return (struct vfs_node){MNT_DEV, DEV_CONSOLE}; }

bool vfs_is_stream(struct vfs_node n)
{
    return n.mnt == MNT_PIPE || (n.mnt == MNT_DEV && n.ino == DEV_CONSOLE);
}

bool vfs_is_zero(struct vfs_node n) { return n.mnt == MNT_DEV && n.ino == DEV_ZERO; }

static int d_lookup(uint32_t dir, const char *name, size_t len, uint32_t *ino)
{
    if (dir != DEV_ROOT) return -ENOTDIR;
    if (len == 2 && name[0] == '.' && name[1] == '.') return -ENOENT;   /* lexical above */
    for (uint32_t i = DEV_NULL; i < DEV_END; i++)
        if (strlen(names[i]) == len && !memcmp(names[i], name, len)) {
            *ino = i;
            return 0;
        }
    return -ENOENT;
}

static int d_stat(uint32_t ino, struct fs0_stat *st)
{
    if (ino < DEV_ROOT || ino >= DEV_END) return -ENOENT;
    *st = (struct fs0_stat){MNT_DEV + 1, ino, ino == DEV_ROOT ? 0040755 : 0020666,
                            ino == DEV_ROOT ? 2 : 1, 0, 0, 0};
    return 0;
}

static int64_t d_read(uint32_t ino, uint64_t off, void *buf, size_t len)
{
    (void)off;
    if (ino == DEV_ZERO) {
        memset(buf, 0, len);
        return (int64_t)len;
    }
    if (ino == DEV_CONSOLE) return -FS0_ECONSOLE;
    return ino == DEV_NULL ? 0 : -EISDIR;
}

static int64_t d_write(uint32_t ino, uint64_t off, const void *buf, size_t len)
{
    (void)off;
    (void)buf;
    if (ino == DEV_CONSOLE) return -FS0_ECONSOLE;
    return ino == DEV_ROOT ? -EISDIR : (int64_t)len;
}

static int d_truncate(uint32_t ino, uint64_t size) { (void)size; return ino == DEV_ROOT ? -EISDIR : 0; }
static int d_create(uint32_t d, const char *n, size_t l, uint32_t m, uint32_t *i)
{
    (void)d; (void)n; (void)l; (void)m; (void)i;
    return -EACCES;   /* device names are fixed */
}
static int d_mkdir(uint32_t d, const char *n, size_t l, uint32_t m) { (void)d; (void)n; (void)l; (void)m; return -EACCES; }
static int d_remove(uint32_t d, const char *n, size_t l) { (void)d; (void)n; (void)l; return -EACCES; }
static int d_rename(uint32_t a, const char *b, size_t c, uint32_t d, const char *e, size_t f)
{
    (void)a; (void)b; (void)c; (void)d; (void)e; (void)f;
    return -EACCES;
}

static int d_readdir(uint32_t dir, uint64_t *cookie, uint32_t *ino, uint8_t *type, char *name)
{
    if (dir != DEV_ROOT) return -ENOTDIR;
    uint64_t c = *cookie;
    if (c < 2) {   /* "." and ".." */
        *ino = DEV_ROOT;
        *type = VFS_DT_DIR;
        strcpy(name, c ? ".." : ".");
    } else if (c - 2 + DEV_NULL < DEV_END) {
        *ino = (uint32_t)(c - 2 + DEV_NULL);
        *type = VFS_DT_CHR;
        strcpy(name, names[*ino]);
    } else {
        return 0;
    }
    *cookie = c + 1;
    return 1;
}

static int d_fsync(uint32_t ino) { (void)ino; return 0; }
static void d_release(uint32_t ino) { (void)ino; }

static const struct vfs_ops ops = {
    DEV_ROOT, d_lookup, d_stat, d_read, d_write, d_truncate, d_create, d_mkdir,
    d_remove, d_remove, d_rename, d_readdir, d_fsync, d_release, 0,
};

const struct vfs_ops *devfs_mount(void) { return &ops; }
