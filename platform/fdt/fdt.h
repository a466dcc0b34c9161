/*
 * Flattened device tree (DTB) reader.
 *
 * The boot loader hands the kernel a DTB of unknown provenance, so
 * fdt_check() validates the whole blob once (header, memory reservation
 * map, structure block, property-name strings).  The navigation calls
 * below assume a blob that passed fdt_check(); they still bounds-check
 * every read against the structure block, so a wrong node handle gives
 * an error, never a wild read.
 *
 * Format: Devicetree Specification v0.4, chapter 5 ("Flattened
 * Devicetree (DTB) Format").  All header fields and cells are big-endian.
 *
 * Node handles are byte offsets of a node's FDT_BEGIN_NODE token from
 * the start of the structure block (the root is usually 0).  Functions
 * returning int return a handle/count >= 0 or a negative FDT_ERR_*.
 *
 * Freestanding: needs only <stdint.h>, <stddef.h>, <stdbool.h>.
 */
#ifndef FDT_H
#define FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_MAX_DEPTH 16 /* deepest node nesting accepted; root is depth 1 */

enum fdt_err {
    FDT_OK = 0,
    FDT_ERR_BAD_MAGIC = -1,   /* not a DTB */
    FDT_ERR_TRUNCATED = -2,   /* buffer smaller than header/totalsize, or a block past the end */
    FDT_ERR_BAD_VERSION = -3, /* version < 16 or last_comp_version > 17 */
    FDT_ERR_BAD_LAYOUT = -4,  /* blocks overlap each other or the header, or are misaligned */
    FDT_ERR_BAD_STRUCT = -5,  /* malformed structure block */
    FDT_ERR_BAD_STRING = -6,  /* property name offset/termination outside the strings block */
    FDT_ERR_DEPTH = -7,       /* nesting deeper than FDT_MAX_DEPTH */
    FDT_ERR_NOT_FOUND = -8,   /* no such node / property / entry */
    FDT_ERR_BAD_VALUE = -9,   /* property has the wrong length or content for its meaning */
    FDT_ERR_NO_SPACE = -10,   /* caller's array too small */
    FDT_ERR_BAD_ARG = -11,    /* invalid handle or argument */
};

const char *fdt_strerror(int err);

/* ---- Whole-blob checks ---- */

/* totalsize from the header, or 0 if the magic is wrong.  Reads 8 bytes:
 * the caller must map at least that much and must cap the result. */
uint32_t fdt_header_totalsize(const void *blob);

/* Validate everything; `size` is how many bytes of `blob` are readable. */
int fdt_check(const void *blob, size_t size);

/* ---- Memory reservation map (/memreserve/ entries) ---- */

int fdt_num_rsv(const void *blob);
int fdt_get_rsv(const void *blob, int idx, uint64_t *addr, uint64_t *size);

/* ---- Nodes ---- */

int fdt_root(const void *blob);
int fdt_first_child(const void *blob, int node);
int fdt_next_sibling(const void *blob, int node);
int fdt_parent(const void *blob, int node);

/* Next node in document order after `node`; node < 0 gives the root and
 * sets *depth = 0.  *depth, if given, is adjusted by the change in nesting
 * (children of the root are at 1); the walk ends with FDT_ERR_NOT_FOUND. */
int fdt_next_node(const void *blob, int node, int *depth);

/* Full name ("cpu@0"; "" for the root); *len gets its length. */
const char *fdt_node_name(const void *blob, int node, size_t *len);

/* Child of `parent` named `name` (len bytes).  A name without '@' also
 * matches a child whose name differs only by a unit address. */
int fdt_subnode(const void *blob, int parent, const char *name, size_t len);

/* Resolve "/soc/serial@10000000", "/soc/serial", or an alias path
 * "serial0[/sub...]" through /aliases.  The _n form takes a length so the
 * caller can pass a prefix (e.g. stdout-path without ":options"). */
int fdt_path_offset(const void *blob, const char *path);
int fdt_path_offset_n(const void *blob, const char *path, size_t len);

/* Node whose `phandle` (or legacy `linux,phandle`) equals ph. */
int fdt_node_by_phandle(const void *blob, uint32_t ph);

/* ---- Properties ---- */

/* Value of property `name` of `node`, or NULL if absent; *len gets its length. */
const void *fdt_getprop(const void *blob, int node, const char *name, uint32_t *len);

/* Typed getters: FDT_ERR_NOT_FOUND if absent, FDT_ERR_BAD_VALUE if the
 * length is wrong.  fdt_prop_u64 takes one or two cells. */
int fdt_prop_u32(const void *blob, int node, const char *name, uint32_t *out);
int fdt_prop_u64(const void *blob, int node, const char *name, uint64_t *out);
/* A NUL-terminated string property (the first string of a list). */
int fdt_prop_str(const void *blob, int node, const char *name, const char **out);

/* Big-endian decoding of unaligned cells. */
uint32_t fdt_be32(const void *p);
uint64_t fdt_be64(const void *p);
/* n cells (0..4) as one number; FDT_ERR_BAD_VALUE if it exceeds 64 bits. */
int fdt_read_cells(const void *p, unsigned n, uint64_t *out);

/* #address-cells / #size-cells that `node` declares for its children
 * (defaults 2 and 1); FDT_ERR_BAD_VALUE if malformed or > 4. */
int fdt_address_cells(const void *blob, int node);
int fdt_size_cells(const void *blob, int node);

/* Entries of `reg`, decoded with the parent's cell sizes. */
int fdt_reg_count(const void *blob, int node);
int fdt_reg(const void *blob, int node, int idx, uint64_t *base, uint64_t *size);

/* String lists (`compatible`): NUL-separated strings packed in len bytes. */
bool fdt_strlist_contains(const void *list, uint32_t len, const char *s);
bool fdt_node_compatible(const void *blob, int node, const char *compat);
/* Next node after `node` (node < 0: from the start) compatible with `compat`. */
int fdt_next_compatible(const void *blob, int node, const char *compat);

/* status absent, "okay" or "ok" (DT spec 2.3.4). */
bool fdt_node_available(const void *blob, int node);

#endif /* FDT_H */
