/* Address spaces with seL4's semantics (RISC-V Sv39, seL4 13.0.0): page tables, 4 KiB
 * and 2 MiB frames, ASID control and pools. Every error is the one seL4's
 * decodeRISCVPageTableInvocation / decodeRISCVFrameInvocation / decodeRISCVMMUInvocation
 * (src/arch/riscv/kernel/vspace.c) gives, checked in the order seL4 checks.
 *
 * Tests whose child threads are EXPECTED to fault name them "xf-..." so the console
 * check can tell their fault reports from unexpected ones (test/kernel/ktest.expect). */
#include "thread_util.h"

#define RW RW_RIGHTS
#define XN K_RISCV_EXECUTE_NEVER
#define TAG_FRAME 1
#define TAG_PAGE_TABLE 3
#define TAG_ASID_POOL 13
#define MEGA (1ul << K_LARGE_PAGE_BITS)

static k_cptr_t pt_new(k_cptr_t ut) { return make_object(ut, K_RISCV_PAGE_TABLE_OBJECT, 0); }
static k_cptr_t frame_new(k_cptr_t ut) { return make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0); }

/* A new VSpace root, assigned an ASID from our pool (0 on failure). */
static k_cptr_t vspace_root_new(k_cptr_t ut)
{
    k_cptr_t v = pt_new(ut);
    if (!v) return 0;
    int e = k_riscv_asid_pool_assign(K_CAP_INIT_THREAD_ASID_POOL, v);
    if (e) {
        printf("  ASIDPool_Assign: error %d\n", e);
        return 0;
    }
    return v;
}

/* Is the physical address of frame f inside untyped ut, aligned to 2^bits? */
static void check_paddr(k_cptr_t f, k_cptr_t ut, unsigned bits)
{
    k_word_t pa = 0, base = 0, size = 0;
    CHECK_EQ(k_riscv_page_get_address(f, &pa), K_NO_ERROR);
    CHECK(untyped_range(ut, &base, &size));
    CHECK(pa >= base && pa + (1ul << bits) <= base + size);
    CHECK_EQ(pa & ((1ul << bits) - 1), 0);
}

/* ------------------------------------------------------------------ children */

/* Store value at addr, with progress marks around the store: shared[idx] is 1 just
 * before it and 2 after it, so a store that faults leaves 1. */
static void child_poke(k_word_t idx, k_word_t addr, k_word_t value, k_cptr_t self)
{
    (void)self;
    shared.word[idx] = 1;
    *(volatile k_word_t *)addr = value;
    shared.word[idx] = 2;
}

/* Read addr once: shared[idx] is 1 before the load, 2 after; the value in idx + 1. */
static void child_load_once(k_word_t idx, k_word_t addr, k_word_t unused, k_cptr_t self)
{
    (void)unused;
    (void)self;
    shared.word[idx] = 1;
    k_word_t v = *(volatile k_word_t *)addr;
    shared.word[idx + 1] = v;
    shared.word[idx] = 2;
}

/* Run through an alias mapping of its code page: uses no global, no pc-relative
 * address and no call, and is small and aligned so it cannot straddle a page. */
__attribute__((noinline, aligned(64))) static void alias_store(volatile k_word_t *p, k_word_t v)
{
    *p = v;
    for (;;) __asm__ volatile("");
}

/* ------------------------------------------------------------------ tests */

TEST(vspace_image_frames_are_in_address_order)
{
    /* The helpers map copies of our image frames assuming slot i holds the page at
     * IMAGE_BASE + i * 4 KiB. seL4 lets a mapped frame be "mapped again" only where it
     * already is (a remap, which may change its rights), and refuses any other
     * address with InvalidArgument: so remapping the frame of `shared` at its own
     * address proves which page the slot holds. */
    CHECK(image_pages() != 0);
    k_cptr_t f = image_frame_of(&shared);
    CHECK_EQ(k_debug_cap_identify(f), TAG_FRAME);
    CHECK_EQ(k_riscv_page_map(f, K_CAP_INIT_THREAD_VSPACE, (k_word_t)&shared, RW, XN), K_NO_ERROR);
    shared.word[5] = 0x55;   /* still mapped, still writable */
    CHECK_EQ(shared.word[5], 0x55);
    /* Another address in our first 2 MiB (whose tables the kernel made at boot): the
     * frame is mapped elsewhere in this VSpace. */
    CHECK_EQ(k_riscv_page_map(f, K_CAP_INIT_THREAD_VSPACE, 0x1ff000, RW, XN), K_INVALID_ARGUMENT);
    CHECK_EQ(k_last_mr(0), 0);
    /* Image frames have distinct, page-aligned physical addresses. */
    k_word_t prev = 1;
    for (k_cptr_t s = bi->user_image_frames.start; s < bi->user_image_frames.end; s++) {
        k_word_t pa = 1;
        CHECK_EQ(k_riscv_page_get_address(s, &pa), K_NO_ERROR);
        CHECK_EQ(pa & 0xfff, 0);
        CHECK(pa != prev);
        prev = pa;
    }
    shared_clear();
}

TEST(vspace_boot_paging_is_occupied)
{
    /* Where the kernel mapped our image, every table level exists and the pages are
     * taken: another table or frame there is DeleteFirst. The next 2 MiB has a
     * first-level table (the image's) but no second-level one: a table fits. */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t pt = pt_new(ut), pt2 = pt_new(ut), f = frame_new(ut);
    CHECK_EQ(k_riscv_page_table_map(pt, K_CAP_INIT_THREAD_VSPACE, IMAGE_BASE, 0), K_DELETE_FIRST);
    CHECK_EQ(k_riscv_page_map(f, K_CAP_INIT_THREAD_VSPACE, IMAGE_BASE, RW, 0), K_DELETE_FIRST);
    CHECK_EQ(k_riscv_page_map(f, K_CAP_INIT_THREAD_VSPACE, (k_word_t)bi, RW, 0), K_DELETE_FIRST);
    CHECK_EQ(k_riscv_page_table_map(pt2, K_CAP_INIT_THREAD_VSPACE, 0x200000, 0), K_NO_ERROR);
    int e = k_riscv_page_map(f, K_CAP_INIT_THREAD_VSPACE, 0x200000, RW, XN);
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        volatile k_word_t *p = (volatile k_word_t *)0x200000;
        p[1] = 0xabc;
        CHECK_EQ(p[1], 0xabc);
    }
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(pt2), 0);
    tslot_free(f);
    tslot_free(pt2);
    tslot_free(pt);
}

TEST(vspace_map_frames_in_own_vspace)
{
    /* Our own VSpace gains two tables and frames at SCRATCH_VA, which we read and
     * write; a new frame reads as zeroes; two caps to one frame map it at two
     * addresses (same memory); a 2 MiB frame needs only the first table; unmapping
     * or deleting a frame cap removes its mapping (its address takes another frame);
     * revoking the untyped removes the tables from our root table (new tables fit). */
    const k_cptr_t vs = K_CAP_INIT_THREAD_VSPACE;
    k_cptr_t ut = untyped_at_least(23);
    k_cptr_t l1 = pt_new(ut), l2 = pt_new(ut), l3 = pt_new(ut);
    CHECK_EQ(k_riscv_page_table_map(l1, vs, SCRATCH_VA, 0), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(l1), TAG_PAGE_TABLE);
    CHECK_EQ(k_riscv_page_table_map(l2, vs, SCRATCH_VA, 0), K_NO_ERROR);
    /* Both levels below the root exist: a third table has no place. */
    CHECK_EQ(k_riscv_page_table_map(l3, vs, SCRATCH_VA + 0x5000, 0), K_DELETE_FIRST);

    k_cptr_t f = frame_new(ut), g = frame_new(ut), h = frame_new(ut), f2 = tslot_alloc();
    volatile k_word_t *p0 = (volatile k_word_t *)SCRATCH_VA;
    volatile k_word_t *p1 = (volatile k_word_t *)(SCRATCH_VA + 0x1000);
    volatile k_word_t *p2 = (volatile k_word_t *)(SCRATCH_VA + 0x2000);
    int e = k_riscv_page_map(f, vs, SCRATCH_VA, RW, XN);
    CHECK_EQ(e, K_NO_ERROR);
    check_paddr(f, ut, 12);
    if (e == K_NO_ERROR) {
        CHECK_EQ(p0[0], 0);
        CHECK_EQ(p0[511], 0);
        p0[0] = 0x1111;
        p0[511] = 0x2222;
        CHECK_EQ(p0[0], 0x1111);
        CHECK_EQ(p0[511], 0x2222);

        /* A copy of a mapped frame cap is unmapped: it maps the frame a second time. */
        CHECK_EQ(k_cnode_copy(ROOT, f2, ROOT_DEPTH, ROOT, f, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
        e = k_riscv_page_map(f2, vs, SCRATCH_VA + 0x1000, K_CAP_RIGHT_READ, XN);
        CHECK_EQ(e, K_NO_ERROR);
        if (e == K_NO_ERROR) {
            CHECK_EQ(p1[511], 0x2222);
            p0[3] = 7;
            CHECK_EQ(p1[3], 7);
        }

        /* Unmap; unmapping again changes nothing; the same cap maps elsewhere. */
        CHECK_EQ(k_riscv_page_unmap(f), K_NO_ERROR);
        CHECK_EQ(k_riscv_page_unmap(f), K_NO_ERROR);
        e = k_riscv_page_map(f, vs, SCRATCH_VA + 0x2000, RW, XN);
        CHECK_EQ(e, K_NO_ERROR);
        if (e == K_NO_ERROR) CHECK_EQ(p2[511], 0x2222);
        /* The old address took another frame: we read its zeroes, not f's data. */
        e = k_riscv_page_map(g, vs, SCRATCH_VA, RW, XN);
        CHECK_EQ(e, K_NO_ERROR);
        if (e == K_NO_ERROR) CHECK_EQ(p0[511], 0);

        /* Deleting a mapped cap unmaps it: its address takes another frame. */
        CHECK_EQ(k_cnode_delete(ROOT, f2, ROOT_DEPTH), K_NO_ERROR);
        e = k_riscv_page_map(h, vs, SCRATCH_VA + 0x1000, RW, XN);
        CHECK_EQ(e, K_NO_ERROR);
        if (e == K_NO_ERROR) CHECK_EQ(p1[511], 0);
    }

    /* A 2 MiB frame sits in the first-level table (l1); both ends are usable. */
    k_cptr_t m = make_object(ut, K_RISCV_MEGA_PAGE_OBJECT, 0);
    e = k_riscv_page_map(m, vs, SCRATCH_VA + MEGA, RW, XN);
    CHECK_EQ(e, K_NO_ERROR);
    check_paddr(m, ut, K_LARGE_PAGE_BITS);
    if (e == K_NO_ERROR) {
        volatile k_word_t *mp = (volatile k_word_t *)(SCRATCH_VA + MEGA);
        CHECK_EQ(mp[MEGA / 8 - 1], 0);
        mp[0] = 0x33;
        mp[MEGA / 8 - 1] = 0x44;
        CHECK_EQ(mp[0], 0x33);
        CHECK_EQ(mp[MEGA / 8 - 1], 0x44);
    }

    /* Revoking the untyped deletes the tables; they must leave our root table. */
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t again = pt_new(ut);
    CHECK_EQ(k_riscv_page_table_map(again, vs, SCRATCH_VA, 0), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t slots[] = { l1, l2, l3, f, g, h, f2, m, again };
    for (unsigned i = 0; i < sizeof slots / sizeof slots[0]; i++) tslot_free(slots[i]);
}

TEST(vspace_map_errors)
{
    /* Every PageMap / PageTableMap error, in a VSpace of its own. */
    k_cptr_t ut = untyped_at_least(22);
    k_cptr_t v = pt_new(ut), v2 = pt_new(ut), l1 = pt_new(ut), l2 = pt_new(ut), l3 = pt_new(ut);
    k_cptr_t f = frame_new(ut), g = frame_new(ut), ep = make_object(ut, K_ENDPOINT_OBJECT, 0);
    k_cptr_t empty = tslot_alloc(), l2c = tslot_alloc(), l3c = tslot_alloc();

    /* A table without an ASID is no VSpace: InvalidCapability, naming argument cap 1. */
    CHECK_EQ(k_riscv_page_map(f, v, SCRATCH_VA, RW, 0), K_INVALID_CAPABILITY);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_riscv_page_table_map(l1, v, SCRATCH_VA, 0), K_INVALID_CAPABILITY);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_riscv_asid_pool_assign(K_CAP_INIT_THREAD_ASID_POOL, v), K_NO_ERROR);
    /* Nor is anything that is not a page table. */
    CHECK_EQ(k_riscv_page_map(f, ep, SCRATCH_VA, RW, 0), K_INVALID_CAPABILITY);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_riscv_page_map(f, empty, SCRATCH_VA, RW, 0), K_INVALID_CAPABILITY);
    CHECK_EQ(k_riscv_page_map(f, g, SCRATCH_VA, RW, 0), K_INVALID_CAPABILITY);
    CHECK_EQ(k_riscv_page_table_map(l1, f, SCRATCH_VA, 0), K_INVALID_CAPABILITY);
    CHECK_EQ(k_last_mr(0), 1);

    /* Addresses at or above K_USER_TOP (and the kernel half) are invalid arguments,
     * checked before alignment and before the tables are looked at. */
    CHECK_EQ(k_riscv_page_map(f, v, K_USER_TOP, RW, 0), K_INVALID_ARGUMENT);
    CHECK_EQ(k_last_mr(0), 0);
    CHECK_EQ(k_riscv_page_map(f, v, 0x4000000000ul, RW, 0), K_INVALID_ARGUMENT);
    CHECK_EQ(k_riscv_page_map(f, v, 0xffffffc000000000ul, RW, 0), K_INVALID_ARGUMENT);
    CHECK_EQ(k_riscv_page_map(f, v, 0xfffffffffffff000ul, RW, 0), K_INVALID_ARGUMENT);
    CHECK_EQ(k_riscv_page_map(f, v, K_USER_TOP + 0x800, RW, 0), K_INVALID_ARGUMENT);
    CHECK_EQ(k_riscv_page_table_map(l1, v, K_USER_TOP, 0), K_INVALID_ARGUMENT);
    CHECK_EQ(k_last_mr(0), 0);
    CHECK_EQ(k_riscv_page_table_map(l1, v, 0xffffffff80000000ul, 0), K_INVALID_ARGUMENT);
    /* Misaligned, then (aligned) no table on the way: FailedLookup, not the source,
     * lookup failure "missing capability" with 30 bits left (the root's 1 GiB slot). */
    CHECK_EQ(k_riscv_page_map(f, v, SCRATCH_VA + 0x800, RW, 0), K_ALIGNMENT_ERROR);
    CHECK_EQ(k_riscv_page_map(f, v, SCRATCH_VA, RW, 0), K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(0), 0);
    CHECK_EQ(k_last_mr(1), K_MISSING_CAPABILITY);
    CHECK_EQ(k_last_mr(2), 30);
    /* The last page below K_USER_TOP is a valid address: only its tables are missing. */
    CHECK_EQ(k_riscv_page_map(f, v, K_USER_TOP - 0x1000, RW, 0), K_FAILED_LOOKUP);
    CHECK_EQ(k_riscv_page_table_map(l1, v, K_USER_TOP - 0x1000, 0), K_NO_ERROR);
    CHECK_EQ(k_cnode_delete(ROOT, l1, ROOT_DEPTH), K_NO_ERROR);   /* unmaps it */
    k_cptr_t l1b = pt_new(ut);

    CHECK_EQ(k_riscv_page_table_map(l1b, v, SCRATCH_VA, 0), K_NO_ERROR);
    /* One table down: now 21 bits are left (the 2 MiB slot). */
    CHECK_EQ(k_riscv_page_map(f, v, SCRATCH_VA, RW, 0), K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(1), K_MISSING_CAPABILITY);
    CHECK_EQ(k_last_mr(2), 21);
    /* A table that is mapped cannot be mapped again (InvalidCapability, cap 0); a
     * VSpace root counts as mapped. */
    CHECK_EQ(k_riscv_page_table_map(l1b, v, 0x80000000ul, 0), K_INVALID_CAPABILITY);
    CHECK_EQ(k_last_mr(0), 0);
    CHECK_EQ(k_riscv_page_table_map(v, v, 0x80000000ul, 0), K_INVALID_CAPABILITY);
    CHECK_EQ(k_last_mr(0), 0);
    /* A lower table has an ASID but is not the root of its VSpace. */
    CHECK_EQ(k_riscv_page_map(f, l1b, SCRATCH_VA, RW, 0), K_INVALID_CAPABILITY);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_riscv_page_table_map(l2, l1b, SCRATCH_VA, 0), K_INVALID_CAPABILITY);
    CHECK_EQ(k_last_mr(0), 1);

    CHECK_EQ(k_riscv_page_table_map(l2, v, SCRATCH_VA, 0), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(f, v, SCRATCH_VA, RW, 0), K_NO_ERROR);
    /* Taken slot; every table level present. */
    CHECK_EQ(k_riscv_page_map(g, v, SCRATCH_VA, RW, 0), K_DELETE_FIRST);
    CHECK_EQ(k_riscv_page_table_map(l3, v, SCRATCH_VA, 0), K_DELETE_FIRST);
    CHECK_EQ(k_riscv_page_table_map(l3, v, SCRATCH_VA + 0x3000, 0), K_DELETE_FIRST);
    /* One frame cap, one mapping: elsewhere in the same VSpace is InvalidArgument;
     * the same place again is a remap (allowed, e.g. to change rights). */
    CHECK_EQ(k_riscv_page_map(f, v, SCRATCH_VA + 0x1000, RW, 0), K_INVALID_ARGUMENT);
    CHECK_EQ(k_last_mr(0), 0);
    CHECK_EQ(k_riscv_page_map(f, v, SCRATCH_VA, K_CAP_RIGHT_READ, XN), K_NO_ERROR);
    /* ... and in another VSpace it is InvalidCapability (cap 1). */
    CHECK_EQ(k_riscv_asid_pool_assign(K_CAP_INIT_THREAD_ASID_POOL, v2), K_NO_ERROR);
    k_cptr_t t1, t2;
    CHECK_EQ(map_tables(ut, v2, SCRATCH_VA, &t1, &t2), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(f, v2, SCRATCH_VA, RW, 0), K_INVALID_CAPABILITY);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_riscv_page_map(g, v2, SCRATCH_VA, RW, 0), K_NO_ERROR);
    /* seL4 checks alignment and the tables for the new address BEFORE it looks at
     * where the frame is mapped already: a mapped frame asked to go to a misaligned
     * address is an AlignmentError, to an address without tables a FailedLookup (in
     * its own VSpace and in another). */
    CHECK_EQ(k_riscv_page_map(f, v, SCRATCH_VA + 0x800, RW, 0), K_ALIGNMENT_ERROR);
    CHECK_EQ(k_riscv_page_map(f, v, 0x80000000ul, RW, 0), K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(2), 30);
    CHECK_EQ(k_riscv_page_map(f, v2, 0x80000000ul, RW, 0), K_FAILED_LOOKUP);
    CHECK_EQ(k_riscv_page_map(f, v, K_USER_TOP, RW, 0), K_INVALID_ARGUMENT);

    /* PageTableUnmap: never a VSpace root; never while another cap to it exists. */
    CHECK_EQ(k_riscv_page_table_unmap(v), K_REVOKE_FIRST);
    CHECK_EQ(k_cnode_copy(ROOT, l2c, ROOT_DEPTH, ROOT, l2, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_table_unmap(l2), K_REVOKE_FIRST);
    CHECK_EQ(k_cnode_delete(ROOT, l2c, ROOT_DEPTH), K_NO_ERROR);
    /* An unmapped table cap cannot be copied (seL4's deriveCap refuses it). */
    CHECK_EQ(k_cnode_copy(ROOT, l3c, ROOT_DEPTH, ROOT, l3, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_debug_cap_identify(l3c), 0);

    /* Operations of one object type invoked on another. */
    CHECK_EQ(k_riscv_page_get_address(l1b, 0), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_riscv_page_table_map(f, v, SCRATCH_VA, 0), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_riscv_page_map(l3, v, SCRATCH_VA, RW, 0), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_riscv_asid_pool_assign(v, v2), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_riscv_page_unmap(l3), K_ILLEGAL_OPERATION);

    /* Truncated messages: too few words, or no capability argument. */
    k_cptr_t cv = v;
    CHECK_EQ(raw_invoke(g, K_RISCV_PAGE_MAP, 2, 1, &cv, SCRATCH_VA, RW), K_TRUNCATED_MESSAGE);
    CHECK_EQ(raw_invoke(g, K_RISCV_PAGE_MAP, 3, 0, 0, SCRATCH_VA, RW), K_TRUNCATED_MESSAGE);
    CHECK_EQ(raw_invoke(l3, K_RISCV_PAGE_TABLE_MAP, 1, 1, &cv, SCRATCH_VA, 0), K_TRUNCATED_MESSAGE);
    CHECK_EQ(raw_invoke(l3, K_RISCV_PAGE_TABLE_MAP, 2, 0, 0, SCRATCH_VA, 0), K_TRUNCATED_MESSAGE);
    CHECK_EQ(raw_invoke(K_CAP_INIT_THREAD_ASID_POOL, K_RISCV_ASID_POOL_ASSIGN, 0, 0, 0, 0, 0),
             K_TRUNCATED_MESSAGE);

    check_paddr(f, ut, 12);
    check_paddr(g, ut, 12);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t slots[] = { v, v2, l1, l2, l3, f, g, ep, empty, l2c, l3c, l1b, t1, t2 };
    for (unsigned i = 0; i < sizeof slots / sizeof slots[0]; i++) tslot_free(slots[i]);
}

TEST(vspace_mega_pages)
{
    /* A 2 MiB frame goes in the first-level table's slot: it needs exactly one table
     * below the root, must be 2 MiB aligned, and must end below K_USER_TOP (so the
     * last 2 MiB of user space cannot take one). With a second-level table in its
     * place, seL4's lookup goes past the 2 MiB level and answers FailedLookup. */
    k_cptr_t ut = untyped_at_least(23);
    k_cptr_t v = vspace_root_new(ut), l1 = pt_new(ut), l2 = pt_new(ut);
    k_cptr_t m = make_object(ut, K_RISCV_MEGA_PAGE_OBJECT, 0);
    CHECK(v != 0);
    CHECK_EQ(k_riscv_page_map(m, v, SCRATCH_VA, RW, 0), K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(2), 30);
    CHECK_EQ(k_riscv_page_table_map(l1, v, SCRATCH_VA, 0), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(m, v, SCRATCH_VA + 0x1000, RW, 0), K_ALIGNMENT_ERROR);
    CHECK_EQ(k_riscv_page_map(m, v, 0x3fffe00000ul, RW, 0), K_INVALID_ARGUMENT);
    CHECK_EQ(k_riscv_page_map(m, v, SCRATCH_VA, RW, 0), K_NO_ERROR);
    /* A page is there: no table fits. */
    CHECK_EQ(k_riscv_page_table_map(l2, v, SCRATCH_VA, 0), K_DELETE_FIRST);
    CHECK_EQ(k_riscv_page_unmap(m), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_table_map(l2, v, SCRATCH_VA, 0), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(m, v, SCRATCH_VA, RW, 0), K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(2), 12);
    /* The next 2 MiB slot of l1 is free. */
    CHECK_EQ(k_riscv_page_map(m, v, SCRATCH_VA + MEGA, RW, 0), K_NO_ERROR);
    check_paddr(m, ut, K_LARGE_PAGE_BITS);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(m);
    tslot_free(l2);
    tslot_free(l1);
    tslot_free(v);
}

TEST(vspace_rights_are_masked_not_refused)
{
    /* seL4 masks the rights asked for with the frame cap's rights (maskVMRights): a
     * read-only cap asked for read-write gives a read-only mapping without an error,
     * and so does a read-write cap asked for read only. Children in our VSpace store
     * through three views of one frame: the read-write view works; the two
     * read-only ones stop the child with a store page fault and leave memory alone. */
    k_cptr_t ut = untyped_at_least(22);
    k_cptr_t l1, l2;
    CHECK_EQ(map_tables(ut, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, &l1, &l2), K_NO_ERROR);
    k_cptr_t f = frame_new(ut), ro = tslot_alloc(), rw = tslot_alloc();
    CHECK_EQ(k_cnode_copy(ROOT, ro, ROOT_DEPTH, ROOT, f, ROOT_DEPTH, K_CAP_RIGHT_READ), K_NO_ERROR);
    CHECK_EQ(k_cnode_copy(ROOT, rw, ROOT_DEPTH, ROOT, f, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    int e0 = k_riscv_page_map(f, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, RW, XN);
    int e1 = k_riscv_page_map(ro, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA + 0x1000, RW, XN);
    int e2 = k_riscv_page_map(rw, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA + 0x2000, K_CAP_RIGHT_READ, XN);
    CHECK_EQ(e0, K_NO_ERROR);
    CHECK_EQ(e1, K_NO_ERROR);
    CHECK_EQ(e2, K_NO_ERROR);
    if (e0 || e1 || e2) {
        CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
        return;
    }
    volatile k_word_t *p = (volatile k_word_t *)SCRATCH_VA;
    p[1] = 0x5a5a;
    CHECK_EQ(((volatile k_word_t *)(SCRATCH_VA + 0x1000))[1], 0x5a5a);   /* readable */
    CHECK_EQ(((volatile k_word_t *)(SCRATCH_VA + 0x2000))[1], 0x5a5a);

    shared_clear();
    struct thread ok = { 0 }, bad_cap = { 0 }, bad_req = { 0 };
    CHECK_EQ(thread_new(&ok, ut, 0, 0, "rw-store"), K_NO_ERROR);
    CHECK_EQ(thread_new(&bad_cap, ut, 0, 0, "xf-ro-cap"), K_NO_ERROR);
    CHECK_EQ(thread_new(&bad_req, ut, 0, 0, "xf-ro-request"), K_NO_ERROR);
    CHECK_EQ(thread_start(&ok, child_poke, 10, SCRATCH_VA + 16, 0x1234, 255, true), K_NO_ERROR);
    CHECK_EQ(thread_start(&bad_cap, child_poke, 20, SCRATCH_VA + 0x1000 + 24, 0xdead, 255, true), K_NO_ERROR);
    CHECK_EQ(thread_start(&bad_req, child_poke, 30, SCRATCH_VA + 0x2000 + 32, 0xbeef, 255, true), K_NO_ERROR);
    CHECK(YIELD_UNTIL(shared.word[10] == 2 && shared.word[20] && shared.word[30], 50));
    yield_n(5);
    CHECK_EQ(shared.word[10], 2);
    CHECK_EQ(p[2], 0x1234);
    CHECK_EQ(shared.word[20], 1);   /* reached the store, never got past it */
    CHECK_EQ(shared.word[30], 1);
    CHECK_EQ(p[3], 0);
    CHECK_EQ(p[4], 0);
    CHECK_EQ(shared.word[SHARED_SUSPEND_RETURNED], 0);

    thread_free(&ok);
    thread_free(&bad_cap);
    thread_free(&bad_req);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(f);
    tslot_free(ro);
    tslot_free(rw);
    tslot_free(l1);
    tslot_free(l2);
    shared_clear();
}

TEST(vspace_execute_never_attribute)
{
    /* The page holding alias_store mapped twice more in our VSpace, executable and
     * execute-never. A child started in the executable alias runs it; one started
     * in the execute-never alias takes an instruction page fault at its first
     * instruction (and ReadRegisters shows it stopped there). */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t l1, l2, x = tslot_alloc(), nx = tslot_alloc();
    CHECK_EQ(map_tables(ut, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, &l1, &l2), K_NO_ERROR);
    k_word_t fn = (k_word_t)alias_store, off = fn & 0xfff;
    k_cptr_t code = image_frame_of((const void *)fn);
    CHECK_EQ(k_cnode_copy(ROOT, x, ROOT_DEPTH, ROOT, code, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    CHECK_EQ(k_cnode_copy(ROOT, nx, ROOT_DEPTH, ROOT, code, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(x, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, K_CAP_RIGHT_READ, 0), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(nx, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA + 0x1000, K_CAP_RIGHT_READ, XN),
             K_NO_ERROR);

    shared_clear();
    struct thread a = { 0 }, b = { 0 };
    struct k_user_context r;
    CHECK_EQ(thread_new(&a, ut, 0, 0, "exec-alias"), K_NO_ERROR);
    CHECK_EQ(thread_new(&b, ut, 0, 0, "xf-exec-never"), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_priority(a.tcb, K_CAP_INIT_THREAD_TCB, 255), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_priority(b.tcb, K_CAP_INIT_THREAD_TCB, 255), K_NO_ERROR);
    thread_initial_regs(&b, &r, 0, 0, 0, 0);
    r.pc = SCRATCH_VA + 0x1000 + off;
    r.a0 = (k_word_t)&shared.word[2];
    r.a1 = 0xbad;
    CHECK_EQ(k_tcb_write_registers(b.tcb, true, 0, K_USER_CONTEXT_WORDS, &r), K_NO_ERROR);
    thread_initial_regs(&a, &r, 0, 0, 0, 0);
    r.pc = SCRATCH_VA + off;
    r.a0 = (k_word_t)&shared.word[1];
    r.a1 = 0x600d;
    CHECK_EQ(k_tcb_write_registers(a.tcb, true, 0, K_USER_CONTEXT_WORDS, &r), K_NO_ERROR);
    CHECK(YIELD_UNTIL(shared.word[1] == 0x600d, 50));
    yield_n(3);
    CHECK_EQ(shared.word[2], 0);
    CHECK_EQ(k_tcb_suspend(a.tcb), K_NO_ERROR);   /* it spins in alias_store */
    CHECK_EQ(k_tcb_read_registers(b.tcb, false, 0, 1, &r), K_NO_ERROR);
    CHECK_EQ(r.pc, SCRATCH_VA + 0x1000 + off);

    thread_free(&a);
    thread_free(&b);
    k_cnode_delete(ROOT, x, ROOT_DEPTH);
    k_cnode_delete(ROOT, nx, ROOT_DEPTH);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(x);
    tslot_free(nx);
    tslot_free(l1);
    tslot_free(l2);
    shared_clear();
}

TEST(vspace_address_spaces_are_separate)
{
    /* A page we map in our VSpace is not in another VSpace: a child in its own VSpace
     * faults loading from that address, while a child in our VSpace, running the
     * same code, reads our value there. */
    k_cptr_t ut = untyped_at_least(22);
    struct vspace vs = { 0 };
    struct thread a = { 0 }, b = { 0 };
    k_cptr_t l1 = 0, l2 = 0, f = frame_new(ut);
    shared_clear();
    int e = map_tables(ut, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, &l1, &l2);
    if (e == K_NO_ERROR) e = k_riscv_page_map(f, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, RW, XN);
    if (e == K_NO_ERROR) {
        *(volatile k_word_t *)SCRATCH_VA = 0x0123;
        e = vspace_new(&vs, ut, 0);
    }
    if (e == K_NO_ERROR) e = thread_new(&a, ut, &vs, 0, "xf-isolated");
    if (e == K_NO_ERROR) e = thread_new(&b, ut, 0, 0, "same-vspace");
    if (e == K_NO_ERROR) e = thread_start(&a, child_load_once, 10, SCRATCH_VA, 0, 255, true);
    if (e == K_NO_ERROR) e = thread_start(&b, child_load_once, 20, SCRATCH_VA, 0, 255, true);
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK(YIELD_UNTIL(shared.word[10] && shared.word[20] == 2, 50));
        yield_n(3);
        CHECK_EQ(shared.word[10], 1);
        CHECK_EQ(shared.word[21], 0x0123);
    }
    thread_free(&a);
    thread_free(&b);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(f);
    if (l1) tslot_free(l1);
    if (l2) tslot_free(l2);
    shared_clear();
}

TEST(vspace_unmap_and_remap_take_effect_at_once)
{
    /* Stale translations must be flushed. We write a page (so the hardware may cache
     * a writable translation for it) and at once remap it read-only; a child in OUR
     * VSpace (same ASID: no address-space switch flushes anything for it) must fault
     * on its store. Then the same with Unmap and a load. Each step is done right
     * before the child runs, so no other flush can hide a missing one. */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t l1, l2, f = frame_new(ut), g = frame_new(ut);
    const k_cptr_t vs = K_CAP_INIT_THREAD_VSPACE;
    struct thread a = { 0 }, b = { 0 };
    shared_clear();
    int e = map_tables(ut, vs, SCRATCH_VA, &l1, &l2);
    if (e == K_NO_ERROR) e = k_riscv_page_map(f, vs, SCRATCH_VA, RW, XN);
    if (e == K_NO_ERROR) e = k_riscv_page_map(g, vs, SCRATCH_VA + 0x1000, RW, XN);
    if (e == K_NO_ERROR) e = thread_new(&a, ut, 0, 0, "xf-stale-unmapped");
    if (e == K_NO_ERROR) e = thread_new(&b, ut, 0, 0, "xf-stale-writable");
    if (e == K_NO_ERROR) e = k_tcb_set_priority(a.tcb, K_CAP_INIT_THREAD_TCB, 255);
    if (e == K_NO_ERROR) e = k_tcb_set_priority(b.tcb, K_CAP_INIT_THREAD_TCB, 255);
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        volatile k_word_t *p = (volatile k_word_t *)SCRATCH_VA, *q = (volatile k_word_t *)(SCRATCH_VA + 0x1000);
        struct k_user_context r;
        q[0] = 1;
        CHECK_EQ(k_riscv_page_map(g, vs, SCRATCH_VA + 0x1000, K_CAP_RIGHT_READ, XN), K_NO_ERROR);
        thread_initial_regs(&b, &r, child_poke, 20, SCRATCH_VA + 0x1000 + 8, 0xbad);
        CHECK_EQ(k_tcb_write_registers(b.tcb, true, 0, K_USER_CONTEXT_WORDS, &r), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[20], 50));
        yield_n(3);
        CHECK_EQ(shared.word[20], 1);
        CHECK_EQ(q[1], 0);

        p[0] = 1;
        CHECK_EQ(k_riscv_page_unmap(f), K_NO_ERROR);
        thread_initial_regs(&a, &r, child_load_once, 10, SCRATCH_VA, 0);
        CHECK_EQ(k_tcb_write_registers(a.tcb, true, 0, K_USER_CONTEXT_WORDS, &r), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[10], 50));
        yield_n(3);
        CHECK_EQ(shared.word[10], 1);
    }
    thread_free(&a);
    thread_free(&b);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(f);
    tslot_free(g);
    tslot_free(l1);
    tslot_free(l2);
    shared_clear();
}

TEST(vspace_unmap_stops_reading_child)
{
    /* Two children in their own VSpace read a page each in a loop. Unmapping one
     * frame, and deleting the other frame's cap, takes the pages away: each child
     * takes a load page fault at that address (reported, thread stopped) and makes
     * no more progress; the root task goes on. */
    k_cptr_t ut = untyped_at_least(22);
    struct vspace vs = { 0 };
    struct thread a = { 0 }, b = { 0 };
    k_cptr_t l1 = 0, l2 = 0, fa = frame_new(ut), fb = frame_new(ut);
    shared_clear();
    int e = vspace_new(&vs, ut, 0);
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK_EQ(map_tables(ut, vs.root, SCRATCH_VA, &l1, &l2), K_NO_ERROR);
        CHECK_EQ(k_riscv_page_map(fa, vs.root, SCRATCH_VA, RW, XN), K_NO_ERROR);
        CHECK_EQ(k_riscv_page_map(fb, vs.root, SCRATCH_VA + 0x1000, RW, XN), K_NO_ERROR);
        CHECK_EQ(thread_new(&a, ut, &vs, 0, "xf-unmap"), K_NO_ERROR);
        CHECK_EQ(thread_new(&b, ut, &vs, 0, "xf-delete-frame"), K_NO_ERROR);
        CHECK_EQ(thread_start(&a, child_read_loop, 10, SCRATCH_VA, 0, 255, true), K_NO_ERROR);
        CHECK_EQ(thread_start(&b, child_read_loop, 20, SCRATCH_VA + 0x1000, 0, 255, true), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[10] > 0 && shared.word[20] > 0, 50));
        CHECK_EQ(k_riscv_page_unmap(fa), K_NO_ERROR);
        CHECK_EQ(k_cnode_delete(ROOT, fb, ROOT_DEPTH), K_NO_ERROR);
        yield_n(3);
        k_word_t ca = shared.word[10], cb = shared.word[20];
        yield_n(10);
        CHECK_EQ(shared.word[10], ca);
        CHECK_EQ(shared.word[20], cb);
        CHECK(ca > 0 && cb > 0);
    }
    thread_free(&a);
    thread_free(&b);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(fa);
    tslot_free(fb);
    if (l1) tslot_free(l1);
    if (l2) tslot_free(l2);
    shared_clear();
}

TEST(vspace_fault_then_resume_retries)
{
    /* seL4: a thread that faults with no fault handler becomes Inactive; Resume
     * restarts it at the faulting instruction. So a child that loads from an
     * unmapped page stops; once the page is mapped (here: an alias of our `shared`
     * page) and the child resumed, the load succeeds and the child goes on. The
     * console shows exactly one fault report for it. */
    k_cptr_t ut = untyped_at_least(22);
    struct vspace vs = { 0 };
    struct thread t = { 0 };
    k_cptr_t l1 = 0, l2 = 0, alias = tslot_alloc();
    shared_clear();
    int e = vspace_new(&vs, ut, 0);
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK_EQ(map_tables(ut, vs.root, SCRATCH_VA, &l1, &l2), K_NO_ERROR);
        CHECK_EQ(thread_new(&t, ut, &vs, 0, "xf-resume"), K_NO_ERROR);
        CHECK_EQ(thread_start(&t, child_load_once, 10, SCRATCH_VA + 8 * 8, 0, 255, true), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[10] != 0, 50));
        yield_n(5);
        CHECK_EQ(shared.word[10], 1);            /* stopped at the load */
        shared.word[8] = 0xfeed;
        CHECK_EQ(k_cnode_copy(ROOT, alias, ROOT_DEPTH, ROOT, image_frame_of(&shared), ROOT_DEPTH,
                              K_CAP_RIGHTS_ALL), K_NO_ERROR);
        CHECK_EQ(k_riscv_page_map(alias, vs.root, SCRATCH_VA, K_CAP_RIGHT_READ, XN), K_NO_ERROR);
        CHECK_EQ(k_tcb_resume(t.tcb), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[10] == 2, 50));
        CHECK_EQ(shared.word[11], 0xfeed);
    }
    thread_free(&t);
    k_cnode_delete(ROOT, alias, ROOT_DEPTH);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(alias);
    if (l1) tslot_free(l1);
    if (l2) tslot_free(l2);
    shared_clear();
}

TEST(vspace_deleted_under_running_thread)
{
    /* A child runs in a VSpace whose root table comes from an untyped of its own;
     * revoking that untyped deletes the VSpace (and the copy of its cap in the
     * child's TCB) while the child runs. The child faults at its next access
     * (reported), makes no more progress, and its remaining objects (tables, frames
     * whose mappings refer to the dead ASID) delete cleanly. Then a new VSpace and
     * thread work as before: the kernel is consistent. */
    k_cptr_t ut = untyped_at_least(22);
    k_cptr_t vs_ut = make_object(ut, K_UNTYPED_OBJECT, 12);
    struct vspace vs = { 0 };
    struct thread t = { 0 };
    shared_clear();
    int e = vspace_new(&vs, ut, vs_ut);
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK_EQ(thread_new(&t, ut, &vs, 0, "xf-vspace-gone"), K_NO_ERROR);
        CHECK_EQ(thread_start(&t, child_count, 10, 0, 0, 255, true), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[10] > 0, 50));
        CHECK_EQ(k_cnode_revoke(ROOT, vs_ut, ROOT_DEPTH), K_NO_ERROR);
        CHECK_EQ(k_debug_cap_identify(vs.root), 0);
        yield_n(3);
        k_word_t c = shared.word[10];
        yield_n(10);
        CHECK_EQ(shared.word[10], c);
    }
    thread_free(&t);
    vspace_free(&vs);

    /* Life goes on. */
    e = vspace_new(&vs, ut, 0);
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK_EQ(thread_new(&t, ut, &vs, 0, "after-vspace-gone"), K_NO_ERROR);
        CHECK_EQ(thread_start(&t, child_store, 12, 0x77, 0, 255, true), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[12] == 0x77, 50));
    }
    thread_free(&t);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(vs_ut);
    shared_clear();
}

TEST(asid_control_and_pool_errors)
{
    /* ASIDControl_MakePool wants an untyped of exactly 4 KiB, not device memory,
     * with nothing made from it, and an empty slot; ASIDPool_Assign wants a page
     * table that is not mapped and has no ASID yet. A new pool's ASIDs work. */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t u4 = make_object(ut, K_UNTYPED_OBJECT, 12), u8 = make_object(ut, K_UNTYPED_OBJECT, 13);
    k_cptr_t used = make_object(ut, K_UNTYPED_OBJECT, 12), ep = make_object(ut, K_ENDPOINT_OBJECT, 0);
    k_cptr_t pool = tslot_alloc(), pool2 = tslot_alloc();
    k_cptr_t inside = make_object(used, K_ENDPOINT_OBJECT, 0);
    CHECK(inside != 0);

    CHECK_EQ(k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, u8, ROOT, pool, ROOT_DEPTH), K_INVALID_CAPABILITY);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, ep, ROOT, pool, ROOT_DEPTH), K_INVALID_CAPABILITY);
    CHECK_EQ(k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, used, ROOT, pool, ROOT_DEPTH), K_REVOKE_FIRST);
    CHECK_EQ(k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, u4, ROOT, ep, ROOT_DEPTH), K_DELETE_FIRST);
    CHECK_EQ(raw_invoke(K_CAP_ASID_CONTROL, K_RISCV_ASID_CONTROL_MAKE_POOL, 2, 1, &u4, pool, ROOT_DEPTH),
             K_TRUNCATED_MESSAGE);
    /* Device memory cannot hold a pool. */
    for (k_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        if (!bi->untyped_list[i].is_device || bi->untyped_list[i].size_bits < 12) continue;
        k_cptr_t dev = bi->untyped.start + i;
        k_cptr_t dev4 = make_object(dev, K_UNTYPED_OBJECT, 12);
        CHECK_EQ(k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, dev4, ROOT, pool, ROOT_DEPTH),
                 K_INVALID_CAPABILITY);
        CHECK_EQ(k_cnode_revoke(ROOT, dev, ROOT_DEPTH), K_NO_ERROR);
        tslot_free(dev4);
        break;
    }
    CHECK_EQ(k_debug_cap_identify(pool), 0);   /* no failure made anything */

    CHECK_EQ(k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, u4, ROOT, pool, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(pool), TAG_ASID_POOL);
    /* The untyped now has a child (the pool). */
    CHECK_EQ(k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, u4, ROOT, pool2, ROOT_DEPTH), K_REVOKE_FIRST);

    /* Wrong operation for the object. */
    k_cptr_t v = pt_new(ut), l1 = pt_new(ut), f = frame_new(ut), empty = tslot_alloc();
    CHECK_EQ(k_riscv_asid_pool_assign(K_CAP_ASID_CONTROL, v), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_riscv_asid_control_make_pool(pool, u8, ROOT, pool2, ROOT_DEPTH), K_ILLEGAL_OPERATION);
    /* Assign: only a page table, not assigned, not mapped below another. */
    CHECK_EQ(k_riscv_asid_pool_assign(pool, f), K_INVALID_CAPABILITY);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_riscv_asid_pool_assign(pool, ep), K_INVALID_CAPABILITY);
    CHECK_EQ(k_riscv_asid_pool_assign(pool, empty), K_INVALID_CAPABILITY);
    CHECK_EQ(k_riscv_asid_pool_assign(pool, v), K_NO_ERROR);
    CHECK_EQ(k_riscv_asid_pool_assign(pool, v), K_INVALID_CAPABILITY);
    CHECK_EQ(k_riscv_asid_pool_assign(K_CAP_INIT_THREAD_ASID_POOL, v), K_INVALID_CAPABILITY);
    CHECK_EQ(k_riscv_page_table_map(l1, v, SCRATCH_VA, 0), K_NO_ERROR);
    CHECK_EQ(k_riscv_asid_pool_assign(pool, l1), K_INVALID_CAPABILITY);
    /* The new pool's ASID is a working VSpace. */
    k_cptr_t l2 = pt_new(ut);
    CHECK_EQ(k_riscv_page_table_map(l2, v, SCRATCH_VA, 0), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(f, v, SCRATCH_VA, RW, 0), K_NO_ERROR);

    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(pool), 0);
    k_cptr_t slots[] = { u4, u8, used, ep, pool, pool2, inside, v, l1, f, empty, l2 };
    for (unsigned i = 0; i < sizeof slots / sizeof slots[0]; i++) tslot_free(slots[i]);
}

TEST(asid_pool_full_then_freed)
{
    /* A new pool (base ASID not 0) has 512 ASIDs: 512 VSpaces get one, the 513th is
     * DeleteFirst. Deleting a VSpace gives its ASID back. The VSpaces are parked in a
     * 1024-slot CNode after assignment (moving a cap keeps its ASID). */
    k_cptr_t ut = untyped_at_least(23);
    k_cptr_t u4 = make_object(ut, K_UNTYPED_OBJECT, 12), pool = tslot_alloc(), tmp = tslot_alloc();
    k_cptr_t park = make_object(ut, K_CAPTABLE_OBJECT, 10);
    int e = k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, u4, ROOT, pool, ROOT_DEPTH);
    CHECK_EQ(e, K_NO_ERROR);
    unsigned assigned = 0, errors = 0;
    if (e == K_NO_ERROR) {
        for (unsigned i = 0; i < 512; i++) {
            if (k_untyped_retype(ut, K_RISCV_PAGE_TABLE_OBJECT, 0, ROOT, 0, 0, tmp, 1) != K_NO_ERROR) {
                errors++;
                break;
            }
            e = k_riscv_asid_pool_assign(pool, tmp);
            if (e == K_NO_ERROR) assigned++;
            else errors++;
            if (k_cnode_move(park, i, 10, ROOT, tmp, ROOT_DEPTH) != K_NO_ERROR) errors++;
        }
        CHECK_EQ(assigned, 512);
        CHECK_EQ(errors, 0);
        CHECK_EQ(k_untyped_retype(ut, K_RISCV_PAGE_TABLE_OBJECT, 0, ROOT, 0, 0, tmp, 1), K_NO_ERROR);
        CHECK_EQ(k_riscv_asid_pool_assign(pool, tmp), K_DELETE_FIRST);
        /* Free two (one from the middle, one from the end); two more fit, then no more. */
        CHECK_EQ(k_cnode_delete(park, 100, 10), K_NO_ERROR);
        CHECK_EQ(k_cnode_delete(park, 511, 10), K_NO_ERROR);
        CHECK_EQ(k_riscv_asid_pool_assign(pool, tmp), K_NO_ERROR);
        CHECK_EQ(k_cnode_move(park, 100, 10, ROOT, tmp, ROOT_DEPTH), K_NO_ERROR);
        CHECK_EQ(k_untyped_retype(ut, K_RISCV_PAGE_TABLE_OBJECT, 0, ROOT, 0, 0, tmp, 1), K_NO_ERROR);
        CHECK_EQ(k_riscv_asid_pool_assign(pool, tmp), K_NO_ERROR);
        CHECK_EQ(k_cnode_move(park, 511, 10, ROOT, tmp, ROOT_DEPTH), K_NO_ERROR);
        CHECK_EQ(k_untyped_retype(ut, K_RISCV_PAGE_TABLE_OBJECT, 0, ROOT, 0, 0, tmp, 1), K_NO_ERROR);
        CHECK_EQ(k_riscv_asid_pool_assign(pool, tmp), K_DELETE_FIRST);
    }
    /* Revoking deletes the pool (a child of u4) and all 512 VSpaces. */
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(pool), 0);
    tslot_free(u4);
    tslot_free(pool);
    tslot_free(tmp);
    tslot_free(park);
}

TEST(asid_pools_run_out_and_come_back)
{
    /* There are 128 pools of ASIDs (one is the root task's). Making pools until
     * ASIDControl says DeleteFirst, then deleting one pool, lets one more be made;
     * after revoking them all, pools can be made again (deleting a pool frees its
     * place in the ASID table). */
    k_cptr_t ut = untyped_at_least(22);
    k_cptr_t park = make_object(ut, K_CAPTABLE_OBJECT, 8), tu = tslot_alloc(), tp = tslot_alloc();
    unsigned made = 0;
    int e = K_NO_ERROR;
    for (unsigned i = 0; i < 130; i++) {
        if (k_untyped_retype(ut, K_UNTYPED_OBJECT, 12, ROOT, 0, 0, tu, 1) != K_NO_ERROR) break;
        e = k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, tu, ROOT, tp, ROOT_DEPTH);
        if (e != K_NO_ERROR) break;
        made++;
        CHECK_EQ(k_cnode_move(park, 2 * i, 8, ROOT, tu, ROOT_DEPTH), K_NO_ERROR);
        CHECK_EQ(k_cnode_move(park, 2 * i + 1, 8, ROOT, tp, ROOT_DEPTH), K_NO_ERROR);
    }
    CHECK_EQ(e, K_DELETE_FIRST);
    CHECK(made >= 1 && made <= 127);
    k_cptr_t v = 0;
    if (made >= 1) {
        /* tu holds a fresh 4 KiB untyped; delete one pool and it becomes a pool. */
        CHECK_EQ(k_cnode_delete(park, 1, 8), K_NO_ERROR);
        CHECK_EQ(k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, tu, ROOT, tp, ROOT_DEPTH), K_NO_ERROR);
        v = pt_new(ut);
        CHECK_EQ(k_riscv_asid_pool_assign(tp, v), K_NO_ERROR);
    }
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    if (v) tslot_free(v);
    CHECK_EQ(k_untyped_retype(ut, K_UNTYPED_OBJECT, 12, ROOT, 0, 0, tu, 1), K_NO_ERROR);
    CHECK_EQ(k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, tu, ROOT, tp, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(park);
    tslot_free(tu);
    tslot_free(tp);
}

TEST(asid_reuse_after_delete)
{
    /* Our pool has at most 511 free ASIDs. Making, assigning and deleting a VSpace
     * 1100 times only works if deleting a VSpace returns its ASID to the pool. */
    k_cptr_t ut = untyped_at_least(16);
    k_cptr_t tmp = tslot_alloc();
    unsigned failures = 0, first_failure = 0;
    int err = 0;
    for (unsigned i = 0; i < 1100; i++) {
        int e = k_untyped_retype(ut, K_RISCV_PAGE_TABLE_OBJECT, 0, ROOT, 0, 0, tmp, 1);
        if (e == K_NO_ERROR) e = k_riscv_asid_pool_assign(K_CAP_INIT_THREAD_ASID_POOL, tmp);
        if (e != K_NO_ERROR && failures++ == 0) {
            first_failure = i;
            err = e;
        }
        k_cnode_delete(ROOT, tmp, ROOT_DEPTH);
    }
    if (failures) printf("  first failure at %u: error %d\n", first_failure, err);
    CHECK_EQ(failures, 0);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(tmp);
}

TEST(vspace_of_deleted_pool_fails_lookup)
{
    /* When its pool is deleted, a VSpace's cap still says it has an ASID, but the
     * ASID leads nowhere: PageMap and PageTableMap answer FailedLookup (seL4's
     * findVSpaceForASID failure). Deleting it later is harmless. */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t u4 = make_object(ut, K_UNTYPED_OBJECT, 12), pool = tslot_alloc();
    k_cptr_t v = pt_new(ut), l1 = pt_new(ut), l2 = pt_new(ut), f = frame_new(ut);
    CHECK_EQ(k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, u4, ROOT, pool, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_riscv_asid_pool_assign(pool, v), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_table_map(l1, v, SCRATCH_VA, 0), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, u4, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(pool), 0);
    CHECK_EQ(k_riscv_page_table_map(l2, v, SCRATCH_VA, 0), K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(0), 0);
    CHECK_EQ(k_riscv_page_map(f, v, SCRATCH_VA, RW, 0), K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(0), 0);
    CHECK_EQ(k_cnode_delete(ROOT, l1, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_delete(ROOT, v, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t slots[] = { u4, pool, v, l1, l2, f };
    for (unsigned i = 0; i < sizeof slots / sizeof slots[0]; i++) tslot_free(slots[i]);
}

TEST(stale_mapping_caps_leave_new_vspace_alone)
{
    /* After its VSpace is deleted, the caps of frames and tables mapped in it still
     * name the old ASID and address. seL4 hands out the lowest free ASID, so a new
     * VSpace most likely gets the same one. Deleting the stale caps must not touch
     * what the new VSpace has at the same addresses: seL4 unmaps a frame only if the
     * entry still points at that frame, a table only if it finds that table. */
    k_cptr_t ut = untyped_at_least(22);
    k_cptr_t v1 = vspace_root_new(ut), a1, a2, f = frame_new(ut), p = pt_new(ut);
    CHECK(v1 != 0);
    CHECK_EQ(map_tables(ut, v1, SCRATCH_VA, &a1, &a2), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(f, v1, SCRATCH_VA, RW, 0), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_table_map(p, v1, 0x80000000ul, 0), K_NO_ERROR);
    CHECK_EQ(k_cnode_delete(ROOT, v1, ROOT_DEPTH), K_NO_ERROR);

    k_cptr_t v2 = vspace_root_new(ut), b1, b2, g = frame_new(ut), q = pt_new(ut), h = frame_new(ut);
    CHECK(v2 != 0);
    CHECK_EQ(map_tables(ut, v2, SCRATCH_VA, &b1, &b2), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(g, v2, SCRATCH_VA, RW, 0), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_table_map(q, v2, 0x80000000ul, 0), K_NO_ERROR);

    CHECK_EQ(k_cnode_delete(ROOT, f, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(h, v2, SCRATCH_VA, RW, 0), K_DELETE_FIRST);   /* g still there */
    CHECK_EQ(k_cnode_delete(ROOT, p, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(h, v2, 0x80000000ul, RW, 0), K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(2), 21);                                             /* q still there */
    CHECK_EQ(k_cnode_delete(ROOT, a2, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_delete(ROOT, a1, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(h, v2, SCRATCH_VA + 0x1000, RW, 0), K_NO_ERROR);   /* b1, b2 too */

    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t slots[] = { v1, a1, a2, f, p, v2, b1, b2, g, q, h };
    for (unsigned i = 0; i < sizeof slots / sizeof slots[0]; i++) tslot_free(slots[i]);
}

TEST(page_table_unmap_empties_the_table)
{
    /* seL4's PageTable_Unmap takes the table out of its parent AND clears it
     * (performPageTableInvocationUnmap), so mapped again it is empty: the frame that
     * was mapped through it is gone. The frame's cap still names its old mapping;
     * unmapping it then must not remove the new frame at that address. Unmapping a
     * table that is not mapped does nothing. */
    k_cptr_t ut = untyped_at_least(22);
    k_cptr_t v = vspace_root_new(ut), l1, l2, f = frame_new(ut), g = frame_new(ut), h = frame_new(ut);
    k_cptr_t spare = pt_new(ut);
    CHECK(v != 0);
    CHECK_EQ(map_tables(ut, v, SCRATCH_VA, &l1, &l2), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(f, v, SCRATCH_VA, RW, 0), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_table_unmap(l2), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(g, v, SCRATCH_VA, RW, 0), K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(2), 21);
    CHECK_EQ(k_riscv_page_table_map(l2, v, SCRATCH_VA, 0), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(g, v, SCRATCH_VA, RW, 0), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_unmap(f), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(h, v, SCRATCH_VA, RW, 0), K_DELETE_FIRST);   /* g stays */
    CHECK_EQ(k_riscv_page_map(f, v, SCRATCH_VA + 0x1000, RW, 0), K_NO_ERROR);
    CHECK_EQ(k_riscv_page_table_unmap(spare), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t slots[] = { v, l1, l2, f, g, h, spare };
    for (unsigned i = 0; i < sizeof slots / sizeof slots[0]; i++) tslot_free(slots[i]);
}
