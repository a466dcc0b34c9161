#include "fault.h"
FAULT_TEST("fault_unmapped", (void)*(volatile int *)0x2000000000ul)
