/* fs0's VFS: three mounts, each a set of operations on its own inode numbers. Paths
 * are made absolute and canonical lexically (no symbolic links), then the first
 * component picks the mount: /dev (devfs.c), /tmp (tmpfs.c), else / (ext2fs.c). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <fs0/protocol.h>

/* MNT_PIPE has no path: pipe() makes its nodes (pipe.c). */
enum { MNT_ROOT = 0, MNT_DEV = 1, MNT_TMP = 2, MNT_PIPE = 3, MNT_COUNT };

/* Results a read or write op may give besides a count or -errno. Neither leaves fs0:
 * VFS_BLOCK (the op cannot go on now: the request waits, wait.c retries it when the
 * node changes) and VFS_DEFERRED (the request was saved, nobody is answered now). A
 * console node answers -FS0_ECONSOLE, which the caller gets (fs0/protocol.h). */
#define VFS_BLOCK (-100001)
#define VFS_DEFERRED (-100002)

/* The file type in a stat mode (S_IFDIR 0x4000, S_IFREG 0x8000). */
#define IS_DIR(m) (((m) & 0xF000) == 0x4000)
#define IS_REG(m) (((m) & 0xF000) == 0x8000)

/* Directory entry types (the d_type values). */
#define VFS_DT_CHR 2
#define VFS_DT_DIR 4
#define VFS_DT_REG 8

struct vfs_ops {
    uint32_t root;
    int (*lookup)(uint32_t dir, const char *name, size_t len, uint32_t *ino);
    int (*stat)(uint32_t ino, struct fs0_stat *st);
    int64_t (*read)(uint32_t ino, uint64_t off, void *buf, size_t len);
    int64_t (*write)(uint32_t ino, uint64_t off, const void *buf, size_t len);
    int (*truncate)(uint32_t ino, uint64_t size);
    int (*create)(uint32_t dir, const char *name, size_t len, uint32_t mode, uint32_t *ino);
    int (*mkdir)(uint32_t dir, const char *name, size_t len, uint32_t mode);
    int (*unlink)(uint32_t dir, const char *name, size_t len);
    int (*rmdir)(uint32_t dir, const char *name, size_t len);
    int (*rename)(uint32_t sd, const char *sn, size_t sl, uint32_t dd, const char *dn, size_t dl);
    /* 1 and the entry at *cookie (advanced), 0 at the end; name NUL-terminated. */
    int (*readdir)(uint32_t dir, uint64_t *cookie, uint32_t *ino, uint8_t *type, char *name);
    int (*fsync)(uint32_t ino);
    void (*release)(uint32_t ino);   /* the last open file of ino closed */
    int (*sync)(void);   /* everything written so far made durable; NULL: nothing to do */
};

/* Mounted file systems (NULL: not mounted; its paths get -ENODEV). */
extern const struct vfs_ops *vfs_mounts[MNT_COUNT];
struct ext2_dev;
/* / on dev (what: "the RAM disk", "the virtio-blk disk"); NULL after printing why. */
const struct vfs_ops *ext2fs_mount(const struct ext2_dev *dev, const char *what, bool read_only);
const struct vfs_ops *devfs_mount(void);
const struct vfs_ops *tmpfs_mount(void);
const struct vfs_ops *pipefs_mount(void);


/* Whether an open file holds (mnt, ino) (fdtable.c): unlinked inodes stay till closed. */
bool vfs_is_open(int mnt, uint32_t ino);

struct vfs_node {
    int mnt;
    uint32_t ino;
};

/* /dev/console (devfs.c): the node the first process's 0, 1 and 2 are opened on. */
struct vfs_node devfs_console(void);
/* A node that is a stream (the console, a pipe): lseek gets -ESPIPE. */
bool vfs_is_stream(struct vfs_node n);
/* /dev/zero (devfs.c): mmap of it is anonymous memory (FS0_MMK_ZERO). */
bool vfs_is_zero(struct vfs_node n);

/* Canonical absolute form of path relative to cwd into out (FS0_PATH_MAX bytes):
 * 0, -ENAMETOOLONG, -ENOENT (empty path). */
int vfs_canon(const char *cwd, const char *path, char *out);
/* The node a canonical path names. */
int vfs_resolve(const char *canon, struct vfs_node *out);
/* The directory holding a canonical path's last component and that component: -EBUSY
 * for a mount's root (/, /dev, /tmp), which no name operation may touch. */
int vfs_parent(const char *canon, struct vfs_node *dir, const char **name, size_t *len);
