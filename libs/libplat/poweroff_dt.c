/* Finding the power-off register in the device tree (plat/poweroff.h). Pure: no
 * system calls, so the host unit tests run it on real and malformed trees.
 *
 * Device-tree facts: Linux's bindings power/reset/syscon-poweroff.yaml (regmap,
 * offset, value, mask) and QEMU's hw/misc/sifive_test.c, whose register at offset 0
 * takes 0x5555 ("pass": QEMU exits with status 0). The tree comes from another task
 * (the kernel, through the boot info) and is checked whole (fdt_check) first. */
#include <plat/poweroff.h>
#include <fdt.h>

#define QEMU_TEST_FINISHER_PASS 0x5555u
#define PAGE 4096ul

const char *plat_poweroff_strerror(int err)
{
    switch (err) {
    case 0: return "no error";
    case PLAT_POWEROFF_NO_FDT: return "no device tree in the extra boot info";
    case PLAT_POWEROFF_BAD_FDT: return "malformed device tree";
    case PLAT_POWEROFF_NO_DEVICE: return "no power-off device in the device tree";
    case PLAT_POWEROFF_BAD_DEVICE: return "the power-off device's properties are invalid";
    case PLAT_POWEROFF_NO_UNTYPED: return "no device untyped holds the power-off register";
    case PLAT_POWEROFF_UNTYPED_USED: return "the device untyped of the register is in use";
    case PLAT_POWEROFF_NO_SLOTS: return "not enough slots";
    case PLAT_POWEROFF_KERNEL: return "an invocation failed";
    case PLAT_POWEROFF_STILL_RUNNING: return "the register was written but the machine still runs";
    }
    return "unknown error";
}

int plat_boot_fdt(const struct k_bootinfo *bi, const void **fdt, uint64_t *size)
{
    /* The extra boot info starts one page after the boot info: chunks of {id, len}. */
    const uint8_t *extra = (const uint8_t *)bi + PAGE;
    uint64_t off = 0, len = bi->extra_len;
    while (len - off >= sizeof(struct k_bootinfo_header)) {
        const struct k_bootinfo_header *h = (const void *)(extra + off);
        if (h->len < sizeof *h || h->len > len - off) return PLAT_POWEROFF_BAD_FDT;
        if (h->id == K_BOOTINFO_HEADER_FDT) {
            *fdt = h + 1;
            *size = h->len - sizeof *h;
            return 0;
        }
        off += h->len;
    }
    return PLAT_POWEROFF_NO_FDT;
}

/* The syscon node's first register window, which must hold a 32-bit word at offset. */
static int syscon_reg(const void *fdt, int node, uint32_t offset, uint64_t *paddr)
{
    uint64_t base, size;
    if (node < 0 || !fdt_node_available(fdt, node) || fdt_reg(fdt, node, 0, &base, &size) < 0)
        return PLAT_POWEROFF_BAD_DEVICE;
    if ((offset & 3) || size < 4 || offset > size - 4 || base + offset < base) return PLAT_POWEROFF_BAD_DEVICE;
    *paddr = base + offset;
    return 0;
}

int plat_poweroff_find(const void *fdt, uint64_t size, struct plat_poweroff_reg *out)
{
    if (fdt_check(fdt, (size_t)size) != FDT_OK) return PLAT_POWEROFF_BAD_FDT;
    int node = fdt_next_compatible(fdt, -1, "syscon-poweroff");
    while (node >= 0 && !fdt_node_available(fdt, node)) node = fdt_next_compatible(fdt, node, "syscon-poweroff");
    if (node >= 0) {
        uint32_t regmap, offset = 0, value, mask;
        if (fdt_prop_u32(fdt, node, "regmap", &regmap) != FDT_OK) return PLAT_POWEROFF_BAD_DEVICE;
        int err = fdt_prop_u32(fdt, node, "offset", &offset);
        if (err != FDT_OK && err != FDT_ERR_NOT_FOUND) return PLAT_POWEROFF_BAD_DEVICE;
        if (fdt_prop_u32(fdt, node, "value", &value) != FDT_OK) return PLAT_POWEROFF_BAD_DEVICE;
        err = fdt_prop_u32(fdt, node, "mask", &mask);
        if (err == FDT_OK) value &= mask;
        else if (err != FDT_ERR_NOT_FOUND) return PLAT_POWEROFF_BAD_DEVICE;
        out->value = value;
        return syscon_reg(fdt, fdt_node_by_phandle(fdt, regmap), offset, &out->paddr);
    }
    node = fdt_next_compatible(fdt, -1, "sifive,test0");
    while (node >= 0 && !fdt_node_available(fdt, node)) node = fdt_next_compatible(fdt, node, "sifive,test0");
    if (node < 0) return PLAT_POWEROFF_NO_DEVICE;
    out->value = QEMU_TEST_FINISHER_PASS;
    return syscon_reg(fdt, node, 0, &out->paddr);
}

