/* The root task's capabilities and boot-info frame, laid out as seL4 13.0.0 lays them
 * out (docs/abi.md, "Boot info"; seL4's try_init_kernel in src/arch/riscv/kernel/boot.c
 * and create_untypeds in src/kernel/boot.c): the 16 initial capabilities at fixed
 * slots of a root CNode of 2^CONFIG_ROOT_CNODE_SIZE_BITS slots, then, from slot 16
 * and each region described in the boot-info frame:
 *   1. the page tables of the initial address space (userImagePaging): every table
 *      below the root that covers the image, IPC buffer, boot info and the extra
 *      boot info rounded up to a power of two, one level at a time, top level first,
 *      each level in address order;
 *   2. the frames of the extra boot info (extraBIPages);
 *   3. the frames of the image (userImageFrames): one per page from the first
 *      segment's start to the last one's end, gaps between segments included;
 *   4. the untyped memory: device regions first, in address order, then RAM. */
#include <node.h>
#include <boot.h>
#include <cap/cdt.h>
#include <object/objects.h>
#include <kprintf.h>
#include <kstring.h>
#include <arch/layout.h>
#include <k/abi.h>
#include <object/vspace.h>

/* seL4's limits (src/kernel/boot.c): room for the initial caps, at least a page of
 * slots, and an object the size of which fits its untyped size field. */
#ifndef CONFIG_ROOT_CNODE_SIZE_BITS
#error "CONFIG_ROOT_CNODE_SIZE_BITS comes from the build (kernel/CMakeLists.txt)"
#endif
#define ROOT_CNODE_BITS CONFIG_ROOT_CNODE_SIZE_BITS
_Static_assert(ROOT_CNODE_BITS >= PAGE_BITS - CTE_SIZE_BITS && ROOT_CNODE_BITS < 32 - CTE_SIZE_BITS &&
               (1u << ROOT_CNODE_BITS) >= K_NUM_INITIAL_CAPS, "CONFIG_ROOT_CNODE_SIZE_BITS out of seL4's range");

#define MAX_EXTRA_PAGES 64

static cte_t *root_cnode;            /* kernel alias of the root CNode's slots */
static struct k_bootinfo *bootinfo;
static word_t next_slot;

/* Frame caps of mapped frames remember where: w1 = ASID << 48 | vaddr. */
static cap_t mapped_frame_cap(paddr_t pa, vaddr_t va, unsigned rights)
{
    return cap_make(CAP_FRAME, pa, rights, PAGE_BITS, false, mapping_word(ROOT_ASID, va));
}

static void put(word_t slot, cap_t cap)
{
    kassert(slot < (1u << ROOT_CNODE_BITS) && cap_is_null(root_cnode[slot].cap));
    cdt_insert_root(&root_cnode[slot], cap);   /* findable by the audit snapshot */
}

static word_t take_slot(void)
{
    if (next_slot >= (1u << ROOT_CNODE_BITS))
        panic("root CNode full: raise CONFIG_ROOT_CNODE_SIZE_BITS (now %u)", ROOT_CNODE_BITS);
    return next_slot++;
}

static paddr_t alloc_table(void) { return boot_alloc(PAGE_BITS, "page tables"); }

/* seL4's calculate_extra_bi_size_bits: the extra boot info rounded up to a power of
 * two pages; the initial address space's page tables cover that much. */
static unsigned extra_size_bits(uint64_t size)
{
    if (!size) return 0;
    uint64_t rounded = ALIGN_UP(size, PAGE_SIZE);
    unsigned msb = 0;
    while (rounded >> (msb + 1)) msb++;
    return size > (1ul << msb) ? msb + 1 : msb;
}

/* A cap for each table hanging below the root, for one level: slot_level 2 gives the
 * tables the root points to (each covering 1 GiB), slot_level 1 the leaf tables. The
 * walk visits the user half in address order. */
static void give_page_tables(pte_t *root, int slot_level)
{
    for (unsigned i = 0; i < PT_KERNEL_FIRST; i++) {
        pte_t e = root[i];
        if (!pte_valid(e) || pte_leaf(e)) continue;
        vaddr_t gib = (vaddr_t)i * level_size(2);
        if (slot_level == 2) {
            put(take_slot(), cap_make(CAP_PAGE_TABLE, pte_paddr(e), RIGHTS_ALL, 2, true, mapping_word(ROOT_ASID, gib)));
            continue;
        }
        pte_t *mid = paddr_to_kva(pte_paddr(e));
        for (unsigned j = 0; j < PT_ENTRIES; j++) {
            if (!pte_valid(mid[j]) || pte_leaf(mid[j])) continue;
            put(take_slot(), cap_make(CAP_PAGE_TABLE, pte_paddr(mid[j]), RIGHTS_ALL, 1, true,
                                      mapping_word(ROOT_ASID, gib + j * level_size(1))));
        }
    }
}

void root_task_create(tcb_t *t, pte_t *vspace, paddr_t vspace_pa, vaddr_t image_lo, vaddr_t image_hi,
                      paddr_t dtb, uint32_t dtb_size)
{
    paddr_t cnode_pa = boot_alloc(ROOT_CNODE_BITS + CTE_SIZE_BITS, "the root CNode");
    root_cnode = paddr_to_kva(cnode_pa);

    /* IPC buffer and boot info follow the image; the device tree follows them as the
     * extra boot info: a header {id = FDT, length} and the blob. Its length is
     * exactly that, as in seL4; the last page is zero beyond it. */
    vaddr_t ipc_va = image_hi, bi_va = image_hi + PAGE_SIZE, extra_va = bi_va + PAGE_SIZE;
    paddr_t ipc_pa, bi_pa;
    boot_map_new_page(vspace, ipc_va, PTE_R | PTE_W, &ipc_pa);
    bootinfo = (struct k_bootinfo *)boot_map_new_page(vspace, bi_va, PTE_R | PTE_W, &bi_pa);
    uint64_t extra_len = sizeof(struct k_bootinfo_header) + dtb_size;
    paddr_t extra_pa[MAX_EXTRA_PAGES];
    unsigned n_extra = (unsigned)(ALIGN_UP(extra_len, PAGE_SIZE) / PAGE_SIZE);
    if (n_extra > MAX_EXTRA_PAGES) panic("device tree too large for the boot info (%u bytes)", dtb_size);
    for (unsigned i = 0; i < n_extra; i++)
        boot_map_new_page(vspace, extra_va + i * PAGE_SIZE, PTE_R, &extra_pa[i]);
    /* Write the chunk through the kernel aliases (pages are contiguous only virtually). */
    struct k_bootinfo_header hdr = { K_BOOTINFO_HEADER_FDT, extra_len };
    const uint8_t *src[2] = { (const uint8_t *)&hdr, paddr_to_kva(dtb) };
    uint64_t len[2] = { sizeof(hdr), dtb_size }, off = 0;
    for (unsigned part = 0; part < 2; part++)
        for (uint64_t i = 0; i < len[part]; i++, off++)
            ((uint8_t *)paddr_to_kva(extra_pa[off / PAGE_SIZE]))[off % PAGE_SIZE] = src[part][i];

    /* seL4's initial address space has page tables for all of it_v_reg: up to the
     * extra boot info rounded to a power of two, even where nothing is mapped yet. */
    vaddr_t it_end = extra_va + (1ul << extra_size_bits(extra_len));
    for (vaddr_t va = ALIGN_DOWN(image_lo, level_size(1)); va < it_end; va += level_size(1))
        if (!arch_pt_walk(vspace, va, 0, alloc_table)) panic("boot page tables at 0x%lx", va);

    /* The initial capabilities. The root CNode's own cap has a guard that makes
     * 64-bit capability pointers resolve in one level, as seL4's does. */
    put(K_CAP_INIT_THREAD_CNODE,
        cap_make(CAP_CNODE, cnode_pa, RIGHTS_ALL, ROOT_CNODE_BITS, false, (uint64_t)(64 - ROOT_CNODE_BITS)));
    put(K_CAP_INIT_THREAD_TCB, cap_make(CAP_THREAD, kva_to_paddr(t), RIGHTS_ALL, 0, false, 0));
    put(K_CAP_INIT_THREAD_VSPACE,
        cap_make(CAP_PAGE_TABLE, vspace_pa, RIGHTS_ALL, 0, true, mapping_word(ROOT_ASID, 0)));
    put(K_CAP_IRQ_CONTROL, cap_make(CAP_IRQ_CONTROL, 0, RIGHTS_ALL, 0, false, 0));
    put(K_CAP_ASID_CONTROL, cap_make(CAP_ASID_CONTROL, 0, RIGHTS_ALL, 0, false, 0));
    paddr_t pool = boot_alloc(ASID_POOL_OBJ_BITS, "the ASID pool");
    put(K_CAP_INIT_THREAD_ASID_POOL, cap_make(CAP_ASID_POOL, pool, RIGHTS_ALL, 0, false, 0));
    asid_boot(pool, ROOT_ASID, vspace_pa);
    put(K_CAP_BOOT_INFO_FRAME, mapped_frame_cap(bi_pa, bi_va, RIGHTS_ALL));
    put(K_CAP_INIT_THREAD_IPC_BUFFER, mapped_frame_cap(ipc_pa, ipc_va, RIGHTS_ALL));
    put(K_CAP_DOMAIN, cap_make(CAP_DOMAIN, 0, RIGHTS_ALL, 0, false, 0));
#ifdef CONFIG_PRINTING
    put(K_CAP_AUDIT, cap_make(CAP_AUDIT, 0, RIGHTS_ALL, 0, false, 0));   /* ours */
#endif

    /* The thread's own slots hold copies, as TCB_Configure would install them. */
    cdt_insert_child(&root_cnode[K_CAP_INIT_THREAD_CNODE], tcb_slot(t, TCB_SLOT_CTABLE),
                     root_cnode[K_CAP_INIT_THREAD_CNODE].cap);
    cdt_insert_child(&root_cnode[K_CAP_INIT_THREAD_VSPACE], tcb_slot(t, TCB_SLOT_VTABLE),
                     root_cnode[K_CAP_INIT_THREAD_VSPACE].cap);
    cdt_insert_child(&root_cnode[K_CAP_INIT_THREAD_IPC_BUFFER], tcb_slot(t, TCB_SLOT_BUFFER),
                     root_cnode[K_CAP_INIT_THREAD_IPC_BUFFER].cap);

    next_slot = K_CAP_AUDIT + 1;    /* in every build, so the layout never depends on it */
    bootinfo->user_image_paging.start = next_slot;
    give_page_tables(vspace, 2);
    give_page_tables(vspace, 1);
    bootinfo->user_image_paging.end = next_slot;

    bootinfo->extra_bi_pages.start = next_slot;
    for (unsigned i = 0; i < n_extra; i++)
        put(take_slot(), mapped_frame_cap(extra_pa[i], extra_va + i * PAGE_SIZE, RIGHT_READ));
    bootinfo->extra_bi_pages.end = next_slot;

    /* Every page of the image range is mapped (boot_tasks.c fills the gaps); a frame
     * cap has the rights its mapping has. */
    bootinfo->user_image_frames.start = next_slot;
    for (vaddr_t va = image_lo; va < image_hi; va += PAGE_SIZE) {
        int level;
        pte_t *e = arch_pt_lookup(vspace, va, &level);
        if (level != 0 || !pte_valid(*e)) panic("root image page 0x%lx not mapped", va);
        unsigned rights = (*e & PTE_W) ? RIGHTS_ALL : RIGHT_READ | RIGHT_GRANT | RIGHT_GRANT_REPLY;
        put(take_slot(), mapped_frame_cap(pte_paddr(*e), va, rights));
    }
    bootinfo->user_image_frames.end = next_slot;

    bootinfo->extra_len = extra_len;
    bootinfo->node_id = 0;
    bootinfo->num_nodes = nodes_online;   /* harts started (node.c) */
    bootinfo->num_io_pt_levels = 0;
    bootinfo->ipc_buffer = (struct k_ipc_buffer *)ipc_va;
    bootinfo->init_thread_cnode_size_bits = ROOT_CNODE_BITS;
    bootinfo->init_thread_domain = 0;
}

/* Split [base, end) into naturally aligned power-of-two blocks, largest first. */
static void give_region(paddr_t base, paddr_t end, bool device)
{
    while (base < end) {
        unsigned bits = MAX_UNTYPED_BITS;
        while (bits > 0 && ((base & (BIT(bits) - 1)) || base + BIT(bits) > end || base + BIT(bits) < base)) bits--;
        if (bits < MIN_UNTYPED_BITS) {   /* a sliver too small to describe: skip it */
            base += BIT(bits);
            continue;
        }
        word_t n = bootinfo->untyped.end - bootinfo->untyped.start;
        if (n == K_MAX_BOOTINFO_UNTYPED) {
            kprintf("kernel: boot info holds %u untyped regions; 0x%lx-0x%lx not given\n",
                    K_MAX_BOOTINFO_UNTYPED, base, end);
            return;
        }
        put(take_slot(), cap_make(CAP_UNTYPED, base, 0, bits, device, 0));
        bootinfo->untyped_list[n].paddr = base;
        bootinfo->untyped_list[n].size_bits = (uint8_t)bits;
        bootinfo->untyped_list[n].is_device = device;
        bootinfo->untyped.end++;
        base += BIT(bits);
    }
}

void root_task_give_untyped(const struct bootmem *ram, const struct bootmem *device)
{
    bootinfo->untyped.start = bootinfo->untyped.end = next_slot;
    /* seL4's order: the device regions (the gaps between RAM regions) in address
     * order, then RAM. */
    for (unsigned i = 0; i < device->n; i++) give_region(device->r[i].base, device->r[i].end, true);
    for (unsigned i = 0; i < ram->n; i++) give_region(ram->r[i].base, ram->r[i].end, false);
    bootinfo->empty.start = next_slot;
    bootinfo->empty.end = 1u << ROOT_CNODE_BITS;
}
