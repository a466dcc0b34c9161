/* The console protocol (docs/console.md). Every process has, in CSpace slot
 * MM0_SLOT_CONSOLE, an endpoint badged by mm0 for its thread: to the console server
 * (servers/uart) when root started one, else to mm0's own service endpoint, which
 * answers the same two requests (writes through DebugPutChar, reads see end of file).
 * The messages are mm0's WRITE and READ (mm0/protocol.h), so fs0 can later take the
 * descriptors over unchanged. */
#pragma once
#include <mm0/protocol.h>

#define MM0_SLOT_CONSOLE 4     /* badged endpoint: console reads and writes */

#define CONSOLE_WRITE MM0_WRITE   /* MR0 fd (1, 2), MR1 len, MR2.. bytes -> bytes written */
#define CONSOLE_READ  MM0_READ    /* MR0 fd (0), MR1 len -> bytes in MR1.. (0 = end of file);
                                   * blocks until a line (or ^D) is typed */
#define CONSOLE_LINE_MAX 255      /* longest line the cooked mode keeps */
