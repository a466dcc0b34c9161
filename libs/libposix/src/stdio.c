/* stdin, stdout and stderr for picolibc's stdio: stdout is line-buffered here and
 * goes out through write(1); stderr is written at once; stdin reads through read(0). */
#include <stdio.h>
#include <unistd.h>
#include <mm0/protocol.h>

static char out_buf[256];
static unsigned out_len;

static int out_flush(FILE *f)
{
    (void)f;
    unsigned done = 0;
    while (done < out_len) {
        ssize_t n = write(1, out_buf + done, out_len - done);
        if (n <= 0) break;
        done += (unsigned)n;
    }
    out_len = 0;
    return 0;
}

static int out_put(char c, FILE *f)
{
    out_buf[out_len++] = c;
    if (c == '\n' || out_len == sizeof out_buf) out_flush(f);
    return (unsigned char)c;
}

static int err_put(char c, FILE *f)
{
    (void)f;
    return write(2, &c, 1) == 1 ? (unsigned char)c : EOF;
}

static int in_get(FILE *f)
{
    (void)f;
    unsigned char c;
    return read(0, &c, 1) == 1 ? c : EOF;
}

static FILE f_stdin = FDEV_SETUP_STREAM(NULL, in_get, NULL, _FDEV_SETUP_READ);
static FILE f_stdout = FDEV_SETUP_STREAM(out_put, NULL, out_flush, _FDEV_SETUP_WRITE);
static FILE f_stderr = FDEV_SETUP_STREAM(err_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &f_stdin;
FILE *const stdout = &f_stdout;
FILE *const stderr = &f_stderr;

void __posix_stdio_flush(void) { out_flush(stdout); }
