/* The boot info frame and the initial capabilities, as seL4 lays them out. */
#include "ktest.h"

#define RW_RIGHTS_ONLY (K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE)

TEST(bootinfo_layout)
{
    CHECK_EQ(bi->node_id, 0);
    CHECK(bi->num_nodes >= 1 && bi->num_nodes <= CONFIG_MAX_NUM_NODES);
    CHECK((uintptr_t)bi->ipc_buffer + 4096 == (uintptr_t)bi);
    /* seL4's order of the regions after the 16 initial caps and our audit cap (slot
     * 16, docs/audit.md), with no slot between them: page tables, extra boot info
     * frames, image frames, untyped, empty. */
    CHECK_EQ(bi->user_image_paging.start, K_CAP_AUDIT + 1);
    CHECK(bi->user_image_paging.end > bi->user_image_paging.start);
    CHECK_EQ(bi->extra_bi_pages.start, bi->user_image_paging.end);
    CHECK_EQ(bi->user_image_frames.start, bi->extra_bi_pages.end);
    CHECK(bi->user_image_frames.end > bi->user_image_frames.start);
    CHECK_EQ(bi->untyped.start, bi->user_image_frames.end);
    CHECK(bi->untyped.end > bi->untyped.start);
    CHECK(bi->untyped.end - bi->untyped.start <= K_MAX_BOOTINFO_UNTYPED);
    CHECK_EQ(bi->empty.start, bi->untyped.end);
    CHECK_EQ(bi->empty.end, 1ul << bi->init_thread_cnode_size_bits);
    CHECK_EQ(bi->shared_frames.start, bi->shared_frames.end);
    CHECK_EQ(bi->io_space_caps.start, bi->io_space_caps.end);
    /* seL4 gives the device untyped first, then RAM. */
    k_word_t n = bi->untyped.end - bi->untyped.start, first_ram = n;
    for (k_word_t i = 0; i < n; i++)
        if (!bi->untyped_list[i].is_device && first_ram == n) first_ram = i;
    CHECK(first_ram > 0 && first_ram < n);
    for (k_word_t i = first_ram; i < n; i++) CHECK(!bi->untyped_list[i].is_device);
}

TEST(bootinfo_initial_caps_have_sel4s_tags)
{
    /* seL4's capability tags: DebugCapIdentify answers with them. */
    CHECK_EQ(k_debug_cap_identify(K_CAP_NULL), 0);
    CHECK_EQ(k_debug_cap_identify(K_CAP_INIT_THREAD_TCB), 12);
    CHECK_EQ(k_debug_cap_identify(K_CAP_INIT_THREAD_CNODE), 10);
    CHECK_EQ(k_debug_cap_identify(K_CAP_INIT_THREAD_VSPACE), 3);
    CHECK_EQ(k_debug_cap_identify(K_CAP_IRQ_CONTROL), 14);
    CHECK_EQ(k_debug_cap_identify(K_CAP_ASID_CONTROL), 11);
    CHECK_EQ(k_debug_cap_identify(K_CAP_INIT_THREAD_ASID_POOL), 13);
    CHECK_EQ(k_debug_cap_identify(K_CAP_IO_PORT_CONTROL), 0);
    CHECK_EQ(k_debug_cap_identify(K_CAP_IO_SPACE), 0);
    CHECK_EQ(k_debug_cap_identify(K_CAP_BOOT_INFO_FRAME), 1);
    CHECK_EQ(k_debug_cap_identify(K_CAP_INIT_THREAD_IPC_BUFFER), 1);
    CHECK_EQ(k_debug_cap_identify(K_CAP_DOMAIN), 20);
    CHECK_EQ(k_debug_cap_identify(K_CAP_AUDIT), 31);          /* ours, outside seL4's tags */
    for (k_cptr_t s = K_CAP_SMMU_SID_CONTROL; s < K_NUM_INITIAL_CAPS; s++)
        CHECK_EQ(k_debug_cap_identify(s), 0);
}

TEST(bootinfo_root_cnode_size_is_the_build_option)
{
    /* CONFIG_ROOT_CNODE_SIZE_BITS (13 for this suite, as sel4test's; seL4's default
     * is 12): the boot info says so and the CNode really has 2^n slots: the last one
     * takes a capability, the one after it is beyond the guard. */
    unsigned bits = CONFIG_ROOT_CNODE_SIZE_BITS;
    CHECK_EQ(bi->init_thread_cnode_size_bits, bits);
    k_word_t last = (1ul << bits) - 1;
    CHECK_EQ(k_debug_cap_identify(last), 0);
    CHECK_EQ(k_cnode_copy(ROOT, last, ROOT_DEPTH, ROOT, K_CAP_DOMAIN, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(last), 20);
    CHECK_EQ(k_cnode_delete(ROOT, last, ROOT_DEPTH), K_NO_ERROR);
    /* Slot 2^n sets the lowest guard bit: a guard mismatch with 64 bits left and a
     * guard of 64 - n bits. */
    CHECK_EQ(k_cnode_copy(ROOT, last + 1, ROOT_DEPTH, ROOT, K_CAP_DOMAIN, ROOT_DEPTH, K_CAP_RIGHTS_ALL),
             K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(1), K_GUARD_MISMATCH);
    CHECK_EQ(k_last_mr(2), 64);
    CHECK_EQ(k_last_mr(4), 64 - bits);
    /* Radix 2^n with depth n + guard: a CNode cap of this root names it exactly. */
    CHECK_EQ(k_cnode_copy(K_CAP_INIT_THREAD_CNODE, last, ROOT_DEPTH, ROOT, K_CAP_DOMAIN, ROOT_DEPTH,
                          K_CAP_RIGHTS_ALL), K_NO_ERROR);
    CHECK_EQ(k_cnode_delete(ROOT, last, ROOT_DEPTH), K_NO_ERROR);
}

TEST(bootinfo_page_tables_cover_sel4s_range)
{
    /* seL4's create_it_address_space makes every table below the root that covers
     * [image start, extra boot info start + the extra boot info rounded up to a power
     * of two pages): one per GiB touched, then one per 2 MiB touched. */
    k_word_t start = 0x10000, extra = (uintptr_t)bi + 4096, size = (bi->extra_len + 4095) & ~4095ul;
    k_word_t pow = 4096;
    while (pow < size) pow <<= 1;
    k_word_t end = extra + pow, expect = 0;
    for (k_word_t g = start >> 30; g <= (end - 1) >> 30; g++) expect++;
    for (k_word_t m = start >> 21; m <= (end - 1) >> 21; m++) expect++;
    CHECK_EQ(bi->user_image_paging.end - bi->user_image_paging.start, expect);
    for (k_cptr_t s = bi->user_image_paging.start; s < bi->user_image_paging.end; s++)
        CHECK_EQ(k_debug_cap_identify(s), 3);
}

TEST(bootinfo_extra_has_device_tree)
{
    /* The extra boot info follows the boot info frame: a chunk header {id 6, length}
     * and then the flattened device tree (magic 0xd00dfeed, big-endian). As in seL4,
     * extraLen is exactly header + tree, and it lies in as many frames as it needs. */
    const k_word_t *extra = (const k_word_t *)((uintptr_t)bi + 4096);
    CHECK_EQ(extra[0], K_BOOTINFO_HEADER_FDT);
    CHECK_EQ(extra[1], bi->extra_len);
    const uint8_t *fdt = (const uint8_t *)&extra[2];
    CHECK(fdt[0] == 0xd0 && fdt[1] == 0x0d && fdt[2] == 0xfe && fdt[3] == 0xed);
    uint32_t totalsize = (uint32_t)fdt[4] << 24 | (uint32_t)fdt[5] << 16 | (uint32_t)fdt[6] << 8 | fdt[7];
    CHECK_EQ(bi->extra_len, 2 * sizeof(k_word_t) + totalsize);
    CHECK_EQ(bi->extra_bi_pages.end - bi->extra_bi_pages.start, (bi->extra_len + 4095) / 4096);
    for (k_cptr_t s = bi->extra_bi_pages.start; s < bi->extra_bi_pages.end; s++)
        CHECK_EQ(k_debug_cap_identify(s), 1);
}

/* Map a copy of frame cap f at SCRATCH_VA (tables made from ut on the way); the copy's
 * slot, or 0. */
#define SCRATCH 0x40000000ul
static k_cptr_t map_copy(k_cptr_t f, k_word_t rights, k_cptr_t copy)
{
    if (k_cnode_copy(ROOT, copy, ROOT_DEPTH, ROOT, f, ROOT_DEPTH, K_CAP_RIGHTS_ALL) != K_NO_ERROR) return 0;
    if (k_riscv_page_map(copy, K_CAP_INIT_THREAD_VSPACE, SCRATCH, rights, K_RISCV_EXECUTE_NEVER) != K_NO_ERROR) {
        k_cnode_delete(ROOT, copy, ROOT_DEPTH);
        return 0;
    }
    return copy;
}

extern char __bss_end[];
extern const struct ktest __stop_ktests[];

TEST(bootinfo_image_frames_are_the_image_in_order)
{
    /* userImageFrames holds one frame per page of the image, from its first page
     * (0x10000, where seL4 root tasks are linked) up to the IPC buffer, in address
     * order: frame i is the page at 0x10000 + 4096 i. A copy of each mapped at a
     * scratch address shows the same bytes; for writable pages, a word written
     * through the copy appears in the image (the very same frame). */
    const k_word_t base = 0x10000;
    k_word_t n = bi->user_image_frames.end - bi->user_image_frames.start;
    CHECK_EQ(n, ((uintptr_t)bi->ipc_buffer - base) / 4096);
    CHECK((uintptr_t)__bss_end <= base + n * 4096);
    k_cptr_t ut = untyped_at_least(16), l1 = slot_alloc(), l2 = slot_alloc(), copy = slot_alloc();
    CHECK_EQ(k_untyped_retype(ut, K_RISCV_PAGE_TABLE_OBJECT, 0, ROOT, 0, 0, l1, 1), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_table_map(l1, K_CAP_INIT_THREAD_VSPACE, SCRATCH, 0), K_NO_ERROR);
    CHECK_EQ(k_untyped_retype(ut, K_RISCV_PAGE_TABLE_OBJECT, 0, ROOT, 0, 0, l2, 1), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_table_map(l2, K_CAP_INIT_THREAD_VSPACE, SCRATCH, 0), K_NO_ERROR);
    unsigned same = 0, written = 0, writable = 0;
    for (k_word_t i = 0; i < n; i++) {
        k_cptr_t f = bi->user_image_frames.start + i;
        volatile k_word_t *img = (volatile k_word_t *)(base + i * 4096);
        /* The read-write segment starts at the page after the read-only data (see
         * libk/user.ld); a read-write request on a read-only frame cap would only
         * give a read-only mapping. */
        bool rw = base + i * 4096 >= (((uintptr_t)__stop_ktests + 4095) & ~4095ul);
        if (!map_copy(f, rw ? RW_RIGHTS_ONLY : K_CAP_RIGHT_READ, copy)) {
            printf("  frame %lu cannot be mapped\n", i);
            ktest_failures++;
            continue;
        }
        volatile k_word_t *alias = (volatile k_word_t *)SCRATCH;
        bool equal = true;
        for (unsigned w = 0; w < 512; w++) equal &= alias[w] == img[w];
        same += equal;
        if (rw) {
            writable++;
            k_word_t old = img[100];
            alias[100] = old ^ 0x5a5a5a5a5a5a5a5aul;
            written += img[100] == (old ^ 0x5a5a5a5a5a5a5a5aul);
            img[100] = old;
        }
        CHECK_EQ(k_cnode_delete(ROOT, copy, ROOT_DEPTH), K_NO_ERROR);
    }
    CHECK_EQ(same, n);
    CHECK(writable > 0 && writable < n);    /* .data/.bss yes, .text/.rodata no */
    CHECK_EQ(written, writable);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_delete(ROOT, l1, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_delete(ROOT, l2, ROOT_DEPTH), K_NO_ERROR);
    slot_free(copy);
    slot_free(l2);
    slot_free(l1);
}
