/* The ABI headers on the build machine: every layout number, the message-info and
 * CNode-data words, the label numbers, and the message each typed wrapper builds, all
 * checked against values written out here a second time, from seL4 13.0.0's manual
 * and interface files (see /work/shared/sel4-abi.md), not computed from the headers.
 *
 * The wrappers call k_call(); on a machine other than RISC-V, k/syscall.h only
 * declares it, and this file defines it to record the message and hand back a reply. */
#define K_WANT_INVOCATION_SHAPES
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <k/abi.h>
#include <k/syscall.h>
#include <k/invocation.h>
#include <k/invocations_gen.h>

static int failures;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                          \
        }                                                                        \
    } while (0)

#define CHECK_EQ(what, got, want)                                                \
    do {                                                                         \
        unsigned long long g_ = (got), w_ = (want);                              \
        if (g_ != w_) {                                                          \
            printf("FAIL %s:%d: %s: got 0x%llx, want 0x%llx\n", __FILE__, __LINE__, \
                   (what), g_, w_);                                              \
            failures++;                                                          \
        }                                                                        \
    } while (0)

/* ---- layouts: the offsets again, as plain numbers ---- */

_Static_assert(sizeof(k_word_t) == 8, "word");
_Static_assert(offsetof(struct k_ipc_buffer, tag) == 0, "tag");
_Static_assert(offsetof(struct k_ipc_buffer, msg) == 8, "msg");
_Static_assert(offsetof(struct k_ipc_buffer, msg[4]) == 40, "msg[4]");
_Static_assert(offsetof(struct k_ipc_buffer, user_data) == 968, "userData");
_Static_assert(offsetof(struct k_ipc_buffer, caps_or_badges) == 976, "caps_or_badges");
_Static_assert(offsetof(struct k_ipc_buffer, receive_cnode) == 1000, "receiveCNode");
_Static_assert(offsetof(struct k_ipc_buffer, receive_index) == 1008, "receiveIndex");
_Static_assert(offsetof(struct k_ipc_buffer, receive_depth) == 1016, "receiveDepth");
_Static_assert(sizeof(struct k_ipc_buffer) == 1024, "IPC buffer size");

_Static_assert(offsetof(struct k_bootinfo, extra_len) == 0, "extraLen");
_Static_assert(offsetof(struct k_bootinfo, node_id) == 8, "nodeID");
_Static_assert(offsetof(struct k_bootinfo, num_nodes) == 16, "numNodes");
_Static_assert(offsetof(struct k_bootinfo, num_io_pt_levels) == 24, "numIOPTLevels");
_Static_assert(offsetof(struct k_bootinfo, ipc_buffer) == 32, "ipcBuffer");
_Static_assert(offsetof(struct k_bootinfo, empty) == 40, "empty");
_Static_assert(offsetof(struct k_bootinfo, empty.end) == 48, "empty.end");
_Static_assert(offsetof(struct k_bootinfo, shared_frames) == 56, "sharedFrames");
_Static_assert(offsetof(struct k_bootinfo, user_image_frames) == 72, "userImageFrames");
_Static_assert(offsetof(struct k_bootinfo, user_image_paging) == 88, "userImagePaging");
_Static_assert(offsetof(struct k_bootinfo, io_space_caps) == 104, "ioSpaceCaps");
_Static_assert(offsetof(struct k_bootinfo, extra_bi_pages) == 120, "extraBIPages");
_Static_assert(offsetof(struct k_bootinfo, init_thread_cnode_size_bits) == 136, "cnode bits");
_Static_assert(offsetof(struct k_bootinfo, init_thread_domain) == 144, "domain");
_Static_assert(offsetof(struct k_bootinfo, untyped) == 152, "untyped");
_Static_assert(offsetof(struct k_bootinfo, untyped_list) == 168, "untypedList");
_Static_assert(offsetof(struct k_bootinfo, untyped_list[1]) == 184, "untypedList[1]");
_Static_assert(offsetof(struct k_bootinfo, untyped_list[229].is_device) == 168 + 229 * 16 + 9,
               "last isDevice");
_Static_assert(sizeof(struct k_bootinfo) == 3848, "boot info size");
_Static_assert(offsetof(struct k_untyped_desc, size_bits) == 8, "sizeBits");
_Static_assert(offsetof(struct k_untyped_desc, is_device) == 9, "isDevice");
_Static_assert(sizeof(struct k_untyped_desc) == 16, "untyped desc");
_Static_assert(sizeof(struct k_bootinfo_header) == 16, "bootinfo header");
_Static_assert(offsetof(struct k_bootinfo_header, len) == 8, "header len");

_Static_assert(sizeof(struct k_user_context) == 256, "user context");
_Static_assert(offsetof(struct k_user_context, pc) == 0 * 8, "pc");
_Static_assert(offsetof(struct k_user_context, ra) == 1 * 8, "ra");
_Static_assert(offsetof(struct k_user_context, sp) == 2 * 8, "sp");
_Static_assert(offsetof(struct k_user_context, gp) == 3 * 8, "gp");
_Static_assert(offsetof(struct k_user_context, s0) == 4 * 8, "s0");
_Static_assert(offsetof(struct k_user_context, s11) == 15 * 8, "s11");
_Static_assert(offsetof(struct k_user_context, a0) == 16 * 8, "a0");
_Static_assert(offsetof(struct k_user_context, a7) == 23 * 8, "a7");
_Static_assert(offsetof(struct k_user_context, t0) == 24 * 8, "t0");
_Static_assert(offsetof(struct k_user_context, t6) == 30 * 8, "t6");
_Static_assert(offsetof(struct k_user_context, tp) == 31 * 8, "tp");

/* ---- constants ---- */

static void test_constants(void)
{
    static const int errors[] = { K_NO_ERROR, K_INVALID_ARGUMENT, K_INVALID_CAPABILITY,
                                  K_ILLEGAL_OPERATION, K_RANGE_ERROR, K_ALIGNMENT_ERROR,
                                  K_FAILED_LOOKUP, K_TRUNCATED_MESSAGE, K_DELETE_FIRST,
                                  K_REVOKE_FIRST, K_NOT_ENOUGH_MEMORY, K_NUM_ERRORS };
    for (int i = 0; i < (int)(sizeof errors / sizeof errors[0]); i++) CHECK_EQ("error", errors[i], i);

    static const int types[] = { K_UNTYPED_OBJECT, K_TCB_OBJECT, K_ENDPOINT_OBJECT,
                                 K_NOTIFICATION_OBJECT, K_CAPTABLE_OBJECT,
                                 K_RISCV_GIGA_PAGE_OBJECT, K_RISCV_4K_PAGE_OBJECT,
                                 K_RISCV_MEGA_PAGE_OBJECT, K_RISCV_PAGE_TABLE_OBJECT,
                                 K_OBJECT_TYPE_COUNT };
    for (int i = 0; i < (int)(sizeof types / sizeof types[0]); i++) CHECK_EQ("object type", types[i], i);

    static const int slots[] = { K_CAP_NULL, K_CAP_INIT_THREAD_TCB, K_CAP_INIT_THREAD_CNODE,
                                 K_CAP_INIT_THREAD_VSPACE, K_CAP_IRQ_CONTROL,
                                 K_CAP_ASID_CONTROL, K_CAP_INIT_THREAD_ASID_POOL,
                                 K_CAP_IO_PORT_CONTROL, K_CAP_IO_SPACE,
                                 K_CAP_BOOT_INFO_FRAME, K_CAP_INIT_THREAD_IPC_BUFFER,
                                 K_CAP_DOMAIN, K_CAP_SMMU_SID_CONTROL, K_CAP_SMMU_CB_CONTROL,
                                 K_CAP_INIT_THREAD_SC, K_CAP_SMC, K_NUM_INITIAL_CAPS };
    for (int i = 0; i < (int)(sizeof slots / sizeof slots[0]); i++) CHECK_EQ("initial slot", slots[i], i);

    CHECK_EQ("TCB bits", K_TCB_BITS, 11);
    CHECK_EQ("endpoint bits", K_ENDPOINT_BITS, 4);
    CHECK_EQ("notification bits", K_NOTIFICATION_BITS, 5);
    CHECK_EQ("slot bits", K_SLOT_BITS, 5);
    CHECK_EQ("page bits", K_PAGE_BITS, 12);
    CHECK_EQ("large page bits", K_LARGE_PAGE_BITS, 21);
    CHECK_EQ("huge page bits", K_HUGE_PAGE_BITS, 30);
    CHECK_EQ("page table bits", K_PAGE_TABLE_BITS, 12);
    CHECK_EQ("ASID pool bits", K_ASID_POOL_BITS, 12);
    CHECK_EQ("min untyped", K_MIN_UNTYPED_BITS, 4);
    CHECK_EQ("max untyped", K_MAX_UNTYPED_BITS, 38);
    CHECK_EQ("IPC buffer bits", K_IPC_BUFFER_BITS, 10);
    CHECK_EQ("user top", K_USER_TOP, 0x3ffffff000ull);

    CHECK_EQ("write", K_CAP_RIGHT_WRITE, 1);
    CHECK_EQ("read", K_CAP_RIGHT_READ, 2);
    CHECK_EQ("grant", K_CAP_RIGHT_GRANT, 4);
    CHECK_EQ("grant reply", K_CAP_RIGHT_GRANT_REPLY, 8);
    CHECK_EQ("all rights", K_CAP_RIGHTS_ALL, 15);
    CHECK_EQ("execute never", K_RISCV_EXECUTE_NEVER, 1);
    CHECK_EQ("default attributes", K_RISCV_DEFAULT_VM_ATTRIBUTES, 0);
    CHECK_EQ("max length", K_MSG_MAX_LENGTH, 120);
    CHECK_EQ("max extra caps", K_MSG_MAX_EXTRA_CAPS, 3);
    CHECK_EQ("max untyped list", K_MAX_BOOTINFO_UNTYPED, 230);
    CHECK_EQ("padding chunk", K_BOOTINFO_HEADER_PADDING, 0);
    CHECK_EQ("FDT chunk", K_BOOTINFO_HEADER_FDT, 6);

    CHECK_EQ("null fault", K_FAULT_NULL, 0);
    CHECK_EQ("cap fault", K_FAULT_CAP, 1);
    CHECK_EQ("unknown syscall", K_FAULT_UNKNOWN_SYSCALL, 2);
    CHECK_EQ("user exception", K_FAULT_USER_EXCEPTION, 3);
    CHECK_EQ("VM fault", K_FAULT_VM, 5);
    CHECK_EQ("cap fault bits left", K_CAP_FAULT_BITS_LEFT, 4);
    CHECK_EQ("guard found", K_CAP_FAULT_GUARD_MISMATCH_GUARD_FOUND, 5);
    CHECK_EQ("guard bits found", K_CAP_FAULT_GUARD_MISMATCH_BITS_FOUND, 6);
    CHECK_EQ("unknown syscall number", K_UNKNOWN_SYSCALL_SYSCALL, 10);
    CHECK_EQ("unknown syscall length", K_UNKNOWN_SYSCALL_LENGTH, 11);
    CHECK_EQ("user exception code", K_USER_EXCEPTION_CODE, 3);
    CHECK_EQ("VM FSR", K_VM_FAULT_FSR, 3);
    CHECK_EQ("guard mismatch", K_GUARD_MISMATCH, 4);
}

/* ---- message info and CNode data words ---- */

static void test_words(void)
{
    const k_word_t max_label = (1ull << 52) - 1;
    k_word_t w = k_msginfo_new(max_label, 7, 3, 127);
    CHECK_EQ("all ones", w, ~0ull);
    CHECK_EQ("label", k_msginfo_label(w), max_label);
    CHECK_EQ("unwrapped", k_msginfo_caps_unwrapped(w), 7);
    CHECK_EQ("extra caps", k_msginfo_extra_caps(w), 3);
    CHECK_EQ("length", k_msginfo_length(w), 127);

    CHECK_EQ("zero", k_msginfo_new(0, 0, 0, 0), 0);
    CHECK_EQ("label only", k_msginfo_new(1, 0, 0, 0), 1ull << 12);
    CHECK_EQ("unwrapped only", k_msginfo_new(0, 1, 0, 0), 1ull << 9);
    CHECK_EQ("caps only", k_msginfo_new(0, 0, 1, 0), 1ull << 7);
    CHECK_EQ("length only", k_msginfo_new(0, 0, 0, 1), 1);
    CHECK_EQ("top label bit", k_msginfo_new(1ull << 51, 0, 0, 0), 1ull << 63);
    /* Too-wide fields are cut, never spill into their neighbours. */
    CHECK_EQ("wide length", k_msginfo_new(0, 0, 0, 128), 0);
    CHECK_EQ("wide caps", k_msginfo_new(0, 0, 4, 0), 0);
    CHECK_EQ("wide unwrapped", k_msginfo_new(0, 8, 0, 0), 0);
    CHECK_EQ("wide label", k_msginfo_new(1ull << 52, 0, 0, 0), 0);

    for (k_word_t len = 0; len <= K_MSG_MAX_LENGTH; len++) {
        for (k_word_t caps = 0; caps <= K_MSG_MAX_EXTRA_CAPS; caps++) {
            k_word_t label = (len * 0x9e3779b97f4a7c15ull) >> 12;
            k_word_t x = k_msginfo_new(label, caps, caps, len);
            CHECK(k_msginfo_label(x) == label && k_msginfo_extra_caps(x) == caps &&
                  k_msginfo_caps_unwrapped(x) == caps && k_msginfo_length(x) == len);
        }
    }

    CHECK_EQ("guard data", k_cnode_cap_data(0, 0), 0);
    CHECK_EQ("guard size", k_cnode_cap_data(0, 63), 63);
    CHECK_EQ("guard", k_cnode_cap_data(1, 0), 64);
    CHECK_EQ("guard 0x5 size 3", k_cnode_cap_data(5, 3), (5ull << 6) | 3);
    CHECK_EQ("max guard", k_cnode_cap_data((1ull << 58) - 1, 63), ~0ull);
    CHECK_EQ("wide guard size", k_cnode_cap_data(0, 64), 0);
}

/* ---- labels: 13.0.0's numbering (not master's) ---- */

/* Built twice (CMakeLists.txt): uniprocessor (CONFIG_MAX_NUM_NODES 1) and multicore,
 * where TCBSetAffinity exists and every later label is one higher, as in seL4. */
#define SMPL (CONFIG_MAX_NUM_NODES > 1)

static const struct { int value; int label; const char *name; } labels[] = {
    { K_UNTYPED_RETYPE, 1, "UntypedRetype" },
    { K_TCB_READ_REGISTERS, 2, "TCBReadRegisters" },
    { K_TCB_WRITE_REGISTERS, 3, "TCBWriteRegisters" },
    { K_TCB_COPY_REGISTERS, 4, "TCBCopyRegisters" },
    { K_TCB_CONFIGURE, 5, "TCBConfigure" },
    { K_TCB_SET_PRIORITY, 6, "TCBSetPriority" },
    { K_TCB_SET_MC_PRIORITY, 7, "TCBSetMCPriority" },
    { K_TCB_SET_SCHED_PARAMS, 8, "TCBSetSchedParams" },
    { K_TCB_SET_IPC_BUFFER, 9, "TCBSetIPCBuffer" },
    { K_TCB_SET_SPACE, 10, "TCBSetSpace" },
    { K_TCB_SUSPEND, 11, "TCBSuspend" },
    { K_TCB_RESUME, 12, "TCBResume" },
    { K_TCB_BIND_NOTIFICATION, 13, "TCBBindNotification" },
    { K_TCB_UNBIND_NOTIFICATION, 14, "TCBUnbindNotification" },
#if CONFIG_MAX_NUM_NODES > 1
    /* seL4 numbers TCBSetAffinity only in multicore builds, right here. */
    { K_TCB_SET_AFFINITY, 15, "TCBSetAffinity" },
#endif
    { K_TCB_SET_TLS_BASE, 15 + SMPL, "TCBSetTLSBase" },
    { K_CNODE_REVOKE, 16 + SMPL, "CNodeRevoke" },
    { K_CNODE_DELETE, 17 + SMPL, "CNodeDelete" },
    { K_CNODE_CANCEL_BADGED_SENDS, 18 + SMPL, "CNodeCancelBadgedSends" },
    { K_CNODE_COPY, 19 + SMPL, "CNodeCopy" },
    { K_CNODE_MINT, 20 + SMPL, "CNodeMint" },
    { K_CNODE_MOVE, 21 + SMPL, "CNodeMove" },
    { K_CNODE_MUTATE, 22 + SMPL, "CNodeMutate" },
    { K_CNODE_ROTATE, 23 + SMPL, "CNodeRotate" },
    { K_CNODE_SAVE_CALLER, 24 + SMPL, "CNodeSaveCaller" },
    { K_IRQ_ISSUE_IRQ_HANDLER, 25 + SMPL, "IRQIssueIRQHandler" },
    { K_IRQ_ACK_IRQ, 26 + SMPL, "IRQAckIRQ" },
    { K_IRQ_SET_IRQ_HANDLER, 27 + SMPL, "IRQSetIRQHandler" },
    { K_IRQ_CLEAR_IRQ_HANDLER, 28 + SMPL, "IRQClearIRQHandler" },
    { K_DOMAIN_SET_SET, 29 + SMPL, "DomainSetSet" },
    { K_RISCV_PAGE_TABLE_MAP, 30 + SMPL, "RISCVPageTableMap" },
    { K_RISCV_PAGE_TABLE_UNMAP, 31 + SMPL, "RISCVPageTableUnmap" },
    { K_RISCV_PAGE_MAP, 32 + SMPL, "RISCVPageMap" },
    { K_RISCV_PAGE_UNMAP, 33 + SMPL, "RISCVPageUnmap" },
    { K_RISCV_PAGE_GET_ADDRESS, 34 + SMPL, "RISCVPageGetAddress" },
    { K_RISCV_ASID_CONTROL_MAKE_POOL, 35 + SMPL, "RISCVASIDControlMakePool" },
    { K_RISCV_ASID_POOL_ASSIGN, 36 + SMPL, "RISCVASIDPoolAssign" },
    { K_RISCV_IRQ_ISSUE_IRQ_HANDLER_TRIGGER, 37 + SMPL, "RISCVIRQIssueIRQHandlerTrigger" },
    { K_AUDIT_SNAPSHOT, 38 + SMPL, "AuditSnapshot" },   /* ours, after seL4's (docs/abi.md) */
};

static void test_labels(void)
{
    CHECK_EQ("invalid", K_INVALID_INVOCATION, 0);
    CHECK_EQ("count", K_INVOCATION_COUNT, 39 + SMPL);
    CHECK_EQ("listed", sizeof labels / sizeof labels[0], 38 + SMPL);
    for (unsigned i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        CHECK_EQ(labels[i].name, labels[i].value, labels[i].label);
        const char *n = k_invocation_shapes[labels[i].label].name;
        if (!n || strcmp(n, labels[i].name) != 0) {
            printf("FAIL: shape %d is named %s, want %s\n", labels[i].label, n ? n : "(null)",
                   labels[i].name);
            failures++;
        }
    }
}

/* ---- the wrappers' messages ---- */

static struct k_ipc_buffer ipc;
struct k_ipc_buffer *__k_ipc_buffer = &ipc;

/* What the last k_call saw, and what it answers. */
static struct {
    int calls;
    k_cptr_t dest;
    k_word_t info;
    k_word_t mr[K_MSG_MAX_LENGTH];
    k_cptr_t caps[K_MSG_MAX_EXTRA_CAPS];
} seen;
static k_word_t reply_info;
static k_word_t reply_mr[K_MSG_MAX_LENGTH];

k_word_t k_call(k_cptr_t dest, k_word_t info, k_word_t *mr0, k_word_t *mr1, k_word_t *mr2,
                k_word_t *mr3)
{
    k_word_t *regs[4] = { mr0, mr1, mr2, mr3 };
    seen.calls++;
    seen.dest = dest;
    seen.info = info;
    for (k_word_t i = 0; i < K_MSG_MAX_LENGTH; i++)
        seen.mr[i] = i < 4 ? (regs[i] ? *regs[i] : 0) : ipc.msg[i];
    for (int i = 0; i < K_MSG_MAX_EXTRA_CAPS; i++) seen.caps[i] = ipc.caps_or_badges[i];
    for (k_word_t i = 0; i < K_MSG_MAX_LENGTH; i++) {
        if (i < 4) {
            if (regs[i]) *regs[i] = reply_mr[i];
        } else {
            ipc.msg[i] = reply_mr[i];
        }
    }
    return reply_info;
}

/* The other stubs, for k_signal/k_wait/k_poll. */
static struct { long n; k_cptr_t cap; k_word_t info; } last_ipc;

void k_send(k_cptr_t dest, k_word_t info, k_word_t mr0, k_word_t mr1, k_word_t mr2, k_word_t mr3)
{
    (void)mr0, (void)mr1, (void)mr2, (void)mr3;
    last_ipc.n = SYS_SEND, last_ipc.cap = dest, last_ipc.info = info;
}

void k_nb_send(k_cptr_t dest, k_word_t info, k_word_t mr0, k_word_t mr1, k_word_t mr2,
               k_word_t mr3)
{
    (void)mr0, (void)mr1, (void)mr2, (void)mr3;
    last_ipc.n = SYS_NB_SEND, last_ipc.cap = dest, last_ipc.info = info;
}

k_word_t k_recv(k_cptr_t src, k_word_t *badge, k_word_t *mr0, k_word_t *mr1, k_word_t *mr2,
                k_word_t *mr3)
{
    (void)mr0, (void)mr1, (void)mr2, (void)mr3;
    last_ipc.n = SYS_RECV, last_ipc.cap = src;
    if (badge) *badge = 0x5;
    return 0;
}

k_word_t k_nb_recv(k_cptr_t src, k_word_t *badge, k_word_t *mr0, k_word_t *mr1,
                   k_word_t *mr2, k_word_t *mr3)
{
    (void)mr0, (void)mr1, (void)mr2, (void)mr3;
    last_ipc.n = SYS_NB_RECV, last_ipc.cap = src;
    if (badge) *badge = 0x6;
    return 0;
}

void k_reply(k_word_t info, k_word_t mr0, k_word_t mr1, k_word_t mr2, k_word_t mr3)
{
    (void)mr0, (void)mr1, (void)mr2, (void)mr3;
    last_ipc.n = SYS_REPLY, last_ipc.info = info;
}

k_word_t k_reply_recv(k_cptr_t src, k_word_t info, k_word_t *badge, k_word_t *mr0,
                      k_word_t *mr1, k_word_t *mr2, k_word_t *mr3)
{
    (void)badge, (void)mr0, (void)mr1, (void)mr2, (void)mr3;
    last_ipc.n = SYS_REPLY_RECV, last_ipc.cap = src, last_ipc.info = info;
    return 0;
}

/* One expected message: label, message words in order, capabilities in order. */
struct expect {
    const char *what;
    k_word_t label;
    unsigned len;
    k_word_t mr[12];
    unsigned ncaps;
    k_cptr_t caps[3];
};

#define SERVICE 0x51

static void prepare(void)
{
    memset(&ipc, 0xee, sizeof ipc);      /* stale words must not pass for written ones */
    memset(&seen, 0, sizeof seen);
    memset(reply_mr, 0, sizeof reply_mr);
    reply_info = k_msginfo_new(K_NO_ERROR, 0, 0, 0);
}

static void expect(enum k_error err, const struct expect *e)
{
    CHECK_EQ(e->what, err, K_NO_ERROR);
    CHECK_EQ(e->what, seen.calls, 1);
    CHECK_EQ(e->what, seen.dest, SERVICE);
    CHECK_EQ(e->what, k_msginfo_label(seen.info), e->label);
    CHECK_EQ(e->what, k_msginfo_caps_unwrapped(seen.info), 0);
    CHECK_EQ(e->what, k_msginfo_length(seen.info), e->len);
    CHECK_EQ(e->what, k_msginfo_extra_caps(seen.info), e->ncaps);
    for (unsigned i = 0; i < e->len && i < 12; i++) {
        if (seen.mr[i] != e->mr[i]) {
            printf("FAIL %s: MR%u = 0x%llx, want 0x%llx\n", e->what, i,
                   (unsigned long long)seen.mr[i], (unsigned long long)e->mr[i]);
            failures++;
        }
    }
    for (unsigned i = 0; i < e->ncaps; i++) {
        if (seen.caps[i] != e->caps[i]) {
            printf("FAIL %s: cap %u = 0x%llx, want 0x%llx\n", e->what, i,
                   (unsigned long long)seen.caps[i], (unsigned long long)e->caps[i]);
            failures++;
        }
    }
    /* The shape the kernel checks matches what the wrapper sends. */
    CHECK_EQ(e->what, k_invocation_shapes[e->label].extra_caps, e->ncaps);
    if (e->label != K_TCB_WRITE_REGISTERS) CHECK_EQ(e->what, k_invocation_shapes[e->label].min_length, e->len);
}

#define EXPECT(call, ...)                                                        \
    do {                                                                         \
        static const struct expect e_ = __VA_ARGS__;                             \
        prepare();                                                               \
        expect((call), &e_);                                                     \
    } while (0)

static void test_wrappers(void)
{
    struct k_user_context ctx;
    for (k_word_t i = 0; i < K_USER_CONTEXT_WORDS; i++) k_user_context_set(&ctx, i, 100 + i);
    const k_word_t S = SERVICE;

    EXPECT(k_untyped_retype(S, K_TCB_OBJECT, 12, 0x61, 0x1002, 0x1003, 0x1004, 0x1005),
           { "Retype", 1, 6, { 1, 12, 0x1002, 0x1003, 0x1004, 0x1005 }, 1, { 0x61 } });
    EXPECT(k_tcb_read_registers(S, true, 0x5a, 7, NULL),
           { "ReadRegisters", 2, 2, { 0x5a01, 7 }, 0, { 0 } });
    EXPECT(k_tcb_write_registers(S, true, 0, 5, &ctx),
           { "WriteRegisters", 3, 7, { 1, 5, 100, 101, 102, 103, 104 }, 0, { 0 } });
    EXPECT(k_tcb_copy_registers(S, 0x61, true, false, true, true, 7),
           { "CopyRegisters", 4, 1, { 0x70d }, 1, { 0x61 } });
    EXPECT(k_tcb_copy_registers(S, 0x61, false, true, false, false, 0),
           { "CopyRegisters resume", 4, 1, { 0x2 }, 1, { 0x61 } });
    EXPECT(k_tcb_configure(S, 0x1000, 0x61, 0x1002, 0x62, 0x1004, 0x1005, 0x63),
           { "Configure", 5, 4, { 0x1000, 0x1002, 0x1004, 0x1005 }, 3, { 0x61, 0x62, 0x63 } });
    EXPECT(k_tcb_set_priority(S, 0x61, 200), { "SetPriority", 6, 1, { 200 }, 1, { 0x61 } });
    EXPECT(k_tcb_set_mc_priority(S, 0x61, 201), { "SetMCPriority", 7, 1, { 201 }, 1, { 0x61 } });
    EXPECT(k_tcb_set_sched_params(S, 0x61, 202, 203),
           { "SetSchedParams", 8, 2, { 202, 203 }, 1, { 0x61 } });
    EXPECT(k_tcb_set_ipc_buffer(S, 0x2000, 0x61), { "SetIPCBuffer", 9, 1, { 0x2000 }, 1, { 0x61 } });
    EXPECT(k_tcb_set_space(S, 0x1000, 0x61, 0x1002, 0x62, 0x1004),
           { "SetSpace", 10, 3, { 0x1000, 0x1002, 0x1004 }, 2, { 0x61, 0x62 } });
    EXPECT(k_tcb_suspend(S), { "Suspend", 11, 0, { 0 }, 0, { 0 } });
    EXPECT(k_tcb_resume(S), { "Resume", 12, 0, { 0 }, 0, { 0 } });
    EXPECT(k_tcb_bind_notification(S, 0x61), { "BindNotification", 13, 0, { 0 }, 1, { 0x61 } });
    EXPECT(k_tcb_unbind_notification(S), { "UnbindNotification", 14, 0, { 0 }, 0, { 0 } });
#if CONFIG_MAX_NUM_NODES > 1
    EXPECT(k_tcb_set_affinity(S, 3), { "SetAffinity", 15, 1, { 3 }, 0, { 0 } });
#endif
    EXPECT(k_tcb_set_tls_base(S, 0x3000), { "SetTLSBase", 15 + SMPL, 1, { 0x3000 }, 0, { 0 } });

    EXPECT(k_cnode_revoke(S, 0x1000, 64), { "Revoke", 16 + SMPL, 2, { 0x1000, 64 }, 0, { 0 } });
    EXPECT(k_cnode_delete(S, 0x1000, 63), { "Delete", 17 + SMPL, 2, { 0x1000, 63 }, 0, { 0 } });
    EXPECT(k_cnode_cancel_badged_sends(S, 0x1000, 62),
           { "CancelBadgedSends", 18 + SMPL, 2, { 0x1000, 62 }, 0, { 0 } });
    EXPECT(k_cnode_copy(S, 0x1000, 64, 0x61, 0x1003, 63, 0xf),
           { "Copy", 19 + SMPL, 5, { 0x1000, 64, 0x1003, 63, 0xf }, 1, { 0x61 } });
    EXPECT(k_cnode_mint(S, 0x1000, 64, 0x61, 0x1003, 63, 0x3, 0xbad9e),
           { "Mint", 20 + SMPL, 6, { 0x1000, 64, 0x1003, 63, 0x3, 0xbad9e }, 1, { 0x61 } });
    EXPECT(k_cnode_move(S, 0x1000, 64, 0x61, 0x1003, 63),
           { "Move", 21 + SMPL, 4, { 0x1000, 64, 0x1003, 63 }, 1, { 0x61 } });
    EXPECT(k_cnode_mutate(S, 0x1000, 64, 0x61, 0x1003, 63, 0x1c5),
           { "Mutate", 22 + SMPL, 5, { 0x1000, 64, 0x1003, 63, 0x1c5 }, 1, { 0x61 } });
    EXPECT(k_cnode_rotate(S, 0x1000, 64, 0xb1, 0x61, 0x1004, 63, 0xb2, 0x62, 0x1008, 62),
           { "Rotate", 23 + SMPL, 8, { 0x1000, 64, 0xb1, 0x1004, 63, 0xb2, 0x1008, 62 }, 2, { 0x61, 0x62 } });
    EXPECT(k_cnode_save_caller(S, 0x1000, 64), { "SaveCaller", 24 + SMPL, 2, { 0x1000, 64 }, 0, { 0 } });

    EXPECT(k_irq_control_get(S, 10, 0x61, 0x1002, 64),
           { "IRQControl Get", 25 + SMPL, 3, { 10, 0x1002, 64 }, 1, { 0x61 } });
    EXPECT(k_irq_handler_ack(S), { "Ack", 26 + SMPL, 0, { 0 }, 0, { 0 } });
    EXPECT(k_irq_handler_set_notification(S, 0x61), { "SetNotification", 27 + SMPL, 0, { 0 }, 1, { 0x61 } });
    EXPECT(k_irq_handler_clear(S), { "Clear", 28 + SMPL, 0, { 0 }, 0, { 0 } });
    EXPECT(k_domain_set_set(S, 3, 0x61), { "DomainSet", 29 + SMPL, 1, { 3 }, 1, { 0x61 } });

    EXPECT(k_riscv_page_table_map(S, 0x61, 0x40000000, 0),
           { "PageTableMap", 30 + SMPL, 2, { 0x40000000, 0 }, 1, { 0x61 } });
    EXPECT(k_riscv_page_table_unmap(S), { "PageTableUnmap", 31 + SMPL, 0, { 0 }, 0, { 0 } });
    EXPECT(k_riscv_page_map(S, 0x61, 0x10000, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_EXECUTE_NEVER),
           { "PageMap", 32 + SMPL, 3, { 0x10000, 3, 1 }, 1, { 0x61 } });
    EXPECT(k_riscv_page_unmap(S), { "PageUnmap", 33 + SMPL, 0, { 0 }, 0, { 0 } });
    EXPECT(k_riscv_page_get_address(S, NULL), { "GetAddress", 34 + SMPL, 0, { 0 }, 0, { 0 } });
    EXPECT(k_riscv_asid_control_make_pool(S, 0x61, 0x62, 0x1002, 64),
           { "MakePool", 35 + SMPL, 2, { 0x1002, 64 }, 2, { 0x61, 0x62 } });
    EXPECT(k_riscv_asid_pool_assign(S, 0x61), { "Assign", 36 + SMPL, 0, { 0 }, 1, { 0x61 } });
    EXPECT(k_irq_control_get_trigger(S, 10, 1, 0x61, 0x1003, 64),
           { "GetTrigger", 37 + SMPL, 4, { 10, 1, 0x1003, 64 }, 1, { 0x61 } });
}

/* ---- results and errors ---- */

static void test_results(void)
{
    /* GetAddress: the physical address is the reply's MR0. */
    prepare();
    reply_info = k_msginfo_new(0, 0, 0, 1);
    reply_mr[0] = 0x80200000;
    k_word_t paddr = 0;
    CHECK_EQ("GetAddress", k_riscv_page_get_address(SERVICE, &paddr), K_NO_ERROR);
    CHECK_EQ("paddr", paddr, 0x80200000);

    /* ReadRegisters: count words, the first four from registers, the rest from msg[]. */
    prepare();
    reply_info = k_msginfo_new(0, 0, 0, 20);
    for (int i = 0; i < 20; i++) reply_mr[i] = 1000 + i;
    struct k_user_context ctx;
    memset(&ctx, 0, sizeof ctx);
    CHECK_EQ("ReadRegisters", k_tcb_read_registers(SERVICE, false, 0, 20, &ctx), K_NO_ERROR);
    CHECK_EQ("pc", ctx.pc, 1000);
    CHECK_EQ("ra", ctx.ra, 1001);
    CHECK_EQ("sp", ctx.sp, 1002);
    CHECK_EQ("gp", ctx.gp, 1003);
    CHECK_EQ("s0", ctx.s0, 1004);
    CHECK_EQ("s11", ctx.s11, 1015);
    CHECK_EQ("a0", ctx.a0, 1016);
    CHECK_EQ("a3", ctx.a3, 1019);
    CHECK_EQ("a4 untouched", ctx.a4, 0);

    /* A full write: 34 words, the last in msg[33]. */
    for (k_word_t i = 0; i < K_USER_CONTEXT_WORDS; i++) k_user_context_set(&ctx, i, 2000 + i);
    CHECK_EQ("tp by name", ctx.tp, 2031);
    CHECK_EQ("t0 by name", ctx.t0, 2024);
    prepare();
    CHECK_EQ("WriteRegisters 32", k_tcb_write_registers(SERVICE, false, 0, 32, &ctx), K_NO_ERROR);
    CHECK_EQ("length", k_msginfo_length(seen.info), 34);
    CHECK_EQ("first reg", seen.mr[2], 2000);
    CHECK_EQ("last reg", seen.mr[33], 2031);
    /* More than 32: only 32 are sent; the kernel then reports a truncated message. */
    prepare();
    k_tcb_write_registers(SERVICE, false, 0, 40, &ctx);
    CHECK_EQ("length capped", k_msginfo_length(seen.info), 34);
    CHECK_EQ("count as given", seen.mr[1], 40);

    /* Errors: the label comes back, results stay unwritten, details land in msg[0..]. */
    prepare();
    reply_info = k_msginfo_new(K_RANGE_ERROR, 0, 0, 2);
    reply_mr[0] = 1;
    reply_mr[1] = 32;
    paddr = 77;
    CHECK_EQ("error", k_riscv_page_get_address(SERVICE, &paddr), K_RANGE_ERROR);
    CHECK_EQ("no result", paddr, 77);
    CHECK_EQ("detail 0", ipc.msg[0], 1);
    CHECK_EQ("detail 1", ipc.msg[1], 32);
    prepare();
    reply_info = k_msginfo_new(K_FAILED_LOOKUP, 0, 0, 3);
    CHECK_EQ("failed lookup", k_cnode_copy(SERVICE, 1, 64, 2, 3, 64, 15), K_FAILED_LOOKUP);

    /* Without an IPC buffer, register-only wrappers still work and stash nothing. */
    prepare();
    __k_ipc_buffer = NULL;
    reply_info = k_msginfo_new(K_ILLEGAL_OPERATION, 0, 0, 0);
    CHECK_EQ("no buffer", k_tcb_suspend(SERVICE), K_ILLEGAL_OPERATION);
    k_ipc_buffer_set(&ipc);
    CHECK(k_ipc_buffer() == &ipc);
}

static void test_notifications(void)
{
    k_signal(0x71);
    CHECK_EQ("signal is a send", last_ipc.n, SYS_SEND);
    CHECK_EQ("signal cap", last_ipc.cap, 0x71);
    CHECK_EQ("signal message", last_ipc.info, 0);
    CHECK_EQ("wait badge", k_wait(0x72), 0x5);
    CHECK_EQ("wait is a recv", last_ipc.n, SYS_RECV);
    CHECK_EQ("poll badge", k_poll(0x73), 0x6);
    CHECK_EQ("poll is an nbrecv", last_ipc.n, SYS_NB_RECV);
}

int main(void)
{
    test_constants();
    test_words();
    test_labels();
    test_wrappers();
    test_results();
    test_notifications();
    if (failures) {
        printf("abi: %d failure(s)\n", failures);
        return 1;
    }
    printf("abi: all checks passed\n");
    return 0;
}
