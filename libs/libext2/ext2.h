/*
 * libext2: an ext2 (revision 1) file system core, portable C11 with no OS underneath.
 *
 * The caller supplies the block device (ext2_dev_t), memory and a clock (ext2_env_t);
 * the library keeps a small write-back block cache and nothing else between calls.
 * Files are named by inode number: path walking, open-file tables and descriptors are
 * the caller's (fs0's VFS). Every function returns 0 (or a count) on success and a
 * negative EXT2_E* code on failure; the codes equal the POSIX errno values, so fs0 can
 * pass them on unchanged. A damaged image gives -EXT2_EUCLEAN ("structure needs
 * cleaning", Linux's EFSCORRUPTED), never a crash or a write outside the image.
 *
 * Not thread-safe: one caller at a time per mounted file system.
 */
#ifndef LIBEXT2_EXT2_H
#define LIBEXT2_EXT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Error codes: positive POSIX errno values, returned negated. */
enum {
    EXT2_EPERM = 1,
    EXT2_ENOENT = 2,
    EXT2_EIO = 5,
    EXT2_ENOMEM = 12,
    EXT2_EBUSY = 16,
    EXT2_EEXIST = 17,
    EXT2_ENOTDIR = 20,
    EXT2_EISDIR = 21,
    EXT2_EINVAL = 22,
    EXT2_EFBIG = 27,
    EXT2_ENOSPC = 28,
    EXT2_EROFS = 30,
    EXT2_EMLINK = 31,
    EXT2_ENAMETOOLONG = 36,
    EXT2_ENOTEMPTY = 39,
    EXT2_EOPNOTSUPP = 95,   /* a feature, revision or block size we do not implement */
    EXT2_EUCLEAN = 117,     /* the image is corrupt */
};

/* A short name for an error code, for logs and test messages. */
const char *ext2_strerror(int err);

#define EXT2_SECTOR_SIZE 512u
#define EXT2_ROOT_INO 2u
#define EXT2_NAME_MAX 255u

/*
 * The block device, in 512-byte sectors. read/write transfer `count` whole sectors and
 * return 0 or a negative EXT2_E* code (-EXT2_EIO). flush is a barrier: when it returns
 * 0 every write issued before it is durable. The library orders its writes with it.
 */
typedef struct ext2_dev {
    void *ctx;
    uint64_t sectors;   /* device size; the file system must fit inside it */
    int (*read)(void *ctx, uint64_t sector, uint32_t count, void *buf);
    int (*write)(void *ctx, uint64_t sector, uint32_t count, const void *buf);
    int (*flush)(void *ctx);
} ext2_dev_t;

/*
 * The environment. alloc/free are the only memory the library uses (no static state);
 * now() gives seconds since 1970 for inode times (NULL: 0). is_open() says whether the
 * caller still holds an open reference to an inode: when the last link of an open
 * inode goes, the inode stays allocated (an orphan) until ext2_release() (NULL: never
 * open).
 */
typedef struct ext2_env {
    void *ctx;
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *ptr, size_t size);
    uint32_t (*now)(void *ctx);
    bool (*is_open)(void *ctx, uint32_t ino);
} ext2_env_t;

#define EXT2_MOUNT_RDONLY 0x1u

typedef struct ext2_mount_opts {
    uint32_t flags;          /* EXT2_MOUNT_* */
    uint32_t cache_blocks;   /* block cache size; 0 means 64, at least 16 are used */
} ext2_mount_opts_t;

typedef struct ext2_fs ext2_fs_t;

/* File types (the dir entry file_type values of the filetype feature). */
enum {
    EXT2_FT_UNKNOWN = 0,
    EXT2_FT_REG = 1,
    EXT2_FT_DIR = 2,
    EXT2_FT_CHRDEV = 3,
    EXT2_FT_BLKDEV = 4,
    EXT2_FT_FIFO = 5,
    EXT2_FT_SOCK = 6,
    EXT2_FT_SYMLINK = 7,
};

/* i_mode type bits (the POSIX S_IF* values). */
#define EXT2_S_IFMT 0xF000u
#define EXT2_S_IFSOCK 0xC000u
#define EXT2_S_IFLNK 0xA000u
#define EXT2_S_IFREG 0x8000u
#define EXT2_S_IFBLK 0x6000u
#define EXT2_S_IFDIR 0x4000u
#define EXT2_S_IFCHR 0x2000u
#define EXT2_S_IFIFO 0x1000u

typedef struct ext2_stat {
    uint32_t ino;
    uint32_t mode;      /* type and permission bits */
    uint32_t nlink;
    uint32_t uid, gid;
    uint64_t size;
    uint64_t blocks;    /* 512-byte units allocated, indirect blocks included */
    uint32_t atime, mtime, ctime;
    uint32_t blksize;
} ext2_stat_t;

typedef struct ext2_statfs {
    uint32_t block_size;
    uint32_t blocks, free_blocks;
    uint32_t inodes, free_inodes;
    bool read_only;
} ext2_statfs_t;

typedef struct ext2_dirent {
    uint32_t ino;
    uint8_t type;       /* EXT2_FT_*; from the inode when the image lacks filetype */
    uint8_t name_len;
    char name[EXT2_NAME_MAX + 1];   /* NUL-terminated copy */
} ext2_dirent_t;

/* Mount: validates the superblock and group descriptors; writes nothing until the
 * first change. Unknown incompat features: -EXT2_EOPNOTSUPP; unknown ro_compat
 * features: mounted read-only. */
int ext2_mount(ext2_fs_t **out, const ext2_dev_t *dev, const ext2_env_t *env,
               const ext2_mount_opts_t *opts);
/* Sync, mark the file system clean, free everything. fs is gone even on error.
 * Release unlinked open inodes first, or e2fsck will find them unattached. */
int ext2_unmount(ext2_fs_t *fs);
int ext2_statfs(ext2_fs_t *fs, ext2_statfs_t *out);

/* Names: one path component, 1..255 bytes, no '/' or NUL; len is its length. */
int ext2_lookup(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len, uint32_t *ino);
/* Convenience for tools and tests: a '/'-separated path from the root, no symlinks. */
int ext2_lookup_path(ext2_fs_t *fs, const char *path, uint32_t *ino);
int ext2_stat(ext2_fs_t *fs, uint32_t ino, ext2_stat_t *st);

/* Read up to len bytes at off; returns the count (0 at or past the end). Holes read
 * as zeros. Symbolic links read their target. */
int64_t ext2_read(ext2_fs_t *fs, uint32_t ino, uint64_t off, void *buf, size_t len);
/* Write len bytes at off, allocating blocks and extending; returns len or an error
 * (after a partial write, the count written so far if it is not 0). */
int64_t ext2_write(ext2_fs_t *fs, uint32_t ino, uint64_t off, const void *buf, size_t len);
/* Set the size: shrinking frees blocks (indirect ones too); growing leaves a hole. */
int ext2_truncate(ext2_fs_t *fs, uint32_t ino, uint64_t size);

/* Create a regular file (mode: permission bits). -EXT2_EEXIST if the name exists. */
int ext2_create(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len, uint32_t mode,
                uint32_t *ino);
int ext2_mkdir(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len, uint32_t mode,
               uint32_t *ino);
int ext2_symlink(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len,
                 const char *target, size_t target_len, uint32_t *ino);
/* A hard link to a non-directory. */
int ext2_link(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len, uint32_t ino);
/* Remove a non-directory's name; frees the inode with its last link unless is_open(). */
int ext2_unlink(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len);
/* Remove an empty directory. */
int ext2_rmdir(ext2_fs_t *fs, uint32_t dir, const char *name, size_t len);
/* POSIX rename: replaces a target of a compatible type (an empty directory for a
 * directory); refuses to move a directory into its own subtree (-EXT2_EINVAL). */
int ext2_rename(ext2_fs_t *fs, uint32_t src_dir, const char *src, size_t src_len,
                uint32_t dst_dir, const char *dst, size_t dst_len);
/* A reference to ino is gone: free it if it has no links left and env.is_open says
 * no other reference holds it. */
int ext2_release(ext2_fs_t *fs, uint32_t ino);

/*
 * Directory iteration. *cookie starts at 0; each call stores the next entry (".", ".."
 * included) and advances *cookie. Returns 1 with an entry, 0 at the end. Any cookie
 * value is safe: one that is not an entry boundary resumes at the next entry.
 */
int ext2_readdir(ext2_fs_t *fs, uint32_t dir, uint64_t *cookie, ext2_dirent_t *out);

/* Durability: see docs/ext2.md for the write order. */
int ext2_fsync(ext2_fs_t *fs, uint32_t ino);
int ext2_sync(ext2_fs_t *fs);

#endif
