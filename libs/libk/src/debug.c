/* Program start and end for our user programs (not part of the seL4 ABI). */
#include <k/debug.h>

int main(void *bootinfo);

void k_debug_thread_exit(long status)
{
    k_syscall_a0(SYS_DEBUG_THREAD_EXIT, (k_word_t)status);
    for (;;) {}   /* the kernel never returns here */
}

void __libk_start(void *bootinfo)
{
    k_debug_thread_exit(main(bootinfo));
}
