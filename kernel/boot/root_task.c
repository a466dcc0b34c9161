/* The root task's capabilities and boot-info frame, laid out as seL4 lays them out
 * (docs/abi.md, "Boot info"): the 16 initial capabilities at fixed slots of a root
 * CNode of 2^ROOT_CNODE_BITS slots, then regions of slots for the page tables and
 * frames of its image, the extra boot-info pages and the untyped memory, each region
 * described in the boot-info frame. */
#include <boot.h>
#include <cap/cdt.h>
#include <object/objects.h>
#include <kprintf.h>
#include <kstring.h>
#include <arch/layout.h>
#include <k/abi.h>
#include <object/vspace.h>

#define ROOT_CNODE_BITS 12           /* seL4's default CONFIG_ROOT_CNODE_SIZE_BITS */
#define MAX_IMAGE_FRAMES 4096        /* 16 MiB of root-task image */
#define MAX_IMAGE_PTS 64

struct boot_space {
    struct { paddr_t pa; vaddr_t va; bool writable; } frames[MAX_IMAGE_FRAMES];
    unsigned n_frames;
    paddr_t pts[MAX_IMAGE_PTS];
    unsigned n_pts;
};

static struct boot_space space;
static cte_t *root_cnode;            /* kernel alias of the root CNode's slots */
static struct k_bootinfo *bootinfo;
static word_t next_slot;

struct boot_space *boot_space_begin(void)
{
    memset(&space, 0, sizeof(space));
    return &space;
}

void boot_space_frame(struct boot_space *s, paddr_t pa, vaddr_t va, bool writable)
{
    if (s->n_frames == MAX_IMAGE_FRAMES) panic("root task image larger than %u pages", MAX_IMAGE_FRAMES);
    s->frames[s->n_frames].pa = pa;
    s->frames[s->n_frames].va = va;
    s->frames[s->n_frames].writable = writable;
    s->n_frames++;
}

void boot_space_page_table(struct boot_space *s, paddr_t pa)
{
    if (s->n_pts == MAX_IMAGE_PTS) panic("root task needs more than %u page tables", MAX_IMAGE_PTS);
    s->pts[s->n_pts++] = pa;
}

/* Frame caps of mapped frames remember where: w1 = ASID << 48 | vaddr. */
static cap_t mapped_frame_cap(paddr_t pa, vaddr_t va, unsigned rights)
{
    return cap_make(CAP_FRAME, pa, rights, PAGE_BITS, false, mapping_word(ROOT_ASID, va));
}

/* A lower page table's cap records which slot points to it (level and the address the
 * slot covers). Boot allocated the tables during the walk; find them again. */
static bool find_table(pte_t *table, int level, vaddr_t base, paddr_t target, int *slot_level, vaddr_t *va)
{
    unsigned n = level == PT_LEVELS - 1 ? PT_KERNEL_FIRST : PT_ENTRIES;  /* user half of the root */
    for (unsigned i = 0; i < n; i++) {
        pte_t e = table[i];
        if (!pte_valid(e) || pte_leaf(e)) continue;
        vaddr_t covers = base + i * level_size(level);
        if (pte_paddr(e) == target) {
            *slot_level = level;
            *va = covers;
            return true;
        }
        if (level > 1 && find_table(paddr_to_kva(pte_paddr(e)), level - 1, covers, target, slot_level, va))
            return true;
    }
    return false;
}

static cap_t boot_page_table_cap(pte_t *vspace, paddr_t pa)
{
    int level;
    vaddr_t va;
    if (!find_table(vspace, PT_LEVELS - 1, 0, pa, &level, &va)) panic("boot page table 0x%lx not in the tree", pa);
    return cap_make(CAP_PAGE_TABLE, pa, RIGHTS_ALL, (unsigned)level, true, mapping_word(ROOT_ASID, va));
}

static void put(word_t slot, cap_t cap, cte_t *parent)
{
    kassert(slot < (1u << ROOT_CNODE_BITS) && cap_is_null(root_cnode[slot].cap));
    if (parent) cdt_insert_new(parent, &root_cnode[slot], cap);
    else cdt_insert_root(&root_cnode[slot], cap);   /* findable by the audit snapshot */
}

static word_t take_slot(void)
{
    if (next_slot >= (1u << ROOT_CNODE_BITS)) panic("root CNode full");
    return next_slot++;
}

void root_task_create(struct boot_space *s, tcb_t *t, pte_t *vspace, paddr_t vspace_pa,
                      vaddr_t image_lo, vaddr_t image_hi, paddr_t dtb, uint32_t dtb_size)
{
    (void)image_lo;
    paddr_t cnode_pa = boot_alloc(ROOT_CNODE_BITS + CTE_SIZE_BITS, "the root CNode");
    root_cnode = paddr_to_kva(cnode_pa);

    /* IPC buffer and boot info follow the image; the device tree follows them as the
     * extra boot info: a header {id = FDT, length} and the blob, page-rounded. */
    vaddr_t ipc_va = image_hi, bi_va = image_hi + PAGE_SIZE, extra_va = bi_va + PAGE_SIZE;
    paddr_t ipc_pa, bi_pa;
    boot_map_new_page(vspace, ipc_va, PTE_R | PTE_W, &ipc_pa);
    bootinfo = (struct k_bootinfo *)boot_map_new_page(vspace, bi_va, PTE_R | PTE_W, &bi_pa);
    uint64_t extra_len = ALIGN_UP(sizeof(struct k_bootinfo_header) + dtb_size, PAGE_SIZE);
    paddr_t extra_pa[64];
    unsigned n_extra = (unsigned)(extra_len / PAGE_SIZE);
    if (n_extra > 64) panic("device tree too large for the boot info (%u bytes)", dtb_size);
    for (unsigned i = 0; i < n_extra; i++)
        boot_map_new_page(vspace, extra_va + i * PAGE_SIZE, PTE_R, &extra_pa[i]);
    /* Write the chunk through the kernel aliases (pages are contiguous only virtually). */
    struct k_bootinfo_header hdr = { K_BOOTINFO_HEADER_FDT, sizeof(hdr) + dtb_size };
    const uint8_t *src[2] = { (const uint8_t *)&hdr, paddr_to_kva(dtb) };
    uint64_t len[2] = { sizeof(hdr), dtb_size }, off = 0;
    for (unsigned part = 0; part < 2; part++)
        for (uint64_t i = 0; i < len[part]; i++, off++)
            ((uint8_t *)paddr_to_kva(extra_pa[off / PAGE_SIZE]))[off % PAGE_SIZE] = src[part][i];

    /* The initial capabilities. The root CNode's own cap has a guard that makes
     * 64-bit capability pointers resolve in one level, as seL4's does. */
    put(K_CAP_INIT_THREAD_CNODE,
        cap_make(CAP_CNODE, cnode_pa, RIGHTS_ALL, ROOT_CNODE_BITS, false, (uint64_t)(64 - ROOT_CNODE_BITS)),
        NULL);
    put(K_CAP_INIT_THREAD_TCB, cap_make(CAP_THREAD, kva_to_paddr(t), RIGHTS_ALL, 0, false, 0), NULL);
    put(K_CAP_INIT_THREAD_VSPACE,
        cap_make(CAP_PAGE_TABLE, vspace_pa, RIGHTS_ALL, 0, true, mapping_word(ROOT_ASID, 0)), NULL);
    put(K_CAP_IRQ_CONTROL, cap_make(CAP_IRQ_CONTROL, 0, RIGHTS_ALL, 0, false, 0), NULL);
    put(K_CAP_ASID_CONTROL, cap_make(CAP_ASID_CONTROL, 0, RIGHTS_ALL, 0, false, 0), NULL);
    paddr_t pool = boot_alloc(ASID_POOL_OBJ_BITS, "the ASID pool");
    put(K_CAP_INIT_THREAD_ASID_POOL, cap_make(CAP_ASID_POOL, pool, RIGHTS_ALL, 0, false, 0), NULL);
    asid_boot(pool, ROOT_ASID, vspace_pa);
    put(K_CAP_BOOT_INFO_FRAME, mapped_frame_cap(bi_pa, bi_va, RIGHTS_ALL), NULL);
    put(K_CAP_INIT_THREAD_IPC_BUFFER, mapped_frame_cap(ipc_pa, ipc_va, RIGHTS_ALL), NULL);
    put(K_CAP_DOMAIN, cap_make(CAP_DOMAIN, 0, RIGHTS_ALL, 0, false, 0), NULL);
#ifdef CONFIG_DEBUG_SYSCALLS
    put(K_CAP_AUDIT, cap_make(CAP_AUDIT, 0, RIGHTS_ALL, 0, false, 0), NULL);   /* ours */
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
    for (unsigned i = 0; i < s->n_pts; i++)
        put(take_slot(), boot_page_table_cap(vspace, s->pts[i]), NULL);
    bootinfo->user_image_paging.end = next_slot;
    bootinfo->user_image_frames.start = next_slot;
    for (unsigned i = 0; i < s->n_frames; i++)
        put(take_slot(), mapped_frame_cap(s->frames[i].pa, s->frames[i].va,
                                          s->frames[i].writable ? RIGHTS_ALL : RIGHT_READ | RIGHT_GRANT | RIGHT_GRANT_REPLY),
            NULL);
    bootinfo->user_image_frames.end = next_slot;
    bootinfo->extra_bi_pages.start = next_slot;
    for (unsigned i = 0; i < n_extra; i++)
        put(take_slot(), mapped_frame_cap(extra_pa[i], extra_va + i * PAGE_SIZE, RIGHT_READ), NULL);
    bootinfo->extra_bi_pages.end = next_slot;

    bootinfo->extra_len = extra_len;
    bootinfo->node_id = 0;
    bootinfo->num_nodes = 1;
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
        put(take_slot(), cap_make(CAP_UNTYPED, base, 0, bits, device, 0), NULL);
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
    /* RAM first, so root tasks that take "the first untyped" get memory. */
    for (unsigned i = 0; i < ram->n; i++) give_region(ram->r[i].base, ram->r[i].end, false);
    for (unsigned i = 0; i < device->n; i++) give_region(device->r[i].base, device->r[i].end, true);
    bootinfo->empty.start = next_slot;
    bootinfo->empty.end = 1u << ROOT_CNODE_BITS;
}
