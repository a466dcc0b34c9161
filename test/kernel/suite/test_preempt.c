/* Preemption points (kernel/include/preempt.h): long operations stop when the timer
 * fires, the invocation is issued again from its ecall, and the result is as if it had
 * run in one go. DebugPreemptStats (our debug call) counts the stops, which proves each
 * test was actually preempted; the time slice is 5 ms, and each operation here takes
 * several slices of QEMU time. */
#include "thread_util.h"

static k_word_t preemptions(void) { return k_debug_preempt_stats(0).preemptions; }

static unsigned untyped_bits(k_cptr_t ut)
{
    return bi->untyped_list[ut - bi->untyped.start].size_bits;
}

/* Every slot in [first, first + n) of CNode `cnode` is empty: untyped `from` can
 * retype endpoints into all of them (256 at a time: the retype checks each slot). */
static bool cnode_range_empty(k_cptr_t from, k_cptr_t cnode, k_word_t first, k_word_t n)
{
    for (k_word_t o = first; o < first + n; o += 256) {
        k_word_t cnt = first + n - o < 256 ? first + n - o : 256;
        int e = k_untyped_retype(from, K_ENDPOINT_OBJECT, 0, cnode, 0, 0, o, cnt);
        if (e != K_NO_ERROR) {
            printf("  slots %lu..%lu: retype into them gives %d\n", o, o + cnt - 1, e);
            return false;
        }
    }
    return true;
}

/* The whole untyped retypes at full size: nothing made from it is left. */
static int retype_whole(k_cptr_t ut)
{
    k_cptr_t s = slot_alloc();
    int e = k_untyped_retype(ut, K_UNTYPED_OBJECT, untyped_bits(ut), ROOT, 0, 0, s, 1);
    k_cnode_revoke(ROOT, ut, ROOT_DEPTH);
    slot_free(s);
    return e;
}

/* A RAM untyped of at least 2^bits bytes other than `not`. */
static k_cptr_t other_untyped(k_cptr_t not, unsigned bits)
{
    for (k_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const struct k_untyped_desc *u = &bi->untyped_list[i];
        if (!u->is_device && u->size_bits >= bits && bi->untyped.start + i != not)
            return bi->untyped.start + i;
    }
    return 0;
}

#define ROUNDS 3

TEST(preempt_retype_zeroes_large_untyped)
{
    /* The biggest untyped is dirtied through mapped frames, then retyped as one CNode:
     * the retype must first zero all of it (tens of MiB, several time slices), and the
     * slots of the new CNode must then be empty. Twice more the CNode is deleted and
     * made again (each time the whole untyped is zeroed again). */
    k_cptr_t ut = untyped_at_least(24), aux = other_untyped(ut, 20);
    CHECK(ut != 0 && aux != 0);
    if (!ut || !aux) return;
    unsigned bits = untyped_bits(ut);
    k_cptr_t frames = slot_alloc_range(64), far = slot_alloc(), cn = slot_alloc();

    /* 256 KiB at the start: a pattern no empty slot has. */
    k_cptr_t l1, l2;
    CHECK_EQ(map_tables(aux, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, &l1, &l2), K_NO_ERROR);
    CHECK_EQ(k_untyped_retype(ut, K_RISCV_4K_PAGE_OBJECT, 0, ROOT, 0, 0, frames, 64), K_NO_ERROR);
    for (unsigned i = 0; i < 64; i++) {
        k_word_t va = SCRATCH_VA + i * PAGE_SIZE_4K;
        CHECK_EQ(k_riscv_page_map(frames + i, K_CAP_INIT_THREAD_VSPACE, va, RW_RIGHTS,
                                  K_RISCV_DEFAULT_VM_ATTRIBUTES), K_NO_ERROR);
        volatile k_word_t *p = (volatile k_word_t *)va;
        for (unsigned k = 0; k < PAGE_SIZE_4K / 8; k++) p[k] = 0xa5a5a5a5a5a5a5a5ul;
    }
    /* A child in the far half makes the whole untyped used; the revoke frees it all
     * (the frames go, unmapped) but zeroes nothing yet. */
    CHECK_EQ(k_untyped_retype(ut, K_UNTYPED_OBJECT, bits - 1, ROOT, 0, 0, far, 1), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);

    k_word_t total = 0;
    for (unsigned round = 0; round < ROUNDS; round++) {
        k_word_t before = preemptions(), t0, t1;
        __asm__ volatile("rdtime %0" : "=r"(t0));
        CHECK_EQ(k_untyped_retype(ut, K_CAPTABLE_OBJECT, bits - 5, ROOT, 0, 0, cn, 1), K_NO_ERROR);
        __asm__ volatile("rdtime %0" : "=r"(t1));
        k_word_t stops = preemptions() - before;
        total += stops;
        printf("  zeroing %u MiB was preempted %lu times (%lu time ticks)\n", 1u << (bits - 20), stops, t1 - t0);
        CHECK_EQ(k_debug_cap_identify(cn), 10);
        if (round == 0) {
            /* The dirtied part, and the last slots. */
            CHECK(cnode_range_empty(aux, cn, 0, 256 * 1024 / 32));
            CHECK(cnode_range_empty(aux, cn, (1ul << (bits - 5)) - 256, 256));
        }
        CHECK_EQ(k_cnode_delete(ROOT, cn, ROOT_DEPTH), K_NO_ERROR);
    }
    CHECK(total >= ROUNDS);

    CHECK_EQ(k_cnode_delete(ROOT, l2, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_delete(ROOT, l1, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(l1);
    tslot_free(l2);
    CHECK_EQ(k_cnode_revoke(ROOT, aux, ROOT_DEPTH), K_NO_ERROR);
    for (k_cptr_t s = frames; s < frames + 64; s++) slot_free(s);
    slot_free(far);
    slot_free(cn);
    CHECK_EQ(retype_whole(ut), K_NO_ERROR);
}

#define MANY 100000

TEST(preempt_revoke_many_caps)
{
    /* 100,000 copies of one endpoint cap, then one revoke of the original. */
    k_cptr_t ut = untyped_at_least(23);
    CHECK(ut != 0);
    if (!ut) return;
    k_cptr_t cn = make_object(ut, K_CAPTABLE_OBJECT, 17), ep = make_object(ut, K_ENDPOINT_OBJECT, 0);
    CHECK(cn && ep);
    if (!cn || !ep) return;
    int bad = 0;
    for (k_word_t i = 0; i < MANY && bad < 5; i++)
        if (k_cnode_copy(cn, i, 17, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL) != K_NO_ERROR) bad++;
    CHECK_EQ(bad, 0);
    k_word_t before = preemptions();
    CHECK_EQ(k_cnode_revoke(ROOT, ep, ROOT_DEPTH), K_NO_ERROR);
    k_word_t stops = preemptions() - before;
    printf("  revoking %d caps was preempted %lu times\n", MANY, stops);
    CHECK(stops >= 1);
    CHECK_EQ(k_debug_cap_identify(ep), 4);   /* the original stays */
    CHECK(cnode_range_empty(ut, cn, 0, 512));
    CHECK(cnode_range_empty(ut, cn, MANY - 512, 512));
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    slot_free(cn);
    slot_free(ep);
    CHECK_EQ(retype_whole(ut), K_NO_ERROR);
}

/* The observer: a thread of our priority that runs whenever a delete of ours is
 * preempted. It watches `slot`; when it finds a Zombie there it tries what a holder of
 * the slot could do, and then finishes the delete itself. shared.word:
 * [0] Zombie sightings, [1] Copy from it, [2] an invocation of it, [3] Revoke of it,
 * [4] its own Delete of it, [5] done. Register-only calls, except Copy, whose extra
 * cap and fifth word go in its own IPC buffer (at `ipc`). */
static void c_observe(k_word_t slot, k_word_t spare, k_word_t ipc, k_cptr_t self)
{
    (void)self;
    struct k_ipc_buffer *b = (struct k_ipc_buffer *)ipc;
    for (unsigned i = 0; i < 100000 && !shared.word[5]; i++) {
        k_word_t id = k_debug_cap_identify(slot);
        if (id == 18) {
            k_word_t m0, m1, m2, m3;
            shared.word[0]++;
            b->caps_or_badges[0] = ROOT;
            b->msg[4] = K_CAP_RIGHTS_ALL;
            m0 = spare; m1 = ROOT_DEPTH; m2 = slot; m3 = ROOT_DEPTH;
            shared.word[1] = k_msginfo_label(k_call(ROOT, k_msginfo_new(K_CNODE_COPY, 0, 1, 5), &m0, &m1, &m2, &m3));
            m0 = 0; m1 = ROOT_DEPTH;
            shared.word[2] = k_msginfo_label(k_call(slot, k_msginfo_new(K_CNODE_REVOKE, 0, 0, 2), &m0, &m1, &m2, &m3));
            m0 = slot; m1 = ROOT_DEPTH;
            shared.word[3] = k_msginfo_label(k_call(ROOT, k_msginfo_new(K_CNODE_REVOKE, 0, 0, 2), &m0, &m1, &m2, &m3));
            m0 = slot; m1 = ROOT_DEPTH;
            shared.word[4] = k_msginfo_label(k_call(ROOT, k_msginfo_new(K_CNODE_DELETE, 0, 0, 2), &m0, &m1, &m2, &m3)) + 1;
            shared.word[5] = 1;
        } else if (id == 0 && shared.word[0]) {
            shared.word[5] = 2;
        }
        k_yield();
    }
}

TEST(preempt_delete_big_cnode_leaves_zombie)
{
    /* A CNode of 2^20 slots (32 MiB), 4096 of them holding caps, deleted by us while a
     * thread of our priority watches its slot: a preempted delete shows seL4's Zombie
     * there. The delete takes a few time slices; should one attempt happen to fit in
     * a single slice, or its one preemption not give the observer a turn (a device
     * interrupt rather than the timer ending the slice: seen once on sifive_u), it
     * is tried again, up to 4 times. */
    k_cptr_t ut = untyped_at_least(26);
    CHECK(ut != 0);
    if (!ut) return;
    /* Start from the whole untyped (cheap, and the test then depends on no other). */
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    /* The endpoint and the observer come from another untyped, so that once the
     * CNode is deleted ut has no children and a retry's retype starts from its
     * beginning again (with them in ut, a second 32 MiB CNode never fit). */
    k_cptr_t other = other_untyped(ut, 18);
    CHECK(other != 0);
    if (!other) return;
    k_cptr_t cn = slot_alloc(), ep = make_object(other, K_ENDPOINT_OBJECT, 0), spare = slot_alloc();
    struct thread t = { 0 };
    k_word_t stops = 0;
    CHECK_EQ(thread_new(&t, other, NULL, 0, "observer"), K_NO_ERROR);
    for (unsigned attempt = 0; attempt < 4 && !(stops && shared.word[0]); attempt++) {
        CHECK_EQ(k_untyped_retype(ut, K_CAPTABLE_OBJECT, 20, ROOT, 0, 0, cn, 1), K_NO_ERROR);
        for (k_word_t i = 0; i < 4096; i++)
            CHECK_EQ(k_cnode_copy(cn, i * 256 + 7, 20, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
        shared_clear();
        CHECK_EQ(thread_start(&t, c_observe, cn, spare, t.ipc_va, 255, true), K_NO_ERROR);
        k_word_t before = preemptions();
        CHECK_EQ(k_cnode_delete(ROOT, cn, ROOT_DEPTH), K_NO_ERROR);
        stops = preemptions() - before;
        YIELD_UNTIL(shared.word[5] != 0, 100);
        printf("  delete of 2^20 slots: %lu preemptions, %lu Zombie sightings\n", stops, shared.word[0]);
        if (!shared.word[0]) shared.word[5] = 3;     /* nothing seen: the observer stops */
        YIELD_UNTIL(false, 3);
        CHECK_EQ(k_tcb_suspend(t.tcb), K_NO_ERROR);
    }
    CHECK(stops >= 1);
    CHECK_EQ(shared.word[0], 1);
    CHECK_EQ(shared.word[1], K_ILLEGAL_OPERATION);   /* a Zombie derives to nothing */
    CHECK_EQ(shared.word[2], K_INVALID_CAPABILITY);  /* nor can it be invoked */
    CHECK_EQ(shared.word[3], K_NO_ERROR);            /* it has no children to revoke */
    CHECK_EQ(shared.word[4], K_NO_ERROR + 1);        /* deleting it finishes the job */
    CHECK_EQ(k_debug_cap_identify(cn), 0);
    CHECK_EQ(k_debug_cap_identify(spare), 0);
    CHECK_EQ(k_debug_cap_identify(ep), 4);           /* the original endpoint stays */
    thread_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_delete(ROOT, ep, ROOT_DEPTH), K_NO_ERROR);   /* other may be shared */
    slot_free(cn);
    slot_free(ep);
    slot_free(spare);
    CHECK_EQ(retype_whole(ut), K_NO_ERROR);
}
