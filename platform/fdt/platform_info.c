/*
 * Extract the kernel's platform description from a DTB.
 *
 * Policy: optional properties may be absent (documented defaults), but a
 * property that is present with the wrong size is an error, and so is
 * running out of room in a fixed array: the kernel must not boot on a
 * silently partial view of the machine.
 */
#include "platform_info.h"
#include "fdt.h"

#define IRQ_S_EXT 9 /* RISC-V interrupt cause: supervisor external interrupt */

/* volatile keeps GCC from turning the loop into a memset call, which a
 * freestanding kernel need not provide. */
static void zero(void *p, size_t n)
{
    volatile uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        b[i] = 0;
}

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Copy NUL-terminated src into dst[cap]; true if it had to be cut. */
static bool copy_str(char *dst, size_t cap, const char *src)
{
    size_t i;
    for (i = 0; i + 1 < cap && src[i]; i++)
        dst[i] = src[i];
    dst[i] = '\0';
    return src[i] != '\0';
}

/* An exact string-valued property, e.g. device_type = "cpu". */
static bool prop_is(const void *blob, int node, const char *name, const char *val)
{
    uint32_t len;
    const char *p = fdt_getprop(blob, node, name, &len);
    size_t n = str_len(val);
    if (!p || len != n + 1 || p[n] != '\0')
        return false;
    for (size_t i = 0; i < n; i++)
        if (p[i] != val[i])
            return false;
    return true;
}

/* Optional string property into a fixed buffer. */
static int get_str(const void *blob, int node, const char *name, char *dst, size_t cap,
                   bool *truncated)
{
    const char *s;
    int r = fdt_prop_str(blob, node, name, &s);
    if (r == FDT_ERR_NOT_FOUND)
        return FDT_OK;
    if (r < 0)
        return r;
    *truncated = copy_str(dst, cap, s);
    return FDT_OK;
}

/* Optional u32 property with a default. */
static int get_u32(const void *blob, int node, const char *name, uint32_t dflt, uint32_t *out)
{
    int r = fdt_prop_u32(blob, node, name, out);
    if (r == FDT_ERR_NOT_FOUND) {
        *out = dflt;
        return FDT_OK;
    }
    return r;
}

/* First cell of `interrupts`: the parent controller's #interrupt-cells is
 * 1 for the PLIC, and the first cell is the source number either way. */
static int first_irq(const void *blob, int node, uint32_t *irq)
{
    uint32_t len;
    const void *p = fdt_getprop(blob, node, "interrupts", &len);
    if (!p)
        return FDT_ERR_NOT_FOUND;
    if (len == 0 || len % 4)
        return FDT_ERR_BAD_VALUE;
    *irq = fdt_be32(p);
    return FDT_OK;
}

static int add_region(struct plat_region *arr, unsigned *n, unsigned max, uint64_t base,
                      uint64_t size)
{
    if (*n >= max)
        return FDT_ERR_NO_SPACE;
    arr[*n].base = base;
    arr[*n].size = size;
    (*n)++;
    return FDT_OK;
}

/* Append every `reg` entry of node; a node without reg is an error only if required. */
static int add_regs(const void *blob, int node, struct plat_region *arr, unsigned *n,
                    unsigned max, bool required)
{
    int cnt = fdt_reg_count(blob, node);
    if (cnt == FDT_ERR_NOT_FOUND && !required)
        return FDT_OK;
    if (cnt < 0)
        return cnt;
    for (int i = 0; i < cnt; i++) {
        uint64_t base, size;
        int r = fdt_reg(blob, node, i, &base, &size);
        if (r < 0)
            return r;
        if ((r = add_region(arr, n, max, base, size)) < 0)
            return r;
    }
    return FDT_OK;
}

static int parse_memory(const void *blob, int root, struct plat_info *pi)
{
    for (int n = fdt_first_child(blob, root); n >= 0; n = fdt_next_sibling(blob, n)) {
        size_t len;
        const char *name = fdt_node_name(blob, n, &len);
        bool named = len >= 6 && name[0] == 'm' && name[1] == 'e' && name[2] == 'm' &&
                     name[3] == 'o' && name[4] == 'r' && name[5] == 'y' &&
                     (len == 6 || name[6] == '@');
        if (!named && !prop_is(blob, n, "device_type", "memory"))
            continue;
        if (!fdt_node_available(blob, n))
            continue;
        int r = add_regs(blob, n, pi->mem, &pi->n_mem, PLAT_MAX_MEM, true);
        if (r < 0)
            return r;
    }
    return FDT_OK;
}

static int parse_reserved(const void *blob, struct plat_info *pi)
{
    int r, nrsv = fdt_num_rsv(blob);
    for (int i = 0; i < nrsv; i++) {
        uint64_t a, s;
        if ((r = fdt_get_rsv(blob, i, &a, &s)) < 0)
            return r;
        if ((r = add_region(pi->reserved, &pi->n_reserved, PLAT_MAX_RESERVED, a, s)) < 0)
            return r;
    }
    int rm = fdt_path_offset(blob, "/reserved-memory");
    if (rm == FDT_ERR_NOT_FOUND)
        return FDT_OK;
    if (rm < 0)
        return rm;
    for (int n = fdt_first_child(blob, rm); n >= 0; n = fdt_next_sibling(blob, n)) {
        if (!fdt_node_available(blob, n))
            continue;
        /* Children with only `size` ask the OS to allocate: nothing fixed to avoid. */
        r = add_regs(blob, n, pi->reserved, &pi->n_reserved, PLAT_MAX_RESERVED, false);
        if (r < 0)
            return r;
    }
    return FDT_OK;
}

/* Hart id of a cpu node: its `reg`, which must fit 32 bits. */
static int cpu_hartid(const void *blob, int cpu, uint32_t *hartid)
{
    uint64_t id, unused;
    int r = fdt_reg(blob, cpu, 0, &id, &unused);
    if (r < 0)
        return r;
    if (id > 0xffffffffu)
        return FDT_ERR_BAD_VALUE;
    *hartid = (uint32_t)id;
    return FDT_OK;
}

static int parse_cpus(const void *blob, struct plat_info *pi)
{
    int r, cpus = fdt_path_offset(blob, "/cpus");
    if (cpus == FDT_ERR_NOT_FOUND)
        return FDT_OK;
    if (cpus < 0)
        return cpus;
    r = fdt_prop_u64(blob, cpus, "timebase-frequency", &pi->timebase_hz);
    if (r < 0 && r != FDT_ERR_NOT_FOUND)
        return r;
    bool need_tb = r == FDT_ERR_NOT_FOUND;

    for (int n = fdt_first_child(blob, cpus); n >= 0; n = fdt_next_sibling(blob, n)) {
        if (!prop_is(blob, n, "device_type", "cpu"))
            continue; /* e.g. cpu-map */
        if (pi->n_harts >= PLAT_MAX_HARTS)
            return FDT_ERR_NO_SPACE;
        unsigned h = pi->n_harts;
        if ((r = cpu_hartid(blob, n, &pi->harts[h].hartid)) < 0)
            return r;
        /* Paging needs an MMU; harts without mmu-type (FU540's E51 monitor
         * core) have no S-mode. */
        pi->harts[h].s_mode = fdt_getprop(blob, n, "mmu-type", NULL) &&
                              !prop_is(blob, n, "mmu-type", "riscv,none");
        pi->harts[h].enabled = fdt_node_available(blob, n);
        pi->n_harts++;
        /* Older trees put timebase-frequency in each cpu node instead. */
        if (need_tb) {
            r = fdt_prop_u64(blob, n, "timebase-frequency", &pi->timebase_hz);
            if (r < 0 && r != FDT_ERR_NOT_FOUND)
                return r;
            need_tb = r == FDT_ERR_NOT_FOUND;
        }
    }
    return FDT_OK;
}

static const char *uart_kind(const void *blob, int node)
{
    if (fdt_node_compatible(blob, node, "ns16550a"))
        return "ns16550a";
    if (fdt_node_compatible(blob, node, "sifive,uart0"))
        return "sifive,uart0";
    return NULL;
}

/* The console named by /chosen stdout-path ("path-or-alias[:options]",
 * spec 3.6), if we can drive it. */
static int stdout_node(const void *blob)
{
    const char *sp;
    int chosen = fdt_path_offset(blob, "/chosen");
    if (chosen < 0)
        return chosen;
    int r = fdt_prop_str(blob, chosen, "stdout-path", &sp);
    if (r == FDT_ERR_NOT_FOUND)
        r = fdt_prop_str(blob, chosen, "linux,stdout-path", &sp);
    if (r < 0)
        return r;
    size_t len = 0;
    while (sp[len] && sp[len] != ':')
        len++;
    int n = fdt_path_offset_n(blob, sp, len);
    if (n >= 0 && (!uart_kind(blob, n) || !fdt_node_available(blob, n)))
        return FDT_ERR_NOT_FOUND;
    return n;
}

static int parse_uart(const void *blob, int node, struct plat_info *pi)
{
    uint64_t clk;
    int r;
    copy_str(pi->uart.compatible, sizeof pi->uart.compatible, uart_kind(blob, node));
    if ((r = fdt_reg(blob, node, 0, &pi->uart.base, &pi->uart.size)) < 0)
        return r;
    r = first_irq(blob, node, &pi->uart.irq);
    if (r < 0 && r != FDT_ERR_NOT_FOUND)
        return r;
    if ((r = get_u32(blob, node, "reg-shift", 0, &pi->uart.reg_shift)) < 0)
        return r;
    if ((r = get_u32(blob, node, "reg-io-width", 1, &pi->uart.reg_io_width)) < 0)
        return r;
    r = fdt_prop_u64(blob, node, "clock-frequency", &clk); /* one or two cells */
    if (r == FDT_OK && clk > 0xffffffffu)
        return FDT_ERR_BAD_VALUE;
    if (r < 0 && r != FDT_ERR_NOT_FOUND)
        return r;
    pi->uart.clock_hz = r == FDT_OK ? (uint32_t)clk : 0;
    pi->uart.present = true;
    return FDT_OK;
}

/*
 * interrupts-extended lists one (phandle, specifier) per PLIC context, in
 * context order.  Each phandle names a hart's local interrupt controller
 * (a child of its cpu node); specifier cell 9 marks the S-mode context.
 */
static int parse_plic_contexts(const void *blob, int plic, struct plat_info *pi)
{
    uint32_t len;
    const uint8_t *p = fdt_getprop(blob, plic, "interrupts-extended", &len);
    if (!p)
        return FDT_OK; /* no contexts: every s_context stays -1 */
    if (len % 4)
        return FDT_ERR_BAD_VALUE;
    int32_t ctx = 0;
    for (uint32_t i = 0; i < len; ctx++) {
        int intc = fdt_node_by_phandle(blob, fdt_be32(p + i));
        if (intc < 0)
            return FDT_ERR_BAD_VALUE;
        i += 4;
        uint32_t ncells;
        int r = fdt_prop_u32(blob, intc, "#interrupt-cells", &ncells);
        if (r == FDT_ERR_NOT_FOUND || (r == FDT_OK && (ncells == 0 || ncells > (len - i) / 4)))
            return FDT_ERR_BAD_VALUE;
        if (r < 0)
            return r;
        uint32_t irq = fdt_be32(p + i);
        i += 4 * ncells;
        if (irq != IRQ_S_EXT)
            continue;
        int cpu = fdt_parent(blob, intc);
        if (cpu < 0 || !prop_is(blob, cpu, "device_type", "cpu"))
            continue;
        uint32_t hartid;
        if ((r = cpu_hartid(blob, cpu, &hartid)) < 0)
            return r;
        for (unsigned h = 0; h < pi->n_harts; h++)
            if (pi->harts[h].hartid == hartid && pi->plic.s_context[h] < 0)
                pi->plic.s_context[h] = ctx;
    }
    return FDT_OK;
}

static int parse_plic(const void *blob, int node, struct plat_info *pi)
{
    int r;
    if ((r = fdt_reg(blob, node, 0, &pi->plic.base, &pi->plic.size)) < 0)
        return r;
    if ((r = fdt_prop_u32(blob, node, "riscv,ndev", &pi->plic.ndev)) < 0)
        return r;
    if ((r = parse_plic_contexts(blob, node, pi)) < 0)
        return r;
    pi->plic.present = true;
    return FDT_OK;
}

static int add_virtio(const void *blob, int node, struct plat_info *pi)
{
    uint64_t base, size;
    uint32_t irq;
    int r;
    if ((r = fdt_reg(blob, node, 0, &base, &size)) < 0)
        return r;
    if ((r = first_irq(blob, node, &irq)) < 0)
        return r;
    if (pi->n_virtio >= PLAT_MAX_VIRTIO)
        return FDT_ERR_NO_SPACE;
    /* Keep sorted by address: QEMU's virt lists the slots in descending order. */
    unsigned i = pi->n_virtio++;
    for (; i > 0 && pi->virtio[i - 1].base > base; i--) {
        /* field-wise: a struct copy may become a memcpy call at -Os */
        pi->virtio[i].base = pi->virtio[i - 1].base;
        pi->virtio[i].size = pi->virtio[i - 1].size;
        pi->virtio[i].irq = pi->virtio[i - 1].irq;
    }
    pi->virtio[i].base = base;
    pi->virtio[i].size = size;
    pi->virtio[i].irq = irq;
    return FDT_OK;
}

int plat_info_from_fdt(const void *blob, size_t size, struct plat_info *pi)
{
    int r;

    zero(pi, sizeof *pi);
    for (unsigned h = 0; h < PLAT_MAX_HARTS; h++)
        pi->plic.s_context[h] = -1;
    if ((r = fdt_check(blob, size)) < 0)
        return r;

    int root = fdt_root(blob);
    if (root < 0)
        return root;
    if ((r = get_str(blob, root, "model", pi->model, sizeof pi->model,
                     &pi->model_truncated)) < 0)
        return r;
    int chosen = fdt_path_offset(blob, "/chosen");
    if (chosen >= 0 && (r = get_str(blob, chosen, "bootargs", pi->bootargs,
                                    sizeof pi->bootargs, &pi->bootargs_truncated)) < 0)
        return r;
    if (chosen >= 0) {   /* the initrd: both bounds or neither; a bad cell size is an error */
        uint64_t start = 0, end = 0;
        int a = fdt_prop_u64(blob, chosen, "linux,initrd-start", &start);
        int b = fdt_prop_u64(blob, chosen, "linux,initrd-end", &end);
        if (a == FDT_ERR_BAD_VALUE || b == FDT_ERR_BAD_VALUE)
            return FDT_ERR_BAD_VALUE;
        if (a == FDT_OK && b == FDT_OK && end > start) {
            pi->initrd.base = start;
            pi->initrd.size = end - start;
        }
    }
    if ((r = parse_memory(blob, root, pi)) < 0)
        return r;
    if ((r = parse_reserved(blob, pi)) < 0)
        return r;
    if ((r = parse_cpus(blob, pi)) < 0) /* before the PLIC, which maps contexts to harts */
        return r;

    int uart = stdout_node(blob);
    if (uart == FDT_ERR_BAD_VALUE)
        return uart;
    int plic = FDT_ERR_NOT_FOUND, clint = FDT_ERR_NOT_FOUND;
    for (int n = root; n >= 0; n = fdt_next_node(blob, n, NULL)) {
        if (!fdt_node_available(blob, n))
            continue;
        if (uart < 0 && uart_kind(blob, n))
            uart = n;
        if (plic < 0 && (fdt_node_compatible(blob, n, "riscv,plic0") ||
                         fdt_node_compatible(blob, n, "sifive,plic-1.0.0")))
            plic = n;
        if (clint < 0 && (fdt_node_compatible(blob, n, "riscv,clint0") ||
                          fdt_node_compatible(blob, n, "sifive,clint0")))
            clint = n;
        if (fdt_node_compatible(blob, n, "virtio,mmio") && (r = add_virtio(blob, n, pi)) < 0)
            return r;
    }
    if (uart >= 0 && (r = parse_uart(blob, uart, pi)) < 0)
        return r;
    if (plic >= 0 && (r = parse_plic(blob, plic, pi)) < 0)
        return r;
    if (clint >= 0) {
        if ((r = fdt_reg(blob, clint, 0, &pi->clint.base, &pi->clint.size)) < 0)
            return r;
        pi->clint.present = true;
    }
    return FDT_OK;
}

unsigned plat_info_smp_harts(const struct plat_info *pi, uint32_t boot_hartid, unsigned max,
                             uint32_t *ids)
{
    unsigned n = 0;
    if (max == 0)
        return 0;
    ids[n++] = boot_hartid;
    for (unsigned h = 0; h < pi->n_harts && n < max; h++) {
        if (pi->harts[h].hartid == boot_hartid || !pi->harts[h].s_mode || !pi->harts[h].enabled)
            continue;
        ids[n++] = pi->harts[h].hartid;
    }
    return n;
}
