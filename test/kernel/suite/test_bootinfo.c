/* The boot info frame and the initial capabilities, as seL4 lays them out. */
#include "ktest.h"

TEST(bootinfo_layout)
{
    CHECK_EQ(bi->node_id, 0);
    CHECK_EQ(bi->num_nodes, 1);
    CHECK_EQ(bi->init_thread_cnode_size_bits, 12);
    CHECK((uintptr_t)bi->ipc_buffer + 4096 == (uintptr_t)bi);
    CHECK(bi->user_image_paging.start == K_CAP_AUDIT + 1);   /* ours: the audit cap at 16 */
    CHECK(bi->user_image_paging.end <= bi->user_image_frames.start);
    CHECK(bi->user_image_frames.end > bi->user_image_frames.start);
    CHECK(bi->untyped.end > bi->untyped.start);
    CHECK(bi->untyped.end - bi->untyped.start <= K_MAX_BOOTINFO_UNTYPED);
    CHECK(bi->empty.start >= bi->untyped.end);
    CHECK_EQ(bi->empty.end, 1ul << 12);
}

TEST(bootinfo_initial_caps_have_sel4_types)
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
    for (k_cptr_t s = bi->user_image_paging.start; s < bi->user_image_paging.end; s++)
        CHECK_EQ(k_debug_cap_identify(s), 3);
    for (k_cptr_t s = bi->user_image_frames.start; s < bi->user_image_frames.end; s++)
        CHECK_EQ(k_debug_cap_identify(s), 1);
    for (k_cptr_t s = bi->untyped.start; s < bi->untyped.end; s++)
        CHECK_EQ(k_debug_cap_identify(s), 2);
    CHECK_EQ(k_debug_cap_identify(bi->empty.start), 0);
    CHECK_EQ(k_debug_cap_identify(bi->empty.end - 1), 0);
}

TEST(bootinfo_untyped_list_is_sane)
{
    uint64_t ram = 0;
    int device = 0;
    for (k_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const struct k_untyped_desc *u = &bi->untyped_list[i];
        CHECK(u->size_bits >= 4 && u->size_bits <= 38);
        CHECK((u->paddr & ((1ul << u->size_bits) - 1)) == 0);   /* naturally aligned */
        if (u->is_device) device++;
        else ram += 1ul << u->size_bits;
        /* No two regions overlap. */
        for (k_word_t j = 0; j < i; j++) {
            const struct k_untyped_desc *v = &bi->untyped_list[j];
            CHECK(u->paddr + (1ul << u->size_bits) <= v->paddr || v->paddr + (1ul << v->size_bits) <= u->paddr);
        }
    }
    CHECK(ram >= 64ul << 20);   /* the test machines have at least 128 MiB */
    CHECK(device > 0);
    printf("  %lu MiB of RAM untyped, %d device untyped regions\n", ram >> 20, device);
}

TEST(bootinfo_extra_has_device_tree)
{
    /* The extra boot info follows the boot info frame: a chunk header {id 6, length}
     * and then the flattened device tree (magic 0xd00dfeed, big-endian). */
    const k_word_t *extra = (const k_word_t *)((uintptr_t)bi + 4096);
    CHECK(bi->extra_len >= 4096);
    CHECK_EQ(extra[0], K_BOOTINFO_HEADER_FDT);
    CHECK(extra[1] > 16 && extra[1] <= bi->extra_len);
    const uint8_t *fdt = (const uint8_t *)&extra[2];
    CHECK(fdt[0] == 0xd0 && fdt[1] == 0x0d && fdt[2] == 0xfe && fdt[3] == 0xed);
    CHECK_EQ(bi->extra_bi_pages.end - bi->extra_bi_pages.start, bi->extra_len / 4096);
}
