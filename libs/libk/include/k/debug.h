/* seL4's debug system calls (debug kernels only) and our thread-exit extension. */
#pragma once
#include <k/syscall.h>

static inline void k_debug_putchar(char c) { k_syscall_a0(SYS_DEBUG_PUTCHAR, (unsigned char)c); }
static inline void k_debug_halt(void) { k_syscall_a0(SYS_DEBUG_HALT, 0); }
/* Print the caller's CSpace (slot, type, rights, badge, parent) on the console. */
static inline void k_debug_snapshot(void) { k_syscall_a0(SYS_DEBUG_SNAPSHOT, 0); }
static inline void k_debug_dump_scheduler(void) { k_syscall_a0(SYS_DEBUG_DUMP_SCHEDULER, 0); }

/* seL4's capability type tag of the cap at cptr (0 = null or no such slot). */
static inline k_word_t k_debug_cap_identify(k_word_t cptr)
{
    register k_word_t a0 asm("a0") = cptr;
    register long a7 asm("a7") = SYS_DEBUG_CAP_IDENTIFY;
    asm volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
    return a0;
}

/* Name the thread of a TCB cap; the kernel reads the name from our IPC buffer. */
void k_debug_name_thread(k_word_t tcb, const char *name);

__attribute__((noreturn)) void k_debug_thread_exit(long status);

/* Calls and ReplyRecvs that took the kernel's general path so far (our extension). */
static inline k_word_t k_debug_slowpath_count(void)
{
    register k_word_t a0 asm("a0") = 0;
    register long a7 asm("a7") = SYS_DEBUG_SLOWPATH_COUNT;
    asm volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
    return a0;
}

/* Our extension: preemption counters (see k/syscalls.h). op 0 reads, 1 resets and arms
 * the interrupts-off accounting, 2 disarms it. */
struct k_preempt_stats { k_word_t preemptions, longest, looks; };
static inline struct k_preempt_stats k_debug_preempt_stats(k_word_t op)
{
    register k_word_t a0 asm("a0") = op, a1 asm("a1"), a2 asm("a2");
    register long a7 asm("a7") = SYS_DEBUG_PREEMPT_STATS;
    asm volatile("ecall" : "+r"(a0), "=r"(a1), "=r"(a2) : "r"(a7) : "memory");
    return (struct k_preempt_stats){ a0, a1, a2 };
}
