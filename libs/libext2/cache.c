/*
 * The block cache: a fixed set of block-sized buffers with write-back.
 *
 * Each buffer remembers what it holds (cb_kind_t) so a sync can write blocks in a
 * crash-safe order (e2_fs_sync_order, docs/ext2.md): file and directory contents first,
 * then indirect blocks, then inode tables, then bitmaps. Eviction keeps that promise:
 * it takes a clean buffer if it can, else writes a dirty contents block alone (data
 * before the pointers to it is always safe), else runs a full ordered sync first.
 * Lookup hashes the block number into chains of valid buffers; eviction scans for
 * the least recently used buffer (a miss costs a device read anyway).
 */
#include <string.h>

#include "ext2_priv.h"

int e2_dev_read_blocks(ext2_fs_t *fs, uint32_t blk, uint32_t n, void *buf)
{
    if (blk >= fs->blocks_count || n > fs->blocks_count - blk)
        return -EXT2_EUCLEAN;
    return fs->dev.read(fs->dev.ctx, (uint64_t)blk * fs->sect_per_block,
                        n * fs->sect_per_block, buf);
}

int e2_dev_write_blocks(ext2_fs_t *fs, uint32_t blk, uint32_t n, const void *buf)
{
    if (fs->read_only)
        return -EXT2_EROFS;
    if (blk >= fs->blocks_count || n > fs->blocks_count - blk)
        return -EXT2_EUCLEAN;
    int r = e2_fs_mark_changed(fs);
    if (r)
        return r;
    return fs->dev.write(fs->dev.ctx, (uint64_t)blk * fs->sect_per_block,
                         n * fs->sect_per_block, buf);
}

/* One allocation per buffer: an allocator with guard zones (the host tests' ASan)
 * then catches any access past a block's end. */
int e2_cache_init(ext2_fs_t *fs, uint32_t n)
{
    if (n == 0)
        n = 64;
    if (n < 16)
        n = 16;
    fs->cache = fs->env.alloc(fs->env.ctx, sizeof(ext2_cbuf_t) * n);
    if (!fs->cache)
        return -EXT2_ENOMEM;
    memset(fs->cache, 0, sizeof(ext2_cbuf_t) * n);
    fs->cache_n = n;
    for (fs->hash_n = 1; fs->hash_n < 2 * n; fs->hash_n *= 2)
        ;
    fs->hash = fs->env.alloc(fs->env.ctx, sizeof(int32_t) * fs->hash_n);
    if (!fs->hash) {
        e2_cache_destroy(fs);
        return -EXT2_ENOMEM;
    }
    for (uint32_t i = 0; i < fs->hash_n; i++)
        fs->hash[i] = -1;
    for (uint32_t i = 0; i < n; i++) {
        fs->cache[i].data = fs->env.alloc(fs->env.ctx, fs->block_size);
        if (!fs->cache[i].data) {
            e2_cache_destroy(fs);
            return -EXT2_ENOMEM;
        }
    }
    return 0;
}

void e2_cache_destroy(ext2_fs_t *fs)
{
    if (fs->hash)
        fs->env.free(fs->env.ctx, fs->hash, sizeof(int32_t) * fs->hash_n);
    fs->hash = NULL;
    if (!fs->cache)
        return;
    for (uint32_t i = 0; i < fs->cache_n; i++)
        if (fs->cache[i].data)
            fs->env.free(fs->env.ctx, fs->cache[i].data, fs->block_size);
    fs->env.free(fs->env.ctx, fs->cache, sizeof(ext2_cbuf_t) * fs->cache_n);
    fs->cache = NULL;
}

static int32_t *bucket(ext2_fs_t *fs, uint32_t blk)
{
    return &fs->hash[blk & (fs->hash_n - 1)];
}

ext2_cbuf_t *e2_cache_peek(ext2_fs_t *fs, uint32_t blk)
{
    for (int32_t i = *bucket(fs, blk); i >= 0; i = fs->cache[i].hnext)
        if (fs->cache[i].blk == blk)
            return &fs->cache[i];
    return NULL;
}

static void hash_insert(ext2_fs_t *fs, ext2_cbuf_t *c)
{
    int32_t *b = bucket(fs, c->blk);
    c->hnext = *b;
    *b = (int32_t)(c - fs->cache);
}

/* A buffer stops holding its block: out of its chain, no longer valid. */
static void invalidate(ext2_fs_t *fs, ext2_cbuf_t *c)
{
    if (!c->valid)
        return;
    int32_t me = (int32_t)(c - fs->cache);
    for (int32_t *p = bucket(fs, c->blk); *p >= 0; p = &fs->cache[*p].hnext) {
        if (*p == me) {
            *p = c->hnext;
            break;
        }
    }
    c->valid = false;
    c->dirty = false;
}

static int cache_writeback(ext2_fs_t *fs, ext2_cbuf_t *cb)
{
    int r = e2_dev_write_blocks(fs, cb->blk, 1, cb->data);
    if (r == 0)
        cb->dirty = false;
    return r;
}

/* The least recently used unpinned buffer that passes `want`, or NULL. */
static ext2_cbuf_t *lru(ext2_fs_t *fs, int want)
{
    ext2_cbuf_t *best = NULL;
    for (uint32_t i = 0; i < fs->cache_n; i++) {
        ext2_cbuf_t *c = &fs->cache[i];
        if (c->pins)
            continue;
        if (want == 0 && c->valid && c->dirty)
            continue;
        if (want == 1 && !(c->dirty && (c->kind == CB_DATA || c->kind == CB_DIR)))
            continue;
        if (!c->valid)
            return c;
        if (!best || c->stamp < best->stamp)
            best = c;
    }
    return best;
}

static int victim(ext2_fs_t *fs, ext2_cbuf_t **out)
{
    ext2_cbuf_t *c = lru(fs, 0);
    if (!c && (c = lru(fs, 1)) != NULL) {
        int r = cache_writeback(fs, c);
        if (r)
            return r;
    }
    if (!c) {
        /* Only dirty metadata left: write everything in order, then reuse. */
        int r = e2_fs_sync_order(fs, 0, false);
        if (r)
            return r;
        c = lru(fs, 0);
    }
    if (!c)
        return -EXT2_ENOMEM;   /* every buffer is pinned */
    invalidate(fs, c);
    *out = c;
    return 0;
}

int e2_cache_get(ext2_fs_t *fs, uint32_t blk, cb_kind_t kind, uint32_t owner, bool fresh,
              ext2_cbuf_t **out)
{
    if (blk >= fs->blocks_count)
        return -EXT2_EUCLEAN;
    ext2_cbuf_t *c = e2_cache_peek(fs, blk);
    bool found = c != NULL;
    if (!c) {
        int r = victim(fs, &c);
        if (r)
            return r;
        if (!fresh) {
            r = e2_dev_read_blocks(fs, blk, 1, c->data);
            if (r)
                return r;
        }
        c->blk = blk;
        c->valid = true;
        hash_insert(fs, c);
    }
    if (fresh)
        memset(c->data, 0, fs->block_size);
    if (!found || fresh) {
        /* A cached block keeps the role it was loaded for; only a (re)allocation
         * changes it. */
        c->kind = (uint8_t)kind;
        c->owner = owner;
        c->owner_dir = false;
    }
    c->pins++;
    c->stamp = ++fs->clock;
    *out = c;
    return 0;
}

void e2_cache_put(ext2_fs_t *fs, ext2_cbuf_t *cb)
{
    (void)fs;
    if (cb && cb->pins)
        cb->pins--;
}

void e2_cache_dirty(ext2_fs_t *fs, ext2_cbuf_t *cb)
{
    (void)fs;
    cb->dirty = true;
}

/* A freed block: its cached contents, dirty or not, no longer matter. */
void e2_cache_forget(ext2_fs_t *fs, uint32_t blk)
{
    ext2_cbuf_t *c = e2_cache_peek(fs, blk);
    if (c && !c->pins)
        invalidate(fs, c);
    else if (c)
        c->dirty = false;
}

/*
 * Which blocks a stage writes. A full sync (ino 0) writes everything. An fsync of ino
 * writes ino's blocks, all directory blocks (so the file's name lands too), and the
 * blocks of every inode whose inode-table block is dirty: stage 3 writes those
 * tables whole, and no inode may reach the disk before its contents.
 */
static bool owner_due(ext2_fs_t *fs, const ext2_cbuf_t *c, uint32_t ino)
{
    return ino == 0 || c->owner == ino || e2_inode_table_dirty(fs, c->owner);
}

static bool in_stage(ext2_fs_t *fs, const ext2_cbuf_t *c, int stage, uint32_t ino)
{
    switch (stage) {
    case 1:
        return c->kind == CB_DIR || (c->kind == CB_DATA && owner_due(fs, c, ino));
    case 2:
        return c->kind == CB_IND && (c->owner_dir || owner_due(fs, c, ino));
    case 3:
        return c->kind == CB_ITABLE;
    default:
        return c->kind == CB_META;
    }
}

int e2_cache_write_stage(ext2_fs_t *fs, int stage, uint32_t ino, bool *wrote)
{
    for (uint32_t i = 0; i < fs->cache_n; i++) {
        ext2_cbuf_t *c = &fs->cache[i];
        if (!c->valid || !c->dirty || !in_stage(fs, c, stage, ino))
            continue;
        int r = cache_writeback(fs, c);
        if (r)
            return r;
        *wrote = true;
    }
    return 0;
}
