/* System call dispatch on the number in a7 (seL4's numbering, see docs/abi.md).
 * For now: Yield, the debug calls, and our one extension, DebugThreadExit. */
#include <syscall.h>
#include <sched.h>
#include <kprintf.h>
#include <arch.h>
#include <k/syscalls.h>

void debug_flush(tcb_t *t, bool end_line)
{
    for (unsigned i = 0; i < t->dbg_len; i++) kputc(t->dbg_line[i]);
    if (end_line && t->dbg_len && t->dbg_line[t->dbg_len - 1] != '\n') kputc('\n');
    t->dbg_len = 0;
}

static void debug_putchar(tcb_t *t, char c)
{
    t->dbg_line[t->dbg_len++] = c;
    if (c == '\n' || t->dbg_len == sizeof(t->dbg_line)) debug_flush(t, false);
}

static void report_unknown(tcb_t *t, long n)
{
    debug_flush(t, true);
    kprintf("fault: thread '%s' unknown system call %ld at pc 0x%lx; thread stopped\n",
            t->name, n, t->ctx.regs[CTX_PC] - 4);
    sched_kill(t);
}

void syscall_dispatch(tcb_t *cur, long n)
{
    word_t *r = cur->ctx.regs;
    switch (n) {
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
