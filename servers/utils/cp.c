/* cp SRC DST: copy a file's bytes (into DST if it is a directory). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "target.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "cp: usage: cp SRC DST\n");
        return 2;
    }
    char path[512];
    const char *to = target(argv[1], argv[2], path, sizeof path);
    int in = open(argv[1], O_RDONLY);
    if (in < 0) {
        fprintf(stderr, "cp: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    struct stat st;
    if (fstat(in, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "cp: %s: %s\n", argv[1], strerror(EISDIR));
        return 1;
    }
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
        fprintf(stderr, "cp: %s: %s\n", to, strerror(errno));
        return 1;
    }
    static char buf[4096];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            fprintf(stderr, "cp: %s: %s\n", to, strerror(errno));
            return 1;
        }
    if (n < 0) {
        fprintf(stderr, "cp: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    return close(out) ? 1 : 0;
}
