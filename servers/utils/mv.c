/* mv SRC DST: rename (into DST if it is a directory). Within one mount only: fs0
 * answers EXDEV across mounts, and mv says so. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "target.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "mv: usage: mv SRC DST\n");
        return 2;
    }
    char buf[512];
    const char *to = target(argv[1], argv[2], buf, sizeof buf);
    if (rename(argv[1], to)) {
        fprintf(stderr, "mv: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    return 0;
}
