/* echo: the arguments, separated by spaces, and a newline (-n: no newline). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    int i = 1, nl = 1;
    if (argc > 1 && !strcmp(argv[1], "-n")) nl = 0, i = 2;
    for (int first = i; i < argc; i++) printf("%s%s", i > first ? " " : "", argv[i]);
    if (nl) printf("\n");
    return 0;
}
