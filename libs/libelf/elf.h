/*
 * Validating reader for little-endian ELF64 RISC-V executables.
 *
 * elf_open() checks the whole file once and copies the facts a loader needs
 * (entry point and PT_LOAD segments) into struct elf_image. Later calls never
 * re-read the headers, so a blob that changes after validation (e.g. memory
 * shared with an untrusted task) cannot invalidate what was checked. Segment
 * contents are still read from the blob by the caller, but their ranges were
 * proven to lie inside [data, data + size).
 *
 * Freestanding: no allocation, no libc; fields are read byte by byte, so the
 * blob may sit at any alignment.
 */
#ifndef LIBELF_ELF_H
#define LIBELF_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_PAGE_SIZE 4096u /* Sv39 base page; segments are placed in whole pages */
#define ELF_MAX_LOAD  16u   /* bound on PT_LOAD segments kept in struct elf_image */

enum elf_err {
    ELF_OK = 0,
    ELF_ERR_TRUNCATED, /* smaller than the ELF header */
    ELF_ERR_MAGIC,     /* no \x7fELF */
    ELF_ERR_CLASS,     /* not ELF64 */
    ELF_ERR_ENDIAN,    /* not little-endian */
    ELF_ERR_VERSION,   /* EI_VERSION or e_version not EV_CURRENT */
    ELF_ERR_TYPE,      /* not ET_EXEC */
    ELF_ERR_MACHINE,   /* not EM_RISCV */
    ELF_ERR_PHDR,      /* bad e_phentsize / e_phnum, or table outside the file */
    ELF_ERR_SEGMENT,   /* p_filesz > p_memsz, file bytes outside the file, overflow */
    ELF_ERR_RANGE,     /* segment pages outside the [user_lo, user_hi) window */
    ELF_ERR_OVERLAP,   /* two PT_LOAD segments touch the same page */
    ELF_ERR_ALIGN,     /* p_align not a power of two, or p_vaddr/p_offset incongruent */
    ELF_ERR_ENTRY,     /* entry not in file-backed bytes of an executable PT_LOAD */
    ELF_ERR_NOLOAD,    /* no non-empty PT_LOAD */
    ELF_ERR_TOO_MANY,  /* more than ELF_MAX_LOAD non-empty PT_LOAD segments */
    ELF_ERR_INDEX,     /* elf_load_segment() index out of range */
    ELF_ERR_COUNT      /* number of codes, not an error */
};

/* One PT_LOAD segment: map pages covering [vaddr, vaddr + memsz), copy
 * filesz bytes from data + offset to vaddr, zero the rest. */
struct elf_segment {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t filesz;
    uint64_t offset;
    bool r, w, x;
};

struct elf_image {
    const uint8_t *data;
    size_t size;         /* the file's size: segments' file bytes lie below it */
    size_t hdr_size;     /* bytes at data: the ELF and program headers lie below it */
    uint64_t entry;
    uint32_t flags;      /* e_flags: RVC, float ABI, RVE (RISC-V psABI) */
    uint16_t phnum;      /* program headers of any type */
    uint16_t load_count; /* non-empty PT_LOAD segments, in table order */
    uint64_t lo, hi;     /* page-rounded extent of all PT_LOAD segments */
    struct elf_segment load[ELF_MAX_LOAD];
};

/* Short English description; never NULL. */
const char *elf_strerror(int err);

/*
 * Validate the executable in [data, data + size). Every PT_LOAD must lie, in
 * whole pages, inside [user_lo, user_hi). Returns ELF_OK or an elf_err; on
 * failure *img is left empty (no segments), so misuse is harmless.
 */
int elf_open(struct elf_image *img, const void *data, size_t size,
             uint64_t user_lo, uint64_t user_hi);

/*
 * The same checks for a file of file_size bytes of which only the first hdr_size
 * (<= file_size) are at hdr: the ELF header and the program header table must lie in
 * them (ELF_ERR_TRUNCATED / ELF_ERR_PHDR otherwise), segments anywhere in the file.
 * For a loader that reads the file page by page (mm0, exec from fs0's cache): the
 * segments' contents are then not at img->data.
 */
int elf_open_headers(struct elf_image *img, const void *hdr, size_t hdr_size, size_t file_size,
                     uint64_t user_lo, uint64_t user_hi);

unsigned elf_load_count(const struct elf_image *img);

/* The i-th non-empty PT_LOAD, in program header order. */
int elf_load_segment(const struct elf_image *img, unsigned i, struct elf_segment *out);

/* Page-rounded [lo, hi) covering all PT_LOAD segments, e.g. to place what
 * follows the image. Both 0 for an image that failed elf_open(). */
void elf_extent(const struct elf_image *img, uint64_t *lo, uint64_t *hi);

#endif /* LIBELF_ELF_H */
