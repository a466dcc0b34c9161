/* What root hands the console server (servers/uart, docs/console.md): its CSpace
 * layout, its address-space layout and the boot page root writes for it. */
#pragma once
#include <k/abi.h>

#define UART_DEPTH 64
#define UART_CNODE_BITS 4
enum {
    UART_CAP_EP = 1,      /* clients' requests (mm0 mints badged copies for processes) */
    UART_CAP_NTFN = 2,    /* the IRQ's notification, bound to our thread */
    UART_CAP_IRQ = 3,     /* IRQHandler of the UART's interrupt line */
    UART_CAP_FRAME = 4,   /* the UART's device page (mapped at UART_DEV_VA) */
    UART_CAP_CNODE = 5,   /* our own CNode: SaveCaller needs it */
    UART_CAP_REPLY = 6,   /* the saved reply capability of a blocked reader */
    UART_CAP_PROBE = 7,   /* scratch: is the saved reply capability still there? */
    UART_CAP_FAULT = 8,   /* root's endpoint, badge ROOT_BADGE_CONSOLE: our faults */
};

#define UART_IPC_VA  0x3ffff000ul
#define UART_BOOT_VA 0x40000000ul
#define UART_DEV_VA  0x40001000ul

/* The notification's badge: no client badge (mm0's thread badges) has this bit. */
#define UART_IRQ_BADGE (1ul << 62)

#define ROOT_BADGE_CONSOLE 2   /* on root's endpoint: a fault of the console server */

#define UART_BOOT_MAGIC 0x75617274626f6f74ul   /* "uartboot" */

struct uart_boot {
    k_word_t magic;
    k_word_t reg_offset;   /* the registers' offset in the device page */
    k_word_t reg_shift;    /* ns16550a: registers 1 << reg_shift bytes apart */
    k_word_t reg_width;    /* ns16550a: 1 or 4 byte accesses */
    k_word_t sifive;       /* 1: sifive,uart0; 0: ns16550a */
    k_word_t printing;     /* the kernel has DebugPutChar (for our own messages) */
};
