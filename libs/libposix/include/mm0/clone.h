/* clone(2), which picolibc lacks: Linux's signature and flag values. Supported:
 * CLONE_VM | CLONE_THREAD (a thread; CLONE_SETTLS, CLONE_CHILD_CLEARTID), and no
 * CLONE_VM (a process running fn on stack; CLONE_PARENT). Without CLONE_SETTLS a new
 * thread gets a TLS block of its own (errno is per thread). The rest of libposix and
 * picolibc's malloc and stdio are not thread-safe. */
#pragma once
#include <sys/types.h>

#define CLONE_VM             0x00000100
#define CLONE_PARENT         0x00008000
#define CLONE_THREAD         0x00010000
#define CLONE_SETTLS         0x00080000
#define CLONE_CHILD_CLEARTID 0x00200000

/* ... pid_t *parent_tid (unused), void *tls, pid_t *child_tid */
int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...);
/* picolibc's <sched.h> declares it only with _POSIX_THREADS, which it does not set. */
int sched_yield(void);
/* The calling thread's IPC buffer (MM0_IPC_BUFFER_VA + its thread slot's pages): past
 * its first FS0_UTCB_AREA bytes is the area fs0 reads its paths and data from. */
void *mm0_ipc_buffer(void);
/* End the calling thread only (the process ends with its last thread). */
void mm0_thread_exit(int status) __attribute__((noreturn));
