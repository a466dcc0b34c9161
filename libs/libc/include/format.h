/* printf-style formatting shared by the kernel's kprintf and userspace printf.
 * Freestanding: the caller supplies the output function. */
#pragma once
#include <stdarg.h>
#include <stddef.h>

typedef void (*format_put_t)(char c, void *arg);

/* Conversions: %s %c %d %i %u %x %X %p %%, length modifiers l ll z, field width,
 * '-' (left-justify) and '0' (zero pad). Returns the number of characters written.
 * Unknown conversions are printed literally, so a bad format is visible, not silent. */
int format(format_put_t put, void *arg, const char *fmt, va_list ap);
