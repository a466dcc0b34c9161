/* Root starts the console server (servers/uart, docs/console.md): the UART named in
 * the device tree (/chosen stdout-path, else the first ns16550a or sifive,uart0),
 * its device page retyped from the device untyped that covers it, an IRQHandler for
 * its line (IRQControl stays here), a notification for the line bound to the
 * server's thread, and the clients' endpoint, an unbadged Write + GrantReply copy of
 * which goes to mm0 (MM0_CAP_CONSOLE_EP) to mint per-process badged copies. */
#include <stdio.h>
#include <string.h>
#include <cpio.h>
#include <fdt.h>
#include <plat/poweroff.h>
#include "mm0_boot.h"
#include "uart_boot.h"
#include "root.h"

#define PAGE 4096ul
#define UART_PRIORITY 210   /* above mm0: input is echoed even while mm0 is busy */

extern const char boot_archive[], boot_archive_end[];

#define TRY(expr)                                                                     \
    do {                                                                              \
        int e_ = (int)(expr);                                                         \
        if (e_) {                                                                     \
            printf("root: console: %s failed: error %d\n", #expr, e_);                \
            return e_;                                                                \
        }                                                                             \
    } while (0)

struct uart_dt {
    uint64_t pa;
    uint32_t irq, shift, width;
    bool sifive;
};

static bool usable(const void *fdt, int node)
{
    return node >= 0 && fdt_node_available(fdt, node) &&
           (fdt_node_compatible(fdt, node, "ns16550a") || fdt_node_compatible(fdt, node, "sifive,uart0"));
}

/* The console UART from the device tree (checked whole first). */
static int find_uart(const struct k_bootinfo *bi, struct uart_dt *u)
{
    const void *fdt;
    uint64_t size, len;
    if (plat_boot_fdt(bi, &fdt, &size) || fdt_check(fdt, (size_t)size) != FDT_OK) return -1;
    int node = -1, chosen = fdt_path_offset(fdt, "/chosen");
    const char *out;
    if (chosen >= 0 && fdt_prop_str(fdt, chosen, "stdout-path", &out) == FDT_OK && out[0] == '/') {
        size_t n = 0;
        while (out[n] && out[n] != ':') n++;
        node = fdt_path_offset_n(fdt, out, n);
    }
    if (!usable(fdt, node)) {
        node = fdt_next_compatible(fdt, -1, "ns16550a");
        while (node >= 0 && !usable(fdt, node)) node = fdt_next_compatible(fdt, node, "ns16550a");
        if (node < 0) node = fdt_next_compatible(fdt, -1, "sifive,uart0");
        while (node >= 0 && !usable(fdt, node)) node = fdt_next_compatible(fdt, node, "sifive,uart0");
    }
    if (node < 0 || fdt_reg(fdt, node, 0, &u->pa, &len) < 0 || len < 8) return -1;
    if (fdt_prop_u32(fdt, node, "interrupts", &u->irq) != FDT_OK || u->irq == 0) return -1;
    u->sifive = fdt_node_compatible(fdt, node, "sifive,uart0");
    u->shift = u->width = 0;
    fdt_prop_u32(fdt, node, "reg-shift", &u->shift);
    if (fdt_prop_u32(fdt, node, "reg-io-width", &u->width) != FDT_OK) u->width = 1;
    if (u->shift > 2 || (u->width != 1 && u->width != 4) || (u->pa & (PAGE - 1)) + (8u << u->shift) > PAGE)
        return -1;
    return 0;
}

static void fill_uart_boot(uint8_t *page, const void *arg)
{
    memset(page, 0, PAGE);
    memcpy(page, arg, sizeof(struct uart_boot));
}

static int start(const struct k_bootinfo *bi, k_cptr_t mm0_cnode, unsigned mm0_bits, k_cptr_t root_ep)
{
    size_t archive_len = (size_t)(boot_archive_end - boot_archive);
    struct cpio_member m;
    if (cpio_find(boot_archive, archive_len, "uart", &m)) return 0;   /* no console in this image */
    struct uart_dt u;
    if (find_uart(bi, &u)) {
        printf("root: console: no usable UART in the device tree\n");
        return 0;
    }
    struct elf_image elf;
    int e = elf_open(&elf, m.data, m.size, PAGE, UART_IPC_VA);
    if (e) {
        printf("root: console: uart's ELF rejected: %s\n", elf_strerror(e));
        return e;
    }
    k_cptr_t cnode, tcb, vspace, ep, ntfn, frame, ipc, handler, irq_badged;
    TRY(make(K_CAPTABLE_OBJECT, UART_CNODE_BITS, &cnode));
    TRY(make(K_TCB_OBJECT, 0, &tcb));
    TRY(make(K_RISCV_PAGE_TABLE_OBJECT, 0, &vspace));
    TRY(k_riscv_asid_pool_assign(K_CAP_INIT_THREAD_ASID_POOL, vspace));
    TRY(make(K_ENDPOINT_OBJECT, 0, &ep));
    TRY(make(K_NOTIFICATION_OBJECT, 0, &ntfn));
    for (unsigned i = 0; i < elf_load_count(&elf); i++) {
        struct elf_segment seg;
        TRY(elf_load_segment(&elf, i, &seg));
        k_word_t rights = K_CAP_RIGHT_READ | (seg.w ? K_CAP_RIGHT_WRITE : 0);
        k_word_t attr = seg.x ? K_RISCV_DEFAULT_VM_ATTRIBUTES : K_RISCV_EXECUTE_NEVER;
        for (k_word_t va = seg.vaddr & ~(PAGE - 1); va < seg.vaddr + seg.memsz; va += PAGE) {
            struct segment_fill f = {m.data, &seg, va};
            TRY(new_frame(vspace, va, rights, attr, fill_segment, &f, 0));
        }
    }
    k_word_t rw = K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE;
    TRY(new_frame(vspace, UART_IPC_VA, rw, K_RISCV_EXECUTE_NEVER, 0, 0, &ipc));
    struct uart_boot ub = {UART_BOOT_MAGIC, u.pa & (PAGE - 1), u.shift, u.width, u.sifive, 0};
    TRY(new_frame(vspace, UART_BOOT_VA, K_CAP_RIGHT_READ, K_RISCV_EXECUTE_NEVER, fill_uart_boot, &ub, 0));
    TRY(device_frame(u.pa & ~(PAGE - 1), &frame));   /* devmem.c */
    TRY(map_page(frame, vspace, UART_DEV_VA, rw, K_RISCV_EXECUTE_NEVER));

    /* The interrupt: its handler signals the notification with UART_IRQ_BADGE; the
     * notification is bound to the server's thread, so it arrives on its Recv. */
    if (!(handler = slot()) || !(irq_badged = slot())) return K_NOT_ENOUGH_MEMORY;
    TRY(k_irq_control_get(K_CAP_IRQ_CONTROL, u.irq, ROOT, handler, ROOT_DEPTH));
    TRY(k_cnode_mint(ROOT, irq_badged, ROOT_DEPTH, ROOT, ntfn, ROOT_DEPTH, K_CAP_RIGHT_WRITE, UART_IRQ_BADGE));
    TRY(k_irq_handler_set_notification(handler, irq_badged));
    TRY(k_tcb_bind_notification(tcb, ntfn));

    k_word_t guard = k_cnode_cap_data(0, UART_DEPTH - UART_CNODE_BITS);
    TRY(k_cnode_copy(cnode, UART_CAP_EP, UART_CNODE_BITS, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL));
    TRY(k_cnode_copy(cnode, UART_CAP_NTFN, UART_CNODE_BITS, ROOT, ntfn, ROOT_DEPTH, K_CAP_RIGHT_READ));
    TRY(k_cnode_move(cnode, UART_CAP_IRQ, UART_CNODE_BITS, ROOT, handler, ROOT_DEPTH));
    TRY(k_cnode_move(cnode, UART_CAP_FRAME, UART_CNODE_BITS, ROOT, frame, ROOT_DEPTH));
    TRY(k_cnode_mint(cnode, UART_CAP_CNODE, UART_CNODE_BITS, ROOT, cnode, ROOT_DEPTH, K_CAP_RIGHTS_ALL, guard));
    /* Its faults go to root (badge ROOT_BADGE_CONSOLE): root reports them. */
    TRY(k_cnode_mint(cnode, UART_CAP_FAULT, UART_CNODE_BITS, ROOT, root_ep, ROOT_DEPTH,
                     K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT_REPLY, ROOT_BADGE_CONSOLE));
    TRY(k_cnode_mint(mm0_cnode, MM0_CAP_CONSOLE_EP, mm0_bits, ROOT, ep, ROOT_DEPTH,
                     K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT_REPLY, 0));

    TRY(k_tcb_configure(tcb, UART_CAP_FAULT, cnode, guard, vspace, 0, UART_IPC_VA, ipc));
    TRY(k_tcb_set_sched_params(tcb, K_CAP_INIT_THREAD_TCB, 0, UART_PRIORITY));
    if (ROOT_PRINTING) k_debug_name_thread(tcb, "uart");
    struct k_user_context regs;
    memset(&regs, 0, sizeof regs);
    regs.pc = elf.entry;
    TRY(k_tcb_write_registers(tcb, true, 0, K_USER_CONTEXT_WORDS, &regs));
    printf("root: console server on %s at 0x%lx, irq %u\n", u.sifive ? "sifive,uart0" : "ns16550a",
           (unsigned long)u.pa, (unsigned)u.irq);
    return 0;
}

void console_start(const struct k_bootinfo *bi, k_cptr_t mm0_cnode, unsigned mm0_cnode_bits,
                   k_cptr_t root_ep)
{
    if (start(bi, mm0_cnode, mm0_cnode_bits, root_ep)) printf("root: no console server; output goes through mm0\n");
}
