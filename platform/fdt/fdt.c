/*
 * Flattened device tree reader.  See fdt.h; layout facts cite the
 * Devicetree Specification v0.4, chapter 5.
 */
#include "fdt.h"

/* Structure block tokens (spec 5.4.1). */
#define FDT_BEGIN_NODE 0x1u
#define FDT_END_NODE 0x2u
#define FDT_PROP 0x3u
#define FDT_NOP 0x4u
#define FDT_END 0x9u

/* Header field offsets (spec 5.2); size_dt_struct exists from version 17. */
#define H_MAGIC 0
#define H_TOTALSIZE 4
#define H_OFF_STRUCT 8
#define H_OFF_STRINGS 12
#define H_OFF_RSVMAP 16
#define H_VERSION 20
#define H_LAST_COMP 24
#define H_SIZE_STRINGS 32
#define H_SIZE_STRUCT 36
#define HDR_LEN_V16 36
#define HDR_LEN_V17 40
#define RSV_ENTRY 16 /* two u64: address, size */

/* The header fields we use, decoded once per call. */
struct view {
    const uint8_t *b;
    uint32_t version;
    uint32_t totalsize;
    uint32_t off_struct, size_struct;
    uint32_t off_strings, size_strings;
    uint32_t off_rsv;
};

/* One decoded structure-block token. */
struct tag {
    uint32_t tok;
    uint32_t next;    /* offset of the following token */
    const char *name; /* node name (BEGIN_NODE) or property name (PROP) */
    uint32_t name_len;
    const uint8_t *val; /* PROP value */
    uint32_t len;       /* PROP value length */
};

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static bool mem_eq(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return false;
    return true;
}

static uint32_t align4(uint32_t x)
{
    return (x + 3u) & ~3u;
}

uint32_t fdt_be32(const void *p)
{
    const uint8_t *b = p; /* byte-wise: cells are only 4-aligned and big-endian */
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt_be64(const void *p)
{
    const uint8_t *b = p;
    return (uint64_t)fdt_be32(b) << 32 | fdt_be32(b + 4);
}

int fdt_read_cells(const void *p, unsigned n, uint64_t *out)
{
    const uint8_t *b = p;
    uint64_t v = 0;
    if (n > 4)
        return FDT_ERR_BAD_VALUE;
    for (unsigned i = 0; i < n; i++) {
        if (v >> 32) /* would not fit in 64 bits */
            return FDT_ERR_BAD_VALUE;
        v = v << 32 | fdt_be32(b + 4 * i);
    }
    *out = v;
    return FDT_OK;
}

const char *fdt_strerror(int err)
{
    switch (err) {
    case FDT_OK: return "ok";
    case FDT_ERR_BAD_MAGIC: return "bad magic";
    case FDT_ERR_TRUNCATED: return "truncated";
    case FDT_ERR_BAD_VERSION: return "unsupported version";
    case FDT_ERR_BAD_LAYOUT: return "bad block layout";
    case FDT_ERR_BAD_STRUCT: return "bad structure block";
    case FDT_ERR_BAD_STRING: return "bad string reference";
    case FDT_ERR_DEPTH: return "nesting too deep";
    case FDT_ERR_NOT_FOUND: return "not found";
    case FDT_ERR_BAD_VALUE: return "bad property value";
    case FDT_ERR_NO_SPACE: return "no space";
    case FDT_ERR_BAD_ARG: return "bad argument";
    default: return "unknown error";
    }
}

uint32_t fdt_header_totalsize(const void *blob)
{
    if (!blob || fdt_be32(blob) != FDT_MAGIC)
        return 0;
    return fdt_be32((const uint8_t *)blob + H_TOTALSIZE);
}

/* Decode the header.  Needs HDR_LEN_V17 readable bytes (fdt_check ensures). */
static void view_load(const void *blob, struct view *v)
{
    const uint8_t *b = blob;
    v->b = b;
    v->totalsize = fdt_be32(b + H_TOTALSIZE);
    v->off_struct = fdt_be32(b + H_OFF_STRUCT);
    v->off_strings = fdt_be32(b + H_OFF_STRINGS);
    v->off_rsv = fdt_be32(b + H_OFF_RSVMAP);
    v->version = fdt_be32(b + H_VERSION);
    v->size_strings = fdt_be32(b + H_SIZE_STRINGS);
    if (v->version >= 17) {
        v->size_struct = fdt_be32(b + H_SIZE_STRUCT);
    } else {
        /* v16 has no struct size: it extends to the next block or the end. */
        uint32_t lim = v->totalsize;
        if (v->off_strings > v->off_struct && v->off_strings < lim)
            lim = v->off_strings;
        if (v->off_rsv > v->off_struct && v->off_rsv < lim)
            lim = v->off_rsv;
        v->size_struct = lim >= v->off_struct ? (lim - v->off_struct) & ~3u : 0;
    }
}

/* Decode the token at struct offset `off`, checking every byte it covers. */
static int read_tag(const struct view *v, uint32_t off, struct tag *t)
{
    const uint8_t *s = v->b + v->off_struct;
    uint32_t end = v->size_struct;

    if ((off & 3) || off > end || end - off < 4)
        return FDT_ERR_BAD_STRUCT;
    t->tok = fdt_be32(s + off);
    t->next = off + 4;
    switch (t->tok) {
    case FDT_BEGIN_NODE: {
        uint32_t p = off + 4;
        while (p < end && s[p])
            p++;
        if (p >= end) /* name runs off the block */
            return FDT_ERR_BAD_STRUCT;
        t->name = (const char *)s + off + 4;
        t->name_len = p - (off + 4);
        t->next = align4(p + 1); /* <= end: end is a multiple of 4 */
        return FDT_OK;
    }
    case FDT_PROP: {
        if (end - off < 12)
            return FDT_ERR_BAD_STRUCT;
        uint32_t len = fdt_be32(s + off + 4);
        uint32_t nameoff = fdt_be32(s + off + 8);
        if (len > end - off - 12)
            return FDT_ERR_BAD_STRUCT;
        if (nameoff >= v->size_strings)
            return FDT_ERR_BAD_STRING;
        const uint8_t *str = v->b + v->off_strings;
        uint32_t p = nameoff;
        while (p < v->size_strings && str[p])
            p++;
        if (p >= v->size_strings) /* name not terminated inside the block */
            return FDT_ERR_BAD_STRING;
        t->name = (const char *)str + nameoff;
        t->name_len = p - nameoff;
        t->val = s + off + 12;
        t->len = len;
        t->next = align4(off + 12 + len);
        return FDT_OK;
    }
    case FDT_END_NODE:
    case FDT_NOP:
    case FDT_END:
        return FDT_OK;
    default:
        return FDT_ERR_BAD_STRUCT;
    }
}

/* Do [a, a+alen) and [b, b+blen) share a byte?  Bounds fit in 64 bits. */
static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

static int check_struct(const struct view *v)
{
    uint32_t off = 0;
    int depth = 0;
    bool seen_root = false, props_ok = false;

    for (;;) {
        struct tag t;
        int r = read_tag(v, off, &t); /* fails at the block end: FDT_END missing */
        if (r < 0)
            return r;
        switch (t.tok) {
        case FDT_BEGIN_NODE:
            if (seen_root && depth == 0) /* exactly one root */
                return FDT_ERR_BAD_STRUCT;
            if (++depth > FDT_MAX_DEPTH)
                return FDT_ERR_DEPTH;
            seen_root = true;
            props_ok = true;
            break;
        case FDT_END_NODE:
            if (depth == 0)
                return FDT_ERR_BAD_STRUCT;
            depth--;
            props_ok = false; /* the parent's properties ended at its first child */
            break;
        case FDT_PROP:
            /* Properties belong to a node and precede its subnodes (5.4.1). */
            if (depth == 0 || !props_ok)
                return FDT_ERR_BAD_STRUCT;
            break;
        case FDT_NOP:
            break;
        case FDT_END:
            return depth == 0 && seen_root ? FDT_OK : FDT_ERR_BAD_STRUCT;
        }
        off = t.next;
    }
}

int fdt_check(const void *blob, size_t size)
{
    struct view v;

    if (size < 4)
        return FDT_ERR_TRUNCATED;
    if (!blob)
        return FDT_ERR_BAD_ARG;
    if (fdt_be32(blob) != FDT_MAGIC)
        return FDT_ERR_BAD_MAGIC;
    if (size < HDR_LEN_V17)
        return FDT_ERR_TRUNCATED;
    view_load(blob, &v);
    if (v.version < 16 || fdt_be32(v.b + H_LAST_COMP) > 17)
        return FDT_ERR_BAD_VERSION;
    uint32_t hdr_len = v.version >= 17 ? HDR_LEN_V17 : HDR_LEN_V16;
    if (v.totalsize > size || v.totalsize < hdr_len)
        return FDT_ERR_TRUNCATED;
    if (v.totalsize > 0x7fffffffu) /* node handles are non-negative ints */
        return FDT_ERR_BAD_LAYOUT;

    /* Alignment (5.3.1, 5.4.1) and nothing inside the header. */
    if ((v.off_rsv & 7) || (v.off_struct & 3) || (v.size_struct & 3))
        return FDT_ERR_BAD_LAYOUT;
    if (v.off_rsv < hdr_len || v.off_struct < hdr_len ||
        (v.size_strings && v.off_strings < hdr_len))
        return FDT_ERR_BAD_LAYOUT;

    /* Every block inside totalsize; 64-bit sums cannot wrap. */
    uint64_t total = v.totalsize;
    if ((uint64_t)v.off_struct + v.size_struct > total ||
        (uint64_t)v.off_strings + v.size_strings > total)
        return FDT_ERR_TRUNCATED;

    if (overlap(v.off_struct, v.size_struct, v.off_strings, v.size_strings))
        return FDT_ERR_BAD_LAYOUT;

    /* The reservation map ends with an all-zero entry (5.3.2); stop at
     * the first entry that runs into another block or off the end. */
    for (uint64_t p = v.off_rsv;; p += RSV_ENTRY) {
        if (p + RSV_ENTRY > total)
            return FDT_ERR_TRUNCATED;
        if (overlap(p, RSV_ENTRY, v.off_struct, v.size_struct) ||
            overlap(p, RSV_ENTRY, v.off_strings, v.size_strings))
            return FDT_ERR_BAD_LAYOUT;
        if (fdt_be64(v.b + p) == 0 && fdt_be64(v.b + p + 8) == 0)
            break;
    }

    return check_struct(&v);
}

/* ---- Reservation map ---- */

int fdt_get_rsv(const void *blob, int idx, uint64_t *addr, uint64_t *size)
{
    struct view v;
    view_load(blob, &v);
    if (idx < 0)
        return FDT_ERR_BAD_ARG;
    for (uint64_t p = v.off_rsv, i = 0; p + RSV_ENTRY <= v.totalsize; p += RSV_ENTRY, i++) {
        uint64_t a = fdt_be64(v.b + p), s = fdt_be64(v.b + p + 8);
        if (a == 0 && s == 0)
            break;
        if (i == (uint64_t)idx) {
            *addr = a;
            *size = s;
            return FDT_OK;
        }
    }
    return FDT_ERR_NOT_FOUND;
}

int fdt_num_rsv(const void *blob)
{
    struct view v;
    int n = 0;
    view_load(blob, &v);
    for (uint64_t p = v.off_rsv; p + RSV_ENTRY <= v.totalsize; p += RSV_ENTRY, n++)
        if (fdt_be64(v.b + p) == 0 && fdt_be64(v.b + p + 8) == 0)
            break;
    return n;
}

/* ---- Nodes ---- */

/* Decode the BEGIN_NODE token of handle `node`. */
static int node_tag(const struct view *v, int node, struct tag *t)
{
    /* On a checked blob, anything but a readable BEGIN_NODE is a bad handle. */
    if (node < 0 || read_tag(v, (uint32_t)node, t) < 0 || t->tok != FDT_BEGIN_NODE)
        return FDT_ERR_BAD_ARG;
    return FDT_OK;
}

int fdt_root(const void *blob)
{
    struct view v;
    struct tag t;
    view_load(blob, &v);
    for (uint32_t off = 0;; off = t.next) {
        int r = read_tag(&v, off, &t);
        if (r < 0)
            return r;
        if (t.tok == FDT_BEGIN_NODE)
            return (int)off;
        if (t.tok != FDT_NOP)
            return FDT_ERR_BAD_STRUCT;
    }
}

/* Offset just past the END_NODE that closes `node`. */
static int skip_node(const struct view *v, int node)
{
    struct tag t;
    int depth = 0;
    int r = node_tag(v, node, &t);
    if (r < 0)
        return r;
    for (uint32_t off = (uint32_t)node;; off = t.next) {
        if ((r = read_tag(v, off, &t)) < 0)
            return r;
        if (t.tok == FDT_BEGIN_NODE)
            depth++;
        else if (t.tok == FDT_END_NODE && --depth == 0)
            return (int)t.next;
        else if (t.tok == FDT_END)
            return FDT_ERR_BAD_STRUCT;
    }
}

int fdt_first_child(const void *blob, int node)
{
    struct view v;
    struct tag t;
    view_load(blob, &v);
    int r = node_tag(&v, node, &t);
    if (r < 0)
        return r;
    for (uint32_t off = t.next;; off = t.next) {
        if ((r = read_tag(&v, off, &t)) < 0)
            return r;
        if (t.tok == FDT_BEGIN_NODE)
            return (int)off;
        if (t.tok == FDT_END_NODE)
            return FDT_ERR_NOT_FOUND;
        if (t.tok == FDT_END)
            return FDT_ERR_BAD_STRUCT;
    }
}

int fdt_next_sibling(const void *blob, int node)
{
    struct view v;
    struct tag t;
    view_load(blob, &v);
    int r = skip_node(&v, node);
    if (r < 0)
        return r;
    for (uint32_t off = (uint32_t)r;; off = t.next) {
        if ((r = read_tag(&v, off, &t)) < 0)
            return r;
        if (t.tok == FDT_BEGIN_NODE)
            return (int)off;
        if (t.tok != FDT_NOP) /* END_NODE of the parent, or END after the root */
            return t.tok == FDT_PROP ? FDT_ERR_BAD_STRUCT : FDT_ERR_NOT_FOUND;
    }
}

int fdt_next_node(const void *blob, int node, int *depth)
{
    struct view v;
    struct tag t;
    int d = 0;
    if (node < 0) {
        if (depth)
            *depth = 0;
        return fdt_root(blob);
    }
    view_load(blob, &v);
    int r = node_tag(&v, node, &t);
    if (r < 0)
        return r;
    for (uint32_t off = t.next;; off = t.next) {
        if ((r = read_tag(&v, off, &t)) < 0)
            return r;
        if (t.tok == FDT_BEGIN_NODE) {
            if (depth)
                *depth += d + 1;
            return (int)off;
        }
        if (t.tok == FDT_END_NODE)
            d--;
        else if (t.tok == FDT_END)
            return FDT_ERR_NOT_FOUND;
    }
}

int fdt_parent(const void *blob, int node)
{
    struct view v;
    struct tag t;
    int stack[FDT_MAX_DEPTH];
    int d = 0;
    view_load(blob, &v);
    int r = node_tag(&v, node, &t);
    if (r < 0)
        return r;
    /* The format has no parent links: walk from the start, keeping the path. */
    for (uint32_t off = 0;; off = t.next) {
        if ((r = read_tag(&v, off, &t)) < 0)
            return r;
        if (t.tok == FDT_BEGIN_NODE) {
            if (off == (uint32_t)node)
                return d > 0 ? stack[d - 1] : FDT_ERR_NOT_FOUND;
            if (d >= FDT_MAX_DEPTH)
                return FDT_ERR_DEPTH;
            stack[d++] = (int)off;
        } else if (t.tok == FDT_END_NODE) {
            if (d == 0)
                return FDT_ERR_BAD_STRUCT;
            d--;
        } else if (t.tok == FDT_END) {
            return FDT_ERR_BAD_ARG; /* handle pointed into a property value */
        }
    }
}

const char *fdt_node_name(const void *blob, int node, size_t *len)
{
    struct view v;
    struct tag t;
    view_load(blob, &v);
    if (node_tag(&v, node, &t) < 0) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = t.name_len;
    return t.name;
}

int fdt_subnode(const void *blob, int parent, const char *name, size_t len)
{
    int c = fdt_first_child(blob, parent);
    bool has_unit = false;
    for (size_t i = 0; i < len; i++)
        if (name[i] == '@')
            has_unit = true;
    for (; c >= 0; c = fdt_next_sibling(blob, c)) {
        size_t n;
        const char *cn = fdt_node_name(blob, c, &n);
        if (n == len && mem_eq(cn, name, len))
            return c;
        /* "serial" matches "serial@10000000" (spec 2.2.1 unit addresses) */
        if (!has_unit && n > len && cn[len] == '@' && mem_eq(cn, name, len))
            return c;
    }
    return c;
}

/* Property lookup with a counted name. */
static const void *getprop_n(const void *blob, int node, const char *name, size_t nlen,
                             uint32_t *len)
{
    struct view v;
    struct tag t;
    view_load(blob, &v);
    if (node_tag(&v, node, &t) < 0)
        return NULL;
    for (uint32_t off = t.next;; off = t.next) {
        if (read_tag(&v, off, &t) < 0)
            return NULL;
        if (t.tok == FDT_PROP) {
            if (t.name_len == nlen && mem_eq(t.name, name, nlen)) {
                if (len)
                    *len = t.len;
                return t.val;
            }
        } else if (t.tok != FDT_NOP) {
            return NULL; /* properties end at the first subnode or END_NODE */
        }
    }
}

const void *fdt_getprop(const void *blob, int node, const char *name, uint32_t *len)
{
    if (!name)
        return NULL;
    return getprop_n(blob, node, name, str_len(name), len);
}

int fdt_path_offset_n(const void *blob, const char *path, size_t len)
{
    const char *p = path, *end = path + len;
    int node;

    if (!path || len == 0)
        return FDT_ERR_BAD_ARG;
    if (*p == '/') {
        node = fdt_root(blob);
    } else {
        /* Alias (spec 3.3): the first component names a /aliases property
         * holding a full path; the rest is relative to that node. */
        const char *q = p;
        while (q < end && *q != '/')
            q++;
        int aliases = fdt_subnode(blob, fdt_root(blob), "aliases", 7);
        if (aliases < 0)
            return FDT_ERR_NOT_FOUND;
        uint32_t alen;
        const char *a = getprop_n(blob, aliases, p, (size_t)(q - p), &alen);
        if (!a)
            return FDT_ERR_NOT_FOUND;
        if (alen == 0 || a[alen - 1] != '\0' || a[0] != '/') /* no alias chains */
            return FDT_ERR_BAD_VALUE;
        node = fdt_path_offset_n(blob, a, alen - 1);
        p = q;
    }
    while (node >= 0) {
        while (p < end && *p == '/')
            p++;
        if (p == end)
            break;
        const char *q = p;
        while (q < end && *q != '/')
            q++;
        node = fdt_subnode(blob, node, p, (size_t)(q - p));
        p = q;
    }
    return node;
}

int fdt_path_offset(const void *blob, const char *path)
{
    if (!path)
        return FDT_ERR_BAD_ARG;
    return fdt_path_offset_n(blob, path, str_len(path));
}

int fdt_node_by_phandle(const void *blob, uint32_t ph)
{
    if (ph == 0 || ph == 0xffffffffu) /* reserved values (spec 2.3.3) */
        return FDT_ERR_NOT_FOUND;
    int n;
    for (n = fdt_root(blob); n >= 0; n = fdt_next_node(blob, n, NULL)) {
        uint32_t v;
        if (fdt_prop_u32(blob, n, "phandle", &v) == FDT_OK && v == ph)
            return n;
        if (fdt_prop_u32(blob, n, "linux,phandle", &v) == FDT_OK && v == ph)
            return n;
    }
    return n;
}

/* ---- Typed properties ---- */

int fdt_prop_u32(const void *blob, int node, const char *name, uint32_t *out)
{
    uint32_t len;
    const void *p = fdt_getprop(blob, node, name, &len);
    if (!p)
        return FDT_ERR_NOT_FOUND;
    if (len != 4)
        return FDT_ERR_BAD_VALUE;
    *out = fdt_be32(p);
    return FDT_OK;
}

int fdt_prop_u64(const void *blob, int node, const char *name, uint64_t *out)
{
    uint32_t len;
    const void *p = fdt_getprop(blob, node, name, &len);
    if (!p)
        return FDT_ERR_NOT_FOUND;
    if (len != 4 && len != 8)
        return FDT_ERR_BAD_VALUE;
    return fdt_read_cells(p, len / 4, out);
}

int fdt_prop_str(const void *blob, int node, const char *name, const char **out)
{
    uint32_t len;
    const char *p = fdt_getprop(blob, node, name, &len);
    if (!p)
        return FDT_ERR_NOT_FOUND;
    if (len == 0 || p[len - 1] != '\0') /* must end inside the value */
        return FDT_ERR_BAD_VALUE;
    *out = p;
    return FDT_OK;
}

static int cells(const void *blob, int node, const char *name, uint32_t dflt)
{
    uint32_t v;
    int r = fdt_prop_u32(blob, node, name, &v);
    if (r == FDT_ERR_NOT_FOUND)
        return (int)dflt;
    if (r < 0)
        return r;
    return v <= 4 ? (int)v : FDT_ERR_BAD_VALUE;
}

int fdt_address_cells(const void *blob, int node)
{
    return cells(blob, node, "#address-cells", 2); /* default: spec 2.3.5 */
}

int fdt_size_cells(const void *blob, int node)
{
    return cells(blob, node, "#size-cells", 1);
}

/* Locate `reg` and the cell sizes that govern it; returns the entry count. */
static int reg_info(const void *blob, int node, const uint8_t **val, int *ac, int *sc)
{
    int parent = fdt_parent(blob, node);
    if (parent < 0)
        return parent;
    if ((*ac = fdt_address_cells(blob, parent)) < 0)
        return *ac;
    if ((*sc = fdt_size_cells(blob, parent)) < 0)
        return *sc;
    uint32_t len;
    *val = fdt_getprop(blob, node, "reg", &len);
    if (!*val)
        return FDT_ERR_NOT_FOUND;
    uint32_t stride = 4u * (uint32_t)(*ac + *sc);
    if (stride == 0 || len % stride)
        return FDT_ERR_BAD_VALUE;
    return (int)(len / stride);
}

int fdt_reg_count(const void *blob, int node)
{
    const uint8_t *val;
    int ac, sc;
    return reg_info(blob, node, &val, &ac, &sc);
}

int fdt_reg(const void *blob, int node, int idx, uint64_t *base, uint64_t *size)
{
    const uint8_t *val;
    int ac, sc;
    int n = reg_info(blob, node, &val, &ac, &sc);
    if (n < 0)
        return n;
    if (idx < 0 || idx >= n)
        return FDT_ERR_NOT_FOUND;
    const uint8_t *e = val + (size_t)idx * 4u * (size_t)(ac + sc);
    int r = fdt_read_cells(e, (unsigned)ac, base);
    if (r < 0)
        return r;
    return fdt_read_cells(e + 4 * ac, (unsigned)sc, size);
}

/* ---- Compatible / status ---- */

bool fdt_strlist_contains(const void *list, uint32_t len, const char *s)
{
    const char *l = list;
    size_t n = str_len(s);
    uint32_t i = 0;
    while (l && i < len) {
        uint32_t j = i;
        while (j < len && l[j])
            j++;
        if (j - i == n && mem_eq(l + i, s, n))
            return true;
        i = j + 1;
    }
    return false;
}

bool fdt_node_compatible(const void *blob, int node, const char *compat)
{
    uint32_t len;
    const void *p = fdt_getprop(blob, node, "compatible", &len);
    return p && fdt_strlist_contains(p, len, compat);
}

int fdt_next_compatible(const void *blob, int node, const char *compat)
{
    int n = fdt_next_node(blob, node, NULL);
    while (n >= 0 && !fdt_node_compatible(blob, n, compat))
        n = fdt_next_node(blob, n, NULL);
    return n;
}

bool fdt_node_available(const void *blob, int node)
{
    uint32_t len;
    const void *p = fdt_getprop(blob, node, "status", &len);
    if (!p)
        return true;
    return (len == 5 && mem_eq(p, "okay", 5)) || (len == 3 && mem_eq(p, "ok", 3));
}
