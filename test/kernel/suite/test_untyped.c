/* Untyped_Retype: every object type, every error, reuse after revoke, exhaustion. */
#include "ktest.h"

static const struct { k_word_t type, size; k_word_t tag; const char *name; } kinds[] = {
    { K_UNTYPED_OBJECT, 12, 2, "untyped" },
    { K_TCB_OBJECT, 0, 12, "tcb" },
    { K_ENDPOINT_OBJECT, 0, 4, "endpoint" },
    { K_NOTIFICATION_OBJECT, 0, 6, "notification" },
    { K_CAPTABLE_OBJECT, 4, 10, "cnode" },
    { K_RISCV_4K_PAGE_OBJECT, 0, 1, "4k frame" },
    { K_RISCV_MEGA_PAGE_OBJECT, 0, 1, "2m frame" },
    { K_RISCV_PAGE_TABLE_OBJECT, 0, 3, "page table" },
};

TEST(retype_each_object_type)
{
    k_cptr_t ut = untyped_at_least(22);
    CHECK(ut != 0);
    for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        k_cptr_t s = make_object(ut, kinds[i].type, kinds[i].size);
        CHECK(s != 0);
        if (!s) continue;
        if (k_debug_cap_identify(s) != kinds[i].tag)
            printf("  %s: tag %lu, want %lu\n", kinds[i].name, k_debug_cap_identify(s), kinds[i].tag);
        CHECK_EQ(k_debug_cap_identify(s), kinds[i].tag);
    }
    /* Revoking the untyped deletes every object made from it. */
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    for (k_word_t s = bi->empty.start; s < bi->empty.start + 8; s++)
        CHECK_EQ(k_debug_cap_identify(s), 0);
}

TEST(retype_many_objects_at_once)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t first = slot_alloc_range(16);
    CHECK_EQ(k_untyped_retype(ut, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, first, 16), K_NO_ERROR);
    for (int i = 0; i < 16; i++) CHECK_EQ(k_debug_cap_identify(first + i), 4);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    for (int i = 0; i < 16; i++) CHECK_EQ(k_debug_cap_identify(first + i), 0);
}

/* Each bad argument gives its documented error and leaves everything unchanged. */
TEST(retype_errors)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t dst = slot_alloc(), busy = slot_alloc();
    CHECK_EQ(k_untyped_retype(ut, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, busy, 1), K_NO_ERROR);

    CHECK_EQ(k_untyped_retype(ut, K_OBJECT_TYPE_COUNT, 0, ROOT, 0, 0, dst, 1), K_INVALID_ARGUMENT);
    CHECK_EQ(k_untyped_retype(ut, 1000, 0, ROOT, 0, 0, dst, 1), K_INVALID_ARGUMENT);
    CHECK_EQ(k_untyped_retype(ut, K_CAPTABLE_OBJECT, 0, ROOT, 0, 0, dst, 1), K_INVALID_ARGUMENT);
    CHECK_EQ(k_untyped_retype(ut, K_UNTYPED_OBJECT, 3, ROOT, 0, 0, dst, 1), K_INVALID_ARGUMENT);
    CHECK_EQ(k_untyped_retype(ut, K_UNTYPED_OBJECT, 39, ROOT, 0, 0, dst, 1), K_RANGE_ERROR);
    CHECK_EQ(k_untyped_retype(ut, K_UNTYPED_OBJECT, 64, ROOT, 0, 0, dst, 1), K_RANGE_ERROR);
    CHECK_EQ(k_untyped_retype(ut, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, busy, 1), K_DELETE_FIRST);
    CHECK_EQ(k_untyped_retype(ut, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, dst, 0), K_RANGE_ERROR);
    CHECK_EQ(k_untyped_retype(ut, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, dst, 257), K_RANGE_ERROR);
    k_word_t root_slots = 1ul << bi->init_thread_cnode_size_bits;
    CHECK_EQ(k_untyped_retype(ut, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, root_slots, 1), K_RANGE_ERROR);
    CHECK_EQ(k_untyped_retype(ut, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, root_slots - 1, 2), K_RANGE_ERROR);
    /* A window that would run over an occupied slot. */
    CHECK_EQ(k_untyped_retype(ut, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, busy - 1, 2), K_DELETE_FIRST);
    /* Destination CNode lookups: depth over 64 is a range error; a slot that is not a
     * CNode is a failed lookup; so is a root that is not a CNode. */
    CHECK_EQ(k_untyped_retype(ut, K_ENDPOINT_OBJECT, 0, ROOT, busy, 65, 0, 1), K_RANGE_ERROR);
    CHECK_EQ(k_untyped_retype(ut, K_ENDPOINT_OBJECT, 0, ROOT, busy, ROOT_DEPTH, 0, 1), K_FAILED_LOOKUP);
    CHECK_EQ(k_untyped_retype(ut, K_ENDPOINT_OBJECT, 0, busy, 0, 0, dst, 1), K_FAILED_LOOKUP);
    /* Too big for the untyped. */
    CHECK_EQ(k_untyped_retype(ut, K_UNTYPED_OBJECT, 38, ROOT, 0, 0, dst, 1), K_NOT_ENOUGH_MEMORY);
    /* Retype is an untyped invocation only; an empty slot is an invalid capability. */
    CHECK_EQ(k_untyped_retype(ROOT, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, dst, 1), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_untyped_retype(K_CAP_INIT_THREAD_TCB, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, dst, 1), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_untyped_retype(dst, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, dst, 1), K_INVALID_CAPABILITY);

    /* Nothing was created by any failure. */
    CHECK_EQ(k_debug_cap_identify(dst), 0);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(busy), 0);
    slot_free(busy);
    slot_free(dst);
}

TEST(retype_error_details)
{
    /* seL4 puts an error's details in the reply's message registers. */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t dst = slot_alloc();
    struct k_ipc_buffer *buf = k_ipc_buffer();
    CHECK_EQ(k_untyped_retype(ut, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, dst, 300), K_RANGE_ERROR);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_last_mr(1), 256);
    CHECK_EQ(k_untyped_retype(ut, K_CAPTABLE_OBJECT, 0, ROOT, 0, 0, dst, 1), K_INVALID_ARGUMENT);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_untyped_retype(ut, K_UNTYPED_OBJECT, 38, ROOT, 0, 0, dst, 1), K_NOT_ENOUGH_MEMORY);
    CHECK(k_last_mr(0) > 0);
    (void)buf;
    slot_free(dst);
}

TEST(retype_size_limits_are_sel4s)
{
    /* seL4 bounds every object by seL4_MaxUntypedBits (38): a CapTable may have up to
     * 33 radix bits (too big for our untyped, but not a range error), 34 is out of
     * range, reported as RangeError 0..38; and any size of 64 or more is out of range,
     * even for objects of fixed size. */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t dst = slot_alloc();
    CHECK_EQ(k_untyped_retype(ut, K_CAPTABLE_OBJECT, 28, ROOT, 0, 0, dst, 1), K_NOT_ENOUGH_MEMORY);
    CHECK_EQ(k_untyped_retype(ut, K_CAPTABLE_OBJECT, 33, ROOT, 0, 0, dst, 1), K_NOT_ENOUGH_MEMORY);
    CHECK_EQ(k_untyped_retype(ut, K_CAPTABLE_OBJECT, 34, ROOT, 0, 0, dst, 1), K_RANGE_ERROR);
    CHECK_EQ(k_last_mr(0), 0);
    CHECK_EQ(k_last_mr(1), 38);
    CHECK_EQ(k_untyped_retype(ut, K_TCB_OBJECT, 64, ROOT, 0, 0, dst, 1), K_RANGE_ERROR);
    CHECK_EQ(k_untyped_retype(ut, K_TCB_OBJECT, 63, ROOT, 0, 0, dst, 1), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(dst), 12);
    /* A CapTable of radix 0 is checked after the size: InvalidArgument 1. */
    CHECK_EQ(k_untyped_retype(ut, K_CAPTABLE_OBJECT, 0, ROOT, 0, 0, dst, 1), K_INVALID_ARGUMENT);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    slot_free(dst);
}

TEST(device_untyped_only_makes_frames)
{
    k_cptr_t dev = 0;
    for (k_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++)
        if (bi->untyped_list[i].is_device && bi->untyped_list[i].size_bits >= 12) {
            dev = bi->untyped.start + i;
            break;
        }
    CHECK(dev != 0);
    k_cptr_t s = slot_alloc();
    CHECK_EQ(k_untyped_retype(dev, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, s, 1), K_INVALID_ARGUMENT);
    CHECK_EQ(k_untyped_retype(dev, K_TCB_OBJECT, 0, ROOT, 0, 0, s, 1), K_INVALID_ARGUMENT);
    CHECK_EQ(k_untyped_retype(dev, K_CAPTABLE_OBJECT, 2, ROOT, 0, 0, s, 1), K_INVALID_ARGUMENT);
    /* seL4 names argument 1 (decodeUntypedInvocation), and checks device memory last:
     * a bad destination or too little space is reported first. */
    CHECK_EQ(k_last_mr(0), 1);
    k_cptr_t busy = make_object(untyped_at_least(16), K_ENDPOINT_OBJECT, 0);
    CHECK_EQ(k_untyped_retype(dev, K_TCB_OBJECT, 0, ROOT, 0, 0, busy, 1), K_DELETE_FIRST);
    CHECK_EQ(k_untyped_retype(dev, K_CAPTABLE_OBJECT, 40 - 5, ROOT, 0, 0, s, 1), K_RANGE_ERROR);
    CHECK_EQ(k_untyped_retype(dev, K_TCB_OBJECT, 0, ROOT, 0, 0, s, 1), K_INVALID_ARGUMENT);
    unsigned dev_bits = bi->untyped_list[dev - bi->untyped.start].size_bits;
    if (dev_bits < 38)   /* one CNode twice its size: no space, before "device" */
        CHECK_EQ(k_untyped_retype(dev, K_CAPTABLE_OBJECT, dev_bits + 1 - 5, ROOT, 0, 0, s, 1), K_NOT_ENOUGH_MEMORY);
    CHECK_EQ(k_cnode_delete(ROOT, busy, ROOT_DEPTH), K_NO_ERROR);
    slot_free(busy);
    CHECK_EQ(k_untyped_retype(dev, K_RISCV_4K_PAGE_OBJECT, 0, ROOT, 0, 0, s, 1), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(s), 1);
    CHECK_EQ(k_cnode_revoke(ROOT, dev, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(s), 0);
    slot_free(s);
}

TEST(untyped_reuse_after_revoke)
{
    /* Fill an untyped completely, fail, revoke, and fill it again from the start. */
    k_cptr_t ut = untyped_at_least(16);
    k_cptr_t child = make_object(ut, K_UNTYPED_OBJECT, 16);
    CHECK(child != 0);
    k_cptr_t first = slot_alloc_range(16);
    for (int round = 0; round < 3; round++) {
        CHECK_EQ(k_untyped_retype(child, K_RISCV_4K_PAGE_OBJECT, 0, ROOT, 0, 0, first, 16), K_NO_ERROR);
        k_cptr_t extra = slot_alloc();
        CHECK_EQ(k_untyped_retype(child, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, extra, 1), K_NOT_ENOUGH_MEMORY);
        CHECK_EQ(k_last_mr(0), 0);
        slot_free(extra);
        CHECK_EQ(k_cnode_revoke(ROOT, child, ROOT_DEPTH), K_NO_ERROR);
        CHECK_EQ(k_debug_cap_identify(first), 0);
    }
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(child), 0);
}

TEST(untyped_exhaustion_then_recovery)
{
    /* Carve 1 MiB untyped children out of a 4 MiB untyped until it says no; the kernel
     * must answer NotEnoughMemory and carry on, and all of it comes back on revoke. */
    k_cptr_t ut = untyped_at_least(22);
    k_cptr_t pool = make_object(ut, K_UNTYPED_OBJECT, 22);
    CHECK(pool != 0);
    int made = 0, err = K_NO_ERROR;
    k_cptr_t slots[8];
    while (made < 8) {
        slots[made] = slot_alloc();
        err = k_untyped_retype(pool, K_UNTYPED_OBJECT, 20, ROOT, 0, 0, slots[made], 1);
        if (err) { slot_free(slots[made]); break; }
        made++;
    }
    CHECK_EQ(made, 4);
    CHECK_EQ(err, K_NOT_ENOUGH_MEMORY);
    /* Smaller objects still fit nowhere; the system goes on answering. */
    k_cptr_t s = slot_alloc();
    CHECK_EQ(k_untyped_retype(pool, K_ENDPOINT_OBJECT, 0, ROOT, 0, 0, s, 1), K_NOT_ENOUGH_MEMORY);
    CHECK_EQ(k_cnode_revoke(ROOT, pool, ROOT_DEPTH), K_NO_ERROR);
    for (int i = 0; i < made; i++) CHECK_EQ(k_debug_cap_identify(slots[i]), 0);
    CHECK_EQ(k_untyped_retype(pool, K_UNTYPED_OBJECT, 22, ROOT, 0, 0, s, 1), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(pool), 0);
    CHECK_EQ(k_debug_cap_identify(s), 0);
}
