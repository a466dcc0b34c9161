#include <format.h>
#include <stdint.h>
#include <stdbool.h>

struct out { format_put_t put; void *arg; int n; };

static void emit(struct out *o, char c) { o->put(c, o->arg); o->n++; }

static void emit_padded(struct out *o, const char *s, int len, int width, bool left, char pad)
{
    if (!left)
        for (int i = len; i < width; i++) emit(o, pad);
    for (int i = 0; i < len; i++) emit(o, s[i]);
    if (left)
        for (int i = len; i < width; i++) emit(o, ' ');
}

/* Digits are produced backwards into a buffer wide enough for a 64-bit value in base 8. */
static int utoa(char *buf, uint64_t v, unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do { tmp[n++] = digits[v % base]; v /= base; } while (v);
    for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    return n;
}

int format(format_put_t put, void *arg, const char *fmt, va_list ap)
{
    struct out o = { put, arg, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') { emit(&o, *fmt); continue; }
        const char *start = fmt++;
        bool left = false;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '-') left = true;
            else if (*fmt == '0') pad = '0';
            else break;
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        int longs = 0;
        while (*fmt == 'l' || *fmt == 'z') { longs++; fmt++; }
        char buf[32];
        int len = 0;
        switch (*fmt) {
        case 'd': case 'i': {
            int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t u = (uint64_t)v;
            if (v < 0) { buf[len++] = '-'; u = -u; }
            len += utoa(buf + len, u, 10, false);
            break;
        }
        case 'u': case 'x': case 'X': {
            uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            len = utoa(buf, v, *fmt == 'u' ? 10 : 16, *fmt == 'X');
            break;
        }
        case 'p':
            buf[0] = '0'; buf[1] = 'x';
            len = 2 + utoa(buf + 2, (uint64_t)(uintptr_t)va_arg(ap, void *), 16, false);
            break;
        case 'c':
            buf[len++] = (char)va_arg(ap, int);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            int sl = 0;
            while (s[sl]) sl++;
            emit_padded(&o, s, sl, width, left, ' ');
            continue;
        }
        case '%':
            emit(&o, '%');
            continue;
        default:
            /* Print the unknown directive as written; stop if the string ended. */
            for (const char *p = start; p <= fmt && *p; p++) emit(&o, *p);
            if (!*fmt) return o.n;
            continue;
        }
        emit_padded(&o, buf, len, width, left, pad);
    }
    return o.n;
}
