#include <stdio.h>
#include <format.h>
#include <k/debug.h>

int putchar(int c)
{
    k_debug_putchar((char)c);
    return (unsigned char)c;
}

int puts(const char *s)
{
    while (*s) putchar(*s++);
    putchar('\n');
    return 0;
}

static void put(char c, void *arg) { (void)arg; putchar(c); }

int vprintf(const char *fmt, va_list ap) { return format(put, NULL, fmt, ap); }

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
