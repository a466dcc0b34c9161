/* ps: every process mm0 runs, in pid order (MM0_PS, one request per process). */
#include <stdio.h>
#include <string.h>
#include <k/k.h>
#include <mm0/protocol.h>

int main(void)
{
    printf("  PID  PPID STATE   THR NAME\n");
    long cursor = 0;
    for (int n = 0; n < 1000; n++) {
        k_word_t m0 = (k_word_t)cursor, m1 = 0, m2 = 0, m3 = 0;
        k_word_t info = k_call(MM0_SLOT_SERVICE, k_msginfo_new(MM0_PS, 0, 0, 1), &m0, &m1, &m2, &m3);
        if ((long)m0 < 0) {
            printf("ps: mm0 says error %ld\n", (long)m0);
            return 1;
        }
        if (m0 == 0 || k_msginfo_length(info) < 5) break;
        char name[17];
        k_word_t words[2] = {m3, k_ipc_buffer()->msg[4]};
        memcpy(name, words, 16);
        name[16] = 0;
        printf("%5ld %5ld %-7s %3lu %s\n", (long)m0, (long)m1, (m2 & 0xff) == 1 ? "live" : "zombie",
               (unsigned long)(m2 >> 8), name);
        cursor = (long)m0;
    }
    return 0;
}
