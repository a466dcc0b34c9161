/* Start the user images linked into the kernel. Each becomes one thread in its own
 * Sv39 address space, with the seL4 root-task layout: the ELF's segments at their
 * addresses, then (page-aligned) one IPC buffer page and one boot-info page; a0 holds
 * the boot-info address at entry. The task sets up its own stack, as seL4's do.
 * Memory for all of it comes from boot memory, before the rest becomes untyped. */
#include <boot.h>
#include <sched.h>
#include <kprintf.h>
#include <kstring.h>
#include <arch/layout.h>
#include <arch/csr.h>
#include <elf.h>

#define USER_LOWEST 0x1000ul       /* page 0 stays unmapped so NULL faults */
#define BOOT_PRIORITY 255          /* seL4's root task runs at the highest priority */

static struct bootmem *boot_mem;

static paddr_t alloc_page(void)
{
    paddr_t pa = bootmem_alloc(boot_mem, PAGE_SIZE, PAGE_SIZE);
    if (pa) memset(paddr_to_kva(pa), 0, PAGE_SIZE);
    return pa;
}

static paddr_t must_alloc_page(const char *what)
{
    paddr_t pa = alloc_page();
    if (!pa) panic("out of boot memory for %s", what);
    return pa;
}

/* Map one fresh zeroed page at va with the given R/W/X bits; returns its kernel alias. */
static uint8_t *map_new_page(pte_t *root, vaddr_t va, uint64_t rwx, const char *name)
{
    pte_t *slot = arch_pt_walk(root, va, 0, alloc_page);
    if (!slot) panic("%s: out of boot memory for page tables", name);
    if (pte_valid(*slot)) return paddr_to_kva(pte_paddr(*slot));   /* page shared by two segments */
    paddr_t pa = must_alloc_page(name);
    *slot = pte_make(pa, PTE_V | PTE_U | PTE_A | PTE_D | rwx);
    return paddr_to_kva(pa);
}

static bool load_one(const struct boot_image *img, unsigned asid)
{
    struct elf_image elf;
    int err = elf_open(&elf, img->start, (size_t)(img->end - img->start), USER_LOWEST, USER_TOP);
    if (err) {
        kprintf("kernel: boot image '%s' rejected: %s\n", img->name, elf_strerror(err));
        return false;
    }
    paddr_t root_pa = must_alloc_page(img->name);
    pte_t *root = paddr_to_kva(root_pa);
    arch_vspace_init(root);

    for (unsigned i = 0; i < elf_load_count(&elf); i++) {
        struct elf_segment seg;
        if (elf_load_segment(&elf, i, &seg) != ELF_OK) panic("elf segment %u vanished", i);
        uint64_t rwx = (seg.r ? PTE_R : 0) | (seg.w ? PTE_W | PTE_R : 0) | (seg.x ? PTE_X : 0);
        for (vaddr_t va = ALIGN_DOWN(seg.vaddr, PAGE_SIZE); va < seg.vaddr + seg.memsz; va += PAGE_SIZE) {
            uint8_t *page = map_new_page(root, va, rwx, img->name);
            /* Copy the part of the file image that falls into this page. */
            vaddr_t lo = va > seg.vaddr ? va : seg.vaddr;
            vaddr_t hi = va + PAGE_SIZE < seg.vaddr + seg.filesz ? va + PAGE_SIZE : seg.vaddr + seg.filesz;
            if (lo < hi)
                memcpy(page + (lo - va), img->start + seg.offset + (lo - seg.vaddr), hi - lo);
        }
    }
    uint64_t lo, hi;
    elf_extent(&elf, &lo, &hi);
    vaddr_t ipc_buffer = hi, bootinfo = hi + PAGE_SIZE;
    map_new_page(root, ipc_buffer, PTE_R | PTE_W, img->name);
    uint64_t *bi = (uint64_t *)map_new_page(root, bootinfo, PTE_R | PTE_W, img->name);
    /* seL4_BootInfo: nodeID (+8) = 0, numNodes (+16) = 1, ipcBuffer (+32). The capability
     * fields follow with the capability core. */
    bi[2] = 1;
    bi[4] = ipc_buffer;

    tcb_t *t = paddr_to_kva(must_alloc_page(img->name));
    tcb_set_name(t, img->name);
    t->vspace_root = root_pa;
    t->asid = asid;
    t->priority = t->mcp = BOOT_PRIORITY;
    t->ipc_buffer = ipc_buffer;
    t->ctx.regs[CTX_PC] = elf.entry;
    t->ctx.regs[REG_A0] = bootinfo;
    sched_make_runnable(t);
    kprintf("kernel: task '%s' loaded: 0x%lx-0x%lx, entry 0x%lx, ipc buffer 0x%lx, boot info 0x%lx\n",
            img->name, lo, hi, elf.entry, ipc_buffer, bootinfo);
    return true;
}

unsigned boot_start_tasks(struct bootmem *mem)
{
    boot_mem = mem;
    unsigned started = 0;
    for (unsigned i = 0; i < boot_image_count; i++)
        if (load_one(&boot_images[i], i + 1)) started++;
    return started;
}
