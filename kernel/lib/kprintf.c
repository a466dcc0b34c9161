/* kprintf and panic. Output is synchronous and unbuffered: when the kernel dies,
 * everything it said before is already on the wire. */
#include <kprintf.h>
#include <format.h>
#include <arch.h>
#include <console.h>

static bool line_start = true;

void kputc(char c)
{
    if (c == '\n') console_putc('\r');
    console_putc(c);
    line_start = c == '\n';
}

bool kputc_at_line_start(void) { return line_start; }

void kputs(const char *s)
{
    while (*s) kputc(*s++);
}

static void put(char c, void *arg) { (void)arg; kputc(c); }

int kvprintf(const char *fmt, va_list ap) { return format(put, NULL, fmt, ap); }

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}

void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    kprintf("\nKERNEL PANIC at %s:%d: ", file, line);
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kputs("\n");
    arch_halt();
}
