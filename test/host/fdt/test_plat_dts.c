/*
 * plat_info_from_fdt semantics on small hand-written trees (the dts directory,
 * compiled by dtc at build time): the full feature set, fallbacks, and
 * one file per error path.
 *
 * usage: test_plat_dts <dir with the compiled .dtb files>
 */
#include "fdt_test.h"

static const char *dir;

static uint8_t *load(const char *name, size_t *size)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s.dtb", dir, name);
    return t_load_dtb(p, size);
}

static int run(const char *name, struct plat_info *pi)
{
    size_t n;
    uint8_t *b = load(name, &n);
    int r = plat_info_from_fdt(b, n, pi);
    free(b);
    return r;
}

#define REGION(r, b, s, what)                                                          \
    EXPECT((r).base == (b) && (r).size == (s), "%s = [0x%llx, +0x%llx] (got [0x%llx, +0x%llx])", \
           what, (unsigned long long)(b), (unsigned long long)(s),                     \
           (unsigned long long)(r).base, (unsigned long long)(r).size)

static void check_full(const char *name)
{
    struct plat_info pi;
    char sec[64];
    snprintf(sec, sizeof sec, "%s: full feature tree", name);
    t_section(sec);
    EXPECT_ERR(run(name, &pi), FDT_OK, "plat_info_from_fdt");
    EXPECT_STR(pi.model, "A deliberately long model string that does not fit in sixty-fou",
               "model cut to 63 chars");
    EXPECT(pi.model_truncated, "model_truncated set");
    EXPECT_U64(pi.n_mem, 4, "n_mem (disabled memory node skipped; 'memory' and "
                            "device_type-only nodes counted)");
    REGION(pi.mem[0], 0x80000000, 0x1000000, "mem[0]");
    REGION(pi.mem[1], 0x90000000, 0x2000000, "mem[1] (second reg entry)");
    REGION(pi.mem[2], 0xc0000000, 0x100000, "mem[2] (node 'memory' without unit address)");
    REGION(pi.mem[3], 0xd0000000, 0x1000, "mem[3] (ram@ with device_type memory)");
    EXPECT_U64(pi.n_reserved, 5, "n_reserved = 2 memreserve + 3 reserved-memory reg entries");
    REGION(pi.reserved[0], 0x80000000, 0x20000, "reserved[0] (/memreserve/)");
    REGION(pi.reserved[1], 0x87f00000, 0x100000, "reserved[1] (/memreserve/)");
    REGION(pi.reserved[2], 0x80000000, 0x40000, "reserved[2] (fw@, 2+2 cells)");
    REGION(pi.reserved[3], 0x100000000, 0x1000, "reserved[3] (above 4 GiB)");
    REGION(pi.reserved[4], 0x100010000, 0x2000, "reserved[4] (second entry)");
    EXPECT(pi.uart.present, "uart present");
    EXPECT_STR(pi.uart.compatible, "ns16550a", "uart compatible (second in its list)");
    EXPECT_U64(pi.uart.base, 0x20000, "uart = alias serial0 target, not the first UART");
    EXPECT_U64(pi.uart.size, 0x100, "uart size");
    EXPECT_U64(pi.uart.irq, 7, "uart irq");
    EXPECT_U64(pi.uart.reg_shift, 2, "uart reg-shift");
    EXPECT_U64(pi.uart.reg_io_width, 4, "uart reg-io-width");
    EXPECT_U64(pi.uart.clock_hz, 50000000, "uart clock-frequency");
    EXPECT(pi.plic.present, "plic present (riscv,plic0 second in list)");
    REGION(pi.plic, 0xc000000, 0x4000000, "plic reg");
    EXPECT_U64(pi.plic.ndev, 31, "plic ndev");
    EXPECT(pi.clint.present, "clint present");
    REGION(pi.clint, 0x2000000, 0x10000, "clint reg");
    EXPECT_U64(pi.timebase_hz, 25000000, "timebase (64-bit property)");
    EXPECT_U64(pi.n_harts, 4, "n_harts (cpu-map ignored)");
    static const struct { uint32_t id; bool s, en; int32_t ctx; } h[4] = {
        {0, false, true, -1}, {1, true, true, 2}, {5, true, false, 4}, {6, false, true, 6}};
    for (unsigned i = 0; i < 4; i++)
        EXPECT(pi.harts[i].hartid == h[i].id && pi.harts[i].s_mode == h[i].s &&
                   pi.harts[i].enabled == h[i].en && pi.plic.s_context[i] == h[i].ctx,
               "harts[%u]: id %u s_mode %d enabled %d, S context %d (got id %u %d %d ctx %d)",
               i, h[i].id, h[i].s, h[i].en, h[i].ctx, pi.harts[i].hartid, pi.harts[i].s_mode,
               pi.harts[i].enabled, pi.plic.s_context[i]);
    EXPECT_U64(pi.n_virtio, 3, "n_virtio (disabled one skipped)");
    static const uint32_t vb[3] = {0x2f000, 0x30000, 0x32000}, vi[3] = {11, 12, 14};
    for (unsigned i = 0; i < 3; i++)
        EXPECT(pi.virtio[i].base == vb[i] && pi.virtio[i].size == 0x200 && pi.virtio[i].irq == vi[i],
               "virtio[%u] @0x%x irq %u (sorted by address)", i, vb[i], vi[i]);
    REGION(pi.initrd, 0x84000000, 0x1200, "initrd (/chosen linux,initrd-start/-end, 2 and 1 cells)");
    EXPECT(pi.bootargs_truncated && strlen(pi.bootargs) == 127 &&
               strncmp(pi.bootargs, "console=hvc0 earlycon=sbi", 25) == 0,
           "bootargs cut to 127 chars, bootargs_truncated set");
}

static void check_reader_full(void)
{
    size_t n;
    uint8_t *b = load("full", &n);
    uint64_t a, s;
    t_section("full: reader on hand-written tree");
    EXPECT_ERR(fdt_check(b, n), FDT_OK, "fdt_check");
    EXPECT_U64(fdt_num_rsv(b), 2, "fdt_num_rsv");
    EXPECT(fdt_get_rsv(b, 1, &a, &s) == FDT_OK && a == 0x87f00000 && s == 0x100000,
           "fdt_get_rsv(1)");
    EXPECT_ERR(fdt_get_rsv(b, 2, &a, &s), FDT_ERR_NOT_FOUND, "fdt_get_rsv(2) past the end");
    EXPECT_ERR(fdt_get_rsv(b, -1, &a, &s), FDT_ERR_BAD_ARG, "fdt_get_rsv(-1)");
    EXPECT_U64(fdt_path_offset(b, "serial0"), fdt_path_offset(b, "/soc/uart@20000"),
               "alias serial0");
    EXPECT_ERR(fdt_path_offset(b, "/memory@90000000"), FDT_ERR_NOT_FOUND,
               "unit address must match exactly");
    int rm = fdt_path_offset(b, "/reserved-memory/two");
    EXPECT_U64(fdt_reg_count(b, rm), 2, "reg_count with 2+2 cells");
    EXPECT(fdt_reg(b, rm, 1, &a, &s) == FDT_OK && a == 0x100010000 && s == 0x2000,
           "64-bit reg entry decoded");
    EXPECT_ERR(fdt_reg(b, fdt_path_offset(b, "/reserved-memory/dynamic"), 0, &a, &s),
               FDT_ERR_NOT_FOUND, "node without reg");
    EXPECT(!fdt_node_available(b, fdt_path_offset(b, "/cpus/cpu@5")), "status disabled");
    EXPECT(fdt_node_available(b, fdt_path_offset(b, "/cpus/cpu@0")), "status okay");
    const char *list = "a\0bb\0ccc";
    EXPECT(fdt_strlist_contains(list, 9, "ccc") && fdt_strlist_contains(list, 9, "bb") &&
               !fdt_strlist_contains(list, 9, "b") && !fdt_strlist_contains(list, 9, "") &&
               !fdt_strlist_contains(list, 4, "ccc"),
           "fdt_strlist_contains: whole entries only, within len");
    uint64_t v;
    uint8_t cells[16] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3};
    EXPECT(fdt_read_cells(cells, 3, &v) == FDT_OK && v == 0x100000002ull,
           "3 cells with a zero top cell fit");
    EXPECT_ERR(fdt_read_cells(cells + 4, 3, &v), FDT_ERR_BAD_VALUE, "3 cells overflowing 64 bits");
    EXPECT_ERR(fdt_read_cells(cells, 5, &v), FDT_ERR_BAD_VALUE, "5 cells");
    free(b);
}

static void check_small(void)
{
    struct plat_info pi;
    t_section("fallback_uart: stdout-path names no node");
    EXPECT_ERR(run("fallback_uart", &pi), FDT_OK, "plat_info_from_fdt");
    EXPECT(pi.uart.present && pi.uart.base == 0x2000 && pi.uart.irq == 5,
           "first available supported UART (@0x2000, irq 5; disabled @0x1000 skipped)");
    EXPECT_STR(pi.uart.compatible, "sifive,uart0", "uart compatible");
    EXPECT_U64(pi.uart.reg_io_width, 1, "reg-io-width default 1");
    EXPECT_U64(pi.timebase_hz, 1000000, "timebase from the cpu node");
    EXPECT(pi.model[0] == 0 && !pi.model_truncated, "no model -> empty");
    EXPECT(!pi.plic.present && !pi.clint.present, "no plic, no clint");
    EXPECT(pi.n_harts == 1 && pi.plic.s_context[0] == -1, "1 hart, no S context");
    EXPECT(pi.n_mem == 0 && pi.n_reserved == 0 && pi.n_virtio == 0, "no memory/reserved/virtio");
    EXPECT(pi.initrd.base == 0 && pi.initrd.size == 0, "no initrd");

    t_section("empty_initrd: start == end");
    EXPECT_ERR(run("empty_initrd", &pi), FDT_OK, "plat_info_from_fdt");
    EXPECT(pi.initrd.size == 0, "an empty initrd is none");

    t_section("stdout_path_opts: full path with :options");
    EXPECT_ERR(run("stdout_path_opts", &pi), FDT_OK, "plat_info_from_fdt");
    EXPECT(pi.uart.base == 0x3000 && pi.uart.irq == 6, "uart @0x3000 irq 6");
    EXPECT_STR(pi.uart.compatible, "ns16550a", "uart compatible");
}

/* Hart discovery for multicore (docs/smp.md) on the FU740 (HiFive Unmatched): the S7
 * monitor core (hart 0, no mmu-type) is left out, the four U74s (harts 1-4) run the
 * kernel, numbered from the boot hart. */
static void check_fu740(void)
{
    struct plat_info pi;
    t_section("fu740: the four U74s run the kernel, the S7 does not");
    EXPECT_ERR(run("fu740", &pi), FDT_OK, "plat_info_from_fdt");
    EXPECT_U64(pi.n_harts, 5, "five cpu nodes");
    EXPECT(!pi.harts[0].s_mode, "hart 0 (S7, no mmu-type) has no S-mode");
    for (unsigned h = 1; h < 5; h++) EXPECT(pi.harts[h].s_mode && pi.harts[h].enabled, "U74 %u has S-mode", h);
    uint32_t ids[8];
    unsigned n = plat_info_smp_harts(&pi, 1, 8, ids);
    EXPECT_U64(n, 4, "four harts from boot hart 1");
    for (unsigned i = 0; i < 4 && i < n; i++) EXPECT_U64(ids[i], i + 1, "node i = hart i+1");
    n = plat_info_smp_harts(&pi, 3, 8, ids);
    EXPECT(n == 4 && ids[0] == 3 && ids[1] == 1 && ids[2] == 2 && ids[3] == 4,
           "boot hart 3 is node 0, then 1, 2, 4 in tree order");
    n = plat_info_smp_harts(&pi, 2, 2, ids);
    EXPECT(n == 2 && ids[0] == 2 && ids[1] == 1, "at most max (CONFIG_MAX_NUM_NODES) harts");
    EXPECT_U64(plat_info_smp_harts(&pi, 2, 0, ids), 0, "max 0: none");
    /* A U74 switched off in the tree is left out too. */
    pi.harts[3].enabled = false;
    n = plat_info_smp_harts(&pi, 1, 8, ids);
    EXPECT(n == 3 && ids[0] == 1 && ids[1] == 2 && ids[2] == 4, "disabled hart 3 skipped");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s dtb-dir\n", argv[0]);
        return 2;
    }
    dir = argv[1];
    check_full("full");
    check_full("full_v16");
    check_reader_full();
    check_small();
    check_fu740();

    static const struct { const char *name; int want; const char *what; } bad[] = {
        {"bad_mem_reg", FDT_ERR_BAD_VALUE, "memory reg not a multiple of 2+2 cells"},
        {"bad_timebase", FDT_ERR_BAD_VALUE, "3-byte timebase-frequency"},
        {"bad_initrd", FDT_ERR_BAD_VALUE, "3-byte linux,initrd-start"},
        {"bad_model", FDT_ERR_BAD_VALUE, "model without NUL"},
        {"bad_ndev", FDT_ERR_BAD_VALUE, "8-byte riscv,ndev"},
        {"bad_reg_shift", FDT_ERR_BAD_VALUE, "1-byte reg-shift"},
        {"bad_cells", FDT_ERR_BAD_VALUE, "#address-cells = 5"},
        {"bad_irq_ext", FDT_ERR_BAD_VALUE, "interrupts-extended with a dangling phandle"},
        {"too_many_mem", FDT_ERR_NO_SPACE, "9 memory nodes"},
        {"too_many_mem_reg", FDT_ERR_NO_SPACE, "9 reg entries in one memory node"},
        {"too_many_reserved", FDT_ERR_NO_SPACE, "17 /memreserve/ entries"},
        {"too_many_virtio", FDT_ERR_NO_SPACE, "9 virtio,mmio nodes"},
        {"deep", FDT_ERR_DEPTH, "dtc-compiled tree 20 levels deep"},
    };
    t_section("error paths (one dts each)");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct plat_info pi;
        char what[128];
        snprintf(what, sizeof what, "%s.dtb: %s", bad[i].name, bad[i].what);
        EXPECT_ERR(run(bad[i].name, &pi), bad[i].want, what);
    }
    return t_done(argv[0]);
}
