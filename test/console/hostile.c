/* Bad requests to the console server (docs/console.md): wrong labels, lengths, fds,
 * sizes. Each must get its error and the server must keep serving; run from the
 * shell in the console suite (it prints one line per check and a summary). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <k/k.h>
#include <mm0/console.h>
#include <mm0/mm0.h>

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
    /* mm0's MM0_PS: a negative or huge cursor, a wrong length; then a real one. */
    k_word_t w[4] = {(k_word_t)-1, 0, 0, 0}, mr1 = 0;
    expect("ps: cursor -1", mm0_raw_call(MM0_PS, 1, w, 0), -EINVAL);
    w[0] = 1ul << 40;
    expect("ps: cursor 2^40", mm0_raw_call(MM0_PS, 1, w, 0), -EINVAL);
    w[0] = 0;
    expect("ps: length 2", mm0_raw_call(MM0_PS, 2, w, 0), -EINVAL);
    expect("ps: length 0", mm0_raw_call(MM0_PS, 0, w, 0), -EINVAL);
    expect("ps: first process is init", mm0_raw_call(MM0_PS, 1, w, &mr1), 1);
    expect("ps: init's parent is 0", (long)mr1, 0);
    w[0] = 0x7fffffff;
    expect("ps: nothing after the last pid", mm0_raw_call(MM0_PS, 1, w, 0), 0);
    /* MM0_TIME: no arguments; a rate, and a clock that moves on. */
    expect("time: length 1", mm0_raw_call(MM0_TIME, 1, w, 0), -EINVAL);
    k_word_t hz = 0, hz2 = 0;
    long t1 = mm0_raw_call(MM0_TIME, 0, w, &hz);
    for (int i = 0; i < 100; i++) k_yield();
    long t2 = mm0_raw_call(MM0_TIME, 0, w, &hz2);
    expect("time: a rate", hz > 0 && hz == hz2, 1);
    expect("time: the clock moves on", t2 > t1 && t1 > 0, 1);
    /* One reader at a time: a child blocks in READ, ours gets -EBUSY; once the child
     * is killed its saved reply capability is gone and the next reader (the shell,
     * after we exit) takes its place: the session going on shows that. */
    pid_t child = fork();
    if (child == 0) {
        raw(CONSOLE_READ, 2, 0, 1, 0);
        _exit(0);
    }
    for (int i = 0; i < 500; i++) k_yield();   /* the child runs and blocks */
    expect("read: a second reader", raw(CONSOLE_READ, 2, 0, 1, 0), -EBUSY);
    int st = 0;
    expect("kill the blocked reader", kill(child, SIGKILL), 0);
    expect("it ends by the signal", waitpid(child, &st, 0) == child && WIFSIGNALED(st), 1);
    printf("console-hostile: %d checks, %d failed; the console still serves\n", checks, fails);
    return fails != 0;
}
