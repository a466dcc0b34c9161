/* Power off through the device tree's power-off register (plat/poweroff.h).
 *
 * Device-tree facts: Linux's bindings power/reset/syscon-poweroff.yaml (regmap,
 * offset, value, mask) and QEMU's hw/misc/sifive_test.c, whose register at offset 0
 * takes 0x5555 ("pass": QEMU exits with status 0). The tree comes from the boot info
 * and is checked whole (fdt_check) before any node is read. */
#include <plat/poweroff.h>
#include <fdt.h>
#include <stdio.h>

#define QEMU_TEST_FINISHER_PASS 0x5555u
#define PAGE 4096ul

int plat_poweroff_kernel_error;

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

/* The slots lent by the caller, handed out in order. */
struct slots { k_cptr_t next, end; };
static k_cptr_t take(struct slots *s) { return s->next < s->end ? s->next++ : 0; }

static int kernel_failed(int err)
{
    plat_poweroff_kernel_error = err;
    return PLAT_POWEROFF_KERNEL;
}

/* Map frame at va in our VSpace, making page tables from RAM untyped as the kernel
 * asks for them (FailedLookup: a table is missing). *pts gets the tables made. */
static int map_with_tables(const struct k_bootinfo *bi, k_cptr_t frame, k_word_t va, struct slots *s)
{
    for (int tries = 0; tries < 3; tries++) {
        int err = k_riscv_page_map(frame, K_CAP_INIT_THREAD_VSPACE, va, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE,
                                   K_RISCV_EXECUTE_NEVER);
        if (err == K_NO_ERROR) return 0;
        if (err != K_FAILED_LOOKUP) return kernel_failed(err);
        k_cptr_t pt = take(s);
        if (!pt) return PLAT_POWEROFF_NO_SLOTS;
        /* Any RAM untyped with 4 KiB to spare will do. */
        err = K_NOT_ENOUGH_MEMORY;
        for (k_word_t i = 0; i < bi->untyped.end - bi->untyped.start && err != K_NO_ERROR; i++)
            if (!bi->untyped_list[i].is_device && bi->untyped_list[i].size_bits >= 12)
                err = k_untyped_retype(bi->untyped.start + i, K_RISCV_PAGE_TABLE_OBJECT, 0,
                                       K_CAP_INIT_THREAD_CNODE, 0, 0, pt, 1);
        if (err != K_NO_ERROR) return kernel_failed(err);
        err = k_riscv_page_table_map(pt, K_CAP_INIT_THREAD_VSPACE, va, K_RISCV_DEFAULT_VM_ATTRIBUTES);
        if (err != K_NO_ERROR) return kernel_failed(err);
    }
    return PLAT_POWEROFF_BAD_DEVICE;
}

/* Retype the device untyped ut (at base) until its next object is the page at pa:
 * padding untyped of the largest aligned sizes first, then the frame. */
static int carve_frame(k_cptr_t ut, uint64_t base, uint64_t pa, struct slots *s, k_cptr_t *frame)
{
    uint64_t cur = base;
    while (cur < pa) {
        unsigned bits = 4;
        while (bits < 63 && !(cur & ((1ul << (bits + 1)) - 1)) && cur + (1ul << (bits + 1)) <= pa) bits++;
        k_cptr_t pad = take(s);
        if (!pad) return PLAT_POWEROFF_NO_SLOTS;
        int err = k_untyped_retype(ut, K_UNTYPED_OBJECT, bits, K_CAP_INIT_THREAD_CNODE, 0, 0, pad, 1);
        if (err != K_NO_ERROR) return kernel_failed(err);
        cur += 1ul << bits;
    }
    *frame = take(s);
    if (!*frame) return PLAT_POWEROFF_NO_SLOTS;
    int err = k_untyped_retype(ut, K_RISCV_4K_PAGE_OBJECT, 0, K_CAP_INIT_THREAD_CNODE, 0, 0, *frame, 1);
    return err == K_NO_ERROR ? 0 : kernel_failed(err);
}

int plat_poweroff(const struct k_bootinfo *bi, k_cptr_t first_slot, unsigned n_slots)
{
    const void *fdt;
    uint64_t size;
    struct plat_poweroff_reg reg;
    int err = plat_boot_fdt(bi, &fdt, &size);
    if (!err) err = plat_poweroff_find(fdt, size, &reg);
    if (err) return err;

    uint64_t page = reg.paddr & ~(PAGE - 1);
    k_cptr_t ut = 0;
    uint64_t ut_base = 0;
    for (k_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const struct k_untyped_desc *d = &bi->untyped_list[i];
        if (d->is_device && d->size_bits >= 12 && d->size_bits < 64 && page >= d->paddr &&
            page - d->paddr <= (1ul << d->size_bits) - PAGE) {
            ut = bi->untyped.start + i;
            ut_base = d->paddr;
        }
    }
    if (!ut) return PLAT_POWEROFF_NO_UNTYPED;

    struct slots s = { first_slot, first_slot + n_slots };
    k_cptr_t frame = 0;
    err = carve_frame(ut, ut_base, page, &s, &frame);
    /* If the untyped was in use the frame is elsewhere: never write to that. */
    k_word_t got = 0;
    if (!err && (k_riscv_page_get_address(frame, &got) != K_NO_ERROR || got != page))
        err = PLAT_POWEROFF_UNTYPED_USED;
    if (!err) err = map_with_tables(bi, frame, PLAT_POWEROFF_VA, &s);
    if (!err) {
        printf("poweroff: writing 0x%x to 0x%lx\n", reg.value, reg.paddr);
        *(volatile uint32_t *)(PLAT_POWEROFF_VA + (reg.paddr & (PAGE - 1))) = reg.value;
        __asm__ __volatile__("fence" ::: "memory");
        err = PLAT_POWEROFF_STILL_RUNNING;
    }
    /* Give back what we made (only that: the untyped may have other children). */
    for (k_cptr_t c = s.next; c > first_slot; c--) k_cnode_delete(K_CAP_INIT_THREAD_CNODE, c - 1, 64);
    return err;
}

_Noreturn void plat_poweroff_or_stop(const struct k_bootinfo *bi, k_cptr_t first_slot, unsigned n_slots)
{
    int err = plat_poweroff(bi, first_slot, n_slots);
    if (err == PLAT_POWEROFF_KERNEL)
        printf("poweroff: cannot power off: %s (error %d); stopping\n", plat_poweroff_strerror(err),
               plat_poweroff_kernel_error);
    else
        printf("poweroff: cannot power off: %s; stopping\n", plat_poweroff_strerror(err));
    k_tcb_suspend(K_CAP_INIT_THREAD_TCB);
    for (;;) k_yield();   /* not reached: a suspended thread runs only when resumed */
}
