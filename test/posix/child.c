/* Exec target of the posix suite: checks the arguments and environment the runner
 * passes (test "exec with arguments and environment") and reports through its exit
 * status: 42 when all is as expected, a code naming the first difference otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <mm0/mm0.h>

extern char **environ;

/* 1000 fork+exit+wait; mm0's free pages and task count equal before and after.
 * Exit status 0, or 1 with a line saying what differed. */
static int fork_loop(void)
{
    int st;
    for (int i = 0; i < 3; i++) {   /* warm-up: mm0's heap reaches its working size */
        pid_t pid = fork();
        if (pid == 0) _exit(0);
        if (pid < 0 || waitpid(pid, &st, 0) != pid) return 1;
    }
    struct mm0_meminfo a, b;
    if (mm0_meminfo(&a)) return 1;
    for (int i = 0; i < 1000; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            printf("forkloop: fork %d failed\n", i);
            return 1;
        }
        if (pid == 0) _exit(i & 0x7f);
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != (i & 0x7f)) {
            printf("forkloop: round %d: status 0x%x\n", i, st);
            return 1;
        }
    }
    if (mm0_meminfo(&b)) return 1;
    printf("forkloop: 1000 fork+exit+wait: free pages %ld before, %ld after; tasks %ld, %ld\n",
           a.free_pages, b.free_pages, a.tasks, b.tasks);
    return a.free_pages == b.free_pages && a.tasks == b.tasks ? 0 : 1;
}

int main(int argc, char **argv, char **envp)
{
    if (argc == 2 && !strcmp(argv[1], "forkloop")) return fork_loop();
    if (argc != 3) return 10 + (argc & 7);
    if (strcmp(argv[0], "child") || strcmp(argv[1], "alpha") || strcmp(argv[2], "two words"))
        return 20;
    if (argv[3] != NULL) return 21;
    if (envp != environ) return 22;
    if (!envp[0] || strcmp(envp[0], "KEY=value") || !envp[1] || strcmp(envp[1], "EMPTY=") ||
        envp[2] != NULL)
        return 30;
    const char *k = getenv("KEY");
    if (!k || strcmp(k, "value")) return 31;
    if (getenv("NOT_THERE")) return 32;
    /* A fresh image: .bss is zero and the heap works. */
    static char bss[10000];
    for (unsigned i = 0; i < sizeof bss; i++)
        if (bss[i]) return 40;
    char *p = malloc(100000);
    if (!p) return 41;
    memset(p, 7, 100000);
    free(p);
    return 42;
}
