/* User faults. A thread that faults (page fault, illegal instruction, misaligned
 * access, unknown system call, failed capability lookup) is stopped, and the fault is
 * sent as a message to its fault endpoint, as a Call: the handler's reply resumes it
 * (label 0), optionally with new registers. A thread without a usable fault endpoint
 * is reported on the console and left suspended, as seL4 does. */
#include <fault.h>
#include <sched.h>
#include <kprintf.h>
#include <arch/csr.h>
#include <debug.h>
#include <invocation.h>
#include <object/endpoint.h>

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

static void report(tcb_t *t)
{
    static const char *const kinds[] = { "no failure", "invalid root", "missing capability",
                                         "depth mismatch", "guard mismatch" };
    debug_flush(t, true);
    switch (t->fault_type) {
    case K_FAULT_CAP:
        kprintf("fault: thread '%s' capability fault on cptr 0x%lx (%s, %s, %lu bits left) at pc 0x%lx",
                t->name, t->fault_addr, t->fault_in_recv ? "receive phase" : "send phase",
                t->fault_lookup[0] < 5 ? kinds[t->fault_lookup[0]] : "?", t->fault_lookup[1], t->fault_pc);
        break;
    case K_FAULT_UNKNOWN_SYSCALL:
        kprintf("fault: thread '%s' unknown system call %ld at pc 0x%lx", t->name,
                (long)t->fault_addr, t->fault_pc);
        break;
    default:
        /* For an illegal instruction stval holds the instruction bits, not an address. */
        kprintf("fault: thread '%s' %s (scause %lu) at pc 0x%lx, %s 0x%lx", t->name,
                fault_cause_name(t->fault_code), t->fault_code, t->fault_pc,
                t->fault_code == EXC_ILLEGAL_INST ? "insn" : "addr", t->fault_addr);
        break;
    }
}

/* Send the recorded fault to t's fault endpoint, or report it and stop t. */
static void deliver(tcb_t *t)
{
    lookup_fault_t why;
    cte_t *h = t->fault_ep ? cspace_lookup_cap_slot(tcb_cspace_root(t), t->fault_ep, &why) : NULL;
    cap_t c = h ? h->cap : cap_null();
    unsigned r = cap_rights(c);
    if (cap_type(c) == CAP_ENDPOINT && (r & RIGHT_WRITE) && (r & (RIGHT_GRANT | RIGHT_GRANT_REPLY))) {
        ep_send(cap_ptr(c), t, cap_badge(c), r & RIGHT_GRANT, r & RIGHT_GRANT_REPLY, true, true);
        return;
    }
    report(t);
    kprintf("; %s\n", t->fault_ep ? "fault endpoint unusable, thread suspended" : "no fault handler, thread suspended");
    t->fault_type = 0;
    sched_suspend(t);
}

void user_fault(tcb_t *t, word_t scause, word_t stval)
{
    t->fault_pc = t->ctx.regs[CTX_PC];
    t->fault_code = scause;
    t->fault_addr = stval;
    switch (scause) {
    case EXC_INST_PAGE_FAULT: case EXC_LOAD_PAGE_FAULT: case EXC_STORE_PAGE_FAULT:
    case EXC_INST_ACCESS: case EXC_LOAD_ACCESS: case EXC_STORE_ACCESS:
        t->fault_type = K_FAULT_VM;
        break;
    default:
        t->fault_type = K_FAULT_USER_EXCEPTION;
        break;
    }
    deliver(t);
}

void fault_unknown_syscall(tcb_t *t, long n)
{
    /* The ecall itself is the fault address: resuming without a new pc repeats it. */
    t->ctx.regs[CTX_PC] -= 4;
    t->fault_pc = t->ctx.regs[CTX_PC];
    t->fault_addr = (word_t)n;
    t->fault_type = K_FAULT_UNKNOWN_SYSCALL;
    deliver(t);
}

void fault_cap(tcb_t *t, word_t cptr, bool in_recv, const lookup_fault_t *why)
{
    /* Resuming retries the system call. */
    t->ctx.regs[CTX_PC] -= 4;
    t->fault_pc = t->ctx.regs[CTX_PC];
    t->fault_addr = cptr;
    t->fault_in_recv = in_recv;
    t->fault_lookup[0] = why->type;
    t->fault_lookup[1] = why->bits_left;
    t->fault_lookup[2] = why->guard_found;
    t->fault_lookup[3] = why->guard_size;
    t->fault_type = K_FAULT_CAP;
    deliver(t);
}
