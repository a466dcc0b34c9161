/* What root hands mm0 (docs/mm0.md, "What root gives mm0"): mm0's CSpace layout, its
 * address-space layout, and the boot page root writes for it. Shared by root and mm0. */
#pragma once
#include <k/abi.h>

/* mm0's CSpace: one CNode of 2^cnode_bits slots, guarded to 64 bits (depth 64). */
#define MM0_DEPTH 64
enum {
    MM0_CAP_TCB = 1,         /* mm0's first thread (its service thread) */
    MM0_CAP_CNODE = 2,       /* its own CNode, with the guard */
    MM0_CAP_VSPACE = 3,
    /* 4: unused. mm0 holds no ASID pool: root gives it VSpace roots with ASIDs. */
    MM0_CAP_SERVICE_EP = 5,  /* processes' requests arrive here (badged copies) */
    MM0_CAP_FAULT_EP = 6,    /* processes' faults arrive here (badged copies) */
    MM0_CAP_ROOT_EP = 7,     /* to root: mm0's own faults, and the power-off request */
    MM0_CAP_IPC_FRAME = 8,   /* the service thread's IPC buffer */
    MM0_CAP_CONSOLE_EP = 9,  /* the console server's endpoint, if root started one */
    MM0_CAP_BLK_EP = 10,     /* fs0's badged copy of the block driver's endpoint, if root
                              * started the driver and the archive holds fs0; mm0 only
                              * moves it into fs0's CSpace (blk_proto.h) */
    MM0_CAP_FIRST_UNTYPED = 16,
    MM0_MAX_UNTYPED = 96,
    /* VSpace roots (top-level page tables), each assigned an ASID by root: one per
     * process, reused after it ends. */
    MM0_CAP_FIRST_VSPACE = MM0_CAP_FIRST_UNTYPED + MM0_MAX_UNTYPED,
    MM0_MAX_VSPACES = 255,
    MM0_CAP_FIRST_FREE = MM0_CAP_FIRST_VSPACE + MM0_MAX_VSPACES + 1,
};

/* mm0's address space (it is linked at 0x10000 like every program). */
#define MM0_IPC_VA     0x3ffff000ul    /* service thread's IPC buffer */
#define MM0_BOOT_VA    0x40000000ul    /* struct mm0_boot, read-only */
#define MM0_ARCHIVE_VA 0x40100000ul    /* the boot archive, read-only */
#define MM0_HEAP_VA    0x80000000ul    /* mm0's own heap, grown from its pages */
#define MM0_OWN_HEAP_MAX   (256ul << 20)
#define MM0_WINDOW_VA  0xc0000000ul    /* temporary mappings of process pages */

/* Labels of mm0's calls to root on MM0_CAP_ROOT_EP (faults of mm0 arrive there too,
 * labelled with the fault type, which is below 16). */
#define ROOT_REQ_POWEROFF 0x100
#define ROOT_REQ_AUDIT    0x101   /* take a capability snapshot now (tools/capaudit) */

#define MM0_BOOT_MAGIC 0x6d6d30626f6f7431ul   /* "mm0boot1" */

struct mm0_boot {
    k_word_t magic;
    k_word_t cnode_bits;        /* mm0's CNode has 2^cnode_bits slots */
    k_word_t archive_len;       /* bytes of the archive at MM0_ARCHIVE_VA */
    k_word_t n_untyped;         /* untyped caps at MM0_CAP_FIRST_UNTYPED.. */
    k_word_t priority;          /* mm0's priority; processes run below it */
    k_word_t printing;          /* the kernel has the printing calls (DebugNameThread) */
    k_word_t n_vspaces;         /* VSpace roots at MM0_CAP_FIRST_VSPACE.. */
    k_word_t timebase_hz;       /* the time CSR's rate (device tree), 0 if unknown */
    struct {
        k_word_t paddr;
        k_word_t size_bits;
    } untyped[MM0_MAX_UNTYPED];
};
