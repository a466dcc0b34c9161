/* The program init's demo runs: an ordinary C program that prints its arguments
 * and environment and exits with the number of arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp)
{
    printf("hello: pid %d, parent %d, %d arguments:", (int)getpid(), (int)getppid(), argc);
    for (int i = 0; i < argc; i++) printf(" [%s]", argv[i]);
    printf("\n");
    for (int i = 0; envp[i]; i++) printf("hello: env %s\n", envp[i]);
    const char *greeting = getenv("GREETING");
    printf("hello: GREETING is %s\n", greeting ? greeting : "(unset)");
    return argc;
}
