/*
 * libext2 internals shared by its files: the mounted file system, the block cache,
 * the in-memory inode, and each file's entry points.
 *
 * Invariants: every block number read from the image is checked (e2_fs_data_block_ok)
 * before it is used; every cache buffer handed out is pinned until e2_cache_put; the
 * in-memory inode is a copy, written back with e2_inode_put.
 */
#ifndef LIBEXT2_EXT2_PRIV_H
#define LIBEXT2_EXT2_PRIV_H

#include "ext2.h"
#include "ext2_disk.h"

/* What a cached block holds: decides in which stage of a sync it is written. */
typedef enum {
    CB_DATA,     /* regular file or symlink contents (owner = the inode) */
    CB_DIR,      /* directory contents (owner = the directory) */
    CB_IND,      /* an indirect block (owner = the inode, owner_dir if a directory's) */
    CB_ITABLE,   /* a block of an inode table */
    CB_META,     /* bitmaps and extended-attribute blocks */
} cb_kind_t;

typedef struct ext2_cbuf {
    uint32_t blk;
    uint32_t owner;
    uint8_t kind;
    bool owner_dir;
    bool valid;
    bool dirty;
    uint16_t pins;
    int32_t hnext;       /* next valid buffer in the same hash bucket, -1 at the end */
    uint64_t stamp;      /* last use, for LRU */
    uint8_t *data;
} ext2_cbuf_t;

struct ext2_fs {
    ext2_dev_t dev;
    ext2_env_t env;

    uint8_t sb[SB_SIZE];      /* the primary superblock as on disk */
    uint8_t *gdt;             /* the primary group descriptor table, gdt_blocks long */
    uint32_t gdt_blocks;
    bool gdt_dirty, sb_dirty;

    uint32_t block_size, sect_per_block;
    uint32_t addr_per_block, addr_shift;   /* block numbers per indirect block, log2 */
    uint32_t blocks_count, inodes_count, first_data_block;
    uint32_t blocks_per_group, inodes_per_group, groups;
    uint32_t inode_size, inodes_per_block, itable_blocks, first_ino;
    uint32_t reserved_gdt;   /* resize_inode's reserved GDT blocks after each backup */
    bool sparse_super, filetype, read_only;
    bool changed;             /* the "not clean" state has been written */
    bool was_clean;           /* s_state was VALID at mount: restore it at unmount */
    uint64_t max_size;

    /* Blocks and inodes freed but still marked in their bitmaps until the inode
     * tables that dropped them are on disk (see alloc.c); seq is the change that
     * freed them. */
    struct ext2_dfree { uint32_t num, seq; bool inode; } *dfree;
    uint32_t n_dfree, cap_dfree;
    uint32_t op_seq;          /* counts changes (e2_fs_begin_change) */

    uint32_t cache_n;
    ext2_cbuf_t *cache;
    int32_t *hash;            /* bucket heads (buffer indexes), hash_n a power of 2 */
    uint32_t hash_n;
    uint64_t clock;
};

typedef struct ext2_inode {
    uint32_t ino;
    uint16_t mode, links;
    uint32_t uid, gid;
    uint64_t size;
    uint32_t atime, ctime, mtime, dtime;
    uint32_t blocks;          /* i_blocks, 512-byte units */
    uint32_t flags, file_acl;
    uint32_t block[EXT2_N_BLOCKS];
} ext2_inode_t;

static inline uint32_t ftype(const ext2_inode_t *in) { return in->mode & EXT2_S_IFMT; }
static inline bool is_dir(const ext2_inode_t *in) { return ftype(in) == EXT2_S_IFDIR; }
static inline bool is_reg(const ext2_inode_t *in) { return ftype(in) == EXT2_S_IFREG; }
static inline bool is_lnk(const ext2_inode_t *in) { return ftype(in) == EXT2_S_IFLNK; }

/* Reserved inodes (bad blocks, resize, journal...) below s_first_ino, other than the
 * root, belong to the file system itself: the API may look, never change them. */
static inline bool ino_reserved(const ext2_fs_t *fs, uint32_t ino)
{
    return ino != EXT2_ROOT_INO && ino < fs->first_ino;
}

/* cache.c */
int e2_cache_init(ext2_fs_t *fs, uint32_t n);
void e2_cache_destroy(ext2_fs_t *fs);
int e2_cache_get(ext2_fs_t *fs, uint32_t blk, cb_kind_t kind, uint32_t owner, bool fresh,
              ext2_cbuf_t **out);
void e2_cache_put(ext2_fs_t *fs, ext2_cbuf_t *cb);
void e2_cache_dirty(ext2_fs_t *fs, ext2_cbuf_t *cb);
ext2_cbuf_t *e2_cache_peek(ext2_fs_t *fs, uint32_t blk);
void e2_cache_forget(ext2_fs_t *fs, uint32_t blk);
/* Write back the dirty blocks a sync stage selects (ino 0: all owners). */
int e2_cache_write_stage(ext2_fs_t *fs, int stage, uint32_t ino, bool *wrote);
int e2_dev_read_blocks(ext2_fs_t *fs, uint32_t blk, uint32_t n, void *buf);
int e2_dev_write_blocks(ext2_fs_t *fs, uint32_t blk, uint32_t n, const void *buf);

/* super.c */
int e2_fs_begin_change(ext2_fs_t *fs);
int e2_fs_mark_changed(ext2_fs_t *fs);
uint32_t e2_fs_now(ext2_fs_t *fs);
bool e2_fs_data_block_ok(const ext2_fs_t *fs, uint32_t blk);
uint8_t *e2_fs_gd(ext2_fs_t *fs, uint32_t group);
int e2_fs_sync_order(ext2_fs_t *fs, uint32_t ino, bool between_changes);

/* alloc.c */
int e2_alloc_block(ext2_fs_t *fs, uint32_t goal_group, uint32_t *blk);
int e2_free_block(ext2_fs_t *fs, uint32_t blk);
int e2_block_check_used(ext2_fs_t *fs, uint32_t blk);
int e2_alloc_inode(ext2_fs_t *fs, uint32_t parent, bool dir, uint32_t *ino);
int e2_free_inode_bit(ext2_fs_t *fs, uint32_t ino, bool dir);
int e2_commit_frees(ext2_fs_t *fs, bool all);
void e2_dfree_destroy(ext2_fs_t *fs);

/* inode.c */
int e2_inode_get(ext2_fs_t *fs, uint32_t ino, ext2_inode_t *in);
int e2_inode_put(ext2_fs_t *fs, const ext2_inode_t *in);
int e2_inode_init(ext2_fs_t *fs, ext2_inode_t *in, uint32_t ino, uint16_t mode);
int e2_inode_bmap(ext2_fs_t *fs, ext2_inode_t *in, uint64_t lblk, bool alloc, uint32_t *pblk,
               bool *fresh);
int e2_inode_free_from(ext2_fs_t *fs, ext2_inode_t *in, uint64_t first_lblk);
int e2_inode_check_from(ext2_fs_t *fs, ext2_inode_t *in, uint64_t first_lblk);
int e2_inode_drop(ext2_fs_t *fs, ext2_inode_t *in);
bool e2_inode_fast_symlink(const ext2_fs_t *fs, const ext2_inode_t *in);
bool e2_inode_table_dirty(ext2_fs_t *fs, uint32_t ino);

/* file.c */
int64_t e2_file_write(ext2_fs_t *fs, ext2_inode_t *in, uint64_t off, const void *buf, size_t len);

/* dir.c */
typedef struct dir_slot {
    uint32_t ino;
    uint8_t type;
    uint32_t lblk, off;
    int32_t prev;        /* offset of the previous entry in the block, -1 if first */
} dir_slot_t;
int e2_name_check(const char *name, size_t len);
bool e2_name_is_dot(const char *name, size_t len);
bool e2_name_is_dotdot(const char *name, size_t len);
uint8_t e2_dir_type_of(uint16_t mode);
int e2_dir_find(ext2_fs_t *fs, ext2_inode_t *dir, const char *name, size_t len, dir_slot_t *slot);
int e2_dir_add(ext2_fs_t *fs, ext2_inode_t *dir, const char *name, size_t len, uint32_t ino,
            uint8_t type);
int e2_dir_remove(ext2_fs_t *fs, ext2_inode_t *dir, const dir_slot_t *slot);
int e2_dir_set(ext2_fs_t *fs, ext2_inode_t *dir, const dir_slot_t *slot, uint32_t ino,
            uint8_t type);
int e2_dir_is_empty(ext2_fs_t *fs, ext2_inode_t *dir);
int e2_dir_init_block(ext2_fs_t *fs, ext2_inode_t *dir, uint32_t parent);

#endif
