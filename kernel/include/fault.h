/* User faults: anything a thread does that traps and is not a system call. */
#pragma once
#include <object/tcb.h>
void user_fault(tcb_t *t, word_t scause, word_t stval);
const char *fault_cause_name(word_t scause);
