/*
 * Facts about the DTBs QEMU 7.2 really generates, checked through both
 * the low-level reader and plat_info_from_fdt.  Expected values were read
 * off `dtc -I dtb -O dts` of the dumps.
 *
 * Kinds: "virt", "sifive_u": QEMU's own tree (-M <machine>,dumpdtb=...).
 * "virt+sbi", "sifive_u+sbi": the tree as OpenSBI hands it to the kernel
 * (captured by sbi_dump_dtb.S): OpenSBI adds /reserved-memory for itself,
 * masks the PLIC's M-mode contexts and, on sifive_u, disables hart 0.
 *
 * usage: test_fdt_qemu <kind>|virt_too_many_harts <dtb> <smp> <mem-bytes> [bootargs]
 */
#include "fdt_test.h"

static const void *blob;
static bool sbi; /* tree passed through OpenSBI */

static int path(const char *p)
{
    return fdt_path_offset(blob, p);
}

static const char *name_of(int node)
{
    static char buf[64];
    size_t n;
    const char *s = fdt_node_name(blob, node, &n);
    if (!s || n >= sizeof buf)
        return "(bad)";
    memcpy(buf, s, n);
    buf[n] = 0;
    return buf;
}

/* Reader checks that hold on every QEMU machine. */
static void check_reader(size_t size, unsigned smp, bool cpu_map)
{
    t_section("low-level reader");
    EXPECT_ERR(fdt_check(blob, size), FDT_OK, "fdt_check(real blob)");
    EXPECT_U64(fdt_header_totalsize(blob), size, "fdt_header_totalsize");
    int root = fdt_root(blob);
    EXPECT_U64(root, 0, "root node handle");
    EXPECT_STR(name_of(root), "", "root name");
    EXPECT_U64(fdt_address_cells(blob, root), 2, "root #address-cells");
    EXPECT_U64(fdt_size_cells(blob, root), 2, "root #size-cells");
    int cpus = path("/cpus");
    EXPECT(cpus > 0, "/cpus found");
    EXPECT_U64(fdt_address_cells(blob, cpus), 1, "/cpus #address-cells");
    EXPECT_U64(fdt_size_cells(blob, cpus), 0, "/cpus #size-cells");
    EXPECT_ERR(fdt_parent(blob, root), FDT_ERR_NOT_FOUND, "parent of root");
    EXPECT_U64(fdt_parent(blob, cpus), root, "parent of /cpus is root");
    EXPECT_ERR(path("/nonexistent"), FDT_ERR_NOT_FOUND, "path /nonexistent");
    EXPECT_ERR(path("/cpus/cpu@99"), FDT_ERR_NOT_FOUND, "path /cpus/cpu@99");
    EXPECT_ERR(fdt_path_offset(blob, ""), FDT_ERR_BAD_ARG, "empty path");
    EXPECT_ERR(fdt_first_child(blob, 1), FDT_ERR_BAD_ARG, "misaligned node handle");
    EXPECT_ERR(fdt_first_child(blob, 0x7ffffff0), FDT_ERR_BAD_ARG, "handle past the block");
    EXPECT_ERR(fdt_next_sibling(blob, 4), FDT_ERR_BAD_ARG, "handle not at a BEGIN_NODE");
    EXPECT_U64(fdt_num_rsv(blob), 0, "no /memreserve/ entries (OpenSBI uses /reserved-memory)");

    /* Children of /cpus: smp cpu nodes then cpu-map. */
    unsigned ncpu = 0, nchild = 0;
    for (int c = fdt_first_child(blob, cpus); c >= 0; c = fdt_next_sibling(blob, c)) {
        nchild++;
        if (strncmp(name_of(c), "cpu@", 4) == 0)
            ncpu++;
    }
    EXPECT_U64(ncpu, smp, "cpu@N children of /cpus");
    EXPECT_U64(nchild, smp + cpu_map, cpu_map ? "children of /cpus (cpus + cpu-map)"
                                               : "children of /cpus (no cpu-map)");

    /* Document-order walk: depth of the hart interrupt controllers. */
    int depth = 0, nodes = 0, intc_depth = -1, max_depth = 0;
    for (int n = fdt_next_node(blob, -1, &depth); n >= 0; n = fdt_next_node(blob, n, &depth)) {
        nodes++;
        if (depth > max_depth)
            max_depth = depth;
        if (intc_depth < 0 && strcmp(name_of(n), "interrupt-controller") == 0)
            intc_depth = depth;
    }
    EXPECT(nodes > 20, "document-order walk visits %d nodes", nodes);
    EXPECT_U64(intc_depth, 3, "depth of /cpus/cpu@0/interrupt-controller");
    EXPECT(max_depth >= 3 && max_depth < FDT_MAX_DEPTH, "max depth %d sane", max_depth);

    int intc = path("/cpus/cpu@0/interrupt-controller");
    EXPECT(intc > 0, "/cpus/cpu@0/interrupt-controller found");
    EXPECT_U64(fdt_parent(blob, intc), path("/cpus/cpu@0"), "parent of hart 0 intc is cpu@0");
    EXPECT(fdt_node_compatible(blob, intc, "riscv,cpu-intc"), "hart intc is riscv,cpu-intc");
    EXPECT(fdt_getprop(blob, intc, "interrupt-controller", NULL) != NULL,
           "empty property interrupt-controller present");
    uint32_t ph = 0, len = 99;
    EXPECT_ERR(fdt_prop_u32(blob, intc, "phandle", &ph), FDT_OK, "intc phandle readable");
    EXPECT_U64(fdt_node_by_phandle(blob, ph), intc, "fdt_node_by_phandle(intc phandle)");
    EXPECT_ERR(fdt_node_by_phandle(blob, 0), FDT_ERR_NOT_FOUND, "phandle 0 is invalid");
    EXPECT_ERR(fdt_node_by_phandle(blob, 0x7777), FDT_ERR_NOT_FOUND, "unknown phandle");
    EXPECT(fdt_getprop(blob, intc, "no-such-prop", &len) == NULL, "absent property -> NULL");
    EXPECT_ERR(fdt_prop_u32(blob, intc, "compatible", &ph), FDT_ERR_BAD_VALUE,
               "u32 read of a 15-byte string");

    int mem = path("/memory");
    EXPECT(mem > 0 && strcmp(name_of(mem), "memory@80000000") == 0,
           "/memory matches memory@80000000 without unit address");
    EXPECT_U64(fdt_reg_count(blob, mem), 1, "memory reg entries");
    EXPECT_ERR(fdt_reg_count(blob, root), FDT_ERR_NOT_FOUND, "root has no reg/parent");
    const char *s = NULL;
    EXPECT_ERR(fdt_prop_str(blob, mem, "device_type", &s), FDT_OK, "memory device_type");
    EXPECT_STR(s, "memory", "memory device_type");
}

/* OpenSBI's own region(s): reserved-memory at the start of RAM, below the
 * kernel's 2 MiB load offset.  Count and size vary by OpenSBI version. */
static void check_firmware_reserved(const struct plat_info *pi)
{
    if (!sbi) {
        EXPECT_U64(pi->n_reserved, 0, "n_reserved (dumpdtb: no firmware ran, nothing reserved)");
        return;
    }
    EXPECT(pi->n_reserved >= 1, "n_reserved >= 1 (OpenSBI reserved itself; got %u)",
           pi->n_reserved);
    EXPECT_U64(pi->reserved[0].base, 0x80000000, "reserved[0].base (OpenSBI at start of RAM)");
    for (unsigned i = 0; i < pi->n_reserved; i++)
        EXPECT(pi->reserved[i].base >= 0x80000000 &&
                   pi->reserved[i].base + pi->reserved[i].size <= 0x80200000,
               "reserved[%u] = [0x%llx, +0x%llx] lies below the kernel at 0x80200000", i,
               (unsigned long long)pi->reserved[i].base,
               (unsigned long long)pi->reserved[i].size);
    int rm = path("/reserved-memory");
    EXPECT(rm > 0 && fdt_first_child(blob, rm) > 0, "/reserved-memory has a child");
    /* PLIC M-mode contexts (irq 11) are masked to 0xffffffff for S-mode. */
    int plic = fdt_next_compatible(blob, -1, "riscv,plic0");
    uint32_t len;
    const uint8_t *ie = fdt_getprop(blob, plic, "interrupts-extended", &len);
    unsigned m = 0, masked = 0;
    for (uint32_t i = 0; ie && i + 8 <= len; i += 8) {
        m += fdt_be32(ie + i + 4) == 11;
        masked += fdt_be32(ie + i + 4) == 0xffffffff;
    }
    EXPECT(ie && m == 0 && masked > 0, "PLIC M-mode contexts masked to 0xffffffff (%u masked)",
           masked);
}

static void check_virt(size_t size, unsigned smp, uint64_t mem, const char *bootargs)
{
    struct plat_info pi;
    check_reader(size, smp, true);

    t_section("virt: reader details");
    int plic = path("/soc/plic@c000000");
    EXPECT(plic > 0, "/soc/plic@c000000 found");
    EXPECT_U64(path("/soc/plic"), plic, "/soc/plic (no unit address) is the same node");
    EXPECT_U64(path("//soc//plic@c000000/"), plic, "redundant slashes tolerated");
    EXPECT_ERR(path("/soc/plic@c000001"), FDT_ERR_NOT_FOUND, "wrong unit address");
    EXPECT_ERR(path("/soc/pl"), FDT_ERR_NOT_FOUND, "name prefix is not a match");
    EXPECT(fdt_node_compatible(blob, plic, "riscv,plic0") &&
               fdt_node_compatible(blob, plic, "sifive,plic-1.0.0") &&
               !fdt_node_compatible(blob, plic, "riscv,plic"),
           "plic compatible list: both entries, no prefix match");
    uint32_t ph;
    fdt_prop_u32(blob, plic, "phandle", &ph);
    EXPECT_U64(fdt_node_by_phandle(blob, ph), plic, "plic found by its phandle");
    EXPECT_STR(name_of(path("/soc/serial")), "serial@10000000", "/soc/serial");
    EXPECT_ERR(path("serial0"), FDT_ERR_NOT_FOUND, "virt has no /aliases");
    int first = fdt_next_compatible(blob, -1, "virtio,mmio");
    EXPECT_STR(name_of(first), "virtio_mmio@10008000",
               "first virtio,mmio in document order (QEMU emits descending)");
    unsigned nv = 0;
    for (int n = first; n >= 0; n = fdt_next_compatible(blob, n, "virtio,mmio"))
        nv++;
    EXPECT_U64(nv, 8, "fdt_next_compatible finds 8 virtio,mmio nodes");
    uint64_t a, sz;
    EXPECT_ERR(fdt_reg(blob, path("/flash"), 1, &a, &sz), FDT_OK, "flash reg[1]");
    EXPECT_U64(a, 0x22000000, "flash bank 1 base");
    EXPECT_U64(sz, 0x2000000, "flash bank 1 size");
    EXPECT_ERR(fdt_reg(blob, path("/flash"), 2, &a, &sz), FDT_ERR_NOT_FOUND, "flash reg[2]");
    uint64_t tb;
    EXPECT_ERR(fdt_prop_u64(blob, path("/cpus"), "timebase-frequency", &tb), FDT_OK,
               "timebase via fdt_prop_u64 (1 cell)");

    t_section("virt: plat_info");
    EXPECT_ERR(plat_info_from_fdt(blob, size, &pi), FDT_OK, "plat_info_from_fdt");
    EXPECT_STR(pi.model, "riscv-virtio,qemu", "model");
    EXPECT(!pi.model_truncated, "model not truncated");
    EXPECT_U64(pi.n_mem, 1, "n_mem");
    EXPECT_U64(pi.mem[0].base, 0x80000000, "mem[0].base");
    EXPECT_U64(pi.mem[0].size, mem, "mem[0].size = -m");
    check_firmware_reserved(&pi);
    EXPECT(pi.uart.present, "uart present");
    EXPECT_STR(pi.uart.compatible, "ns16550a", "uart compatible");
    EXPECT_U64(pi.uart.base, 0x10000000, "uart base");
    EXPECT_U64(pi.uart.size, 0x100, "uart size");
    EXPECT_U64(pi.uart.irq, 10, "uart irq");
    EXPECT_U64(pi.uart.reg_shift, 0, "uart reg_shift default");
    EXPECT_U64(pi.uart.reg_io_width, 1, "uart reg_io_width default");
    EXPECT_U64(pi.uart.clock_hz, 3686400, "uart clock-frequency");
    EXPECT(pi.plic.present, "plic present");
    EXPECT_U64(pi.plic.base, 0x0c000000, "plic base");
    EXPECT_U64(pi.plic.size, 0x600000, "plic size");
    EXPECT_U64(pi.plic.ndev, 96, "plic riscv,ndev (0x60)");
    EXPECT(pi.clint.present, "clint present");
    EXPECT_U64(pi.clint.base, 0x2000000, "clint base");
    EXPECT_U64(pi.clint.size, 0x10000, "clint size");
    EXPECT_U64(pi.timebase_hz, 10000000, "timebase");
    EXPECT_U64(pi.n_harts, smp, "n_harts = -smp");
    for (unsigned h = 0; h < pi.n_harts; h++) {
        EXPECT(pi.harts[h].hartid == h && pi.harts[h].s_mode && pi.harts[h].enabled,
               "hart[%u]: id %u, s_mode, enabled", h, h);
        EXPECT(pi.plic.s_context[h] == (int32_t)(2 * h + 1), "hart %u S context = %u (got %d)",
               h, 2 * h + 1, pi.plic.s_context[h]);
    }
    for (unsigned h = pi.n_harts; h < PLAT_MAX_HARTS; h++)
        EXPECT_Q(pi.plic.s_context[h] == -1, "unused s_context[%u] is -1", h);
    EXPECT_U64(pi.n_virtio, 8, "n_virtio");
    for (unsigned i = 0; i < pi.n_virtio; i++)
        EXPECT(pi.virtio[i].base == 0x10001000 + 0x1000 * i && pi.virtio[i].size == 0x1000 &&
                   pi.virtio[i].irq == i + 1,
               "virtio[%u] @0x%x size 0x1000 irq %u", i, 0x10001000 + 0x1000 * i, i + 1);
    EXPECT_STR(pi.bootargs, bootargs, "bootargs");
    EXPECT(!pi.bootargs_truncated, "bootargs not truncated");
}

static void check_sifive_u(size_t size, unsigned smp, uint64_t mem)
{
    struct plat_info pi;
    check_reader(size, smp, false);

    t_section("sifive_u: reader details");
    int ser = path("/soc/serial@10010000");
    EXPECT(ser > 0, "/soc/serial@10010000 found");
    EXPECT_U64(path("serial0"), ser, "alias serial0 -> /soc/serial@10010000");
    EXPECT_STR(name_of(path("serial1")), "serial@10011000", "alias serial1");
    EXPECT_U64(path("ethernet0/ethernet-phy@0"), path("/soc/ethernet@10090000/ethernet-phy@0"),
               "alias followed by a relative path");
    EXPECT_ERR(path("serial7"), FDT_ERR_NOT_FOUND, "unknown alias");
    int eth = path("/soc/ethernet");
    EXPECT_U64(fdt_reg_count(blob, eth), 2, "ethernet has 2 reg entries");
    int spi_flash = path("/soc/spi@10040000/flash@0");
    uint64_t a = 1, sz = 1;
    EXPECT_ERR(fdt_reg(blob, spi_flash, 0, &a, &sz), FDT_OK, "reg under #size-cells 0");
    EXPECT(a == 0 && sz == 0, "spi flash reg = <0>, size 0");
    EXPECT(fdt_getprop(blob, path("/cpus/cpu@0"), "mmu-type", NULL) == NULL,
           "cpu@0 (E51 monitor core) has no mmu-type");

    t_section("sifive_u: plat_info");
    EXPECT_ERR(plat_info_from_fdt(blob, size, &pi), FDT_OK, "plat_info_from_fdt");
    EXPECT_STR(pi.model, "SiFive HiFive Unleashed A00", "model");
    EXPECT_U64(pi.n_mem, 1, "n_mem");
    EXPECT_U64(pi.mem[0].base, 0x80000000, "mem[0].base");
    EXPECT_U64(pi.mem[0].size, mem, "mem[0].size = -m");
    check_firmware_reserved(&pi);
    EXPECT(pi.uart.present, "uart present");
    EXPECT_STR(pi.uart.compatible, "sifive,uart0", "uart compatible");
    EXPECT_U64(pi.uart.base, 0x10010000, "uart base (stdout-path)");
    EXPECT_U64(pi.uart.size, 0x1000, "uart size");
    EXPECT_U64(pi.uart.irq, 4, "uart irq");
    EXPECT_U64(pi.uart.clock_hz, 0, "uart clock: none (uses a clocks phandle)");
    EXPECT(pi.plic.present, "plic present");
    EXPECT_U64(pi.plic.base, 0x0c000000, "plic base");
    EXPECT_U64(pi.plic.size, 0x4000000, "plic size");
    EXPECT_U64(pi.plic.ndev, 53, "plic riscv,ndev (0x35)");
    EXPECT(pi.clint.present && pi.clint.base == 0x2000000 && pi.clint.size == 0x10000,
           "clint @0x2000000 size 0x10000");
    EXPECT_U64(pi.timebase_hz, 1000000, "timebase");
    EXPECT_U64(pi.n_harts, smp, "n_harts = -smp");
    EXPECT(pi.harts[0].hartid == 0 && !pi.harts[0].s_mode && pi.harts[0].enabled == !sbi,
           sbi ? "hart[0]: id 0, no S-mode (E51), disabled by OpenSBI"
               : "hart[0]: id 0, no S-mode (E51), enabled");
    EXPECT(pi.plic.s_context[0] == -1, "hart 0 has no S context (got %d)", pi.plic.s_context[0]);
    for (unsigned h = 1; h < pi.n_harts; h++) {
        EXPECT(pi.harts[h].hartid == h && pi.harts[h].s_mode && pi.harts[h].enabled,
               "hart[%u]: id %u, s_mode, enabled", h, h);
        EXPECT(pi.plic.s_context[h] == (int32_t)(2 * h), "hart %u S context = %u (got %d)", h,
               2 * h, pi.plic.s_context[h]);
    }
    EXPECT_U64(pi.n_virtio, 0, "n_virtio");
    EXPECT_STR(pi.bootargs, "", "bootargs");
}

int main(int argc, char **argv)
{
    size_t size;
    if (argc < 5) {
        fprintf(stderr, "usage: %s kind dtb smp mem [bootargs]\n", argv[0]);
        return 2;
    }
    char kind[32];
    snprintf(kind, sizeof kind, "%s", argv[1]);
    char *plus = strstr(kind, "+sbi");
    if (plus) {
        *plus = 0;
        sbi = true;
    }
    uint8_t *b = t_load_dtb(argv[2], &size);
    unsigned smp = (unsigned)strtoul(argv[3], NULL, 0);
    uint64_t mem = strtoull(argv[4], NULL, 0);
    blob = b;
    printf("%s: %s (%zu bytes), smp %u, mem 0x%llx\n", argv[1], argv[2], size, smp,
           (unsigned long long)mem);

    if (strcmp(kind, "virt") == 0) {
        check_virt(size, smp, mem, argc > 5 ? argv[5] : "");
    } else if (strcmp(kind, "sifive_u") == 0) {
        check_sifive_u(size, smp, mem);
    } else if (strcmp(kind, "virt_too_many_harts") == 0) {
        struct plat_info pi;
        t_section("virt with more harts than PLAT_MAX_HARTS");
        EXPECT_ERR(fdt_check(blob, size), FDT_OK, "fdt_check");
        EXPECT(smp > PLAT_MAX_HARTS, "-smp %u > PLAT_MAX_HARTS", smp);
        EXPECT_ERR(plat_info_from_fdt(blob, size, &pi), FDT_ERR_NO_SPACE,
                   "plat_info_from_fdt refuses to drop harts");
    } else {
        fprintf(stderr, "unknown kind %s\n", argv[1]);
        return 2;
    }
    free(b);
    return t_done(argv[0]);
}
