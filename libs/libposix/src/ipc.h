/* One request to mm0 (libposix internal). */
#pragma once
#include <errno.h>
#include <k/k.h>
#include <mm0/protocol.h>

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
