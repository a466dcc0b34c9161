/*
 * Malformed blobs: each must be rejected with its specific error, without
 * reading outside the buffer.  Every input lives in an exactly sized heap
 * buffer, so ASan reports any overread.
 *
 * usage: test_fdt_malformed <real.dtb>
 */
#include "fdt_test.h"

static const uint8_t *real;
static size_t real_size;

/* Run fdt_check and plat_info_from_fdt on a copy with one header field replaced. */
static void expect_hdr(int field, uint32_t val, int want, const char *what)
{
    struct plat_info pi;
    uint8_t *b = t_dup(real, real_size);
    t_put32(b + field, val);
    EXPECT_ERR(fdt_check(b, real_size), want, what);
    EXPECT_Q(plat_info_from_fdt(b, real_size, &pi) == want, "plat_info agrees: %s", what);
    free(b);
}

/* Offset (in the blob) of the nth token `tok` of the real, valid blob. */
static uint32_t find_tok(uint32_t tok, int nth)
{
    uint32_t st = t_hdr(real, HF_OFF_STRUCT), len = t_hdr(real, HF_SIZE_STRUCT);
    for (uint32_t off = 0; off < len;) {
        uint32_t t = fdt_be32(real + st + off);
        if (t == tok && nth-- == 0)
            return st + off;
        if (t == 1) { /* BEGIN_NODE: skip the padded name */
            off += 4;
            while (real[st + off] != 0)
                off++;
            off = (off + 4) & ~3u;
        } else if (t == 3) {
            off += (12 + fdt_be32(real + st + off + 4) + 3) & ~3u;
        } else {
            off += 4;
        }
    }
    fprintf(stderr, "token %u #%d not found\n", tok, nth);
    exit(2);
}

/* Copy of the real blob with one 32-bit word at blob offset `at` replaced. */
static void expect_word(uint32_t at, uint32_t val, int want, const char *what)
{
    uint8_t *b = t_dup(real, real_size);
    t_put32(b + at, val);
    EXPECT_ERR(fdt_check(b, real_size), want, what);
    free(b);
}

static void expect_built(const struct t_bld *bl, int want, const char *what)
{
    size_t n;
    uint8_t *b = b_finish(bl, &n);
    EXPECT_ERR(fdt_check(b, n), want, what);
    free(b);
}

static void test_header(void)
{
    uint32_t total = (uint32_t)real_size;
    uint32_t st = t_hdr(real, HF_OFF_STRUCT), st_len = t_hdr(real, HF_SIZE_STRUCT);
    uint32_t str_len = t_hdr(real, HF_SIZE_STRINGS);

    t_section("header");
    EXPECT_ERR(fdt_check(real, real_size), FDT_OK, "unmodified blob");
    expect_hdr(HF_MAGIC, 0xd00dfeee, FDT_ERR_BAD_MAGIC, "magic 0xd00dfeee");
    expect_hdr(HF_MAGIC, 0xedfe0dd0, FDT_ERR_BAD_MAGIC, "byte-swapped magic");
    expect_hdr(HF_TOTALSIZE, total + 1, FDT_ERR_TRUNCATED, "totalsize one past the buffer");
    expect_hdr(HF_TOTALSIZE, 0xffffffff, FDT_ERR_TRUNCATED, "totalsize 0xffffffff");
    expect_hdr(HF_TOTALSIZE, 20, FDT_ERR_TRUNCATED, "totalsize smaller than the header");
    expect_hdr(HF_VERSION, 15, FDT_ERR_BAD_VERSION, "version 15");
    expect_hdr(HF_LAST_COMP, 18, FDT_ERR_BAD_VERSION, "last_comp_version 18");
    /* v16 has no size_dt_struct: it is derived from the next block. */
    expect_hdr(HF_VERSION, 16, FDT_OK, "version 16 accepted (struct size derived)");
    EXPECT_ERR(fdt_check(NULL, 0), FDT_ERR_TRUNCATED, "NULL blob, size 0");
    EXPECT_U64(fdt_header_totalsize(real), total, "fdt_header_totalsize");
    uint8_t bad[8] = {1, 2, 3, 4, 0, 0, 0x10, 0};
    EXPECT_U64(fdt_header_totalsize(bad), 0, "fdt_header_totalsize with bad magic is 0");

    t_section("block layout");
    expect_hdr(HF_OFF_STRINGS, st + 8, FDT_ERR_BAD_LAYOUT, "strings block overlapping struct");
    expect_hdr(HF_OFF_STRUCT, 0x20, FDT_ERR_BAD_LAYOUT, "struct block inside the header");
    expect_hdr(HF_OFF_RSVMAP, 0x10, FDT_ERR_BAD_LAYOUT, "rsvmap inside the header");
    expect_hdr(HF_OFF_RSVMAP, st, FDT_ERR_BAD_LAYOUT, "rsvmap overlapping struct");
    expect_hdr(HF_OFF_STRUCT, st + 2, FDT_ERR_BAD_LAYOUT, "misaligned struct offset");
    expect_hdr(HF_OFF_RSVMAP, 0x2c, FDT_ERR_BAD_LAYOUT, "rsvmap not 8-aligned");
    expect_hdr(HF_SIZE_STRUCT, st_len + 2, FDT_ERR_BAD_LAYOUT, "struct size not a multiple of 4");
    expect_hdr(HF_SIZE_STRUCT, (total + 3) & ~3u, FDT_ERR_TRUNCATED, "struct block past the end");
    expect_hdr(HF_SIZE_STRINGS, str_len + 1, FDT_ERR_TRUNCATED, "strings block past the end");
    expect_hdr(HF_OFF_STRINGS, 0xfffffff0, FDT_ERR_TRUNCATED, "strings offset near 4 GiB");
    expect_hdr(HF_OFF_RSVMAP, (total - 8) & ~7u, FDT_ERR_TRUNCATED, "rsvmap past the end");
    /* Non-zero terminator: the next entry would be the struct block. */
    expect_word(t_hdr(real, HF_OFF_RSVMAP) + 12, 1, FDT_ERR_BAD_LAYOUT,
                "rsvmap without terminator runs into struct");
}

static void test_truncation(void)
{
    struct plat_info pi;
    int bad = 0, bad_pi = 0;
    t_section("truncation: every length 0..totalsize-1 in an exact-size buffer");
    for (size_t n = 0; n < real_size; n++) {
        uint8_t *b = t_dup(real, n);
        bad += fdt_check(n ? b : NULL, n) != FDT_ERR_TRUNCATED;
        bad_pi += plat_info_from_fdt(b, n, &pi) != FDT_ERR_TRUNCATED;
        free(b);
    }
    EXPECT(bad == 0, "fdt_check -> truncated for all %zu lengths (%d wrong)", real_size, bad);
    EXPECT(bad_pi == 0, "plat_info_from_fdt -> truncated for all %zu lengths (%d wrong)",
           real_size, bad_pi);
    /* A bigger buffer than totalsize is fine (QEMU's dump is padded to 1 MiB). */
    uint8_t *b = calloc(1, real_size + 100);
    memcpy(b, real, real_size);
    EXPECT_ERR(fdt_check(b, real_size + 100), FDT_OK, "buffer larger than totalsize");
    free(b);
}

static void test_struct_real(void)
{
    uint32_t st = t_hdr(real, HF_OFF_STRUCT), st_len = t_hdr(real, HF_SIZE_STRUCT);
    uint32_t str_len = t_hdr(real, HF_SIZE_STRINGS);
    uint32_t prop = find_tok(3, 0), end_node = find_tok(2, 0);

    t_section("structure block (mutations of the real blob)");
    expect_word(prop + 8, str_len, FDT_ERR_BAD_STRING, "nameoff == size_dt_strings");
    expect_word(prop + 8, 0xffffffff, FDT_ERR_BAD_STRING, "nameoff 0xffffffff");
    expect_hdr(HF_SIZE_STRINGS, str_len - 1, FDT_ERR_BAD_STRING,
               "last property name unterminated inside the strings block");
    expect_word(prop + 4, 0xfffffff0, FDT_ERR_BAD_STRUCT, "property length 0xfffffff0");
    expect_word(prop + 4, st_len, FDT_ERR_BAD_STRUCT, "property length just past the block");
    expect_word(end_node, 5, FDT_ERR_BAD_STRUCT, "unknown token 5 in place of END_NODE");
    expect_word(end_node, 4, FDT_ERR_BAD_STRUCT, "END_NODE replaced by NOP (unbalanced)");
    expect_word(st + st_len - 4, 4, FDT_ERR_BAD_STRUCT, "FDT_END replaced by NOP");
    expect_hdr(HF_SIZE_STRUCT, st_len - 4, FDT_ERR_BAD_STRUCT, "struct block cut before FDT_END");
    expect_word(st, 2, FDT_ERR_BAD_STRUCT, "block starts with END_NODE");
    expect_hdr(HF_SIZE_STRUCT, 0, FDT_ERR_BAD_STRUCT, "empty struct block");
}

/* Start a blob: root node with one property, left open. */
static void root_open(struct t_bld *b)
{
    memset(b, 0, sizeof *b);
    b_begin(b, "");
    b_prop_u32(b, "#address-cells", 2);
}

static void test_struct_built(void)
{
    static struct t_bld b;
    t_section("structure block (built blobs)");

    root_open(&b);
    b_end_node(&b);
    b_word(&b, 9);
    expect_built(&b, FDT_OK, "minimal valid blob");

    root_open(&b);
    b_word(&b, 1); /* BEGIN_NODE whose name runs to the block end */
    b_bytes(&b, "abcd", 4);
    expect_built(&b, FDT_ERR_BAD_STRUCT, "unterminated node name");

    root_open(&b);
    b_prop_raw(&b, 1000, "x", 1);
    b_end_node(&b);
    b_word(&b, 9);
    expect_built(&b, FDT_ERR_BAD_STRING, "nameoff beyond the strings block");

    root_open(&b);
    b_word(&b, 0xdeadbeef);
    b_end_node(&b);
    b_word(&b, 9);
    expect_built(&b, FDT_ERR_BAD_STRUCT, "unknown token 0xdeadbeef");

    root_open(&b);
    b_end_node(&b);
    expect_built(&b, FDT_ERR_BAD_STRUCT, "missing FDT_END");

    root_open(&b);
    b_word(&b, 9);
    expect_built(&b, FDT_ERR_BAD_STRUCT, "FDT_END inside the root (missing END_NODE)");

    root_open(&b);
    b_end_node(&b);
    b_end_node(&b);
    b_word(&b, 9);
    expect_built(&b, FDT_ERR_BAD_STRUCT, "extra END_NODE");

    root_open(&b);
    b_end_node(&b);
    b_begin(&b, "second-root");
    b_end_node(&b);
    b_word(&b, 9);
    expect_built(&b, FDT_ERR_BAD_STRUCT, "two root nodes");

    memset(&b, 0, sizeof b);
    b_prop_u32(&b, "x", 1);
    b_begin(&b, "");
    b_end_node(&b);
    b_word(&b, 9);
    expect_built(&b, FDT_ERR_BAD_STRUCT, "property before the root node");

    root_open(&b);
    b_begin(&b, "child");
    b_end_node(&b);
    b_prop_u32(&b, "late", 1);
    b_end_node(&b);
    b_word(&b, 9);
    expect_built(&b, FDT_ERR_BAD_STRUCT, "property after a subnode");

    memset(&b, 0, sizeof b);
    b_word(&b, 9);
    expect_built(&b, FDT_ERR_BAD_STRUCT, "FDT_END with no root");

    /* NOPs may appear anywhere between tokens. */
    memset(&b, 0, sizeof b);
    b_word(&b, 4);
    b_begin(&b, "");
    b_word(&b, 4);
    b_prop_u32(&b, "#size-cells", 1);
    b_word(&b, 4);
    b_begin(&b, "a@1");
    b_word(&b, 4);
    b_end_node(&b);
    b_word(&b, 4);
    b_begin(&b, "b");
    b_end_node(&b);
    b_end_node(&b);
    b_word(&b, 4);
    b_word(&b, 9);
    size_t n;
    uint8_t *blob = b_finish(&b, &n);
    EXPECT_ERR(fdt_check(blob, n), FDT_OK, "NOPs between tokens accepted");
    int root = fdt_root(blob);
    EXPECT_U64(root, 4, "root found after a leading NOP");
    int a = fdt_path_offset(blob, "/a");
    EXPECT(a > 0 && fdt_next_sibling(blob, a) == fdt_path_offset(blob, "/b"),
           "siblings found across NOPs");
    EXPECT_U64(fdt_size_cells(blob, root), 1, "property after NOP found");
    EXPECT_U64(fdt_parent(blob, a), root, "parent across NOPs");
    free(blob);
}

/* root + (depth - 1) nested children */
static void nest(struct t_bld *b, int depth)
{
    memset(b, 0, sizeof *b);
    b_begin(b, "");
    for (int i = 1; i < depth; i++)
        b_begin(b, "n");
    for (int i = 0; i < depth; i++)
        b_end_node(b);
    b_word(b, 9);
}

static void test_depth(void)
{
    static struct t_bld b;
    char msg[80];
    t_section("nesting depth");
    nest(&b, FDT_MAX_DEPTH);
    snprintf(msg, sizeof msg, "depth %d (FDT_MAX_DEPTH) accepted", FDT_MAX_DEPTH);
    size_t n;
    uint8_t *blob = b_finish(&b, &n);
    EXPECT_ERR(fdt_check(blob, n), FDT_OK, msg);
    int d = 0, deepest = -1, maxd = 0;
    for (int x = fdt_next_node(blob, -1, &d); x >= 0; x = fdt_next_node(blob, x, &d))
        if (d >= maxd) {
            maxd = d;
            deepest = x;
        }
    EXPECT_U64(maxd, FDT_MAX_DEPTH - 1, "fdt_next_node depth of the deepest node");
    EXPECT(fdt_parent(blob, deepest) > 0, "fdt_parent of the deepest node");
    free(blob);
    nest(&b, FDT_MAX_DEPTH + 1);
    snprintf(msg, sizeof msg, "depth %d rejected", FDT_MAX_DEPTH + 1);
    expect_built(&b, FDT_ERR_DEPTH, msg);
    nest(&b, 200);
    expect_built(&b, FDT_ERR_DEPTH, "depth 200 rejected");
}

static void test_strerror(void)
{
    t_section("fdt_strerror");
    const char *seen[16] = {0};
    int distinct = 1;
    for (int e = 0; e >= FDT_ERR_BAD_ARG; e--) {
        seen[-e] = fdt_strerror(e);
        for (int f = 0; f > e; f--)
            if (strcmp(seen[-f], seen[-e]) == 0)
                distinct = 0;
    }
    EXPECT(distinct, "every error code has its own message");
    EXPECT_STR(fdt_strerror(FDT_ERR_DEPTH), "nesting too deep", "FDT_ERR_DEPTH message");
    EXPECT_STR(fdt_strerror(-99), "unknown error", "unknown code");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s real.dtb\n", argv[0]);
        return 2;
    }
    real = t_load_dtb(argv[1], &real_size);
    printf("malformed inputs derived from %s (%zu bytes)\n", argv[1], real_size);
    test_header();
    test_truncation();
    test_struct_real();
    test_struct_built();
    test_depth();
    test_strerror();
    free((void *)real);
    return t_done(argv[0]);
}
