/* User faults. Until fault endpoints exist (see the IPC issue), a faulting thread is
 * reported on the console and stopped for good; the kernel and every other thread
 * go on. The report names the cause, the faulting pc and the address involved. */
#include <fault.h>
#include <sched.h>
#include <kprintf.h>
#include <arch/csr.h>
#include <debug.h>

const char *fault_cause_name(word_t scause)
{
    switch (scause) {
    case EXC_INST_MISALIGNED:  return "instruction address misaligned";
    case EXC_INST_ACCESS:      return "instruction access fault";
    case EXC_ILLEGAL_INST:     return "illegal instruction";
    case EXC_BREAKPOINT:       return "breakpoint";
    case EXC_LOAD_MISALIGNED:  return "load address misaligned";
    case EXC_LOAD_ACCESS:      return "load access fault";
    case EXC_STORE_MISALIGNED: return "store address misaligned";
    case EXC_STORE_ACCESS:     return "store access fault";
    case EXC_INST_PAGE_FAULT:  return "instruction page fault";
    case EXC_LOAD_PAGE_FAULT:  return "load page fault";
    case EXC_STORE_PAGE_FAULT: return "store page fault";
    default:                   return "unknown exception";
    }
}

void user_fault(tcb_t *t, word_t scause, word_t stval)
{
    debug_flush(t, true);
    /* For an illegal instruction stval holds the instruction bits, not an address. */
    kprintf("fault: thread '%s' %s (scause %lu) at pc 0x%lx, %s 0x%lx; thread stopped\n",
            t->name, fault_cause_name(scause), scause, t->ctx.regs[CTX_PC],
            scause == EXC_ILLEGAL_INST ? "insn" : "addr", stval);
    sched_kill(t);
}

void fault_cap(tcb_t *t, word_t cptr, bool in_recv, const lookup_fault_t *why)
{
    static const char *const kinds[] = { "no failure", "invalid root", "missing capability",
                                         "depth mismatch", "guard mismatch" };
    debug_flush(t, true);
    kprintf("fault: thread '%s' capability fault on cptr 0x%lx (%s, %s, %lu bits left) at pc 0x%lx; thread stopped\n",
            t->name, cptr, in_recv ? "receive phase" : "send phase",
            why->type < 5 ? kinds[why->type] : "?", why->bits_left, t->ctx.regs[CTX_PC] - 4);
    sched_kill(t);
}
