/* MM0_TIME: the time CSR and its rate, so that programs can measure and wait (the
 * kernel gives user level no timer; `sleep` yields until the time has come). The
 * CSR is readable at user level too; the rate only root knows, from the device tree. */
#include <errno.h>
#include "mm0.h"

k_word_t mm0_timebase_hz;

unsigned time_now(k_word_t mr[2])
{
    if (!mm0_timebase_hz) {
        mr[0] = (k_word_t)-ENOSYS;
        return 1;
    }
    k_word_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    mr[0] = t;
    mr[1] = mm0_timebase_hz;
    return 2;
}
