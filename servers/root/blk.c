/* Starting servers/blk, the virtio-blk driver (docs/blk.md): root finds the device in
 * the device tree, probes each virtio-mmio slot through a frame of its device untyped
 * (4.2.2 of virtio 1.1: magic, version 2, device ID 2), and builds the driver's task
 * from its pool holding only what docs/blk.md lists. In the blk test image the archive
 * also holds "blktest", a client run against the driver; root waits until it is done
 * before mm0's processes get the machine. */
#include <k/k.h>
#include <stdio.h>
#include <string.h>
#include <cpio.h>
#include <elf.h>
#include <plat/poweroff.h>
#include "platform_info.h"
#include "blk_proto.h"
#include "blktest.h"
#include "mm0_boot.h"
#include "root.h"

#define BLK_PRIORITY 210       /* above mm0 (200): it serves mm0's file server */
#define CLIENT_PRIORITY 205
#define VIRTIO_MAGIC 0x74726976u

static struct plat_info info;
/* Which virtio-mmio slot has a modern block device: its frame in *frame, its index. */
static int find_device(k_cptr_t *frame)
{
    const void *fdt;
    uint64_t size;
    if (plat_boot_fdt(bi, &fdt, &size) || plat_info_from_fdt(fdt, size, &info)) {
        printf("root: blk: no usable device tree\n");
        return -1;
    }
    for (unsigned i = 0; i < info.n_virtio; i++) {
        k_word_t pa = info.virtio[i].base;
        if ((pa & (PAGE - 1)) || info.virtio[i].size < 0x100) continue;   /* not a page of its own */
        k_cptr_t f;
        if (device_frame(pa, &f) != K_NO_ERROR) continue;
        if (map_page(f, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE,
                     K_RISCV_EXECUTE_NEVER) != K_NO_ERROR)
            continue;
        volatile uint32_t *r = (volatile uint32_t *)SCRATCH_VA;
        bool is_blk = r[0] == VIRTIO_MAGIC && r[1] == 2 && r[2] == 2;
        if (r[0] == VIRTIO_MAGIC && r[1] != 2 && r[2] == 2)
            printf("root: blk: the virtio-blk at 0x%lx has interface version %u; only 2 (virtio 1.x) "
                   "is driven\n", pa, r[1]);
        k_riscv_page_unmap(f);
        if (is_blk) {
            printf("root: blk: virtio-blk at 0x%lx, irq %u\n", pa, info.virtio[i].irq);
            *frame = f;
            return (int)i;
        }
        k_cnode_delete(ROOT, f, ROOT_DEPTH);
    }
    printf("root: blk: no virtio-blk device among %u virtio-mmio slots; driver not started\n",
           info.n_virtio);
    return -1;
}

/* A thread in a new CSpace (one CNode of 2^bits slots, guarded to 64 bits) and a new
 * VSpace, running the archive's ELF `name` with its IPC buffer at ipc_va. */
struct task {
    k_cptr_t tcb, cnode, vspace;
    k_word_t guard, entry;
};

static int task_new(const char *name, unsigned bits, k_word_t ipc_va, struct task *t)
{
    struct cpio_member m;
    struct elf_image elf;
    if (cpio_find(boot_archive, (size_t)(boot_archive_end - boot_archive), name, &m)) return -1;
    int e = elf_open(&elf, m.data, m.size, PAGE, ipc_va);
    if (e) {
        printf("root: %s's ELF rejected: %s\n", name, elf_strerror(e));
        return e;
    }
    CHECK(make(K_CAPTABLE_OBJECT, bits, &t->cnode));
    CHECK(make(K_TCB_OBJECT, 0, &t->tcb));
    CHECK(make(K_RISCV_PAGE_TABLE_OBJECT, 0, &t->vspace));
    CHECK(k_riscv_asid_pool_assign(K_CAP_INIT_THREAD_ASID_POOL, t->vspace));
    CHECK(load_image(&elf, m.data, t->vspace));
    k_cptr_t ipc;
    CHECK(new_frame(t->vspace, ipc_va, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_EXECUTE_NEVER, 0, 0,
                    &ipc));
    t->guard = k_cnode_cap_data(0, 64 - bits);
    t->entry = elf.entry;
    CHECK(k_tcb_configure(t->tcb, 0, t->cnode, t->guard, t->vspace, 0, ipc_va, ipc));
    return K_NO_ERROR;
}

static int task_run(struct task *t, const char *name, k_cptr_t fault_ep, unsigned prio)
{
    CHECK(k_tcb_set_space(t->tcb, fault_ep, t->cnode, t->guard, t->vspace, 0));
    CHECK(k_tcb_set_sched_params(t->tcb, K_CAP_INIT_THREAD_TCB, prio, prio));
    if (ROOT_PRINTING) k_debug_name_thread(t->tcb, name);
    struct k_user_context regs;
    memset(&regs, 0, sizeof regs);
    regs.pc = t->entry;
    return k_tcb_write_registers(t->tcb, true, 0, K_USER_CONTEXT_WORDS, &regs);
}

/* driver_ep: the original of the clients' endpoint, kept for badged copies (fs0's, the
 * test client's); done_ep: root's, for the driver's and the client's faults and the
 * client's report. */
static k_cptr_t driver_ep, done_ep;

/* Our cap into slot `to` of t's CNode (of 2^bits slots): moved (give), or a copy
 * with rights and badge (mint). */
static int give(struct task *t, unsigned bits, k_cptr_t to, k_cptr_t cap)
{
    return k_cnode_move(t->cnode, to, bits, ROOT, cap, ROOT_DEPTH);
}

static int mint(struct task *t, unsigned bits, k_cptr_t to, k_cptr_t cap, k_word_t rights, k_word_t badge)
{
    return k_cnode_mint(t->cnode, to, bits, ROOT, cap, ROOT_DEPTH, rights, badge);
}

static void fill_boot(uint8_t *page, const void *arg)
{
    memset(page, 0, PAGE);
    memcpy(page, arg, sizeof(struct blk_boot));
}

/* The driver: only the capabilities docs/blk.md lists. */
static int start_driver(k_cptr_t dev, unsigned irq)
{
    struct task t;
    CHECK(task_new("blk", BLK_CNODE_BITS, BLK_IPC_VA, &t));
    struct blk_boot bb = {BLK_BOOT_MAGIC, BLK_MODE_VIRTIO, 0, 0};
    CHECK(new_frame(t.vspace, BLK_BOOT_VA, K_CAP_RIGHT_READ, K_RISCV_EXECUTE_NEVER, fill_boot, &bb, 0));
    k_cptr_t ntfn, handler, queue;
    CHECK(make(K_NOTIFICATION_OBJECT, 0, &ntfn));
    CHECK(make(K_ENDPOINT_OBJECT, 0, &driver_ep));
    handler = slot();
    if (!handler) return K_NOT_ENOUGH_MEMORY;
    CHECK(k_irq_control_get(K_CAP_IRQ_CONTROL, irq, ROOT, handler, ROOT_DEPTH));
    CHECK(k_irq_handler_set_notification(handler, ntfn));
    CHECK(map_page(dev, t.vspace, BLK_DEVICE_VA, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_EXECUTE_NEVER));
    CHECK(new_frame(t.vspace, BLK_QUEUE_VA, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_EXECUTE_NEVER, 0, 0,
                    &queue));

    unsigned b = BLK_CNODE_BITS;
    CHECK(mint(&t, b, BLK_CAP_CNODE, t.cnode, K_CAP_RIGHTS_ALL, t.guard));
    CHECK(k_cnode_copy(t.cnode, BLK_CAP_VSPACE, b, ROOT, t.vspace, ROOT_DEPTH, K_CAP_RIGHTS_ALL));
    CHECK(give(&t, b, BLK_CAP_DEVICE, dev));
    CHECK(give(&t, b, BLK_CAP_IRQ, handler));
    CHECK(k_cnode_copy(t.cnode, BLK_CAP_NTFN, b, ROOT, ntfn, ROOT_DEPTH, K_CAP_RIGHT_READ));
    CHECK(k_cnode_copy(t.cnode, BLK_CAP_EP, b, ROOT, driver_ep, ROOT_DEPTH, K_CAP_RIGHT_READ));
    CHECK(give(&t, b, BLK_CAP_QUEUE, queue));
    CHECK(mint(&t, b, BLK_CAP_FAULT_EP, done_ep, K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT_REPLY, BLKTEST_BADGE_DRIVER));
    return task_run(&t, "blk", BLK_CAP_FAULT_EP, BLK_PRIORITY);
}

/* RAM mode (docs/blk.md): the initrd's pages, frames of the device memory the kernel
 * made of it, mapped in order at BLK_RAMDISK_VA; no device, IRQ or queue. Root keeps
 * the frames' capabilities (the driver never needs them, only the mappings). */
static int start_ram_driver(void)
{
    k_word_t pa = info.initrd.base, pages = (info.initrd.size + PAGE - 1) / PAGE;
    struct task t;
    CHECK(task_new("blk", BLK_CNODE_BITS, BLK_IPC_VA, &t));
    struct blk_boot bb = {BLK_BOOT_MAGIC, BLK_MODE_RAM, info.initrd.size / BLK_SECTOR, pa};
    CHECK(new_frame(t.vspace, BLK_BOOT_VA, K_CAP_RIGHT_READ, K_RISCV_EXECUTE_NEVER, fill_boot, &bb, 0));
    for (k_word_t i = 0; i < pages; i++) {
        k_cptr_t f;
        CHECK(device_frame(pa + i * PAGE, &f));   /* devmem.c */
        CHECK(map_page(f, t.vspace, BLK_RAMDISK_VA + i * PAGE, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE,
                       K_RISCV_EXECUTE_NEVER));
    }
    CHECK(make(K_ENDPOINT_OBJECT, 0, &driver_ep));
    unsigned b = BLK_CNODE_BITS;
    CHECK(mint(&t, b, BLK_CAP_CNODE, t.cnode, K_CAP_RIGHTS_ALL, t.guard));
    CHECK(k_cnode_copy(t.cnode, BLK_CAP_VSPACE, b, ROOT, t.vspace, ROOT_DEPTH, K_CAP_RIGHTS_ALL));
    CHECK(k_cnode_copy(t.cnode, BLK_CAP_EP, b, ROOT, driver_ep, ROOT_DEPTH, K_CAP_RIGHT_READ));
    CHECK(mint(&t, b, BLK_CAP_FAULT_EP, done_ep, K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT_REPLY, BLKTEST_BADGE_DRIVER));
    return task_run(&t, "blk", BLK_CAP_FAULT_EP, BLK_PRIORITY);
}

/* The test client (test/blk/client.c): its CSpace as blktest.h lists it. */
static int start_client(void)
{
    struct task t;
    CHECK(task_new("blktest", BLKTEST_CNODE_BITS, BLKTEST_IPC_VA, &t));
    unsigned b = BLKTEST_CNODE_BITS;
    k_cptr_t buf, spare;
    CHECK(new_frame(t.vspace, BLKTEST_BUF_VA, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_EXECUTE_NEVER, 0, 0,
                    &buf));
    CHECK(make(K_RISCV_4K_PAGE_OBJECT, 0, &spare));
    CHECK(mint(&t, b, BLKTEST_CAP_EP, driver_ep, K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT | K_CAP_RIGHT_GRANT_REPLY,
               1));
    CHECK(mint(&t, b, BLKTEST_CAP_EP_NO_BADGE, driver_ep,
               K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT | K_CAP_RIGHT_GRANT_REPLY, 0));
    CHECK(give(&t, b, BLKTEST_CAP_BUF, buf));
    CHECK(give(&t, b, BLKTEST_CAP_SPARE, spare));
    CHECK(mint(&t, b, BLKTEST_CAP_DONE_EP, done_ep, K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT_REPLY,
               BLKTEST_BADGE_CLIENT));
    return task_run(&t, "blktest", BLKTEST_CAP_DONE_EP, CLIENT_PRIORITY);
}

/* fs0's copy of the clients' endpoint into mm0's boot slot, for mm0 to move on into
 * fs0's CSpace (docs/fs0.md "The disk"). Write to call, Grant for the one REGISTER of
 * its data frame, GrantReply for the reply; badge BLK_BADGE_FS0 names it. */
static void give_fs0(k_cptr_t mm0_cnode, unsigned mm0_bits)
{
    struct cpio_member m;
    if (cpio_find(boot_archive, (size_t)(boot_archive_end - boot_archive), "fs0", &m)) return;
    int e = k_cnode_mint(mm0_cnode, MM0_CAP_BLK_EP, mm0_bits, ROOT, driver_ep, ROOT_DEPTH,
                         K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT | K_CAP_RIGHT_GRANT_REPLY, BLK_BADGE_FS0);
    if (e) printf("root: blk: cannot give fs0's endpoint to mm0: error %d\n", e);
    else printf("root: blk: fs0's endpoint (badge %u) goes to mm0 for fs0\n", BLK_BADGE_FS0);
}

void blk_start(k_cptr_t mm0_cnode, unsigned mm0_bits)
{
    struct cpio_member m;
    size_t len = (size_t)(boot_archive_end - boot_archive);
    if (cpio_find(boot_archive, len, "blk", &m)) return;   /* not in this system */
    k_cptr_t dev;
    int i = find_device(&dev);
    if (i < 0) {
        /* No virtio: the initrd of /chosen, if any, is the disk (RAM mode), for fs0
         * or the test client. */
        if (!info.initrd.size ||
            (cpio_find(boot_archive, len, "fs0", &m) && cpio_find(boot_archive, len, "blktest", &m)))
            return;
        if (info.initrd.size < 4 * BLK_SECTOR || (info.initrd.base & (PAGE - 1))) {
            printf("root: blk: the initrd at 0x%lx (%lu bytes) is no disk: too small or not page-aligned\n",
                   (unsigned long)info.initrd.base, (unsigned long)info.initrd.size);
            return;
        }
        printf("root: blk: the initrd at 0x%lx (%lu KiB) is the disk, in RAM mode\n",
               (unsigned long)info.initrd.base, (unsigned long)(info.initrd.size >> 10));
        if (make(K_ENDPOINT_OBJECT, 0, &done_ep) != K_NO_ERROR || start_ram_driver() != K_NO_ERROR) {
            printf("root: blk: cannot start the driver\n");
            return;
        }
        give_fs0(mm0_cnode, mm0_bits);
        goto client;
    }
    if (make(K_ENDPOINT_OBJECT, 0, &done_ep) != K_NO_ERROR || start_driver(dev, info.virtio[i].irq) != K_NO_ERROR) {
        printf("root: blk: cannot start the driver\n");
        return;
    }
    give_fs0(mm0_cnode, mm0_bits);
client:
    if (cpio_find(boot_archive, len, "blktest", &m)) return;
    if (start_client() != K_NO_ERROR) {
        printf("root: blk: cannot start the test client\n");
        return;
    }
    /* Until the client says it is done, or a fault of either arrives. */
    k_word_t badge, m0, m1, m2, m3;
    k_word_t label = k_msginfo_label(k_recv(done_ep, &badge, &m0, &m1, &m2, &m3));
    if (badge == BLKTEST_BADGE_CLIENT && label == BLKTEST_DONE)
        printf("root: blk: the test client is done (%lu failed)\n", m0);
    else
        printf("root: blk: %s FAULTED: fault type %lu, pc 0x%lx, address/arg 0x%lx\n",
               badge == BLKTEST_BADGE_DRIVER ? "the driver" : "the test client", label, m0, m1);
    (void)m2;
    (void)m3;
}
