/* init, the first process: a short demo of processes on mm0 (fork, exec of a program
 * with arguments and environment, wait), then the shell on the console; when the
 * shell ends, init returns and its exit powers the machine off (docs/mm0.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run path with argv and envp; its wait status, or -1. Children of ended processes
 * come to init too: they are reaped on the way. */
static int spawn(const char *path, char **argv, char **envp, pid_t *pid)
{
    pid_t child = fork();
    if (child < 0) {
        perror("init: fork");
        return -1;
    }
    if (child == 0) {
        execve(path, argv, envp);
        /* /bin/sh is the disk's once programs run from the disk; before that (and in
         * images whose archive has it) the shell is the boot archive's sh. */
        if (errno == ENOENT && !strcmp(path, "/bin/sh")) execve("sh", argv, envp);
        perror("init: exec");
        _exit(127);
    }
    *pid = child;
    int status = 0;
    pid_t got;
    while ((got = waitpid(-1, &status, 0)) > 0 && got != child) {}
    if (got != child) {
        printf("init: waitpid returned %d, status 0x%x\n", (int)got, status);
        return -1;
    }
    return status;
}

int main(void)
{
    printf("init: pid %d, starting the demo\n", (int)getpid());
    char *argv[] = {"hello", "one", "two words", NULL};
    char *envp[] = {"GREETING=hi from init", "SHELL=sh", NULL};
    pid_t pid = 0;
    int status = spawn("hello", argv, envp, &pid);
    if (status >= 0 && WIFEXITED(status))
        printf("init: child %d exited with status %d\n", (int)pid, WEXITSTATUS(status));
    char *sh_argv[] = {"sh", NULL};
    char *sh_envp[] = {"SHELL=sh", NULL};
    printf("init: starting sh on the console\n");
    status = spawn("/bin/sh", sh_argv, sh_envp, &pid);
    if (status >= 0 && WIFEXITED(status)) printf("init: sh exited with status %d; powering off\n", WEXITSTATUS(status));
    else printf("init: sh ended (status 0x%x); powering off\n", status);
    /* Power-off follows our exit and nobody asks fs0: what the session wrote must be
     * on the disk now (without fs0 the call is refused at once: nothing to sync). */
    sync();
    return 0;
}
