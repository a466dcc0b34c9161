/* Host tests of libs/libplat/poweroff_dt.c: finding the power-off register in device
 * trees (QEMU's real ones and hand-written ones, good and bad), and finding the tree
 * in the boot info's extra chunks, which come from another task and may be wrong. */
#include <plat/poweroff.h>
#include <fdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int checks, fails;
#define EXPECT(cond, ...)                                                        \
    do {                                                                         \
        checks++;                                                                \
        if (!(cond)) {                                                           \
            fails++;                                                             \
            printf("  [FAIL] %s:%d: ", __FILE__, __LINE__);                      \
            printf(__VA_ARGS__);                                                 \
            printf("\n");                                                        \
        }                                                                        \
    } while (0)

/* The whole file in a buffer of exactly its size (ASan sees any read past it). */
static void *load(const char *dir, const char *name, size_t *size)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("  cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = malloc(*size);
    if (fread(buf, 1, *size, f) != *size) exit(2);
    fclose(f);
    return buf;
}

struct tree_case {
    const char *file;
    int err;
    uint64_t paddr;
    uint32_t value;
};

static void tree(const char *dir, const struct tree_case *c)
{
    size_t size;
    void *blob = load(dir, c->file, &size);
    struct plat_poweroff_reg reg = { 0, 0 };
    int err = plat_poweroff_find(blob, size, &reg);
    EXPECT(err == c->err, "%s: error %d, expected %d (%s)", c->file, err, c->err, plat_poweroff_strerror(err));
    if (!c->err && !err)
        EXPECT(reg.paddr == c->paddr && reg.value == c->value, "%s: 0x%x at 0x%llx, expected 0x%x at 0x%llx",
               c->file, reg.value, (unsigned long long)reg.paddr, c->value, (unsigned long long)c->paddr);
    /* Truncations of the tree (QEMU pads its dump: cut below the header's size) are
     * refused as malformed, never read past. */
    size_t total = fdt_header_totalsize(blob);
    if (total > size) total = size;
    size_t step = total / 200 + 1;
    for (size_t n = 0; n < total; n += step) {
        void *cut = malloc(n ? n : 1);
        memcpy(cut, blob, n);
        EXPECT(plat_poweroff_find(cut, n, &reg) == PLAT_POWEROFF_BAD_FDT, "%s cut to %zu bytes", c->file, n);
        free(cut);
    }
    free(blob);
}

/* A boot info page followed by the extra boot info built from chunks. */
struct fake_boot {
    struct k_bootinfo bi;
    uint8_t pad[4096 - sizeof(struct k_bootinfo)];
    uint8_t extra[8192];
};

static void put_chunk(struct fake_boot *b, size_t *off, uint64_t id, uint64_t len, const void *body, size_t n)
{
    struct k_bootinfo_header h = { id, len };
    memcpy(b->extra + *off, &h, sizeof h);
    if (body) memcpy(b->extra + *off + sizeof h, body, n);
    *off += sizeof h + n;
}

static void chunks(const char *dir)
{
    size_t size;
    void *dtb = load(dir, "ok.dtb", &size);
    struct fake_boot *b = calloc(1, sizeof *b);
    const void *fdt;
    uint64_t fdt_size;
    size_t off = 0;

    /* The kernel's layout: one FDT chunk, extra_len exactly its length. */
    put_chunk(b, &off, K_BOOTINFO_HEADER_FDT, 16 + size, dtb, size);
    b->bi.extra_len = off;
    EXPECT(plat_boot_fdt(&b->bi, &fdt, &fdt_size) == 0 && fdt == b->extra + 16 && fdt_size == size, "one FDT chunk");
    /* A padding chunk first is skipped. */
    memset(b->extra, 0, sizeof b->extra);
    off = 0;
    put_chunk(b, &off, K_BOOTINFO_HEADER_PADDING, 48, NULL, 32);
    put_chunk(b, &off, K_BOOTINFO_HEADER_FDT, 16 + size, dtb, size);
    b->bi.extra_len = off;
    EXPECT(plat_boot_fdt(&b->bi, &fdt, &fdt_size) == 0 && fdt == b->extra + 64, "padding, then the FDT");
    struct plat_poweroff_reg reg;
    EXPECT(plat_poweroff_find(fdt, fdt_size, &reg) == 0 && reg.paddr == 0x100010, "the tree found is usable");
    /* No chunks, only padding, a zero length (would loop), a length past the end. */
    b->bi.extra_len = 0;
    EXPECT(plat_boot_fdt(&b->bi, &fdt, &fdt_size) == PLAT_POWEROFF_NO_FDT, "no extra boot info");
    b->bi.extra_len = 48;
    EXPECT(plat_boot_fdt(&b->bi, &fdt, &fdt_size) == PLAT_POWEROFF_NO_FDT, "only padding");
    b->bi.extra_len = 40;
    EXPECT(plat_boot_fdt(&b->bi, &fdt, &fdt_size) == PLAT_POWEROFF_BAD_FDT, "a chunk longer than extra_len");
    memset(b->extra, 0, sizeof b->extra);
    b->bi.extra_len = 4096;
    EXPECT(plat_boot_fdt(&b->bi, &fdt, &fdt_size) == PLAT_POWEROFF_BAD_FDT, "a chunk of length 0");
    off = 0;
    put_chunk(b, &off, K_BOOTINFO_HEADER_FDT, 8, NULL, 0);
    EXPECT(plat_boot_fdt(&b->bi, &fdt, &fdt_size) == PLAT_POWEROFF_BAD_FDT, "a chunk shorter than its header");
    off = 0;
    put_chunk(b, &off, K_BOOTINFO_HEADER_FDT, ~0ull, NULL, 0);
    EXPECT(plat_boot_fdt(&b->bi, &fdt, &fdt_size) == PLAT_POWEROFF_BAD_FDT, "a chunk of length 2^64 - 1");
    /* 8 stray bytes at the end (less than a header) end the walk. */
    off = 0;
    put_chunk(b, &off, K_BOOTINFO_HEADER_PADDING, 16, NULL, 0);
    b->bi.extra_len = 24;
    EXPECT(plat_boot_fdt(&b->bi, &fdt, &fdt_size) == PLAT_POWEROFF_NO_FDT, "a partial header at the end");
    free(b);
    free(dtb);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DTS_DIR [QEMU_DTB_DIR]\n", argv[0]);
        return 2;
    }
    static const struct tree_case cases[] = {
        { "ok.dtb", 0, 0x100010, 0x5555 },
        { "mask.dtb", 0, 0x100000, 0x3333 },
        { "test0_only.dtb", 0, 0x100000, 0x5555 },
        { "disabled.dtb", 0, 0x100000, 0x5555 },   /* falls back to the test device */
        { "none.dtb", PLAT_POWEROFF_NO_DEVICE, 0, 0 },
        { "bad_regmap.dtb", PLAT_POWEROFF_BAD_DEVICE, 0, 0 },
        { "no_regmap.dtb", PLAT_POWEROFF_BAD_DEVICE, 0, 0 },
        { "no_value.dtb", PLAT_POWEROFF_BAD_DEVICE, 0, 0 },
        { "long_value.dtb", PLAT_POWEROFF_BAD_DEVICE, 0, 0 },
        { "offset_out.dtb", PLAT_POWEROFF_BAD_DEVICE, 0, 0 },
        { "offset_end.dtb", 0, 0x100ffc, 0x5555 },
        { "offset_misaligned.dtb", PLAT_POWEROFF_BAD_DEVICE, 0, 0 },
        { "syscon_no_reg.dtb", PLAT_POWEROFF_BAD_DEVICE, 0, 0 },
        { "syscon_disabled.dtb", PLAT_POWEROFF_BAD_DEVICE, 0, 0 },
        { "tiny_reg.dtb", PLAT_POWEROFF_BAD_DEVICE, 0, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) tree(argv[1], &cases[i]);
    chunks(argv[1]);
    if (argc > 2) {
        /* QEMU's own trees: virt has the syscon-poweroff over its test device,
         * sifive_u has no power-off device. */
        static const struct tree_case qemu[] = {
            { "virt.dtb", 0, 0x100000, 0x5555 },
            { "sifive_u.dtb", PLAT_POWEROFF_NO_DEVICE, 0, 0 },
        };
        for (size_t i = 0; i < 2; i++) tree(argv[2], &qemu[i]);
    }
    printf("%d checks, %d failed\n", checks, fails);
    return fails != 0;
}
