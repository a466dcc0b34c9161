/* NS16550A-compatible UART (QEMU virt): byte registers spaced by 1 << reg-shift.
 * Polling only; the RX interrupt is a user-level driver's business (IRQHandler caps). */
#include <console.h>

#define RBR 0   /* receive buffer (read) */
#define THR 0   /* transmit holding (write) */
#define LSR 5   /* line status */
#define LSR_DR   0x01   /* data ready */
#define LSR_THRE 0x20   /* transmit holding register empty */

static volatile uint8_t *regs8;
static volatile uint32_t *regs32;
static uint32_t shift;

static uint32_t rd(unsigned r)
{
    return regs32 ? regs32[(r << shift) / 4] : regs8[r << shift];
}

static void wr(unsigned r, uint32_t v)
{
    if (regs32) regs32[(r << shift) / 4] = v;
    else regs8[r << shift] = (uint8_t)v;
}

static void init(uintptr_t base, uint32_t reg_shift, uint32_t reg_io_width)
{
    /* Firmware already set the baud rate; we only need to know how to reach it. */
    shift = reg_shift;
    if (reg_io_width == 4) regs32 = (volatile uint32_t *)base;
    else regs8 = (volatile uint8_t *)base;
}

static void putc(char c)
{
    while (!(rd(LSR) & LSR_THRE)) {}
    wr(THR, (uint8_t)c);
}

static int getc(void)
{
    return (rd(LSR) & LSR_DR) ? (int)(rd(RBR) & 0xff) : -1;
}

const struct uart_driver uart_ns16550a = { "ns16550a", init, putc, getc };
