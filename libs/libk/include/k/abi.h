/* The binary interface between the kernel and user programs: seL4 13.0.0's, for RV64
 * (non-MCS, F and D on, qemu-riscv-virt). Numbers, layouts and word formats only: no
 * code that runs in either place, so the kernel (integer-only) and libk both include
 * it. The invocation labels and argument positions are generated (k/invocation.h);
 * the system call numbers are in k/syscalls.h. docs/abi.md explains every item.
 *
 * Each layout here is checked by a static assertion at the bottom, and again, against
 * an independent list, by the host test in test/host/abi. */
#pragma once
#include <stddef.h>
#include <stdint.h>

typedef uint64_t k_word_t;
typedef k_word_t k_cptr_t;      /* capability address, resolved in the caller's CSpace */

#define K_WORD_BITS 64

/* Error codes: the label of the reply to a failed invocation. */
enum k_error {
    K_NO_ERROR = 0,
    K_INVALID_ARGUMENT = 1,     /* MR0: which argument (0-based) */
    K_INVALID_CAPABILITY = 2,   /* MR0: which capability (0: the invoked one, n: cap n-1) */
    K_ILLEGAL_OPERATION = 3,
    K_RANGE_ERROR = 4,          /* MR0, MR1: the smallest and largest value allowed */
    K_ALIGNMENT_ERROR = 5,
    K_FAILED_LOOKUP = 6,        /* MR0: 1 if the source slot failed; MR1 on: lookup failure */
    K_TRUNCATED_MESSAGE = 7,
    K_DELETE_FIRST = 8,
    K_REVOKE_FIRST = 9,
    K_NOT_ENOUGH_MEMORY = 10,   /* MR0: bytes still free in the untyped */
    K_NUM_ERRORS = 11
};

/* Where the error details above sit in the reply's message registers. */
#define K_ERROR_INVALID_ARGUMENT_NUMBER   0
#define K_ERROR_INVALID_CAPABILITY_NUMBER 0
#define K_ERROR_RANGE_MIN                 0
#define K_ERROR_RANGE_MAX                 1
#define K_ERROR_FAILED_LOOKUP_WAS_SOURCE  0
#define K_ERROR_FAILED_LOOKUP_TYPE        1   /* then as a capability fault's MR3 on */
#define K_ERROR_NOT_ENOUGH_MEMORY_LEFT    0

/* Object types for Untyped_Retype. Sizes are fixed except Untyped (size_bits is the
 * log2 of its bytes) and CapTable (size_bits is the log2 of its slots). */
enum k_object_type {
    K_UNTYPED_OBJECT = 0,
    K_TCB_OBJECT = 1,
    K_ENDPOINT_OBJECT = 2,
    K_NOTIFICATION_OBJECT = 3,
    K_CAPTABLE_OBJECT = 4,
    K_RISCV_GIGA_PAGE_OBJECT = 5,
    K_RISCV_4K_PAGE_OBJECT = 6,
    K_RISCV_MEGA_PAGE_OBJECT = 7,
    K_RISCV_PAGE_TABLE_OBJECT = 8,
    K_OBJECT_TYPE_COUNT = 9
};

/* Object sizes, log2 bytes. K_TCB_BITS is 11 because the F and D registers are part of
 * the TCB (10 without an FPU). */
#define K_TCB_BITS          11
#define K_ENDPOINT_BITS     4
#define K_NOTIFICATION_BITS 5
#define K_SLOT_BITS         5   /* one CNode slot */
#define K_PAGE_BITS         12  /* 4 KiB */
#define K_LARGE_PAGE_BITS   21  /* 2 MiB "mega" page */
#define K_HUGE_PAGE_BITS    30  /* 1 GiB "giga" page */
#define K_PAGE_TABLE_BITS   12
#define K_VSPACE_BITS       12  /* a VSpace root is a page table */
#define K_ASID_POOL_BITS    12
#define K_MIN_UNTYPED_BITS  4
#define K_MAX_UNTYPED_BITS  38
#define K_IPC_BUFFER_BITS   10

/* Sv39 paging and ASIDs. */
#define K_PAGE_TABLE_ENTRY_BITS 3
#define K_PAGE_TABLE_INDEX_BITS 9
#define K_NUM_ASID_POOLS_BITS   7   /* 128 pools */
#define K_ASID_POOL_INDEX_BITS  9   /* of 512 ASIDs each */
#define K_USER_TOP              0x0000003ffffff000ul  /* first address user code cannot map */

#define K_MIN_PRIO 0
#define K_MAX_PRIO 255
/* Most objects one Untyped_Retype may make (seL4's default configuration). */
#define K_RETYPE_FAN_OUT_LIMIT 256

/* Capabilities the root task finds in its CNode at start. The ones marked "null" are
 * empty slots on this kernel (RISC-V, no IOMMU, no SMMU, non-MCS), kept so the numbers
 * match seL4. */
enum {
    K_CAP_NULL = 0,
    K_CAP_INIT_THREAD_TCB = 1,
    K_CAP_INIT_THREAD_CNODE = 2,
    K_CAP_INIT_THREAD_VSPACE = 3,
    K_CAP_IRQ_CONTROL = 4,
    K_CAP_ASID_CONTROL = 5,
    K_CAP_INIT_THREAD_ASID_POOL = 6,
    K_CAP_IO_PORT_CONTROL = 7,      /* null */
    K_CAP_IO_SPACE = 8,             /* null */
    K_CAP_BOOT_INFO_FRAME = 9,
    K_CAP_INIT_THREAD_IPC_BUFFER = 10,
    K_CAP_DOMAIN = 11,
    K_CAP_SMMU_SID_CONTROL = 12,    /* null */
    K_CAP_SMMU_CB_CONTROL = 13,     /* null */
    K_CAP_INIT_THREAD_SC = 14,      /* null */
    K_CAP_SMC = 15,                 /* null */
    K_NUM_INITIAL_CAPS = 16,
    /* Ours (docs/abi.md): the audit capability, first slot after seL4's initial caps
     * (empty in builds without debug system calls); boot info regions start after it. */
    K_CAP_AUDIT = 16
};

/* Capability rights word (CNode_Copy/Mint, Page_Map). */
#define K_CAP_RIGHT_WRITE       1u
#define K_CAP_RIGHT_READ        2u
#define K_CAP_RIGHT_GRANT       4u
#define K_CAP_RIGHT_GRANT_REPLY 8u
#define K_CAP_RIGHTS_ALL        15u

/* VM attributes (Page_Map, PageTable_Map). */
#define K_RISCV_EXECUTE_NEVER         1u
#define K_RISCV_DEFAULT_VM_ATTRIBUTES 0u

/* Messages. */
#define K_MSG_MAX_LENGTH     120   /* message registers */
#define K_MSG_EXTRA_CAP_BITS 2
#define K_MSG_MAX_EXTRA_CAPS 3     /* (1 << K_MSG_EXTRA_CAP_BITS) - 1 */
#define K_MSG_REG_COUNT      4     /* MR0..3 travel in a2..a5, the rest in the IPC buffer */

/* The message-info word, from the top: label 52 bits | capsUnwrapped 3 | extraCaps 2 |
 * length 7. Fields wider than their room are cut to fit. */
#define K_MSGINFO_LENGTH_BITS         7
#define K_MSGINFO_EXTRA_CAPS_BITS     2
#define K_MSGINFO_CAPS_UNWRAPPED_BITS 3
#define K_MSGINFO_LABEL_BITS          52
#define K_MSGINFO_EXTRA_CAPS_SHIFT    7
#define K_MSGINFO_CAPS_UNWRAPPED_SHIFT 9
#define K_MSGINFO_LABEL_SHIFT         12

static inline k_word_t k_msginfo_new(k_word_t label, k_word_t caps_unwrapped,
                                     k_word_t extra_caps, k_word_t length)
{
    return (label & ((1ull << K_MSGINFO_LABEL_BITS) - 1)) << K_MSGINFO_LABEL_SHIFT
         | (caps_unwrapped & ((1u << K_MSGINFO_CAPS_UNWRAPPED_BITS) - 1)) << K_MSGINFO_CAPS_UNWRAPPED_SHIFT
         | (extra_caps & ((1u << K_MSGINFO_EXTRA_CAPS_BITS) - 1)) << K_MSGINFO_EXTRA_CAPS_SHIFT
         | (length & ((1u << K_MSGINFO_LENGTH_BITS) - 1));
}

static inline k_word_t k_msginfo_label(k_word_t w) { return w >> K_MSGINFO_LABEL_SHIFT; }

static inline k_word_t k_msginfo_caps_unwrapped(k_word_t w)
{
    return (w >> K_MSGINFO_CAPS_UNWRAPPED_SHIFT) & ((1u << K_MSGINFO_CAPS_UNWRAPPED_BITS) - 1);
}

static inline k_word_t k_msginfo_extra_caps(k_word_t w)
{
    return (w >> K_MSGINFO_EXTRA_CAPS_SHIFT) & ((1u << K_MSGINFO_EXTRA_CAPS_BITS) - 1);
}

static inline k_word_t k_msginfo_length(k_word_t w)
{
    return w & ((1u << K_MSGINFO_LENGTH_BITS) - 1);
}

/* CNode capability data (the guard word given to Mint, Mutate, Rotate, and as
 * cspace_root_data to TCB_Configure/SetSpace): guard 58 bits | guard size 6 bits. */
#define K_CNODE_GUARD_SIZE_BITS 6
#define K_CNODE_GUARD_BITS      58

static inline k_word_t k_cnode_cap_data(k_word_t guard, k_word_t guard_size)
{
    return (guard & ((1ull << K_CNODE_GUARD_BITS) - 1)) << K_CNODE_GUARD_SIZE_BITS
         | (guard_size & ((1u << K_CNODE_GUARD_SIZE_BITS) - 1));
}

/* The IPC buffer: 1024 bytes, 1024-aligned, one per thread. tag and msg[0..3] are not
 * used by the kernel (those travel in registers); msg[4] on hold MR4 on. The kernel
 * reads caps_or_badges[] for a sender's extra capabilities and writes the badges of
 * unwrapped ones there for a receiver, and the receive_* words say where a received
 * capability goes. */
struct k_ipc_buffer {
    k_word_t tag;
    k_word_t msg[K_MSG_MAX_LENGTH];
    k_word_t user_data;                 /* free for the thread's own use */
    k_word_t caps_or_badges[K_MSG_MAX_EXTRA_CAPS];
    k_cptr_t receive_cnode;
    k_cptr_t receive_index;
    k_word_t receive_depth;
};

/* Boot info: the root task finds it at the address in a0 when it starts. */
struct k_slot_region {
    k_word_t start;     /* first slot of the region */
    k_word_t end;       /* first slot after it */
};

struct k_untyped_desc {
    k_word_t paddr;
    uint8_t size_bits;
    uint8_t is_device;
    uint8_t padding[6];
};

#define K_MAX_BOOTINFO_UNTYPED 230

struct k_bootinfo {
    k_word_t extra_len;                     /* bytes of extra boot info after this page */
    k_word_t node_id;
    k_word_t num_nodes;
    k_word_t num_io_pt_levels;
    struct k_ipc_buffer *ipc_buffer;        /* the root task's IPC buffer */
    struct k_slot_region empty;             /* empty slots of the root CNode */
    struct k_slot_region shared_frames;
    struct k_slot_region user_image_frames; /* frames of the root task's image */
    struct k_slot_region user_image_paging; /* its page tables */
    struct k_slot_region io_space_caps;
    struct k_slot_region extra_bi_pages;    /* frames holding the extra boot info */
    k_word_t init_thread_cnode_size_bits;   /* root CNode has 2^n slots */
    k_word_t init_thread_domain;
    struct k_slot_region untyped;           /* untyped capabilities, described below */
    struct k_untyped_desc untyped_list[K_MAX_BOOTINFO_UNTYPED];
};

#define K_BOOTINFO_FRAME_BITS K_PAGE_BITS   /* extra boot info starts 4 KiB after it */

/* Extra boot info: a sequence of chunks, each opening with this header; len counts the
 * header. Ids 1 to 5 are x86's. */
struct k_bootinfo_header {
    k_word_t id;
    k_word_t len;
};

#define K_BOOTINFO_HEADER_PADDING 0
#define K_BOOTINFO_HEADER_FDT     6

/* Fault messages: the label is the fault type, the message registers as below. */
#define K_FAULT_NULL            0
#define K_FAULT_CAP             1
#define K_FAULT_UNKNOWN_SYSCALL 2
#define K_FAULT_USER_EXCEPTION  3
/* 4 is a debug exception, which needs hardware debug support RISC-V does not have. */
#define K_FAULT_VM              5

#define K_CAP_FAULT_IP                         0
#define K_CAP_FAULT_ADDR                       1   /* the CPtr that failed */
#define K_CAP_FAULT_IN_RECV_PHASE              2   /* 1 if it failed on the receive side */
#define K_CAP_FAULT_LOOKUP_FAILURE_TYPE        3   /* K_INVALID_ROOT ... */
#define K_CAP_FAULT_BITS_LEFT                  4
#define K_CAP_FAULT_DEPTH_MISMATCH_BITS_FOUND  5
#define K_CAP_FAULT_GUARD_MISMATCH_GUARD_FOUND 5
#define K_CAP_FAULT_GUARD_MISMATCH_BITS_FOUND  6

#define K_UNKNOWN_SYSCALL_FAULT_IP 0
#define K_UNKNOWN_SYSCALL_SP       1
#define K_UNKNOWN_SYSCALL_RA       2
#define K_UNKNOWN_SYSCALL_A0       3
#define K_UNKNOWN_SYSCALL_A1       4
#define K_UNKNOWN_SYSCALL_A2       5
#define K_UNKNOWN_SYSCALL_A3       6
#define K_UNKNOWN_SYSCALL_A4       7
#define K_UNKNOWN_SYSCALL_A5       8
#define K_UNKNOWN_SYSCALL_A6       9
#define K_UNKNOWN_SYSCALL_SYSCALL  10  /* the number from a7 */
#define K_UNKNOWN_SYSCALL_LENGTH   11

#define K_USER_EXCEPTION_FAULT_IP 0
#define K_USER_EXCEPTION_SP       1
#define K_USER_EXCEPTION_NUMBER   2   /* scause */
#define K_USER_EXCEPTION_CODE     3   /* 0 on RISC-V */
#define K_USER_EXCEPTION_LENGTH   4

#define K_VM_FAULT_IP             0
#define K_VM_FAULT_ADDR           1   /* stval: the address that faulted */
#define K_VM_FAULT_PREFETCH_FAULT 2   /* 1 for an instruction fetch */
#define K_VM_FAULT_FSR            3   /* scause */
#define K_VM_FAULT_LENGTH         4

/* Lookup failure types (capability faults, K_FAILED_LOOKUP details). */
#define K_NO_FAILURE         0
#define K_INVALID_ROOT       1
#define K_MISSING_CAPABILITY 2
#define K_DEPTH_MISMATCH     3
#define K_GUARD_MISMATCH     4

/* A thread's registers as TCB_ReadRegisters/WriteRegisters see them: 32 words in this
 * order. The first 16 (pc to s11) are the "frame" registers of TCB_CopyRegisters,
 * the rest the "integer" ones. */
struct k_user_context {
    k_word_t pc, ra, sp, gp;
    k_word_t s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
    k_word_t a0, a1, a2, a3, a4, a5, a6, a7;
    k_word_t t0, t1, t2, t3, t4, t5, t6;
    k_word_t tp;
};

#define K_USER_CONTEXT_WORDS 32
#define K_USER_CONTEXT_FRAME_WORDS 16

/* Word i of a register context, in the order above (i < K_USER_CONTEXT_WORDS). */
static inline k_word_t k_user_context_get(const struct k_user_context *c, k_word_t i)
{
    k_word_t v;
    __builtin_memcpy(&v, (const unsigned char *)c + i * sizeof(k_word_t), sizeof v);
    return v;
}

static inline void k_user_context_set(struct k_user_context *c, k_word_t i, k_word_t v)
{
    __builtin_memcpy((unsigned char *)c + i * sizeof(k_word_t), &v, sizeof v);
}

/* Layout checks: the numbers are seL4's for RV64 (see docs/abi.md). */
#define K_ABI_OFFSET(type, field, off) \
    _Static_assert(offsetof(type, field) == (off), #type "." #field " is not at " #off)

K_ABI_OFFSET(struct k_ipc_buffer, tag, 0);
K_ABI_OFFSET(struct k_ipc_buffer, msg, 8);
K_ABI_OFFSET(struct k_ipc_buffer, user_data, 968);
K_ABI_OFFSET(struct k_ipc_buffer, caps_or_badges, 976);
K_ABI_OFFSET(struct k_ipc_buffer, receive_cnode, 1000);
K_ABI_OFFSET(struct k_ipc_buffer, receive_index, 1008);
K_ABI_OFFSET(struct k_ipc_buffer, receive_depth, 1016);
_Static_assert(sizeof(struct k_ipc_buffer) == (1u << K_IPC_BUFFER_BITS), "IPC buffer size");

K_ABI_OFFSET(struct k_slot_region, start, 0);
K_ABI_OFFSET(struct k_slot_region, end, 8);
_Static_assert(sizeof(struct k_slot_region) == 16, "slot region size");

K_ABI_OFFSET(struct k_untyped_desc, paddr, 0);
K_ABI_OFFSET(struct k_untyped_desc, size_bits, 8);
K_ABI_OFFSET(struct k_untyped_desc, is_device, 9);
K_ABI_OFFSET(struct k_untyped_desc, padding, 10);
_Static_assert(sizeof(struct k_untyped_desc) == 16, "untyped descriptor size");

K_ABI_OFFSET(struct k_bootinfo, extra_len, 0);
K_ABI_OFFSET(struct k_bootinfo, node_id, 8);
K_ABI_OFFSET(struct k_bootinfo, num_nodes, 16);
K_ABI_OFFSET(struct k_bootinfo, num_io_pt_levels, 24);
K_ABI_OFFSET(struct k_bootinfo, ipc_buffer, 32);
K_ABI_OFFSET(struct k_bootinfo, empty, 40);
K_ABI_OFFSET(struct k_bootinfo, shared_frames, 56);
K_ABI_OFFSET(struct k_bootinfo, user_image_frames, 72);
K_ABI_OFFSET(struct k_bootinfo, user_image_paging, 88);
K_ABI_OFFSET(struct k_bootinfo, io_space_caps, 104);
K_ABI_OFFSET(struct k_bootinfo, extra_bi_pages, 120);
K_ABI_OFFSET(struct k_bootinfo, init_thread_cnode_size_bits, 136);
K_ABI_OFFSET(struct k_bootinfo, init_thread_domain, 144);
K_ABI_OFFSET(struct k_bootinfo, untyped, 152);
K_ABI_OFFSET(struct k_bootinfo, untyped_list, 168);
_Static_assert(sizeof(struct k_bootinfo) == 3848, "boot info size");
_Static_assert(sizeof(struct k_bootinfo) <= (1u << K_BOOTINFO_FRAME_BITS), "boot info fits its page");

K_ABI_OFFSET(struct k_bootinfo_header, id, 0);
K_ABI_OFFSET(struct k_bootinfo_header, len, 8);
_Static_assert(sizeof(struct k_bootinfo_header) == 16, "boot info header size");

K_ABI_OFFSET(struct k_user_context, pc, 0);
K_ABI_OFFSET(struct k_user_context, ra, 8);
K_ABI_OFFSET(struct k_user_context, sp, 16);
K_ABI_OFFSET(struct k_user_context, gp, 24);
K_ABI_OFFSET(struct k_user_context, s0, 32);
K_ABI_OFFSET(struct k_user_context, s11, 120);
K_ABI_OFFSET(struct k_user_context, a0, 128);
K_ABI_OFFSET(struct k_user_context, a7, 184);
K_ABI_OFFSET(struct k_user_context, t0, 192);
K_ABI_OFFSET(struct k_user_context, t6, 240);
K_ABI_OFFSET(struct k_user_context, tp, 248);
_Static_assert(sizeof(struct k_user_context) == K_USER_CONTEXT_WORDS * sizeof(k_word_t),
               "register context size");

_Static_assert(K_MSG_MAX_EXTRA_CAPS == (1 << K_MSG_EXTRA_CAP_BITS) - 1, "extra caps");
_Static_assert(K_MSGINFO_LABEL_BITS + K_MSGINFO_CAPS_UNWRAPPED_BITS + K_MSGINFO_EXTRA_CAPS_BITS
               + K_MSGINFO_LENGTH_BITS == K_WORD_BITS, "message info fills a word");
_Static_assert(K_CNODE_GUARD_BITS + K_CNODE_GUARD_SIZE_BITS == K_WORD_BITS, "CNode data");
