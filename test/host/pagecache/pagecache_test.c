/* fs0's page cache on the host (CMakeLists.txt says what is linked). The file system
 * is a flat in-memory one (root inode 1, files 2..), counting every read, write,
 * fsync and release; cache frames are buffers, made on request up to a limit the test
 * sets (mm0's -ENOMEM beyond it). Each test checks what a rule allows and what it
 * forbids: a second read on a hit, a write-back of a read-only page, reuse of a held
 * frame, a stale id. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fdtable.h"
#include "mmserve.h"
#include "pagecache.h"

static int failures;
#define CHECK(c, ...)                                                    \
    do {                                                                 \
        if (!(c)) {                                                      \
            printf("%s:%d: %s: ", __FILE__, __LINE__, #c);               \
            printf(__VA_ARGS__);                                         \
            printf("\n");                                                \
            failures++;                                                  \
        }                                                                \
    } while (0)
#define CHECK_EQ(a, b, what) CHECK((int64_t)(a) == (int64_t)(b), "%s: %lld, want %lld", what, \
                                   (long long)(a), (long long)(b))

/* --- the in-memory file system --- */
#define NF 16
#define FMAX (64 * 1024)
struct mfile {
    bool used;
    const char *name;
    uint32_t mode;
    int nlink;
    uint64_t size;
    uint8_t data[FMAX];
};
static struct mfile mf[NF];
static int n_read, n_write, n_fsync, n_release, fail_read;
static uint64_t last_write_off, last_write_len;

static struct mfile *node(uint32_t ino) { return ino < NF && mf[ino].used ? &mf[ino] : NULL; }

static int m_lookup(uint32_t dir, const char *name, size_t len, uint32_t *ino)
{
    if (dir != 1) return node(dir) && (mf[dir].mode & 0xF000) == 0x4000 ? -ENOENT : -ENOTDIR;
    for (uint32_t i = 2; i < NF; i++)
        if (mf[i].used && mf[i].nlink && strlen(mf[i].name) == len && !memcmp(mf[i].name, name, len)) {
            *ino = i;
            return 0;
        }
    return -ENOENT;
}

static int m_stat(uint32_t ino, struct fs0_stat *st)
{
    struct mfile *f = node(ino);
    if (!f) return -ENOENT;
    *st = (struct fs0_stat){1, ino, f->mode, (uint64_t)f->nlink, f->size, 0, 0};
    return 0;
}

static int64_t m_read(uint32_t ino, uint64_t off, void *buf, size_t len)
{
    struct mfile *f = node(ino);
    n_read++;
    if (!f) return -ENOENT;
    if (fail_read) return -EIO;
    if (off >= f->size) return 0;
    if (len > f->size - off) len = (size_t)(f->size - off);
    memcpy(buf, f->data + off, len);
    return (int64_t)len;
}

static int64_t m_write(uint32_t ino, uint64_t off, const void *buf, size_t len)
{
    struct mfile *f = node(ino);
    n_write++;
    last_write_off = off;
    last_write_len = len;
    if (!f) return -ENOENT;
    if (off + len > FMAX) return -EFBIG;
    memcpy(f->data + off, buf, len);
    if (off + len > f->size) f->size = off + len;
    return (int64_t)len;
}

static int m_truncate(uint32_t ino, uint64_t size)
{
    struct mfile *f = node(ino);
    if (!f) return -ENOENT;
    if (size > FMAX) return -EFBIG;
    if (size < f->size) memset(f->data + size, 0, f->size - size);
    f->size = size;
    return 0;
}

static void m_release(uint32_t ino)
{
    n_release++;
    struct mfile *f = node(ino);
    if (f && !f->nlink && !vfs_is_open(MNT_ROOT, ino)) f->used = false;   /* freed */
}

static int m_unlink(uint32_t dir, const char *name, size_t len)
{
    uint32_t ino;
    int r = m_lookup(dir, name, len, &ino);
    if (r) return r;
    mf[ino].nlink = 0;
    if (!vfs_is_open(MNT_ROOT, ino)) mf[ino].used = false;
    return 0;
}

static int m_fsync(uint32_t ino) { n_fsync++; return node(ino) ? 0 : -ENOENT; }

static const struct vfs_ops mops = {
    .root = 1, .lookup = m_lookup, .stat = m_stat, .read = m_read, .write = m_write,
    .truncate = m_truncate, .unlink = m_unlink, .fsync = m_fsync, .release = m_release,
};

/* A file of size bytes whose byte i is pattern(i), or a directory. */
static uint8_t pattern(uint32_t ino, uint64_t i) { return (uint8_t)(i * 7 + ino * 31 + 1); }

static struct vfs_node mkfile(uint32_t ino, const char *name, uint32_t mode, uint64_t size)
{
    mf[ino] = (struct mfile){.used = true, .name = name, .mode = mode, .nlink = 1, .size = size};
    for (uint64_t i = 0; i < size; i++) mf[ino].data[i] = pattern(ino, i);
    return (struct vfs_node){MNT_ROOT, ino};
}

/* --- the frames, the drain, the stubs fs0's files need --- */
#define NFRAMES 64
static uint8_t frames[NFRAMES][PC_PAGE];
static unsigned frame_limit = NFRAMES;   /* mm0 makes this many, then -ENOMEM */
static int n_make, n_drain;
static void (*on_drain)(void);

static int f_make(unsigned k)
{
    if (k >= frame_limit) return -ENOMEM;
    n_make++;
    memset(frames[k], 0xAA, PC_PAGE);   /* a new frame's contents: not zeros, to see them filled */
    return 0;
}
static void *f_addr(unsigned k) { return frames[k]; }

void fs0_drain_events(void)
{
    n_drain++;
    if (on_drain) on_drain();
}
void wait_drop(k_word_t badge) { (void)badge; }
void wait_poll(void) {}
struct vfs_node devfs_console(void) { return (struct vfs_node){MNT_DEV, 4}; }
bool vfs_is_zero(struct vfs_node n) { return n.mnt == MNT_DEV && n.ino == 3; }

static int d_stat(uint32_t ino, struct fs0_stat *st)
{
    *st = (struct fs0_stat){2, ino, ino == 1 ? 0040755 : 0020666, 1, 0, 0, 0};
    return ino >= 1 && ino <= 4 ? 0 : -ENOENT;
}
static int d_lookup(uint32_t dir, const char *name, size_t len, uint32_t *ino)
{
    (void)dir;
    static const char *const names[] = {"", "", "null", "zero", "console"};
    for (uint32_t i = 2; i <= 4; i++)
        if (strlen(names[i]) == len && !memcmp(names[i], name, len)) {
            *ino = i;
            return 0;
        }
    return -ENOENT;
}
static void d_release(uint32_t ino) { (void)ino; }
static const struct vfs_ops dops = {.root = 1, .lookup = d_lookup, .stat = d_stat, .release = d_release};

static void setup(unsigned nframes)
{
    memset(mf, 0, sizeof mf);
    mf[1] = (struct mfile){.used = true, .name = "", .mode = 0040755, .nlink = 2};
    vfs_mounts[MNT_ROOT] = &mops;
    vfs_mounts[MNT_DEV] = &dops;
    frame_limit = nframes;
    struct pc_env env = {nframes < FS0_CACHE_PAGES ? FS0_CACHE_PAGES : nframes, f_make, f_addr,
                         fs0_drain_events};
    pc_init(&env);
}

static uint64_t map(struct vfs_node n)
{
    uint64_t id = 0;
    int r = pc_file_get(n, &id);
    CHECK_EQ(r, 0, "pc_file_get");
    return id;
}

static bool frame_is_file(unsigned k, uint32_t ino, uint64_t idx, uint64_t size)
{
    for (uint64_t i = 0; i < PC_PAGE; i++) {
        uint64_t o = idx * PC_PAGE + i;
        uint8_t want = o < size ? pattern(ino, o) : 0;
        if (frames[k][i] != want) return false;
    }
    return true;
}

static void release(int64_t k) { pc_release((uint64_t)k / 64 * 64, 1ull << (k % 64)); }

/* --- the tests --- */

static void t_fill_zeros(void)
{
    setup(8);
    uint64_t id = map(mkfile(2, "f", 0100644, 5000));
    int64_t k = pc_page(id, 1, 0);
    CHECK(k >= 0, "page 1: %lld", (long long)k);
    CHECK(frame_is_file((unsigned)k, 2, 1, 5000), "page 1 is bytes 4096..4999 then zeros");
    int64_t k0 = pc_page(id, 0, 0);
    CHECK(k0 >= 0 && k0 != k, "page 0 in another frame");
    CHECK(frame_is_file((unsigned)k0, 2, 0, 5000), "page 0 is the file's first 4 KiB");
}

static void t_enxio(void)
{
    setup(8);
    uint64_t id = map(mkfile(2, "f", 0100644, 5000));
    CHECK_EQ(pc_page(id, 2, 0), -ENXIO, "page 2 of 5000 bytes");
    CHECK_EQ(pc_page(id, UINT64_MAX, 0), -ENXIO, "page 2^64-1");
    CHECK_EQ(pc_page(id, UINT64_MAX / PC_PAGE + 1, 0), -ENXIO, "a page whose offset wraps");
    uint64_t id2 = map(mkfile(3, "g", 0100644, 8192));
    CHECK_EQ(pc_page(id2, 2, 0), -ENXIO, "page 2 of exactly 8192 bytes");
    CHECK(pc_page(id2, 1, 0) >= 0, "page 1 of 8192 bytes");
    uint64_t id3 = map(mkfile(4, "e", 0100644, 0));
    CHECK_EQ(pc_page(id3, 0, 0), -ENXIO, "page 0 of an empty file");
    CHECK_EQ(n_read, 1, "only the page that exists was read");
    CHECK_EQ(pc_cached, 1, "nothing cached for the refusals");
}

static void t_hit(void)
{
    setup(8);
    uint64_t id = map(mkfile(2, "f", 0100644, 9000));
    int64_t k = pc_page(id, 1, 0);
    CHECK_EQ(n_read, 1, "first ask reads");
    CHECK_EQ(pc_page(id, 1, 0), k, "second ask: the same frame");
    CHECK_EQ(n_read, 1, "second ask: no read");
    release(k);
    CHECK_EQ(pc_page(id, 1, FS0_MMP_WRITE), k, "after its release: still cached, the same frame");
    CHECK_EQ(n_read, 1, "after its release: no read");
    /* The same file mapped again (another mmap) is the same id, the same pages. */
    uint64_t again = map((struct vfs_node){MNT_ROOT, 2});
    CHECK_EQ(again, id, "one id per file");
    CHECK_EQ(pc_page(again, 1, 0), k, "its pages shared");
    CHECK_EQ(n_read, 1, "still no read");
}

static void t_hold_flags(void)
{
    setup(8);
    uint64_t id = map(mkfile(2, "f", 0100644, 9000));
    int64_t r = pc_page(id, 0, 0), w = pc_page(id, 1, FS0_MMP_WRITE);
    frames[r][5] = 0x55;   /* cannot happen through a read-only mapping: must not reach disk */
    frames[w][5] = 0x66;   /* a store through a shared writable mapping */
    CHECK_EQ(pc_fsync((struct vfs_node){MNT_ROOT, 2}), 0, "fsync");
    CHECK_EQ(n_write, 1, "only the writable page written back");
    CHECK_EQ(mf[2].data[4096 + 5], 0x66, "the store is on disk");
    CHECK(mf[2].data[5] == pattern(2, 5), "the read-only page was not written");
    /* Asking for the read-only one with WRITE makes it writable; a hold is a flag. */
    CHECK_EQ(pc_page(id, 0, FS0_MMP_WRITE), r, "same frame, now writable");
    CHECK_EQ(pc_page(id, 0, 0), r, "asking without WRITE keeps it writable");
    n_write = 0;
    pc_fsync((struct vfs_node){MNT_ROOT, 2});
    CHECK_EQ(n_write, 2, "both written back now");
    release(r);   /* one release ends a hold asked for three times */
    setup(1);
    id = map(mkfile(2, "f", 0100644, 9000));
    int64_t a = pc_page(id, 0, 0);
    pc_page(id, 0, 0);
    release(a);
    CHECK_EQ(pc_page(id, 1, 0), a, "one release made the frame reusable");
}

static void t_bad_args(void)
{
    setup(8);
    uint64_t id = map(mkfile(2, "f", 0100644, 9000));
    CHECK_EQ(pc_page(id, 0, 2), -EINVAL, "unknown flag");
    CHECK_EQ(pc_page(id, 0, ~0ull), -EINVAL, "every flag");
    CHECK_EQ(pc_page(0, 0, 0), -EINVAL, "id 0 (no file: /dev/zero's)");
    CHECK_EQ(pc_page(id + 1, 0, 0), -EINVAL, "another slot");
    CHECK_EQ(pc_page(id | 1ull << 40, 0, 0), -EINVAL, "bits above the serial");
    CHECK_EQ(pc_page((id & 0xffff) | ((id >> 16) + 1) << 16, 0, 0), -EINVAL, "another serial");
    CHECK_EQ(n_read, 0, "nothing read");
    CHECK_EQ(pc_release(1, 1), -EINVAL, "a release base not a multiple of 64");
    CHECK_EQ(pc_release(FS0_CACHE_PAGES, 1), -EINVAL, "a release base past the frames");
    int64_t k = pc_page(id, 0, 0);
    pc_release(0, ~0ull ^ (1ull << k));   /* every frame but k: k stays held */
    setup(1);
    id = map(mkfile(2, "f", 0100644, 9000));
    k = pc_page(id, 0, 0);
    pc_release(0, ~0ull ^ (1ull << k));
    CHECK_EQ(pc_page(id, 1, 0), -ENOMEM, "a release naming other frames frees nothing of k");
}

static void t_read_overlay(void)
{
    setup(8);
    struct vfs_node n = mkfile(2, "f", 0100644, 9000), other = mkfile(3, "g", 0100644, 9000);
    uint64_t id = map(n);
    map(other);
    int64_t k = pc_page(id, 0, FS0_MMP_WRITE);
    memset(frames[k] + 4000, 0x77, 96);   /* stores through the mapping */
    uint8_t buf[300];
    int64_t got = m_read(2, 3900, buf, sizeof buf);
    pc_read_overlay(n, 3900, buf, (size_t)got);
    for (int i = 0; i < 300; i++) {
        uint64_t o = 3900 + (uint64_t)i;
        uint8_t want = o >= 4000 && o < 4096 ? 0x77 : pattern(2, o);
        if (buf[i] != want) {
            CHECK(0, "byte %llu: %#x, want %#x", (unsigned long long)o, buf[i], want);
            break;
        }
    }
    m_read(3, 3900, buf, sizeof buf);
    pc_read_overlay(other, 3900, buf, sizeof buf);
    CHECK(buf[150] == pattern(3, 4050), "another file's read is not overlaid");
    /* A read shorter than asked (the end of the file) is overlaid only as far. */
    memset(frames[k] + 100, 0x78, 10);
    memset(buf, 0, sizeof buf);
    pc_read_overlay(n, 95, buf, 10);
    CHECK(buf[4] == pattern(2, 99), "byte 99 the file's");
    CHECK(buf[5] == 0x78 && buf[9] == 0x78, "bytes 100..104 are the stores");
    CHECK(buf[10] == 0, "nothing past the read's length written");
}

static void t_write_updates(void)
{
    setup(8);
    struct vfs_node n = mkfile(2, "f", 0100644, 9000);
    uint64_t id = map(n);
    int64_t k0 = pc_page(id, 0, 0), k1 = pc_page(id, 1, 0);
    release(k1);   /* cached, not held: still kept in step */
    uint8_t buf[200];
    memset(buf, 0x42, sizeof buf);
    CHECK_EQ(pc_write(n, 4000, buf, sizeof buf), 200, "write across pages 0 and 1");
    CHECK(frames[k0][3999] == pattern(2, 3999) && frames[k0][4000] == 0x42 && frames[k0][4095] == 0x42,
          "page 0's frame has the written bytes");
    CHECK(frames[k1][0] == 0x42 && frames[k1][103] == 0x42 && frames[k1][104] == pattern(2, 4200),
          "page 1's (unheld) frame too");
    CHECK(mf[2].data[4100] == 0x42, "and the disk");
    CHECK_EQ(pc_page(id, 1, 0), k1, "page 1 still a hit after the write");
    CHECK_EQ(n_read, 2, "no read for it");
    /* A file with nothing cached: the write op alone. */
    struct vfs_node g = mkfile(3, "g", 0100644, 100);
    uint8_t save[2][PC_PAGE];
    memcpy(save[0], frames[k0], PC_PAGE);
    memcpy(save[1], frames[k1], PC_PAGE);
    CHECK_EQ(pc_write(g, 0, buf, 50), 50, "write to another file");
    CHECK(!memcmp(save[0], frames[k0], PC_PAGE) && !memcmp(save[1], frames[k1], PC_PAGE),
          "no frame touched by another file's write");
    /* A failed write changes no frame. */
    CHECK_EQ(pc_write(n, FMAX, buf, 10), -EFBIG, "write past the fake's limit");
    CHECK(!memcmp(save[0], frames[k0], PC_PAGE), "frame unchanged by a failed write");
}

static void t_write_gap(void)
{
    setup(8);
    struct vfs_node n = mkfile(2, "f", 0100644, 1000);
    uint64_t id = map(n);
    int64_t k = pc_page(id, 0, FS0_MMP_WRITE);
    memset(frames[k] + 1000, 0x99, 3096);   /* stores past the end: not file data */
    uint8_t b = 0x11;
    CHECK_EQ(pc_write(n, 3000, &b, 1), 1, "write at 3000 leaves a gap 1000..2999");
    CHECK(frames[k][1000] == 0 && frames[k][2999] == 0, "the gap reads as zeros in the frame");
    CHECK(frames[k][3000] == 0x11, "the written byte");
    uint8_t buf[3001];
    int64_t got = m_read(2, 0, buf, sizeof buf);
    pc_read_overlay(n, 0, buf, (size_t)got);
    CHECK(got == 3001 && buf[1500] == 0 && buf[3000] == 0x11, "read() sees the same");
    pc_fsync(n);
    CHECK(mf[2].size == 3001 && mf[2].data[2000] == 0, "write-back keeps the size and the zeros");
}

static void t_truncate(void)
{
    setup(8);
    struct vfs_node n = mkfile(2, "f", 0100644, 12000);
    uint64_t id = map(n);
    int64_t k0 = pc_page(id, 0, FS0_MMP_WRITE), k1 = pc_page(id, 1, 0), k2 = pc_page(id, 2, 0);
    release(k1);
    release(k2);
    CHECK_EQ(pc_cached, 3, "three pages cached");
    CHECK_EQ(pc_truncate(n, 100), 0, "truncate to 100");
    CHECK(frames[k0][99] == pattern(2, 99) && frames[k0][100] == 0 && frames[k0][4095] == 0,
          "the held page zeroed past 100");
    CHECK_EQ(pc_cached, 1, "the unheld pages wholly past the end dropped");
    CHECK_EQ(pc_page(id, 1, 0), -ENXIO, "page 1 is past the end");
    CHECK_EQ(pc_truncate(n, 8192), 0, "grow to 8192");
    int64_t again = pc_page(id, 1, 0);
    CHECK(again >= 0 && frame_is_file((unsigned)again, 2, 1, 0), "page 1 now zeros, read anew");
    CHECK_EQ(n_read, 4, "a dropped page is read again");
    /* O_TRUNC goes the same way (pc_truncate to 0). */
    CHECK_EQ(pc_truncate(n, 0), 0, "truncate to 0");
    CHECK(frames[k0][0] == 0, "held page 0 all zeros");
}

static void t_truncate_held(void)
{
    setup(8);
    struct vfs_node n = mkfile(2, "f", 0100644, 9000);
    uint64_t id = map(n);
    int64_t k1 = pc_page(id, 1, FS0_MMP_WRITE);
    CHECK_EQ(pc_truncate(n, 10), 0, "shrink below page 1");
    CHECK_EQ(pc_cached, 1, "the held page past the end stays");
    CHECK(frame_is_file((unsigned)k1, 2, 1, 0), "zeroed");
    memset(frames[k1], 0x33, 10);   /* a store into it while it is past the end */
    n_write = 0;
    pc_fsync(n);
    CHECK_EQ(n_write, 0, "a page past the end is not written back");
    CHECK_EQ(mf[2].size, 10, "the size stays");
    CHECK_EQ(pc_truncate(n, 9000), 0, "grow again");
    CHECK(frames[k1][0] == 0, "growing makes it zeros (the store was past the end)");
    CHECK_EQ(pc_page(id, 1, 0), k1, "and the held frame is still the page");
}

static void t_fsync_writeback(void)
{
    setup(8);
    struct vfs_node n = mkfile(2, "f", 0100644, 5000), g = mkfile(3, "g", 0100644, 5000);
    uint64_t id = map(n), idg = map(g);
    int64_t k = pc_page(id, 1, FS0_MMP_WRITE), kg = pc_page(idg, 0, FS0_MMP_WRITE);
    frames[k][0] = 0x21;
    frames[k][903] = 0x22;
    frames[k][904] = 0x23;   /* past the end: not written */
    frames[kg][0] = 0x31;
    CHECK_EQ(pc_fsync(n), 0, "fsync f");
    CHECK_EQ(n_fsync, 1, "the fsync op ran");
    CHECK_EQ(n_write, 1, "one write-back: f's page, not g's");
    CHECK(last_write_off == 4096 && last_write_len == 904, "bytes up to the size: 4096 + 904");
    CHECK(mf[2].data[4096] == 0x21 && mf[2].data[4999] == 0x22, "stores on disk");
    CHECK_EQ(mf[2].size, 5000, "size unchanged");
    CHECK(mf[3].data[0] == pattern(3, 0), "g not written");
}

static void t_sync_writeback(void)
{
    setup(8);
    struct vfs_node n = mkfile(2, "f", 0100644, 5000), g = mkfile(3, "g", 0100644, 5000);
    uint64_t id = map(n), idg = map(g);
    int64_t k = pc_page(id, 0, FS0_MMP_WRITE), kg = pc_page(idg, 0, FS0_MMP_WRITE);
    int64_t ro = pc_page(idg, 1, 0);
    frames[k][1] = 0x41;
    frames[kg][2] = 0x42;
    frames[ro][3] = 0x43;
    CHECK_EQ(pc_sync(), 0, "sync");
    CHECK_EQ(n_write, 2, "both writable pages, not the read-only one");
    CHECK(mf[2].data[1] == 0x41 && mf[3].data[2] == 0x42, "stores on disk");
    CHECK(mf[3].data[4096 + 3] == pattern(3, 4099), "read-only page not written");
    CHECK_EQ(n_fsync, 0, "pc_sync leaves the mounts' sync to its caller");
}

static void t_release_writeback(void)
{
    setup(8);
    struct vfs_node n = mkfile(2, "f", 0100644, 9000);
    uint64_t id = map(n);
    int64_t w = pc_page(id, 0, FS0_MMP_WRITE), r = pc_page(id, 1, 0);
    frames[w][7] = 0x51;
    frames[r][7] = 0x52;
    release(r);
    CHECK_EQ(n_write, 0, "releasing a read-only page writes nothing");
    release(w);
    CHECK_EQ(n_write, 1, "releasing a writable page writes it back");
    CHECK_EQ(n_fsync, 0, "without an fsync");
    CHECK_EQ(mf[2].data[7], 0x51, "its store on disk");
    release(w);
    CHECK_EQ(n_write, 1, "a second release of it is nothing");
    n_write = 0;
    pc_fsync(n);
    CHECK_EQ(n_write, 0, "a released page is no longer written back");
}

static void t_reuse_unheld(void)
{
    setup(2);
    struct vfs_node n = mkfile(2, "f", 0100644, 5 * PC_PAGE);
    uint64_t id = map(n);
    int64_t a = pc_page(id, 0, 0), b = pc_page(id, 1, 0);
    CHECK_EQ(pc_page(id, 2, 0), -ENOMEM, "both frames held");
    release(a);
    int64_t c = pc_page(id, 2, 0);
    CHECK_EQ(c, a, "the released frame is reused");
    CHECK(frame_is_file((unsigned)c, 2, 2, 5 * PC_PAGE), "with page 2's bytes");
    CHECK(frame_is_file((unsigned)b, 2, 1, 5 * PC_PAGE), "the held frame untouched");
    CHECK_EQ(pc_page(id, 1, 0), b, "page 1 still in its frame");
    int before = n_read;
    CHECK_EQ(pc_page(id, 0, 0), -ENOMEM, "page 0 was evicted, nothing free now");
    CHECK_EQ(n_read, before, "no read without a frame");
    /* LRU: of two cached pages the older one goes first. */
    release(b);
    release(c);
    int64_t d = pc_page(id, 3, 0);
    CHECK_EQ(d, b, "the least recently released goes first");
    CHECK_EQ(pc_page(id, 2, 0), c, "page 2 still cached");
}

static void t_lazy_frames(void)
{
    setup(8);
    struct vfs_node n = mkfile(2, "f", 0100644, 5 * PC_PAGE);
    uint64_t id = map(n);
    CHECK_EQ(n_make, 0, "no frame asked for before a page is");
    int64_t a = pc_page(id, 0, 0);
    CHECK_EQ(n_make, 1, "one frame for one page");
    pc_page(id, 0, 0);
    CHECK_EQ(n_make, 1, "none for a hit");
    release(a);
    pc_page(id, 1, 0);
    CHECK_EQ(n_make, 1, "a reusable frame before a new one");
    pc_page(id, 2, 0);
    CHECK_EQ(n_make, 2, "a new one only when none is reusable");
}

static void t_enomem(void)
{
    setup(2);
    struct vfs_node n = mkfile(2, "f", 0100644, 5 * PC_PAGE);
    uint64_t id = map(n);
    pc_page(id, 0, 0);
    pc_page(id, 1, 0);
    n_drain = 0;
    CHECK_EQ(pc_page(id, 2, 0), -ENOMEM, "every frame held");
    CHECK_EQ(n_drain, 1, "the events were drained once first");
    CHECK_EQ(n_make, 2, "two frames made, the third refused by mm0");
    CHECK_EQ(pc_cached, 2, "nothing changed");
}

static uint64_t drain_id;
static int64_t drain_frame;
static void drain_releases(void) { release(drain_frame); }
static void drain_puts(void) { pc_file_put(drain_id, 1); }

static void t_drain_retry(void)
{
    setup(2);
    struct vfs_node n = mkfile(2, "f", 0100644, 5 * PC_PAGE);
    uint64_t id = map(n);
    pc_page(id, 0, 0);
    drain_frame = pc_page(id, 1, FS0_MMP_WRITE);
    frames[drain_frame][0] = 0x61;
    on_drain = drain_releases;   /* mm0 had queued the release of page 1's frame */
    int64_t k = pc_page(id, 2, 0);
    on_drain = NULL;
    CHECK_EQ(k, drain_frame, "the frame released by the drain serves");
    CHECK_EQ(mf[2].data[4096], 0x61, "written back before its reuse");
    CHECK(frame_is_file((unsigned)k, 2, 2, 5 * PC_PAGE), "then filled with page 2");
    /* A drain that puts the file being served: its id is gone. */
    setup(1);
    n = mkfile(2, "f", 0100644, 5 * PC_PAGE);
    drain_id = map(n);
    pc_page(drain_id, 0, 0);
    on_drain = drain_puts;
    CHECK_EQ(pc_page(drain_id, 1, 0), -EINVAL, "the file was put during the drain");
    on_drain = NULL;
}

static void t_stale_id(void)
{
    setup(8);
    struct vfs_node n = mkfile(2, "f", 0100644, 9000);
    uint64_t id = map(n);
    CHECK_EQ(pc_file_put(id, 1), 0, "put the only reference");
    CHECK_EQ(pc_page(id, 0, 0), -EINVAL, "its id is stale");
    CHECK_EQ(pc_file_put(id, 1), -EINVAL, "a stale put");
    uint64_t id2 = map(mkfile(3, "g", 0100644, 9000));
    CHECK_EQ(id2 & 0xffff, id & 0xffff, "the slot is reused");
    CHECK(id2 != id, "with a new serial");
    CHECK_EQ(pc_page(id, 0, 0), -EINVAL, "the old id does not name the new file");
    CHECK(pc_page(id2, 0, 0) >= 0, "the new id does");
    CHECK(!pc_is_mapped(MNT_ROOT, 2), "the old file is not mapped");
    CHECK(pc_is_mapped(MNT_ROOT, 3), "the new one is");
    CHECK(!pc_is_mapped(MNT_TMP, 3), "the same inode number on another mount is not");
}

static void t_put_release(void)
{
    setup(8);
    struct vfs_node n = mkfile(2, "f", 0100644, 9000);
    uint64_t id = map(n);
    map(n);   /* two references */
    int64_t w = pc_page(id, 0, FS0_MMP_WRITE), c = pc_page(id, 1, 0);
    release(c);
    release(w);
    CHECK_EQ(m_unlink(1, "f", 1), 0, "unlink the mapped file");
    CHECK(mf[2].used, "a mapped file stays after its last name (vfs_is_open)");
    CHECK_EQ(pc_file_put(id, 1), 0, "put one of two");
    CHECK_EQ(n_release, 0, "no release while a reference is left");
    CHECK(mf[2].used, "still there");
    CHECK_EQ(pc_page(id, 1, 0), c, "and its pages still cached");
    release(c);
    CHECK_EQ(pc_file_put(id, 1), 0, "put the last");
    CHECK_EQ(n_release, 1, "the release op ran");
    CHECK(!mf[2].used, "the unlinked file is freed");
    CHECK_EQ(pc_cached, 0, "every cached page of it dropped");
    /* Its frames are free: a new file takes them without asking mm0. */
    int made = n_make;
    uint64_t id2 = map(mkfile(3, "g", 0100644, 9000));
    pc_page(id2, 0, 0);
    pc_page(id2, 1, 0);
    CHECK_EQ(n_make, made, "no new frame: the freed ones serve");
    /* A put while pages are still held (mm0 must release first; if it does not, the
     * held frames are kept but leave the file: orphans, freed at their release). */
    int64_t h = pc_page(id2, 0, FS0_MMP_WRITE), h1 = pc_page(id2, 1, 0);
    frames[h][0] = 0x71;
    CHECK_EQ(pc_file_put(id2, 1), 0, "put with pages held");
    CHECK_EQ(mf[3].data[0], 0x71, "its writable page written back first");
    CHECK_EQ(pc_cached, 0, "the held pages left the cache");
    uint64_t id3 = map(mkfile(4, "h", 0100644, 9000));
    int64_t o = pc_page(id3, 0, 0);
    CHECK(o != h && o != h1, "an orphan is not reused while held");
    release(o);
    n_write = 0;
    release(h);
    release(h1);
    CHECK_EQ(n_write, 0, "an orphan's release writes nothing (its file is gone)");
    made = n_make;
    CHECK(pc_page(id3, 1, 0) >= 0 && pc_page(id3, 2, 0) >= 0, "pages of another file");
    CHECK_EQ(n_make, made, "in the released orphans' frames");
}

static void t_put_counts(void)
{
    setup(8);
    struct vfs_node n = mkfile(2, "f", 0100644, 9000);
    uint64_t id = map(n);
    map(n);
    map(n);
    CHECK_EQ(pc_file_put(id, 4), -EINVAL, "more than it holds");
    CHECK_EQ(pc_file_put(id, 0), -EINVAL, "zero");
    CHECK(pc_is_mapped(MNT_ROOT, 2), "still mapped after refused puts");
    CHECK_EQ(pc_file_put(id, 2), 0, "two of three");
    CHECK(pc_is_mapped(MNT_ROOT, 2), "one left");
    CHECK_EQ(n_release, 0, "no release yet");
    CHECK_EQ(pc_file_put(id, 1), 0, "the last");
    CHECK(!pc_is_mapped(MNT_ROOT, 2), "gone");
    CHECK_EQ(n_release, 1, "released once");
    /* The table fills: -ENFILE, and a put frees a slot. */
    setup(8);
    uint64_t first = 0, x;
    for (unsigned i = 0; i < PC_FILES; i++) {
        int r = pc_file_get((struct vfs_node){MNT_TMP, 100 + i}, &x);
        CHECK_EQ(r, 0, "fill the table");
        if (!i) first = x;
    }
    CHECK_EQ(pc_file_get((struct vfs_node){MNT_TMP, 99}, &x), -ENFILE, "table full");
    CHECK_EQ(pc_file_get((struct vfs_node){MNT_TMP, 100}, &x), 0, "a mapped file's new reference still fits");
    CHECK_EQ(x, first, "the same id");
    pc_file_put(first, 2);
    CHECK_EQ(pc_file_get((struct vfs_node){MNT_TMP, 99}, &x), 0, "a freed slot is taken");
}

/* fdtable.c's vfs_is_open counts mapped files; its last close does not free one. */
static void t_open_keeps(void)
{
    setup(8);
    struct vfs_node n = mkfile(2, "f", 0100644, 9000);
    proc_new(0x2001, 0);
    struct proc *p = proc_find(0x2001);
    CHECK(p != NULL, "a process");
    int fd = fd_open(p, n, O_RDWR, false);
    uint64_t id = map(n);
    CHECK_EQ(m_unlink(1, "f", 1), 0, "unlink");
    CHECK_EQ(fd_close(p, fd), 0, "close the last descriptor");
    CHECK_EQ(n_release, 1, "the close ran the release op");
    CHECK(mf[2].used, "but the mapped file is not freed");
    CHECK(pc_page(id, 0, 0) >= 0, "its pages still come");
    pc_release(0, ~0ull);
    pc_file_put(id, 1);
    CHECK(!mf[2].used, "freed at the last put");
    CHECK(!vfs_is_open(MNT_ROOT, 2), "not open any more");
}

/* --- mm0's requests through mm_serve --- */
static k_word_t rep[FS0_MSG_WORDS];

static int64_t serve(k_word_t label, const k_word_t *w, unsigned len, unsigned *rlen)
{
    memset(rep, 0xEE, sizeof rep);
    unsigned n = mm_serve(label, w, len, rep);
    if (rlen) *rlen = n;
    return (int64_t)rep[0];
}

static void t_mm_file(void)
{
    setup(8);
    mkfile(2, "prog", 0100755, 5000);
    proc_new(0x2001, 0);   /* init: 0, 1, 2 the console */
    struct proc *p = proc_find(0x2001);
    int fd = fd_open(p, (struct vfs_node){MNT_ROOT, 2}, O_RDWR, false);
    int zero = fd_open(p, (struct vfs_node){MNT_DEV, 3}, O_RDONLY, false);
    int dir = fd_open(p, (struct vfs_node){MNT_ROOT, 1}, O_RDONLY, true);
    unsigned rlen;
    k_word_t w[3] = {0x2001, (k_word_t)fd};
    CHECK_EQ(serve(FS0_MM_FILE, w, 2, &rlen), 0, "a regular file");
    CHECK_EQ(rlen, FS0_MM_FILE_REPLY, "reply length");
    CHECK(rep[2] == FS0_MMK_REG && rep[3] == O_RDWR && rep[4] == 5000, "kind, access, size");
    CHECK(pc_is_mapped(MNT_ROOT, 2), "with a reference");
    uint64_t id = rep[1];
    CHECK(pc_page(id, 0, 0) >= 0, "whose id serves pages");
    w[0] = 0x2001 | 1ul << FS0_BADGE_THREAD_SHIFT;   /* another thread of it */
    CHECK_EQ(serve(FS0_MM_FILE, w, 2, NULL), 0, "a thread's badge names its process");
    CHECK_EQ(rep[1], id, "the same id");
    w[0] = 0x2001;
    w[1] = (k_word_t)zero;
    CHECK_EQ(serve(FS0_MM_FILE, w, 2, &rlen), 0, "/dev/zero");
    CHECK(rep[2] == FS0_MMK_ZERO && rep[1] == 0 && rep[3] == O_RDONLY, "kind ZERO, no id");
    w[1] = 0;
    CHECK_EQ(serve(FS0_MM_FILE, w, 2, &rlen), -ENODEV, "the console");
    CHECK_EQ(rlen, 1, "an error is one word");
    w[1] = (k_word_t)dir;
    CHECK_EQ(serve(FS0_MM_FILE, w, 2, NULL), -ENODEV, "a directory");
    w[1] = 40;
    CHECK_EQ(serve(FS0_MM_FILE, w, 2, NULL), -EBADF, "an unused descriptor");
    w[1] = (k_word_t)-1;
    CHECK_EQ(serve(FS0_MM_FILE, w, 2, NULL), -EBADF, "descriptor -1");
    w[1] = 64;
    CHECK_EQ(serve(FS0_MM_FILE, w, 2, NULL), -EBADF, "descriptor 64");
    w[0] = 0x3002;
    w[1] = (k_word_t)fd;
    n_drain = 0;
    CHECK_EQ(serve(FS0_MM_FILE, w, 2, NULL), -ESRCH, "an unknown process");
    CHECK_EQ(n_drain, 1, "after draining the events (its NEW may be queued)");
    w[0] = 0x2001;
    CHECK_EQ(serve(FS0_MM_FILE, w, 1, NULL), -EINVAL, "a word short");
    CHECK_EQ(serve(FS0_MM_FILE, w, 3, NULL), -EINVAL, "a word too many");
    CHECK_EQ(serve(1, w, 3, NULL), -ENOSYS, "a process request from mm0's badge");
    CHECK_EQ(serve(67, w, 3, NULL), -ENOSYS, "an unknown label");
    uint64_t x;
    pc_file_get((struct vfs_node){MNT_ROOT, 2}, &x);
    CHECK_EQ(pc_file_put(id, 3), 0, "three references were given (two FILEs, one here)");
    CHECK(!pc_is_mapped(MNT_ROOT, 2), "and no more");
}

/* FS0_MM_OPEN's path: MR1 n, MR2.. the bytes. */
static unsigned put_path(k_word_t *w, k_word_t badge, const char *s, size_t n)
{
    memset(w, 0, FS0_MSG_WORDS * sizeof *w);
    w[0] = badge;
    w[1] = n;
    memcpy(&w[2], s, n);
    return 2 + (unsigned)((n + 7) / 8);
}

static void t_mm_open(void)
{
    setup(8);
    mkfile(2, "prog", 0100755, 5000);
    mkfile(3, "data", 0100644, 100);
    mkfile(4, "sub", 0040755, 0);
    mkfile(5, "xonly", 0100100, 10);
    proc_new(0x2001, 0);
    struct proc *p = proc_find(0x2001);
    k_word_t w[FS0_MSG_WORDS];
    unsigned rlen, len = put_path(w, 0x2001, "/prog", 6);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len, &rlen), 0, "an executable");
    CHECK(rlen == FS0_MM_FILE_REPLY && rep[2] == FS0_MMK_REG && rep[3] == O_RDONLY && rep[4] == 5000,
          "kind REG, O_RDONLY, its size");
    CHECK(pc_is_mapped(MNT_ROOT, 2), "a reference");
    strcpy(p->cwd, "/sub");
    len = put_path(w, 0x2001, "../prog", 8);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len, NULL), 0, "relative to the cwd");
    len = put_path(w, 0x2001, "prog", 5);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len, NULL), -ENOENT, "relative: /sub/prog is not there");
    strcpy(p->cwd, "/");
    len = put_path(w, 0x2001, "xonly", 6);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len, NULL), 0, "execute bit only");
    len = put_path(w, 0x2001, "data", 5);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len, NULL), -EACCES, "no execute bit");
    CHECK(!pc_is_mapped(MNT_ROOT, 3), "no reference for a refusal");
    len = put_path(w, 0x2001, "sub", 4);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len, NULL), -EACCES, "a directory");
    len = put_path(w, 0x2001, "/dev/zero", 10);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len, NULL), -EACCES, "a device");
    len = put_path(w, 0x2001, "nothing", 8);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len, NULL), -ENOENT, "no such file");
    len = put_path(w, 0x2001, "prog/x", 7);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len, NULL), -ENOTDIR, "a file as a directory");
    len = put_path(w, 0x2001, "prog", 4);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len, NULL), -EINVAL, "not terminated within n");
    len = put_path(w, 0x2001, "pr\0og", 6);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len, NULL), -EINVAL, "a NUL inside");
    len = put_path(w, 0x2001, "prog", 5);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len + 1, NULL), -EINVAL, "a word too many");
    CHECK_EQ(serve(FS0_MM_OPEN, w, len - 1, NULL), -EINVAL, "a word short");
    CHECK_EQ(serve(FS0_MM_OPEN, w, 1, NULL), -EINVAL, "no count");
    w[1] = 0;
    CHECK_EQ(serve(FS0_MM_OPEN, w, 2, NULL), -EINVAL, "n = 0");
    char longp[300];
    memset(longp, 'a', sizeof longp);
    longp[256] = '\0';
    len = put_path(w, 0x2001, longp, 257);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len, NULL), -ENAMETOOLONG, "257 bytes");
    longp[0] = '/';
    longp[255] = '\0';
    len = put_path(w, 0x2001, longp, 256);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len, NULL), -ENOENT, "256 bytes: looked up");
    len = put_path(w, 0x2001, "", 1);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len, NULL), -ENOENT, "the empty path");
    len = put_path(w, 0x3003, "/prog", 6);
    CHECK_EQ(serve(FS0_MM_OPEN, w, len, NULL), -ESRCH, "an unknown process");
}

static void t_mm_page(void)
{
    setup(8);
    uint64_t id = map(mkfile(2, "f", 0100644, 5000));
    unsigned rlen;
    k_word_t w[3] = {id, 1, 0};
    int64_t k = serve(FS0_MM_PAGE, w, 3, &rlen);
    CHECK(k >= 0 && rlen == 1, "a page: frame %lld, reply %u words", (long long)k, rlen);
    CHECK(frame_is_file((unsigned)k, 2, 1, 5000), "filled");
    CHECK_EQ(serve(FS0_MM_PAGE, w, 2, NULL), -EINVAL, "a word short");
    CHECK_EQ(serve(FS0_MM_PAGE, w, 4, NULL), -EINVAL, "a word too many");
    w[1] = 2;
    CHECK_EQ(serve(FS0_MM_PAGE, w, 3, NULL), -ENXIO, "past the end");
    w[1] = 0;
    fail_read = 1;
    CHECK_EQ(serve(FS0_MM_PAGE, w, 3, NULL), -EIO, "a read error");
    fail_read = 0;
    CHECK_EQ(pc_cached, 1, "a failed fill caches nothing");
    CHECK(serve(FS0_MM_PAGE, w, 3, NULL) >= 0, "the next ask reads again");
}

static void t_mm_badge(void)
{
    setup(8);
    proc_new(FS0_BADGE_MM0, 0);   /* even if mm0 ever sent it */
    CHECK(proc_find(FS0_BADGE_MM0) == NULL, "FS0_BADGE_MM0 names no process");
    CHECK(proc_find(0) == NULL, "nor 0");
    k_word_t w[2] = {FS0_BADGE_MM0, 0};
    CHECK_EQ(serve(FS0_MM_FILE, w, 2, NULL), -ESRCH, "mm0's own badge as the process");
    w[0] = FS0_EVENT_BADGE;
    CHECK_EQ(serve(FS0_MM_FILE, w, 2, NULL), -ESRCH, "the notification's badge");
}

/* --- the fourth mutation campaign's survivors (docs/testing.md) --- */

/* A hit on a page that is already held leaves the LRU list alone: the held frame is
 * not on it (its links are stale). Kills line 267's "not held" test dropped. */
static void t_mut4_held_hit_lru(void)
{
    setup(3);
    uint64_t id = map(mkfile(2, "f", 0100644, 8 * PC_PAGE));
    int64_t a = pc_page(id, 0, 0), b = pc_page(id, 1, 0), c = pc_page(id, 2, 0);
    release(a);
    release(c);
    release(b);                                       /* LRU: a, c, b */
    CHECK_EQ(pc_page(id, 2, 0), c, "a hit on a cached page");   /* LRU: a, b */
    CHECK_EQ(pc_page(id, 3, 0), a, "the oldest cached frame reused");   /* LRU: b */
    CHECK_EQ(pc_page(id, 2, 0), c, "a hit on a held page");
    CHECK_EQ(pc_page(id, 4, 0), b, "the last cached frame reused");
    CHECK_EQ(pc_page(id, 5, 0), -ENOMEM, "every frame held now");
    CHECK(frame_is_file((unsigned)a, 2, 3, 8 * PC_PAGE) && frame_is_file((unsigned)b, 2, 4, 8 * PC_PAGE) &&
          frame_is_file((unsigned)c, 2, 2, 8 * PC_PAGE), "each frame holds its own page");
}

/* mm0 releasing a frame that is not held (cached, or free) changes nothing: it is not
 * put on a list a second time, so two pages never share a frame. Kills line 296's
 * "held" test dropped. */
static void t_mut4_release_unheld(void)
{
    setup(2);
    uint64_t id = map(mkfile(2, "f", 0100644, 8 * PC_PAGE));
    int64_t a = pc_page(id, 0, 0);
    release(a);
    release(a);                                       /* cached: not held */
    int64_t b = pc_page(id, 1, 0), c = pc_page(id, 2, 0);
    CHECK(b >= 0 && c >= 0 && b != c, "two pages in frames %lld and %lld", (long long)b, (long long)c);
    CHECK(frame_is_file((unsigned)b, 2, 1, 8 * PC_PAGE) && frame_is_file((unsigned)c, 2, 2, 8 * PC_PAGE),
          "each frame holds its own page");
    /* A free frame (its file gone): released again, still one frame for one page. */
    uint64_t id2 = map(mkfile(3, "g", 0100644, 8 * PC_PAGE));
    release(b);
    release(c);
    CHECK_EQ(pc_file_put(id, 1), 0, "put: both frames free now");
    release(b);
    release(b);
    int64_t d = pc_page(id2, 0, 0), e = pc_page(id2, 1, 0);
    CHECK(d >= 0 && e >= 0 && d != e, "two pages of g in frames %lld and %lld", (long long)d, (long long)e);
    CHECK_EQ(pc_page(id2, 2, 0), -ENOMEM, "and no third frame");
}

/* A slot's serial wraps past 0 (no id: /dev/zero's) to 1: 65536 reuses of one slot,
 * every id good. Kills line 91 dropped. */
static void t_mut4_serial_wrap(void)
{
    setup(2);
    struct vfs_node n = mkfile(2, "f", 0100644, PC_PAGE);
    int bad = 0;
    for (unsigned i = 0; i < 0x10002; i++) {
        uint64_t id = map(n);
        if (id >> 16 == 0 || pc_file_put(id, 1) != 0) bad++;
    }
    CHECK_EQ(bad, 0, "ids with serial 0, or refused");
    uint64_t id = map(n);
    CHECK(pc_page(id, 0, 0) >= 0, "a page of the file after the wrap");
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
    {"fill_zeros", t_fill_zeros}, {"enxio", t_enxio}, {"hit", t_hit},
    {"hold_flags", t_hold_flags}, {"bad_args", t_bad_args}, {"read_overlay", t_read_overlay},
    {"write_updates", t_write_updates}, {"write_gap", t_write_gap}, {"truncate", t_truncate},
    {"truncate_held", t_truncate_held}, {"fsync_writeback", t_fsync_writeback},
    {"sync_writeback", t_sync_writeback}, {"release_writeback", t_release_writeback},
    {"reuse_unheld", t_reuse_unheld}, {"lazy_frames", t_lazy_frames}, {"enomem", t_enomem},
    {"drain_retry", t_drain_retry}, {"stale_id", t_stale_id}, {"put_release", t_put_release},
    {"put_counts", t_put_counts}, {"open_keeps", t_open_keeps}, {"mm_file", t_mm_file},
    {"mm_open", t_mm_open}, {"mm_page", t_mm_page}, {"mm_badge", t_mm_badge},
    {"mut4_held_hit_lru", t_mut4_held_hit_lru}, {"mut4_release_unheld", t_mut4_release_unheld},
    {"mut4_serial_wrap", t_mut4_serial_wrap},
};
#define NTESTS (sizeof tests / sizeof tests[0])

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--check-list")) {   /* CMake's list names every test */
        if ((size_t)(argc - 2) != NTESTS) {
            printf("CMakeLists.txt lists %d tests, the program has %zu\n", argc - 2, NTESTS);
            return 1;
        }
        for (size_t i = 0; i < NTESTS; i++)
            if (strcmp(argv[2 + i], tests[i].name)) {
                printf("test %zu: %s in CMakeLists.txt, %s here\n", i, argv[2 + i], tests[i].name);
                return 1;
            }
        return 0;
    }
    int ran = 0;
    for (size_t i = 0; i < NTESTS; i++)
        if (argc < 2 || !strcmp(argv[1], tests[i].name)) {
            tests[i].fn();
            ran++;
        }
    if (!ran) {
        printf("no test %s\n", argv[1]);
        return 1;
    }
    printf("%s: %d failure(s)\n", argc > 1 ? argv[1] : "all", failures);
    return failures != 0;
}
