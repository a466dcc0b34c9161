/* Smaller points where seL4 13.0.0's behaviour is exact: the number of ASID pools,
 * CNode_Rotate's lookup order, DomainSet_Set's domain check, and what Resume does
 * to a thread that has ended (our SYS_DEBUG_THREAD_EXIT, docs/abi.md). */
#include "thread_util.h"
#include <k/syscalls.h>

/* ------------------------------------------------------------------ ASID pools */

TEST(asid_128_pools_and_the_last_one_works)
{
    /* seL4 RV64 has 2^7 pools of 2^9 ASIDs (seL4_NumASIDPoolsBits): with the root
     * task's pool, MakePool succeeds 127 times and then says DeleteFirst. A VSpace
     * given an ASID from the last pool (ASIDs 0xfe00..) runs a thread. */
    k_cptr_t ut = untyped_at_least(22);
    k_cptr_t park = make_object(ut, K_CAPTABLE_OBJECT, 8), tu = tslot_alloc(), tp = tslot_alloc();
    unsigned made = 0;
    int e = K_NO_ERROR;
    for (unsigned i = 0; i < 130 && park; i++) {
        if (k_untyped_retype(ut, K_UNTYPED_OBJECT, 12, ROOT, 0, 0, tu, 1) != K_NO_ERROR) break;
        e = k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, tu, ROOT, tp, ROOT_DEPTH);
        if (e != K_NO_ERROR) break;
        made++;
        CHECK_EQ(k_cnode_move(park, 2 * i, 8, ROOT, tu, ROOT_DEPTH), K_NO_ERROR);
        CHECK_EQ(k_cnode_move(park, 2 * i + 1, 8, ROOT, tp, ROOT_DEPTH), K_NO_ERROR);
    }
    CHECK_EQ(made, 127);
    CHECK_EQ(e, K_DELETE_FIRST);      /* tu is a fresh 4 KiB untyped, tp is empty */
    if (made == 127) {
        /* The pool made last has the highest index of the ASID table. */
        CHECK_EQ(k_cnode_move(ROOT, tp, ROOT_DEPTH, park, 2 * 126 + 1, 8), K_NO_ERROR);
        struct vspace vs = { 0 };
        struct thread t = { 0 };
        e = vspace_new_in_pool(&vs, ut, 0, tp);
        CHECK_EQ(e, K_NO_ERROR);
        if (e == K_NO_ERROR) e = thread_new(&t, ut, &vs, 0, "asid-high-pool");
        if (e == K_NO_ERROR) e = thread_start(&t, child_store, 20, 0xa51d, 0, 255, true);
        CHECK_EQ(e, K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[20] == 0xa51d, 50));
        thread_free(&t);
        vspace_free(&vs);
        /* Deleting one pool frees its place in the table: one more can be made. */
        CHECK_EQ(k_cnode_delete(ROOT, tp, ROOT_DEPTH), K_NO_ERROR);
        CHECK_EQ(k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, tu, ROOT, tp, ROOT_DEPTH), K_NO_ERROR);
    }
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    shared_clear();
    tslot_free(tu);
    tslot_free(tp);
}

/* ------------------------------------------------------------------ CNode_Rotate */

TEST(cnode_rotate_looks_up_the_source_first)
{
    /* seL4's decodeCNodeInvocation: the source slot is looked up before the pivot, so
     * when both are bad the error names the source (FailedLookup with MR0 = 1), and a
     * source depth out of range is reported even if the pivot is also bad. Bits
     * above the root's 2^n slots fail its guard. */
    k_cptr_t ut = untyped_at_least(16);
    k_cptr_t ep = make_object(ut, K_ENDPOINT_OBJECT, 0), dest = slot_alloc();
    k_word_t bad_src = 1ul << 63, bad_pivot = 1ul << 62;
    CHECK_EQ(k_cnode_rotate(ROOT, dest, ROOT_DEPTH, 0, ROOT, bad_pivot, ROOT_DEPTH, 0, ROOT, bad_src, ROOT_DEPTH),
             K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_last_mr(1), K_GUARD_MISMATCH);
    CHECK_EQ(k_cnode_rotate(ROOT, dest, ROOT_DEPTH, 0, ROOT, bad_pivot, ROOT_DEPTH, 0, ROOT, ep, 0), K_RANGE_ERROR);
    CHECK_EQ(k_cnode_rotate(ROOT, dest, ROOT_DEPTH, 0, ROOT, ep, ROOT_DEPTH, 0, ROOT, bad_src, ROOT_DEPTH),
             K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_cnode_rotate(ROOT, dest, ROOT_DEPTH, 0, ROOT, bad_pivot, ROOT_DEPTH, 0, ROOT, ep, ROOT_DEPTH),
             K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(0), 0);
    /* With a good source and an empty pivot, the empty pivot is the failure. */
    k_cptr_t empty = slot_alloc();
    CHECK_EQ(k_cnode_rotate(ROOT, dest, ROOT_DEPTH, 0, ROOT, empty, ROOT_DEPTH, 0, ROOT, ep, ROOT_DEPTH),
             K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(0), 0);
    CHECK_EQ(k_last_mr(1), K_MISSING_CAPABILITY);
    CHECK_EQ(k_debug_cap_identify(ep), 4);      /* nothing moved (4: endpoint) */
    CHECK_EQ(k_debug_cap_identify(dest), 0);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    slot_free(empty);
    slot_free(dest);
    slot_free(ep);
}

/* ------------------------------------------------------------------ DomainSet_Set */

TEST(domain_set_set_checks_the_whole_word_first)
{
    /* One domain: any domain word but 0 is InvalidArgument 0, including 256 (whose
     * low byte is 0) and 2^63; seL4 checks it before looking at the thread cap, so
     * a bad domain without a cap is InvalidArgument, not TruncatedMessage. */
    k_cptr_t ut = untyped_at_least(16);
    k_cptr_t t = make_object(ut, K_TCB_OBJECT, 0);
    k_word_t bad[] = { 1, 255, 256, 257, 1ul << 32, 1ul << 63, ~0ul };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_EQ(raw_invoke(K_CAP_DOMAIN, K_DOMAIN_SET_SET, 1, 1, &t, bad[i], 0), K_INVALID_ARGUMENT);
        CHECK_EQ(k_last_mr(0), 0);
        CHECK_EQ(raw_invoke(K_CAP_DOMAIN, K_DOMAIN_SET_SET, 1, 0, NULL, bad[i], 0), K_INVALID_ARGUMENT);
        CHECK_EQ(k_last_mr(0), 0);
    }
    CHECK_EQ(raw_invoke(K_CAP_DOMAIN, K_DOMAIN_SET_SET, 1, 1, &t, 0, 0), K_NO_ERROR);
    CHECK_EQ(raw_invoke(K_CAP_DOMAIN, K_DOMAIN_SET_SET, 1, 0, NULL, 0, 0), K_TRUNCATED_MESSAGE);
    CHECK_EQ(raw_invoke(K_CAP_DOMAIN, K_DOMAIN_SET_SET, 0, 1, &t, 0, 0), K_TRUNCATED_MESSAGE);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    slot_free(t);
}

/* ------------------------------------------------------------------ dead threads */

/* Mark 1, end with SYS_DEBUG_THREAD_EXIT, and (if ever run again) mark 2. */
static void child_exit_then_mark(k_word_t idx, k_word_t unused1, k_word_t unused2, k_cptr_t self)
{
    (void)unused1;
    (void)unused2;
    (void)self;
    shared.word[idx] = 1;
    k_syscall_a0(SYS_DEBUG_THREAD_EXIT, 7);
    shared.word[idx] = 2;
}

TEST(exited_thread_stays_dead)
{
    /* seL4's Resume restarts an inactive thread; a thread that ended with our
     * SYS_DEBUG_THREAD_EXIT is not inactive but dead (docs/abi.md): neither Suspend
     * then Resume, nor WriteRegisters or CopyRegisters with resume, runs it again. A
     * thread that is merely suspended does run again (the contrast). */
    k_cptr_t ut = untyped_at_least(16);
    struct thread t = { 0 }, live = { 0 };
    CHECK_EQ(thread_new(&t, ut, NULL, 0, "exits-for-good"), K_NO_ERROR);
    CHECK_EQ(thread_start(&t, child_exit_then_mark, 30, 0, 0, 255, true), K_NO_ERROR);
    CHECK(YIELD_UNTIL(shared.word[30] == 1, 50));
    yield_n(5);
    CHECK_EQ(k_tcb_suspend(t.tcb), K_NO_ERROR);
    CHECK_EQ(k_tcb_resume(t.tcb), K_NO_ERROR);
    yield_n(10);
    CHECK_EQ(shared.word[30], 1);
    struct k_user_context r;
    CHECK_EQ(k_tcb_read_registers(t.tcb, false, 0, K_USER_CONTEXT_WORDS, &r), K_NO_ERROR);
    CHECK_EQ(k_tcb_write_registers(t.tcb, true, 0, K_USER_CONTEXT_WORDS, &r), K_NO_ERROR);
    yield_n(10);
    CHECK_EQ(shared.word[30], 1);
    CHECK_EQ(thread_new(&live, ut, NULL, 0, "suspended-resumed"), K_NO_ERROR);
    CHECK_EQ(thread_start(&live, child_store, 31, 0x11, 0, 255, false), K_NO_ERROR);
    CHECK_EQ(k_tcb_copy_registers(t.tcb, live.tcb, false, true, true, true, 0), K_NO_ERROR);
    yield_n(10);
    CHECK_EQ(shared.word[30], 1);
    CHECK_EQ(shared.word[31], 0);           /* the copied registers did not run either */
    CHECK_EQ(k_tcb_suspend(live.tcb), K_NO_ERROR);
    CHECK_EQ(k_tcb_resume(live.tcb), K_NO_ERROR);
    CHECK(YIELD_UNTIL(shared.word[31] == 0x11, 50));
    thread_free(&live);
    thread_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    shared_clear();
}

/* ------------------------------------------------------- a pool before its VSpace */

TEST(asid_pool_deleted_before_its_vspace)
{
    /* Deleting an ASID pool takes every ASID in it away (seL4's deleteASIDPool): a
     * VSpace that had one is no longer reachable, and deleting that VSpace later must
     * find no pool behind its ASID and do nothing more (asid_delete's check: without
     * it the kernel would read through the missing pool). */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t tu = tslot_alloc(), tp = tslot_alloc();
    CHECK_EQ(k_untyped_retype(ut, K_UNTYPED_OBJECT, 12, ROOT, 0, 0, tu, 1), K_NO_ERROR);
    CHECK_EQ(k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, tu, ROOT, tp, ROOT_DEPTH), K_NO_ERROR);
    struct vspace vs = { 0 };
    CHECK_EQ(vspace_new_in_pool(&vs, ut, 0, tp), K_NO_ERROR);
    CHECK_EQ(k_cnode_delete(ROOT, tp, ROOT_DEPTH), K_NO_ERROR);
    /* The VSpace lost its ASID: a frame can no longer be mapped into it. */
    k_cptr_t f = make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0);
    CHECK(k_riscv_page_map(f, vs.root, SCRATCH_VA, K_CAP_RIGHTS_ALL, 0) != K_NO_ERROR);
    vspace_free(&vs);                         /* the kernel survives this */
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    /* And the pool's place is free again. */
    CHECK_EQ(k_untyped_retype(ut, K_UNTYPED_OBJECT, 12, ROOT, 0, 0, tu, 1), K_NO_ERROR);
    CHECK_EQ(k_riscv_asid_control_make_pool(K_CAP_ASID_CONTROL, tu, ROOT, tp, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(tu);
    tslot_free(tp);
}
