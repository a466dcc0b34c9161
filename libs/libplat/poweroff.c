/* Power off through the device tree's power-off register (plat/poweroff.h): the
 * capability part. The register is found by poweroff_dt.c; here a frame of it is
 * carved from its device untyped, mapped, and written. */
#include <plat/poweroff.h>
#include <k/k.h>
#include <stdio.h>

#define PAGE 4096ul

int plat_poweroff_kernel_error;

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
