#include "fault.h"
/* The kernel image's own address: mapped, but without the U bit. */
FAULT_TEST("fault_kernel", (void)*(volatile long *)0xFFFFFFFF80200000ul)
