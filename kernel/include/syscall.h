#pragma once
#include <object/tcb.h>
void syscall_dispatch(tcb_t *cur, long number);
