/* Start the user images linked into the kernel.
 *
 * The first image is the root task, set up as seL4 sets up its initial thread: its
 * ELF segments at their addresses, then (page-aligned) one IPC buffer page, the
 * boot-info page and the extra boot-info pages (the device tree); a0 = the boot-info
 * address; capabilities to everything it was given in its root CNode (root_task.c).
 * Further images (bring-up tests only) get an address space and a thread but no
 * capabilities at all. Every user task sets up its own stack, as seL4's do.
 * All memory here comes from boot memory, before the rest becomes untyped. */
#include <node.h>
#include <boot.h>
#include <sched.h>
#include <kprintf.h>
#include <kstring.h>
#include <arch/layout.h>
#include <elf.h>
#include <cap/cdt.h>
#include <object/vspace.h>

#define USER_LOWEST 0x1000ul       /* page 0 stays unmapped so NULL faults */

static struct bootmem *boot_mem;

paddr_t boot_alloc(uint64_t size_bits, const char *what)
{
    paddr_t pa = bootmem_alloc(boot_mem, 1ull << size_bits, 1ull << size_bits);
    if (!pa) panic("out of boot memory for %s", what);
    memset(paddr_to_kva(pa), 0, 1ull << size_bits);
    return pa;
}

static paddr_t alloc_page_table(void) { return boot_alloc(PAGE_BITS, "page tables"); }

/* Map one fresh zeroed page at va with the given R/W/X bits; returns its kernel alias. */
uint8_t *boot_map_new_page(pte_t *root, vaddr_t va, uint64_t rwx, paddr_t *pa_out)
{
    pte_t *slot = arch_pt_walk(root, va, 0, alloc_page_table);
    if (!slot || pte_valid(*slot)) panic("boot mapping at 0x%lx failed", va);
    paddr_t pa = boot_alloc(PAGE_BITS, "user pages");
    *slot = pte_make(pa, PTE_V | PTE_U | PTE_A | PTE_D | rwx);
    if (pa_out) *pa_out = pa;
    return paddr_to_kva(pa);
}

/* Load one image's segments into a new address space. Returns the root table, or 0. */
static paddr_t load_image(const struct boot_image *img, struct elf_image *elf)
{
    int err = elf_open(elf, img->start, (size_t)(img->end - img->start), USER_LOWEST, USER_TOP);
    if (err) {
        kprintf("kernel: boot image '%s' rejected: %s\n", img->name, elf_strerror(err));
        return 0;
    }
    paddr_t root_pa = boot_alloc(PAGE_BITS, "page tables");
    pte_t *root = paddr_to_kva(root_pa);
    arch_vspace_init(root);
    for (unsigned i = 0; i < elf_load_count(elf); i++) {
        struct elf_segment seg;
        if (elf_load_segment(elf, i, &seg) != ELF_OK) panic("elf segment %u vanished", i);
        uint64_t rwx = (seg.r ? PTE_R : 0) | (seg.w ? PTE_W | PTE_R : 0) | (seg.x ? PTE_X : 0);
        /* elf_open guarantees that no two segments share a page. */
        for (vaddr_t va = ALIGN_DOWN(seg.vaddr, PAGE_SIZE); va < seg.vaddr + seg.memsz; va += PAGE_SIZE) {
            paddr_t pa;
            uint8_t *page = boot_map_new_page(root, va, rwx, &pa);
            /* Copy the part of the file image that falls into this page. */
            vaddr_t lo = va > seg.vaddr ? va : seg.vaddr;
            vaddr_t hi = va + PAGE_SIZE < seg.vaddr + seg.filesz ? va + PAGE_SIZE : seg.vaddr + seg.filesz;
            if (lo < hi)
                memcpy(page + (lo - va), img->start + seg.offset + (lo - seg.vaddr), hi - lo);
        }
    }
    return root_pa;
}

static tcb_t *new_thread(const char *name, paddr_t tcb_pa, vaddr_t entry, vaddr_t bootinfo,
                         vaddr_t ipc_buffer)
{
    tcb_t *t = paddr_to_kva(tcb_pa);
    tcb_set_name(t, name);
    t->ctx.node = node_by_index(0);     /* boot threads run on the boot hart */
    t->priority = t->mcp = PRIO_MAX;     /* seL4's initial thread runs at the top */
    t->ipc_buffer = ipc_buffer;
    t->ctx.regs[CTX_PC] = entry;
    t->ctx.regs[REG_A0] = bootinfo;
    return t;
}

static bool start_root(const struct boot_image *img, paddr_t dtb, uint32_t dtb_size)
{
    struct elf_image elf;
    paddr_t root_pa = load_image(img, &elf);
    if (!root_pa) return false;
    uint64_t lo, hi;
    elf_extent(&elf, &lo, &hi);
    /* seL4's root task image is one range from the first segment's start to the last
     * one's end: pages between segments are mapped too (zeroed, read-write, not
     * executable), and userImageFrames lists every page of the range. */
    pte_t *root = paddr_to_kva(root_pa);
    for (vaddr_t va = lo; va < hi; va += PAGE_SIZE) {
        int level;
        pte_t *e = arch_pt_lookup(root, va, &level);
        if (level != 0 || !pte_valid(*e)) boot_map_new_page(root, va, PTE_R | PTE_W, NULL);
    }
    vaddr_t ipc_buffer = hi, bootinfo = hi + PAGE_SIZE;
    paddr_t tcb_pa = boot_alloc(TCB_OBJ_BITS_BOOT, "the root TCB");
    tcb_t *t = new_thread(img->name, tcb_pa, elf.entry, bootinfo, ipc_buffer);
    root_task_create(t, root, root_pa, lo, hi, dtb, dtb_size);
    sched_make_runnable(t);
    kprintf("kernel: root task '%s': image 0x%lx-0x%lx, entry 0x%lx, IPC buffer 0x%lx, boot info 0x%lx\n",
            img->name, lo, hi, elf.entry, ipc_buffer, bootinfo);
    return true;
}

static bool start_capless(const struct boot_image *img, unsigned asid)
{
    struct elf_image elf;
    paddr_t root_pa = load_image(img, &elf);
    if (!root_pa) return false;
    uint64_t lo, hi;
    elf_extent(&elf, &lo, &hi);
    /* Same layout as the root task, so the same start-up code works; no capabilities,
     * so every invocation it makes is a capability fault. */
    boot_map_new_page(paddr_to_kva(root_pa), hi, PTE_R | PTE_W, NULL);
    uint64_t *bi = (uint64_t *)boot_map_new_page(paddr_to_kva(root_pa), hi + PAGE_SIZE, PTE_R | PTE_W, NULL);
    bi[2] = 1;            /* numNodes */
    bi[4] = hi;           /* ipcBuffer */
    tcb_t *t = new_thread(img->name, boot_alloc(TCB_OBJ_BITS_BOOT, "a TCB"), elf.entry,
                          hi + PAGE_SIZE, hi);
    /* Its VSpace cap lives only in its TCB: the task itself holds no capabilities. */
    asid_boot(0, asid, root_pa);
    cdt_insert_new(NULL, tcb_slot(t, TCB_SLOT_VTABLE),
                   cap_make(CAP_PAGE_TABLE, root_pa, RIGHTS_ALL, 0, true, mapping_word(asid, 0)));
    sched_make_runnable(t);
    kprintf("kernel: task '%s' (no capabilities): image 0x%lx-0x%lx, entry 0x%lx\n",
            img->name, lo, hi, elf.entry);
    return true;
}

unsigned boot_start_tasks(struct bootmem *mem, paddr_t dtb, uint32_t dtb_size)
{
    boot_mem = mem;
    unsigned started = 0;
    for (unsigned i = 0; i < boot_image_count; i++) {
        bool ok = i == 0 ? start_root(&boot_images[0], dtb, dtb_size)
                         : start_capless(&boot_images[i], ROOT_ASID + i);
        if (i == 0 && !ok) panic("the root task image cannot be loaded");
        started += ok;
    }
    return started;
}
