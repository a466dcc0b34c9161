/* System call dispatch on the number in a7 (seL4's numbering, see docs/abi.md). */
#include <syscall.h>
#include <sched.h>
#include <kprintf.h>
#include <arch.h>
#include <invocation.h>
#include <fault.h>
#include <debug.h>
#include <k/syscalls.h>

static void report_unknown(tcb_t *t, long n)
{
    debug_flush(t, true);
    kprintf("fault: thread '%s' unknown system call %ld at pc 0x%lx; thread stopped\n",
            t->name, n, t->ctx.regs[CTX_PC] - 4);
    sched_kill(t);
}

/* Receiving needs endpoints and notifications that can be waited on (the IPC work);
 * until then a receive on anything is reported, as seL4 reports a receive on a cap
 * that is not an endpoint or notification: a capability fault in the receive phase. */
static void receive(tcb_t *t)
{
    lookup_fault_t why = { K_MISSING_CAPABILITY, 0, 0, 0 };
    fault_cap(t, t->ctx.regs[REG_A0], true, &why);
}

void syscall_dispatch(tcb_t *cur, long n)
{
    word_t *r = cur->ctx.regs;
    switch (n) {
    case SYS_CALL:
        invoke_capability(cur, r[REG_A0], r[REG_A1], true);
        return;
    case SYS_SEND:
    case SYS_NB_SEND:
        invoke_capability(cur, r[REG_A0], r[REG_A1], false);
        return;
    case SYS_RECV:
    case SYS_NB_RECV:
    case SYS_REPLY_RECV:
        receive(cur);
        return;
    case SYS_REPLY:
        /* No caller to reply to: seL4 does nothing. */
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
    case SYS_DEBUG_THREAD_EXIT:
        debug_flush(cur, true);
        kprintf("kernel: thread '%s' exited with status %ld\n", cur->name, (long)r[REG_A0]);
        sched_kill(cur);
        return;
#endif
    default:
        report_unknown(cur, n);
        return;
    }
}
