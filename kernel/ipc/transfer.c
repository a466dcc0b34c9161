/* Moving a message from one thread to another: message registers, capabilities
 * (with the sender's Grant right), badges; reply capabilities; fault messages and
 * the replies that resume faulting threads. */
#include <object/endpoint.h>
#include <invocation.h>
#include <fault.h>
#include <sched.h>
#include <kprintf.h>
#include <k/abi.h>
#include <cap/derive.h>
#include <arch/csr.h>

#define N_MSG_REGS 4

static void set_mr(tcb_t *t, word_t *buf, unsigned i, word_t v)
{
    if (i < N_MSG_REGS) t->ctx.regs[REG_A2 + i] = v;
    else if (buf) buf[1 + i] = v;
}

static word_t get_mr(tcb_t *t, word_t *buf, unsigned i)
{
    if (i < N_MSG_REGS) return t->ctx.regs[REG_A2 + i];
    return buf ? buf[1 + i] : 0;
}

/* The receiver's one receive slot (seL4: receiveCNode/Index/Depth in its IPC buffer),
 * or NULL if it names no empty slot. */
static cte_t *receive_slot(tcb_t *r, word_t *rbuf)
{
    struct k_ipc_buffer *b = (struct k_ipc_buffer *)rbuf;
    lookup_fault_t why;
    cte_t *cn = cspace_lookup_cap_slot(tcb_cspace_root(r), b->receive_cnode, &why);
    if (!cn || cap_type(cn->cap) != CAP_CNODE) return NULL;
    inv_error_t e;
    cte_t *s = inv_lookup_slot(cn->cap, b->receive_index, b->receive_depth, false, &e);
    return s && cap_is_null(s->cap) ? s : NULL;
}

/* Returns the message info's extraCaps and capsUnwrapped fields for the receiver. */
static void transfer_caps(tcb_t *s, word_t *sbuf, unsigned n, endpoint_t *ep, tcb_t *r,
                          word_t *rbuf, unsigned *n_done, unsigned *unwrapped)
{
    *n_done = 0;
    *unwrapped = 0;
    if (!sbuf || !rbuf || n == 0) return;
    struct k_ipc_buffer *sb = (struct k_ipc_buffer *)sbuf, *rb = (struct k_ipc_buffer *)rbuf;
    /* All of the sender's caps are looked up first: if any lookup fails, none moves
     * (seL4's doNormalTransfer). The send itself has already succeeded. */
    cte_t *src[K_MSG_MAX_EXTRA_CAPS];
    if (n > K_MSG_MAX_EXTRA_CAPS) n = K_MSG_MAX_EXTRA_CAPS;
    for (unsigned i = 0; i < n; i++) {
        lookup_fault_t why;
        src[i] = cspace_lookup_cap_slot(tcb_cspace_root(s), sb->caps_or_badges[i], &why);
        if (!src[i]) return;
    }
    cte_t *dest = receive_slot(r, rbuf);
    unsigned i = 0;
    for (; i < n; i++) {
        cte_t *slot = src[i];
        cap_t c = slot->cap;
        if (ep && cap_type(c) == CAP_ENDPOINT && cap_ptr(c) == (void *)ep) {
            /* A cap to the very endpoint the message came through: the receiver
             * already has it, so it gets only the badge. */
            rb->caps_or_badges[i] = cap_badge(c);
            *unwrapped |= 1u << i;
            continue;
        }
        if (!dest) break;                  /* one receive slot; nothing is ever lost */
        cap_t d;
        if (cap_derive(slot, c, &d) != K_NO_ERROR || cap_is_null(d)) break;
        cdt_insert_child(slot, dest, d);
        dest = NULL;
    }
    *n_done = i;
}

static unsigned fault_message(tcb_t *s, tcb_t *r, word_t *rbuf)
{
    word_t *reg = s->ctx.regs;
    switch (s->fault_type) {
    case K_FAULT_CAP: {
        set_mr(r, rbuf, 0, s->fault_pc);
        set_mr(r, rbuf, 1, s->fault_addr);
        set_mr(r, rbuf, 2, s->fault_in_recv);
        set_mr(r, rbuf, 3, s->fault_lookup[0]);
        unsigned n = 4;
        if (s->fault_lookup[0] != K_INVALID_ROOT) set_mr(r, rbuf, n++, s->fault_lookup[1]);
        if (s->fault_lookup[0] == K_DEPTH_MISMATCH) set_mr(r, rbuf, n++, s->fault_lookup[2]);
        if (s->fault_lookup[0] == K_GUARD_MISMATCH) {
            set_mr(r, rbuf, n++, s->fault_lookup[2]);
            set_mr(r, rbuf, n++, s->fault_lookup[3]);
        }
        return n;
    }
    case K_FAULT_UNKNOWN_SYSCALL: {
        static const uint8_t regs[] = { REG_SP, 1 /* ra */, REG_A0, REG_A1, REG_A2, REG_A3,
                                        REG_A4, REG_A5, REG_A6 };
        set_mr(r, rbuf, 0, s->fault_pc);
        for (unsigned i = 0; i < sizeof(regs); i++) set_mr(r, rbuf, 1 + i, reg[regs[i]]);
        set_mr(r, rbuf, 10, s->fault_addr);
        return K_UNKNOWN_SYSCALL_LENGTH;
    }
    case K_FAULT_USER_EXCEPTION:
        set_mr(r, rbuf, 0, s->fault_pc);
        set_mr(r, rbuf, 1, reg[REG_SP]);
        set_mr(r, rbuf, 2, s->fault_code);
        set_mr(r, rbuf, 3, 0);
        return K_USER_EXCEPTION_LENGTH;
    default: { /* K_FAULT_VM */
        /* seL4 reports the access kind, not the hart's cause: a page fault and an
         * access fault of the same kind both give the access-fault code (instruction
         * 1, load 5, store/AMO 7), and PrefetchFault marks instruction fetches. */
        bool fetch = s->fault_code == EXC_INST_PAGE_FAULT || s->fault_code == EXC_INST_ACCESS;
        bool store = s->fault_code == EXC_STORE_PAGE_FAULT || s->fault_code == EXC_STORE_ACCESS;
        set_mr(r, rbuf, 0, s->fault_pc);
        set_mr(r, rbuf, 1, s->fault_addr);
        set_mr(r, rbuf, 2, fetch);
        set_mr(r, rbuf, 3, fetch ? EXC_INST_ACCESS : store ? EXC_STORE_ACCESS : EXC_LOAD_ACCESS);
        return K_VM_FAULT_LENGTH;
    }
    }
}

void ipc_transfer(tcb_t *s, endpoint_t *ep, word_t badge, bool can_grant, tcb_t *r)
{
    word_t *sbuf = tcb_ipc_buffer(s, false), *rbuf = tcb_ipc_buffer(r, true);
    word_t info;
    if (s->fault_type) {
        unsigned len = fault_message(s, r, rbuf);
        info = k_msginfo_new(s->fault_type, 0, 0, rbuf ? len : (len < N_MSG_REGS ? len : N_MSG_REGS));
    } else {
        word_t tag = s->ctx.regs[REG_A1];
        word_t len = k_msginfo_length(tag);
        if (len > K_MSG_MAX_LENGTH) len = K_MSG_MAX_LENGTH;
        /* Words past the registers need both buffers; otherwise the message is cut
         * to what the registers hold, and the length says so. */
        if ((!sbuf || !rbuf) && len > N_MSG_REGS) len = N_MSG_REGS;
        for (unsigned i = 0; i < len; i++) set_mr(r, rbuf, i, get_mr(s, sbuf, i));
        unsigned n_caps = 0, unwrapped = 0;
        if (can_grant) transfer_caps(s, sbuf, (unsigned)k_msginfo_extra_caps(tag), ep, r, rbuf, &n_caps, &unwrapped);
        info = k_msginfo_new(k_msginfo_label(tag), unwrapped, n_caps, len);
    }
    r->ctx.regs[REG_A0] = badge;
    r->ctx.regs[REG_A1] = info;
}

void ipc_setup_caller_cap(tcb_t *caller, tcb_t *receiver, bool can_grant)
{
    cte_t *master = tcb_slot(caller, TCB_SLOT_REPLY), *dest = tcb_slot(receiver, TCB_SLOT_CALLER);
    paddr_t me = kva_to_paddr(caller);
    if (cap_is_null(master->cap))
        cdt_insert_new(NULL, master, cap_make(CAP_REPLY, me, RIGHTS_ALL, 1 /* master */, true, 0));
    if (!cap_is_null(dest->cap)) cte_delete(dest);
    sched_block(caller, TCB_BLOCKED_REPLY);
    cdt_insert_child(master, dest, cap_make(CAP_REPLY, me, RIGHTS_ALL, 0, can_grant, 0));
}

/* A fault handler answered (seL4's handleFaultReply). A VM or capability fault always
 * resumes, whatever the reply says: the thread retries the faulting instruction. For an
 * unknown system call or a user exception the reply's words set registers (pc first),
 * and only label 0 resumes; any other label leaves the thread inactive. */
static bool fault_reply(tcb_t *faulter, tcb_t *replier)
{
    word_t type = faulter->fault_type;
    faulter->fault_type = 0;
    if (type != K_FAULT_UNKNOWN_SYSCALL && type != K_FAULT_USER_EXCEPTION) return true;
    word_t tag = replier->ctx.regs[REG_A1];
    word_t label = k_msginfo_label(tag), len = k_msginfo_length(tag);
    word_t *rbuf = tcb_ipc_buffer(replier, false);
    if (!rbuf && len > N_MSG_REGS) len = N_MSG_REGS;
    static const uint8_t sys_regs[] = { CTX_PC, REG_SP, 1 /* ra */, REG_A0, REG_A1, REG_A2,
                                        REG_A3, REG_A4, REG_A5, REG_A6 };
    unsigned n = type == K_FAULT_UNKNOWN_SYSCALL ? 10 : 2;
    if (len < n) n = (unsigned)len;
    for (unsigned i = 0; i < n; i++) faulter->ctx.regs[sys_regs[i]] = get_mr(replier, rbuf, i);
    return label == 0;
}

void ipc_do_reply(tcb_t *replier, cte_t *slot)
{
    cap_t c = slot->cap;
    tcb_t *caller = cap_ptr(c);
    bool grant = cap_flag(c);
    if (caller->state != TCB_BLOCKED_REPLY) {
        cdt_remove(slot);
        return;
    }
    if (!caller->fault_type) {
        ipc_transfer(replier, NULL, 0, grant, caller);
        cdt_remove(slot);
        sched_make_runnable(caller);
        return;
    }
    cdt_remove(slot);
    if (fault_reply(caller, replier)) sched_make_runnable(caller);
    else sched_suspend(caller);
}
