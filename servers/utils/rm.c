/* rm [-f] FILE...: unlink each file (directories are rmdir's); -f: a missing file is
 * no error. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int i = 1;
    bool force = false;
    if (i < argc && !strcmp(argv[i], "-f")) force = true, i++;
    if (i == argc && !force) {
        fprintf(stderr, "rm: usage: rm [-f] FILE...\n");
        return 2;
    }
    int status = 0;
    for (; i < argc; i++)
        if (unlink(argv[i]) && !(force && errno == ENOENT)) {
            fprintf(stderr, "rm: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
    return status;
}
