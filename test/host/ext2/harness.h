/*
 * Test harness for libext2: an image file as the block device (bounds-checked, every
 * write counted, optionally cut off after N writes to simulate a power cut), a
 * counting allocator, and the e2fsprogs tools as the independent judge.
 */
#ifndef EXT2_TEST_HARNESS_H
#define EXT2_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ext2.h"

#define CHECK(c, ...)                                                              \
    do {                                                                           \
        if (!(c)) {                                                                \
            fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #c);  \
            fprintf(stderr, __VA_ARGS__);                                          \
            fputc('\n', stderr);                                                   \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

/* expr must evaluate to want (an int64); errors are printed by name. */
#define CHECK_RC(expr, want)                                                       \
    do {                                                                           \
        long long r_ = (long long)(expr), w_ = (long long)(want);                  \
        if (r_ != w_) {                                                            \
            fprintf(stderr, "%s:%d: %s = %lld (%s), want %lld (%s)\n", __FILE__,   \
                    __LINE__, #expr, r_, r_ < 0 ? ext2_strerror((int)r_) : "",     \
                    w_, w_ < 0 ? ext2_strerror((int)w_) : "");                     \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

typedef struct tdev_pending {
    uint64_t sector;
    uint32_t count;
    uint8_t *data;
} tdev_pending_t;

typedef struct tdev {
    int fd;
    uint64_t sectors;
    unsigned long writes, flushes;
    long budget;          /* writes still allowed, -1 unlimited; then the power is cut */
    bool cut;             /* the power is off: no write lands any more */
    /* Buffered mode: a write lands only at the next flush, as a disk with a volatile
     * cache; at the cut, a random subset of the unflushed writes lands. */
    bool buffered;
    uint32_t rng;
    tdev_pending_t *pending;
    size_t n_pending, cap_pending;
    /* Fault injection: reads (kind 0) or writes (kind 1) fail with EIO from the
     * fail_at-th one on; -1 never. */
    int fail_kind;
    long fail_at, ios;
    bool failed;
} tdev_t;

void tdev_settle(tdev_t *d);

typedef struct tfs {
    tdev_t d;
    ext2_dev_t dev;
    ext2_env_t env;
    ext2_fs_t *fs;
    long live_bytes;      /* allocator balance */
    uint32_t open_inos[16];
    int n_open;
} tfs_t;

extern const char *g_workdir;

/* Image helpers. */
void img_path(char *out, size_t n, const char *name);
void mkimg(const char *img, unsigned bs, unsigned kib, const char *stage, const char *extra);
int tmount(tfs_t *t, const char *img, uint32_t flags, uint32_t cache_blocks);
/* Before tmount: arm fault injection for that mount. */
void tfs_fail_after(tfs_t *t, int kind, long n);
void tumount(tfs_t *t);
/* Before tmount: that mount gets no clock (env.now NULL, as fs0 has none). */
void tfs_no_clock(void);
void fsck_clean(const char *img);
int fsck_fix(const char *img);
uint8_t *debugfs_cat(const char *img, const char *path, size_t *len);
void check_debugfs(const char *img, const char *path, const uint8_t *want, size_t len);
uint8_t *read_whole(const char *path, size_t *len);
void write_at(const char *path, uint64_t off, const void *buf, size_t len);
void read_at(const char *path, uint64_t off, void *buf, size_t len);

/* File helpers through the library. */
void pattern(uint8_t *buf, size_t len, uint32_t seed, uint64_t off);
uint8_t *pattern_alloc(size_t len, uint32_t seed);
uint32_t put_file(ext2_fs_t *fs, uint32_t dir, const char *name, const uint8_t *data,
                  size_t len);
void check_file(ext2_fs_t *fs, const char *path, const uint8_t *want, size_t len);
uint32_t path_ino(ext2_fs_t *fs, const char *path);

/* Tests register themselves by name; main() runs the one named on its command line. */
void test_register(const char *name, void (*fn)(void));
#define TEST(n)                                                                    \
    static void test_##n(void);                                                    \
    __attribute__((constructor)) static void register_##n(void)                    \
    {                                                                              \
        test_register(#n, test_##n);                                               \
    }                                                                              \
    static void test_##n(void)

/* Blocks of indirection a dense file of n blocks needs (p pointers per block). */
uint64_t meta_blocks(uint64_t n, uint64_t p);

#endif
