/* TCB invocations with seL4's semantics (non-MCS, seL4 13.0.0, src/object/tcb.c):
 * Configure, Read/Write/CopyRegisters, SetPriority, SetMCPriority, SetSchedParams,
 * SetIPCBuffer, SetSpace, SetTLSBase, Suspend, Resume, and the scheduling they
 * control (fixed priorities, round robin with preemption within one priority).
 *
 * Scheduling facts the tests build on: we (the root task) run at priority 255 with
 * MCP 255. A child at 255 runs when we yield, until its time slice ends; a child
 * below 255 never runs while we are runnable (Yield gives way to equal priorities
 * only). So "a child made no progress across our yields" proves it could not run. */
#include "thread_util.h"
#include <string.h>

#define TAG_TCB 12

static k_cptr_t tcb_new(k_cptr_t ut) { return make_object(ut, K_TCB_OBJECT, 0); }

/* Distinct values for the 32 words of a register context. */
static void fill_regs(struct k_user_context *r, k_word_t seed)
{
    for (k_word_t i = 0; i < K_USER_CONTEXT_WORDS; i++) k_user_context_set(r, i, seed + i * 0x1111);
}

/* ------------------------------------------------------------------ children */

/* Count in shared[idx] forever, from zero (a restart from the entry would show). */
static void child_count_from_zero(k_word_t idx, k_word_t u1, k_word_t u2, k_cptr_t self)
{
    (void)u1;
    (void)u2;
    (void)self;
    shared.word[idx] = 0;
    for (;;) shared.word[idx]++;
}

/* Report our tp register in shared[idx] forever; shared[idx + 1] counts. */
static void child_report_tp(k_word_t idx, k_word_t u1, k_word_t u2, k_cptr_t self)
{
    (void)u1;
    (void)u2;
    (void)self;
    for (;;) {
        k_word_t tp;
        __asm__ volatile("mv %0, tp" : "=r"(tp));
        shared.word[idx] = tp;
        shared.word[idx + 1]++;
    }
}

/* Count to limit, then give the root task priority 255 back: a SetPriority on its
 * TCB cap (we share its CSpace) whose authority cap travels in OUR IPC buffer at
 * ipc_va. Raised, the root task preempts us at once; if the call fails we record
 * its error + 1 in shared[idx + 1] and return (and suspend ourselves). */
static void child_count_then_raise_root(k_word_t idx, k_word_t limit, k_word_t ipc_va, k_cptr_t self)
{
    (void)self;
    while (shared.word[idx] < limit) shared.word[idx]++;
    struct k_ipc_buffer *ipc = (struct k_ipc_buffer *)ipc_va;
    ipc->caps_or_badges[0] = K_CAP_INIT_THREAD_TCB;
    k_word_t mr0 = 255;
    k_word_t info = k_call(K_CAP_INIT_THREAD_TCB, k_msginfo_new(K_TCB_SET_PRIORITY, 0, 1, 1),
                           &mr0, 0, 0, 0);
    shared.word[idx + 1] = k_msginfo_label(info) + 1;
}

/* SetPriority(self, 255) with the authority (our TCB cap) written in the IPC buffer
 * at buf_va; records the error + 1 in shared[idx]. Shows which buffer the kernel
 * reads a thread's capability arguments from. */
static void child_priority_via_buffer(k_word_t idx, k_word_t buf_va, k_word_t u, k_cptr_t self)
{
    (void)u;
    struct k_ipc_buffer *ipc = (struct k_ipc_buffer *)buf_va;
    ipc->caps_or_badges[0] = K_CAP_INIT_THREAD_TCB;
    k_word_t mr0 = 255;
    k_word_t info = k_call(self, k_msginfo_new(K_TCB_SET_PRIORITY, 0, 1, 1), &mr0, 0, 0, 0);
    shared.word[idx] = k_msginfo_label(info) + 1;
}

/* Send id on endpoint ep (a register-only message), then set shared[idx]. */
static void child_send_id(k_word_t ep, k_word_t id, k_word_t idx, k_cptr_t self)
{
    (void)self;
    k_send(ep, k_msginfo_new(0, 0, 0, 1), id, 0, 0, 0);
    shared.word[idx] = 1;
}

/* Call ep with id, then store the reply's MR0 in shared[idx]. */
static void child_call_id(k_word_t ep, k_word_t id, k_word_t idx, k_cptr_t self)
{
    (void)self;
    k_word_t mr0 = id;
    k_call(ep, k_msginfo_new(0, 0, 0, 1), &mr0, 0, 0, 0);
    shared.word[idx] = mr0;
}

/* regs_dump: stores x1..x31 at 8*i(x31) (so shared.word[base + i] = x_i when t6 =
 * &shared.word[base]) and spins. Touches no other register, so afterwards every
 * register still holds what WriteRegisters put there. */
__asm__(".pushsection .text.regs_dump, \"ax\"\n"
        ".option push\n"
        ".option norvc\n"
        ".balign 4\n"
        ".globl regs_dump\n"
        "regs_dump:\n"
        "sd x1, 8(x31)\n sd x2, 16(x31)\n sd x3, 24(x31)\n sd x4, 32(x31)\n"
        "sd x5, 40(x31)\n sd x6, 48(x31)\n sd x7, 56(x31)\n sd x8, 64(x31)\n"
        "sd x9, 72(x31)\n sd x10, 80(x31)\n sd x11, 88(x31)\n sd x12, 96(x31)\n"
        "sd x13, 104(x31)\n sd x14, 112(x31)\n sd x15, 120(x31)\n sd x16, 128(x31)\n"
        "sd x17, 136(x31)\n sd x18, 144(x31)\n sd x19, 152(x31)\n sd x20, 160(x31)\n"
        "sd x21, 168(x31)\n sd x22, 176(x31)\n sd x23, 184(x31)\n sd x24, 192(x31)\n"
        "sd x25, 200(x31)\n sd x26, 208(x31)\n sd x27, 216(x31)\n sd x28, 224(x31)\n"
        "sd x29, 232(x31)\n sd x30, 240(x31)\n sd x31, 248(x31)\n"
        "1: j 1b\n"
        ".option pop\n"
        ".popsection\n");
extern const char regs_dump[];
#define REGS_DUMP_SPIN_OFFSET (31 * 4)

/* Word of struct k_user_context that holds register x_i (seL4's order: pc, ra, sp,
 * gp, s0-s11, a0-a7, t0-t6, tp). */
static const unsigned xreg_word[32] = {
    0,  1,  2,  3,  31, 24, 25, 26,   /* -, ra, sp, gp, tp, t0, t1, t2 */
    4,  5,  16, 17, 18, 19, 20, 21,   /* s0, s1, a0-a5 */
    22, 23, 6,  7,  8,  9,  10, 11,   /* a6, a7, s2-s7 */
    12, 13, 14, 15, 27, 28, 29, 30,   /* s8-s11, t3-t6 */
};

/* ------------------------------------------------------------------ tests */

TEST(tcb_child_threads_run)
{
    /* Threads made from untyped memory run our code: two in one new VSpace (each
     * with its own stack and IPC buffer there), one in our VSpace, and one whose
     * CSpace is a CNode of its own (16 slots, guard of 60 zero bits given as
     * Configure's cspace_root_data) holding its TCB cap at slot 1, through which it
     * suspends itself when done. Each stores a value where we can see it. */
    k_cptr_t ut = untyped_at_least(22);
    struct vspace vs = { 0 };
    struct thread a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
    shared_clear();
    int e = vspace_new(&vs, ut, 0);
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK_EQ(thread_new(&a, ut, &vs, 0, "run-a"), K_NO_ERROR);
        CHECK_EQ(thread_new(&b, ut, &vs, 0, "run-b"), K_NO_ERROR);
        CHECK_EQ(thread_new(&c, ut, 0, 0, "run-c"), K_NO_ERROR);
        CHECK_EQ(thread_new(&d, ut, &vs, THREAD_OWN_CSPACE, "run-d"), K_NO_ERROR);
        CHECK_EQ(k_debug_cap_identify(a.tcb), TAG_TCB);
        CHECK_EQ(thread_start(&a, child_store, 10, 0xa1, 0, 255, true), K_NO_ERROR);
        CHECK_EQ(thread_start(&b, child_store, 11, 0xb2, 0, 255, true), K_NO_ERROR);
        CHECK_EQ(thread_start(&c, child_store, 12, 0xc3, 0, 255, true), K_NO_ERROR);
        CHECK_EQ(thread_start(&d, child_store, 13, 0xd4, 0, 255, true), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[10] && shared.word[11] && shared.word[12] && shared.word[13], 50));
        yield_n(3);
        CHECK_EQ(shared.word[10], 0xa1);
        CHECK_EQ(shared.word[11], 0xb2);
        CHECK_EQ(shared.word[12], 0xc3);
        CHECK_EQ(shared.word[13], 0xd4);
        CHECK_EQ(shared.word[SHARED_SUSPEND_RETURNED], 0);
    }
    thread_free(&a);
    thread_free(&b);
    thread_free(&c);
    thread_free(&d);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    shared_clear();
}

TEST(tcb_registers_round_trip)
{
    /* WriteRegisters then ReadRegisters of a thread that never ran give back the
     * same 32 words; a shorter write changes only the first count words. */
    k_cptr_t ut = untyped_at_least(16);
    k_cptr_t t = tcb_new(ut);
    struct k_user_context w, w2, r;
    fill_regs(&w, 0x1000);
    CHECK_EQ(k_tcb_write_registers(t, false, 0, K_USER_CONTEXT_WORDS, &w), K_NO_ERROR);
    memset(&r, 0, sizeof r);
    CHECK_EQ(k_tcb_read_registers(t, false, 0, K_USER_CONTEXT_WORDS, &r), K_NO_ERROR);
    for (k_word_t i = 0; i < K_USER_CONTEXT_WORDS; i++)
        if (k_user_context_get(&r, i) != k_user_context_get(&w, i)) {
            printf("  register word %lu: 0x%lx, wrote 0x%lx\n", i, k_user_context_get(&r, i),
                   k_user_context_get(&w, i));
            ktest_failures++;
        }
    fill_regs(&w2, 0x900000);
    CHECK_EQ(k_tcb_write_registers(t, false, 0, 3, &w2), K_NO_ERROR);
    CHECK_EQ(k_tcb_write_registers(t, false, 0, 0, &w2), K_NO_ERROR);   /* writes nothing */
    CHECK_EQ(k_tcb_read_registers(t, false, 0, K_USER_CONTEXT_WORDS, &r), K_NO_ERROR);
    CHECK_EQ(r.pc, w2.pc);
    CHECK_EQ(r.ra, w2.ra);
    CHECK_EQ(r.sp, w2.sp);
    CHECK_EQ(r.gp, w.gp);
    CHECK_EQ(r.a0, w.a0);
    CHECK_EQ(r.tp, w.tp);
    /* A read of fewer words. */
    memset(&r, 0, sizeof r);
    CHECK_EQ(k_tcb_read_registers(t, false, 0, 2, &r), K_NO_ERROR);
    CHECK_EQ(r.pc, w2.pc);
    CHECK_EQ(r.ra, w2.ra);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(t);
}

TEST(tcb_write_registers_sets_each_register)
{
    /* A child in our VSpace starts at regs_dump, which stores every integer register
     * into `shared`: each holds exactly the word WriteRegisters gave it in seL4's
     * order (pc, ra, sp, gp, s0-s11, a0-a7, t0-t6, tp). Suspended, ReadRegisters
     * gives them all back, with pc at the spin loop. */
    k_cptr_t ut = untyped_at_least(20);
    struct thread t = { 0 };
    struct k_user_context w, r;
    shared_clear();
    int e = thread_new(&t, ut, 0, 0, "regs-dump");
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        k_word_t base = (k_word_t)&shared.word[64];
        fill_regs(&w, 0x7000);
        w.pc = (k_word_t)regs_dump;
        w.t6 = base;
        CHECK_EQ(k_tcb_set_priority(t.tcb, K_CAP_INIT_THREAD_TCB, 255), K_NO_ERROR);
        CHECK_EQ(k_tcb_write_registers(t.tcb, true, 0, K_USER_CONTEXT_WORDS, &w), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[64 + 31] == base, 50));
        for (unsigned x = 1; x < 32; x++)
            if (shared.word[64 + x] != k_user_context_get(&w, xreg_word[x])) {
                printf("  x%u = 0x%lx, expected word %u = 0x%lx\n", x, shared.word[64 + x],
                       xreg_word[x], k_user_context_get(&w, xreg_word[x]));
                ktest_failures++;
            }
        CHECK_EQ(k_tcb_read_registers(t.tcb, true, 0, K_USER_CONTEXT_WORDS, &r), K_NO_ERROR);
        CHECK_EQ(r.pc, (k_word_t)regs_dump + REGS_DUMP_SPIN_OFFSET);
        for (k_word_t i = 1; i < K_USER_CONTEXT_WORDS; i++)
            if (k_user_context_get(&r, i) != k_user_context_get(&w, i)) {
                printf("  read back word %lu: 0x%lx, wrote 0x%lx\n", i, k_user_context_get(&r, i),
                       k_user_context_get(&w, i));
                ktest_failures++;
            }
    }
    thread_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    shared_clear();
}

TEST(tcb_register_errors)
{
    /* ReadRegisters: count 1..32 (RangeError with MR0 = 1, MR1 = 32), checked before
     * the "not the caller itself" rule (IllegalOperation). WriteRegisters: not the
     * caller; the message must carry 2 + count words (the wrapper sends at most 32
     * values, so count 40 is a truncated message). */
    k_cptr_t ut = untyped_at_least(16);
    k_cptr_t t = tcb_new(ut);
    struct k_user_context r;
    memset(&r, 0, sizeof r);
    CHECK_EQ(k_tcb_read_registers(t, false, 0, 0, &r), K_RANGE_ERROR);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_last_mr(1), 32);
    CHECK_EQ(k_tcb_read_registers(t, false, 0, 33, &r), K_RANGE_ERROR);
    CHECK_EQ(k_last_mr(1), 32);
    CHECK_EQ(k_tcb_read_registers(K_CAP_INIT_THREAD_TCB, false, 0, 0, &r), K_RANGE_ERROR);
    CHECK_EQ(k_tcb_read_registers(K_CAP_INIT_THREAD_TCB, false, 0, 32, &r), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_write_registers(K_CAP_INIT_THREAD_TCB, false, 0, 32, &r), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_write_registers(t, false, 0, 40, &r), K_TRUNCATED_MESSAGE);
    CHECK_EQ(raw_invoke(t, K_TCB_READ_REGISTERS, 1, 0, 0, 0, 0), K_TRUNCATED_MESSAGE);
    CHECK_EQ(raw_invoke(t, K_TCB_WRITE_REGISTERS, 1, 0, 0, 0, 0), K_TRUNCATED_MESSAGE);
    CHECK_EQ(raw_invoke(t, K_TCB_WRITE_REGISTERS, 3, 0, 0, 0, 2), K_TRUNCATED_MESSAGE);
    /* TCB operations on something that is not a TCB. */
    k_cptr_t f = make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0);
    CHECK_EQ(k_tcb_read_registers(f, false, 0, 1, &r), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_resume(f), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(t);
    tslot_free(f);
}

TEST(tcb_read_suspends_and_write_redirects)
{
    /* ReadRegisters with suspend_source stops a running child (its counter freezes)
     * and shows it inside its loop, on its stack. WriteRegisters with a new pc and
     * resume_target makes the same thread run other code. */
    k_cptr_t ut = untyped_at_least(22);
    struct vspace vs = { 0 };
    struct thread t = { 0 };
    struct k_user_context r, w;
    shared_clear();
    int e = vspace_new(&vs, ut, 0);
    if (e == K_NO_ERROR) e = thread_new(&t, ut, &vs, 0, "redirect");
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK_EQ(thread_start(&t, child_count, 10, 0, 0, 255, true), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[10] > 0, 50));
        CHECK_EQ(k_tcb_read_registers(t.tcb, true, 0, K_USER_CONTEXT_WORDS, &r), K_NO_ERROR);
        k_word_t c = shared.word[10];
        yield_n(10);
        CHECK_EQ(shared.word[10], c);
        CHECK(r.pc >= (k_word_t)child_count && r.pc < (k_word_t)child_count + 256);
        CHECK(r.sp <= t.sp && r.sp > t.sp - PAGE_SIZE_4K);
        CHECK_EQ(r.gp, read_gp());

        thread_initial_regs(&t, &w, child_store, 11, 0x5150, 0);
        CHECK_EQ(k_tcb_write_registers(t.tcb, true, 0, K_USER_CONTEXT_WORDS, &w), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[11] == 0x5150, 50));
        CHECK_EQ(shared.word[10], c);
    }
    thread_free(&t);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    shared_clear();
}

TEST(tcb_copy_registers)
{
    /* CopyRegisters copies the "frame" words (pc, ra, sp, gp, s0-s11) and/or the
     * "integer" ones (a0-a7, t0-t6, tp). With suspend_source and resume_target it
     * moves a running computation from one thread to another: B continues A's
     * counting loop (same VSpace, A's stack, A stopped). */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t a = tcb_new(ut), b = tcb_new(ut), ep = make_object(ut, K_ENDPOINT_OBJECT, 0);
    struct k_user_context wa, wb, r;
    fill_regs(&wa, 0x1000);
    fill_regs(&wb, 0x900000);
    CHECK_EQ(k_tcb_write_registers(a, false, 0, K_USER_CONTEXT_WORDS, &wa), K_NO_ERROR);
    CHECK_EQ(k_tcb_write_registers(b, false, 0, K_USER_CONTEXT_WORDS, &wb), K_NO_ERROR);
    CHECK_EQ(k_tcb_copy_registers(b, a, false, false, true, false, 0), K_NO_ERROR);
    CHECK_EQ(k_tcb_read_registers(b, false, 0, K_USER_CONTEXT_WORDS, &r), K_NO_ERROR);
    for (k_word_t i = 0; i < K_USER_CONTEXT_WORDS; i++)
        CHECK_EQ(k_user_context_get(&r, i), k_user_context_get(i < K_USER_CONTEXT_FRAME_WORDS ? &wa : &wb, i));
    CHECK_EQ(k_tcb_write_registers(b, false, 0, K_USER_CONTEXT_WORDS, &wb), K_NO_ERROR);
    CHECK_EQ(k_tcb_copy_registers(b, a, false, false, false, true, 0), K_NO_ERROR);
    CHECK_EQ(k_tcb_read_registers(b, false, 0, K_USER_CONTEXT_WORDS, &r), K_NO_ERROR);
    for (k_word_t i = 0; i < K_USER_CONTEXT_WORDS; i++)
        CHECK_EQ(k_user_context_get(&r, i), k_user_context_get(i < K_USER_CONTEXT_FRAME_WORDS ? &wb : &wa, i));
    /* The source must be a TCB; the message needs a word and a cap. */
    CHECK_EQ(k_tcb_copy_registers(b, ep, false, false, true, true, 0), K_INVALID_CAPABILITY);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(raw_invoke(b, K_TCB_COPY_REGISTERS, 1, 0, 0, 0xc, 0), K_TRUNCATED_MESSAGE);
    CHECK_EQ(raw_invoke(b, K_TCB_COPY_REGISTERS, 0, 1, &a, 0xc, 0), K_TRUNCATED_MESSAGE);

    /* Live: A counts; B takes over. */
    struct thread ta = { 0 }, tb = { 0 };
    shared_clear();
    int e = thread_new(&ta, ut, 0, 0, "copy-src");
    if (e == K_NO_ERROR) e = thread_new(&tb, ut, 0, 0, "copy-dst");
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK_EQ(thread_start(&ta, child_count, 20, 0, 0, 255, true), K_NO_ERROR);
        CHECK_EQ(k_tcb_set_priority(tb.tcb, K_CAP_INIT_THREAD_TCB, 255), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[20] > 0, 50));
        CHECK_EQ(k_tcb_copy_registers(tb.tcb, ta.tcb, true, true, true, true, 0), K_NO_ERROR);
        k_word_t c = shared.word[20];
        CHECK(YIELD_UNTIL(shared.word[20] > c, 50));     /* B goes on counting */
        CHECK_EQ(k_tcb_suspend(tb.tcb), K_NO_ERROR);
        c = shared.word[20];
        yield_n(10);
        CHECK_EQ(shared.word[20], c);                     /* so A was stopped */
        CHECK_EQ(k_tcb_read_registers(tb.tcb, false, 0, K_USER_CONTEXT_WORDS, &r), K_NO_ERROR);
        CHECK(r.pc >= (k_word_t)child_count && r.pc < (k_word_t)child_count + 256);
        CHECK(r.sp <= ta.sp && r.sp > ta.sp - 3072);     /* on A's stack */
    }
    thread_free(&ta);
    thread_free(&tb);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(a);
    tslot_free(b);
    tslot_free(ep);
    shared_clear();
}

TEST(tcb_priority_and_mcp_limits)
{
    /* A priority or MCP may not exceed the MCP of the authority TCB: RangeError with
     * MR0 = 0 and MR1 = that MCP. The authority must be a TCB (InvalidCapability,
     * cap 1). SetSchedParams checks both values against the authority only. A new
     * TCB has priority 0 and MCP 0. */
    k_cptr_t ut = untyped_at_least(16);
    k_cptr_t a = tcb_new(ut), b = tcb_new(ut), fresh = tcb_new(ut);
    k_cptr_t ep = make_object(ut, K_ENDPOINT_OBJECT, 0), empty = tslot_alloc();
    k_cptr_t f = make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0);
    CHECK_EQ(k_tcb_set_priority(a, K_CAP_INIT_THREAD_TCB, 256), K_RANGE_ERROR);
    CHECK_EQ(k_last_mr(0), 0);
    CHECK_EQ(k_last_mr(1), 255);
    CHECK_EQ(k_tcb_set_mc_priority(a, K_CAP_INIT_THREAD_TCB, 256), K_RANGE_ERROR);
    CHECK_EQ(k_tcb_set_sched_params(a, K_CAP_INIT_THREAD_TCB, 256, 0), K_RANGE_ERROR);
    CHECK_EQ(k_tcb_set_sched_params(a, K_CAP_INIT_THREAD_TCB, 0, 256), K_RANGE_ERROR);
    CHECK_EQ(k_tcb_set_priority(a, K_CAP_INIT_THREAD_TCB, 255), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_mc_priority(a, K_CAP_INIT_THREAD_TCB, 100), K_NO_ERROR);
    /* With a (MCP 100) as the authority. */
    CHECK_EQ(k_tcb_set_priority(b, a, 150), K_RANGE_ERROR);
    CHECK_EQ(k_last_mr(0), 0);
    CHECK_EQ(k_last_mr(1), 100);
    CHECK_EQ(k_tcb_set_priority(b, a, 100), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_mc_priority(b, a, 101), K_RANGE_ERROR);
    CHECK_EQ(k_tcb_set_mc_priority(b, a, 100), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_sched_params(b, a, 100, 101), K_RANGE_ERROR);
    CHECK_EQ(k_last_mr(1), 100);
    CHECK_EQ(k_tcb_set_sched_params(b, a, 101, 100), K_RANGE_ERROR);
    CHECK_EQ(k_tcb_set_sched_params(b, a, 50, 60), K_NO_ERROR);
    /* A thread's own MCP bounds it when it is its own authority (a's priority is 255
     * from above, but it cannot set even 101 on itself). */
    CHECK_EQ(k_tcb_set_priority(a, a, 101), K_RANGE_ERROR);
    CHECK_EQ(k_tcb_set_priority(a, a, 100), K_NO_ERROR);
    /* A new TCB as authority allows 0 only; b now has MCP 50. */
    CHECK_EQ(k_tcb_set_priority(b, fresh, 1), K_RANGE_ERROR);
    CHECK_EQ(k_last_mr(1), 0);
    CHECK_EQ(k_tcb_set_priority(b, fresh, 0), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_priority(a, b, 51), K_RANGE_ERROR);
    CHECK_EQ(k_last_mr(1), 50);
    /* Authorities that are not TCBs. */
    CHECK_EQ(k_tcb_set_priority(b, ep, 0), K_INVALID_CAPABILITY);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_tcb_set_priority(b, empty, 0), K_INVALID_CAPABILITY);
    CHECK_EQ(k_tcb_set_mc_priority(b, f, 0), K_INVALID_CAPABILITY);
    CHECK_EQ(k_tcb_set_sched_params(b, ep, 0, 0), K_INVALID_CAPABILITY);
    /* Truncated: no word, no cap; SetSchedParams needs two words. */
    CHECK_EQ(raw_invoke(b, K_TCB_SET_PRIORITY, 0, 1, &a, 0, 0), K_TRUNCATED_MESSAGE);
    CHECK_EQ(raw_invoke(b, K_TCB_SET_PRIORITY, 1, 0, 0, 0, 0), K_TRUNCATED_MESSAGE);
    CHECK_EQ(raw_invoke(b, K_TCB_SET_MC_PRIORITY, 0, 1, &a, 0, 0), K_TRUNCATED_MESSAGE);
    CHECK_EQ(raw_invoke(b, K_TCB_SET_SCHED_PARAMS, 1, 1, &a, 0, 0), K_TRUNCATED_MESSAGE);
    /* A TCB invocation on a frame. */
    CHECK_EQ(k_tcb_set_priority(f, K_CAP_INIT_THREAD_TCB, 0), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t slots[] = { a, b, fresh, ep, empty, f };
    for (unsigned i = 0; i < sizeof slots / sizeof slots[0]; i++) tslot_free(slots[i]);
}

TEST(tcb_priority_change_takes_effect)
{
    /* A running child set to 254 stops getting the CPU (we are 255 and runnable);
     * set back to 255 it runs again; SetSchedParams works the same way. */
    k_cptr_t ut = untyped_at_least(22);
    struct vspace vs = { 0 };
    struct thread t = { 0 };
    shared_clear();
    int e = vspace_new(&vs, ut, 0);
    if (e == K_NO_ERROR) e = thread_new(&t, ut, &vs, 0, "prio-change");
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK_EQ(thread_start(&t, child_count, 10, 0, 0, 255, true), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[10] > 0, 50));
        CHECK_EQ(k_tcb_set_priority(t.tcb, K_CAP_INIT_THREAD_TCB, 254), K_NO_ERROR);
        yield_n(2);
        k_word_t c = shared.word[10];
        yield_n(10);
        CHECK_EQ(shared.word[10], c);
        CHECK_EQ(k_tcb_set_priority(t.tcb, K_CAP_INIT_THREAD_TCB, 255), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[10] > c, 50));
        CHECK_EQ(k_tcb_set_sched_params(t.tcb, K_CAP_INIT_THREAD_TCB, 255, 200), K_NO_ERROR);
        yield_n(2);
        c = shared.word[10];
        yield_n(10);
        CHECK_EQ(shared.word[10], c);
        CHECK_EQ(k_tcb_set_sched_params(t.tcb, K_CAP_INIT_THREAD_TCB, 255, 255), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[10] > c, 50));
    }
    thread_free(&t);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    shared_clear();
}

#define LOW_LIMIT 100000

TEST(tcb_higher_priority_runs_first)
{
    /* H at 255 and L at 254 both want the CPU. While H (or we, at 255) can run, L
     * makes no progress. With H suspended L still waits (we are runnable at 255).
     * When we lower ourselves to 253, L runs at once, counts to its limit and raises
     * us back to 255 (a SetPriority on our TCB with its own IPC buffer holding the
     * authority), which preempts it: so L never records a result. */
    k_cptr_t ut = untyped_at_least(22);
    struct vspace vs = { 0 };
    struct thread h = { 0 }, l = { 0 };
    shared_clear();
    int e = vspace_new(&vs, ut, 0);
    if (e == K_NO_ERROR) e = thread_new(&h, ut, &vs, 0, "prio-high");
    if (e == K_NO_ERROR) e = thread_new(&l, ut, &vs, 0, "prio-low");
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK_EQ(thread_start(&l, child_count_then_raise_root, 20, LOW_LIMIT, l.ipc_va, 254, true), K_NO_ERROR);
        CHECK_EQ(thread_start(&h, child_count, 10, 0, 0, 255, true), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[10] > 0, 50));
        yield_n(5);
        CHECK_EQ(shared.word[20], 0);
        CHECK_EQ(k_tcb_suspend(h.tcb), K_NO_ERROR);
        k_word_t c = shared.word[10];
        yield_n(5);
        CHECK_EQ(shared.word[10], c);
        CHECK_EQ(shared.word[20], 0);

        int lowered = k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, 253);
        CHECK_EQ(lowered, K_NO_ERROR);
        if (lowered == K_NO_ERROR) CHECK(YIELD_UNTIL(shared.word[20] == LOW_LIMIT, 50));
        CHECK_EQ(shared.word[20], LOW_LIMIT);
        CHECK_EQ(shared.word[21], 0);    /* preempted right after raising us */
        /* Back at 255 (idempotent if L did it): a runnable 254 thread gets nothing. */
        CHECK_EQ(k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, 255), K_NO_ERROR);
        CHECK_EQ(k_tcb_set_priority(h.tcb, K_CAP_INIT_THREAD_TCB, 254), K_NO_ERROR);
        CHECK_EQ(k_tcb_resume(h.tcb), K_NO_ERROR);
        c = shared.word[10];
        yield_n(10);
        CHECK_EQ(shared.word[10], c);
    }
    thread_free(&h);
    thread_free(&l);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    shared_clear();
}

TEST(tcb_equal_priority_round_robin)
{
    /* Three busy children at our priority never yield: only the timer takes the CPU
     * from them. Yet all three and we make progress, again and again. */
    k_cptr_t ut = untyped_at_least(22);
    struct vspace vs = { 0 };
    struct thread t[3] = { { 0 } };
    const char *names[3] = { "rr-0", "rr-1", "rr-2" };
    shared_clear();
    int e = vspace_new(&vs, ut, 0);
    for (unsigned i = 0; i < 3 && e == K_NO_ERROR; i++) {
        e = thread_new(&t[i], ut, &vs, 0, names[i]);
        if (e == K_NO_ERROR) e = thread_start(&t[i], child_count, 10 + i, 0, 0, 255, true);
    }
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK(YIELD_UNTIL(shared.word[10] && shared.word[11] && shared.word[12], 50));
        for (unsigned round = 0; round < 3; round++) {
            k_word_t c0 = shared.word[10], c1 = shared.word[11], c2 = shared.word[12];
            CHECK(YIELD_UNTIL(shared.word[10] > c0 && shared.word[11] > c1 && shared.word[12] > c2, 50));
        }
    }
    for (unsigned i = 0; i < 3; i++) thread_free(&t[i]);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    shared_clear();
}

TEST(tcb_suspend_resume)
{
    /* Suspend stops a running child for good (until resumed); suspending again is
     * harmless. Resume continues it where it stopped (its counter goes on from
     * where it was: the thread is not restarted from its entry, which zeroes it);
     * resuming a running thread changes nothing. */
    k_cptr_t ut = untyped_at_least(22);
    struct vspace vs = { 0 };
    struct thread t = { 0 };
    shared_clear();
    int e = vspace_new(&vs, ut, 0);
    if (e == K_NO_ERROR) e = thread_new(&t, ut, &vs, 0, "suspend-resume");
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK_EQ(k_tcb_suspend(t.tcb), K_NO_ERROR);      /* never started: nothing to do */
        CHECK_EQ(thread_start(&t, child_count_from_zero, 10, 0, 0, 255, true), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[10] > 1000, 100));
        CHECK_EQ(k_tcb_suspend(t.tcb), K_NO_ERROR);
        k_word_t c = shared.word[10];
        yield_n(10);
        CHECK_EQ(shared.word[10], c);
        CHECK_EQ(k_tcb_suspend(t.tcb), K_NO_ERROR);
        yield_n(3);
        CHECK_EQ(shared.word[10], c);
        CHECK_EQ(k_tcb_resume(t.tcb), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[10] > c, 50));
        CHECK(shared.word[10] > c);
        CHECK_EQ(k_tcb_resume(t.tcb), K_NO_ERROR);
        c = shared.word[10];
        CHECK(YIELD_UNTIL(shared.word[10] > c, 50));
        CHECK(shared.word[10] > c);
    }
    thread_free(&t);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    shared_clear();
}

TEST(tcb_resume_restarts_blocked_ipc)
{
    /* seL4's Resume (restart()) acts on every "stopped" thread, blocked ones too: it
     * cancels the IPC the thread waits in and makes it issue its system call again.
     * (1) A and B wait to send on an endpoint, A first; resuming A takes it out of
     * the queue and it sends again, now behind B: we receive B's message first.
     * (2) C called us and waits for our reply; resuming C deletes our reply cap and
     * C calls again: our Reply then goes nowhere, and we receive C's call a second
     * time; the reply to that one reaches C. */
    k_cptr_t ut = untyped_at_least(22);
    k_cptr_t ep = make_object(ut, K_ENDPOINT_OBJECT, 0);
    struct vspace vs = { 0 };
    struct thread a = { 0 }, b = { 0 }, c = { 0 };
    k_word_t badge, m0, info;
    shared_clear();
    int e = vspace_new(&vs, ut, 0);
    if (e == K_NO_ERROR) e = thread_new(&a, ut, &vs, 0, "restart-send-a");
    if (e == K_NO_ERROR) e = thread_new(&b, ut, &vs, 0, "restart-send-b");
    if (e == K_NO_ERROR) e = thread_new(&c, ut, &vs, 0, "restart-call");
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK_EQ(thread_start(&a, child_send_id, ep, 0xa, 10, 255, true), K_NO_ERROR);
        yield_n(3);
        CHECK_EQ(thread_start(&b, child_send_id, ep, 0xb, 11, 255, true), K_NO_ERROR);
        yield_n(3);
        CHECK_EQ(shared.word[10] + shared.word[11], 0);   /* both blocked */
        CHECK_EQ(k_tcb_resume(a.tcb), K_NO_ERROR);
        yield_n(3);
        m0 = 0;
        info = k_nb_recv(ep, &badge, &m0, 0, 0, 0);
        CHECK_EQ(k_msginfo_length(info), 1);
        CHECK_EQ(m0, 0xb);
        m0 = 0;
        info = k_nb_recv(ep, &badge, &m0, 0, 0, 0);
        CHECK_EQ(k_msginfo_length(info), 1);
        CHECK_EQ(m0, 0xa);
        CHECK(YIELD_UNTIL(shared.word[10] && shared.word[11], 20));

        CHECK_EQ(thread_start(&c, child_call_id, ep, 0xc, 12, 255, true), K_NO_ERROR);
        yield_n(3);
        m0 = 0;
        info = k_nb_recv(ep, &badge, &m0, 0, 0, 0);       /* C now waits for our reply */
        CHECK_EQ(k_msginfo_length(info), 1);
        CHECK_EQ(m0, 0xc);
        CHECK_EQ(k_tcb_resume(c.tcb), K_NO_ERROR);
        yield_n(3);
        k_reply(k_msginfo_new(0, 0, 0, 1), 0x1111, 0, 0, 0);   /* our reply cap is gone */
        yield_n(3);
        CHECK_EQ(shared.word[12], 0);
        m0 = 0;
        info = k_nb_recv(ep, &badge, &m0, 0, 0, 0);       /* C's call, again */
        CHECK_EQ(k_msginfo_length(info), 1);
        CHECK_EQ(m0, 0xc);
        if (m0 == 0xc) k_reply(k_msginfo_new(0, 0, 0, 1), 0x2222, 0, 0, 0);
        CHECK(YIELD_UNTIL(shared.word[12] != 0, 20));
        CHECK_EQ(shared.word[12], 0x2222);
    }
    thread_free(&a);
    thread_free(&b);
    thread_free(&c);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    shared_clear();
}

TEST(tcb_set_tls_base)
{
    /* SetTLSBase sets tp: ReadRegisters shows it (word 31), a running child sees
     * its tp change, and we can set our own. */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t a = tcb_new(ut);
    struct k_user_context r;
    CHECK_EQ(k_tcb_set_tls_base(a, 0x12345678), K_NO_ERROR);
    CHECK_EQ(k_tcb_read_registers(a, false, 0, K_USER_CONTEXT_WORDS, &r), K_NO_ERROR);
    CHECK_EQ(r.tp, 0x12345678);
    CHECK_EQ(r.a0, 0);
    CHECK_EQ(raw_invoke(a, K_TCB_SET_TLS_BASE, 0, 0, 0, 0, 0), K_TRUNCATED_MESSAGE);

    struct thread t = { 0 };
    shared_clear();
    int e = thread_new(&t, ut, 0, 0, "tls");
    if (e == K_NO_ERROR) e = thread_start(&t, child_report_tp, 10, 0, 0, 255, true);
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK(YIELD_UNTIL(shared.word[11] > 0, 50));
        CHECK_EQ(shared.word[10], 0);
        CHECK_EQ(k_tcb_set_tls_base(t.tcb, 0xabc0), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[10] == 0xabc0, 50));
    }
    thread_free(&t);

    k_word_t old, now;
    __asm__ volatile("mv %0, tp" : "=r"(old));
    CHECK_EQ(k_tcb_set_tls_base(K_CAP_INIT_THREAD_TCB, 0x5eed), K_NO_ERROR);
    __asm__ volatile("mv %0, tp" : "=r"(now));
    CHECK_EQ(now, 0x5eed);
    CHECK_EQ(k_tcb_set_tls_base(K_CAP_INIT_THREAD_TCB, old), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(a);
    shared_clear();
}

TEST(tcb_configure_set_space_set_ipc_buffer_errors)
{
    /* seL4's decodeTCBConfigure / decodeSetSpace / decodeSetIPCBuffer: the CSpace
     * root must be a CNode (after any new guard, which must fit: guard + radix <= 64),
     * the VSpace root a page table with an ASID (an unassigned one cannot even be
     * derived), the IPC buffer 1024-aligned in a non-device frame; a buffer address
     * of 0 means none (the frame argument is then ignored). Errors are
     * IllegalOperation except misalignment (AlignmentError). */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t t = tcb_new(ut), v = make_object(ut, K_RISCV_PAGE_TABLE_OBJECT, 0);
    k_cptr_t ep = make_object(ut, K_ENDPOINT_OBJECT, 0), f = make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0);
    k_cptr_t empty = tslot_alloc();
    const k_cptr_t vs = K_CAP_INIT_THREAD_VSPACE;
    const k_word_t buf = 0x1f0400;

    CHECK_EQ(k_tcb_configure(t, 0, ROOT, 0, vs, 0, buf, f), K_NO_ERROR);
    CHECK_EQ(k_tcb_configure(t, 0, ROOT, 0, vs, 0, 0, ep), K_NO_ERROR);
    CHECK_EQ(k_tcb_configure(t, 0, ROOT, 0, vs, 0, buf + 8, f), K_ALIGNMENT_ERROR);
    /* seL4 checks the IPC buffer first, then the CSpace root, then the VSpace root. */
    CHECK_EQ(k_tcb_configure(t, 0, ep, 0, v, 0, buf + 8, f), K_ALIGNMENT_ERROR);
    CHECK_EQ(k_tcb_configure(t, 0, ep, 0, v, 0, buf, ep), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_configure(t, 0, ROOT, 0, vs, 0, buf, ep), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_configure(t, 0, ep, 0, vs, 0, buf, f), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_configure(t, 0, empty, 0, vs, 0, buf, f), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_configure(t, 0, ROOT, k_cnode_cap_data(0, 60), vs, 0, buf, f), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_configure(t, 0, ROOT, k_cnode_cap_data(0, 64 - bi->init_thread_cnode_size_bits), vs, 0, buf, f),
             K_NO_ERROR);
    CHECK_EQ(k_tcb_configure(t, 0, ROOT, 0, v, 0, buf, f), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_configure(t, 0, ROOT, 0, f, 0, buf, f), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_configure(t, 0, ROOT, 0, empty, 0, buf, f), K_ILLEGAL_OPERATION);
    CHECK_EQ(raw_invoke(t, K_TCB_CONFIGURE, 4, 2, (k_cptr_t[]){ ROOT, vs }, 0, 0), K_TRUNCATED_MESSAGE);
    CHECK_EQ(raw_invoke(t, K_TCB_CONFIGURE, 3, 3, (k_cptr_t[]){ ROOT, vs, f }, 0, 0), K_TRUNCATED_MESSAGE);

    CHECK_EQ(k_tcb_set_space(t, 0, ROOT, 0, vs, 0), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_space(t, 0, ep, 0, vs, 0), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_set_space(t, 0, ROOT, k_cnode_cap_data(0, 60), vs, 0), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_set_space(t, 0, ROOT, 0, v, 0), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_set_space(t, 0, ROOT, 0, ep, 0), K_ILLEGAL_OPERATION);
    CHECK_EQ(raw_invoke(t, K_TCB_SET_SPACE, 3, 1, (k_cptr_t[]){ ROOT }, 0, 0), K_TRUNCATED_MESSAGE);
    CHECK_EQ(raw_invoke(t, K_TCB_SET_SPACE, 2, 2, (k_cptr_t[]){ ROOT, vs }, 0, 0), K_TRUNCATED_MESSAGE);

    CHECK_EQ(k_tcb_set_ipc_buffer(t, buf, f), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_ipc_buffer(t, 0, ep), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_ipc_buffer(t, buf + 0x200, f), K_ALIGNMENT_ERROR);
    CHECK_EQ(k_tcb_set_ipc_buffer(t, buf, ep), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_tcb_set_ipc_buffer(t, buf, empty), K_ILLEGAL_OPERATION);
    CHECK_EQ(raw_invoke(t, K_TCB_SET_IPC_BUFFER, 1, 0, 0, buf, 0), K_TRUNCATED_MESSAGE);
    CHECK_EQ(raw_invoke(t, K_TCB_SET_IPC_BUFFER, 0, 1, &f, buf, 0), K_TRUNCATED_MESSAGE);

    /* A device frame cannot be an IPC buffer. */
    for (k_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        if (!bi->untyped_list[i].is_device || bi->untyped_list[i].size_bits < 12) continue;
        k_cptr_t dev = bi->untyped.start + i;
        k_cptr_t df = make_object(dev, K_RISCV_4K_PAGE_OBJECT, 0);
        CHECK_EQ(k_tcb_set_ipc_buffer(t, buf, df), K_ILLEGAL_OPERATION);
        CHECK_EQ(k_tcb_configure(t, 0, ROOT, 0, vs, 0, buf, df), K_ILLEGAL_OPERATION);
        CHECK_EQ(k_cnode_revoke(ROOT, dev, ROOT_DEPTH), K_NO_ERROR);
        tslot_free(df);
        break;
    }
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t slots[] = { t, v, ep, f, empty };
    for (unsigned i = 0; i < sizeof slots / sizeof slots[0]; i++) tslot_free(slots[i]);
}

TEST(tcb_set_space_switches_vspace)
{
    /* A child reads SCRATCH_VA in a loop. In VSpace 1 that page holds 0x1111, in
     * VSpace 2 another frame with 0x2222 (we see both frames in our VSpace too).
     * SetSpace to VSpace 2 while it runs: from its next time slice it reads 0x2222. */
    k_cptr_t ut = untyped_at_least(22);
    struct vspace v1 = { 0 }, v2 = { 0 };
    struct thread t = { 0 }, other = { 0 };
    k_cptr_t o1, o2, a1, a2, b1, b2;
    k_cptr_t fx = make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0), fy = make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0);
    k_cptr_t fx1 = tslot_alloc(), fy2 = tslot_alloc();
    shared_clear();
    int e = map_tables(ut, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, &o1, &o2);
    if (e == K_NO_ERROR) e = k_riscv_page_map(fx, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, RW_RIGHTS, K_RISCV_EXECUTE_NEVER);
    if (e == K_NO_ERROR) e = k_riscv_page_map(fy, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA + 0x1000, RW_RIGHTS, K_RISCV_EXECUTE_NEVER);
    if (e == K_NO_ERROR) {
        *(volatile k_word_t *)SCRATCH_VA = 0x1111;
        *(volatile k_word_t *)(SCRATCH_VA + 0x1000) = 0x2222;
        e = vspace_new(&v1, ut, 0);
    }
    if (e == K_NO_ERROR) e = vspace_new(&v2, ut, 0);
    if (e == K_NO_ERROR) e = map_tables(ut, v1.root, SCRATCH_VA, &a1, &a2);
    if (e == K_NO_ERROR) e = map_tables(ut, v2.root, SCRATCH_VA, &b1, &b2);
    if (e == K_NO_ERROR) e = k_cnode_copy(ROOT, fx1, ROOT_DEPTH, ROOT, fx, ROOT_DEPTH, K_CAP_RIGHTS_ALL);
    if (e == K_NO_ERROR) e = k_cnode_copy(ROOT, fy2, ROOT_DEPTH, ROOT, fy, ROOT_DEPTH, K_CAP_RIGHTS_ALL);
    if (e == K_NO_ERROR) e = k_riscv_page_map(fx1, v1.root, SCRATCH_VA, K_CAP_RIGHT_READ, K_RISCV_EXECUTE_NEVER);
    if (e == K_NO_ERROR) e = k_riscv_page_map(fy2, v2.root, SCRATCH_VA, K_CAP_RIGHT_READ, K_RISCV_EXECUTE_NEVER);
    /* `other` gives VSpace 2 a stack page at the address t's stack pointer uses. */
    if (e == K_NO_ERROR) e = thread_new(&other, ut, &v2, 0, "space-other");
    if (e == K_NO_ERROR) e = thread_new(&t, ut, &v1, 0, "space-switch");
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK_EQ(t.sp, other.sp);
        CHECK_EQ(thread_start(&t, child_read_loop, 10, SCRATCH_VA, 0, 255, true), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[11] == 0x1111, 50));
        CHECK_EQ(k_tcb_set_space(t.tcb, 0, ROOT, 0, v2.root, 0), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[11] == 0x2222, 50));
        CHECK_EQ(shared.word[11], 0x2222);
    }
    thread_free(&t);
    thread_free(&other);
    k_cnode_delete(ROOT, fx1, ROOT_DEPTH);
    k_cnode_delete(ROOT, fy2, ROOT_DEPTH);
    vspace_free(&v1);
    vspace_free(&v2);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    shared_clear();
}

TEST(tcb_set_ipc_buffer_is_where_caps_are_read)
{
    /* Two children write the authority cap of a SetPriority into the same page X and
     * invoke. The kernel reads a thread's capability arguments from ITS IPC buffer:
     * for the child whose buffer we moved to X with SetIPCBuffer the call succeeds;
     * the other's buffer still holds 0 there (the null cap): InvalidCapability. */
    k_cptr_t ut = untyped_at_least(22);
    struct vspace vs = { 0 };
    struct thread moved = { 0 }, kept = { 0 };
    k_cptr_t x = make_object(ut, K_RISCV_4K_PAGE_OBJECT, 0);
    const k_word_t x_va = AREA_BASE + 40 * AREA_SIZE;
    shared_clear();
    int e = vspace_new(&vs, ut, 0);
    if (e == K_NO_ERROR) e = k_riscv_page_map(x, vs.root, x_va, RW_RIGHTS, K_RISCV_EXECUTE_NEVER);
    if (e == K_NO_ERROR) e = thread_new(&moved, ut, &vs, 0, "ipcbuf-moved");
    if (e == K_NO_ERROR) e = thread_new(&kept, ut, &vs, 0, "ipcbuf-kept");
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK_EQ(k_tcb_set_ipc_buffer(moved.tcb, x_va, x), K_NO_ERROR);
        CHECK_EQ(thread_start(&moved, child_priority_via_buffer, 10, x_va, 0, 255, true), K_NO_ERROR);
        CHECK_EQ(thread_start(&kept, child_priority_via_buffer, 11, x_va, 0, 255, true), K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[10] && shared.word[11], 50));
        CHECK_EQ(shared.word[10], K_NO_ERROR + 1);
        CHECK_EQ(shared.word[11], K_INVALID_CAPABILITY + 1);
    }
    thread_free(&moved);
    thread_free(&kept);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(x);
    shared_clear();
}

TEST(tcb_delete_running_thread)
{
    /* Deleting the only cap to a running thread's TCB destroys it at once: it never
     * runs again, and the slot and memory can make a new thread that runs. */
    k_cptr_t ut = untyped_at_least(22);
    struct vspace vs = { 0 };
    struct thread t = { 0 };
    shared_clear();
    int e = vspace_new(&vs, ut, 0);
    if (e == K_NO_ERROR) e = thread_new(&t, ut, &vs, 0, "deleted-live");
    if (e == K_NO_ERROR) e = thread_start(&t, child_count, 10, 0, 0, 255, true);
    CHECK_EQ(e, K_NO_ERROR);
    if (e == K_NO_ERROR) {
        CHECK(YIELD_UNTIL(shared.word[10] > 0, 50));
        CHECK_EQ(k_cnode_delete(ROOT, t.tcb, ROOT_DEPTH), K_NO_ERROR);
        CHECK_EQ(k_debug_cap_identify(t.tcb), 0);
        yield_n(2);
        k_word_t c = shared.word[10];
        yield_n(10);
        CHECK_EQ(shared.word[10], c);
        thread_destroy(&t);
        e = thread_new(&t, ut, &vs, 0, "after-delete");
        if (e == K_NO_ERROR) e = thread_start(&t, child_store, 11, 0x99, 0, 255, true);
        CHECK_EQ(e, K_NO_ERROR);
        CHECK(YIELD_UNTIL(shared.word[11] == 0x99, 50));
    }
    thread_free(&t);
    vspace_free(&vs);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    shared_clear();
}

TEST(domain_set_set)
{
    /* One scheduling domain: domain 0 is accepted, anything else is an invalid
     * argument (MR0 = 0), and the thread argument must be a TCB (MR0 = 1). */
    k_cptr_t ut = untyped_at_least(16);
    k_cptr_t t = make_object(ut, K_TCB_OBJECT, 0), ep = make_object(ut, K_ENDPOINT_OBJECT, 0);
    CHECK_EQ(k_domain_set_set(K_CAP_DOMAIN, 0, t), K_NO_ERROR);
    CHECK_EQ(k_domain_set_set(K_CAP_DOMAIN, 1, t), K_INVALID_ARGUMENT);
    CHECK_EQ(k_last_mr(0), 0);
    CHECK_EQ(k_domain_set_set(K_CAP_DOMAIN, 0, ep), K_INVALID_ARGUMENT);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}
