/*
 * Randomized tests against a model. random_*: create/write/truncate/unlink/rename/
 * fsync at random, every file compared with its in-memory copy, then e2fsck and
 * debugfs. powercut_*: a write-heavy workload cut off after N device writes (with
 * the writes since the last flush landing at random, as a disk's volatile cache
 * would), 20 cut points; e2fsck -fy must leave a clean image in which every file
 * whose fsync returned before the cut is whole.
 */
#include <string.h>

#include "harness.h"

#define ROOT EXT2_ROOT_INO

static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

enum { MAXF = 24, MAXLEN = 300 * 1024 };

typedef struct mfile {
    bool used;
    int dir;              /* index into dirs[] */
    char name[32];
    uint32_t ino;
    uint8_t *data;
    size_t len;
} mfile_t;

static const char *dir_names[3] = {"", "d1", "d2"};

static void mpath(char *out, size_t n, const mfile_t *f)
{
    if (f->dir == 0)
        snprintf(out, n, "/%s", f->name);
    else
        snprintf(out, n, "/%s/%s", dir_names[f->dir], f->name);
}

static int find_name(mfile_t *m, int dir, const char *name)
{
    for (int i = 0; i < MAXF; i++)
        if (m[i].used && m[i].dir == dir && strcmp(m[i].name, name) == 0)
            return i;
    return -1;
}

static void check_all(ext2_fs_t *fs, mfile_t *m, const uint32_t *dirs)
{
    char p[80];
    for (int i = 0; i < MAXF; i++) {
        if (!m[i].used)
            continue;
        mpath(p, sizeof p, &m[i]);
        check_file(fs, p, m[i].data, m[i].len);
    }
    /* Each directory lists exactly the model's names. */
    for (int d = 0; d < 3; d++) {
        int n = 0, want = 0, r;
        uint64_t c = 0;
        ext2_dirent_t de;
        while ((r = ext2_readdir(fs, dirs[d], &c, &de)) == 1) {
            if (de.type != EXT2_FT_REG)
                continue;
            CHECK(find_name(m, d, de.name) >= 0, "unexpected %s in dir %d", de.name, d);
            n++;
        }
        CHECK_RC(r, 0);
        for (int i = 0; i < MAXF; i++)
            want += m[i].used && m[i].dir == d;
        CHECK(n == want, "dir %d lists %d files, model has %d", d, n, want);
    }
}

static void random_test(unsigned bs, uint32_t seed, uint32_t cache, int ops)
{
    char img[512];
    snprintf(img, sizeof img, "%s/random_%u.img", g_workdir, bs);
    mkimg(img, bs, 16384, NULL, bs == 1024 ? "-g 2048" : NULL);
    mfile_t m[MAXF];
    memset(m, 0, sizeof m);
    uint8_t *buf = malloc(MAXLEN + 10000), *tmp = malloc(MAXLEN + 10000);
    uint32_t dirs[3] = {ROOT, 0, 0}, counter = 0;
    tfs_t t;
    CHECK_RC(tmount(&t, img, 0, cache), 0);
    ext2_fs_t *fs = t.fs;
    CHECK_RC(ext2_mkdir(fs, ROOT, "d1", 2, 0755, &dirs[1]), 0);
    CHECK_RC(ext2_mkdir(fs, ROOT, "d2", 2, 0755, &dirs[2]), 0);
    for (int op = 0; op < ops; op++) {
        int i = (int)(rnd(&seed) % MAXF);
        mfile_t *f = &m[i];
        uint32_t kind = rnd(&seed) % 10;
        if (!f->used) {   /* create */
            f->used = true;
            f->dir = (int)(rnd(&seed) % 3);
            snprintf(f->name, sizeof f->name, "f%u-%.*s", counter++, (int)(rnd(&seed) % 20),
                     "xxxxxxxxxxxxxxxxxxxxxxxxx");
            CHECK_RC(ext2_create(fs, dirs[f->dir], f->name, strlen(f->name), 0644, &f->ino), 0);
            f->data = calloc(MAXLEN, 1);
            f->len = 0;
        } else if (kind < 4) {   /* write, sometimes leaving a hole */
            size_t off = rnd(&seed) % (f->len + 3 * bs + 1);
            if (rnd(&seed) % 8 == 0)
                off = rnd(&seed) % MAXLEN;
            size_t n = rnd(&seed) % (rnd(&seed) % 4 == 0 ? 40000 : 3000);
            if (off > MAXLEN)
                off = MAXLEN;
            if (off + n > MAXLEN)
                n = MAXLEN - off;
            pattern(buf, n, op, off);
            CHECK_RC(ext2_write(fs, f->ino, off, buf, n), n);
            memcpy(f->data + off, buf, n);
            if (n > 0 && off + n > f->len)   /* writing 0 bytes never extends */
                f->len = off + n;
        } else if (kind < 6) {   /* truncate, down or up */
            size_t s = rnd(&seed) % (f->len + f->len / 2 + 2);
            if (s > MAXLEN)
                s = MAXLEN;
            CHECK_RC(ext2_truncate(fs, f->ino, s), 0);
            if (s < f->len)
                memset(f->data + s, 0, f->len - s);
            f->len = s;
        } else if (kind == 6) {   /* unlink */
            CHECK_RC(ext2_unlink(fs, dirs[f->dir], f->name, strlen(f->name)), 0);
            free(f->data);
            f->used = false;
        } else if (kind == 7) {   /* rename: to a new name or over another file */
            int j = (int)(rnd(&seed) % MAXF);
            int nd;
            char nn[32];
            if (j != i && m[j].used) {
                nd = m[j].dir;
                strcpy(nn, m[j].name);
            } else {
                nd = (int)(rnd(&seed) % 3);
                snprintf(nn, sizeof nn, "r%u", counter++);
                j = -1;
            }
            CHECK_RC(ext2_rename(fs, dirs[f->dir], f->name, strlen(f->name), dirs[nd], nn,
                                 strlen(nn)), 0);
            if (j >= 0) {
                free(m[j].data);
                m[j].used = false;
            }
            f->dir = nd;
            strcpy(f->name, nn);
        } else if (kind == 8) {   /* read a random range */
            size_t off = rnd(&seed) % (f->len + 100), n = rnd(&seed) % 9000;
            size_t want = off >= f->len ? 0 : (n < f->len - off ? n : f->len - off);
            CHECK_RC(ext2_read(fs, f->ino, off, tmp, n), want);
            CHECK(want == 0 || memcmp(tmp, f->data + off, want) == 0, "op %d: read differs", op);
        } else {
            CHECK_RC(ext2_fsync(fs, f->ino), 0);
        }
    }
    check_all(fs, m, dirs);
    tumount(&t);
    fsck_clean(img);
    for (int i = 0; i < MAXF; i++) {
        if (!m[i].used)
            continue;
        char p[80];
        mpath(p, sizeof p, &m[i]);
        check_debugfs(img, p, m[i].data, m[i].len);
    }
    CHECK_RC(tmount(&t, img, 0, 16), 0);
    check_all(t.fs, m, dirs);
    tumount(&t);
    for (int i = 0; i < MAXF; i++)
        if (m[i].used)
            free(m[i].data);
    free(buf);
    free(tmp);
}

/* EXT2_SEED in the environment replays or explores another sequence. */
static uint32_t seed_or(uint32_t dflt)
{
    const char *s = getenv("EXT2_SEED");
    return s ? (uint32_t)strtoul(s, NULL, 0) | 1u : dflt;
}

TEST(random_1k) { random_test(1024, seed_or(0x1234567u), 16, 600); }
TEST(random_4k) { random_test(4096, seed_or(0x89abcdefu), 0, 600); }

/* --- power cuts ------------------------------------------------------------------ */

enum { PC_FILES = 6 };

static size_t pc_len(int i) { return 9000 + (size_t)i * 23000; }
static size_t pc_junk_len(int i) { return 3000 + (size_t)i * 1000; }

/* The workload: files written in pieces and fsync'ed, with churn around them (scratch
 * files written, renamed and deleted, so freed blocks get reused). synced[i] is set
 * when file i's fsync returned before the power went. */
static void pc_workload(tfs_t *t, bool *synced)
{
    ext2_fs_t *fs = t->fs;
    uint32_t w, ino, junk;
    CHECK_RC(ext2_mkdir(fs, ROOT, "w", 1, 0755, &w), 0);
    uint8_t *d = pattern_alloc(pc_len(PC_FILES), 81);
    for (int i = 0; i < PC_FILES; i++) {
        char n[16];
        snprintf(n, sizeof n, "f%d", i);
        CHECK_RC(ext2_create(fs, w, n, strlen(n), 0644, &ino), 0);
        for (size_t off = 0; off < pc_len(i); off += 3000) {
            size_t k = pc_len(i) - off < 3000 ? pc_len(i) - off : 3000;
            CHECK_RC(ext2_write(fs, ino, off, d + off, k), k);
        }
        /* A scratch file, still in the cache at the fsync, its inode likely in the
         * same inode-table block; its bytes are shifted by i + 1 to be told apart. */
        snprintf(n, sizeof n, "j%d", i);
        junk = put_file(fs, ROOT, n, d + 1 + i, pc_junk_len(i));
        CHECK_RC(ext2_fsync(fs, ino), 0);
        synced[i] = !t->d.cut;
        if (i % 2 == 0) {
            snprintf(n, sizeof n, "j%d", i);
            CHECK_RC(ext2_unlink(fs, ROOT, n, strlen(n)), 0);
        } else {
            char n2[16];
            snprintf(n, sizeof n, "j%d", i);
            snprintf(n2, sizeof n2, "k%d", i);
            CHECK_RC(ext2_rename(fs, ROOT, n, strlen(n), w, n2, strlen(n2)), 0);
            CHECK_RC(ext2_truncate(fs, junk, 100), 0);
        }
    }
    free(d);
}

/* Every fsync'ed file is whole. Every other file that survived holds a prefix of
 * what was written: the write order never lets an inode on disk point at blocks
 * whose contents have not landed (they would read as zeros or as a deleted file's
 * data). */
static void pc_verify(const char *img, const bool *synced, unsigned bs)
{
    uint8_t *d = pattern_alloc(pc_len(PC_FILES), 81);
    for (int i = 0; i < PC_FILES; i++) {
        char p[32];
        snprintf(p, sizeof p, "/w/f%d", i);
        if (synced[i]) {
            check_debugfs(img, p, d, pc_len(i));
            continue;
        }
        size_t n;
        uint8_t *got = debugfs_cat(img, p, &n);   /* empty if it is not there */
        CHECK(n <= pc_len(i) && memcmp(got, d, n) == 0,
              "unsynced %s: %zu bytes, not a prefix of its data", p, n);
        free(got);
    }
    /* The scratch files, under either name, were never fsync'ed, and half of them
     * were truncated to 100 bytes in place: their old bytes may survive with the
     * truncation's zeros in the rest of the first block, but no other zeros (an
     * inode that landed before its data) and never another file's bytes (a freed
     * block reused while the disk still pointed at it; the pattern has no zero
     * byte, and each scratch file is shifted, so all are told apart). */
    for (int i = 0; i < PC_FILES; i++) {
        for (int k = 0; k < 2; k++) {
            char p[32];
            snprintf(p, sizeof p, k ? "/w/k%d" : "/j%d", i);
            size_t n;
            uint8_t *got = debugfs_cat(img, p, &n);
            CHECK(n <= pc_junk_len(i), "scratch %s: %zu bytes", p, n);
            for (size_t b = 0; b < n; b++)
                CHECK(got[b] == d[1 + i + b] || (got[b] == 0 && b >= 100 && b < bs),
                      "scratch %s: foreign byte at %zu", p, b);
            free(got);
        }
    }
    free(d);
}

static void powercut(unsigned bs)
{
    char img[512];
    img_path(img, sizeof img, "pc.img");
    bool synced[PC_FILES];
    /* Uncut: how many writes the workload makes. */
    mkimg(img, bs, 8192, NULL, NULL);
    tfs_t t;
    CHECK_RC(tmount(&t, img, 0, 24), 0);
    t.d.buffered = true;
    pc_workload(&t, synced);
    tumount(&t);
    for (int i = 0; i < PC_FILES; i++)
        CHECK(synced[i], "uncut run: file %d", i);
    fsck_clean(img);
    pc_verify(img, synced, bs);
    unsigned long total = t.d.writes;
    CHECK(total > 40, "only %lu writes", total);

    int fixed = 0, kept = 0;
    for (int cut = 1; cut <= 20; cut++) {
        mkimg(img, bs, 8192, NULL, NULL);
        CHECK_RC(tmount(&t, img, 0, 24), 0);
        t.d.buffered = true;
        t.d.rng = seed_or(0x9e3779b9u) * (uint32_t)cut;
        t.d.budget = (long)(total * (unsigned long)cut / 21);
        pc_workload(&t, synced);
        tumount(&t);   /* the cut may come here too */
        CHECK(t.d.cut, "cut %d did not happen (%lu writes)", cut, t.d.writes);
        int rc = fsck_fix(img);
        CHECK(rc == 0 || rc == 1, "cut %d: e2fsck -fy exited %d", cut, rc);
        fixed += rc == 1;
        fsck_clean(img);
        pc_verify(img, synced, bs);
        for (int i = 0; i < PC_FILES; i++)
            kept += synced[i];
    }
    printf("20 cuts: e2fsck repaired %d images; %d fsync'ed files checked whole\n", fixed, kept);
    CHECK(kept > 0, "no cut came after an fsync");
}

TEST(powercut_1k) { powercut(1024); }
TEST(powercut_4k) { powercut(4096); }
