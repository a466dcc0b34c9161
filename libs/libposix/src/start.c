/* Process start-up: TLS (picolibc keeps errno there), IPC buffer, environment,
 * constructors, main, exit. */
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

void __posix_start(uintptr_t *sp)
{
    if ((uintptr_t)__tls_size > sizeof tls_block) {   /* a link-time fact; check it */
        k_word_t m0 = 127;
        k_call(MM0_SLOT_SERVICE, k_msginfo_new(MM0_EXIT, 0, 0, 1), &m0, 0, 0, 0);
    }
    _init_tls(tls_block);
    _set_tls(tls_block);
    /* Thread 0's IPC buffer: libposix's (per thread, ipc.h) and libk's global, which
     * libk's own wrappers use (a single-threaded program's is then right). */
    __posix_ipc = (struct k_ipc_buffer *)MM0_IPC_BUFFER_VA;
    k_ipc_buffer_set(__posix_ipc);
    __posix_big_io = (char *)MM0_FS0_WINDOW_VA;
    __posix_big_piece = FS0_WINDOW_SIZE;
    int argc = (int)sp[0];
    char **argv = (char **)&sp[1];
    environ = argv + argc + 1;
    atexit(__posix_stdio_flush);
    __libc_init_array();
    exit(main(argc, argv, environ));
}
