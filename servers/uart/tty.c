/* Cooked mode: echo, backspace (DEL or BS), ^U kills the line, ^C drops it (there
 * are no signals yet), ^D ends the line as typed (on an empty line: end of file for
 * one read), Enter (CR or LF) finishes it with '\n'. Other control bytes are dropped;
 * a line longer than CONSOLE_LINE_MAX - 1 bytes rings the bell. */
#include <string.h>
#include "tty.h"

static void echo(struct tty *t, const char *s) { t->echo(s, strlen(s), t->arg); }

/* Move the edited line (and nl if set) to the ready bytes, if they fit. */
static void finish(struct tty *t, bool nl)
{
    size_t n = t->llen + (nl ? 1 : 0);
    if (n > TTY_READY_MAX - t->rlen) {
        echo(t, "\a");   /* no reader for a while: this line is lost */
    } else {
        memcpy(t->ready + t->rlen, t->line, t->llen);
        if (nl) t->ready[t->rlen + t->llen] = '\n';
        t->rlen += n;
    }
    t->llen = 0;
}

void tty_input(struct tty *t, char c)
{
    switch (c) {
    case '\r':
    case '\n':
        echo(t, "\n");
        finish(t, true);
        return;
    case 0x7f:
    case '\b':
        if (t->llen) {
            t->llen--;
            echo(t, "\b \b");
        }
        return;
    case 0x15:   /* ^U */
        for (; t->llen; t->llen--) echo(t, "\b \b");
        return;
    case 0x03:   /* ^C */
        echo(t, "^C\n");
        t->llen = 0;
        return;
    case 0x04:   /* ^D */
        if (t->llen) finish(t, false);
        else t->eofs++;
        return;
    }
    if ((unsigned char)c < 0x20 && c != '\t') return;
    if (t->llen >= CONSOLE_LINE_MAX - 1) {
        echo(t, "\a");
        return;
    }
    t->line[t->llen++] = c;
    t->echo(&c, 1, t->arg);
}

bool tty_readable(const struct tty *t) { return t->rlen > 0 || t->eofs > 0; }

size_t tty_read(struct tty *t, char *buf, size_t len)
{
    if (t->rlen == 0) {
        if (t->eofs) t->eofs--;
        return 0;
    }
    size_t n = len < t->rlen ? len : t->rlen;
    memcpy(buf, t->ready, n);
    for (size_t i = n; i < t->rlen; i++) t->ready[i - n] = t->ready[i];   /* no memmove here */
    t->rlen -= n;
    return n;
}
