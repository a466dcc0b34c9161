/* clone and thread exit (mm0/clone.h). */
#include <errno.h>
#include <picotls.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <mm0/clone.h>
#include <fs0/protocol.h>
#include "ipc.h"

void __posix_clone_thread(void);
void __posix_clone_process(void);
void __posix_stdio_flush(void);
extern char __tls_size[];

int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    (void)va_arg(ap, pid_t *);
    void *tls = va_arg(ap, void *);
    pid_t *ctid = va_arg(ap, pid_t *);
    va_end(ap);
    if (!fn || !stack) {
        errno = EINVAL;
        return -1;
    }
    k_word_t gp, tp;
    __asm__ volatile("mv %0, gp" : "=r"(gp));
    __asm__ volatile("mv %0, tp" : "=r"(tp));
    bool thread = flags & CLONE_THREAD;
    if (flags & CLONE_SETTLS) {
        tp = (k_word_t)tls;
    } else if (thread) {
        /* A TLS block of its own, so that errno is per thread. */
        void *block = aligned_alloc(64, ((size_t)__tls_size + 63) & ~(size_t)63);
        if (!block) {
            errno = ENOMEM;
            return -1;
        }
        _init_tls(block);
        tp = (k_word_t)block;
    }
    if (!thread) __posix_stdio_flush();
    struct k_ipc_buffer *ipc = posix_ipc();
    ipc->msg[4] = (k_word_t)arg;
    ipc->msg[5] = gp;
    ipc->msg[6] = tp;
    ipc->msg[7] = flags & CLONE_CHILD_CLEARTID ? (k_word_t)ctid : 0;
    k_word_t pc = thread ? (k_word_t)__posix_clone_thread : (k_word_t)__posix_clone_process;
    long r = mm0_call(MM0_CLONE, 8, (k_word_t)(unsigned)flags, pc, (k_word_t)stack & ~15ul,
                      (k_word_t)fn, 0);
    return (int)mm0_result(r);
}

/* A new thread's first C code (crt0.S): tp is its TLS block, ipc its IPC buffer as
 * mm0 configured it (MM0_IPC_BUFFER_VA + its thread number's pages). */
void __posix_thread_start(int (*fn)(void *), void *arg, struct k_ipc_buffer *ipc);
void __posix_thread_start(int (*fn)(void *), void *arg, struct k_ipc_buffer *ipc)
{
    __posix_ipc = ipc;
    __posix_big_io = (char *)ipc + FS0_UTCB_AREA;   /* no window: 3 KiB pieces */
    __posix_big_piece = FS0_UTCB_AREA_SIZE;
    mm0_thread_exit(fn(arg));
}

void *mm0_ipc_buffer(void) { return posix_ipc(); }

void mm0_thread_exit(int status)
{
    for (;;) mm0_call(MM0_THREAD_EXIT, 1, (k_word_t)status, 0, 0, 0, 0);
}

int sched_yield(void)
{
    k_yield();
    return 0;
}
