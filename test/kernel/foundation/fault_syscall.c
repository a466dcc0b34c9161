#include "fault.h"
#include <k/syscall.h>
/* A system call number the kernel does not know is a fault, not a crash. */
FAULT_TEST("fault_syscall", k_syscall_a0(-1000, 0))
