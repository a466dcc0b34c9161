/* IPC conformance with seL4 13.0.0 (non-MCS): the rules of issue 9, each checked by
 * what a thread sees (registers, message info, badges, slots, registers read back with
 * TCB_ReadRegisters). Every test names, in a comment, the one-line kernel change it
 * catches.
 *
 * Children run in our VSpace and CNode, at our priority (255) unless said otherwise,
 * with IPC buffers and stacks of this file (so a test can give a thread no buffer, a
 * read-only one, or one whose frame cap it revokes). Whenever the rule under test
 * decides whether a message arrives, we poll (NBRecv and yield) instead of blocking,
 * so a broken kernel fails the test instead of hanging the suite. */
#include "thread_util.h"
#include <string.h>

#define PRIO 255
#define W(i) shared.word[i]
#define SEQ 400                 /* shared index: the sequence counter of order tests */
#define ECALL_INSN 0x00000073u
#define POLL 20                 /* NBRecv/yield rounds before a message counts as absent */

/* --- raw system calls: every argument register in, every result register out ------ */

struct sysregs { k_word_t a0, a1, m[4]; };

static inline void sys_raw(long n, struct sysregs *r)
{
    register k_word_t a0 __asm__("a0") = r->a0;
    register k_word_t a1 __asm__("a1") = r->a1;
    register k_word_t a2 __asm__("a2") = r->m[0];
    register k_word_t a3 __asm__("a3") = r->m[1];
    register k_word_t a4 __asm__("a4") = r->m[2];
    register k_word_t a5 __asm__("a5") = r->m[3];
    register long a7 __asm__("a7") = n;
    __asm__ __volatile__("ecall"
                         : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5)
                         : "r"(a7)
                         : "memory");
    r->a0 = a0; r->a1 = a1;
    r->m[0] = a2; r->m[1] = a3; r->m[2] = a4; r->m[3] = a5;
}

/* NBRecv on ep until something comes (every sender in this file uses a badged cap or
 * a nonzero message info), yielding in between; false if nothing came. */
static bool poll_recv(k_cptr_t ep, struct sysregs *r)
{
    for (unsigned i = 0; i < POLL; i++) {
        *r = (struct sysregs){ ep, 0, { 0, 0, 0, 0 } };
        sys_raw(SYS_NB_RECV, r);
        if (r->a0 || r->a1) return true;
        k_yield();
    }
    return false;
}

/* Run-order checks. A timer tick sends whichever thread runs to the back of its queue
 * (its slice is over), and ticks come at host-time moments, so one may land inside a
 * scenario and reorder it legitimately. Such a scenario runs up to three times: the
 * first two quietly (OCHECK_EQ only counts), the last with its checks reported. A
 * kernel that breaks the rule gives the wrong order every time. */
static bool order_quiet;
static int order_misses;
#define OCHECK_EQ(a, b)                                                              \
    do {                                                                             \
        if (!order_quiet) CHECK_EQ(a, b);                                            \
        else if ((uint64_t)(a) != (uint64_t)(b)) order_misses++;                     \
    } while (0)

static void order_retry(void (*scenario)(k_cptr_t ut), k_cptr_t ut)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        order_quiet = attempt < 2;
        order_misses = 0;
        scenario(ut);
        if (order_quiet && !order_misses) break;
        if (order_quiet) printf("  # run order disturbed (a timer tick?): trying again\n");
    }
    order_quiet = false;
}

static k_cptr_t mint(k_cptr_t src, k_word_t rights, k_word_t badge)
{
    k_cptr_t s = tslot_alloc();
    if (k_cnode_mint(ROOT, s, ROOT_DEPTH, ROOT, src, ROOT_DEPTH, rights, badge)) {
        printf("  mint failed\n");
        return 0;
    }
    return s;
}

static k_cptr_t obj(k_cptr_t ut, k_word_t type)
{
    k_cptr_t s = tslot_alloc();
    if (k_untyped_retype(ut, type, 0, ROOT, 0, 0, s, 1)) {
        printf("  retype of type %lu failed\n", type);
        return 0;
    }
    return s;
}

static void drop(k_cptr_t s)
{
    k_cnode_delete(ROOT, s, ROOT_DEPTH);
    tslot_free(s);
}

/* --- threads with an IPC buffer of our choosing ----------------------------------- */

#define CT_AREAS 8
struct ct_area {
    struct k_ipc_buffer ipc;
    uint8_t stack[4096 - sizeof(struct k_ipc_buffer)];
};
static struct ct_area ct_areas[CT_AREAS] __attribute__((aligned(4096)));
static bool ct_used[CT_AREAS];

enum ct_buf {
    CT_BUF_RW,      /* our image frame cap (read-write) */
    CT_BUF_NONE,    /* configured with buffer 0 and no frame */
    CT_BUF_RO       /* a read-only copy of that cap (the mapping stays writable) */
};

struct ct {
    k_cptr_t tcb, frame;        /* frame: the read-only copy, deleted with the thread */
    int area;
    struct k_ipc_buffer *ipc;   /* the area's buffer (ours to read and write) */
};

static bool ct_new(struct ct *t, k_cptr_t ut, enum ct_buf mode, k_cptr_t fault_ep, const char *name)
{
    memset(t, 0, sizeof *t);
    int k = 0;
    while (k < CT_AREAS && ct_used[k]) k++;
    if (k == CT_AREAS) {
        printf("  no free thread area\n");
        return false;
    }
    ct_used[k] = true;
    t->area = k + 1;
    t->ipc = &ct_areas[k].ipc;
    memset(t->ipc, 0, sizeof *t->ipc);
    t->tcb = obj(ut, K_TCB_OBJECT);
    if (!t->tcb) return false;
    k_cptr_t img = image_frame_of(&ct_areas[k]), frame = img;
    k_word_t buffer = (k_word_t)t->ipc;
    if (mode == CT_BUF_NONE) {
        frame = 0;
        buffer = 0;
    } else if (mode == CT_BUF_RO) {
        t->frame = tslot_alloc();
        if (k_cnode_copy(ROOT, t->frame, ROOT_DEPTH, ROOT, img, ROOT_DEPTH, K_CAP_RIGHT_READ))
            return false;
        frame = t->frame;
    }
    if (k_tcb_configure(t->tcb, fault_ep, ROOT, 0, K_CAP_INIT_THREAD_VSPACE, 0, buffer, frame)) {
        printf("  configure of '%s' failed\n", name);
        return false;
    }
    k_debug_name_thread(t->tcb, name);
    return true;
}

static void ct_regs(struct ct *t, struct k_user_context *r, child_fn fn, k_word_t a, k_word_t b,
                    k_word_t c)
{
    memset(r, 0, sizeof *r);
    r->pc = (k_word_t)child_trampoline;
    r->sp = (k_word_t)(ct_areas[t->area - 1].stack + sizeof ct_areas[0].stack);
    r->gp = read_gp();
    r->a0 = (k_word_t)fn;
    r->a1 = a;
    r->a2 = b;
    r->a3 = c;
    r->a4 = t->tcb;
}

/* (Re)start t at fn(a, b, c) with priority prio. */
static bool ct_run(struct ct *t, child_fn fn, k_word_t a, k_word_t b, k_word_t c, k_word_t prio)
{
    struct k_user_context r;
    ct_regs(t, &r, fn, a, b, c);
    return k_tcb_set_priority(t->tcb, K_CAP_INIT_THREAD_TCB, prio) == K_NO_ERROR &&
           k_tcb_write_registers(t->tcb, true, 0, K_USER_CONTEXT_WORDS, &r) == K_NO_ERROR;
}

/* Start t with pc at an arbitrary address (the rest as ct_run). */
static bool ct_run_at(struct ct *t, k_word_t pc)
{
    struct k_user_context r;
    ct_regs(t, &r, 0, 0, 0, 0);
    r.pc = pc;
    return k_tcb_set_priority(t->tcb, K_CAP_INIT_THREAD_TCB, PRIO) == K_NO_ERROR &&
           k_tcb_write_registers(t->tcb, true, 0, K_USER_CONTEXT_WORDS, &r) == K_NO_ERROR;
}

static void ct_free(struct ct *t)
{
    if (t->tcb) drop(t->tcb);
    if (t->frame) drop(t->frame);
    if (t->area) ct_used[t->area - 1] = false;
    memset(t, 0, sizeof *t);
}

static struct k_user_context read_regs(struct ct *t)
{
    struct k_user_context r;
    memset(&r, 0, sizeof r);
    CHECK_EQ(k_tcb_read_registers(t->tcb, false, 0, K_USER_CONTEXT_WORDS, &r), K_NO_ERROR);
    return r;
}

static bool in_image(k_word_t pc)
{
    return pc >= IMAGE_BASE && pc < (k_word_t)bi->ipc_buffer;
}

/* --- children ---------------------------------------------------------------------- */

/* Send label 7, MR0 = v, through cap; then W(idx) = 1. */
static void c_send(k_word_t cap, k_word_t v, k_word_t idx, k_cptr_t self)
{
    (void)self;
    k_send(cap, k_msginfo_new(7, 0, 0, 1), v, 0, 0, 0);
    W(idx) = 1;
}

/* Send label 5 with 10 words (MR0..3 = 1..4 in registers, MR4..9 = 0x40 + i in our
 * buffer at ipc if we have one); twice if twice. */
static void c_send_long(k_word_t cap, k_word_t ipc, k_word_t twice, k_cptr_t self)
{
    (void)self;
    if (ipc)
        for (unsigned i = 4; i < 10; i++) ((struct k_ipc_buffer *)ipc)->msg[i] = 0x40 + i;
    k_send(cap, k_msginfo_new(5, 0, 0, 10), 1, 2, 3, 4);
    if (twice) k_send(cap, k_msginfo_new(5, 0, 0, 10), 1, 2, 3, 4);
}

/* Receive once on ep: W(idx) = badge, W(idx+1) = info, W(idx+2..5) = MR0..3, then
 * W(idx+6) = 1. */
static void c_recv(k_word_t ep, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    struct sysregs r = { ep, 0, { 0, 0, 0, 0 } };
    sys_raw(SYS_RECV, &r);
    W(idx) = r.a0;
    W(idx + 1) = r.a1;
    for (int i = 0; i < 4; i++) W(idx + 2 + i) = r.m[i];
    W(idx + 6) = 1;
}

/* Call cap with label 1, MR0 = v: W(idx) = reply MR0, W(idx+1) = reply info, W(idx+2) = 1. */
static void c_call(k_word_t cap, k_word_t v, k_word_t idx, k_cptr_t self)
{
    (void)self;
    k_word_t m0 = v;
    k_word_t info = k_call(cap, k_msginfo_new(1, 0, 0, 1), &m0, 0, 0, 0);
    W(idx) = m0;
    W(idx + 1) = info;
    W(idx + 2) = 1;
}

/* Load from addr: W(idx+1) = the value, W(idx) = 1. */
static void c_load(k_word_t addr, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    W(idx + 1) = *(volatile k_word_t *)addr;
    W(idx) = 1;
}

static void c_store(k_word_t addr, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    *(volatile k_word_t *)addr = 1;
    W(idx) = 1;
}

/* Wait on cptr: W(idx+1) = the badge, W(idx) = 1. */
static void c_wait(k_word_t cptr, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    W(idx + 1) = k_wait(cptr);
    W(idx) = 1;
}

/* An unknown system call (-77) with a0..a6 = 0xa0..0xa6, ra = 0x3a3a; after it returns,
 * a0..a6, sp and ra as the thread then has them go to W(idx..idx+8), W(idx+9) = 1.
 * (sp and ra are kept in s2/s3 across it: the handler may set them to anything.) */
static void c_unknown_syscall(k_word_t idx, k_word_t u1, k_word_t u2, k_cptr_t self)
{
    (void)u1; (void)u2; (void)self;
    volatile k_word_t *out = &W(idx);
    __asm__ volatile(
        ".option push\n.option norvc\n"
        "mv s2, sp\n mv s3, ra\n"
        "li a0, 0xa0\n li a1, 0xa1\n li a2, 0xa2\n li a3, 0xa3\n"
        "li a4, 0xa4\n li a5, 0xa5\n li a6, 0xa6\n li ra, 0x3a3a\n"
        "li a7, -77\n"
        "ecall\n"
        "sd a0, 0(%0)\n sd a1, 8(%0)\n sd a2, 16(%0)\n sd a3, 24(%0)\n"
        "sd a4, 32(%0)\n sd a5, 40(%0)\n sd a6, 48(%0)\n sd sp, 56(%0)\n sd ra, 64(%0)\n"
        "mv sp, s2\n mv ra, s3\n"
        ".option pop\n"
        :: "r"(out)
        : "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "ra", "memory");
    W(idx + 9) = 1;
}

/* An illegal instruction with a0 = 0xe0, ra = 0x3a3a; afterwards W(idx) = sp,
 * W(idx+1) = ra, W(idx+2) = a0, W(idx+3) = 1. */
static void c_illegal(k_word_t idx, k_word_t u1, k_word_t u2, k_cptr_t self)
{
    (void)u1; (void)u2; (void)self;
    volatile k_word_t *out = &W(idx);
    __asm__ volatile(
        ".option push\n.option norvc\n"
        "mv s2, sp\n mv s3, ra\n"
        "li a0, 0xe0\n li ra, 0x3a3a\n"
        ".word 0\n"
        "sd sp, 0(%0)\n sd ra, 8(%0)\n sd a0, 16(%0)\n"
        "mv sp, s2\n mv ra, s3\n"
        ".option pop\n"
        :: "r"(out)
        : "a0", "s2", "s3", "ra", "memory");
    W(idx + 3) = 1;
}

/* a0 = 0, then one `addi a0, a0, 1`, then a load from addr (which faults), then spin.
 * Four-byte instructions only, so the instruction before the load is the addi. */
static void c_addi_then_load(k_word_t addr, k_word_t u1, k_word_t u2, k_cptr_t self)
{
    (void)u1; (void)u2; (void)self;
    __asm__ volatile(
        ".option push\n.option norvc\n"
        "mv t1, %0\n"
        "li a0, 0\n"
        "addi a0, a0, 1\n"
        "ld t0, 0(t1)\n"
        "1: j 1b\n"
        ".option pop\n"
        :: "r"(addr) : "a0", "t0", "t1", "memory");
}

/* --- 1. fault replies ---------------------------------------------------------------- */

/* A reply to a VMFault or a CapFault resumes the thread whatever its label (seL4's
 * handleFaultReply). Catches: fault_reply() deciding by the label for every fault type
 * (dropping its "not UnknownSyscall/UserException: return true"). */
TEST(conf_fault_reply_resumes_vm_and_cap_faults_whatever_the_label)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT), fep = mint(ep, K_CAP_RIGHTS_ALL, 0xf1);
    k_cptr_t frame = obj(ut, K_RISCV_4K_PAGE_OBJECT), l1 = 0, l2 = 0;
    CHECK(map_tables(ut, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, &l1, &l2) == K_NO_ERROR);
    struct ct t;
    struct sysregs r;
    shared_clear();
    CHECK(ct_new(&t, ut, CT_BUF_RW, fep, "conf-vmfault"));
    CHECK(ct_run(&t, c_load, SCRATCH_VA + 0x10, 0, 0, PRIO));
    CHECK(poll_recv(ep, &r));
    CHECK_EQ(r.a0, 0xf1);
    CHECK_EQ(k_msginfo_label(r.a1), K_FAULT_VM);
    CHECK_EQ(r.m[1], SCRATCH_VA + 0x10);
    CHECK_EQ(k_riscv_page_map(frame, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, RW_RIGHTS, 0), K_NO_ERROR);
    *(volatile k_word_t *)(SCRATCH_VA + 0x10) = 0xabc;
    k_reply(k_msginfo_new(7, 0, 0, 0), 0, 0, 0, 0);      /* label 7: still resumes */
    CHECK(YIELD_UNTIL(W(0) == 1, 10));
    CHECK_EQ(W(1), 0xabc);

    /* A Wait on an empty slot: CapFault (receive phase, missing capability). We put a
     * notification there, signal it, and answer with label 9: the Wait is retried and
     * gets the badge. */
    k_cptr_t n = obj(ut, K_NOTIFICATION_OBJECT), hole = tslot_alloc();
    shared_clear();
    CHECK(ct_run(&t, c_wait, hole, 0, 0, PRIO));
    CHECK(poll_recv(ep, &r));
    CHECK_EQ(k_msginfo_label(r.a1), K_FAULT_CAP);
    CHECK_EQ(r.m[K_CAP_FAULT_ADDR], hole);
    CHECK_EQ(r.m[K_CAP_FAULT_IN_RECV_PHASE], 1);
    CHECK_EQ(r.m[K_CAP_FAULT_LOOKUP_FAILURE_TYPE], K_MISSING_CAPABILITY);
    CHECK_EQ(k_cnode_mint(ROOT, hole, ROOT_DEPTH, ROOT, n, ROOT_DEPTH, K_CAP_RIGHTS_ALL, 0x2c), K_NO_ERROR);
    k_signal(hole);
    k_reply(k_msginfo_new(9, 0, 0, 0), 0, 0, 0, 0);
    CHECK(YIELD_UNTIL(W(0) == 1, 10));
    CHECK_EQ(W(1), 0x2c);
    ct_free(&t);
    drop(hole);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { ep, fep, frame, l1, l2, n };
    for (unsigned i = 0; i < 6; i++) tslot_free(all[i]);
}

/* Replies to UnknownSyscall and UserException set registers from the reply words
 * (UnknownSyscall: FaultIP, SP, RA, A0..A6; UserException: FaultIP, SP), at most as
 * many as the reply has, and resume only with label 0; with another label the thread
 * stays inactive with the registers as set. Catches: fault_reply() resuming whatever
 * the label (`return label == 0` -> true), a wrong register table or count (10/2),
 * ignoring the reply length, and a wrong UnknownSyscall message order. */
TEST(conf_fault_reply_sets_registers_and_label_decides)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT), fep = mint(ep, K_CAP_RIGHTS_ALL, 0xf2);
    struct k_ipc_buffer *me = k_ipc_buffer();
    struct ct t;
    struct sysregs r;
    CHECK(ct_new(&t, ut, CT_BUF_RW, fep, "conf-unknown-sys"));

    for (int round = 0; round < 3; round++) {
        /* round 0: label 0, all 10 words; round 1: label 1, all 10 words; round 2:
         * label 0, only 2 words (pc and sp; ra and a0..a6 stay). */
        shared_clear();
        CHECK(ct_run(&t, c_unknown_syscall, 0, 0, 0, PRIO));
        CHECK(poll_recv(ep, &r));
        CHECK_EQ(k_msginfo_label(r.a1), K_FAULT_UNKNOWN_SYSCALL);
        CHECK_EQ(k_msginfo_length(r.a1), K_UNKNOWN_SYSCALL_LENGTH);
        k_word_t ip = r.m[0];
        CHECK(in_image(ip));
        if (in_image(ip)) CHECK_EQ(*(volatile uint32_t *)ip, ECALL_INSN);
        CHECK_EQ(r.m[K_UNKNOWN_SYSCALL_RA], 0x3a3a);
        CHECK_EQ(r.m[K_UNKNOWN_SYSCALL_A0], 0xa0);
        for (int i = 1; i < 7; i++) CHECK_EQ(me->msg[K_UNKNOWN_SYSCALL_A0 + i], 0xa0 + i);
        CHECK_EQ(me->msg[K_UNKNOWN_SYSCALL_SYSCALL], (k_word_t)-77);
        k_word_t sp = r.m[K_UNKNOWN_SYSCALL_SP];
        CHECK(sp > (k_word_t)&ct_areas[t.area - 1] && sp <= (k_word_t)&ct_areas[t.area]);

        k_word_t label = round == 1 ? 1 : 0, len = round == 2 ? 2 : 10;
        k_word_t nsp = 0x5150 + round * 0x1000, nra = 0x7270 + round;
        for (int i = 0; i < 7; i++) me->msg[3 + i] = 0xb0 + 0x10 * round + i;
        k_reply(k_msginfo_new(label, 0, 0, len), ip + 4, nsp, nra, 0xb0 + 0x10 * round);
        k_word_t want_ra = len == 2 ? 0x3a3a : nra;
        k_word_t want_a = len == 2 ? 0xa0 : 0xb0 + 0x10 * round;
        if (label == 0) {
            CHECK(YIELD_UNTIL(W(9) == 1, 10));
        } else {
            /* Stopped: it never runs, and its registers are the ones we sent. */
            yield_n(5);
            CHECK_EQ(W(9), 0);
            struct k_user_context c = read_regs(&t);
            CHECK_EQ(c.pc, ip + 4);
            CHECK_EQ(c.sp, nsp);
            CHECK_EQ(c.ra, nra);
            for (int i = 0; i < 7; i++) CHECK_EQ(k_user_context_get(&c, 16 + i), want_a + i);
            /* Inactive, not dead: Resume runs it from there. */
            CHECK_EQ(k_tcb_resume(t.tcb), K_NO_ERROR);
            CHECK(YIELD_UNTIL(W(9) == 1, 10));
        }
        for (int i = 0; i < 7; i++) CHECK_EQ(W(i), want_a + i);
        CHECK_EQ(W(7), nsp);
        CHECK_EQ(W(8), want_ra);
    }

    /* UserException: only FaultIP and SP come from the reply, even if it has more. */
    for (int round = 0; round < 2; round++) {
        shared_clear();
        CHECK(ct_run(&t, c_illegal, 0, 0, 0, PRIO));
        CHECK(poll_recv(ep, &r));
        CHECK_EQ(k_msginfo_label(r.a1), K_FAULT_USER_EXCEPTION);
        k_word_t ip = r.m[K_USER_EXCEPTION_FAULT_IP];
        CHECK(in_image(ip));
        if (in_image(ip)) CHECK_EQ(*(volatile uint32_t *)ip, 0);
        CHECK_EQ(r.m[K_USER_EXCEPTION_NUMBER], 2);       /* illegal instruction */
        k_word_t nsp = 0x5250 + round;
        k_reply(k_msginfo_new(round, 0, 0, 4), ip + 4, nsp, 0x7373, 0x1111);
        if (round == 0) {
            CHECK(YIELD_UNTIL(W(3) == 1, 10));
        } else {
            yield_n(5);
            CHECK_EQ(W(3), 0);
            struct k_user_context c = read_regs(&t);
            CHECK_EQ(c.pc, ip + 4);
            CHECK_EQ(c.sp, nsp);
            CHECK_EQ(c.ra, 0x3a3a);
            CHECK_EQ(c.a0, 0xe0);
            CHECK_EQ(k_tcb_resume(t.tcb), K_NO_ERROR);
            CHECK(YIELD_UNTIL(W(3) == 1, 10));
        }
        CHECK_EQ(W(0), nsp);
        CHECK_EQ(W(1), 0x3a3a);          /* not the reply's third word */
        CHECK_EQ(W(2), 0xe0);
    }
    ct_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(fep);
}

/* --- 2. VMFault message ---------------------------------------------------------------- */

/* MR0 IP, MR1 Addr, MR2 PrefetchFault, MR3 FSR with seL4's codes (instruction fetch 1,
 * load 5, store 7; the hart says 12, 13, 15). Catches: FSR = raw scause, a wrong
 * fetch/store classification, PrefetchFault wrong, IP not the faulting pc. */
TEST(conf_vm_fault_message_fields)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT), fep = mint(ep, K_CAP_RIGHTS_ALL, 0xf3);
    const k_word_t addr = SCRATCH_VA + 0x123458;   /* nothing is mapped there */
    static const k_word_t fsr[3] = { 5, 7, 1 }, prefetch[3] = { 0, 0, 1 };
    for (int kind = 0; kind < 3; kind++) {
        struct ct t;
        struct sysregs r;
        shared_clear();
        CHECK(ct_new(&t, ut, CT_BUF_RW, fep, "conf-vm-kinds"));
        if (kind == 0) CHECK(ct_run(&t, c_load, addr, 0, 0, PRIO));
        if (kind == 1) CHECK(ct_run(&t, c_store, addr, 0, 0, PRIO));
        if (kind == 2) CHECK(ct_run_at(&t, addr - 0x58));   /* jump to unmapped code */
        CHECK(poll_recv(ep, &r));
        CHECK_EQ(r.a0, 0xf3);
        CHECK_EQ(k_msginfo_label(r.a1), K_FAULT_VM);
        CHECK_EQ(k_msginfo_length(r.a1), K_VM_FAULT_LENGTH);
        struct k_user_context c = read_regs(&t);
        CHECK_EQ(r.m[K_VM_FAULT_IP], c.pc);               /* where it stands */
        if (kind < 2) CHECK(in_image(r.m[K_VM_FAULT_IP]));
        else CHECK_EQ(r.m[K_VM_FAULT_IP], addr - 0x58);
        CHECK_EQ(r.m[K_VM_FAULT_ADDR], kind < 2 ? addr : addr - 0x58);
        CHECK_EQ(r.m[K_VM_FAULT_PREFETCH_FAULT], prefetch[kind]);
        CHECK_EQ(r.m[K_VM_FAULT_FSR], fsr[kind]);
        CHECK_EQ(W(0), 0);
        ct_free(&t);
    }
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(fep);
}

/* --- 3. Call without Grant or GrantReply ------------------------------------------------- */

/* The receiver gets the message, no reply cap is made, the caller is left inactive on
 * its ecall; Resume (after the cap is swapped for one with all rights) issues the same
 * Call again, which then leaves a reply cap (sel4test IPCRIGHTS0004). Catches:
 * complete_call() making a reply cap anyway (condition dropped or inverted), not
 * suspending the caller, or not moving its pc back onto the ecall (Resume would then
 * continue after the Call as if answered). */
TEST(conf_call_without_grant_leaves_caller_inactive)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT), cap = mint(ep, RW_RIGHTS, 0x44);
    k_cptr_t saved = tslot_alloc();
    struct ct t;
    shared_clear();
    CHECK(ct_new(&t, ut, CT_BUF_RW, 0, "conf-nogrant"));
    CHECK(ct_run(&t, c_call, cap, 0x123, 0, PRIO));
    /* We wait first: the caller finds us waiting (the send side of the kernel). */
    k_word_t badge = 0, m0 = 0;
    k_word_t info = k_recv(ep, &badge, &m0, 0, 0, 0);
    CHECK_EQ(badge, 0x44);
    CHECK_EQ(k_msginfo_label(info), 1);
    CHECK_EQ(m0, 0x123);
    CHECK_EQ(k_cnode_save_caller(ROOT, saved, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(saved), 0);             /* no reply cap */
    yield_n(5);
    CHECK_EQ(W(2), 0);                                    /* it never went on */
    struct k_user_context c = read_regs(&t);
    CHECK(in_image(c.pc));
    if (in_image(c.pc)) CHECK_EQ(*(volatile uint32_t *)c.pc, ECALL_INSN);
    CHECK_EQ(c.a0, cap);
    CHECK_EQ(c.a2, 0x123);

    /* Same slot, all rights now; Resume: the Call comes again (we are not waiting: the
     * receive side of the kernel this time) and leaves a reply cap. */
    CHECK_EQ(k_cnode_delete(ROOT, cap, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_mint(ROOT, cap, ROOT_DEPTH, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL, 0x45), K_NO_ERROR);
    CHECK_EQ(k_tcb_resume(t.tcb), K_NO_ERROR);
    struct sysregs r;
    CHECK(poll_recv(ep, &r));
    CHECK_EQ(r.a0, 0x45);
    CHECK_EQ(k_msginfo_label(r.a1), 1);
    CHECK_EQ(r.m[0], 0x123);
    CHECK_EQ(k_cnode_save_caller(ROOT, saved, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(saved), 8);             /* a reply cap */
    CHECK_EQ(W(2), 0);
    k_send(saved, k_msginfo_new(0, 0, 0, 1), 0x55, 0, 0, 0);
    CHECK(YIELD_UNTIL(W(2) == 1, 10));
    CHECK_EQ(W(0), 0x55);

    /* The other order: the caller blocks first, we receive it; same outcome. */
    CHECK_EQ(k_cnode_delete(ROOT, cap, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_mint(ROOT, cap, ROOT_DEPTH, ROOT, ep, ROOT_DEPTH, RW_RIGHTS, 0x46), K_NO_ERROR);
    shared_clear();
    CHECK(ct_run(&t, c_call, cap, 0x124, 0, PRIO));
    CHECK(poll_recv(ep, &r));
    CHECK_EQ(r.a0, 0x46);
    CHECK_EQ(r.m[0], 0x124);
    CHECK_EQ(k_cnode_save_caller(ROOT, saved, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(saved), 0);
    yield_n(5);
    CHECK_EQ(W(2), 0);
    c = read_regs(&t);
    if (in_image(c.pc)) CHECK_EQ(*(volatile uint32_t *)c.pc, ECALL_INSN);
    else CHECK(in_image(c.pc));

    /* Once more with us waiting: the caller now has a master reply cap (from the
     * answered Call above), so a short Call would be the fast path's, which must not
     * make a reply cap either (catches fastpath_call() without its Grant check). */
    shared_clear();
    CHECK(ct_run(&t, c_call, cap, 0x125, 0, PRIO));
    info = k_recv(ep, &badge, &m0, 0, 0, 0);
    CHECK_EQ(badge, 0x46);
    CHECK_EQ(m0, 0x125);
    CHECK_EQ(k_cnode_save_caller(ROOT, saved, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(saved), 0);
    yield_n(5);
    CHECK_EQ(W(2), 0);
    ct_free(&t);
    tslot_free(saved);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(cap);
}

/* --- 4. CancelBadgedSends ------------------------------------------------------------------ */

/* Only the senders with the badge leave the queue, and each retries its Send (it
 * blocks again, behind the others, and is received later); the rest keep their order.
 * An unbadged cap cancels nothing; a cap without all rights is refused. Catches: the
 * badge comparison dropped or inverted, the "badge 0 cancels nothing" check dropped,
 * restart without moving the pc back (the sender would go on as if sent). */
static void cancel_badged_scenario(k_cptr_t ut)
{
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT);
    k_cptr_t b1 = mint(ep, K_CAP_RIGHTS_ALL, 1), b2 = mint(ep, K_CAP_RIGHTS_ALL, 2);
    k_cptr_t b1_rw = mint(ep, RW_RIGHTS, 1);
    /* Senders 0..4 in queue order: unbadged, 1, 2, 1, 2; MR0 = 100 + i; done flag W(i). */
    const k_cptr_t caps[5] = { ep, b1, b2, b1, b2 };
    struct ct t[5];
    shared_clear();
    for (int i = 0; i < 5; i++) {
        CHECK(ct_new(&t[i], ut, CT_BUF_RW, 0, "conf-cancel"));
        CHECK(ct_run(&t[i], c_send, caps[i], 100 + i, i, PRIO));
        k_yield();                                   /* it runs and blocks, in order */
    }
    CHECK_EQ(k_cnode_cancel_badged_sends(ROOT, b1_rw, ROOT_DEPTH), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_cnode_cancel_badged_sends(ROOT, ep, ROOT_DEPTH), K_NO_ERROR);   /* badge 0 */
    CHECK_EQ(k_cnode_cancel_badged_sends(ROOT, b1, ROOT_DEPTH), K_NO_ERROR);
    yield_n(3);
    for (int i = 0; i < 5; i++) CHECK_EQ(W(i), 0);   /* all blocked again: none went on */
    /* Queue now: 0, 2, 4 as before, then the two restarted badge-1 senders. They were
     * made runnable at the head of the ready queue in queue order, so the later one
     * (3) ran, and re-queued, first (seL4: tcbSchedEnqueue in cancelBadgedSends). */
    static const int order[5] = { 0, 2, 4, 3, 1 };
    static const k_word_t badge[5] = { 0, 2, 2, 1, 1 };
    for (int k = 0; k < 5; k++) {
        struct sysregs r;
        CHECK(poll_recv(ep, &r));
        OCHECK_EQ(r.a0, badge[k]);
        CHECK_EQ(k_msginfo_label(r.a1), 7);
        OCHECK_EQ(r.m[0], 100 + order[k]);
    }
    for (int i = 0; i < 5; i++) CHECK(YIELD_UNTIL(W(i) == 1, 10));
    for (int i = 0; i < 5; i++) ct_free(&t[i]);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { ep, b1, b2, b1_rw };
    for (unsigned i = 0; i < 4; i++) tslot_free(all[i]);
}

TEST(conf_cancel_badged_sends_mixed_badges)
{
    order_retry(cancel_badged_scenario, untyped_at_least(20));
}

/* A thread blocked sending a FAULT message with the badge is restarted by running its
 * faulting instruction again: it faults afresh and a new fault message arrives (after
 * the sender that kept its place); the instruction before it did not run twice.
 * Catches: restarting it as a system call (pc moved back 4: the addi runs again), or
 * suspending it instead (no second fault message). */
TEST(conf_cancel_badged_sends_restarts_fault_sender)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT);
    k_cptr_t b5 = mint(ep, K_CAP_RIGHTS_ALL, 5), b6 = mint(ep, K_CAP_RIGHTS_ALL, 6);
    const k_word_t addr = SCRATCH_VA + 0x222000;
    struct ct f, s;
    shared_clear();
    CHECK(ct_new(&f, ut, CT_BUF_RW, b5, "conf-cancel-fault"));
    CHECK(ct_new(&s, ut, CT_BUF_RW, 0, "conf-cancel-keep"));
    CHECK(ct_run(&f, c_addi_then_load, addr, 0, 0, PRIO));
    k_yield();                                   /* faults, blocks sending the fault */
    CHECK(ct_run(&s, c_send, b6, 0x66, 0, PRIO));
    k_yield();
    CHECK_EQ(k_cnode_cancel_badged_sends(ROOT, b5, ROOT_DEPTH), K_NO_ERROR);
    yield_n(2);
    struct sysregs r;
    CHECK(poll_recv(ep, &r));                    /* the sender that kept its place */
    CHECK_EQ(r.a0, 6);
    CHECK_EQ(r.m[0], 0x66);
    CHECK(poll_recv(ep, &r));                    /* a fresh fault message */
    CHECK_EQ(r.a0, 5);
    CHECK_EQ(k_msginfo_label(r.a1), K_FAULT_VM);
    CHECK_EQ(r.m[K_VM_FAULT_ADDR], addr);
    CHECK_EQ(r.m[K_VM_FAULT_FSR], 5);
    struct k_user_context c = read_regs(&f);
    CHECK_EQ(c.pc, r.m[K_VM_FAULT_IP]);
    CHECK_EQ(c.a0, 1);                           /* the addi ran once */
    ct_free(&f);
    ct_free(&s);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(b5);
    tslot_free(b6);
}

/* --- 5. IPC buffers: none, read-only, revoked ---------------------------------------------- */

static void fill(struct k_ipc_buffer *b, k_word_t pattern)
{
    for (unsigned i = 4; i < K_MSG_MAX_LENGTH; i++) b->msg[i] = pattern + i;
}

static bool filled(const struct k_ipc_buffer *b, k_word_t pattern)
{
    for (unsigned i = 4; i < K_MSG_MAX_LENGTH; i++)
        if (b->msg[i] != pattern + i) return false;
    return true;
}

/* A thread without an IPC buffer sends 10 words: the receiver gets 4 (the registers),
 * the length says 4, and nothing of the receiver's buffer is written; it receives 10:
 * it gets the 4 registers and length 4. Catches: the "no buffer: cut to the registers"
 * rule removed in ipc_transfer() (length 10, zeros written past MR3). */
TEST(conf_no_ipc_buffer_cuts_long_messages)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT), b = mint(ep, K_CAP_RIGHTS_ALL, 0x51);
    struct k_ipc_buffer *me = k_ipc_buffer();
    struct ct t;
    struct sysregs r;
    shared_clear();
    CHECK(ct_new(&t, ut, CT_BUF_NONE, 0, "conf-nobuf"));
    CHECK(ct_run(&t, c_send_long, b, 0, 0, PRIO));
    fill(me, 0xee00);
    CHECK(poll_recv(ep, &r));
    CHECK_EQ(r.a0, 0x51);
    CHECK_EQ(k_msginfo_label(r.a1), 5);
    CHECK_EQ(k_msginfo_length(r.a1), 4);
    for (int i = 0; i < 4; i++) CHECK_EQ(r.m[i], 1 + i);
    CHECK(filled(me, 0xee00));
    /* It receives a long message: only the registers. */
    CHECK(ct_run(&t, c_recv, ep, 0, 0, PRIO));
    k_yield();                                       /* it waits */
    for (unsigned i = 4; i < 10; i++) me->msg[i] = 0x90 + i;
    k_nb_send(b, k_msginfo_new(6, 0, 0, 10), 11, 12, 13, 14);
    CHECK(YIELD_UNTIL(W(6) == 1, 10));
    CHECK_EQ(W(0), 0x51);
    CHECK_EQ(W(1), k_msginfo_new(6, 0, 0, 4));
    for (int i = 0; i < 4; i++) CHECK_EQ(W(2 + i), 11 + i);
    ct_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(b);
}

/* A buffer whose frame cap is read-only: enough to send a long message (all 10 words
 * arrive), but the kernel never writes into it: a long message received, or an
 * invocation's long reply, is cut to the registers and the buffer keeps its pattern.
 * Catches: tcb_ipc_buffer() ignoring the rights (pattern overwritten), or asking for
 * write rights from a sender too (the send would be cut to 4). */
TEST(conf_read_only_ipc_buffer)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT), b = mint(ep, K_CAP_RIGHTS_ALL, 0x52);
    struct k_ipc_buffer *me = k_ipc_buffer();
    struct ct t;
    struct sysregs r;
    shared_clear();
    CHECK(ct_new(&t, ut, CT_BUF_RO, 0, "conf-robuf"));
    CHECK(ct_run(&t, c_send_long, b, (k_word_t)t.ipc, 0, PRIO));
    fill(me, 0xee00);
    CHECK(poll_recv(ep, &r));
    CHECK_EQ(k_msginfo_length(r.a1), 10);
    for (int i = 0; i < 4; i++) CHECK_EQ(r.m[i], 1 + i);
    for (unsigned i = 4; i < 10; i++) CHECK_EQ(me->msg[i], 0x40 + i);
    CHECK_EQ(me->msg[10], 0xee00 + 10);
    /* Receiving: registers only, its buffer untouched. */
    CHECK(ct_run(&t, c_recv, ep, 0, 0, PRIO));
    k_yield();
    fill(t.ipc, 0xcc00);
    for (unsigned i = 4; i < 10; i++) me->msg[i] = 0x90 + i;
    k_nb_send(b, k_msginfo_new(6, 0, 0, 10), 11, 12, 13, 14);
    CHECK(YIELD_UNTIL(W(6) == 1, 10));
    CHECK_EQ(W(1), k_msginfo_new(6, 0, 0, 4));
    for (int i = 0; i < 4; i++) CHECK_EQ(W(2 + i), 11 + i);
    CHECK(filled(t.ipc, 0xcc00));
    ct_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(b);
}

/* ReadRegisters of 8 registers from a thread whose buffer is read-only: the reply
 * carries the 4 that fit in registers and says so; the buffer keeps its pattern.
 * W(idx) = reply info, W(idx+1..4) = MR0..3, W(idx+5) = 1. */
static void c_read_regs(k_word_t tcb, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    struct sysregs r = { tcb, k_msginfo_new(K_TCB_READ_REGISTERS, 0, 0, 2), { 0, 8, 0, 0 } };
    sys_raw(SYS_CALL, &r);
    W(idx) = r.a1;
    for (int i = 0; i < 4; i++) W(idx + 1 + i) = r.m[i];
    W(idx + 5) = 1;
}

TEST(conf_read_only_ipc_buffer_gets_short_invocation_reply)
{
    /* Catches: inv_set_mr() writing results into a read-only buffer. */
    k_cptr_t ut = untyped_at_least(20);
    struct ct t, target;
    shared_clear();
    CHECK(ct_new(&t, ut, CT_BUF_RO, 0, "conf-robuf-inv"));
    CHECK(ct_new(&target, ut, CT_BUF_RW, 0, "conf-robuf-target"));
    struct k_user_context want;
    ct_regs(&target, &want, c_send, 1, 2, 3);
    CHECK_EQ(k_tcb_write_registers(target.tcb, false, 0, K_USER_CONTEXT_WORDS, &want), K_NO_ERROR);
    fill(t.ipc, 0xcc00);
    CHECK(ct_run(&t, c_read_regs, target.tcb, 0, 0, PRIO));
    CHECK(YIELD_UNTIL(W(5) == 1, 10));
    CHECK_EQ(W(0), k_msginfo_new(0, 0, 0, 4));
    CHECK_EQ(W(1), want.pc);
    CHECK_EQ(W(2), want.ra);
    CHECK_EQ(W(3), want.sp);
    CHECK_EQ(W(4), want.gp);
    CHECK(filled(t.ipc, 0xcc00));
    /* The same from a read-write buffer: all 8 (so the cut above is the rights'). */
    struct ct rw;
    CHECK(ct_new(&rw, ut, CT_BUF_RW, 0, "conf-rwbuf-inv"));
    shared_clear();
    fill(rw.ipc, 0xcc00);
    CHECK(ct_run(&rw, c_read_regs, target.tcb, 0, 0, PRIO));
    CHECK(YIELD_UNTIL(W(5) == 1, 10));
    CHECK_EQ(W(0), k_msginfo_new(0, 0, 0, 8));
    CHECK_EQ(rw.ipc->msg[4], want.s0);
    CHECK_EQ(rw.ipc->msg[8], 0xcc00 + 8);
    ct_free(&t);
    ct_free(&rw);
    ct_free(&target);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

/* The buffer's frame revoked under a thread: the TCB's copy of the frame cap is a
 * child of the (original) cap it was configured with, so revoking that cap deletes it,
 * and the thread's next long message is cut to the registers. Catches: the buffer
 * cached past the cap's deletion, or the TCB's copy not derived from the configured
 * cap. */
TEST(conf_ipc_buffer_revoked_under_thread)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT), b = mint(ep, K_CAP_RIGHTS_ALL, 0x53);
    k_cptr_t frame = obj(ut, K_RISCV_4K_PAGE_OBJECT), l1 = 0, l2 = 0;
    CHECK(map_tables(ut, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, &l1, &l2) == K_NO_ERROR);
    CHECK_EQ(k_riscv_page_map(frame, K_CAP_INIT_THREAD_VSPACE, SCRATCH_VA, RW_RIGHTS, 0), K_NO_ERROR);
    struct k_ipc_buffer *me = k_ipc_buffer();
    struct ct t;
    struct sysregs r;
    CHECK(ct_new(&t, ut, CT_BUF_RW, 0, "conf-buf-revoked"));
    CHECK_EQ(k_tcb_set_ipc_buffer(t.tcb, SCRATCH_VA, frame), K_NO_ERROR);
    CHECK(ct_run(&t, c_send_long, b, SCRATCH_VA, 1, PRIO));
    fill(me, 0xee00);
    CHECK(poll_recv(ep, &r));
    CHECK_EQ(k_msginfo_length(r.a1), 10);
    CHECK_EQ(me->msg[9], 0x49);
    k_yield();                                   /* it sends again, and blocks */
    CHECK_EQ(k_cnode_revoke(ROOT, frame, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(*(volatile k_word_t *)(SCRATCH_VA + 8 * 10), 0x49);   /* still mapped here */
    fill(me, 0xee00);
    CHECK(poll_recv(ep, &r));
    CHECK_EQ(r.a0, 0x53);
    CHECK_EQ(k_msginfo_length(r.a1), 4);
    for (int i = 0; i < 4; i++) CHECK_EQ(r.m[i], 1 + i);
    CHECK(filled(me, 0xee00));
    ct_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { ep, b, frame, l1, l2 };
    for (unsigned i = 0; i < 5; i++) tslot_free(all[i]);
}

/* --- 6. fast path and general path copy only the message's words --------------------------- */

static k_cptr_t reg_server_ntfn;   /* a cap the register server sends as an extra cap */

/* A server whose message registers start as 0x51..0x54 and whose buffer holds
 * 0x5500 + i at msg[i]. For each Call it records W(idx + 8k ..): badge, info, MR0..3
 * as its registers show them, buffer msg[4], msg[5]; then replies with label 9,
 * MR0 = 0x100 + k, MR1..3 = 0x61..0x63, msg[4] = 0x6464, of length 1 (mode MR0 = 0),
 * length 1 with an extra cap (mode 1) or length 5 (mode 2), through ReplyRecv. */
static void c_reg_server(k_word_t ep, k_word_t idx, k_word_t ipc, k_cptr_t self)
{
    (void)self;
    struct k_ipc_buffer *b = (struct k_ipc_buffer *)ipc;
    for (unsigned i = 4; i < 8; i++) b->msg[i] = 0x5500 + i;
    struct sysregs r = { ep, 0, { 0x51, 0x52, 0x53, 0x54 } };
    sys_raw(SYS_RECV, &r);
    for (k_word_t k = 0;; k++) {
        volatile k_word_t *o = &W(idx + 8 * k);
        o[0] = r.a0;
        o[1] = r.a1;
        for (int i = 0; i < 4; i++) o[2 + i] = r.m[i];
        o[6] = b->msg[4];
        o[7] = b->msg[5];
        k_word_t mode = r.m[0];
        b->msg[4] = 0x6464;
        b->caps_or_badges[0] = reg_server_ntfn;
        r = (struct sysregs){ ep, k_msginfo_new(9, 0, mode == 1, mode == 2 ? 5 : 1),
                              { 0x100 + k, 0x61, 0x62, 0x63 } };
        sys_raw(SYS_REPLY_RECV, &r);
    }
}

/* Calls of length 1 (fast path), length 1 with an extra cap and length 5 (general
 * path), and the server's replies of the same three shapes: on both sides, message
 * registers past the length keep the values they had, whichever path ran (the
 * receiver's a3..a5 for length 1, its buffer's msg[5] for length 5). Catches: the fast
 * path's copy_message() copying a2..a5 always (the bug that hung sel4bench), the general
 * path copying more than the length. */
TEST(conf_fast_and_slow_paths_copy_only_the_length)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT), b = mint(ep, K_CAP_RIGHTS_ALL, 0x77);
    reg_server_ntfn = obj(ut, K_NOTIFICATION_OBJECT);
    struct k_ipc_buffer *me = k_ipc_buffer();
    struct ct srv;
    shared_clear();
    CHECK(ct_new(&srv, ut, CT_BUF_RW, 0, "conf-reg-server"));
    CHECK(ct_run(&srv, c_reg_server, ep, 0, (k_word_t)srv.ipc, PRIO));
    k_yield();                                           /* it waits */
    for (k_word_t mode = 0; mode < 3; mode++) {
        for (unsigned i = 4; i < 8; i++) me->msg[i] = 0x7700 + i;
        me->msg[4] = 0x7474;
        me->caps_or_badges[0] = reg_server_ntfn;
        k_word_t len = mode == 2 ? 5 : 1;
        struct sysregs r = { b, k_msginfo_new(1, 0, mode == 1, len), { mode, 0x71, 0x72, 0x73 } };
        sys_raw(SYS_CALL, &r);
        /* Our side: the reply. */
        CHECK_EQ(r.a0, 0);
        CHECK_EQ(r.a1, k_msginfo_new(9, 0, 0, len));
        CHECK_EQ(r.m[0], 0x100 + mode);
        for (int i = 1; i < 4; i++) CHECK_EQ(r.m[i], mode == 2 ? 0x60 + i : 0x70 + i);
        CHECK_EQ(me->msg[4], mode == 2 ? 0x6464 : 0x7474);
        CHECK_EQ(me->msg[5], 0x7705);
        /* The server's side: what it received. */
        volatile k_word_t *o = &W(8 * mode);
        CHECK_EQ(o[0], 0x77);
        CHECK_EQ(o[1], k_msginfo_new(1, 0, 0, len));
        CHECK_EQ(o[2], mode);
        k_word_t before = mode == 0 ? 0x51 : 0x60;       /* its registers before (+ i) */
        for (k_word_t i = 1; i < 4; i++) CHECK_EQ(o[2 + i], mode == 2 ? 0x70 + i : before + i);
        CHECK_EQ(o[6], mode == 2 ? 0x7474 : mode == 0 ? 0x5504 : 0x6464);
        CHECK_EQ(o[7], 0x5505);
    }
    me->caps_or_badges[0] = 0;
    ct_free(&srv);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(b);
    tslot_free(reg_server_ntfn);
}

/* --- 7. extra caps that do not resolve ----------------------------------------------------- */

/* System call sysno on target with label 0x33 (CNode_Copy if target is our CNode),
 * MR0 = 0x99 and one extra cap, the cptr the root task put in our buffer; then
 * W(idx) = info, W(idx+1) = MR0, W(idx+2) = 1. */
static void c_xsend(k_word_t sysno, k_word_t target, k_word_t idx, k_cptr_t self)
{
    (void)self;
    k_word_t label = target == ROOT ? K_CNODE_COPY : 0x33;
    struct sysregs r = { target, k_msginfo_new(label, 0, 1, 1), { 0x99, 0, 0, 0 } };
    sys_raw((long)sysno, &r);
    W(idx) = r.a1;
    W(idx + 1) = r.m[0];
    W(idx + 2) = 1;
}

/* An extra cap that does not resolve (here: a guard mismatch in our CNode) gives a
 * blocking sender a CapFault (Addr = the bad cptr, InRecvPhase 0), for an endpoint, a
 * kernel object (CNode_Copy) and a notification (which stays unsignalled); the reply
 * resumes it and the send is retried. NBSend with a bad extra cap is dropped: no fault,
 * no message. Catches: extra caps looked up only for endpoints or only for
 * invocations, a lookup failure ignored, the `blocking` test dropped or inverted. */
TEST(conf_bad_extra_cap_faults_blocking_sends_only)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t fault = obj(ut, K_ENDPOINT_OBJECT), fep = mint(fault, K_CAP_RIGHTS_ALL, 0xf7);
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT), epb = mint(ep, K_CAP_RIGHTS_ALL, 0x37);
    k_cptr_t n = obj(ut, K_NOTIFICATION_OBJECT), nb = mint(n, K_CAP_RIGHTS_ALL, 0x8);
    const k_cptr_t bad = (1ul << 40) | 5;
    struct ct t, rcv;
    struct sysregs r;
    CHECK(ct_new(&t, ut, CT_BUF_RW, fep, "conf-xcap"));
    CHECK(ct_new(&rcv, ut, CT_BUF_RW, 0, "conf-xcap-rcv"));

    static const long sysno[3] = { SYS_CALL, SYS_CALL, SYS_SEND };
    const k_cptr_t target[3] = { epb, ROOT, nb };
    for (int k = 0; k < 3; k++) {
        shared_clear();
        t.ipc->caps_or_badges[0] = bad;
        CHECK(ct_run(&t, c_xsend, (k_word_t)sysno[k], target[k], 0, PRIO));
        CHECK(poll_recv(fault, &r));
        CHECK_EQ(r.a0, 0xf7);
        CHECK_EQ(k_msginfo_label(r.a1), K_FAULT_CAP);
        CHECK(in_image(r.m[K_CAP_FAULT_IP]));
        if (in_image(r.m[0])) CHECK_EQ(*(volatile uint32_t *)r.m[0], ECALL_INSN);
        CHECK_EQ(r.m[K_CAP_FAULT_ADDR], bad);
        CHECK_EQ(r.m[K_CAP_FAULT_IN_RECV_PHASE], 0);
        CHECK_EQ(r.m[K_CAP_FAULT_LOOKUP_FAILURE_TYPE], K_GUARD_MISMATCH);
        CHECK_EQ(k_poll(n), 0);                          /* nothing was signalled */
        CHECK_EQ(W(2), 0);
        if (k == 0) {
            /* Fix its cap and answer: the Call is issued again and reaches ep. */
            t.ipc->caps_or_badges[0] = n;
            k_reply(k_msginfo_new(0, 0, 0, 0), 0, 0, 0, 0);
            CHECK(poll_recv(ep, &r));
            CHECK_EQ(r.a0, 0x37);
            CHECK_EQ(k_msginfo_label(r.a1), 0x33);
            CHECK_EQ(r.m[0], 0x99);
            k_reply(k_msginfo_new(0, 0, 0, 1), 0x5a, 0, 0, 0);
            CHECK(YIELD_UNTIL(W(2) == 1, 10));
            CHECK_EQ(W(1), 0x5a);
        }
    }
    /* NBSend to a waiting receiver, and to a notification: dropped, the sender goes on. */
    shared_clear();
    CHECK(ct_run(&rcv, c_recv, ep, 8, 0, PRIO));
    k_yield();                                           /* it waits on ep */
    t.ipc->caps_or_badges[0] = bad;
    CHECK(ct_run(&t, c_xsend, (k_word_t)SYS_NB_SEND, epb, 0, PRIO));
    CHECK(YIELD_UNTIL(W(2) == 1, 10));
    CHECK(!poll_recv(fault, &r));
    CHECK_EQ(W(8 + 6), 0);                               /* the receiver got nothing */
    CHECK(ct_run(&t, c_xsend, (k_word_t)SYS_NB_SEND, nb, 4, PRIO));
    CHECK(YIELD_UNTIL(W(6) == 1, 10));
    CHECK(!poll_recv(fault, &r));
    CHECK_EQ(k_poll(n), 0);
    /* The same NBSend with a good extra cap does arrive (so the drop above is the cap's). */
    t.ipc->caps_or_badges[0] = n;
    CHECK(ct_run(&t, c_xsend, (k_word_t)SYS_NB_SEND, epb, 0, PRIO));
    CHECK(YIELD_UNTIL(W(8 + 6) == 1, 10));
    CHECK_EQ(W(8 + 2), 0x99);
    ct_free(&t);
    ct_free(&rcv);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { fault, fep, ep, epb, n, nb };
    for (unsigned i = 0; i < 6; i++) tslot_free(all[i]);
}

/* --- 8. empty replies; invocations sent with Send answer nothing --------------------------- */

/* A Call on a notification or on a reply cap completes at once with seL4's empty
 * reply: badge 0, message info 0, MR0..3 untouched. Catches: empty_reply() dropped
 * (a0/a1 keep the cptr and info) or writing the message registers. */
TEST(conf_call_on_notification_or_reply_cap_gets_empty_reply)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t n = obj(ut, K_NOTIFICATION_OBJECT), nb = mint(n, K_CAP_RIGHTS_ALL, 0x30);
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT), epb = mint(ep, K_CAP_RIGHTS_ALL, 0x31);
    struct sysregs r = { nb, k_msginfo_new(5, 0, 0, 2), { 1, 2, 3, 4 } };
    sys_raw(SYS_CALL, &r);
    CHECK_EQ(r.a0, 0);
    CHECK_EQ(r.a1, 0);
    for (int i = 0; i < 4; i++) CHECK_EQ(r.m[i], 1 + i);
    CHECK_EQ(k_poll(n), 0x30);                            /* and it was signalled */

    struct ct t;
    shared_clear();
    CHECK(ct_new(&t, ut, CT_BUF_RW, 0, "conf-empty-reply"));
    CHECK(ct_run(&t, c_call, epb, 5, 0, PRIO));
    CHECK(poll_recv(ep, &r));
    k_cptr_t saved = tslot_alloc();
    CHECK_EQ(k_cnode_save_caller(ROOT, saved, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(saved), 8);
    r = (struct sysregs){ saved, k_msginfo_new(3, 0, 0, 1), { 77, 0xa, 0xb, 0xc } };
    sys_raw(SYS_CALL, &r);
    CHECK_EQ(r.a0, 0);
    CHECK_EQ(r.a1, 0);
    CHECK_EQ(r.m[0], 77);
    CHECK_EQ(r.m[1], 0xa);
    CHECK_EQ(r.m[2], 0xb);
    CHECK_EQ(r.m[3], 0xc);
    CHECK(YIELD_UNTIL(W(2) == 1, 10));                    /* the caller got the reply */
    CHECK_EQ(W(0), 77);
    CHECK_EQ(W(1), k_msginfo_new(3, 0, 0, 1));
    CHECK_EQ(k_debug_cap_identify(saved), 0);
    ct_free(&t);
    tslot_free(saved);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { n, nb, ep, epb };
    for (unsigned i = 0; i < 4; i++) tslot_free(all[i]);
}

/* An invocation sent with Send (not Call) has no reply: RISCV_Page_GetAddress and
 * TCB_ReadRegisters (a success, and an error) leave a0..a5 and the IPC buffer as they
 * were; the same GetAddress with Call does answer. Catches: inv_set_mr() writing
 * results for a Send (its is_call test dropped). */
TEST(conf_invocation_sent_with_send_writes_no_result)
{
    k_cptr_t ut = untyped_at_least(20);
    struct k_ipc_buffer *me = k_ipc_buffer();
    const k_cptr_t frame = K_CAP_INIT_THREAD_IPC_BUFFER;
    const k_word_t info = k_msginfo_new(K_RISCV_PAGE_GET_ADDRESS, 0, 0, 0);
    struct sysregs r = { frame, info, { 0x11, 0x12, 0x13, 0x14 } };
    sys_raw(SYS_SEND, &r);
    CHECK_EQ(r.a0, frame);
    CHECK_EQ(r.a1, info);
    for (int i = 0; i < 4; i++) CHECK_EQ(r.m[i], 0x11 + i);
    k_word_t paddr = 0;
    CHECK_EQ(k_riscv_page_get_address(frame, &paddr), K_NO_ERROR);
    CHECK(paddr != 0 && paddr != 0x11);

    struct ct t;
    CHECK(ct_new(&t, ut, CT_BUF_RW, 0, "conf-send-inv"));
    struct k_user_context c;
    ct_regs(&t, &c, c_send, 1, 2, 3);
    CHECK_EQ(k_tcb_write_registers(t.tcb, false, 0, K_USER_CONTEXT_WORDS, &c), K_NO_ERROR);
    const k_cptr_t tcbs[2] = { t.tcb, K_CAP_INIT_THREAD_TCB };   /* success; error (self) */
    for (int k = 0; k < 2; k++) {
        fill(me, 0xdd00);
        const k_word_t ri = k_msginfo_new(K_TCB_READ_REGISTERS, 0, 0, 2);
        r = (struct sysregs){ tcbs[k], ri, { 0, 8, 0x23, 0x24 } };
        sys_raw(SYS_SEND, &r);
        CHECK_EQ(r.a0, tcbs[k]);
        CHECK_EQ(r.a1, ri);
        CHECK_EQ(r.m[0], 0);
        CHECK_EQ(r.m[1], 8);
        CHECK_EQ(r.m[2], 0x23);
        CHECK_EQ(r.m[3], 0x24);
        CHECK(filled(me, 0xdd00));
    }
    ct_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

/* --- 9. capabilities over IPC ----------------------------------------------------------- */

/* Send label 3 with one extra cap, cptr cap, from our buffer at ipc. */
static void c_send_cap(k_word_t ep, k_word_t cap, k_word_t ipc, k_cptr_t self)
{
    (void)self;
    ((struct k_ipc_buffer *)ipc)->caps_or_badges[0] = cap;
    k_send(ep, k_msginfo_new(3, 0, 1, 1), 42, 0, 0, 0);
}

/* A cap received with Grant is a child of the sender's cap in the derivation tree:
 * revoking the source empties the receiver's slot. Catches: cap transfer inserting the
 * copy as a new root (cdt_insert_new) or as a sibling. */
TEST(conf_cap_received_over_ipc_is_revoked_with_its_source)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT), epb = mint(ep, K_CAP_RIGHTS_ALL, 0x39);
    k_cptr_t n = obj(ut, K_NOTIFICATION_OBJECT), dest = tslot_alloc();
    struct k_ipc_buffer *me = k_ipc_buffer();
    struct ct t;
    struct sysregs r;
    CHECK(ct_new(&t, ut, CT_BUF_RW, 0, "conf-cap-child"));
    me->receive_cnode = ROOT; me->receive_index = dest; me->receive_depth = ROOT_DEPTH;
    CHECK(ct_run(&t, c_send_cap, epb, n, (k_word_t)t.ipc, PRIO));
    CHECK(poll_recv(ep, &r));
    me->receive_cnode = me->receive_index = me->receive_depth = 0;
    CHECK_EQ(k_msginfo_extra_caps(r.a1), 1);
    CHECK(k_debug_cap_identify(dest) != 0);
    CHECK_EQ(k_debug_cap_identify(dest), k_debug_cap_identify(n));
    CHECK_EQ(k_cnode_revoke(ROOT, n, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(dest), 0);
    CHECK(k_debug_cap_identify(n) != 0);                  /* the source itself stays */
    ct_free(&t);
    tslot_free(dest);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(epb);
    tslot_free(n);
}

/* Call epb with receive slot dest (ours, in our buffer at ipc) set: W(idx) = reply
 * info, W(idx+1) = 1. */
static void c_call_receiving(k_word_t epb, k_word_t dest, k_word_t idx, k_cptr_t self)
{
    (void)self;
    struct k_ipc_buffer *b = &ct_areas[W(idx + 2)].ipc;
    b->receive_cnode = ROOT;
    b->receive_index = dest;
    b->receive_depth = ROOT_DEPTH;
    k_word_t info = k_call(epb, k_msginfo_new(1, 0, 0, 0), 0, 0, 0, 0);
    W(idx) = info;
    W(idx + 1) = 1;
}

/* The reply to a Call carries caps only if the receiver's cap (the one it received the
 * Call through) had Grant (sel4test IPCRIGHTS0005). Catches: the reply cap's grant
 * taken from the caller's cap or always true. */
TEST(conf_reply_carries_caps_only_if_receiver_had_grant)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT), epb = mint(ep, K_CAP_RIGHTS_ALL, 0x3a);
    k_cptr_t nogrant = mint(ep, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE | K_CAP_RIGHT_GRANT_REPLY, 0);
    k_cptr_t n = obj(ut, K_NOTIFICATION_OBJECT), dest = tslot_alloc();
    struct k_ipc_buffer *me = k_ipc_buffer();
    struct ct t;
    struct sysregs r;
    CHECK(ct_new(&t, ut, CT_BUF_RW, 0, "conf-reply-grant"));
    for (int k = 0; k < 3; k++) {
        /* k = 0: we receive through the cap without Grant after the caller blocked;
         * k = 1: the same, we wait first (the caller may take the fast path);
         * k = 2: through the cap with Grant. */
        k_cptr_t via = k < 2 ? nogrant : ep;
        shared_clear();
        W(2) = (k_word_t)(t.area - 1);
        CHECK(ct_run(&t, c_call_receiving, epb, dest, 0, PRIO));
        if (k == 1) {
            k_word_t badge = 0;
            k_recv(via, &badge, 0, 0, 0, 0);
            CHECK_EQ(badge, 0x3a);
        } else {
            CHECK(poll_recv(via, &r));
            CHECK_EQ(r.a0, 0x3a);
        }
        me->caps_or_badges[0] = n;
        k_reply(k_msginfo_new(0, 0, 1, 0), 0, 0, 0, 0);
        me->caps_or_badges[0] = 0;
        CHECK(YIELD_UNTIL(W(1) == 1, 10));
        CHECK_EQ(k_msginfo_extra_caps(W(0)), k == 2);
        CHECK_EQ(k_debug_cap_identify(dest), k == 2 ? k_debug_cap_identify(n) : 0);
    }
    ct_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { ep, epb, nogrant, n, dest };
    for (unsigned i = 0; i < 5; i++) tslot_free(all[i]);
}

/* --- 11. deleting an endpoint with waiters ------------------------------------------------- */

/* Call cap with label 1: W(idx) = reply info, W(idx+1) = MR0, W(idx+2) = 1. */
static void c_call_info(k_word_t cap, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    struct sysregs r = { cap, k_msginfo_new(1, 0, 0, 1), { 0x42, 0, 0, 0 } };
    sys_raw(SYS_CALL, &r);
    W(idx) = r.a1;
    W(idx + 1) = r.m[0];
    W(idx + 2) = 1;
}

/* Every waiter restarts its system call and finds an empty slot. As in seL4
 * (handleRecv; handleInvocation on a null cap): the receiver takes a CapFault to its
 * handler (Addr = its cptr, InRecvPhase 1, MissingCapability, 0 bits left); a caller's
 * Call becomes an invocation of a null cap and gets InvalidCapability (no fault); a
 * plain sender goes on (no fault, no message). Catches: waiters left blocked, or resumed
 * after their ecall as if served, or failed without a restart. */
TEST(conf_deleting_endpoint_restarts_its_waiters)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t fault = obj(ut, K_ENDPOINT_OBJECT), fep = mint(fault, K_CAP_RIGHTS_ALL, 0xfd);
    k_cptr_t er = obj(ut, K_ENDPOINT_OBJECT), es = obj(ut, K_ENDPOINT_OBJECT);
    struct ct rcv, caller, sender;
    struct sysregs r;
    shared_clear();
    CHECK(ct_new(&rcv, ut, CT_BUF_RW, fep, "conf-del-rcv"));
    CHECK(ct_new(&caller, ut, CT_BUF_RW, fep, "conf-del-caller"));
    CHECK(ct_new(&sender, ut, CT_BUF_RW, fep, "conf-del-sender"));
    CHECK(ct_run(&rcv, c_recv, er, 0, 0, PRIO));
    CHECK(ct_run(&caller, c_call_info, es, 8, 0, PRIO));
    CHECK(ct_run(&sender, c_send, es, 5, 12, PRIO));
    yield_n(2);                                      /* all three block */
    CHECK_EQ(W(6) + W(10) + W(12), 0);
    CHECK_EQ(k_cnode_delete(ROOT, er, ROOT_DEPTH), K_NO_ERROR);
    CHECK(poll_recv(fault, &r));
    CHECK_EQ(r.a0, 0xfd);
    CHECK_EQ(k_msginfo_label(r.a1), K_FAULT_CAP);
    CHECK(in_image(r.m[K_CAP_FAULT_IP]));
    if (in_image(r.m[0])) CHECK_EQ(*(volatile uint32_t *)r.m[0], ECALL_INSN);
    CHECK_EQ(r.m[K_CAP_FAULT_ADDR], er);
    CHECK_EQ(r.m[K_CAP_FAULT_IN_RECV_PHASE], 1);
    CHECK_EQ(r.m[K_CAP_FAULT_LOOKUP_FAILURE_TYPE], K_MISSING_CAPABILITY);
    CHECK_EQ(k_ipc_buffer()->msg[K_CAP_FAULT_BITS_LEFT], 0);
    CHECK_EQ(W(6), 0);
    CHECK_EQ(k_cnode_delete(ROOT, es, ROOT_DEPTH), K_NO_ERROR);
    CHECK(YIELD_UNTIL(W(10) == 1 && W(12) == 1, 10));
    CHECK_EQ(W(8), k_msginfo_new(K_INVALID_CAPABILITY, 0, 0, 1));
    CHECK_EQ(W(9), 0);                               /* the invoked cap was the bad one */
    CHECK(!poll_recv(fault, &r));                    /* the senders did not fault */
    ct_free(&rcv);
    ct_free(&caller);
    ct_free(&sender);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { fault, fep, er, es };
    for (unsigned i = 0; i < 4; i++) tslot_free(all[i]);
}

/* A thread blocked sending a fault to an endpoint that is deleted runs its faulting
 * instruction again, faults again, finds no fault endpoint, and is reported (the
 * console line that ktest.expect counts) and stopped on that instruction. Catches:
 * such a sender suspended without the retry (no report), or retried as a system call. */
TEST(conf_deleting_fault_endpoint_refaults_its_sender)
{
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT), fep = mint(ep, K_CAP_RIGHTS_ALL, 0xfe);
    const k_word_t addr = SCRATCH_VA + 0x333000;
    struct ct t;
    CHECK(ct_new(&t, ut, CT_BUF_RW, fep, "xf-conf-ep-gone"));
    CHECK(ct_run(&t, c_addi_then_load, addr, 0, 0, PRIO));
    k_yield();                                       /* blocked sending its fault */
    struct k_user_context c = read_regs(&t);
    k_word_t pc = c.pc;
    CHECK(in_image(pc));
    CHECK_EQ(k_cnode_revoke(ROOT, ep, ROOT_DEPTH), K_NO_ERROR);   /* fep */
    CHECK_EQ(k_cnode_delete(ROOT, ep, ROOT_DEPTH), K_NO_ERROR);
    yield_n(3);
    c = read_regs(&t);
    CHECK_EQ(c.pc, pc);
    CHECK_EQ(c.a0, 1);

    /* Seen from inside: the same, but a new endpoint takes the fault endpoint's slot
     * before the thread runs again, so its second fault arrives there. */
    k_cptr_t ep2 = obj(ut, K_ENDPOINT_OBJECT), ep3 = obj(ut, K_ENDPOINT_OBJECT);
    CHECK_EQ(k_cnode_mint(ROOT, fep, ROOT_DEPTH, ROOT, ep2, ROOT_DEPTH, K_CAP_RIGHTS_ALL, 0xfe), K_NO_ERROR);
    /* The thread runs below us, so a timer tick between the delete and the mint cannot
     * let it fault in between (on a loaded host the three calls may outlast our time
     * slice): step down under it for a moment to let it block sending its fault. */
    CHECK(ct_run(&t, c_addi_then_load, addr, 0, 0, PRIO - 1));
    CHECK_EQ(k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, PRIO - 2), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, PRIO), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, ep2, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_delete(ROOT, ep2, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_mint(ROOT, fep, ROOT_DEPTH, ROOT, ep3, ROOT_DEPTH, K_CAP_RIGHTS_ALL, 0xff), K_NO_ERROR);
    struct sysregs r = { 0 };
    /* Blocking: the thread (below us) runs only while we wait. */
    r.a1 = k_recv(ep3, &r.a0, &r.m[0], &r.m[1], &r.m[2], &r.m[3]);
    CHECK_EQ(r.a0, 0xff);
    CHECK_EQ(k_msginfo_label(r.a1), K_FAULT_VM);
    CHECK_EQ(r.m[K_VM_FAULT_IP], pc);
    CHECK_EQ(r.m[K_VM_FAULT_ADDR], addr);
    c = read_regs(&t);
    CHECK_EQ(c.a0, 1);
    ct_free(&t);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t all[] = { ep, fep, ep2, ep3 };
    for (unsigned i = 0; i < 4; i++) tslot_free(all[i]);
}

/* --- 12. scheduling decisions ----------------------------------------------------------- */

/* Record our place in the run order: W(idx) = ++W(SEQ). */
static void c_mark(k_word_t idx, k_word_t u1, k_word_t u2, k_cptr_t self)
{
    (void)u1; (void)u2; (void)self;
    W(idx) = ++W(SEQ);
}

/* Receive one Call on ep, record W(idx) = ++W(SEQ), reply (label 9), wait again. */
static void c_mark_server(k_word_t ep, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    k_word_t m0 = 0;
    k_recv(ep, 0, &m0, 0, 0, 0);
    W(idx) = ++W(SEQ);
    k_reply_recv(ep, k_msginfo_new(9, 0, 0, 1), 0, &m0, 0, 0, 0);
}

/* A Call from us to a server of our priority that waits: the server runs next, ahead
 * of a thread of that priority already ready, and its reply brings us back ahead of
 * that thread too; the same whether the fast path (length 1) or the general path
 * (length 5, or an extra cap) carries it. Catches: the general path queueing the
 * woken receiver (possible_switch_to/decide appending it behind the ready thread),
 * which the fast path does not do. */
static void direct_switch_scenario(k_cptr_t ut)
{
    k_cptr_t ep = obj(ut, K_ENDPOINT_OBJECT), n = obj(ut, K_NOTIFICATION_OBJECT);
    struct k_ipc_buffer *me = k_ipc_buffer();
    for (int shape = 0; shape < 3; shape++) {
        struct ct srv, other;
        shared_clear();
        CHECK(ct_new(&srv, ut, CT_BUF_RW, 0, "conf-direct-srv"));
        CHECK(ct_new(&other, ut, CT_BUF_RW, 0, "conf-direct-other"));
        CHECK(ct_run(&srv, c_mark_server, ep, 0, 0, PRIO));
        k_yield();                                   /* the server waits */
        CHECK(ct_run(&other, c_mark, 1, 0, 0, PRIO));   /* ready, not run yet */
        me->caps_or_badges[0] = n;
        k_word_t m0 = 1;
        k_word_t info = k_call(ep, k_msginfo_new(1, 0, shape == 2, shape == 1 ? 5 : 1), &m0, 0, 0, 0);
        me->caps_or_badges[0] = 0;
        W(2) = ++W(SEQ);                             /* we are back */
        CHECK_EQ(k_msginfo_label(info), 9);
        yield_n(2);
        OCHECK_EQ(W(0), 1);                          /* server first */
        OCHECK_EQ(W(2), 2);                          /* then us */
        OCHECK_EQ(W(1), 3);                          /* then the ready thread */
        ct_free(&srv);
        ct_free(&other);
    }
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(ep);
    tslot_free(n);
}

TEST(conf_slow_path_call_switches_to_server_directly)
{
    order_retry(direct_switch_scenario, untyped_at_least(20));
}

/* Resume queues a thread at the head of its priority's queue (seL4's restart ->
 * tcbSchedEnqueue): of two threads of our priority resumed in a row, the second runs
 * first when we yield. Catches: sched_restart() appending at the tail. */
static void resume_head_scenario(k_cptr_t ut)
{
    struct ct a, b;
    shared_clear();
    CHECK(ct_new(&a, ut, CT_BUF_RW, 0, "conf-resume-a"));
    CHECK(ct_new(&b, ut, CT_BUF_RW, 0, "conf-resume-b"));
    struct k_user_context c;
    ct_regs(&a, &c, c_mark, 0, 0, 0);
    CHECK_EQ(k_tcb_write_registers(a.tcb, false, 0, K_USER_CONTEXT_WORDS, &c), K_NO_ERROR);
    ct_regs(&b, &c, c_mark, 1, 0, 0);
    CHECK_EQ(k_tcb_write_registers(b.tcb, false, 0, K_USER_CONTEXT_WORDS, &c), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_priority(a.tcb, K_CAP_INIT_THREAD_TCB, PRIO), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_priority(b.tcb, K_CAP_INIT_THREAD_TCB, PRIO), K_NO_ERROR);
    CHECK_EQ(k_tcb_resume(a.tcb), K_NO_ERROR);
    CHECK_EQ(k_tcb_resume(b.tcb), K_NO_ERROR);
    OCHECK_EQ(W(SEQ), 0);                            /* neither ran yet: we keep the CPU */
    k_yield();
    OCHECK_EQ(W(1), 1);                              /* b first */
    OCHECK_EQ(W(0), 2);
    ct_free(&a);
    ct_free(&b);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

TEST(conf_resume_queues_at_the_head)
{
    order_retry(resume_head_scenario, untyped_at_least(20));
}

/* Record W(idx) = ++W(SEQ), signal ntfn, record W(idx+1) = ++W(SEQ). */
static void c_mark_signal_mark(k_word_t idx, k_word_t ntfn, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    W(idx) = ++W(SEQ);
    k_signal(ntfn);
    W(idx + 1) = ++W(SEQ);
}

/* Wait on ntfn, then W(idx) = ++W(SEQ). */
static void c_wait_mark(k_word_t ntfn, k_word_t idx, k_word_t unused, k_cptr_t self)
{
    (void)unused; (void)self;
    k_wait(ntfn);
    W(idx) = ++W(SEQ);
}

/* A thread that wakes a higher-priority thread is preempted but keeps its place at the
 * head of its queue: it goes on before another thread of its priority that was ready.
 * Catches: the preempted thread queued at the tail (decide()'s rq_push(prev, true)). */
static void preempted_scenario(k_cptr_t ut)
{
    k_cptr_t n = obj(ut, K_NOTIFICATION_OBJECT);
    struct ct hi, p, q;
    shared_clear();
    CHECK(ct_new(&hi, ut, CT_BUF_RW, 0, "conf-preempt-hi"));
    CHECK(ct_new(&p, ut, CT_BUF_RW, 0, "conf-preempt-p"));
    CHECK(ct_new(&q, ut, CT_BUF_RW, 0, "conf-preempt-q"));
    CHECK(ct_run(&hi, c_wait_mark, n, 2, 0, 200));
    CHECK(ct_run(&q, c_mark, 3, 0, 0, 100));
    CHECK(ct_run(&p, c_mark_signal_mark, 0, n, 0, 100));   /* resumed last: at the head */
    /* Step aside: all of them run (hi first, it waits), then we come back. */
    CHECK_EQ(k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, 10), K_NO_ERROR);
    CHECK_EQ(k_tcb_set_priority(K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_TCB, 255), K_NO_ERROR);
    OCHECK_EQ(W(0), 1);                              /* p runs, signals */
    OCHECK_EQ(W(2), 2);                              /* hi preempts it */
    OCHECK_EQ(W(1), 3);                              /* p goes on: it kept its place */
    OCHECK_EQ(W(3), 4);                              /* q last */
    ct_free(&hi);
    ct_free(&p);
    ct_free(&q);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    tslot_free(n);
}

TEST(conf_preempted_thread_keeps_its_place)
{
    order_retry(preempted_scenario, untyped_at_least(20));
}
