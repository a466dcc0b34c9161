#pragma once
#include <object/tcb.h>
void syscall_dispatch(tcb_t *cur, long number);
/* Write out a thread's pending console output; end_line finishes a partial line. */
void debug_flush(tcb_t *t, bool end_line);
