/* picolibc's standard streams for servers that are no processes of mm0 (mm0 itself,
 * the block driver): every stream writes through the kernel's DebugPutChar, which
 * collects a line per thread; there is no input. */
#include <stdio.h>
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
