/* SiFive UART0 (FU540/FU740, QEMU sifive_u): 32-bit registers (FU540-C000 manual,
 * chapter "UART"): txdata +0 (bit 31 = FIFO full), rxdata +4 (bit 31 = empty),
 * txctrl +8 (bit 0 = enable). */
#include <console.h>

#define TXDATA 0
#define RXDATA 1
#define TXCTRL 2
#define FIFO_FLAG (1u << 31)

static volatile uint32_t *regs;

static void init(uintptr_t base, uint32_t reg_shift, uint32_t reg_io_width)
{
    (void)reg_shift; (void)reg_io_width;
    regs = (volatile uint32_t *)base;
    regs[TXCTRL] |= 1;   /* OpenSBI enables it already; be sure */
}

static void putc(char c)
{
    while (regs[TXDATA] & FIFO_FLAG) {}
    regs[TXDATA] = (uint8_t)c;
}

static int getc(void)
{
    uint32_t v = regs[RXDATA];
    return (v & FIFO_FLAG) ? -1 : (int)(v & 0xff);
}

const struct uart_driver uart_sifive0 = { "sifive,uart0", init, putc, getc };
