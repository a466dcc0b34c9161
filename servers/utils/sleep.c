/* sleep SECONDS[.FRACTION]: wait that long. The kernel has no timer for user level,
 * so this yields the processor until the time CSR has moved on by enough ticks (the
 * rate from mm0's MM0_TIME); it takes no time from others that can run. */
#include <stdio.h>
#include <stdlib.h>
#include <k/k.h>
#include <mm0/protocol.h>

static k_word_t now(void)
{
    k_word_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: sleep SECONDS\n");
        return 2;
    }
    char *end;
    double s = strtod(argv[1], &end);
    if (*end || end == argv[1] || !(s >= 0) || s > 86400) {
        fprintf(stderr, "sleep: %s: not a number of seconds (0 to 86400)\n", argv[1]);
        return 2;
    }
    k_word_t m0 = 0, m1 = 0, m2 = 0, m3 = 0;
    k_call(MM0_SLOT_SERVICE, k_msginfo_new(MM0_TIME, 0, 0, 0), &m0, &m1, &m2, &m3);
    if ((long)m0 < 0 || m1 == 0) {
        fprintf(stderr, "sleep: no clock rate from mm0 (error %ld)\n", (long)m0);
        return 1;
    }
    k_word_t until = now() + (k_word_t)(s * (double)m1);
    while ((long)(now() - until) < 0) k_yield();
    return 0;
}
