/* TCB invocations (seL4's, non-MCS): configure the thread's spaces and IPC buffer,
 * read and write its registers, priorities, suspend and resume.
 *
 * Priorities are authorised by another TCB (the "authority"): nobody can give a thread
 * a priority or maximum controlled priority (MCP) above the authority's MCP. */
#include <invocation.h>
#include <object/tcb.h>
#include <object/vspace.h>
#include <object/objects.h>
#include <cap/derive.h>
#include <sched.h>
#include <object/endpoint.h>
#include <kprintf.h>
#include <node.h>

void tcb_set_name(tcb_t *t, const char *name)
{
    unsigned i = 0;
    for (; i < TCB_NAME_LEN - 1 && name[i]; i++) t->name[i] = name[i];
    t->name[i] = '\0';
}

/* seL4's register order for Read/WriteRegisters: the 16 "frame" registers (pc, ra,
 * sp, gp, s0..s11), then the 16 "integer" registers (a0..a7, t0..t6, tp). Entries are
 * indices into user_context_t.regs (0 = pc, n = xn). */
static const uint8_t reg_order[32] = {
    0, 1, 2, 3, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
    10, 11, 12, 13, 14, 15, 16, 17, 5, 6, 7, 28, 29, 30, 31, 4,
};
#define N_FRAME_REGS 16
#define N_REGS 32

static bool is_blocked(tcb_t *t)
{
    return t->state >= TCB_BLOCKED_SEND && t->state <= TCB_BLOCKED_NOTIFICATION;
}

/* Take t out of the IPC it is blocked in (its pending reply cap dies). As in seL4, a
 * thread stopped inside a system call starts that call again when it next runs; one
 * stopped in a fault retries the faulting instruction. */
static void stop_blocked(tcb_t *t)
{
    bool in_syscall = !t->fault_type;
    ipc_cancel(t);
    t->fault_type = 0;
    if (in_syscall) t->ctx.regs[CTX_PC] -= 4;
}

/* seL4's restart(): any stopped thread (inactive, or blocked in IPC) runs again,
 * re-issuing the system call it was blocked in. A running thread is left alone, and
 * so is a dead one (it ended with SYS_DEBUG_THREAD_EXIT, our extension: seL4 has no
 * such state, and the call promises that the thread never runs again). */
static void restart(tcb_t *t)
{
    if (is_blocked(t)) stop_blocked(t);
    if (t->state == TCB_INACTIVE || is_blocked(t)) sched_restart(t);
}

/* seL4's suspend(): whatever the thread was doing, it becomes inactive. A dead thread
 * stays dead: made inactive, a Resume would bring it back. */
static void suspend(tcb_t *t)
{
    if (t->state == TCB_DEAD) return;
    if (is_blocked(t)) stop_blocked(t);
    sched_suspend(t);
}

/* --- spaces and the IPC buffer ------------------------------------------------- */

/* The new CSpace root: optionally re-guarded, derived, and a CNode. */
static word_t check_cspace(cte_t *src, word_t data, cap_t *out, inv_error_t *e)
{
    cap_t c = src->cap;
    if (data != 0) {
        c = cap_update_data(false, data, c);
        if (cap_is_null(c)) return err_simple(e, K_ILLEGAL_OPERATION);
    }
    word_t err = cap_derive(src, c, out);
    if (err) return err_simple(e, err);
    if (cap_type(*out) != CAP_CNODE) return err_simple(e, K_ILLEGAL_OPERATION);
    return K_NO_ERROR;
}

/* The new VSpace root: a page table with an ASID. */
static word_t check_vspace(cte_t *src, cap_t *out, inv_error_t *e)
{
    word_t err = cap_derive(src, src->cap, out);
    if (err) return err_simple(e, err);
    if (cap_type(*out) != CAP_PAGE_TABLE || !vspace_cap_valid(*out)) return err_simple(e, K_ILLEGAL_OPERATION);
    return K_NO_ERROR;
}

/* An IPC buffer: a non-device frame and a 1 KiB-aligned address (0 = none). */
static word_t check_buffer(cte_t *src, vaddr_t addr, cap_t *out, inv_error_t *e)
{
    if (addr == 0) { *out = cap_null(); return K_NO_ERROR; }
    word_t err = cap_derive(src, src->cap, out);
    if (err) return err_simple(e, err);
    if (cap_type(*out) != CAP_FRAME || cap_flag(*out)) return err_simple(e, K_ILLEGAL_OPERATION);
    if (!IS_ALIGNED(addr, 1u << K_IPC_BUFFER_BITS)) return err_simple(e, K_ALIGNMENT_ERROR);
    return K_NO_ERROR;
}

/* Replace what is in one of the thread's own slots with `cap`, derived from `src`.
 * Deleting the old cap can destroy objects (even the CNode holding `src`, or this very
 * TCB), so the new cap goes in only if both are still what they were, as seL4 does. */
static void install(inv_t *iv, tcb_t *t, unsigned which, cte_t *src, cap_t cap)
{
    cte_t *slot = tcb_slot(t, which);
    cap_t src_before = src ? src->cap : cap_null();
    if (which == TCB_SLOT_VTABLE) vspace_changed();
    if (!cap_is_null(slot->cap)) cte_delete(slot);
    if (!src || cap_is_null(cap)) return;
    if (iv->slot->cap.w0 != iv->cap.w0 || src->cap.w0 != src_before.w0) return;
    cdt_insert_child(src, slot, cap);
}

static word_t set_space(inv_t *iv, inv_error_t *e, bool with_buffer)
{
    /* MR0 fault_ep, MR1 cspace_root_data, MR2 vspace_root_data, [MR3 buffer];
     * caps: cspace_root, vspace_root, [buffer frame]. */
    unsigned need_len = with_buffer ? 4 : 3, need_caps = with_buffer ? 3 : 2;
    if (iv->length < need_len || iv->n_extra < need_caps) return err_simple(e, K_TRUNCATED_MESSAGE);
    tcb_t *t = cap_ptr(iv->cap);
    cap_t croot, vroot, buf = cap_null();
    /* seL4 checks the IPC buffer first, then the CSpace, then the VSpace. */
    vaddr_t buffer = with_buffer ? inv_mr(iv, 3) : 0;
    if (with_buffer && check_buffer(iv->extra[2], buffer, &buf, e)) return e->type;
    if (check_cspace(iv->extra[0], inv_mr(iv, 1), &croot, e)) return e->type;
    if (check_vspace(iv->extra[1], &vroot, e)) return e->type;

    t->fault_ep = inv_mr(iv, 0);
    install(iv, t, TCB_SLOT_CTABLE, iv->extra[0], croot);
    install(iv, t, TCB_SLOT_VTABLE, iv->extra[1], vroot);
    if (with_buffer) {
        t->ipc_buffer = buffer;
        install(iv, t, TCB_SLOT_BUFFER, buffer ? iv->extra[2] : NULL, buf);
    }
    if (t == sched_current()) sched_reload_vspace();
    return K_NO_ERROR;
}

static word_t set_ipc_buffer(inv_t *iv, inv_error_t *e)
{
    if (iv->length < 1 || iv->n_extra < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
    tcb_t *t = cap_ptr(iv->cap);
    vaddr_t buffer = inv_mr(iv, 0);
    cap_t buf;
    if (check_buffer(iv->extra[0], buffer, &buf, e)) return e->type;
    t->ipc_buffer = buffer;
    install(iv, t, TCB_SLOT_BUFFER, buffer ? iv->extra[0] : NULL, buf);
    return K_NO_ERROR;
}

/* --- registers ----------------------------------------------------------------- */

static word_t read_registers(inv_t *iv, inv_error_t *e)
{
    if (iv->length < 2) return err_simple(e, K_TRUNCATED_MESSAGE);
    tcb_t *t = cap_ptr(iv->cap);
    word_t flags = inv_mr(iv, 0), n = inv_mr(iv, 1);
    if (n < 1 || n > N_REGS) return err_range(e, 1, N_REGS);
    if (t == iv->caller) return err_simple(e, K_ILLEGAL_OPERATION);
    if (flags & 1) suspend(t);
    /* Results go in the reply's message registers; without an IPC buffer only the
     * first four can be delivered, and the reply's length says so. */
    unsigned i = 0;
    for (; i < n; i++)
        if (!inv_set_mr(iv, i, t->ctx.regs[reg_order[i]])) break;
    e->len = i;
    return K_NO_ERROR;
}

static word_t write_registers(inv_t *iv, inv_error_t *e)
{
    if (iv->length < 2) return err_simple(e, K_TRUNCATED_MESSAGE);
    tcb_t *t = cap_ptr(iv->cap);
    word_t flags = inv_mr(iv, 0), n = inv_mr(iv, 1);
    if (iv->length - 2 < n) return err_simple(e, K_TRUNCATED_MESSAGE);
    if (t == iv->caller) return err_simple(e, K_ILLEGAL_OPERATION);
    if (n > N_REGS) n = N_REGS;
    for (word_t i = 0; i < n; i++) t->ctx.regs[reg_order[i]] = inv_mr(iv, 2 + (unsigned)i);
    if (flags & 1) restart(t);
    return K_NO_ERROR;
}

static word_t copy_registers(inv_t *iv, inv_error_t *e)
{
    if (iv->length < 1 || iv->n_extra < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
    cap_t src_cap = iv->extra[0]->cap;
    if (cap_type(src_cap) != CAP_THREAD) return err_invalid_cap(e, 1);
    tcb_t *dst = cap_ptr(iv->cap), *src = cap_ptr(src_cap);
    node_stall_tcb(src);            /* its registers are read: it must be still */
    word_t flags = inv_mr(iv, 0);
    bool suspend_source = flags & 1, resume_target = flags & 2;
    bool frame = flags & 4, integer = flags & 8;
    if (suspend_source) suspend(src);
    if (resume_target) restart(dst);
    for (unsigned i = 0; i < N_REGS; i++)
        if ((i < N_FRAME_REGS && frame) || (i >= N_FRAME_REGS && integer))
            dst->ctx.regs[reg_order[i]] = src->ctx.regs[reg_order[i]];
    return K_NO_ERROR;
}

/* --- scheduling ----------------------------------------------------------------- */

static word_t authority(inv_t *iv, unsigned which, tcb_t **out, inv_error_t *e)
{
    cap_t c = iv->extra[which]->cap;
    if (cap_type(c) != CAP_THREAD) return err_invalid_cap(e, which + 1);
    *out = cap_ptr(c);
    return K_NO_ERROR;
}

static word_t check_prio(word_t prio, tcb_t *auth, inv_error_t *e)
{
    if (prio > auth->mcp) return err_range(e, 0, auth->mcp);
    return K_NO_ERROR;
}

static word_t set_priorities(inv_t *iv, inv_error_t *e)
{
    /* SetPriority: MR0 prio; SetMCPriority: MR0 mcp; SetSchedParams: MR0 mcp, MR1 prio.
     * cap0 = the authority TCB in all three. */
    unsigned need = iv->label == K_TCB_SET_SCHED_PARAMS ? 2 : 1;
    if (iv->length < need || iv->n_extra < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
    tcb_t *auth = NULL, *t = cap_ptr(iv->cap);
    if (authority(iv, 0, &auth, e)) return e->type;
    word_t mcp = t->mcp, prio = t->priority;
    if (iv->label == K_TCB_SET_PRIORITY) prio = inv_mr(iv, 0);
    else mcp = inv_mr(iv, 0);
    if (iv->label == K_TCB_SET_SCHED_PARAMS) prio = inv_mr(iv, 1);
    if (iv->label != K_TCB_SET_PRIORITY && check_prio(mcp, auth, e)) return e->type;
    if (iv->label != K_TCB_SET_MC_PRIORITY && check_prio(prio, auth, e)) return e->type;
    t->mcp = (uint8_t)mcp;
    if (prio != t->priority) sched_set_priority(t, (uint8_t)prio);
    return K_NO_ERROR;
}

/* SetAffinity (multicore builds): MR0 the node index. Stalling (tcb_invoke) has taken
 * the thread off any other hart and saved FP registers held there; FP registers held
 * by this hart's unit are saved here. */
#if CONFIG_MAX_NUM_NODES > 1
static word_t set_affinity(inv_t *iv, inv_error_t *e)
{
    if (iv->length < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
    tcb_t *t = cap_ptr(iv->cap);
    word_t node = inv_mr(iv, 0);
    /* seL4: IllegalOperation for a number that is not a CPU's. */
    if (node >= nodes_online) return err_simple(e, K_ILLEGAL_OPERATION);
    if (t->ctx.node == this_node()) fpu_release(t);
    sched_migrate(t, node_by_index((unsigned)node));
    return K_NO_ERROR;
}
#endif

word_t tcb_invoke(inv_t *iv, inv_error_t *e)
{
    tcb_t *t = cap_ptr(iv->cap);
    /* As seL4 (remoteTCBStall): whatever the invocation does to the thread, it must
     * not be running on another hart meanwhile. */
    node_stall_tcb(t);
    switch (iv->label) {
#if CONFIG_MAX_NUM_NODES > 1
    case K_TCB_SET_AFFINITY:    return set_affinity(iv, e);
#endif
    case K_TCB_READ_REGISTERS:  return read_registers(iv, e);
    case K_TCB_WRITE_REGISTERS: return write_registers(iv, e);
    case K_TCB_COPY_REGISTERS:  return copy_registers(iv, e);
    case K_TCB_CONFIGURE:       return set_space(iv, e, true);
    case K_TCB_SET_SPACE:       return set_space(iv, e, false);
    case K_TCB_SET_IPC_BUFFER:  return set_ipc_buffer(iv, e);
    case K_TCB_SET_PRIORITY:
    case K_TCB_SET_MC_PRIORITY:
    case K_TCB_SET_SCHED_PARAMS:
        return set_priorities(iv, e);
    case K_TCB_SUSPEND:
        suspend(t);
        return K_NO_ERROR;
    case K_TCB_BIND_NOTIFICATION: {
        if (iv->n_extra < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
        cap_t nc = iv->extra[0]->cap;
        if (t->bound_ntfn) return err_simple(e, K_ILLEGAL_OPERATION);
        if (cap_type(nc) != CAP_NOTIFICATION || !(cap_rights(nc) & RIGHT_READ)) return err_invalid_cap(e, 1);
        notification_t *n = cap_ptr(nc);
        if (ntfn_bound_tcb(n) || n->head) return err_simple(e, K_ILLEGAL_OPERATION);
        ntfn_bind(n, t);
        return K_NO_ERROR;
    }
    case K_TCB_UNBIND_NOTIFICATION:
        if (!t->bound_ntfn) return err_simple(e, K_ILLEGAL_OPERATION);
        ntfn_unbind(t);
        return K_NO_ERROR;
    case K_TCB_RESUME:
        restart(t);
        return K_NO_ERROR;
    case K_TCB_SET_TLS_BASE:
        if (iv->length < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
        t->ctx.regs[REG_TP] = inv_mr(iv, 0);
        return K_NO_ERROR;
    default:
        return err_simple(e, K_ILLEGAL_OPERATION);
    }
}
