/* seL4's debug system calls (debug kernels only) and our thread-exit extension. */
#pragma once
#include <k/syscall.h>

static inline void k_debug_putchar(char c) { k_syscall_a0(SYS_DEBUG_PUTCHAR, (unsigned char)c); }
static inline void k_debug_halt(void) { k_syscall_a0(SYS_DEBUG_HALT, 0); }
__attribute__((noreturn)) void k_debug_thread_exit(long status);
