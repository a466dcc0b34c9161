/* Raw system call stubs in seL4's register convention: a7 number, a0 capability
 * pointer / badge, a1 message info, a2..a5 message registers 0..3. */
#pragma once
#include <stdint.h>
#include <k/syscalls.h>

typedef uint64_t k_word_t;

static inline void k_syscall_a0(long n, k_word_t arg)
{
    register k_word_t a0 asm("a0") = arg;
    register long a7 asm("a7") = n;
    asm volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
}

static inline void k_yield(void)
{
    register long a7 asm("a7") = SYS_YIELD;
    asm volatile("ecall" :: "r"(a7) : "memory", "a0", "a1", "a2", "a3", "a4", "a5");
}
