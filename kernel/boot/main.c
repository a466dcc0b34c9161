/* kernel_main: everything from the first C instruction to the first user instruction.
 * head.S has turned on paging with the kernel in the upper half and given us a stack. */
#include <types.h>
#include <arch.h>
#include <arch/layout.h>
#include <kprintf.h>
#include <kstring.h>
#include <console.h>
#include <sched.h>
#include <boot.h>
#include <bootmem.h>
#include <sbi.h>
#include <fdt.h>
#include <platform_info.h>
#include <quirks.h>
#include <plic.h>
#include <node.h>

#define FDT_MAX_SIZE (1u << 20)   /* device trees are a few KiB; refuse absurd headers */

extern char __kernel_start[], __kernel_end[];

static struct plat_info plat;     /* static: boot structures never live on a heap */

/* The device tree names an initrd the root task can have as device memory. */
static bool initrd_usable(void)
{
    return plat.initrd.size && !(plat.initrd.base & (PAGE_SIZE - 1)) &&
           plat.initrd.base + plat.initrd.size > plat.initrd.base;
}
static struct bootmem mem, devmem;
static uint32_t dtb_size;
static struct board_quirks quirks;

static void print_size(uint64_t bytes)
{
    if (bytes >= (1ul << 30) && !(bytes & ((1ul << 30) - 1))) kprintf("%lu GiB", bytes >> 30);
    else if (bytes >= (1ul << 20)) kprintf("%lu MiB", bytes >> 20);
    else kprintf("%lu KiB", bytes >> 10);
}

static void all_threads_done(void)
{
#ifdef CONFIG_DEBUG_BUILD
    kprintf("kernel: all threads finished after %lu timer ticks; powering off\n", sched_ticks());
    arch_poweroff();
#else
    /* Without the debug calls no thread may stop the machine, not even by ending: the
     * kernel idles, as seL4 does. (Powering off is a device's job: libs/libplat.) */
    kprintf("kernel: all threads finished after %lu timer ticks; idling\n", sched_ticks());
    sched_on_idle_forever = NULL;
#endif
}

static void read_device_tree(paddr_t dtb)
{
    const void *blob = paddr_to_kva(dtb);
    uint32_t size = fdt_header_totalsize(blob);
    if (size > FDT_MAX_SIZE) panic("device tree at 0x%lx claims %u bytes", dtb, size);
    int err = plat_info_from_fdt(blob, size, &plat);
    if (err) panic("device tree at 0x%lx: %s", dtb, fdt_strerror(err));
    quirks = board_quirks(blob);
    arch_quirk_flush_whole_asid = quirks.flags & QUIRK_FLUSH_WHOLE_ASID;

    if (plat.uart.present &&
        console_use(plat.uart.compatible, (uintptr_t)paddr_to_kva(plat.uart.base),
                    plat.uart.reg_shift, plat.uart.reg_io_width)) {
        /* From here on the kernel writes the UART directly. */
    }

    /* Usable memory: RAM minus firmware reservations, the kernel and the tree itself. */
    bootmem_init(&mem);
    for (unsigned i = 0; i < plat.n_mem; i++)
        if (bootmem_add(&mem, plat.mem[i].base, plat.mem[i].size) < 0) panic("too many memory regions");
    for (unsigned i = 0; i < plat.n_reserved; i++)
        if (bootmem_reserve(&mem, plat.reserved[i].base, plat.reserved[i].size) < 0) panic("too many reserved regions");
    /* OpenSBI lists its own region under /reserved-memory, so it is already out. */
    paddr_t kbase = kva_to_paddr(__kernel_start), kend = kva_to_paddr(__kernel_end);
    if (bootmem_reserve(&mem, kbase, kend - kbase) < 0 ||
        bootmem_reserve(&mem, ALIGN_DOWN(dtb, PAGE_SIZE), ALIGN_UP(dtb + size, PAGE_SIZE) - ALIGN_DOWN(dtb, PAGE_SIZE)) < 0)
        panic("too many reserved regions");
    /* The initrd (QEMU's -initrd): never RAM for untypeds; device_regions hands it to
     * the root task as device memory instead, for a RAM disk (docs/blk.md). Whole
     * pages from a page-aligned start only. */
    if (initrd_usable() && bootmem_reserve(&mem, plat.initrd.base, ALIGN_UP(plat.initrd.size, PAGE_SIZE)) < 0)
        panic("too many reserved regions");
    dtb_size = size;
}

/* Device memory for the root task: the physical address space below 2^39 that is not
 * RAM, minus the devices the kernel drives itself (PLIC, CLINT). The console UART is
 * included, so a user-level driver can take its receive side (seL4 on qemu-riscv-virt
 * leaves the UART to user level too): the kernel keeps writing its console through the
 * same transmit registers and never reads the receive buffer, which is harmless. */
static void device_regions(struct bootmem *dev)
{
    bootmem_init(dev);
    bootmem_add(dev, 0, 1ull << 39);
    for (unsigned i = 0; i < plat.n_mem; i++) bootmem_reserve(dev, plat.mem[i].base, plat.mem[i].size);
    for (unsigned i = 0; i < plat.n_reserved; i++) bootmem_reserve(dev, plat.reserved[i].base, plat.reserved[i].size);
    if (initrd_usable()) bootmem_add(dev, plat.initrd.base, ALIGN_UP(plat.initrd.size, PAGE_SIZE));
    if (plat.plic.present) bootmem_reserve(dev, plat.plic.base, plat.plic.size);
    if (plat.clint.present) bootmem_reserve(dev, plat.clint.base, plat.clint.size);
}

static void banner(unsigned hartid, paddr_t dtb)
{
    kprintf("\nkernel: capability microkernel for RISC-V (seL4 ABI), booting on hart %u\n", hartid);
    kprintf("platform: %s%s\n", plat.model, plat.model_truncated ? "..." : "");
    kprintf("quirks: %s\n", quirks.name);
    kprintf("sbi: spec %ld.%ld, implementation %ld version 0x%lx\n",
            (sbi_spec_version() >> 24) & 0x7f, sbi_spec_version() & 0xffffff,
            sbi_impl_id(), sbi_impl_version());
    uint64_t total = 0;
    for (unsigned i = 0; i < plat.n_mem; i++) {
        kprintf("memory: 0x%lx-0x%lx (", plat.mem[i].base, plat.mem[i].base + plat.mem[i].size);
        print_size(plat.mem[i].size);
        kprintf(")\n");
        total += plat.mem[i].size;
    }
    kprintf("memory total: %lu MiB\n", total >> 20);
    for (unsigned i = 0; i < plat.n_reserved; i++)
        kprintf("reserved: 0x%lx-0x%lx (firmware)\n", plat.reserved[i].base,
                plat.reserved[i].base + plat.reserved[i].size);
    kprintf("reserved: 0x%lx-0x%lx (kernel)\n", kva_to_paddr(__kernel_start), kva_to_paddr(__kernel_end));
    if (initrd_usable())
        kprintf("reserved: 0x%lx-0x%lx (initrd, device memory for the root task)\n", plat.initrd.base,
                plat.initrd.base + ALIGN_UP(plat.initrd.size, PAGE_SIZE));
    else if (plat.initrd.size)
        kprintf("initrd: 0x%lx is not page-aligned: left as RAM\n", plat.initrd.base);
    kprintf("reserved: 0x%lx (device tree)\n", dtb);
    for (unsigned i = 0; i < mem.n; i++)
        kprintf("free: 0x%lx-0x%lx\n", mem.r[i].base, mem.r[i].end);
    if (plat.uart.present)
        kprintf("uart: %s @ 0x%lx irq %u (console: %s)\n", plat.uart.compatible, plat.uart.base,
                plat.uart.irq, console_name());
    if (plat.plic.present)
        kprintf("plic: @ 0x%lx, %u sources\n", plat.plic.base, plat.plic.ndev);
    if (plat.clint.present)
        kprintf("clint: @ 0x%lx\n", plat.clint.base);
    kprintf("asid: %u bits%s\n", arch_asid_bits,
            arch_asid_bits < 16 ? " (fewer than the kernel's 16: every address-space switch flushes the TLB)" : "");
    kprintf("timebase: %lu Hz, timer %s\n", plat.timebase_hz,
            arch_timer_direct() ? "stimecmp (Sstc)" : "SBI set_timer");
    unsigned smode = 0;
    for (unsigned i = 0; i < plat.n_harts; i++)
        if (plat.harts[i].s_mode && plat.harts[i].enabled) smode++;
    kprintf("harts: %u (%u with S-mode); boot hart %u\n", plat.n_harts, smode, hartid);
    for (unsigned i = 0; i < plat.n_virtio; i++)
        kprintf("virtio-mmio: @ 0x%lx irq %u\n", plat.virtio[i].base, plat.virtio[i].irq);
}

NORETURN void kernel_main(unsigned long hartid, paddr_t dtb)
{
    arch_init();
    arch_vm_init();
    node_init_boot(hartid);
    /* Held from here to the first exit to user mode: the other harts, once started,
     * wait for it, so they see the kernel only after boot is complete. */
    kernel_lock();
    read_device_tree(dtb);
    banner((unsigned)hartid, dtb);
    plic_init(&plat, (unsigned)hartid);
    if (!plat.timebase_hz) panic("device tree gives no timebase-frequency");
    /* Before the boot tasks: their boot info reports how many harts run (numNodes). */
    unsigned nodes = node_start_secondaries(&plat, hartid);
    kprintf("smp: %u hart%s running the kernel (", nodes, nodes == 1 ? "" : "s");
    for (unsigned i = 0; i < nodes; i++)
        kprintf("%snode %u = hart %lu", i ? ", " : "", i, node_by_index(i)->hartid);
    kprintf("); at most %u (CONFIG_MAX_NUM_NODES)\n", CONFIG_MAX_NUM_NODES);

    unsigned n = boot_start_tasks(&mem, dtb, dtb_size);
    if (n == 0) panic("no boot task could be started");
    kprintf("kernel: %u boot task%s started, %lu KiB of memory left for untyped\n", n, n == 1 ? "" : "s",
            bootmem_free_bytes(&mem) >> 10);
    device_regions(&devmem);
    root_task_give_untyped(&mem, &devmem);
    sched_on_idle_forever = all_threads_done;
    sched_init(plat.timebase_hz, CONFIG_TIME_SLICE_US);
    schedule_and_return();
}
