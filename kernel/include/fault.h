/* User faults: anything a thread does that traps and is not a system call. */
#pragma once
#include <object/tcb.h>
#include <cap/cspace.h>
void user_fault(tcb_t *t, word_t scause, word_t stval);
const char *fault_cause_name(word_t scause);
/* A capability lookup made by a system call failed (seL4's CapFault). */
void fault_cap(tcb_t *t, word_t cptr, bool in_recv, const lookup_fault_t *why);
/* An ecall with a number the kernel does not know (seL4's UnknownSyscall fault). */
void fault_unknown_syscall(tcb_t *t, long n);
