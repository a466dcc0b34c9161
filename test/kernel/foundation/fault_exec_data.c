#include "fault.h"
/* .data is mapped without execute permission: jumping there must fault. */
static unsigned int code[4] = { 0x00008067 /* ret */ };
FAULT_TEST("fault_exec_data", ((void (*)(void))(void *)code)())
