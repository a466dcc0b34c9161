/*
 * Host tests for libs/libelf.
 *
 *   elf_test synth                      hand-built images, one defect each
 *   elf_test real IMAGE READELF KIND    a cross-linked image vs. readelf -hlW
 *   elf_test fuzz IMAGE SEED ITERS      byte flips / odd field values
 *   elf_test skip                       exit 77 (ctest: skipped)
 *
 * Every image is handed to elf_open() in an exactly sized heap buffer at an
 * odd address, so ASan reports any read past the end and any alignment
 * assumption shows up under UBSan.
 */
#include "elf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USER_LO 0x1000ull          /* page 0 stays unmapped */
#define USER_HI 0x4000000000ull    /* Sv39 user half: 256 GiB */
#define KERNEL_VA 0xffffffc000000000ull
#define PAGE 4096ull

static int failures;

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                         \
        }                                                                       \
    } while (0)

#define CHECK_EQ(a, b)                                                          \
    do {                                                                        \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                        \
        if (a_ != b_) {                                                         \
            fprintf(stderr, "%s:%d: %s == %s failed: 0x%" PRIx64 " != 0x%" PRIx64 "\n", \
                    __FILE__, __LINE__, #a, #b, a_, b_);                        \
            failures++;                                                         \
        }                                                                       \
    } while (0)

#define CHECK_ERR(got, want)                                                    \
    do {                                                                        \
        int g_ = (got), w_ = (want);                                            \
        if (g_ != w_) {                                                         \
            fprintf(stderr, "%s:%d: %s: got %d (%s), want %d (%s)\n", __FILE__, \
                    __LINE__, #got, g_, elf_strerror(g_), w_, elf_strerror(w_)); \
            failures++;                                                         \
        }                                                                       \
    } while (0)

/* ---- little helpers ------------------------------------------------------ */

static void put_le(uint8_t *p, size_t off, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, size_t off, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[off + i] << (8 * i);
    return v;
}

static uint64_t page_down(uint64_t v) { return v & ~(PAGE - 1); }
static uint64_t page_up(uint64_t v) { return (v + PAGE - 1) & ~(PAGE - 1); }

/* A heap copy of len bytes at an odd address whose last byte ends the block. */
struct blob {
    uint8_t *block;
    uint8_t *data;
};

static struct blob blob_make(const uint8_t *src, size_t len, size_t misalign)
{
    struct blob b;
    b.block = malloc(len + misalign ? len + misalign : 1);
    if (!b.block) {
        perror("malloc");
        exit(2);
    }
    b.data = b.block + misalign;
    if (len)
        memcpy(b.data, src, len);
    return b;
}

/* Open a private copy; the copy is freed before returning. */
static int open_copy(const uint8_t *src, size_t len, uint64_t lo, uint64_t hi,
                     struct elf_image *img)
{
    struct blob b = blob_make(src, len, 1);
    int err = elf_open(img, b.data, len, lo, hi);
    free(b.block);
    img->data = NULL; /* dangling now; the tests must not touch it */
    return err;
}

static int open_user(const uint8_t *src, size_t len)
{
    struct elf_image img;
    return open_copy(src, len, USER_LO, USER_HI, &img);
}

/*
 * Properties any accepted image must have, re-derived from the API output
 * without trusting the library's arithmetic. Also reads every file byte a
 * loader would copy, so ASan checks the ranges. Returns false on violation.
 */
static bool image_sane(const struct elf_image *img, uint64_t lo, uint64_t hi)
{
    unsigned n = elf_load_count(img);
    struct elf_segment seg[ELF_MAX_LOAD], tmp;
    uint64_t ext_lo = UINT64_MAX, ext_hi = 0;
    bool entry_found = false;
    volatile uint8_t sink = 0;

    if (n < 1 || n > ELF_MAX_LOAD)
        return false;
    if (elf_load_segment(img, n, &tmp) != ELF_ERR_INDEX)
        return false;
    for (unsigned i = 0; i < n; i++) {
        struct elf_segment *s = &seg[i];
        uint64_t end, file_end;
        if (elf_load_segment(img, i, s) != ELF_OK)
            return false;
        if (s->memsz == 0 || s->filesz > s->memsz)
            return false;
        if (__builtin_add_overflow(s->vaddr, s->memsz, &end) || end > UINT64_MAX - PAGE)
            return false;
        if (page_down(s->vaddr) < lo || page_up(end) > hi)
            return false;
        if (s->filesz) {
            if (__builtin_add_overflow(s->offset, s->filesz, &file_end) || file_end > img->size)
                return false;
            if ((s->vaddr - s->offset) % PAGE != 0)
                return false;
            for (uint64_t k = 0; k < s->filesz; k++)
                sink ^= img->data[s->offset + k];
        }
        for (unsigned j = 0; j < i; j++) {
            uint64_t jl = page_down(seg[j].vaddr), jh = page_up(seg[j].vaddr + seg[j].memsz);
            if (page_down(s->vaddr) < jh && jl < page_up(end))
                return false;
        }
        if (s->x && img->entry >= s->vaddr && img->entry < s->vaddr + s->filesz)
            entry_found = true;
        if (page_down(s->vaddr) < ext_lo)
            ext_lo = page_down(s->vaddr);
        if (page_up(end) > ext_hi)
            ext_hi = page_up(end);
    }
    (void)sink;
    uint64_t elo, ehi;
    elf_extent(img, &elo, &ehi);
    return entry_found && img->entry % 2 == 0 && elo == ext_lo && ehi == ext_hi;
}

/* After a failed open the image must be empty. */
static bool image_empty(const struct elf_image *img)
{
    struct elf_segment s;
    uint64_t lo = 1, hi = 1;
    elf_extent(img, &lo, &hi);
    return elf_load_count(img) == 0 && lo == 0 && hi == 0 &&
           elf_load_segment(img, 0, &s) == ELF_ERR_INDEX;
}

/* ---- synthetic images ---------------------------------------------------- */

/*
 * Base image: header at 0, program headers at 64, a 0x100-byte RX segment at
 * file 0x1000 -> 0x10000, a RW segment with 0x10 file bytes at file 0x2000 ->
 * 0x11000 (memsz 0x2000), and a PT_GNU_STACK. File size 0x2010.
 */
#define SYN_CAP   0x3000u
#define SYN_PHOFF 64u
enum { SYN_TEXT = 0, SYN_DATA = 1, SYN_STACK = 2 };

#define PT_LOAD 1u
#define PT_NOTE 4u
#define PT_GNU_STACK 0x6474e551u
#define PF_X 1u
#define PF_W 2u
#define PF_R 4u

struct synth {
    uint8_t buf[SYN_CAP];
    size_t size;
};

static void syn_phdr(struct synth *s, unsigned i, uint32_t type, uint32_t flags,
                     uint64_t offset, uint64_t vaddr, uint64_t filesz, uint64_t memsz,
                     uint64_t align)
{
    size_t o = SYN_PHOFF + 56u * i;
    put_le(s->buf, o + 0, type, 4);
    put_le(s->buf, o + 4, flags, 4);
    put_le(s->buf, o + 8, offset, 8);
    put_le(s->buf, o + 16, vaddr, 8);
    put_le(s->buf, o + 24, vaddr, 8); /* p_paddr: unused */
    put_le(s->buf, o + 32, filesz, 8);
    put_le(s->buf, o + 40, memsz, 8);
    put_le(s->buf, o + 48, align, 8);
}

/* Field offsets inside a program header, for single-field edits. */
enum { P_TYPE = 0, P_FLAGS = 4, P_OFFSET = 8, P_VADDR = 16, P_FILESZ = 32, P_MEMSZ = 40, P_ALIGN = 48 };

static void syn_set(struct synth *s, unsigned phdr, unsigned field, uint64_t v)
{
    put_le(s->buf, SYN_PHOFF + 56u * phdr + field, v, field < 8 ? 4 : 8);
}

static void syn_init(struct synth *s)
{
    memset(s, 0, sizeof *s);
    uint8_t *p = s->buf;
    p[0] = 0x7f, p[1] = 'E', p[2] = 'L', p[3] = 'F';
    p[4] = 2; /* ELFCLASS64 */
    p[5] = 1; /* ELFDATA2LSB */
    p[6] = 1; /* EV_CURRENT */
    put_le(p, 16, 2, 2);         /* ET_EXEC */
    put_le(p, 18, 243, 2);       /* EM_RISCV */
    put_le(p, 20, 1, 4);         /* e_version */
    put_le(p, 24, 0x10000, 8);   /* e_entry */
    put_le(p, 32, SYN_PHOFF, 8); /* e_phoff */
    put_le(p, 48, 1, 4);         /* e_flags: RVC */
    put_le(p, 52, 64, 2);        /* e_ehsize */
    put_le(p, 54, 56, 2);        /* e_phentsize */
    put_le(p, 56, 3, 2);         /* e_phnum */
    syn_phdr(s, SYN_TEXT, PT_LOAD, PF_R | PF_X, 0x1000, 0x10000, 0x100, 0x100, 0x1000);
    syn_phdr(s, SYN_DATA, PT_LOAD, PF_R | PF_W, 0x2000, 0x11000, 0x10, 0x2000, 0x1000);
    syn_phdr(s, SYN_STACK, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
    for (unsigned i = 0; i < 0x100; i++)
        p[0x1000 + i] = (uint8_t)(0x13 + i); /* recognisable "code" */
    s->size = 0x2010;
}

static void syn_set_phnum(struct synth *s, uint64_t n) { put_le(s->buf, 56, n, 2); }
static void syn_set_entry(struct synth *s, uint64_t e) { put_le(s->buf, 24, e, 8); }

static int syn_open(const struct synth *s) { return open_user(s->buf, s->size); }

static void test_synth_base(void)
{
    struct synth s;
    struct elf_image img;
    struct elf_segment seg;
    uint64_t lo, hi;

    syn_init(&s);
    for (size_t mis = 0; mis < 8; mis++) { /* any blob alignment */
        struct blob b = blob_make(s.buf, s.size, mis);
        CHECK_ERR(elf_open(&img, b.data, s.size, USER_LO, USER_HI), ELF_OK);
        CHECK(img.data == b.data);
        CHECK_EQ(img.size, s.size);
        CHECK_EQ(img.entry, 0x10000);
        CHECK_EQ(img.flags, 1);
        CHECK_EQ(img.phnum, 3);
        CHECK_EQ(elf_load_count(&img), 2);

        CHECK_ERR(elf_load_segment(&img, 0, &seg), ELF_OK);
        CHECK_EQ(seg.vaddr, 0x10000);
        CHECK_EQ(seg.memsz, 0x100);
        CHECK_EQ(seg.filesz, 0x100);
        CHECK_EQ(seg.offset, 0x1000);
        CHECK(seg.r && !seg.w && seg.x);
        CHECK_EQ(img.data[seg.offset + 5], 0x13 + 5);

        CHECK_ERR(elf_load_segment(&img, 1, &seg), ELF_OK);
        CHECK_EQ(seg.vaddr, 0x11000);
        CHECK_EQ(seg.memsz, 0x2000);
        CHECK_EQ(seg.filesz, 0x10);
        CHECK_EQ(seg.offset, 0x2000);
        CHECK(seg.r && seg.w && !seg.x);

        CHECK_ERR(elf_load_segment(&img, 2, &seg), ELF_ERR_INDEX);
        CHECK_ERR(elf_load_segment(&img, ~0u, &seg), ELF_ERR_INDEX);
        elf_extent(&img, &lo, &hi);
        CHECK_EQ(lo, 0x10000);
        CHECK_EQ(hi, 0x13000);
        CHECK(image_sane(&img, USER_LO, USER_HI));
        free(b.block);
    }

    /* A failed open leaves an empty image even if it was full before. */
    {
        struct blob b = blob_make(s.buf, s.size, 0);
        CHECK_ERR(elf_open(&img, b.data, s.size, USER_LO, USER_HI), ELF_OK);
        b.data[0] = 0;
        CHECK_ERR(elf_open(&img, b.data, s.size, USER_LO, USER_HI), ELF_ERR_MAGIC);
        CHECK(image_empty(&img));
        free(b.block);
    }

    /* Table order is kept, even when it is not sorted by address. */
    syn_phdr(&s, SYN_TEXT, PT_LOAD, PF_R | PF_W, 0x2000, 0x11000, 0x10, 0x2000, 0x1000);
    syn_phdr(&s, SYN_DATA, PT_LOAD, PF_R | PF_X, 0x1000, 0x10000, 0x100, 0x100, 0x1000);
    {
        struct blob b = blob_make(s.buf, s.size, 3);
        CHECK_ERR(elf_open(&img, b.data, s.size, USER_LO, USER_HI), ELF_OK);
        CHECK_ERR(elf_load_segment(&img, 0, &seg), ELF_OK);
        CHECK_EQ(seg.vaddr, 0x11000);
        CHECK(seg.w && !seg.x);
        CHECK_ERR(elf_load_segment(&img, 1, &seg), ELF_OK);
        CHECK_EQ(seg.vaddr, 0x10000);
        elf_extent(&img, &lo, &hi);
        CHECK_EQ(lo, 0x10000);
        CHECK_EQ(hi, 0x13000);
        free(b.block);
    }
}

static void test_synth_header(void)
{
    struct synth s;

    syn_init(&s);
    for (size_t len = 0; len < 64; len++)
        CHECK_ERR(open_user(s.buf, len), ELF_ERR_TRUNCATED);

    for (unsigned i = 0; i < 4; i++) {
        syn_init(&s);
        s.buf[i] ^= 0x20;
        CHECK_ERR(syn_open(&s), ELF_ERR_MAGIC);
    }
    static const uint8_t bad_class[] = { 0, 1 /* ELFCLASS32 */, 3, 0xff };
    for (size_t i = 0; i < sizeof bad_class; i++) {
        syn_init(&s);
        s.buf[4] = bad_class[i];
        CHECK_ERR(syn_open(&s), ELF_ERR_CLASS);
    }
    static const uint8_t bad_data[] = { 0, 2 /* ELFDATA2MSB */, 3 };
    for (size_t i = 0; i < sizeof bad_data; i++) {
        syn_init(&s);
        s.buf[5] = bad_data[i];
        CHECK_ERR(syn_open(&s), ELF_ERR_ENDIAN);
    }
    syn_init(&s);
    s.buf[6] = 0;
    CHECK_ERR(syn_open(&s), ELF_ERR_VERSION);
    syn_init(&s);
    put_le(s.buf, 20, 2, 4);
    CHECK_ERR(syn_open(&s), ELF_ERR_VERSION);

    static const uint16_t bad_type[] = { 0, 1 /* ET_REL */, 3 /* ET_DYN */, 4 /* ET_CORE */, 0xfe00 };
    for (size_t i = 0; i < sizeof bad_type / sizeof bad_type[0]; i++) {
        syn_init(&s);
        put_le(s.buf, 16, bad_type[i], 2);
        CHECK_ERR(syn_open(&s), ELF_ERR_TYPE);
    }
    static const uint16_t bad_machine[] = { 0, 62 /* x86-64 */, 183 /* AArch64 */, 243 + 256, 0xf300 };
    for (size_t i = 0; i < sizeof bad_machine / sizeof bad_machine[0]; i++) {
        syn_init(&s);
        put_le(s.buf, 18, bad_machine[i], 2);
        CHECK_ERR(syn_open(&s), ELF_ERR_MACHINE);
    }

    /* Fields we deliberately ignore: OS ABI, padding, section headers. */
    syn_init(&s);
    s.buf[7] = 3;                        /* EI_OSABI */
    s.buf[15] = 0xaa;                    /* e_ident padding */
    put_le(s.buf, 40, UINT64_MAX, 8);    /* e_shoff */
    put_le(s.buf, 60, 0xffff, 2);        /* e_shnum */
    CHECK_ERR(syn_open(&s), ELF_OK);
}

static void test_synth_phdr_table(void)
{
    struct synth s;

    syn_init(&s);
    syn_set_phnum(&s, 0);
    CHECK_ERR(syn_open(&s), ELF_ERR_NOLOAD);

    static const uint16_t bad_entsize[] = { 0, 32, 55, 57, 64, 0xffff };
    for (size_t i = 0; i < sizeof bad_entsize / sizeof bad_entsize[0]; i++) {
        syn_init(&s);
        put_le(s.buf, 54, bad_entsize[i], 2);
        CHECK_ERR(syn_open(&s), ELF_ERR_PHDR);
    }

    syn_init(&s);
    syn_set_phnum(&s, 0xffff); /* PN_XNUM */
    CHECK_ERR(syn_open(&s), ELF_ERR_PHDR);
    syn_init(&s);
    syn_set_phnum(&s, 0xfffe); /* 3.6 MB table in an 8 KB file */
    CHECK_ERR(syn_open(&s), ELF_ERR_PHDR);

    /* Table ends exactly at the end of the file: fine; one byte more: not. */
    syn_init(&s);
    s.size = SYN_PHOFF + 3 * 56;
    put_le(s.buf, 32, SYN_PHOFF, 8);
    CHECK_ERR(syn_open(&s), ELF_ERR_SEGMENT); /* table fits; segments do not */
    s.size--;
    CHECK_ERR(syn_open(&s), ELF_ERR_PHDR);

    syn_init(&s);
    put_le(s.buf, 32, s.size, 8); /* phoff at the end */
    CHECK_ERR(syn_open(&s), ELF_ERR_PHDR);
    syn_init(&s);
    put_le(s.buf, 32, UINT64_MAX, 8);
    CHECK_ERR(syn_open(&s), ELF_ERR_PHDR);
    /* phoff + phnum * phentsize wraps around to a small, in-file value. */
    syn_init(&s);
    put_le(s.buf, 32, UINT64_MAX - 55, 8);
    CHECK_ERR(syn_open(&s), ELF_ERR_PHDR);
    syn_init(&s);
    put_le(s.buf, 32, 0 - (uint64_t)3 * 56 + 64, 8);
    CHECK_ERR(syn_open(&s), ELF_ERR_PHDR);

    /* An unaligned table is fine: fields are read byte-wise. */
    syn_init(&s);
    memmove(s.buf + SYN_PHOFF + 3, s.buf + SYN_PHOFF, 3 * 56);
    put_le(s.buf, 32, SYN_PHOFF + 3, 8);
    CHECK_ERR(syn_open(&s), ELF_OK);
}

/* elf_open_headers: headers from the first part of a file, segments anywhere in it.
 * Each check is exactly at its bound (one byte less fails). The buffer holds only
 * the headers, so a read past hdr_size would be caught by the sanitizers. */
static void test_synth_headers_only(void)
{
    struct synth s;
    struct elf_image img;
    struct elf_segment seg;
    size_t table_end = SYN_PHOFF + 3 * 56;

    syn_init(&s);
    uint8_t *hdr = malloc(table_end);
    memcpy(hdr, s.buf, table_end);
    CHECK_ERR(elf_open_headers(&img, hdr, table_end, s.size, USER_LO, USER_HI), ELF_OK);
    CHECK(img.size == s.size && img.hdr_size == table_end && img.load_count == 2);
    CHECK_ERR(elf_load_segment(&img, 1, &seg), ELF_OK);
    CHECK(seg.offset == 0x2000 && seg.filesz == 0x10);       /* past the headers: fine */
    CHECK_ERR(elf_open_headers(&img, hdr, table_end - 1, s.size, USER_LO, USER_HI), ELF_ERR_PHDR);
    CHECK(img.load_count == 0);
    CHECK_ERR(elf_open_headers(&img, hdr, 63, s.size, USER_LO, USER_HI), ELF_ERR_TRUNCATED);
    /* The segments are checked against the file's size, not the headers'. */
    CHECK_ERR(elf_open_headers(&img, hdr, table_end, 0x2010 - 1, USER_LO, USER_HI), ELF_ERR_SEGMENT);
    CHECK_ERR(elf_open_headers(&img, hdr, table_end, table_end - 1, USER_LO, USER_HI),
              ELF_ERR_TRUNCATED);                              /* more headers than file */
    free(hdr);
}

static void test_synth_ignored(void)
{
    struct synth s;
    struct elf_image img;

    /* Non-LOAD headers are not interpreted, however odd. */
    syn_init(&s);
    syn_phdr(&s, SYN_STACK, PT_NOTE, PF_R, UINT64_MAX, KERNEL_VA, UINT64_MAX, 1, 3);
    CHECK_ERR(syn_open(&s), ELF_OK);
    syn_phdr(&s, SYN_STACK, 0x70000003 /* PT_RISCV_ATTRIBUTES */, PF_R, 0x7ffff, 0, 0x1000, 0, 1);
    CHECK_ERR(syn_open(&s), ELF_OK);

    /* An empty PT_LOAD is skipped, wherever it claims to be. */
    syn_init(&s);
    syn_phdr(&s, SYN_STACK, PT_LOAD, PF_R | PF_W | PF_X, 0x12345, KERNEL_VA + 1, 0, 0, 3);
    CHECK_ERR(open_copy(s.buf, s.size, USER_LO, USER_HI, &img), ELF_OK);
    CHECK_EQ(elf_load_count(&img), 2);
    CHECK_EQ(img.phnum, 3);
    /* ... but a non-empty file part still needs memory. */
    syn_set(&s, SYN_STACK, P_FILESZ, 1);
    CHECK_ERR(syn_open(&s), ELF_ERR_SEGMENT);

    /* A bss-only segment reads no file bytes: its offset is not range-checked. */
    syn_init(&s);
    syn_phdr(&s, SYN_STACK, PT_LOAD, PF_R | PF_W, 0x7ff000, 0x20000, 0, 0x3000, 0x1000);
    CHECK_ERR(open_copy(s.buf, s.size, USER_LO, USER_HI, &img), ELF_OK);
    CHECK_EQ(elf_load_count(&img), 3);
    CHECK_EQ(img.load[2].offset, 0); /* normalised: data + offset stays valid */
    CHECK_EQ(img.hi, 0x23000);

    /* Only PT_LOAD headers that are empty: nothing to load. */
    syn_init(&s);
    syn_set(&s, SYN_TEXT, P_TYPE, PT_NOTE);
    syn_set(&s, SYN_DATA, P_FILESZ, 0);
    syn_set(&s, SYN_DATA, P_MEMSZ, 0);
    CHECK_ERR(syn_open(&s), ELF_ERR_NOLOAD);
    syn_init(&s);
    syn_set(&s, SYN_TEXT, P_TYPE, 0);
    syn_set(&s, SYN_DATA, P_TYPE, 0x60000000);
    CHECK_ERR(syn_open(&s), ELF_ERR_NOLOAD);
}

static void test_synth_segment(void)
{
    struct synth s;

    syn_init(&s);
    syn_set(&s, SYN_DATA, P_FILESZ, 0x2001); /* > memsz 0x2000 */
    CHECK_ERR(syn_open(&s), ELF_ERR_SEGMENT);

    /* File bytes end exactly at EOF (base); one past: rejected. */
    syn_init(&s);
    syn_set(&s, SYN_DATA, P_FILESZ, 0x11);
    CHECK_ERR(syn_open(&s), ELF_ERR_SEGMENT);
    syn_init(&s);
    s.size--;
    CHECK_ERR(syn_open(&s), ELF_ERR_SEGMENT);

    /* offset + filesz wraps. */
    syn_init(&s);
    syn_set(&s, SYN_DATA, P_OFFSET, 0xfffffffffffff000ull);
    syn_set(&s, SYN_DATA, P_FILESZ, 0x1010);
    CHECK_ERR(syn_open(&s), ELF_ERR_SEGMENT);

    /* vaddr + memsz wraps. */
    syn_init(&s);
    syn_set(&s, SYN_DATA, P_VADDR, 0xfffffffffffff000ull);
    CHECK_ERR(syn_open(&s), ELF_ERR_SEGMENT);
    /* vaddr + memsz fits, rounding the end up to a page does not. */
    syn_init(&s);
    syn_set(&s, SYN_DATA, P_VADDR, 0xfffffffffffff000ull);
    syn_set(&s, SYN_DATA, P_MEMSZ, 0xfff);
    CHECK_ERR(syn_open(&s), ELF_ERR_SEGMENT);
    /* Huge sizes. */
    syn_init(&s);
    syn_set(&s, SYN_DATA, P_MEMSZ, UINT64_MAX);
    CHECK_ERR(syn_open(&s), ELF_ERR_SEGMENT);
    syn_init(&s);
    syn_set(&s, SYN_DATA, P_MEMSZ, UINT64_MAX - 0x11000);
    CHECK_ERR(syn_open(&s), ELF_ERR_SEGMENT);
}

static void test_synth_range(void)
{
    struct synth s;

    /* Kernel half. */
    syn_init(&s);
    syn_set(&s, SYN_DATA, P_VADDR, KERNEL_VA);
    CHECK_ERR(syn_open(&s), ELF_ERR_RANGE);
    syn_init(&s);
    syn_set(&s, SYN_DATA, P_VADDR, 0xfffffffffff00000ull);
    CHECK_ERR(syn_open(&s), ELF_ERR_RANGE);
    /* Just above, straddling, and just below the top of the user window. */
    syn_init(&s);
    syn_set(&s, SYN_DATA, P_VADDR, USER_HI);
    CHECK_ERR(syn_open(&s), ELF_ERR_RANGE);
    syn_init(&s);
    syn_set(&s, SYN_DATA, P_VADDR, USER_HI - 0x1000);
    CHECK_ERR(syn_open(&s), ELF_ERR_RANGE);
    syn_init(&s);
    syn_set(&s, SYN_DATA, P_VADDR, USER_HI - 0x2000);
    CHECK_ERR(syn_open(&s), ELF_OK);
    /* Page 0 is below the window. */
    syn_init(&s);
    syn_set(&s, SYN_DATA, P_VADDR, 0);
    CHECK_ERR(syn_open(&s), ELF_ERR_RANGE);

    /* The window is checked in whole pages: the extent is [0x10000, 0x13000). */
    struct elf_image img;
    syn_init(&s);
    CHECK_ERR(open_copy(s.buf, s.size, 0x10000, 0x13000, &img), ELF_OK);
    CHECK_ERR(open_copy(s.buf, s.size, 0x10000, 0x12fff, &img), ELF_ERR_RANGE);
    CHECK_ERR(open_copy(s.buf, s.size, 0x10001, 0x13000, &img), ELF_ERR_RANGE);
    CHECK_ERR(open_copy(s.buf, s.size, 0x11000, 0x13000, &img), ELF_ERR_RANGE);
    CHECK_ERR(open_copy(s.buf, s.size, KERNEL_VA, UINT64_MAX, &img), ELF_ERR_RANGE);
    CHECK_ERR(open_copy(s.buf, s.size, 0x13000, 0x10000, &img), ELF_ERR_RANGE);
    CHECK_ERR(open_copy(s.buf, s.size, 0, UINT64_MAX, &img), ELF_OK);
    /* Bytes inside the window but their pages not: still rejected. */
    syn_init(&s);
    syn_set(&s, SYN_DATA, P_MEMSZ, 0x1800);
    CHECK_ERR(open_copy(s.buf, s.size, 0x10000, 0x12800, &img), ELF_ERR_RANGE);
    CHECK_ERR(open_copy(s.buf, s.size, 0x10000, 0x13000, &img), ELF_OK);
    syn_init(&s);
    syn_set(&s, SYN_TEXT, P_VADDR, 0x10100);
    syn_set(&s, SYN_TEXT, P_OFFSET, 0x1100);
    syn_set_entry(&s, 0x10100);
    CHECK_ERR(open_copy(s.buf, s.size, 0x10001, 0x13000, &img), ELF_ERR_RANGE);
    CHECK_ERR(open_copy(s.buf, s.size, 0x10000, 0x13000, &img), ELF_OK);
}

static void test_synth_overlap(void)
{
    struct synth s;

    syn_init(&s);
    syn_set(&s, SYN_DATA, P_VADDR, 0x10000); /* same bytes */
    CHECK_ERR(syn_open(&s), ELF_ERR_OVERLAP);
    /* No common byte, but a common page. */
    syn_init(&s);
    syn_phdr(&s, SYN_DATA, PT_LOAD, PF_R | PF_W, 0x1800, 0x10800, 0x10, 0x100, 0x800);
    CHECK_ERR(syn_open(&s), ELF_ERR_OVERLAP);
    /* Data below text, its last page being text's first. */
    syn_init(&s);
    syn_phdr(&s, SYN_DATA, PT_LOAD, PF_R | PF_W, 0x2000, 0xe000, 0x10, 0x2001, 0x1000);
    CHECK_ERR(syn_open(&s), ELF_ERR_OVERLAP);
    syn_set(&s, SYN_DATA, P_MEMSZ, 0x2000); /* now ends where text starts */
    CHECK_ERR(syn_open(&s), ELF_OK);
    /* One segment inside another. */
    syn_init(&s);
    syn_phdr(&s, SYN_STACK, PT_LOAD, PF_R, 0x2000, 0x12000, 0x10, 0x10, 0x1000);
    CHECK_ERR(syn_open(&s), ELF_ERR_OVERLAP);
}

static void test_synth_align(void)
{
    struct synth s;

    syn_init(&s);
    syn_set(&s, SYN_DATA, P_VADDR, 0x11800); /* offset 0x2000: off by half a page */
    CHECK_ERR(syn_open(&s), ELF_ERR_ALIGN);
    /* Page congruence is required even when p_align asks for less. */
    syn_set(&s, SYN_DATA, P_ALIGN, 16);
    CHECK_ERR(syn_open(&s), ELF_ERR_ALIGN);
    syn_set(&s, SYN_DATA, P_ALIGN, 0);
    CHECK_ERR(syn_open(&s), ELF_ERR_ALIGN);

    static const uint64_t bad_align[] = { 3, 0x3000, 0x1001, UINT64_MAX, 0x8000000000000001ull };
    for (size_t i = 0; i < sizeof bad_align / sizeof bad_align[0]; i++) {
        syn_init(&s);
        syn_set(&s, SYN_DATA, P_ALIGN, bad_align[i]);
        CHECK_ERR(syn_open(&s), ELF_ERR_ALIGN);
    }
    static const uint64_t ok_align[] = { 0, 1, 2, 16, 0x800, 0x1000 };
    for (size_t i = 0; i < sizeof ok_align / sizeof ok_align[0]; i++) {
        syn_init(&s);
        syn_set(&s, SYN_DATA, P_ALIGN, ok_align[i]);
        CHECK_ERR(syn_open(&s), ELF_OK);
    }
    /* Page-congruent, but not congruent modulo a larger p_align. */
    syn_init(&s);
    syn_set(&s, SYN_DATA, P_VADDR, 0x21000);
    syn_set(&s, SYN_DATA, P_ALIGN, 0x10000);
    CHECK_ERR(syn_open(&s), ELF_ERR_ALIGN);
    syn_set(&s, SYN_DATA, P_VADDR, 0x22000);
    CHECK_ERR(syn_open(&s), ELF_OK);
    syn_set(&s, SYN_DATA, P_ALIGN, 0x8000000000000000ull);
    CHECK_ERR(syn_open(&s), ELF_ERR_ALIGN);
}

static void test_synth_entry(void)
{
    struct synth s;

    static const uint64_t ok_rvc[] = { 0x10000, 0x10002, 0x100fe };
    for (size_t i = 0; i < sizeof ok_rvc / sizeof ok_rvc[0]; i++) {
        syn_init(&s);
        syn_set_entry(&s, ok_rvc[i]);
        CHECK_ERR(syn_open(&s), ELF_OK);
    }
    static const uint64_t bad[] = {
        0, 0xfffe, 0x10001, 0x100ff, 0x10100 /* one past text */,
        0x11000 /* RW data */, 0x11008, 0x12000 /* data bss */, KERNEL_VA, UINT64_MAX - 1,
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        syn_init(&s);
        syn_set_entry(&s, bad[i]);
        CHECK_ERR(syn_open(&s), ELF_ERR_ENTRY);
    }
    /* Without RVC instructions are 4-byte aligned (RISC-V psABI e_flags). */
    syn_init(&s);
    put_le(s.buf, 48, 0x4 /* double-float ABI, no RVC */, 4);
    syn_set_entry(&s, 0x10002);
    CHECK_ERR(syn_open(&s), ELF_ERR_ENTRY);
    syn_set_entry(&s, 0x10004);
    CHECK_ERR(syn_open(&s), ELF_OK);
    /* Executable but zero-filled (beyond filesz): nothing to run there. */
    syn_init(&s);
    syn_set(&s, SYN_TEXT, P_MEMSZ, 0x1000);
    syn_set_entry(&s, 0x10100);
    CHECK_ERR(syn_open(&s), ELF_ERR_ENTRY);
    /* Entry in a segment that lost its X flag. */
    syn_init(&s);
    syn_set(&s, SYN_TEXT, P_FLAGS, PF_R);
    CHECK_ERR(syn_open(&s), ELF_ERR_ENTRY);
    /* Entry in an executable segment that is not the first one. */
    syn_init(&s);
    syn_set(&s, SYN_DATA, P_FLAGS, PF_R | PF_X);
    syn_set_entry(&s, 0x11004);
    CHECK_ERR(syn_open(&s), ELF_OK);
}

static void test_synth_many(void)
{
    struct synth s;
    struct elf_image img;

    /* n one-page segments at 0x10000, 0x12000, ...; the first is RX. */
    for (unsigned n = 1; n <= ELF_MAX_LOAD + 2; n++) {
        syn_init(&s);
        for (unsigned i = 0; i < n; i++)
            syn_phdr(&s, i, PT_LOAD, i ? PF_R | PF_W : PF_R | PF_X, 0x1000,
                     0x10000 + 0x2000ull * i, 0x100, 0x100, 0x1000);
        syn_set_phnum(&s, n);
        int want = n <= ELF_MAX_LOAD ? ELF_OK : ELF_ERR_TOO_MANY;
        CHECK_ERR(open_copy(s.buf, s.size, USER_LO, USER_HI, &img), want);
        if (want == ELF_OK) {
            CHECK_EQ(elf_load_count(&img), n);
            CHECK_EQ(img.hi, 0x11000 + 0x2000ull * (n - 1));
        }
        /* Empty PT_LOADs do not count towards the limit. */
        if (n == ELF_MAX_LOAD + 1) {
            syn_set(&s, 5, P_FILESZ, 0);
            syn_set(&s, 5, P_MEMSZ, 0);
            CHECK_ERR(open_copy(s.buf, s.size, USER_LO, USER_HI, &img), ELF_OK);
            CHECK_EQ(elf_load_count(&img), ELF_MAX_LOAD);
        }
    }
}

static void test_strerror(void)
{
    for (int i = 0; i < ELF_ERR_COUNT; i++) {
        const char *m = elf_strerror(i);
        CHECK(m != NULL && m[0] != '\0');
        CHECK(strcmp(m, elf_strerror(ELF_ERR_COUNT)) != 0);
        for (int j = 0; j < i; j++)
            CHECK(strcmp(m, elf_strerror(j)) != 0);
    }
    CHECK(strcmp(elf_strerror(-1), "unknown error") == 0);
    CHECK(strcmp(elf_strerror(ELF_ERR_COUNT), "unknown error") == 0);
}

static int run_synth(void)
{
    test_synth_base();
    test_synth_header();
    test_synth_phdr_table();
    test_synth_headers_only();
    test_synth_ignored();
    test_synth_segment();
    test_synth_range();
    test_synth_overlap();
    test_synth_align();
    test_synth_entry();
    test_synth_many();
    test_strerror();
    return 0;
}

/* ---- real images --------------------------------------------------------- */

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            perror("malloc");
            exit(2);
        }
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    fclose(f);
    *len = n;
    return buf;
}

/* What `readelf -hlW` says; written at build time next to each image. */
struct expect {
    uint64_t entry;
    uint64_t flags;
    unsigned phnum;
    unsigned nload;
    struct {
        uint64_t offset, vaddr, filesz, memsz, align;
        bool r, w, x;
    } load[32];
};

static void parse_readelf(const char *path, struct expect *e)
{
    FILE *f = fopen(path, "r");
    char line[512];
    bool have_entry = false, have_flags = false, have_phnum = false;

    if (!f) {
        perror(path);
        exit(2);
    }
    memset(e, 0, sizeof *e);
    while (fgets(line, sizeof line, f)) {
        uint64_t off, va, pa, fsz, msz;
        int n = 0;
        if (sscanf(line, " Entry point address: %" SCNx64, &e->entry) == 1)
            have_entry = true;
        else if (sscanf(line, " Flags: %" SCNx64, &e->flags) == 1)
            have_flags = true;
        else if (sscanf(line, " Number of program headers: %u", &e->phnum) == 1)
            have_phnum = true;
        else if (sscanf(line, " LOAD %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64 "%n",
                        &off, &va, &pa, &fsz, &msz, &n) == 5 && n > 0) {
            /* Then " Flg Align": Flg is three columns, e.g. "R E" or "RW ". */
            const char *flg = line + n + 1;
            if (e->nload >= 32 || strlen(flg) < 5) {
                fprintf(stderr, "%s: cannot parse: %s", path, line);
                exit(2);
            }
            e->load[e->nload].offset = off;
            e->load[e->nload].vaddr = va;
            e->load[e->nload].filesz = fsz;
            e->load[e->nload].memsz = msz;
            e->load[e->nload].r = flg[0] == 'R';
            e->load[e->nload].w = flg[1] == 'W';
            e->load[e->nload].x = flg[2] == 'E';
            e->load[e->nload].align = strtoull(flg + 3, NULL, 16);
            e->nload++;
        }
    }
    fclose(f);
    if (!have_entry || !have_flags || !have_phnum || e->nload == 0) {
        fprintf(stderr, "%s: not readelf -hlW output\n", path);
        exit(2);
    }
}

/* Does the file part of a segment contain these bytes? */
static bool seg_has(const struct elf_image *img, const struct elf_segment *s,
                    const void *needle, size_t n)
{
    for (uint64_t i = 0; i + n <= s->filesz; i++)
        if (memcmp(img->data + s->offset + i, needle, n) == 0)
            return true;
    return false;
}

static void check_against_readelf(const struct elf_image *img, const struct expect *e)
{
    uint64_t lo = UINT64_MAX, hi = 0, elo, ehi;
    unsigned k = 0;

    CHECK_EQ(img->entry, e->entry);
    CHECK_EQ(img->flags, e->flags);
    CHECK_EQ(img->phnum, e->phnum);
    for (unsigned i = 0; i < e->nload; i++) {
        struct elf_segment s;
        if (e->load[i].memsz == 0)
            continue; /* the library skips those */
        CHECK_ERR(elf_load_segment(img, k, &s), ELF_OK);
        CHECK_EQ(s.vaddr, e->load[i].vaddr);
        CHECK_EQ(s.memsz, e->load[i].memsz);
        CHECK_EQ(s.filesz, e->load[i].filesz);
        if (s.filesz)
            CHECK_EQ(s.offset, e->load[i].offset);
        CHECK(s.r == e->load[i].r && s.w == e->load[i].w && s.x == e->load[i].x);
        if (page_down(s.vaddr) < lo)
            lo = page_down(s.vaddr);
        if (page_up(s.vaddr + s.memsz) > hi)
            hi = page_up(s.vaddr + s.memsz);
        k++;
    }
    CHECK_EQ(elf_load_count(img), k);
    elf_extent(img, &elo, &ehi);
    CHECK_EQ(elo, lo);
    CHECK_EQ(ehi, hi);
}

/* Facts of rv_prog.c and of how CMakeLists.txt links it. */
static void check_known_facts(const struct elf_image *img, const char *kind)
{
    static const char message[] = "libelf test image";
    static const uint8_t counter[4] = { 0xcd, 0xab, 0x34, 0x12 }; /* 0x1234abcd LE */
    struct elf_segment s[ELF_MAX_LOAD];
    unsigned n = elf_load_count(img);
    int text = -1, ro = -1, rw = -1;

    for (unsigned i = 0; i < n && i < ELF_MAX_LOAD; i++) {
        CHECK_ERR(elf_load_segment(img, i, &s[i]), ELF_OK);
        if (s[i].x && text < 0)
            text = (int)i;
        else if (!s[i].w && ro < 0)
            ro = (int)i;
        else if (s[i].w && rw < 0)
            rw = (int)i;
        CHECK(!(s[i].w && s[i].x));
    }
    CHECK(text >= 0 && rw >= 0);
    if (text < 0 || rw < 0)
        return;
    /* The writable segment holds the initialised counter, then bss. */
    CHECK(seg_has(img, &s[rw], counter, sizeof counter));
    CHECK(s[rw].memsz >= s[rw].filesz + 512 * 8);
    CHECK(!seg_has(img, &s[rw], message, sizeof message));

    if (strcmp(kind, "script") == 0) {
        /* rv_prog.ld: RX at 4 MiB, then R and RW on the next pages. */
        CHECK_EQ(n, 3);
        CHECK(ro >= 0);
        if (ro < 0)
            return;
        CHECK_EQ(s[text].vaddr, 0x400000);
        CHECK_EQ(s[ro].vaddr, 0x401000);
        CHECK_EQ(s[rw].vaddr, 0x402000);
        CHECK(s[text].r && !s[text].w && s[text].x);
        CHECK(s[ro].r && !s[ro].w && !s[ro].x);
        CHECK(s[rw].r && s[rw].w && !s[rw].x);
        CHECK(seg_has(img, &s[ro], message, sizeof message));
        CHECK(!seg_has(img, &s[text], message, sizeof message));
        CHECK(img->entry >= 0x400000 && img->entry < 0x400000 + s[text].filesz);
        CHECK_EQ(img->flags & 0x7, 0x5); /* RVC, double-float ABI */
        CHECK_EQ(img->phnum, 6);         /* 3 LOAD, NOTE, GNU_STACK, RISCV_ATTRIBUTES */
    } else {
        /* gcc's default script with -Ttext=0x10000: .rodata joins .text. */
        CHECK_EQ(n, 2);
        CHECK_EQ(img->entry, 0x10000);
        CHECK(seg_has(img, &s[text], message, sizeof message));
        CHECK_EQ(s[text].offset, 0); /* the default script maps the ELF header too */
        CHECK(img->data[s[text].offset] == 0x7f);
        if (strcmp(kind, "default") == 0)
            CHECK_EQ(img->flags & 0x7, 0x1); /* RVC, soft-float */
        else
            CHECK_EQ(img->flags & 0x7, 0x0); /* norvc: no RVC, soft-float */
    }
}

/* Overwrite field `at` (n bytes) of a copy and expect `want`. */
static void mutate_expect(const uint8_t *img, size_t size, size_t at, unsigned n,
                          uint64_t v, int want, int line)
{
    uint8_t *copy = malloc(size);
    struct elf_image out;
    memcpy(copy, img, size);
    put_le(copy, at, v, n);
    int got = open_copy(copy, size, USER_LO, USER_HI, &out);
    if (got != want) {
        fprintf(stderr, "%s:%d: field @%zu := 0x%" PRIx64 ": got %d (%s), want %d (%s)\n",
                __FILE__, line, at, v, got, elf_strerror(got), want, elf_strerror(want));
        failures++;
    }
    free(copy);
}
#define MUTATE(at, n, v, want) mutate_expect(buf, size, (at), (n), (v), (want), __LINE__)

static int run_real(const char *path, const char *readelf_path, const char *kind)
{
    size_t size;
    uint8_t *file = read_file(path, &size);
    struct expect e;
    struct elf_image img;
    uint64_t lo, hi;

    parse_readelf(readelf_path, &e);

    struct blob b = blob_make(file, size, 5);
    CHECK_ERR(elf_open(&img, b.data, size, USER_LO, USER_HI), ELF_OK);
    CHECK(image_sane(&img, USER_LO, USER_HI));
    check_against_readelf(&img, &e);
    check_known_facts(&img, kind);
    elf_extent(&img, &lo, &hi);
    printf("%s: %zu bytes, entry 0x%" PRIx64 ", %u program headers, %u PT_LOAD, extent [0x%" PRIx64
           ", 0x%" PRIx64 ")\n", kind, size, img.entry, img.phnum, elf_load_count(&img), lo, hi);

    /* The extent is exactly the smallest window that accepts the image. */
    struct elf_image tmp;
    CHECK_ERR(open_copy(file, size, lo, hi, &tmp), ELF_OK);
    CHECK_ERR(open_copy(file, size, lo + PAGE, hi, &tmp), ELF_ERR_RANGE);
    CHECK_ERR(open_copy(file, size, lo, hi - PAGE, &tmp), ELF_ERR_RANGE);
    CHECK_ERR(open_copy(file, size, KERNEL_VA, UINT64_MAX, &tmp), ELF_ERR_RANGE);

    /* Every truncation, in an exactly sized buffer. Expected: the header
     * first, then the program header table, then the segments' file bytes;
     * what follows (section headers, symbols) is not needed. */
    uint64_t phoff = get_le(file, 32, 8);
    uint64_t table_end = phoff + 56u * img.phnum;
    uint64_t data_end = 0;
    for (unsigned i = 0; i < elf_load_count(&img); i++)
        if (img.load[i].filesz && img.load[i].offset + img.load[i].filesz > data_end)
            data_end = img.load[i].offset + img.load[i].filesz;
    CHECK(table_end <= data_end && data_end < size);
    unsigned ok_cuts = 0;
    for (size_t len = 0; len < size; len++) {
        int want = len < 64 ? ELF_ERR_TRUNCATED
                 : len < table_end ? ELF_ERR_PHDR
                 : len < data_end ? ELF_ERR_SEGMENT : ELF_OK;
        struct blob t = blob_make(file, len, 1);
        int got = elf_open(&tmp, t.data, len, USER_LO, USER_HI);
        if (got != want) {
            fprintf(stderr, "truncated to %zu: got %d (%s), want %d (%s)\n", len, got,
                    elf_strerror(got), want, elf_strerror(want));
            failures++;
        }
        if (got == ELF_OK) {
            CHECK(image_sane(&tmp, USER_LO, USER_HI));
            ok_cuts++;
        }
        free(t.block);
    }
    printf("%s: %zu truncations checked (%u still loadable: cut after the last segment byte)\n",
           kind, size, ok_cuts);

    /* Single-field defects on the real file. */
    const uint8_t *buf = file;
    MUTATE(0, 1, 0x7e, ELF_ERR_MAGIC);
    MUTATE(4, 1, 1, ELF_ERR_CLASS);          /* ELFCLASS32 */
    MUTATE(5, 1, 2, ELF_ERR_ENDIAN);         /* big-endian */
    MUTATE(6, 1, 0, ELF_ERR_VERSION);
    MUTATE(16, 2, 3, ELF_ERR_TYPE);          /* ET_DYN */
    MUTATE(18, 2, 62, ELF_ERR_MACHINE);      /* EM_X86_64 */
    MUTATE(32, 8, size, ELF_ERR_PHDR);       /* phoff at EOF */
    MUTATE(32, 8, size - 1, ELF_ERR_PHDR);
    MUTATE(32, 8, UINT64_MAX - 8, ELF_ERR_PHDR);
    MUTATE(54, 2, 64, ELF_ERR_PHDR);
    MUTATE(56, 2, 0xffff, ELF_ERR_PHDR);
    MUTATE(24, 8, e.entry + 1, ELF_ERR_ENTRY);
    MUTATE(24, 8, 0, ELF_ERR_ENTRY);

    /* Per-segment defects, on each PT_LOAD of the file in turn. */
    unsigned rw_index = 0, text_index = 0;
    for (unsigned i = 0; i < img.phnum; i++) {
        size_t ph = (size_t)phoff + 56u * i;
        if (get_le(file, ph, 4) != 1 || get_le(file, ph + 40, 8) == 0)
            continue;
        uint64_t va = get_le(file, ph + 16, 8), fsz = get_le(file, ph + 32, 8);
        uint64_t msz = get_le(file, ph + 40, 8), off = get_le(file, ph + 8, 8);
        bool x = get_le(file, ph + 4, 4) & 1;
        if (get_le(file, ph + 4, 4) & 2)
            rw_index = i;
        if (x)
            text_index = i;
        MUTATE(ph + 32, 8, msz + 1, ELF_ERR_SEGMENT);                /* filesz > memsz */
        if (fsz) { /* a bss-only segment has no file range to break */
            MUTATE(ph + 8, 8, size - fsz + 1, ELF_ERR_SEGMENT);      /* past EOF */
            MUTATE(ph + 8, 8, UINT64_MAX - fsz + 2, ELF_ERR_SEGMENT); /* offset + filesz wraps */
        }
        MUTATE(ph + 16, 8, UINT64_MAX - msz + 2, ELF_ERR_SEGMENT);   /* vaddr + memsz wraps */
        MUTATE(ph + 16, 8, KERNEL_VA + (off & (PAGE - 1)), ELF_ERR_RANGE);
        MUTATE(ph + 16, 8, va + 8, ELF_ERR_ALIGN);
        MUTATE(ph + 48, 8, 0x1800, ELF_ERR_ALIGN);
        MUTATE(ph + 4, 4, 0, x ? ELF_ERR_ENTRY : ELF_OK);           /* flags off */
    }
    /* Move the writable segment onto the text's first page. */
    {
        size_t rw = (size_t)phoff + 56u * rw_index, tx = (size_t)phoff + 56u * text_index;
        uint64_t tva = get_le(file, tx + 16, 8), roff = get_le(file, rw + 8, 8);
        MUTATE(rw + 16, 8, page_down(tva) + (roff & (PAGE - 1)), ELF_ERR_OVERLAP);
        MUTATE(tx, 4, 6 /* PT_PHDR */, ELF_ERR_ENTRY); /* text no longer loaded */
    }
    /* Every PT_LOAD turned into a PT_NOTE. */
    {
        uint8_t *copy = malloc(size);
        memcpy(copy, file, size);
        for (unsigned i = 0; i < img.phnum; i++)
            if (get_le(copy, (size_t)phoff + 56u * i, 4) == 1)
                put_le(copy, (size_t)phoff + 56u * i, 4, 4);
        CHECK_ERR(open_copy(copy, size, USER_LO, USER_HI, &tmp), ELF_ERR_NOLOAD);
        free(copy);
    }

    free(b.block);
    free(file);
    return 0;
}

/* ---- fuzz ---------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void) /* xorshift64*: fixed seed -> reproducible runs */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static int run_fuzz(const char *path, uint64_t seed, unsigned iters)
{
    size_t size;
    uint8_t *file = read_file(path, &size);
    uint8_t *work = malloc(size);
    unsigned hist[ELF_ERR_COUNT] = { 0 };
    uint64_t phoff = get_le(file, 32, 8);
    size_t hdr_end = (size_t)phoff + 56u * get_le(file, 56, 2);
    /* Values that sit on the edges the checks care about. */
    const uint64_t edge[] = {
        0, 1, 2, 0xfff, 0x1000, 0x1001, 56, 64, size - 1, size, size + 1,
        USER_LO, USER_HI - PAGE, USER_HI, KERNEL_VA, 0x7fffffffffffffffull,
        0x8000000000000000ull, UINT64_MAX - PAGE, UINT64_MAX - 1, UINT64_MAX,
    };

    rng_state = seed ? seed : 1;
    if (!work || hdr_end > size) {
        fprintf(stderr, "%s: unusable fuzz input\n", path);
        return 2;
    }
    for (unsigned it = 0; it < iters; it++) {
        memcpy(work, file, size);
        unsigned edits = 1 + (unsigned)(rng() % 4);
        for (unsigned k = 0; k < edits; k++) {
            uint64_t r = rng();
            /* Mostly hit the headers: a flip in the symbol table is dull. */
            size_t span = (r & 3) ? hdr_end : size;
            size_t at = (size_t)((r >> 8) % span);
            if ((r >> 2) & 1) {
                work[at] ^= (uint8_t)(1u << ((r >> 4) & 7)); /* one bit */
            } else if (at + 8 <= size) {
                /* An edge value into a naturally aligned 8-byte field. */
                at &= ~(size_t)7;
                put_le(work, at, edge[(r >> 32) % (sizeof edge / sizeof edge[0])], 8);
            } else {
                work[at] = (uint8_t)(r >> 40);
            }
        }
        /* Sometimes also cut the file short. */
        size_t len = (rng() % 8 == 0) ? (size_t)(rng() % (size + 1)) : size;

        struct blob b = blob_make(work, len, 1 + it % 7);
        struct elf_image img;
        int err = elf_open(&img, b.data, len, USER_LO, USER_HI);
        bool ok_code = err >= ELF_OK && err < ELF_ERR_COUNT && err != ELF_ERR_INDEX;
        bool consistent = err == ELF_OK ? image_sane(&img, USER_LO, USER_HI) : image_empty(&img);
        if (!ok_code || !consistent) {
            fprintf(stderr, "fuzz seed %" PRIu64 " iteration %u: result %d (%s), %s\n", seed, it,
                    err, elf_strerror(err), ok_code ? "inconsistent image" : "unknown code");
            failures++;
            free(b.block);
            break;
        }
        hist[err]++;
        free(b.block);
    }

    printf("fuzz %s seed %" PRIu64 ", %u iterations:", path, seed, iters);
    unsigned kinds = 0;
    for (int i = 0; i < ELF_ERR_COUNT; i++) {
        if (hist[i]) {
            printf(" %s=%u", i == ELF_OK ? "OK" : elf_strerror(i), hist[i]);
            kinds++;
        }
    }
    printf("\n");
    /* The fuzz must reach both outcomes and most checks to mean anything. */
    CHECK(hist[ELF_OK] > 0);
    CHECK(kinds >= 10);

    free(work);
    free(file);
    return 0;
}

int main(int argc, char **argv)
{
    int rc;

    if (argc == 2 && strcmp(argv[1], "synth") == 0)
        rc = run_synth();
    else if (argc == 5 && strcmp(argv[1], "real") == 0)
        rc = run_real(argv[2], argv[3], argv[4]);
    else if (argc == 5 && strcmp(argv[1], "fuzz") == 0)
        rc = run_fuzz(argv[2], strtoull(argv[3], NULL, 0), (unsigned)strtoul(argv[4], NULL, 0));
    else if (argc == 2 && strcmp(argv[1], "skip") == 0) {
        printf("riscv64-unknown-elf tools not found: skipped\n");
        return 77;
    } else {
        fprintf(stderr, "usage: %s synth | real IMAGE READELF KIND | fuzz IMAGE SEED ITERS\n",
                argv[0]);
        return 2;
    }
    if (rc)
        return rc;
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("%s: all checks passed\n", argv[1]);
    return 0;
}
