/* What picolibc needs from the driver's environment: no heap (the driver allocates
 * nothing) and _exit, which stops (its console streams are
 * servers/common/debug_console.c). */
#include <stdio.h>
#include <stddef.h>
#include <errno.h>
#include <k/k.h>

void *sbrk(ptrdiff_t incr)
{
    (void)incr;
    errno = ENOMEM;
    return (void *)-1;
}

/* The driver holds no TCB capability to suspend itself: waiting on the null
 * capability faults, and the fault goes to root (BLK_CAP_FAULT_EP), which reports it. */
void _exit(int status)
{
    printf("blk: exiting with status %d\n", status);
    for (;;) k_wait(0);
}
