/* Bad requests to the console server (docs/console.md): wrong labels, lengths, fds,
 * sizes. Each must get its error and the server must keep serving; run from the
 * shell in the console suite (it prints one line per check and a summary). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <k/k.h>
#include <mm0/console.h>

static int fails, checks;

static long raw(k_word_t label, unsigned len, k_word_t a0, k_word_t a1, k_word_t a2)
{
    k_word_t m0 = a0, m1 = a1, m2 = a2, m3 = 0;
    k_call(MM0_SLOT_CONSOLE, k_msginfo_new(label, 0, 0, len), &m0, &m1, &m2, &m3);
    return (long)m0;
}

static void expect(const char *what, long got, long want)
{
    checks++;
    if (got != want) {
        fails++;
        printf("console-hostile: FAIL %s: got %ld, want %ld\n", what, got, want);
    }
}

int main(void)
{
    expect("unknown label", raw(99, 2, 1, 0, 0), -ENOSYS);
    expect("label 0", raw(0, 0, 0, 0, 0), -ENOSYS);
    expect("write: length below 2", raw(CONSOLE_WRITE, 1, 1, 0, 0), -EINVAL);
    expect("write: length does not match the byte count", raw(CONSOLE_WRITE, 3, 1, 100, 0), -EINVAL);
    expect("write: more than MM0_WRITE_MAX", raw(CONSOLE_WRITE, 120, 1, MM0_WRITE_MAX + 1, 0), -EINVAL);
    expect("write: fd 0", raw(CONSOLE_WRITE, 3, 0, 1, 'x'), -EBADF);
    expect("write: fd 7", raw(CONSOLE_WRITE, 3, 7, 1, 'x'), -EBADF);
    expect("read: length 3", raw(CONSOLE_READ, 3, 0, 1, 0), -EINVAL);
    expect("read: more than MM0_READ_MAX", raw(CONSOLE_READ, 2, 0, MM0_READ_MAX + 1, 0), -EINVAL);
    expect("read: fd 1", raw(CONSOLE_READ, 2, 1, 1, 0), -EBADF);
    expect("read: 0 bytes", raw(CONSOLE_READ, 2, 0, 0, 0), 0);
    expect("write: one byte", raw(CONSOLE_WRITE, 3, 1, 1, '\n'), 1);
    /* Through libposix: a bad descriptor never reaches the server. */
    errno = 0;
    expect("write(5)", (long)write(5, "x", 1), -1);
    expect("errno EBADF", errno, EBADF);
    printf("console-hostile: %d checks, %d failed; the console still serves\n", checks, fails);
    return fails != 0;
}
