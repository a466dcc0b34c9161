/* Program start and end for our user programs (not part of the seL4 ABI). */
#include <k/abi.h>
#include <k/debug.h>
#include <k/syscall.h>

int main(void *bootinfo);

/* This thread's IPC buffer (k_ipc_buffer()). */
struct k_ipc_buffer *__k_ipc_buffer;

void k_debug_thread_exit(long status)
{
    k_syscall_a0(SYS_DEBUG_THREAD_EXIT, (k_word_t)status);
    for (;;) {}   /* the kernel never returns here */
}

void k_debug_name_thread(k_word_t tcb, const char *name)
{
    /* seL4's convention: the name travels in the message area of our IPC buffer. */
    struct k_ipc_buffer *b = __k_ipc_buffer;
    if (!b) return;
    char *dst = (char *)b->msg;
    unsigned i = 0;
    for (; i < sizeof(b->msg) - 1 && name[i]; i++) dst[i] = name[i];
    dst[i] = '\0';
    k_syscall_a0(SYS_DEBUG_NAME_THREAD, tcb);
}

/* What libk needs before main: a root task learns its IPC buffer from the boot info,
 * as seL4 root tasks do. A program started with a0 = 0 has none until it calls
 * k_ipc_buffer_set(). */
static void libk_init(const struct k_bootinfo *bootinfo)
{
    if (bootinfo) __k_ipc_buffer = bootinfo->ipc_buffer;
}

void __libk_start(void *bootinfo)
{
    libk_init(bootinfo);
    k_debug_thread_exit(main(bootinfo));
}
