/* Process calls: fork, exec, exit, wait, pids, signals, the break. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ipc.h"

extern char **environ;
void __posix_fork_child(void);
void __posix_stdio_flush(void);

void _exit(int status)
{
    for (;;) mm0_call(MM0_EXIT, 1, (k_word_t)status, 0, 0, 0, 0);
}

/* The child does not return from the request: mm0 starts it at __posix_fork_child
 * with the parent's jmp_buf, which longjmps back here in the child's copy of our
 * memory. Stdout is flushed first so that buffered text is not printed twice. */
pid_t fork(void)
{
    jmp_buf jb;
    __posix_stdio_flush();
    if (setjmp(jb)) return 0;
    k_word_t sp, gp, tp;
    __asm__ volatile("mv %0, sp" : "=r"(sp));
    __asm__ volatile("mv %0, gp" : "=r"(gp));
    __asm__ volatile("mv %0, tp" : "=r"(tp));
    posix_ipc()->msg[4] = tp;
    long r = mm0_call(MM0_FORK, 5, (k_word_t)__posix_fork_child, (sp - 512) & ~15ul,
                      (k_word_t)jb, gp, 0);
    return (pid_t)mm0_result(r);
}

/* The strings travel as one block in our memory, which mm0 reads (docs/mm0.md). */
static char exec_block[MM0_EXEC_MAX];

static int append(size_t *len, const char *s)
{
    size_t n = strlen(s) + 1;
    if (n > sizeof exec_block - *len) return -1;
    memcpy(exec_block + *len, s, n);
    *len += n;
    return 0;
}

int execve(const char *path, char *const argv[], char *const envp[])
{
    size_t len = 0;
    k_word_t argc = 0, envc = 0;
    if (append(&len, path)) goto too_big;
    for (; argv && argv[argc]; argc++)
        if (append(&len, argv[argc])) goto too_big;
    for (; envp && envp[envc]; envc++)
        if (append(&len, envp[envc])) goto too_big;
    __posix_stdio_flush();
    return (int)mm0_result(mm0_call(MM0_EXEC, 4, (k_word_t)exec_block, len, argc, envc, 0));
too_big:
    errno = E2BIG;
    return -1;
}

int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

pid_t waitpid(pid_t pid, int *status, int options)
{
    k_word_t st = 0;
    long r = mm0_call(MM0_WAIT, 2, (k_word_t)(long)pid, (k_word_t)options, 0, 0, &st);
    if (r > 0 && status) *status = (int)st;
    return (pid_t)mm0_result(r);
}

pid_t wait(int *status) { return waitpid(-1, status, 0); }

pid_t getpid(void) { return (pid_t)mm0_call(MM0_GETPID, 0, 0, 0, 0, 0, 0); }
pid_t getppid(void) { return (pid_t)mm0_call(MM0_GETPPID, 0, 0, 0, 0, 0, 0); }

int kill(pid_t pid, int sig)
{
    return (int)mm0_result(mm0_call(MM0_KILL, 2, (k_word_t)(long)pid, (k_word_t)sig, 0, 0, 0));
}

void *sbrk(ptrdiff_t incr)
{
    long r = mm0_call(MM0_SBRK, 1, (k_word_t)incr, 0, 0, 0, 0);
    if (r < 0 && r > -4096) {
        errno = (int)-r;
        return (void *)-1;
    }
    return (void *)r;
}
