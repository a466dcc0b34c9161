/* Process start-up: TLS (picolibc keeps errno there), IPC buffer, environment,
 * constructors, main, exit. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <picotls.h>
#include <k/k.h>
#include <mm0/protocol.h>
#include <fs0/protocol.h>
#include "ipc.h"

extern char **environ;
extern char __tls_size[];   /* linker script: bytes of .tdata + .tbss */
int main(int argc, char **argv, char **envp);
void __libc_init_array(void);
void __posix_stdio_flush(void);

__thread struct k_ipc_buffer *__posix_ipc;
__thread char *__posix_big_io;
__thread unsigned long __posix_big_piece;

/* Thread 0's TLS block is static; clone gives other threads theirs. */
static uint8_t tls_block[512] __attribute__((aligned(64)));

/* sp: argc, argv, envp (crt0.S); ipc: this thread's IPC buffer, which mm0 passes in a2
 * (a program exec'd by a thread other than 0 runs in that thread's slot). */
void __posix_start(uintptr_t *sp, uintptr_t unused, struct k_ipc_buffer *ipc)
{
    (void)unused;
    if ((uintptr_t)__tls_size > sizeof tls_block) {   /* a link-time fact; check it */
        k_word_t m0 = 127;
        k_call(MM0_SLOT_SERVICE, k_msginfo_new(MM0_EXIT, 0, 0, 1), &m0, 0, 0, 0);
    }
    _init_tls(tls_block);
    _set_tls(tls_block);
    /* Thread 0's IPC buffer: libposix's (per thread, ipc.h) and libk's global, which
     * libk's own wrappers use (a single-threaded program's is then right). */
    if (!ipc) ipc = (struct k_ipc_buffer *)MM0_IPC_BUFFER_VA;   /* started by someone else */
    __posix_ipc = ipc;
    k_ipc_buffer_set(ipc);
    bool thread0 = (uintptr_t)ipc == MM0_IPC_BUFFER_VA;   /* the window is thread 0's */
    __posix_big_io = thread0 ? (char *)MM0_FS0_WINDOW_VA : (char *)ipc + FS0_UTCB_AREA;
    __posix_big_piece = thread0 ? FS0_WINDOW_SIZE : FS0_UTCB_AREA_SIZE;
    int argc = (int)sp[0];
    char **argv = (char **)&sp[1];
    environ = argv + argc + 1;
    atexit(__posix_stdio_flush);
    __libc_init_array();
    exit(main(argc, argv, environ));
}
