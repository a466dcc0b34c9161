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
        if (is_call) r[REG_A1] = 0;          /* a Call gets an empty reply, as in seL4 */
        return;
    case CAP_REPLY:
        if (cap_size(c) & 1) break;          /* a master reply cap cannot be invoked */
        ipc_do_reply(t, slot);
        return;
    default:
        break;
    }
    /* Kernel objects, and endpoints or notifications without the right to send (the
     * invocation layer answers those with InvalidCapability, as seL4 does). */
    invoke_capability(t, slot, r[REG_A1], is_call);
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

void syscall_dispatch(tcb_t *cur, long n)
{
    word_t *r = cur->ctx.regs;
    switch (n) {
    case SYS_CALL:       send(cur, true, true); return;
    case SYS_SEND:       send(cur, false, true); return;
    case SYS_NB_SEND:    send(cur, false, false); return;
    case SYS_RECV:       receive(cur, true); return;
    case SYS_NB_RECV:    receive(cur, false); return;
    case SYS_REPLY:      reply(cur); return;
    case SYS_REPLY_RECV:
        reply(cur);
        receive(cur, true);
        return;
    case SYS_YIELD:
        sched_yield();
        return;
#ifdef CONFIG_DEBUG_SYSCALLS
    case SYS_DEBUG_PUTCHAR:
        debug_putchar(cur, (char)r[REG_A0]);
        return;
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
    case SYS_DEBUG_NAME_THREAD:
        debug_name_thread(cur, r[REG_A0]);
        return;
    case SYS_DEBUG_DUMP_SCHEDULER:
        debug_dump_scheduler();
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
