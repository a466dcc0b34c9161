/* The console descriptors 0, 1 and 2: reads and writes as mm0's READ and WRITE
 * messages on the console endpoint (slot MM0_SLOT_CONSOLE; docs/console.md), served by
 * the console server, or by mm0 where there is none. fs0 will own the descriptor
 * table later; these stay the /dev/console calls. */
#include <errno.h>
#include <string.h>
#include <mm0/console.h>
#include "console.h"
#include "ipc.h"

/* The reply's MR1..MR3 come back in registers: they are put into the IPC buffer
 * so that a READ's bytes are all in msg[1..]. */
static long console_call(k_word_t label, unsigned n, k_word_t a0, k_word_t a1, k_word_t a2, k_word_t a3)
{
    k_word_t m0 = a0, m1 = a1, m2 = a2, m3 = a3;
    k_call(MM0_SLOT_CONSOLE, k_msginfo_new(label, 0, 0, n), &m0, &m1, &m2, &m3);
    struct k_ipc_buffer *ipc = posix_ipc();
    ipc->msg[1] = m1;
    ipc->msg[2] = m2;
    ipc->msg[3] = m3;
    return (long)m0;
}

ssize_t console_write(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    size_t done = 0;
    struct k_ipc_buffer *ipc = posix_ipc();
    do {
        size_t n = len - done < MM0_WRITE_MAX ? len - done : MM0_WRITE_MAX;
        k_word_t w[MM0_MSG_WORDS];   /* not zeroed: only the words sent are set */
        unsigned words = 2 + (unsigned)((n + 7) / 8);
        w[0] = (k_word_t)fd;
        w[1] = n;
        w[words - 1] = 0;   /* the last word's bytes past n */
        w[2] = w[3] = 0;    /* registers sent even when n is short */
        memcpy(&w[2], p + done, n);
        for (unsigned i = 4; i < words; i++) ipc->msg[i] = w[i];
        long r = console_call(CONSOLE_WRITE, words, w[0], w[1], w[2], w[3]);
        if (r < 0) return done ? (ssize_t)done : mm0_result(r);
        if ((size_t)r > n) r = (long)n;   /* never trust a reply to overrun */
        done += (size_t)r;
        if ((size_t)r < n) break;
    } while (done < len);
    return (ssize_t)done;
}

ssize_t console_read(int fd, void *buf, size_t len)
{
    if (len > MM0_READ_MAX) len = MM0_READ_MAX;
    long r = console_call(CONSOLE_READ, 2, (k_word_t)fd, len, 0, 0);
    if (r <= 0) return mm0_result(r);
    if ((size_t)r > len) r = (long)len;
    memcpy(buf, &posix_ipc()->msg[1], (size_t)r);
    return r;
}
