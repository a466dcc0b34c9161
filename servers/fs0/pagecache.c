/* fs0's page cache (pagecache.h, docs/fs0.md "The page cache").
 *
 * A frame is free (made, holding nothing), cached (valid, not held: on the LRU list,
 * reusable), held (valid, mm0 maps it: never reused, kept in step with read() and
 * write()), or an orphan (held, but its file's last reference went: out of the hash,
 * freed at its release). Pages exist only for mapped files (a file's last reference
 * drops them all), so an inode number in the cache can never name a reused inode. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "pagecache.h"

#define NIL 0xffffu
#define F_VALID 1u
#define F_HELD 2u
#define F_HELD_W 4u              /* held with FS0_MMP_WRITE: written back at release */
#define BUCKETS 2048u            /* page hash: (file slot, page index) */
#define FBUCKETS 64u             /* mapped-file hash: (mount, inode) */

struct frame {
    uint64_t idx;                /* page index in the file */
    uint16_t file;               /* mapped-file slot */
    uint16_t hnext;              /* hash chain */
    uint16_t prev, next;         /* LRU list (cached) or free list (next only) */
    uint8_t state;
};

struct pfile {
    int mnt;                     /* -1: free slot */
    uint32_t ino;
    uint32_t refs;               /* mm0's references */
    uint32_t npages;             /* valid pages in the hash */
    uint32_t nwrite;             /* of them held writable */
    uint16_t serial;             /* new at every reuse of the slot: stale ids fail */
    uint16_t hnext;
};

static struct pc_env env;
static struct frame fr[FS0_CACHE_PAGES];
static uint16_t bucket[BUCKETS];
static unsigned made;            /* frames 0..made-1 exist */
static uint16_t lru_head, lru_tail, free_head;
static struct pfile files[PC_FILES];
static uint16_t fbucket[FBUCKETS];
unsigned pc_cached, pc_nfiles;

void pc_init(const struct pc_env *e)
{
    env = *e;
    if (env.frames > FS0_CACHE_PAGES) env.frames = FS0_CACHE_PAGES;
    memset(fr, 0, made * sizeof fr[0]);   /* only the frames used: fs0's bss is paged in on touch */
    memset(bucket, 0xff, sizeof bucket);
    memset(fbucket, 0xff, sizeof fbucket);
    for (unsigned i = 0; i < PC_FILES; i++) files[i] = (struct pfile){.mnt = -1, .hnext = NIL};
    made = 0;
    lru_head = lru_tail = free_head = NIL;
    pc_cached = pc_nfiles = 0;
}

/* --- the mapped files --- */

static unsigned fhash(int mnt, uint32_t ino) { return (ino ^ (uint32_t)mnt * 0x9e37u) % FBUCKETS; }

static struct pfile *find_file(int mnt, uint32_t ino)
{
    for (unsigned i = fbucket[fhash(mnt, ino)]; i != NIL; i = files[i].hnext)
        if (files[i].ino == ino && files[i].mnt == mnt) return &files[i];
    return NULL;
}

static struct pfile *file_by_id(uint64_t id)
{
    uint64_t slot = id & 0xffff, serial = id >> 16;
    if (slot >= PC_FILES || serial == 0 || serial > 0xffff) return NULL;
    struct pfile *f = &files[slot];
    return f->mnt >= 0 && f->serial == serial ? f : NULL;
}

static unsigned slot_of(const struct pfile *f) { return (unsigned)(f - files); }

bool pc_is_mapped(int mnt, uint32_t ino) { return pc_nfiles && find_file(mnt, ino); }

int pc_file_get(struct vfs_node n, uint64_t *id)
{
    struct pfile *f = find_file(n.mnt, n.ino);
    if (!f) {
        for (unsigned i = 0; i < PC_FILES && !f; i++)
            if (files[i].mnt < 0) f = &files[i];
        if (!f) return -ENFILE;
        uint16_t serial = (uint16_t)(f->serial + 1);
        if (!serial) serial = 1;   /* 0 is no id: /dev/zero's */
        *f = (struct pfile){n.mnt, n.ino, 0, 0, 0, serial, (uint16_t)fbucket[fhash(n.mnt, n.ino)]};
        fbucket[fhash(n.mnt, n.ino)] = (uint16_t)slot_of(f);
        pc_nfiles++;
    }
    if (f->refs == UINT32_MAX) return -ENFILE;
    f->refs++;
    *id = slot_of(f) | (uint64_t)f->serial << 16;
    return 0;
}

/* --- frames: hash, lists --- */

static unsigned phash(unsigned slot, uint64_t idx)
{
    return (uint32_t)((uint32_t)idx * 0x9e3779b1u + (uint32_t)(idx >> 32) + slot * 0x632be5abu) >> 21;
}

static unsigned find_page(unsigned slot, uint64_t idx)
{
    for (unsigned k = bucket[phash(slot, idx)]; k != NIL; k = fr[k].hnext)
        if (fr[k].idx == idx && fr[k].file == slot) return k;
    return NIL;
}

static void hash_in(unsigned k)
{
    unsigned h = phash(fr[k].file, fr[k].idx);
    fr[k].hnext = bucket[h];
    bucket[h] = (uint16_t)k;
    files[fr[k].file].npages++;
    pc_cached++;
}

static void hash_out(unsigned k)
{
    uint16_t *p = &bucket[phash(fr[k].file, fr[k].idx)];
    while (*p != k) p = &fr[*p].hnext;
    *p = fr[k].hnext;
    struct pfile *f = &files[fr[k].file];
    f->npages--;
    if (fr[k].state & F_HELD_W) f->nwrite--;
    pc_cached--;
}

static void lru_append(unsigned k)
{
    fr[k].next = NIL;
    fr[k].prev = lru_tail;
    if (lru_tail != NIL) fr[lru_tail].next = (uint16_t)k;
    else lru_head = (uint16_t)k;
    lru_tail = (uint16_t)k;
}

static void lru_unlink(unsigned k)
{
    if (fr[k].prev != NIL) fr[fr[k].prev].next = fr[k].next;
    else lru_head = fr[k].next;
    if (fr[k].next != NIL) fr[fr[k].next].prev = fr[k].prev;
    else lru_tail = fr[k].prev;
}

static void free_push(unsigned k)
{
    fr[k].state = 0;
    fr[k].next = free_head;
    free_head = (uint16_t)k;
}

/* A cached (unheld) page leaves the cache; its frame goes on the free list. */
static void evict(unsigned k)
{
    lru_unlink(k);
    hash_out(k);
    free_push(k);
}

/* A frame to fill: a free one, else the least recently used cached page, else a new
 * one from mm0 (asked only now: memory is the whole system's). NIL: none. */
static unsigned take_frame(void)
{
    unsigned k = free_head;
    if (k != NIL) {
        free_head = fr[k].next;
        return k;
    }
    if ((k = lru_head) != NIL) {
        lru_unlink(k);
        hash_out(k);
        fr[k].state = 0;
        return k;
    }
    if (made < env.frames && env.make(made) == 0) return made++;
    return NIL;
}

/* Frame k's bytes up to the file's size, written through the file's write op. */
static int writeback(unsigned k)
{
    const struct pfile *f = &files[fr[k].file];
    const struct vfs_ops *fs = vfs_mounts[f->mnt];
    struct fs0_stat st;
    int r = fs ? fs->stat(f->ino, &st) : -EIO;
    if (r) return r;
    uint64_t off = fr[k].idx * PC_PAGE;
    if (off >= st.size) return 0;
    size_t len = st.size - off < PC_PAGE ? (size_t)(st.size - off) : PC_PAGE;
    int64_t n = fs->write(f->ino, off, env.addr(k), len);
    return n < 0 ? (int)n : n == (int64_t)len ? 0 : -EIO;
}

static void writeback_or_say(unsigned k)
{
    int r = writeback(k);
    if (r)
        printf("fs0: write-back of page %lu of inode %u (mount %d) failed: %d\n",
               (unsigned long)fr[k].idx, (unsigned)files[fr[k].file].ino, files[fr[k].file].mnt, r);
}

/* Every page of file slot s leaves the hash: cached ones are freed, held ones become
 * orphans (written back first if writable: the file may still have links). */
static void drop_pages(unsigned s)
{
    for (unsigned k = 0; k < made && files[s].npages; k++) {
        if (!(fr[k].state & F_VALID) || fr[k].file != s) continue;
        if (fr[k].state & F_HELD) {
            if (fr[k].state & F_HELD_W) writeback_or_say(k);
            hash_out(k);
            fr[k].state = F_HELD;
        } else {
            evict(k);
        }
    }
}

int pc_file_put(uint64_t id, uint64_t count)
{
    struct pfile *f = file_by_id(id);
    if (!f || count == 0 || count > f->refs) return -EINVAL;
    if ((f->refs -= (uint32_t)count)) return 0;
    unsigned s = slot_of(f);
    drop_pages(s);
    uint16_t *p = &fbucket[fhash(f->mnt, f->ino)];
    while (*p != s) p = &files[*p].hnext;
    *p = f->hnext;
    int mnt = f->mnt;
    f->mnt = -1;   /* no longer open for vfs_is_open: the release op may free it */
    pc_nfiles--;
    if (vfs_mounts[mnt]) vfs_mounts[mnt]->release(f->ino);
    return 0;
}

/* --- mm0's requests and events --- */

static void hold(unsigned k, uint64_t flags)
{
    fr[k].state |= F_HELD;
    if ((flags & FS0_MMP_WRITE) && !(fr[k].state & F_HELD_W)) {
        fr[k].state |= F_HELD_W;
        files[fr[k].file].nwrite++;
    }
}

int64_t pc_page(uint64_t id, uint64_t idx, uint64_t flags)
{
    if (flags & ~FS0_MMP_WRITE) return -EINVAL;
    struct pfile *f = file_by_id(id);
    if (!f) return -EINVAL;
    const struct vfs_ops *fs = vfs_mounts[f->mnt];
    if (!fs) return -EIO;
    struct fs0_stat st;
    int r = fs->stat(f->ino, &st);
    if (r) return r;
    if (idx >= st.size / PC_PAGE + (st.size % PC_PAGE != 0)) return -ENXIO;
    unsigned s = slot_of(f), k = find_page(s, idx);
    if (k != NIL) {   /* a hit: no read */
        if (!(fr[k].state & F_HELD)) lru_unlink(k);
        hold(k, flags);
        return k;
    }
    if ((k = take_frame()) == NIL) {
        env.drain();   /* releases may be queued */
        if (file_by_id(id) != f) return -EINVAL;   /* mm0 put it meanwhile */
        if ((k = take_frame()) == NIL) return -ENOMEM;
    }
    uint8_t *p = env.addr(k);
    int64_t n = fs->read(f->ino, idx * PC_PAGE, p, PC_PAGE);
    if (n < 0 || n > PC_PAGE) {
        free_push(k);
        return n < 0 ? n : -EIO;
    }
    memset(p + n, 0, PC_PAGE - (size_t)n);
    fr[k].idx = idx;
    fr[k].file = (uint16_t)s;
    fr[k].state = F_VALID;
    hash_in(k);
    hold(k, flags);
    return k;
}

int pc_release(uint64_t base, uint64_t mask)
{
    if (base % 64 || base >= env.frames) return -EINVAL;
    for (unsigned i = 0; i < 64; i++) {
        unsigned k = (unsigned)base + i;
        if (!(mask >> i & 1) || k >= made || !(fr[k].state & F_HELD)) continue;
        if (!(fr[k].state & F_VALID)) {   /* an orphan: its file is gone */
            free_push(k);
            continue;
        }
        if (fr[k].state & F_HELD_W) {
            writeback_or_say(k);
            files[fr[k].file].nwrite--;
        }
        fr[k].state = F_VALID;   /* cached: a later ask is a hit */
        lru_append(k);
    }
    return 0;
}

/* --- coherence --- */

/* The cached file of n if it has pages. */
static struct pfile *cached_file(struct vfs_node n)
{
    struct pfile *f = pc_cached ? find_file(n.mnt, n.ino) : NULL;
    return f && f->npages ? f : NULL;
}

/* Copy between [off, off + len) of the file and buf, for the cached pages only:
 * to_cache says which way. */
static void copy_pages(unsigned s, uint64_t off, uint8_t *buf, size_t len, bool to_cache)
{
    uint64_t end = off + len;
    for (uint64_t idx = off / PC_PAGE; idx * PC_PAGE < end; idx++) {
        unsigned k = find_page(s, idx);
        if (k == NIL) continue;
        uint64_t ps = idx * PC_PAGE, from = off > ps ? off : ps;
        uint64_t to = end < ps + PC_PAGE ? end : ps + PC_PAGE;
        uint8_t *c = (uint8_t *)env.addr(k) + (from - ps), *b = buf + (from - off);
        if (to_cache) memcpy(c, b, (size_t)(to - from));
        else memcpy(b, c, (size_t)(to - from));
    }
}

/* Zero the cached bytes of file slot s at offsets >= from; with drop_past, unheld
 * pages wholly at or past drop_past leave the cache. */
static void zero_from(unsigned s, uint64_t from, bool drop, uint64_t drop_past)
{
    for (unsigned k = 0; k < made && files[s].npages; k++) {
        if (!(fr[k].state & F_VALID) || fr[k].file != s) continue;
        uint64_t ps = fr[k].idx * PC_PAGE;
        if (drop && ps >= drop_past && !(fr[k].state & F_HELD)) {
            evict(k);
        } else if (ps + PC_PAGE > from) {
            uint64_t z = from > ps ? from - ps : 0;
            memset((uint8_t *)env.addr(k) + z, 0, PC_PAGE - (size_t)z);
        }
    }
}

void pc_read_overlay(struct vfs_node n, uint64_t off, void *buf, size_t len)
{
    struct pfile *f = cached_file(n);
    if (f && len) copy_pages(slot_of(f), off, buf, len, false);
}

int64_t pc_write(struct vfs_node n, uint64_t off, const void *buf, size_t len)
{
    const struct vfs_ops *fs = vfs_mounts[n.mnt];
    struct pfile *f = cached_file(n);
    if (!f) return fs->write(n.ino, off, buf, len);
    struct fs0_stat st;
    int e = fs->stat(n.ino, &st);
    if (e) return e;
    int64_t r = fs->write(n.ino, off, buf, len);
    if (r <= 0) return r;
    unsigned s = slot_of(f);
    /* A gap between the old end and off reads as zeros: stores made past the end
     * through a mapping are not file data. */
    if (off > st.size) zero_from(s, st.size, false, 0);
    copy_pages(s, off, (uint8_t *)buf, (size_t)r, true);
    return r;
}

int pc_truncate(struct vfs_node n, uint64_t size)
{
    const struct vfs_ops *fs = vfs_mounts[n.mnt];
    struct pfile *f = cached_file(n);
    if (!f) return fs->truncate(n.ino, size);
    struct fs0_stat st;
    int r = fs->stat(n.ino, &st);
    if (r || (r = fs->truncate(n.ino, size))) return r;
    /* Past the new end nothing is file data; growing, [old end, size) reads as zeros. */
    zero_from(slot_of(f), st.size < size ? st.size : size, true, size);
    return 0;
}

/* Write back the writable held pages of slot s (every slot if s is NIL). */
static int writeback_held(unsigned s)
{
    int first = 0;
    for (unsigned k = 0; k < made; k++) {
        if ((fr[k].state & (F_VALID | F_HELD_W)) != (F_VALID | F_HELD_W)) continue;
        if (s != NIL && fr[k].file != s) continue;
        int r = writeback(k);
        if (r && !first) first = r;
    }
    return first;
}

int pc_fsync(struct vfs_node n)
{
    struct pfile *f = cached_file(n);
    int r = f && f->nwrite ? writeback_held(slot_of(f)) : 0;
    int e = vfs_mounts[n.mnt]->fsync(n.ino);
    return r ? r : e;
}

int pc_sync(void) { return pc_cached ? writeback_held(NIL) : 0; }
