/* The invocation path: look up the invoked capability and the extra capabilities,
 * dispatch on the capability's type, and write the reply (for Call). */
#include <invocation.h>
#include <fault.h>
#include <sched.h>
#include <kprintf.h>
#include <object/objects.h>
#include <preempt.h>
#include <arch.h>

#define N_MSG_REGISTERS 4     /* message registers passed in a2..a5 */

word_t *tcb_ipc_buffer(tcb_t *t, bool receiving)
{
    /* The buffer is reached through the frame cap the thread was configured with, so
     * the kernel never touches user memory through the user's own mappings (SUM off).
     * As in seL4 (lookupIPCBuffer), the cap's rights decide: the kernel writes a
     * message only into a read-write buffer, and reads one from a buffer that is at
     * least readable; device frames are never used. */
    cap_t f = tcb_slot(t, TCB_SLOT_BUFFER)->cap;
    if (cap_type(f) != CAP_FRAME || cap_flag(f)) return NULL;
    unsigned rights = cap_rights(f);
    if (!(rights & RIGHT_READ) || (receiving && !(rights & RIGHT_WRITE))) return NULL;
    uint64_t off = t->ipc_buffer & MASK(cap_size(f));     /* a frame's size is log2 bytes */
    return (word_t *)((uint8_t *)cap_ptr(f) + off);
}

word_t inv_mr(const inv_t *iv, unsigned i)
{
    if (i < N_MSG_REGISTERS) return iv->caller->ctx.regs[REG_A2 + i];
    return iv->buffer ? iv->buffer[1 + i] : 0;
}

bool inv_set_mr(inv_t *iv, unsigned i, word_t v)
{
    /* Results exist only for a Call: a Send's registers are left as they were. */
    if (!iv->is_call) return false;
    if (i < N_MSG_REGISTERS) { iv->caller->ctx.regs[REG_A2 + i] = v; return true; }
    if (!iv->reply_buffer || i >= K_MSG_MAX_LENGTH) return false;
    iv->reply_buffer[1 + i] = v;
    return true;
}

word_t err_simple(inv_error_t *e, word_t type) { e->type = type; e->len = 0; return type; }
word_t err_invalid_arg(inv_error_t *e, word_t which)
{
    e->type = K_INVALID_ARGUMENT; e->len = 1; e->mr[0] = which; return e->type;
}
word_t err_invalid_cap(inv_error_t *e, word_t which)
{
    e->type = K_INVALID_CAPABILITY; e->len = 1; e->mr[0] = which; return e->type;
}
word_t err_range(inv_error_t *e, word_t min, word_t max)
{
    e->type = K_RANGE_ERROR; e->len = 2; e->mr[0] = min; e->mr[1] = max; return e->type;
}
word_t err_memory(inv_error_t *e, word_t bytes_left)
{
    e->type = K_NOT_ENOUGH_MEMORY; e->len = 1; e->mr[0] = bytes_left; return e->type;
}

/* FailedLookup details: MR0 = was it the source, MR1 = lookup failure type, then
 * bits left and the type's own words (seL4 manual, "Errors"). */
word_t err_lookup(inv_error_t *e, bool was_source, const lookup_fault_t *why)
{
    e->type = K_FAILED_LOOKUP;
    e->mr[0] = was_source;
    e->mr[1] = why->type;
    e->mr[2] = why->bits_left;
    e->len = 3;
    if (why->type == K_DEPTH_MISMATCH) { e->mr[3] = why->guard_found; e->len = 4; }
    if (why->type == K_GUARD_MISMATCH) { e->mr[3] = why->guard_found; e->mr[4] = why->guard_size; e->len = 5; }
    if (why->type == K_INVALID_ROOT) e->len = 2;
    return e->type;
}

word_t err_missing_cap(inv_error_t *e, bool was_source, word_t bits_left)
{
    lookup_fault_t why = { K_MISSING_CAPABILITY, bits_left, 0, 0 };
    return err_lookup(e, was_source, &why);
}

cte_t *inv_lookup_slot(cap_t root, word_t index, word_t depth, bool is_source, inv_error_t *e)
{
    lookup_fault_t why = { K_INVALID_ROOT, 0, 0, 0 };
    if (cap_type(root) != CAP_CNODE) {
        err_lookup(e, is_source, &why);
        return NULL;
    }
    if (depth < 1 || depth > 64) {
        err_range(e, 1, 64);
        return NULL;
    }
    cte_t *s = cspace_lookup_slot(root, index, depth, &why);
    if (!s) err_lookup(e, is_source, &why);
    return s;
}

static word_t decode(inv_t *iv, inv_error_t *e)
{
    switch (cap_type(iv->cap)) {
    case CAP_UNTYPED: return untyped_invoke(iv, e);
    case CAP_CNODE:   return cnode_invoke(iv, e);
    case CAP_THREAD:  return tcb_invoke(iv, e);
    case CAP_FRAME:   return frame_invoke(iv, e);
    case CAP_PAGE_TABLE: return page_table_invoke(iv, e);
    case CAP_ASID_CONTROL: return asid_control_invoke(iv, e);
    case CAP_ASID_POOL: return asid_pool_invoke(iv, e);
    case CAP_DOMAIN:  return domain_invoke(iv, e);
    case CAP_IRQ_CONTROL: return irq_control_invoke(iv, e);
    case CAP_IRQ_HANDLER: return irq_handler_invoke(iv, e);
#ifdef CONFIG_PRINTING
    case CAP_AUDIT:   return audit_invoke(iv, e);
#endif
    case CAP_NULL:
    case CAP_ZOMBIE:
    case CAP_ENDPOINT:        /* reached only without the right to send */
    case CAP_NOTIFICATION:
    case CAP_REPLY:           /* a master reply cap */
        return err_invalid_cap(e, 0);
    default:
        /* Caps with no invocations of their own (reply masters reach here only through
         * the cases above) answer as seL4 does to an invocation it does not know. */
        return err_simple(e, K_ILLEGAL_OPERATION);
    }
}

void invoke_capability(tcb_t *caller, cte_t *slot, word_t info, bool is_call,
                       cte_t *const extra[], unsigned n_extra)
{
    inv_t iv = { 0 };
    inv_error_t e = { 0 };

    iv.caller = caller;
    iv.is_call = is_call;
    iv.slot = slot;
    iv.cap = slot->cap;
    iv.label = k_msginfo_label(info);
    iv.length = k_msginfo_length(info);
    iv.buffer = tcb_ipc_buffer(caller, false);
    /* The same frame, if its cap also allows writing (tcb_ipc_buffer's rule). */
    if (is_call && iv.buffer && (cap_rights(tcb_slot(caller, TCB_SLOT_BUFFER)->cap) & RIGHT_WRITE))
        iv.reply_buffer = iv.buffer;
    /* Without an IPC buffer only the register message registers exist. */
    if (iv.length > K_MSG_MAX_LENGTH) iv.length = K_MSG_MAX_LENGTH;
    if (!iv.buffer && iv.length > N_MSG_REGISTERS) iv.length = N_MSG_REGISTERS;
    iv.n_extra = n_extra;
    for (unsigned i = 0; i < n_extra; i++) iv.extra[i] = extra[i];

    /* Retype and the CNode operations may stop at a preemption point (preempt.h):
     * then nothing is answered and the call is issued again from its ecall. */
    bool restartable = cap_type(iv.cap) == CAP_UNTYPED || cap_type(iv.cap) == CAP_CNODE;
    if (restartable) preempt_begin();
    word_t err = decode(&iv, &e);
    if (restartable && preempt_stopped()) {
        caller->ctx.regs[CTX_PC] -= 4;
        arch_poll_interrupts();        /* take the interrupt now, as seL4 does */
    }
    if (restartable && preempt_end()) return;
    /* Only a Call is answered; and not if the caller is gone or now waits (a TCB that
     * suspended itself, a thread whose fault is being handled). */
    if (!is_call || caller->state != TCB_RUNNING) return;
    /* Reply: label = error, message = the error's details (or the result words the
     * perform step already placed with inv_set_mr, counted in e.len on success). */
    word_t *r = caller->ctx.regs;
    if (err != K_NO_ERROR)
        for (unsigned i = 0; i < e.len; i++) inv_set_mr(&iv, i, e.mr[i]);
    r[REG_A0] = 0;
    r[REG_A1] = k_msginfo_new(err, 0, 0, e.len);
}
