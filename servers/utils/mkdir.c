/* mkdir DIR...: make each directory (mode 0755). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "mkdir: usage: mkdir DIR...\n");
        return 2;
    }
    int status = 0;
    for (int i = 1; i < argc; i++)
        if (mkdir(argv[i], 0755)) {
            fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
    return status;
}
