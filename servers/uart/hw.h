/* The two UARTs the console server drives (register facts: the kernel's drivers in
 * kernel/drivers/serial; ns16550a: the 16550 data sheet, IER bit 0 = receive data
 * available; sifive,uart0: the FU540-C000 manual, "UART": rxctrl bit 0 enables the
 * receiver, ie bit 1 = receive watermark, raised while the FIFO holds more than
 * rxctrl.rxcnt (0) entries). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct uart_hw {
    volatile uint8_t *base;
    unsigned shift, width;
    bool sifive;
};

void uart_hw_init(struct uart_hw *u);   /* drain stale input, receive interrupt on */
int uart_hw_getc(const struct uart_hw *u);   /* a received byte, -1 if none */
void uart_hw_putc(const struct uart_hw *u, char c);
