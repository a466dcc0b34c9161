/* Console output for user programs, over the kernel's debug console for now. */
#pragma once
#include <stdarg.h>
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int putchar(int c);
int puts(const char *s);
