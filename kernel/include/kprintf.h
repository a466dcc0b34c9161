/* Kernel console output. Everything the kernel says goes through kputc(), which
 * writes to the UART found in the device tree, or to the SBI console before that. */
#pragma once
#include <types.h>
#include <stdarg.h>

void kputc(char c);
bool kputc_at_line_start(void);   /* nothing written yet on the current console line */
void kputs(const char *s);
/* Supports %s %c %d %i %u %x %p %lu %lx %llu %llx %ld %zu, width and '0' padding. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

NORETURN void panic_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

/* Kernel invariants. A failed assert is a kernel bug, never a user error. */
#define kassert(c) do { if (unlikely(!(c))) panic("assertion failed: %s", #c); } while (0)
