/* seL4's debug system calls and the console tools behind them. */
#pragma once
#include <object/tcb.h>
#include <k/syscalls.h>

/* Which calls exist: CONFIG_PRINTING brings DebugPutChar and DebugDumpScheduler (and,
 * unlike seL4, DebugNameThread: capability audits name threads by it on any image),
 * CONFIG_DEBUG_BUILD the others (DebugHalt, DebugCapIdentify, DebugSnapshot) and our
 * DebugThreadExit, DebugSlowpathCount and DebugPreemptStats, as in seL4; the
 * dispatch in syscall.c compiles only those, and any other number is an unknown
 * system call. */

/* Console output from threads, collected a line at a time per thread so lines of
 * threads preempted mid-line never interleave. end_line finishes a partial line. */
void debug_putchar(tcb_t *t, char c);
void debug_flush(tcb_t *t, bool end_line);

/* The seL4 capability type tag of the cap at cptr in t's CSpace (0 if none). */
word_t debug_cap_identify(tcb_t *t, word_t cptr);
/* Print t's CSpace: every non-empty slot with type, rights, badge and parent. */
void debug_dump_cspace(tcb_t *t);
/* Name the thread whose TCB cap is at cptr; the name is in t's IPC buffer. */
void debug_name_thread(tcb_t *t, word_t cptr);
void debug_dump_scheduler(void);
