/* One request to mm0 (libposix internal). */
#pragma once
#include <errno.h>
#include <k/k.h>
#include <mm0/protocol.h>

/* This thread's IPC buffer. libk's k_ipc_buffer() is one global (servers and the
 * kernel's test root task have one thread and no TLS); a process's threads each have
 * their own page (mm0: MM0_IPC_BUFFER_VA + n pages), so libposix keeps the pointer in
 * TLS: start.c sets thread 0's, a clone'd thread sets its own from a2, where mm0
 * passes it (crt0.S, clone.c). Every libposix message past 4 words goes through it. */
extern __thread struct k_ipc_buffer *__posix_ipc;
static inline struct k_ipc_buffer *posix_ipc(void) { return __posix_ipc; }
/* Where this thread's transfers over the UTCB area go, and at most how much a request
 * (file.c): thread 0's through the window, 4 KiB; another's through its own area, 3 KiB.
 * Kept beside the pointer so that the loop tests nothing. */
extern __thread char *__posix_big_io;
extern __thread unsigned long __posix_big_piece;

/* Call mm0 with label and n words (n <= MM0_MSG_WORDS; words past the fourth must
 * already be in the IPC buffer's msg[]). Returns MR0; *mr1 gets MR1. */
static inline long mm0_call(k_word_t label, unsigned n, k_word_t a0, k_word_t a1, k_word_t a2,
                            k_word_t a3, k_word_t *mr1)
{
    k_word_t m0 = a0, m1 = a1, m2 = a2, m3 = a3;
    k_call(MM0_SLOT_SERVICE, k_msginfo_new(label, 0, 0, n), &m0, &m1, &m2, &m3);
    if (mr1) *mr1 = m1;
    return (long)m0;
}

/* -errno results become -1 with errno set, as POSIX calls return them. */
static inline long mm0_result(long r)
{
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return r;
}
