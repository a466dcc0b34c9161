/*
 * Validating ELF64 reader. Layout facts are from the System V ABI (ELF
 * gABI, "Object Files" chapter) and the RISC-V ELF psABI; the code is ours.
 */
#include "elf.h"

/* ELF64 header (gABI): byte offsets of the fields we read. */
#define EH_SIZE       64u
#define EI_CLASS      4u
#define EI_DATA       5u
#define EI_VERSION    6u
#define EH_TYPE       16u
#define EH_MACHINE    18u
#define EH_VERSION    20u
#define EH_ENTRY      24u
#define EH_PHOFF      32u
#define EH_FLAGS      48u
#define EH_PHENTSIZE  54u
#define EH_PHNUM      56u

/* ELF64 program header (gABI): byte offsets and size. */
#define PH_TYPE   0u
#define PH_FLAGS  4u
#define PH_OFFSET 8u
#define PH_VADDR  16u
#define PH_FILESZ 32u
#define PH_MEMSZ  40u
#define PH_ALIGN  48u
#define PH_SIZE   56u

#define ELFCLASS64   2u
#define ELFDATA2LSB  1u
#define EV_CURRENT   1u
#define ET_EXEC      2u
#define EM_RISCV     243u /* RISC-V psABI */
#define PN_XNUM      0xffffu /* real count lives in section header 0; unsupported */
#define PT_LOAD      1u
#define PF_X         1u
#define PF_W         2u
#define PF_R         4u
#define EF_RISCV_RVC 1u /* psABI: 16-bit instruction alignment allowed */

#define PAGE_MASK ((uint64_t)ELF_PAGE_SIZE - 1)

/* Little-endian loads, byte by byte: the blob may be unaligned and the host
 * endianness must not matter. Callers have bounds-checked [off, off + n). */
static uint64_t rd_le(const uint8_t *p, size_t off, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i > 0; i--)
        v = (v << 8) | p[off + i - 1];
    return v;
}

static uint16_t rd16(const uint8_t *p, size_t off) { return (uint16_t)rd_le(p, off, 2); }
static uint32_t rd32(const uint8_t *p, size_t off) { return (uint32_t)rd_le(p, off, 4); }
static uint64_t rd64(const uint8_t *p, size_t off) { return rd_le(p, off, 8); }

/* a + b into *sum; false on wrap-around. */
static bool add_ok(uint64_t a, uint64_t b, uint64_t *sum)
{
    *sum = a + b;
    return *sum >= a;
}

const char *elf_strerror(int err)
{
    switch (err) {
    case ELF_OK:           return "ok";
    case ELF_ERR_TRUNCATED: return "file shorter than the ELF header";
    case ELF_ERR_MAGIC:    return "not an ELF file";
    case ELF_ERR_CLASS:    return "not ELF64";
    case ELF_ERR_ENDIAN:   return "not little-endian";
    case ELF_ERR_VERSION:  return "unknown ELF version";
    case ELF_ERR_TYPE:     return "not an executable (ET_EXEC)";
    case ELF_ERR_MACHINE:  return "not a RISC-V file";
    case ELF_ERR_PHDR:     return "bad program header table";
    case ELF_ERR_SEGMENT:  return "bad segment size or file range";
    case ELF_ERR_RANGE:    return "segment outside the allowed address range";
    case ELF_ERR_OVERLAP:  return "segments share a page";
    case ELF_ERR_ALIGN:    return "bad segment alignment";
    case ELF_ERR_ENTRY:    return "entry point not in executable code";
    case ELF_ERR_NOLOAD:   return "no loadable segment";
    case ELF_ERR_TOO_MANY: return "too many loadable segments";
    case ELF_ERR_INDEX:    return "segment index out of range";
    default:               return "unknown error";
    }
}

static void image_clear(struct elf_image *img)
{
    img->data = NULL;
    img->size = 0;
    img->hdr_size = 0;
    img->entry = 0;
    img->flags = 0;
    img->phnum = 0;
    img->load_count = 0;
    img->lo = 0;
    img->hi = 0;
}

static int check_header(const uint8_t *p, size_t size)
{
    if (size < EH_SIZE)
        return ELF_ERR_TRUNCATED;
    if (p[0] != 0x7f || p[1] != 'E' || p[2] != 'L' || p[3] != 'F')
        return ELF_ERR_MAGIC;
    if (p[EI_CLASS] != ELFCLASS64)
        return ELF_ERR_CLASS;
    if (p[EI_DATA] != ELFDATA2LSB)
        return ELF_ERR_ENDIAN;
    if (p[EI_VERSION] != EV_CURRENT || rd32(p, EH_VERSION) != EV_CURRENT)
        return ELF_ERR_VERSION;
    if (rd16(p, EH_TYPE) != ET_EXEC)
        return ELF_ERR_TYPE;
    if (rd16(p, EH_MACHINE) != EM_RISCV)
        return ELF_ERR_MACHINE;
    return ELF_OK;
}

/*
 * Validate one PT_LOAD header at p + off and, if it is non-empty, append it
 * to img->load. [page_lo, page_hi) is what a loader will map, so the window
 * and overlap checks use whole pages.
 */
static int add_load(struct elf_image *img, size_t off, uint64_t user_lo, uint64_t user_hi)
{
    const uint8_t *p = img->data;
    uint32_t flags = rd32(p, off + PH_FLAGS);
    uint64_t offset = rd64(p, off + PH_OFFSET);
    uint64_t vaddr = rd64(p, off + PH_VADDR);
    uint64_t filesz = rd64(p, off + PH_FILESZ);
    uint64_t memsz = rd64(p, off + PH_MEMSZ);
    uint64_t align = rd64(p, off + PH_ALIGN);
    uint64_t end, file_end, page_lo, page_hi;

    if (filesz > memsz)
        return ELF_ERR_SEGMENT;
    if (memsz == 0)
        return ELF_OK; /* occupies nothing; its other fields are irrelevant */
    /* A bss-only segment reads no file bytes, so only check a real range. */
    if (filesz != 0 && (!add_ok(offset, filesz, &file_end) || file_end > img->size))
        return ELF_ERR_SEGMENT;
    if (!add_ok(vaddr, memsz, &end) || !add_ok(end, PAGE_MASK, &page_hi))
        return ELF_ERR_SEGMENT;
    page_lo = vaddr & ~PAGE_MASK;
    page_hi &= ~PAGE_MASK;

    /* gABI: p_align is 0/1 or a power of two, and vaddr == offset modulo it.
     * We also require page congruence so file pages could be mapped as is. */
    if (align & (align - 1))
        return ELF_ERR_ALIGN;
    if ((vaddr & PAGE_MASK) != (offset & PAGE_MASK))
        return ELF_ERR_ALIGN;
    if (align > 1 && (vaddr & (align - 1)) != (offset & (align - 1)))
        return ELF_ERR_ALIGN;

    if (page_lo < user_lo || page_hi > user_hi)
        return ELF_ERR_RANGE;

    if (img->load_count >= ELF_MAX_LOAD)
        return ELF_ERR_TOO_MANY;
    for (unsigned i = 0; i < img->load_count; i++) {
        const struct elf_segment *s = &img->load[i];
        uint64_t s_lo = s->vaddr & ~PAGE_MASK;
        uint64_t s_hi = (s->vaddr + s->memsz + PAGE_MASK) & ~PAGE_MASK; /* checked when added */
        if (page_lo < s_hi && s_lo < page_hi)
            return ELF_ERR_OVERLAP;
    }

    struct elf_segment *s = &img->load[img->load_count++];
    s->vaddr = vaddr;
    s->memsz = memsz;
    s->filesz = filesz;
    s->offset = filesz != 0 ? offset : 0; /* keep data + offset in bounds for callers */
    s->r = (flags & PF_R) != 0;
    s->w = (flags & PF_W) != 0;
    s->x = (flags & PF_X) != 0;

    if (img->load_count == 1 || page_lo < img->lo)
        img->lo = page_lo;
    if (img->load_count == 1 || page_hi > img->hi)
        img->hi = page_hi;
    return ELF_OK;
}

/* The entry must point at file-backed bytes of an executable segment, at the
 * instruction alignment the file declares (psABI: 2 with RVC, else 4). */
static bool entry_ok(const struct elf_image *img)
{
    uint64_t ialign = (img->flags & EF_RISCV_RVC) ? 2 : 4;

    if (img->entry & (ialign - 1))
        return false;
    for (unsigned i = 0; i < img->load_count; i++) {
        const struct elf_segment *s = &img->load[i];
        if (s->x && img->entry >= s->vaddr && img->entry - s->vaddr < s->filesz)
            return true;
    }
    return false;
}

static int parse(struct elf_image *img, uint64_t user_lo, uint64_t user_hi)
{
    const uint8_t *p = img->data;
    int err = check_header(p, img->hdr_size);
    if (err != ELF_OK)
        return err;

    uint64_t phoff = rd64(p, EH_PHOFF);
    uint16_t phentsize = rd16(p, EH_PHENTSIZE);
    uint16_t phnum = rd16(p, EH_PHNUM);

    img->entry = rd64(p, EH_ENTRY);
    img->flags = rd32(p, EH_FLAGS);
    img->phnum = phnum;

    if (phnum == 0)
        return ELF_ERR_NOLOAD;
    /* The gABI fixes the ELF64 entry size; nothing emits another. */
    if (phentsize != PH_SIZE || phnum == PN_XNUM)
        return ELF_ERR_PHDR;
    /* phnum * PH_SIZE < 2^22, so only the addition can wrap. */
    uint64_t table_end;
    if (!add_ok(phoff, (uint64_t)phnum * PH_SIZE, &table_end) || table_end > img->hdr_size)
        return ELF_ERR_PHDR;

    for (uint16_t i = 0; i < phnum; i++) {
        size_t off = (size_t)phoff + (size_t)i * PH_SIZE;
        if (rd32(p, off + PH_TYPE) != PT_LOAD)
            continue; /* PT_NOTE, PT_GNU_STACK, PT_RISCV_ATTRIBUTES...: not ours */
        err = add_load(img, off, user_lo, user_hi);
        if (err != ELF_OK)
            return err;
    }

    if (img->load_count == 0)
        return ELF_ERR_NOLOAD;
    if (!entry_ok(img))
        return ELF_ERR_ENTRY;
    return ELF_OK;
}

int elf_open(struct elf_image *img, const void *data, size_t size,
             uint64_t user_lo, uint64_t user_hi)
{
    return elf_open_headers(img, data, size, size, user_lo, user_hi);
}

int elf_open_headers(struct elf_image *img, const void *hdr, size_t hdr_size, size_t file_size,
                     uint64_t user_lo, uint64_t user_hi)
{
    image_clear(img);
    if (hdr_size > file_size)
        return ELF_ERR_TRUNCATED;
    img->data = hdr;
    img->hdr_size = hdr_size;
    img->size = file_size;

    int err = parse(img, user_lo, user_hi);
    if (err != ELF_OK)
        image_clear(img);
    return err;
}

unsigned elf_load_count(const struct elf_image *img)
{
    return img->load_count;
}

int elf_load_segment(const struct elf_image *img, unsigned i, struct elf_segment *out)
{
    if (i >= img->load_count)
        return ELF_ERR_INDEX;
    /* Field by field: a struct assignment may become a memcpy() call (-Os),
     * which a freestanding user of this library might not provide. */
    const struct elf_segment *s = &img->load[i];
    out->vaddr = s->vaddr;
    out->memsz = s->memsz;
    out->filesz = s->filesz;
    out->offset = s->offset;
    out->r = s->r;
    out->w = s->w;
    out->x = s->x;
    return ELF_OK;
}

void elf_extent(const struct elf_image *img, uint64_t *lo, uint64_t *hi)
{
    *lo = img->lo;
    *hi = img->hi;
}
