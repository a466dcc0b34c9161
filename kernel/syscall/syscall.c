/* System call dispatch on the number in a7 (seL4's numbering, see docs/abi.md).
 *
 * Send and Call look up the capability in a0: an endpoint carries a message, a
 * notification is signalled, a reply capability answers a caller, anything else is an
 * invocation of a kernel object. Recv waits on an endpoint or notification. */
#include <syscall.h>
#include <sched.h>
#include <kprintf.h>
#include <arch.h>
#include <invocation.h>
#include <fault.h>
#include <debug.h>
#include <preempt.h>
#include <object/endpoint.h>
#include <k/syscalls.h>

/* Look up the extra caps a send names in t's IPC buffer (none without a readable
 * buffer). Returns how many, or -1 with *bad and *why set if one does not resolve. */
static int lookup_extra_caps(tcb_t *t, cte_t *extra[INV_MAX_EXTRA_CAPS], word_t *bad,
                             lookup_fault_t *why)
{
    unsigned n = (unsigned)k_msginfo_extra_caps(t->ctx.regs[REG_A1]);
    if (!n) return 0;
    struct k_ipc_buffer *b = (struct k_ipc_buffer *)tcb_ipc_buffer(t, false);
    if (!b) return 0;
    for (unsigned i = 0; i < n; i++) {
        extra[i] = cspace_lookup_cap_slot(tcb_cspace_root(t), b->caps_or_badges[i], why);
        if (!extra[i]) {
            *bad = b->caps_or_badges[i];
            return -1;
        }
    }
    return (int)n;
}

/* A Call on a notification or a reply cap completes at once and gets seL4's empty
 * reply (badge 0, message info 0); a Send leaves the registers alone. */
static void empty_reply(tcb_t *t, bool is_call)
{
    if (is_call) t->ctx.regs[REG_A0] = t->ctx.regs[REG_A1] = 0;
}

static void send(tcb_t *t, bool is_call, bool blocking)
{
    word_t *r = t->ctx.regs;
    lookup_fault_t why;
    cte_t *slot = cspace_lookup_cap_slot(tcb_cspace_root(t), r[REG_A0], &why);
    if (!slot) {
        /* NBSend to nothing is silently dropped, as seL4 does; the others fault. */
        if (blocking) fault_cap(t, r[REG_A0], false, &why);
        return;
    }
    /* As in seL4's handleInvocation, the extra caps are looked up for every kind of
     * send before anything happens; a bad one faults the same way (NBSend: dropped). */
    cte_t *extra[INV_MAX_EXTRA_CAPS];
    word_t bad;
    int n_extra = lookup_extra_caps(t, extra, &bad, &why);
    if (n_extra < 0) {
        if (blocking) fault_cap(t, bad, false, &why);
        return;
    }
    cap_t c = slot->cap;
    unsigned rights = cap_rights(c);
    switch (cap_type(c)) {
    case CAP_ENDPOINT:
        if (!(rights & RIGHT_WRITE)) break;
        ep_send(cap_ptr(c), t, cap_badge(c), rights & RIGHT_GRANT, rights & RIGHT_GRANT_REPLY,
                is_call, blocking);
        return;
    case CAP_NOTIFICATION:
        if (!(rights & RIGHT_WRITE)) break;
        ntfn_signal(cap_ptr(c), cap_badge(c));
        empty_reply(t, is_call);
        return;
    case CAP_REPLY:
        if (cap_size(c) & 1) break;          /* a master reply cap cannot be invoked */
        ipc_do_reply(t, slot);
        empty_reply(t, is_call);
        return;
    default:
        break;
    }
    /* Kernel objects, and endpoints or notifications without the right to send (the
     * invocation layer answers those with InvalidCapability, as seL4 does). */
    invoke_capability(t, slot, r[REG_A1], is_call, extra, (unsigned)n_extra);
}

static void receive(tcb_t *t, bool blocking)
{
    word_t cptr = t->ctx.regs[REG_A0];
    lookup_fault_t why;
    cte_t *slot = cspace_lookup_cap_slot(tcb_cspace_root(t), cptr, &why);
    if (!slot) {
        fault_cap(t, cptr, true, &why);
        return;
    }
    cap_t c = slot->cap;
    unsigned rights = cap_rights(c);
    if (cap_type(c) == CAP_ENDPOINT && (rights & RIGHT_READ)) {
        /* A reply cap left from an earlier Call is dropped before waiting again. */
        cte_t *caller = tcb_slot(t, TCB_SLOT_CALLER);
        if (!cap_is_null(caller->cap)) cte_delete(caller);
        ep_receive(cap_ptr(c), t, rights & RIGHT_GRANT, blocking);
        return;
    }
    if (cap_type(c) == CAP_NOTIFICATION && (rights & RIGHT_READ)) {
        notification_t *n = cap_ptr(c);
        tcb_t *bound = ntfn_bound_tcb(n);
        if (!bound || bound == t) {
            ntfn_wait(n, t, blocking);
            return;
        }
    }
    why = (lookup_fault_t){ K_MISSING_CAPABILITY, 0, 0, 0 };
    fault_cap(t, cptr, true, &why);
}

static void reply(tcb_t *t)
{
    cte_t *slot = tcb_slot(t, TCB_SLOT_CALLER);
    if (cap_type(slot->cap) == CAP_REPLY) ipc_do_reply(t, slot);
}

#ifdef CONFIG_DEBUG_BUILD
/* Calls and ReplyRecvs that reached the general path: the fast path never comes here,
 * so it stays as fast as without the count. */
static word_t slowpath_count;
#define COUNT_SLOWPATH() (slowpath_count++)
#else
#define COUNT_SLOWPATH() ((void)0)
#endif

void syscall_dispatch(tcb_t *cur, long n)
{
    word_t *r = cur->ctx.regs;
    switch (n) {
    case SYS_CALL:
        COUNT_SLOWPATH();
        send(cur, true, true);
        return;
    case SYS_SEND:       send(cur, false, true); return;
    case SYS_NB_SEND:    send(cur, false, false); return;
    case SYS_RECV:       receive(cur, true); return;
    case SYS_NB_RECV:    receive(cur, false); return;
    case SYS_REPLY:      reply(cur); return;
    case SYS_REPLY_RECV:
        COUNT_SLOWPATH();
        reply(cur);
        receive(cur, true);
        return;
    case SYS_YIELD:
        sched_yield();
        return;
    /* seL4's configuration split: CONFIG_PRINTING brings the console calls (and here
     * DebugNameThread), CONFIG_DEBUG_BUILD the rest (and our extensions). A call this kernel lacks is
     * an unknown system call, a fault to the thread's handler, as in seL4. */
#ifdef CONFIG_PRINTING
    case SYS_DEBUG_PUTCHAR:
        debug_putchar(cur, (char)r[REG_A0]);
        return;
    case SYS_DEBUG_DUMP_SCHEDULER:
        debug_dump_scheduler();
        return;
    case SYS_DEBUG_NAME_THREAD:     /* ours with printing: the audit names threads by it */
        debug_name_thread(cur, r[REG_A0]);
        return;
#endif
#ifdef CONFIG_DEBUG_BUILD
    case SYS_DEBUG_HALT:
        debug_flush(cur, true);
        kprintf("kernel: DebugHalt from thread '%s'\n", cur->name);
        arch_poweroff();
    case SYS_DEBUG_CAP_IDENTIFY:
        r[REG_A0] = debug_cap_identify(cur, r[REG_A0]);
        return;
    case SYS_DEBUG_SNAPSHOT:
        debug_dump_cspace(cur);
        return;
    case SYS_DEBUG_SLOWPATH_COUNT:
        r[REG_A0] = slowpath_count;
        return;
    case SYS_DEBUG_PREEMPT_STATS:
        preempt_debug_stats(r);
        return;
    case SYS_DEBUG_THREAD_EXIT:
        debug_flush(cur, true);
        kprintf("kernel: thread '%s' exited with status %ld\n", cur->name, (long)r[REG_A0]);
        sched_kill(cur);
        return;
#endif
    default:
        fault_unknown_syscall(cur, n);
        return;
    }
}
