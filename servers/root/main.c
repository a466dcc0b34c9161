/* The root task: the first user program, holding every boot capability. It builds
 * mm0 (the memory manager and process server) from untyped memory, loads mm0's ELF
 * from the boot archive embedded in this image, hands mm0 the untyped memory meant
 * for processes, the archive (mapped read-only) and the few capabilities it needs,
 * starts the virtio-blk driver if the archive holds it (blk.c, docs/blk.md), then
 * waits: for a fault of mm0 (reported, fatal) or for mm0's power-off request.
 * docs/mm0.md describes what goes where and what root keeps. */
#include <k/k.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cpio.h>
#include <elf.h>
#include <plat/poweroff.h>
#include "mm0_boot.h"
#include "root.h"
#include "uart_boot.h"



#define IMAGE_BASE 0x10000ul
#define MM0_PRIORITY 200
#define MM0_MAX_PAGES 65536ul      /* mm0's page table size (servers/mm0/pages.c) */

const struct k_bootinfo *bi;
static k_cptr_t next_slot;
static k_cptr_t pool;              /* root's own untyped: everything root makes */
static unsigned pool_bits;
static k_cptr_t given[MM0_MAX_UNTYPED];   /* our originals of the untypeds mm0 got */
static unsigned n_given;

k_cptr_t slot(void)
{
    if (next_slot >= bi->empty.end) return 0;   /* the first PLAT_POWEROFF_SLOTS stay free */
    return next_slot++;
}

int make(k_word_t type, k_word_t bits, k_cptr_t *out)
{
    *out = slot();
    if (!*out) return K_NOT_ENOUGH_MEMORY;
    return k_untyped_retype(pool, type, bits, ROOT, 0, 0, *out, 1);
}

/* Map frame at va in vspace, making the page tables it lacks from the pool. */
int map_page(k_cptr_t frame, k_cptr_t vspace, k_word_t va, k_word_t rights, k_word_t attr)
{
    for (int tries = 0; tries < 4; tries++) {
        int e = k_riscv_page_map(frame, vspace, va, rights, attr);
        if (e != K_FAILED_LOOKUP) return e;
        k_cptr_t pt;
        CHECK(make(K_RISCV_PAGE_TABLE_OBJECT, 0, &pt));
        CHECK(k_riscv_page_table_map(pt, vspace, va, K_RISCV_DEFAULT_VM_ATTRIBUTES));
    }
    return K_FAILED_LOOKUP;
}

/* A new frame, filled through our scratch mapping by fill(page, arg), then mapped in
 * vspace at va. */
int new_frame(k_cptr_t vspace, k_word_t va, k_word_t rights, k_word_t attr,
              void (*fill)(uint8_t *page, const void *arg), const void *arg, k_cptr_t *out)
{
    k_cptr_t f;
    CHECK(make(K_RISCV_4K_PAGE_OBJECT, 0, &f));
    if (fill) {
        CHECK(map_page(f, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE,
                       K_RISCV_EXECUTE_NEVER));
        fill((uint8_t *)SCRATCH_VA, arg);
        CHECK(k_riscv_page_unmap(f));
    }
    CHECK(map_page(f, vspace, va, rights, attr));
    if (out) *out = f;
    return K_NO_ERROR;
}

/* ------------------------------------------------------------ untyped memory */

/* Pick root's pool: the smallest RAM untyped of at least `need` bits, split in halves
 * (buddies) down to exactly `need` bits; the other halves go to mm0 with the rest. */
static k_cptr_t ram_slots[K_MAX_BOOTINFO_UNTYPED];
static unsigned ram_bits[K_MAX_BOOTINFO_UNTYPED];
static k_word_t ram_paddr[K_MAX_BOOTINFO_UNTYPED];
static unsigned n_ram;

static int choose_pool(unsigned need)
{
    int best = -1;
    for (unsigned i = 0; i < n_ram; i++)
        if (ram_bits[i] >= need && (best < 0 || ram_bits[i] < ram_bits[best])) best = (int)i;
    if (best < 0) {
        printf("root: no untyped of 2^%u bytes for mm0's CNode\n", need);
        return K_NOT_ENOUGH_MEMORY;
    }
    k_cptr_t cur = ram_slots[best];
    k_word_t paddr = ram_paddr[best];
    unsigned bits = ram_bits[best];
    ram_slots[best] = 0;   /* no longer given whole */
    while (bits > need) {
        k_cptr_t halves = next_slot;
        if (bi->empty.end - next_slot < 2) return K_NOT_ENOUGH_MEMORY;
        next_slot += 2;
        CHECK(k_untyped_retype(cur, K_UNTYPED_OBJECT, bits - 1, ROOT, 0, 0, halves, 2));
        bits--;
        /* The upper half goes to mm0, the lower one is split again. */
        ram_slots[n_ram] = halves + 1;
        ram_bits[n_ram] = bits;
        ram_paddr[n_ram] = paddr + (1ul << bits);
        n_ram++;
        cur = halves;
    }
    pool = cur;
    pool_bits = bits;
    return K_NO_ERROR;
}

static unsigned log2_ceil(k_word_t x)
{
    unsigned b = 0;
    while ((1ul << b) < x) b++;
    return b;
}

/* ------------------------------------------------------------ mm0 */

void fill_segment(uint8_t *page, const void *arg)
{
    const struct segment_fill *f = arg;
    memset(page, 0, PAGE);
    k_word_t lo = f->va > f->seg->vaddr ? f->va : f->seg->vaddr;
    k_word_t end = f->seg->vaddr + f->seg->filesz;
    k_word_t hi = f->va + PAGE < end ? f->va + PAGE : end;
    if (lo < hi) memcpy(page + (lo - f->va), f->file + f->seg->offset + (lo - f->seg->vaddr), hi - lo);
}

static void fill_boot(uint8_t *page, const void *arg)
{
    memset(page, 0, PAGE);
    memcpy(page, arg, sizeof(struct mm0_boot));
}

/* An opened ELF's loadable segments into fresh frames of vspace, page by page, with
 * the permissions of its segments (file: the ELF's bytes). */
int load_image(const struct elf_image *elf, const uint8_t *file, k_cptr_t vspace)
{
    for (unsigned i = 0; i < elf_load_count(elf); i++) {
        struct elf_segment seg;
        CHECK(elf_load_segment(elf, i, &seg));
        k_word_t rights = K_CAP_RIGHT_READ | (seg.w ? K_CAP_RIGHT_WRITE : 0);
        k_word_t attr = seg.x ? K_RISCV_DEFAULT_VM_ATTRIBUTES : K_RISCV_EXECUTE_NEVER;
        for (k_word_t va = seg.vaddr & ~(PAGE - 1); va < seg.vaddr + seg.memsz; va += PAGE) {
            struct segment_fill f = {file, &seg, va};
            CHECK(new_frame(vspace, va, rights, attr, fill_segment, &f, 0));
        }
    }
    return K_NO_ERROR;
}

static struct mm0_boot boot;
static k_cptr_t mm0_tcb, mm0_cnode, mm0_vspace, root_ep;

static int start_mm0(void)
{
    size_t archive_len = (size_t)(boot_archive_end - boot_archive);
    struct cpio_member m;
    int e = cpio_find(boot_archive, archive_len, "mm0", &m);
    if (e) {
        printf("root: boot archive: mm0: %s\n", cpio_strerror(e));
        return e;
    }
    struct elf_image elf;
    e = elf_open(&elf, m.data, m.size, PAGE, MM0_IPC_VA);
    if (e) {
        printf("root: mm0's ELF rejected: %s\n", elf_strerror(e));
        return e;
    }

    /* Memory for processes: every RAM untyped except our pool, up to what mm0's page
     * table can hold; what is left over stays with us as the reserve. */
    for (k_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const struct k_untyped_desc *u = &bi->untyped_list[i];
        if (u->is_device || u->size_bits < K_PAGE_BITS) continue;
        ram_slots[n_ram] = bi->untyped.start + i;
        ram_bits[n_ram] = u->size_bits;
        ram_paddr[n_ram] = u->paddr;
        n_ram++;
    }
    k_word_t total = 0;
    for (unsigned i = 0; i < n_ram; i++) total += 1ul << (ram_bits[i] - K_PAGE_BITS);
    if (total > MM0_MAX_PAGES) total = MM0_MAX_PAGES;
    /* mm0 needs two slots a page (the page's untyped and the object made from it),
     * about one more a page for the capability copies that map frames into processes
     * (shared pages need one per mapping), its fixed slots, one reply slot per thread. */
    unsigned cnode_bits = log2_ceil(3 * total + MM0_CAP_FIRST_FREE + 4096 + 1024);
    /* The pool holds mm0's CNode, its image and bss (under 2 MiB), the VSpace roots
     * for processes (1 MiB) and root's own page tables. */
    CHECK(choose_pool(log2_ceil((1ul << (cnode_bits + K_SLOT_BITS)) + (4ul << 20))));

    CHECK(make(K_CAPTABLE_OBJECT, cnode_bits, &mm0_cnode));
    CHECK(make(K_TCB_OBJECT, 0, &mm0_tcb));
    CHECK(make(K_RISCV_PAGE_TABLE_OBJECT, 0, &mm0_vspace));
    CHECK(k_riscv_asid_pool_assign(K_CAP_INIT_THREAD_ASID_POOL, mm0_vspace));
    k_cptr_t service_ep, fault_ep;
    CHECK(make(K_ENDPOINT_OBJECT, 0, &service_ep));
    CHECK(make(K_ENDPOINT_OBJECT, 0, &fault_ep));
    CHECK(make(K_ENDPOINT_OBJECT, 0, &root_ep));

    /* mm0's image, page by page, with the permissions of its segments. */
    CHECK(load_image(&elf, m.data, mm0_vspace));
    k_cptr_t ipc;
    CHECK(new_frame(mm0_vspace, MM0_IPC_VA, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE,
                    K_RISCV_EXECUTE_NEVER, 0, 0, &ipc));

    /* The archive: copies of our own image frames that hold it, read-only. Our image
     * frames are listed in address order, one per page from IMAGE_BASE (the kernel
     * maps the root image that way; checked: the image ends at our IPC buffer). */
    k_word_t n_img = bi->user_image_frames.end - bi->user_image_frames.start;
    if ((k_word_t)bi->ipc_buffer != IMAGE_BASE + n_img * PAGE) {
        printf("root: image frames do not cover the image page by page\n");
        return K_INVALID_ARGUMENT;
    }
    k_word_t a_first = ((k_word_t)boot_archive - IMAGE_BASE) / PAGE;
    k_word_t a_pages = (archive_len + PAGE - 1) / PAGE;
    for (k_word_t i = 0; i < a_pages; i++) {
        k_cptr_t copy = slot();
        if (!copy) return K_NOT_ENOUGH_MEMORY;
        CHECK(k_cnode_copy(ROOT, copy, ROOT_DEPTH, ROOT, bi->user_image_frames.start + a_first + i,
                           ROOT_DEPTH, K_CAP_RIGHT_READ));
        CHECK(map_page(copy, mm0_vspace, MM0_ARCHIVE_VA + i * PAGE, K_CAP_RIGHT_READ,
                       K_RISCV_EXECUTE_NEVER));
    }

    /* Capabilities, at the slots mm0_boot.h names. */
    k_word_t guard = k_cnode_cap_data(0, MM0_DEPTH - cnode_bits);
    CHECK(k_cnode_copy(mm0_cnode, MM0_CAP_TCB, cnode_bits, ROOT, mm0_tcb, ROOT_DEPTH, K_CAP_RIGHTS_ALL));
    CHECK(k_cnode_mint(mm0_cnode, MM0_CAP_CNODE, cnode_bits, ROOT, mm0_cnode, ROOT_DEPTH,
                       K_CAP_RIGHTS_ALL, guard));
    CHECK(k_cnode_copy(mm0_cnode, MM0_CAP_VSPACE, cnode_bits, ROOT, mm0_vspace, ROOT_DEPTH, K_CAP_RIGHTS_ALL));
    /* VSpace roots for processes, with ASIDs from our pool: mm0 needs no ASID pool
     * of its own (machine-wide authority stays here: policy/system.policy). */
    for (unsigned i = 0; i < MM0_MAX_VSPACES; i++) {
        k_cptr_t vs;
        CHECK(make(K_RISCV_PAGE_TABLE_OBJECT, 0, &vs));
        CHECK(k_riscv_asid_pool_assign(K_CAP_INIT_THREAD_ASID_POOL, vs));
        CHECK(k_cnode_move(mm0_cnode, MM0_CAP_FIRST_VSPACE + i, cnode_bits, ROOT, vs, ROOT_DEPTH));
        next_slot--;   /* moved out: the slot is empty again */
    }
    boot.n_vspaces = MM0_MAX_VSPACES;
    CHECK(k_cnode_move(mm0_cnode, MM0_CAP_SERVICE_EP, cnode_bits, ROOT, service_ep, ROOT_DEPTH));
    CHECK(k_cnode_move(mm0_cnode, MM0_CAP_FAULT_EP, cnode_bits, ROOT, fault_ep, ROOT_DEPTH));
    CHECK(k_cnode_mint(mm0_cnode, MM0_CAP_ROOT_EP, cnode_bits, ROOT, root_ep, ROOT_DEPTH,
                       K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT_REPLY, 1));
    CHECK(k_cnode_copy(mm0_cnode, MM0_CAP_IPC_FRAME, cnode_bits, ROOT, ipc, ROOT_DEPTH, K_CAP_RIGHTS_ALL));
    k_word_t pages = 0;
    for (unsigned i = 0; i < n_ram && n_given < MM0_MAX_UNTYPED; i++) {
        if (!ram_slots[i]) continue;
        k_word_t p = 1ul << (ram_bits[i] - K_PAGE_BITS);
        if (pages + p > MM0_MAX_PAGES) continue;   /* stays with us: the reserve */
        CHECK(k_cnode_copy(mm0_cnode, MM0_CAP_FIRST_UNTYPED + n_given, cnode_bits, ROOT,
                           ram_slots[i], ROOT_DEPTH, K_CAP_RIGHTS_ALL));
        boot.untyped[n_given].paddr = ram_paddr[i];
        boot.untyped[n_given].size_bits = ram_bits[i];
        given[n_given++] = ram_slots[i];
        pages += p;
    }
    boot.magic = MM0_BOOT_MAGIC;
    boot.cnode_bits = cnode_bits;
    boot.archive_len = archive_len;
    boot.n_untyped = n_given;
    boot.priority = MM0_PRIORITY;
    boot.printing = ROOT_PRINTING;
    boot.timebase_hz = root_timebase(bi);   /* time.c */
    CHECK(new_frame(mm0_vspace, MM0_BOOT_VA, K_CAP_RIGHT_READ, K_RISCV_EXECUTE_NEVER,
                    fill_boot, &boot, 0));
    printf("root: mm0 gets %lu KiB in %u untypeds, a CNode of 2^%u slots and a %lu KiB archive\n",
           pages * 4, n_given, cnode_bits, (k_word_t)archive_len >> 10);

    /* The thread: faults go to root (slot MM0_CAP_ROOT_EP in mm0's CSpace). */
    CHECK(k_tcb_configure(mm0_tcb, MM0_CAP_ROOT_EP, mm0_cnode, guard, mm0_vspace, 0, MM0_IPC_VA, ipc));
    CHECK(k_tcb_set_sched_params(mm0_tcb, K_CAP_INIT_THREAD_TCB, MM0_PRIORITY, MM0_PRIORITY));
    if (ROOT_PRINTING) k_debug_name_thread(mm0_tcb, "mm0");
    struct k_user_context regs;
    memset(&regs, 0, sizeof regs);
    regs.pc = elf.entry;
    CHECK(k_tcb_write_registers(mm0_tcb, true, 0, K_USER_CONTEXT_WORDS, &regs));
    return K_NO_ERROR;
}

/* Take everything back: every object mm0 made (processes, its second thread) goes
 * with the revoke of the untypeds we copied to it; mm0 itself with our pool. */
static void tear_down(void)
{
    k_tcb_suspend(mm0_tcb);
    for (unsigned i = 0; i < n_given; i++) k_cnode_revoke(ROOT, given[i], ROOT_DEPTH);
    k_cnode_revoke(ROOT, pool, ROOT_DEPTH);
}

/* The whole system's capabilities, for tools/capaudit (docs/audit.md): mm0 asks once
 * it has made init, so the snapshot shows root, mm0 and a process. */
static void audit_snapshot(void)
{
    if (!ROOT_PRINTING) return;
    k_word_t cursor = 0, caps = 0, tcbs = 0, cnodes = 0, calls = 0;
    enum k_error err;
    do {
        err = k_audit_snapshot(K_CAP_AUDIT, cursor, 64, &cursor, &caps, &tcbs, &cnodes);
        calls++;
    } while (err == K_NO_ERROR && cursor != 0);
    if (err != K_NO_ERROR) printf("root: audit snapshot failed: error %d\n", (int)err);
    else printf("root: audit snapshot: %lu caps, %lu threads, %lu CNodes in %lu calls\n", caps, tcbs,
                cnodes, calls);
}

static void serve(void)
{
    for (;;) {
        k_word_t badge, m0, m1, m2, m3;
        k_word_t info = k_recv(root_ep, &badge, &m0, &m1, &m2, &m3);
        k_word_t label = k_msginfo_label(info);
        if (badge == ROOT_BADGE_CONSOLE) {   /* not answered: the console server stays stopped */
            printf("root: console server FAULTED: fault type %lu, pc 0x%lx, address 0x%lx\n", label, m0, m1);
            continue;
        }
        if (label == ROOT_REQ_POWEROFF) {
            printf("root: mm0 asks for power-off (status %ld)\n", (long)m0);
            return;
        }
        if (label == ROOT_REQ_AUDIT) {
            audit_snapshot();
            k_reply(k_msginfo_new(0, 0, 0, 0), 0, 0, 0, 0);
            continue;
        }
        /* Anything else on this endpoint is a fault of mm0: fatal for the system. */
        printf("root: mm0 FAULTED: fault type %lu, pc 0x%lx, address/arg 0x%lx, 0x%lx\n",
               label, m0, m1, m2);
        (void)m3;
        return;
    }
}

int main(void *bootinfo)
{
    bi = bootinfo;
    if (ROOT_PRINTING) k_debug_name_thread(K_CAP_INIT_THREAD_TCB, "root");
    /* The slots plat_poweroff needs at the end, kept free from the start. */
    next_slot = bi->empty.start + PLAT_POWEROFF_SLOTS;
    printf("root: hello from user mode\n");
    printf("root: starting mm0 from the boot archive (%lu KiB)\n",
           (k_word_t)(boot_archive_end - boot_archive) >> 10);
    int e = start_mm0();
    if (e) {
        printf("root: cannot start mm0 (error %d); powering off\n", e);
    } else {
        /* The console first: device frames come in address order (devmem.c), and
         * the UART sits below the virtio-mmio slots on QEMU virt. */
        console_start(bi, mm0_cnode, (unsigned)boot.cnode_bits, root_ep);   /* servers/root/console.c */
        blk_start(mm0_cnode, (unsigned)boot.cnode_bits);   /* the virtio-blk driver, if the archive has it (blk.c) */
        serve();
        tear_down();
        printf("root: everything mm0 held is revoked; powering off\n");
    }
    plat_poweroff_or_stop(bi, bi->empty.start, PLAT_POWEROFF_SLOTS);
}
