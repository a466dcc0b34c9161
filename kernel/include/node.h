/* Per-hart ("node", seL4's word) kernel state, and the big kernel lock.
 *
 * Every hart that runs threads has one struct node: its kernel stack sits just below
 * it, and while the hart is in the kernel `tp` points at it (entry.S loads tp from the
 * context of the thread that trapped, whose `node` word names the hart it runs on).
 * So the scheduler's and the fast path's per-hart fields are one load from tp, as
 * cheap as the globals they replace. Design and rules: docs/smp.md. */
#pragma once
#include <types.h>
#include <arch/layout.h>
#include <arch/node_layout.h>

#if defined(HOST_TEST) && !defined(CONFIG_MAX_NUM_NODES)
#define CONFIG_MAX_NUM_NODES 1      /* host unit tests of kernel code: one node */
#endif
#ifndef CONFIG_MAX_NUM_NODES
#error "CONFIG_MAX_NUM_NODES must be defined (the build sets it)"
#endif

struct tcb;

/* A ticket lock: take a ticket from `next`, wait until `owner` shows it. Fair (FIFO),
 * so no hart waits for ever behind the others. */
typedef struct {
    volatile uint32_t next;
    volatile uint32_t owner;
} ticket_lock_t;
extern ticket_lock_t big_kernel_lock;

#define NODE_NPRIO 256
#define NODE_BITMAP_WORDS 4

/* Synchronous requests from the lock holder to another hart (seL4's remote calls),
 * answered while that hart waits for the lock (kernel_lock_wait). */
enum node_call_op {
    NODE_CALL_NONE = 0,
    NODE_CALL_STALL,        /* arg: a tcb. Stop running it here; save its FP state */
    NODE_CALL_DROP_VSPACE,  /* arg: a root table's paddr. Leave it if satp names it */
    NODE_CALL_FLUSH,        /* arg: a struct node_flush. Flush those translations */
};

struct node_flush {
    unsigned asid;
    vaddr_t va;
    bool whole;                         /* the whole ASID, not only the page at va */
};

struct node {
    /* Hot fields first; offsets shared with assembly are in arch/node_layout.h. */
    struct tcb *cur;                    /* NODE_CUR: the thread running here, or NULL */
    ticket_lock_t *lock;                /* NODE_LOCK: &big_kernel_lock, one load away */
    volatile uint32_t *lock_owner;      /* NODE_LOCK_OWNER: &big_kernel_lock.owner */
    paddr_t active_root;                /* the root table satp names (switch.h) */
    struct tcb *fpu_owner;              /* lazy FP: whose registers the FP unit holds */
    bool fpu_owner_dirty;
    bool asids_short;                   /* arch_asids_short, one load away (switch.h) */
    unsigned bitmap_words;              /* bit w set iff bitmap[w] != 0 */
    uint64_t bitmap[NODE_BITMAP_WORDS]; /* bit p set iff ready queue p is non-empty */

    unsigned index;                     /* 0 .. nodes_online-1; 0 is the boot hart */
    unsigned long hartid;               /* the hart's id (device tree reg): not its index */
    volatile bool online;
    bool ran_user;                      /* has run a thread: its TLB may hold user entries */

    /* Scheduler (sched.c): this hart's ready queues and its decision at exit. */
    struct tcb *action;
    bool reload_vspace;
    uint64_t next_deadline;
    struct tcb *head[NODE_NPRIO], *tail[NODE_NPRIO];

    /* Remote call mailbox: written by the lock holder, answered by this hart. */
    volatile uint32_t call_seq, call_ack;
    volatile int call_op;
    void *volatile call_arg;
    uint64_t calls_answered;            /* statistics for docs/tests */
};

/* The stack and the node together, so a hart's sp starts just below its node. */
struct node_area {
    uint8_t stack[KERNEL_STACK_SIZE];
    struct node node;
} __attribute__((aligned(16)));
extern unsigned nodes_online;           /* harts started (at least 1) */
/* Harts (by index) that have ever run a thread: only they can hold user translations,
 * so only they get remote TLB flushes. */
extern uint64_t nodes_ran_user;
#ifndef HOST_TEST
extern struct node_area node_areas[CONFIG_MAX_NUM_NODES];
static inline struct node *node_by_index(unsigned i) { return &node_areas[i].node; }
#else
/* Host unit tests of kernel code run on one node of their own. */
static struct node host_test_node __attribute__((unused));
static inline struct node *node_by_index(unsigned i) { (void)i; return &host_test_node; }
static inline struct node *this_node(void) { return &host_test_node; }
#endif

/* The hart we run on. tp holds it throughout the kernel: a global register variable,
 * so each field is one load from tp (GCC never allocates tp itself). */
#ifndef HOST_TEST
register struct node *node_tp asm("tp");
static inline __attribute__((always_inline)) struct node *this_node(void) { return node_tp; }
#endif

/* The big kernel lock, from C (entry.S takes it itself on the common paths). */
void kernel_lock(void);
void kernel_unlock(void);

/* Make sure thread t is not running on another hart and that no other hart holds its
 * FP registers (seL4's remoteTCBStall, plus the FPU release before a migration or
 * delete). Caller holds the lock. If t was running elsewhere, it is queued there again
 * (still RUNNING) and will be chosen afresh; the trap it was in is started over. */
void node_stall_tcb(struct tcb *t);
/* Every hart whose satp names root leaves it (a VSpace is being deleted). */
void node_drop_vspace(paddr_t root);
/* Every hart in the index mask flushes asid's translations (all of them if whole,
 * else the page at va); returns once all have. Caller holds the lock. */
void node_remote_flush(uint64_t mask, unsigned asid, vaddr_t va, bool whole);
/* Hart n must decide again at its next kernel entry: kick it with an IPI. */
void node_kick(struct node *n);
/* Going idle: drop user translations, leave nodes_ran_user (multicore only). */
void node_idle_tlb(void);
/* Send a supervisor software interrupt to every hart in the index bitmask. */
void node_send_ipi(uint64_t index_mask);
/* Bring up the other harts (boot hart, lock held). Returns how many run. */
struct plat_info;
unsigned node_start_secondaries(const struct plat_info *plat, unsigned long boot_hartid);
void node_init_boot(unsigned long hartid);
