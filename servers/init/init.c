/* init, the first process: a short demo of processes on mm0 (fork, exec of a program
 * with arguments and environment, wait), then it powers the machine off. It will
 * start the shell once there is one. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    printf("init: pid %d, starting the demo\n", (int)getpid());
    pid_t child = fork();
    if (child < 0) {
        perror("init: fork");
        return 1;
    }
    if (child == 0) {
        char *argv[] = {"hello", "one", "two words", NULL};
        char *envp[] = {"GREETING=hi from init", "SHELL=none yet", NULL};
        execve("hello", argv, envp);
        perror("init: exec hello");
        _exit(127);
    }
    int status = 0;
    pid_t got = waitpid(child, &status, 0);
    if (got == child && WIFEXITED(status))
        printf("init: child %d exited with status %d\n", (int)got, WEXITSTATUS(status));
    else
        printf("init: waitpid returned %d, status 0x%x\n", (int)got, status);
    printf("init: demo done; powering off\n");
    return 0;
}
