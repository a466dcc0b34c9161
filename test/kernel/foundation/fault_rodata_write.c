#include "fault.h"
static const int constant = 7;
/* .rodata is mapped read-only: a store must fault. */
FAULT_TEST("fault_rodata_write", *(volatile int *)&constant = 8)
