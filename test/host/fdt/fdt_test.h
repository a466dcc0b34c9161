/*
 * Shared helpers for the FDT host tests: assertions that print what they
 * check, file loading, exact-size heap copies (so ASan flags any read past
 * the blob), and a tiny DTB builder for structurally broken inputs that
 * dtc refuses to emit.
 */
#ifndef FDT_TEST_H
#define FDT_TEST_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt.h"
#include "platform_info.h"

static int t_checks, t_fails;

__attribute__((format(printf, 5, 6))) static inline void t_report(int ok, int quiet,
                                                                   const char *file, int line,
                                                                   const char *fmt, ...)
{
    va_list ap;
    t_checks++;
    if (ok && quiet)
        return;
    if (!ok)
        t_fails++;
    printf("  [%s] ", ok ? "ok" : "FAIL");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    if (!ok)
        printf("   (%s:%d)", file, line);
    printf("\n");
}

/* EXPECT prints every check; EXPECT_Q only failures (for big loops). */
#define EXPECT(cond, ...) t_report(!!(cond), 0, __FILE__, __LINE__, __VA_ARGS__)
#define EXPECT_Q(cond, ...) t_report(!!(cond), 1, __FILE__, __LINE__, __VA_ARGS__)

/* Equality with both values shown. */
#define EXPECT_U64(got, want, what)                                                    \
    do {                                                                               \
        unsigned long long g_ = (unsigned long long)(got), w_ = (unsigned long long)(want); \
        EXPECT(g_ == w_, "%s == 0x%llx (got 0x%llx)", what, w_, g_);                   \
    } while (0)
#define EXPECT_ERR(got, want, what)                                                    \
    do {                                                                               \
        int g_ = (got), w_ = (want);                                                   \
        EXPECT(g_ == w_, "%s -> %s (got %s)", what, fdt_strerror(w_), fdt_strerror(g_)); \
    } while (0)
#define EXPECT_STR(got, want, what)                                                    \
    do {                                                                               \
        const char *g_ = (got), *w_ = (want);                                          \
        EXPECT(g_ && strcmp(g_, w_) == 0, "%s == \"%s\" (got \"%s\")", what, w_,      \
               g_ ? g_ : "(null)");                                                   \
    } while (0)

static inline void t_section(const char *name)
{
    printf("== %s\n", name);
}

static inline int t_done(const char *prog)
{
    printf("%s: %d checks, %d failed\n", prog, t_checks, t_fails);
    return t_fails ? 1 : 0;
}

/* Whole file into a heap buffer; exits on error (a missing input is a failed test). */
static inline uint8_t *t_load(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    *size = (size_t)n;
    return b;
}

/* Copy into a buffer of exactly n bytes (n may be 0). */
static inline uint8_t *t_dup(const void *src, size_t n)
{
    uint8_t *b = malloc(n ? n : 1);
    if (!b)
        exit(2);
    if (n)
        memcpy(b, src, n);
    return b;
}

/* A DTB as dumped (QEMU pads to 1 MiB), trimmed to its totalsize. */
static inline uint8_t *t_load_dtb(const char *path, size_t *size)
{
    size_t n;
    uint8_t *raw = t_load(path, &n);
    uint32_t total = n >= 8 ? fdt_header_totalsize(raw) : 0;
    if (total == 0 || total > n) {
        fprintf(stderr, "%s: not a DTB\n", path);
        exit(2);
    }
    uint8_t *b = t_dup(raw, total);
    free(raw);
    *size = total;
    return b;
}

static inline void t_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Header field offsets, for targeted corruption. */
enum { HF_MAGIC = 0, HF_TOTALSIZE = 4, HF_OFF_STRUCT = 8, HF_OFF_STRINGS = 12,
       HF_OFF_RSVMAP = 16, HF_VERSION = 20, HF_LAST_COMP = 24, HF_SIZE_STRINGS = 32,
       HF_SIZE_STRUCT = 36 };

static inline uint32_t t_hdr(const uint8_t *b, int field)
{
    return fdt_be32(b + field);
}

/* ---- Minimal DTB builder (test-only) ---- */

struct t_bld {
    uint8_t st[8192];
    uint32_t st_len;
    char str[2048];
    uint32_t str_len;
};

static inline void b_word(struct t_bld *b, uint32_t w)
{
    t_put32(b->st + b->st_len, w);
    b->st_len += 4;
}

static inline void b_bytes(struct t_bld *b, const void *p, uint32_t n)
{
    memcpy(b->st + b->st_len, p, n);
    b->st_len += n;
    while (b->st_len & 3)
        b->st[b->st_len++] = 0;
}

static inline void b_begin(struct t_bld *b, const char *name)
{
    b_word(b, 1);
    b_bytes(b, name, (uint32_t)strlen(name) + 1);
}

static inline void b_end_node(struct t_bld *b)
{
    b_word(b, 2);
}

/* Property with an explicit name offset (for out-of-range tests). */
static inline void b_prop_raw(struct t_bld *b, uint32_t nameoff, const void *val, uint32_t len)
{
    b_word(b, 3);
    b_word(b, len);
    b_word(b, nameoff);
    b_bytes(b, val, len);
}

static inline uint32_t b_string(struct t_bld *b, const char *s)
{
    uint32_t off = b->str_len;
    memcpy(b->str + off, s, strlen(s) + 1);
    b->str_len += (uint32_t)strlen(s) + 1;
    return off;
}

static inline void b_prop(struct t_bld *b, const char *name, const void *val, uint32_t len)
{
    b_prop_raw(b, b_string(b, name), val, len);
}

static inline void b_prop_u32(struct t_bld *b, const char *name, uint32_t v)
{
    uint8_t c[4];
    t_put32(c, v);
    b_prop(b, name, c, 4);
}

/* Lay out header(40) | empty rsvmap(16) | struct | strings into an exactly
 * sized heap buffer. */
static inline uint8_t *b_finish(const struct t_bld *b, size_t *size)
{
    uint32_t off_rsv = 40, off_st = 56, off_str = off_st + b->st_len;
    uint32_t total = off_str + b->str_len;
    uint8_t *out = calloc(1, total);
    t_put32(out + HF_MAGIC, FDT_MAGIC);
    t_put32(out + HF_TOTALSIZE, total);
    t_put32(out + HF_OFF_STRUCT, off_st);
    t_put32(out + HF_OFF_STRINGS, off_str);
    t_put32(out + HF_OFF_RSVMAP, off_rsv);
    t_put32(out + HF_VERSION, 17);
    t_put32(out + HF_LAST_COMP, 16);
    t_put32(out + HF_SIZE_STRINGS, b->str_len);
    t_put32(out + HF_SIZE_STRUCT, b->st_len);
    memcpy(out + off_st, b->st, b->st_len);
    memcpy(out + off_str, b->str, b->str_len);
    *size = total;
    return out;
}

#endif /* FDT_TEST_H */
