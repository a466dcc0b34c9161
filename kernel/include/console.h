/* The kernel console: one UART, chosen from the device tree at boot. Before that
 * (and if the tree names no UART we drive) output goes through SBI's legacy console. */
#pragma once
#include <types.h>

struct uart_driver {
    const char *compatible;                     /* device-tree compatible string */
    void (*init)(uintptr_t base, uint32_t reg_shift, uint32_t reg_io_width);
    void (*putc)(char c);
    int  (*getc)(void);                         /* -1 when nothing is waiting */
};

extern const struct uart_driver uart_ns16550a;
extern const struct uart_driver uart_sifive0;

/* Switch the console to the UART with this compatible at this (kernel-virtual) base.
 * Returns false if no driver serves it; output stays on SBI then. */
bool console_use(const char *compatible, uintptr_t base, uint32_t reg_shift, uint32_t reg_io_width);
void console_putc(char c);
const char *console_name(void);
