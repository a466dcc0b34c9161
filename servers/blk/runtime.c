/* What picolibc needs from the driver's environment: the console through the kernel's
 * DebugPutChar, no heap (the driver allocates nothing), and _exit, which stops. */
#include <stdio.h>
#include <stddef.h>
#include <errno.h>
#include <k/k.h>

static int dbg_put(char c, FILE *f)
{
    (void)f;
    k_debug_putchar(c);
    return (unsigned char)c;
}

static FILE console = FDEV_SETUP_STREAM(dbg_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &console;
FILE *const stdout = &console;
FILE *const stderr = &console;

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
