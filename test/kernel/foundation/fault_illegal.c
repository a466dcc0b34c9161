#include "fault.h"
/* 0x00000000 is defined to be an illegal instruction in every RISC-V encoding. */
FAULT_TEST("fault_illegal", asm volatile(".word 0"))
