/* The cooked mode (docs/console.md): a line being edited, and the bytes of finished
 * lines waiting for a reader. Pure: no system calls; echo goes through a callback. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <mm0/console.h>

#define TTY_READY_MAX 1024

struct tty {
    char line[CONSOLE_LINE_MAX];
    size_t llen;
    char ready[TTY_READY_MAX];
    size_t rlen;
    unsigned eofs;            /* ^D typed on an empty line, not yet read */
    void (*echo)(const char *s, size_t n, void *arg);
    void *arg;
};

void tty_input(struct tty *t, char c);
bool tty_readable(const struct tty *t);
/* Up to len bytes of finished input (at most one ^D's end of file: 0). */
size_t tty_read(struct tty *t, char *buf, size_t len);
