/* Invocations: a Call or Send on a capability to a kernel object.
 *
 * Each object's decoder checks the message completely (length, argument values,
 * extra capabilities, rights, destination slots) and changes nothing on failure; only
 * then does its perform step change state, and that step cannot fail. A failure is
 * reported to the caller as seL4 does: the reply's label is the error code and the
 * message registers carry its details (inv_error_t). */
#pragma once
#include <types.h>
#include <object/tcb.h>
#include <cap/cspace.h>
#include <k/abi.h>
#include <k/invocation.h>

#define INV_MAX_EXTRA_CAPS 3

typedef struct inv {
    tcb_t *caller;
    cte_t *slot;                 /* the invoked capability's slot */
    cap_t cap;                   /* ...and the capability itself */
    word_t label, length;
    unsigned n_extra;
    cte_t *extra[INV_MAX_EXTRA_CAPS];   /* slots named by the caller's extra caps */
    word_t *buffer;              /* caller's IPC buffer to read (kernel alias), or NULL */
    word_t *reply_buffer;        /* ...to write results to: a Call's, if writable */
    bool is_call;                /* a reply is expected */
} inv_t;

typedef struct inv_error {
    word_t type;                 /* K_* error code; K_NO_ERROR on success */
    unsigned len;                /* detail words in mr[] */
    word_t mr[5];
} inv_error_t;

/* Message register i of the caller (0..3 in registers, the rest in its IPC buffer).
 * Reading past the message length is the decoder's bug: they check length first. */
word_t inv_mr(const inv_t *iv, unsigned i);
/* Set reply message register i of a Call's caller; returns false (and changes nothing)
 * for a Send, or past the registers without a writable buffer. */
bool inv_set_mr(inv_t *iv, unsigned i, word_t v);

/* Helpers that fill *e and return its type, for "return err_x(e, ...)" in decoders. */
word_t err_simple(inv_error_t *e, word_t type);
word_t err_invalid_arg(inv_error_t *e, word_t which);
word_t err_invalid_cap(inv_error_t *e, word_t which);
word_t err_range(inv_error_t *e, word_t min, word_t max);
word_t err_lookup(inv_error_t *e, bool was_source, const lookup_fault_t *why);
word_t err_missing_cap(inv_error_t *e, bool was_source, word_t bits_left);
word_t err_memory(inv_error_t *e, word_t bytes_left);

/* Find the slot (index, depth) names from a CNode root, as CNode operations do:
 * root must be a CNode (else FailedLookup/invalid root), depth 1..64 (else RangeError),
 * and exactly depth bits must resolve. NULL with *e filled on failure. */
cte_t *inv_lookup_slot(cap_t root, word_t index, word_t depth, bool is_source, inv_error_t *e);

/* The VSpace an invocation names as an extra cap: a root table with a live ASID. NULL
 * with *e filled as seL4 reports each way it can be wrong (page_table.c). */
pte_t *inv_vspace(cap_t vs, unsigned *asid, inv_error_t *e);

/* Decoders: return K_NO_ERROR after performing, or the error with *e filled in. */
word_t untyped_invoke(inv_t *iv, inv_error_t *e);
word_t cnode_invoke(inv_t *iv, inv_error_t *e);
word_t tcb_invoke(inv_t *iv, inv_error_t *e);
word_t frame_invoke(inv_t *iv, inv_error_t *e);
word_t page_table_invoke(inv_t *iv, inv_error_t *e);
word_t asid_control_invoke(inv_t *iv, inv_error_t *e);
word_t asid_pool_invoke(inv_t *iv, inv_error_t *e);
word_t domain_invoke(inv_t *iv, inv_error_t *e);
word_t irq_control_invoke(inv_t *iv, inv_error_t *e);
word_t irq_handler_invoke(inv_t *iv, inv_error_t *e);
word_t audit_invoke(inv_t *iv, inv_error_t *e);      /* debug builds: syscall/snapshot.c */

/* Entry from the system call layer, with the extra caps it already looked up. */
void invoke_capability(tcb_t *caller, cte_t *slot, word_t info, bool is_call,
                       cte_t *const extra[], unsigned n_extra);
/* The caller's CSpace root (its TCB's CTable slot). */
static inline cap_t tcb_cspace_root(tcb_t *t) { return tcb_slot(t, TCB_SLOT_CTABLE)->cap; }
/* t's IPC buffer (kernel alias) if its frame cap allows the access: readable for a
 * message t sends, read-write for one it receives (seL4's lookupIPCBuffer); else NULL. */
word_t *tcb_ipc_buffer(tcb_t *t, bool receiving);
