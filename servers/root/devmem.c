/* Frames of device memory for root's drivers (the console's UART, the virtio-mmio
 * slots blk.c probes): one allocator for all, since an untyped hands out its memory
 * in order and keeps no record we could ask for. Callers must ask in increasing
 * address order within one device untyped (main.c starts the console, at the lowest
 * device address on QEMU virt, before the block driver). */
#include <k/k.h>
#include <stdio.h>
#include "root.h"

static k_word_t ut_cursor[K_MAX_BOOTINFO_UNTYPED];   /* next free byte of device untypeds */

/* A frame of the device page at pa, from the device untyped holding it: padding
 * untyped from that untyped's first free byte up to pa, then the frame (an untyped
 * hands out its memory in order). Slots of padding are kept: deleting them could
 * let the untyped hand the same memory out again. */
int device_frame(k_word_t pa, k_cptr_t *out)
{
    for (k_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const struct k_untyped_desc *d = &bi->untyped_list[i];
        if (!d->is_device || d->size_bits < K_PAGE_BITS || d->size_bits >= 64 || pa < d->paddr ||
            pa - d->paddr > (1ul << d->size_bits) - PAGE)
            continue;
        k_cptr_t ut = bi->untyped.start + i;
        k_word_t cur = ut_cursor[i] ? ut_cursor[i] : d->paddr;
        if (cur > pa) return K_NOT_ENOUGH_MEMORY;   /* handed out already */
        while (cur < pa) {
            unsigned bits = 4;
            while (!(cur & ((1ul << (bits + 1)) - 1)) && cur + (1ul << (bits + 1)) <= pa) bits++;
            k_cptr_t pad = slot();
            if (!pad) return K_NOT_ENOUGH_MEMORY;
            CHECK(k_untyped_retype(ut, K_UNTYPED_OBJECT, bits, ROOT, 0, 0, pad, 1));
            cur += 1ul << bits;
        }
        *out = slot();
        if (!*out) return K_NOT_ENOUGH_MEMORY;
        CHECK(k_untyped_retype(ut, K_RISCV_4K_PAGE_OBJECT, 0, ROOT, 0, 0, *out, 1));
        ut_cursor[i] = pa + PAGE;
        k_word_t got;
        CHECK(k_riscv_page_get_address(*out, &got));
        return got == pa ? K_NO_ERROR : K_NOT_ENOUGH_MEMORY;
    }
    return K_INVALID_ARGUMENT;   /* no device untyped holds it */
}

