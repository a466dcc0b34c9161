/*
 * Names: rename (across directories, replacing, into its own subtree), unlink (link
 * counts, open files), mkdir/rmdir (non-empty refusal), name validation, a directory
 * of 1,000 entries. Link counts are checked by us and again by e2fsck.
 */
#include <string.h>

#include "harness.h"

static uint32_t nlink_of(ext2_fs_t *fs, uint32_t ino)
{
    ext2_stat_t st;
    CHECK_RC(ext2_stat(fs, ino, &st), 0);
    return st.nlink;
}

static uint32_t dotdot(ext2_fs_t *fs, uint32_t dir)
{
    uint32_t ino;
    CHECK_RC(ext2_lookup(fs, dir, "..", 2, &ino), 0);
    return ino;
}

#define L(s) s, strlen(s)
#define ROOT EXT2_ROOT_INO

static void rename_test(unsigned bs)
{
    char img[512];
    snprintf(img, sizeof img, "%s/rename_%u.img", g_workdir, bs);
    mkimg(img, bs, 8192, NULL, NULL);
    uint8_t *d1 = pattern_alloc(5000, 61), *d2 = pattern_alloc(3000, 62);
    tfs_t t;
    CHECK_RC(tmount(&t, img, 0, 0), 0);
    ext2_fs_t *fs = t.fs;
    uint32_t a, b, x, y, e, ino;
    CHECK_RC(ext2_mkdir(fs, ROOT, L("a"), 0755, &a), 0);
    CHECK_RC(ext2_mkdir(fs, ROOT, L("b"), 0755, &b), 0);
    uint32_t f = put_file(fs, a, "f", d1, 5000);

    /* A file across directories. */
    CHECK_RC(ext2_rename(fs, a, L("f"), b, L("g")), 0);
    CHECK_RC(ext2_lookup(fs, a, L("f"), &ino), -EXT2_ENOENT);
    CHECK(path_ino(fs, "/b/g") == f, "same inode after rename");
    check_file(fs, "/b/g", d1, 5000);

    /* Replacing a file: the old target is freed. */
    put_file(fs, b, "h", d2, 3000);
    ext2_statfs_t s0, s1;
    CHECK_RC(ext2_statfs(fs, &s0), 0);
    CHECK_RC(ext2_rename(fs, b, L("g"), b, L("h")), 0);
    CHECK_RC(ext2_statfs(fs, &s1), 0);
    CHECK(s1.free_inodes == s0.free_inodes + 1, "replaced file's inode freed");
    CHECK(s1.free_blocks == s0.free_blocks + (3000 + bs - 1) / bs, "replaced file's blocks");
    CHECK_RC(ext2_lookup(fs, b, L("g"), &ino), -EXT2_ENOENT);
    check_file(fs, "/b/h", d1, 5000);

    /* Two names of one file: rename does nothing. */
    CHECK_RC(ext2_link(fs, b, L("h2"), f), 0);
    CHECK(nlink_of(fs, f) == 2, "link count 2");
    CHECK_RC(ext2_rename(fs, b, L("h"), b, L("h2")), 0);
    CHECK(path_ino(fs, "/b/h") == f && path_ino(fs, "/b/h2") == f, "both names stay");
    CHECK_RC(ext2_unlink(fs, b, L("h2")), 0);
    CHECK(nlink_of(fs, f) == 1, "link count 1");

    /* A directory across directories: link counts and "..". */
    uint32_t sub;
    CHECK_RC(ext2_mkdir(fs, a, L("sub"), 0755, &sub), 0);
    put_file(fs, sub, "x", d2, 3000);
    CHECK(nlink_of(fs, a) == 3 && nlink_of(fs, b) == 2, "before moving sub");
    CHECK_RC(ext2_rename(fs, a, L("sub"), b, L("sub2")), 0);
    CHECK(nlink_of(fs, a) == 2 && nlink_of(fs, b) == 3, "after moving sub: %u %u",
          nlink_of(fs, a), nlink_of(fs, b));
    CHECK(dotdot(fs, sub) == b, "sub's .. follows it");
    check_file(fs, "/b/sub2/x", d2, 3000);

    /* Never into its own subtree. */
    CHECK_RC(ext2_mkdir(fs, ROOT, L("x"), 0755, &x), 0);
    CHECK_RC(ext2_mkdir(fs, x, L("y"), 0755, &y), 0);
    CHECK_RC(ext2_rename(fs, ROOT, L("x"), y, L("z")), -EXT2_EINVAL);
    CHECK_RC(ext2_rename(fs, ROOT, L("x"), x, L("w")), -EXT2_EINVAL);
    CHECK_RC(ext2_rename(fs, ROOT, L("b"), sub, L("loop")), -EXT2_EINVAL);
    CHECK(path_ino(fs, "/x/y") == y, "x untouched");

    /* Type rules. */
    CHECK_RC(ext2_rename(fs, b, L("h"), ROOT, L("x")), -EXT2_EISDIR);
    CHECK_RC(ext2_rename(fs, ROOT, L("x"), b, L("h")), -EXT2_ENOTDIR);
    CHECK_RC(ext2_mkdir(fs, ROOT, L("e"), 0755, &e), 0);
    CHECK_RC(ext2_rename(fs, ROOT, L("e"), ROOT, L("x")), -EXT2_ENOTEMPTY);
    uint32_t root_links = nlink_of(fs, ROOT);
    CHECK_RC(ext2_statfs(fs, &s0), 0);
    CHECK_RC(ext2_rename(fs, ROOT, L("x"), ROOT, L("e")), 0);   /* over an empty dir */
    CHECK_RC(ext2_statfs(fs, &s1), 0);
    CHECK(s1.free_inodes == s0.free_inodes + 1, "replaced directory freed");
    CHECK(nlink_of(fs, ROOT) == root_links - 1, "root lost the replaced dir's ..");
    CHECK(path_ino(fs, "/e/y") == y && path_ino(fs, "/e") == x, "x is now e");
    CHECK_RC(ext2_lookup(fs, ROOT, L("x"), &ino), -EXT2_ENOENT);

    /* Bad requests. */
    CHECK_RC(ext2_rename(fs, ROOT, L("nope"), ROOT, L("n2")), -EXT2_ENOENT);
    CHECK_RC(ext2_rename(fs, ROOT, L("."), ROOT, L("n2")), -EXT2_EINVAL);
    CHECK_RC(ext2_rename(fs, ROOT, L("e"), ROOT, L("..")), -EXT2_EINVAL);
    CHECK_RC(ext2_rename(fs, ROOT, L("e"), f, L("n2")), -EXT2_ENOTDIR);
    CHECK_RC(ext2_rename(fs, ROOT, L("a/b"), ROOT, L("n2")), -EXT2_EINVAL);

    /* Within one directory, to a longer name (a new record before the old one goes). */
    for (int i = 0; i < 20; i++) {
        char n[64];
        snprintf(n, sizeof n, "pad%02d", i);
        put_file(fs, a, n, d2, 10);
    }
    CHECK_RC(ext2_rename(fs, a, L("pad07"), a, L("a-much-longer-name-than-before-0007")), 0);
    check_file(fs, "/a/a-much-longer-name-than-before-0007", d2, 10);
    CHECK_RC(ext2_lookup(fs, a, L("pad07"), &ino), -EXT2_ENOENT);
    tumount(&t);
    fsck_clean(img);
    check_debugfs(img, "/b/h", d1, 5000);
    check_debugfs(img, "/b/sub2/x", d2, 3000);
    check_debugfs(img, "/a/a-much-longer-name-than-before-0007", d2, 10);
    free(d1);
    free(d2);
}

TEST(rename_1k) { rename_test(1024); }
TEST(rename_4k) { rename_test(4096); }

TEST(unlink_1k)
{
    char img[512];
    img_path(img, sizeof img, "unlink.img");
    mkimg(img, 1024, 8192, NULL, NULL);
    uint8_t *d = pattern_alloc(10240, 71);
    tfs_t t;
    CHECK_RC(tmount(&t, img, 0, 0), 0);
    ext2_fs_t *fs = t.fs;
    ext2_statfs_t s0, s1;
    uint32_t ino;
    CHECK_RC(ext2_statfs(fs, &s0), 0);
    put_file(fs, ROOT, "f", d, 3000);
    CHECK_RC(ext2_unlink(fs, ROOT, L("f")), 0);
    CHECK_RC(ext2_lookup(fs, ROOT, L("f"), &ino), -EXT2_ENOENT);
    CHECK_RC(ext2_statfs(fs, &s1), 0);
    CHECK(s1.free_blocks == s0.free_blocks && s1.free_inodes == s0.free_inodes,
          "unlink gave back blocks and inode");

    /* Hard links. */
    uint32_t g = put_file(fs, ROOT, "g", d, 2000);
    CHECK_RC(ext2_link(fs, ROOT, L("g2"), g), 0);
    CHECK(nlink_of(fs, g) == 2, "two links");
    CHECK_RC(ext2_unlink(fs, ROOT, L("g")), 0);
    CHECK(nlink_of(fs, g) == 1, "one link");
    check_file(fs, "/g2", d, 2000);
    CHECK_RC(ext2_link(fs, ROOT, L("g2"), g), -EXT2_EEXIST);
    CHECK_RC(ext2_link(fs, ROOT, L("rootlink"), ROOT), -EXT2_EPERM);

    /* An open file outlives its last name, until released. */
    CHECK_RC(ext2_statfs(fs, &s0), 0);
    uint32_t o = put_file(fs, ROOT, "open", d, 10240);
    t.open_inos[t.n_open++] = o;
    CHECK_RC(ext2_unlink(fs, ROOT, L("open")), 0);
    CHECK_RC(ext2_lookup(fs, ROOT, L("open"), &ino), -EXT2_ENOENT);
    CHECK(nlink_of(fs, o) == 0, "no links");
    uint8_t buf[10240];
    CHECK_RC(ext2_read(fs, o, 0, buf, sizeof buf), 10240);
    CHECK(memcmp(buf, d, 10240) == 0, "open file still readable");
    CHECK_RC(ext2_write(fs, o, 10240, d, 100), 100);   /* and writable */
    CHECK_RC(ext2_link(fs, ROOT, L("back"), o), -EXT2_ENOENT);
    CHECK_RC(ext2_statfs(fs, &s1), 0);
    CHECK(s1.free_inodes == s0.free_inodes - 1, "orphan still allocated");
    CHECK_RC(ext2_release(fs, o), 0);   /* still open elsewhere: kept */
    CHECK_RC(ext2_statfs(fs, &s1), 0);
    CHECK(s1.free_inodes == s0.free_inodes - 1, "release while open keeps the orphan");
    CHECK_RC(ext2_read(fs, o, 0, buf, 100), 100);
    t.n_open = 0;
    CHECK_RC(ext2_release(fs, o), 0);
    CHECK_RC(ext2_statfs(fs, &s1), 0);
    CHECK(s1.free_blocks == s0.free_blocks && s1.free_inodes == s0.free_inodes,
          "release freed the orphan");
    ext2_stat_t st;
    CHECK_RC(ext2_stat(fs, o, &st), -EXT2_ENOENT);
    CHECK_RC(ext2_release(fs, g), 0);   /* still linked: nothing happens */
    check_file(fs, "/g2", d, 2000);

    /* Refusals. */
    uint32_t dd;
    CHECK_RC(ext2_mkdir(fs, ROOT, L("dir"), 0755, &dd), 0);
    CHECK_RC(ext2_unlink(fs, ROOT, L("dir")), -EXT2_EISDIR);
    CHECK_RC(ext2_unlink(fs, ROOT, L(".")), -EXT2_EISDIR);
    CHECK_RC(ext2_unlink(fs, ROOT, L("nope")), -EXT2_ENOENT);
    CHECK_RC(ext2_unlink(fs, g, L("x")), -EXT2_ENOTDIR);
    tumount(&t);
    fsck_clean(img);
    check_debugfs(img, "/g2", d, 2000);
    free(d);
}

TEST(dirs_1k)
{
    char img[512];
    img_path(img, sizeof img, "dirs.img");
    mkimg(img, 1024, 8192, NULL, NULL);
    tfs_t t;
    CHECK_RC(tmount(&t, img, 0, 0), 0);
    ext2_fs_t *fs = t.fs;
    uint32_t d, e, ino, root_links = nlink_of(fs, ROOT);
    CHECK_RC(ext2_mkdir(fs, ROOT, L("d"), 0750, &d), 0);
    ext2_stat_t st;
    CHECK_RC(ext2_stat(fs, d, &st), 0);
    CHECK(st.mode == (EXT2_S_IFDIR | 0750) && st.nlink == 2 && st.size == 1024,
          "new dir: mode %o links %u size %llu", st.mode, st.nlink, (unsigned long long)st.size);
    CHECK(nlink_of(fs, ROOT) == root_links + 1, "parent gains a link");
    CHECK(dotdot(fs, d) == ROOT, "..");
    CHECK_RC(ext2_lookup(fs, d, L("."), &ino), 0);
    CHECK(ino == d, ".");
    CHECK_RC(ext2_mkdir(fs, ROOT, L("d"), 0755, &ino), -EXT2_EEXIST);
    CHECK_RC(ext2_create(fs, ROOT, L("d"), 0644, &ino), -EXT2_EEXIST);
    CHECK_RC(ext2_mkdir(fs, d, L("e"), 0755, &e), 0);
    uint8_t one = 1;
    put_file(fs, e, "f", &one, 1);
    CHECK_RC(ext2_rmdir(fs, ROOT, L("d")), -EXT2_ENOTEMPTY);
    CHECK_RC(ext2_rmdir(fs, d, L("e")), -EXT2_ENOTEMPTY);
    CHECK_RC(ext2_rmdir(fs, e, L("f")), -EXT2_ENOTDIR);
    CHECK_RC(ext2_rmdir(fs, d, L(".")), -EXT2_EINVAL);
    CHECK_RC(ext2_rmdir(fs, d, L("..")), -EXT2_ENOTEMPTY);
    CHECK_RC(ext2_unlink(fs, e, L("f")), 0);
    ext2_statfs_t s0, s1;
    CHECK_RC(ext2_statfs(fs, &s0), 0);
    CHECK_RC(ext2_rmdir(fs, d, L("e")), 0);
    CHECK_RC(ext2_statfs(fs, &s1), 0);
    CHECK(s1.free_inodes == s0.free_inodes + 1 && s1.free_blocks == s0.free_blocks + 1,
          "rmdir frees inode and block");
    CHECK(nlink_of(fs, d) == 2, "d back to 2 links");
    CHECK_RC(ext2_rmdir(fs, ROOT, L("d")), 0);
    CHECK(nlink_of(fs, ROOT) == root_links, "root links restored");
    CHECK_RC(ext2_stat(fs, d, &st), -EXT2_ENOENT);

    /* Names. */
    char n255[256], n256[257];
    memset(n255, 'n', 255);
    n255[255] = 0;
    memset(n256, 'm', 256);
    n256[256] = 0;
    CHECK_RC(ext2_create(fs, ROOT, n255, 255, 0644, &ino), 0);
    CHECK_RC(ext2_lookup(fs, ROOT, n255, 255, &e), 0);
    CHECK(e == ino, "255-byte name");
    CHECK_RC(ext2_create(fs, ROOT, n256, 256, 0644, &ino), -EXT2_ENAMETOOLONG);
    CHECK_RC(ext2_mkdir(fs, ROOT, n256, 256, 0755, &ino), -EXT2_ENAMETOOLONG);
    CHECK_RC(ext2_lookup(fs, ROOT, n256, 256, &ino), -EXT2_ENAMETOOLONG);
    CHECK_RC(ext2_create(fs, ROOT, L("a/b"), 0644, &ino), -EXT2_EINVAL);
    CHECK_RC(ext2_create(fs, ROOT, "a\0b", 3, 0644, &ino), -EXT2_EINVAL);
    CHECK_RC(ext2_create(fs, ROOT, "", 0, 0644, &ino), -EXT2_ENOENT);
    CHECK_RC(ext2_create(fs, ROOT, L(".."), 0644, &ino), -EXT2_EEXIST);
    uint32_t file = path_ino(fs, n255);
    CHECK_RC(ext2_create(fs, file, L("x"), 0644, &ino), -EXT2_ENOTDIR);
    CHECK_RC(ext2_mkdir(fs, file, L("x"), 0755, &ino), -EXT2_ENOTDIR);

    /* Inode numbers from the caller. */
    ext2_statfs_t sf;
    CHECK_RC(ext2_statfs(fs, &sf), 0);
    CHECK_RC(ext2_stat(fs, 0, &st), -EXT2_EINVAL);
    CHECK_RC(ext2_stat(fs, sf.inodes + 1, &st), -EXT2_EINVAL);
    CHECK_RC(ext2_stat(fs, sf.inodes - 1, &st), -EXT2_ENOENT);   /* free */
    CHECK_RC(ext2_lookup(fs, 0xFFFFFFFFu, L("x"), &ino), -EXT2_EINVAL);
    CHECK_RC(ext2_fsync(fs, 0), -EXT2_EINVAL);
    /* Reserved inodes (7: resize_inode's) are the file system's own. */
    CHECK_RC(ext2_stat(fs, 7, &st), 0);
    CHECK_RC(ext2_write(fs, 7, 0, "x", 1), -EXT2_EINVAL);
    CHECK_RC(ext2_truncate(fs, 7, 0), -EXT2_EINVAL);
    CHECK_RC(ext2_link(fs, ROOT, L("resize"), 7), -EXT2_EINVAL);
    CHECK_RC(ext2_release(fs, 7), -EXT2_EINVAL);

    /* readdir: not a directory; any cookie is safe and resumes at an entry. */
    uint64_t c = 0;
    ext2_dirent_t de;
    CHECK_RC(ext2_readdir(fs, file, &c, &de), -EXT2_ENOTDIR);
    const uint64_t cookies[] = {1, 3, 12, 13, 23, 1023, 1024, 5000, ~0ull};
    for (int i = 0; i < 9; i++) {
        c = cookies[i];
        int r;
        int n = 0;
        while ((r = ext2_readdir(fs, ROOT, &c, &de)) == 1)
            CHECK(++n < 100 && de.ino != 0 && de.name_len > 0, "readdir from %llu",
                  (unsigned long long)cookies[i]);
        CHECK_RC(r, 0);
    }

    /* Symlinks, fast and slow. */
    char target[300];
    memset(target, 't', sizeof target);
    uint32_t s1i, s2i;
    CHECK_RC(ext2_symlink(fs, ROOT, L("fast"), "some/where", 10, &s1i), 0);
    CHECK_RC(ext2_symlink(fs, ROOT, L("slow"), target, 300, &s2i), 0);
    CHECK_RC(ext2_symlink(fs, ROOT, L("huge"), target, 0, &ino), -EXT2_ENOENT);
    char buf[400];
    CHECK_RC(ext2_read(fs, s1i, 0, buf, sizeof buf), 10);
    CHECK(memcmp(buf, "some/where", 10) == 0, "fast symlink");
    CHECK_RC(ext2_read(fs, s2i, 0, buf, sizeof buf), 300);
    CHECK(memcmp(buf, target, 300) == 0, "slow symlink");
    CHECK_RC(ext2_stat(fs, s2i, &st), 0);
    CHECK(st.blocks == 2 && (st.mode & EXT2_S_IFMT) == EXT2_S_IFLNK, "slow symlink stat");
    tumount(&t);
    fsck_clean(img);
}

static void bigdir(unsigned bs)
{
    char img[512];
    snprintf(img, sizeof img, "%s/bigdir_%u.img", g_workdir, bs);
    mkimg(img, bs, 8192, NULL, "-N 4096");
    enum { N = 1000 };
    tfs_t t;
    CHECK_RC(tmount(&t, img, 0, 0), 0);
    ext2_fs_t *fs = t.fs;
    uint32_t big, inos[N + 200];
    CHECK_RC(ext2_mkdir(fs, ROOT, L("big"), 0755, &big), 0);
    char name[80];
    /* Names of varying length, so records of varying size. */
#define NAME(i) (snprintf(name, sizeof name, "file-%04d-%.*s", (i), (i) % 37, \
                          "abcdefghijklmnopqrstuvwxyz0123456789AB"), name)
    for (int i = 0; i < N; i++)
        CHECK_RC(ext2_create(fs, big, L(NAME(i)), 0644, &inos[i]), 0);
    for (int pass = 0; pass < 3; pass++) {
        int seen[N + 200] = {0}, n = 0, dots = 0, r;
        uint64_t c = 0;
        ext2_dirent_t de;
        while ((r = ext2_readdir(fs, big, &c, &de)) == 1) {
            int i;
            if (strcmp(de.name, ".") == 0 || strcmp(de.name, "..") == 0) {
                dots++;
                continue;
            }
            CHECK(sscanf(de.name, "file-%d-", &i) == 1 && i >= 0 && i < N + 200, "name %s",
                  de.name);
            CHECK(strcmp(de.name, NAME(i)) == 0 && de.ino == inos[i] && de.type == EXT2_FT_REG,
                  "entry %s", de.name);
            seen[i]++;
            n++;
        }
        CHECK_RC(r, 0);
        CHECK(dots == 2, "dots");
        for (int i = 0; i < N + 200; i++) {
            /* pass 0: all; 1: every third removed; 2: and 200 more added */
            bool want = pass == 0 ? i < N
                      : pass == 1 ? (i < N && i % 3 != 0)
                                  : (i % 3 != 0 || i >= N);
            CHECK(seen[i] == (want ? 1 : 0), "pass %d: entry %d seen %d times", pass, i, seen[i]);
        }
        if (pass == 0) {
            CHECK(n == N, "listed %d of %d", n, N);
            for (int i = 0; i < N; i++) {
                uint32_t ino;
                CHECK_RC(ext2_lookup(fs, big, L(NAME(i)), &ino), 0);
                CHECK(ino == inos[i], "lookup %d", i);
            }
            for (int i = 0; i < N; i += 3)
                CHECK_RC(ext2_unlink(fs, big, L(NAME(i))), 0);
        } else if (pass == 1) {
            for (int i = N; i < N + 200; i++)
                CHECK_RC(ext2_create(fs, big, L(NAME(i)), 0644, &inos[i]), 0);
        }
    }
    ext2_stat_t st;
    CHECK_RC(ext2_stat(fs, big, &st), 0);
    CHECK(st.size % bs == 0 && st.size >= 2 * bs, "dir size %llu", (unsigned long long)st.size);
    tumount(&t);
    fsck_clean(img);
    /* debugfs lists the same number of names. */
    char cmd[1024];
    /* Inode 0 lines are removed first records, which debugfs lists too. */
    snprintf(cmd, sizeof cmd, "debugfs -R 'ls -p /big' '%s' 2>/dev/null | grep -c '^/[1-9]'",
             img);
    FILE *p = popen(cmd, "r");
    int count = 0;
    CHECK(p && fscanf(p, "%d", &count) == 1, "debugfs ls");
    pclose(p);
    int want = 2 + (N - (N + 2) / 3) + 200;
    CHECK(count == want, "debugfs lists %d entries, want %d", count, want);
}

TEST(bigdir_1k) { bigdir(1024); }
TEST(bigdir_4k) { bigdir(4096); }

/* A directory hashed by dir_index (e2fsck -D builds the index): read linearly, and
 * on the first change the index flag is dropped, leaving a valid linear directory. */
TEST(htree_1k)
{
    char stage[512], img[512], cmd[1400];
    snprintf(stage, sizeof stage, "%s/stage", g_workdir);
    setenv("S", stage, 1);
    CHECK(system("rm -rf \"$S\" && mkdir -p \"$S/big\" && cd \"$S/big\" && "
                 "for i in $(seq 0 499); do echo $i > file-$i; done") == 0, "stage");
    img_path(img, sizeof img, "htree.img");
    mkimg(img, 1024, 8192, stage, NULL);
    snprintf(cmd, sizeof cmd, "e2fsck -fyD '%s' > /dev/null 2>&1; "
             "debugfs -R 'stat /big' '%s' 2>/dev/null | grep -q 'Flags: 0x1000'", img, img);
    CHECK(system(cmd) == 0, "e2fsck -D did not index /big");
    tfs_t t;
    CHECK_RC(tmount(&t, img, 0, 0), 0);
    ext2_fs_t *fs = t.fs;
    uint32_t big = path_ino(fs, "/big"), ino;
    char name[32], want[16];
    for (int i = 0; i < 500; i++) {
        snprintf(name, sizeof name, "/big/file-%d", i);
        snprintf(want, sizeof want, "%d\n", i);
        check_file(fs, name, (const uint8_t *)want, strlen(want));
    }
    int n = 0, r;
    uint64_t c = 0;
    ext2_dirent_t de;
    while ((r = ext2_readdir(fs, big, &c, &de)) == 1)
        n++;
    CHECK_RC(r, 0);
    CHECK(n == 502, "listed %d", n);
    for (int i = 0; i < 500; i += 2) {
        snprintf(name, sizeof name, "file-%d", i);
        CHECK_RC(ext2_unlink(fs, big, L(name)), 0);
    }
    for (int i = 500; i < 700; i++) {
        snprintf(name, sizeof name, "new-%d", i);
        CHECK_RC(ext2_create(fs, big, L(name), 0644, &ino), 0);
    }
    tumount(&t);
    fsck_clean(img);
    snprintf(cmd, sizeof cmd, "debugfs -R 'ls -p /big' '%s' 2>/dev/null | grep -c '^/[1-9]'", img);
    FILE *p = popen(cmd, "r");
    int count = 0;
    CHECK(p && fscanf(p, "%d", &count) == 1, "debugfs ls");
    pclose(p);
    CHECK(count == 2 + 250 + 200, "debugfs lists %d", count);
}
