/* Calls particular to this system (mm0/mm0.h). */
#include <mm0/mm0.h>
#include "ipc.h"

int mm0_meminfo(struct mm0_meminfo *m)
{
    k_word_t m0 = 0, m1 = 0, m2 = 0, m3 = 0;
    k_call(MM0_SLOT_SERVICE, k_msginfo_new(MM0_MEMINFO, 0, 0, 0), &m0, &m1, &m2, &m3);
    if ((long)m0 < 0) return (int)m0;
    m->free_pages = (long)m0;
    m->total_pages = (long)m1;
    m->tasks = (long)m2;
    m->mm0_heap_pages = (long)m3;
    return 0;
}

int mm0_selfcheck(void)
{
    long r = mm0_call(MM0_SELFCHECK, 0, 0, 0, 0, 0, 0);
    return r < 0 ? (int)r : 0;
}

int mm0_shutdown(int status)
{
    return (int)mm0_call(MM0_SHUTDOWN, 1, (k_word_t)status, 0, 0, 0, 0);
}

long mm0_raw_call(k_word_t label, unsigned length, const k_word_t *w, k_word_t *mr1)
{
    struct k_ipc_buffer *ipc = posix_ipc();
    unsigned n = length < MM0_MSG_WORDS ? length : MM0_MSG_WORDS;
    for (unsigned i = 4; i < n; i++) ipc->msg[i] = w[i];
    /* length goes out as given (the kernel cuts it to 7 bits, to at most 120). */
    return mm0_call(label, length, n > 0 ? w[0] : 0, n > 1 ? w[1] : 0, n > 2 ? w[2] : 0,
                    n > 3 ? w[3] : 0, mr1);
}
