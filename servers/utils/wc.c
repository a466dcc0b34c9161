/* wc [-l] [-w] [-c] [FILE...]: lines, words and bytes of each file (or of standard
 * input), and a total for more than one. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool opt_l, opt_w, opt_c;

static void put(const long v[3], const char *name)
{
    bool any = opt_l || opt_w || opt_c;
    const char *sep = "";
    if (!any || opt_l) printf("%s%ld", sep, v[0]), sep = " ";
    if (!any || opt_w) printf("%s%ld", sep, v[1]), sep = " ";
    if (!any || opt_c) printf("%s%ld", sep, v[2]), sep = " ";
    if (name) printf(" %s", name);
    printf("\n");
}

static int count(int fd, const char *name, long v[3])
{
    static char buf[4096];
    bool in_word = false;
    ssize_t n;
    v[0] = v[1] = v[2] = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        v[2] += n;
        for (ssize_t i = 0; i < n; i++) {
            char c = buf[i];
            if (c == '\n') v[0]++;
            bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
            if (!space && !in_word) v[1]++;
            in_word = !space;
        }
    }
    if (n < 0) {
        fprintf(stderr, "wc: %s: %s\n", name, strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'l') opt_l = true;
            else if (*o == 'w') opt_w = true;
            else if (*o == 'c') opt_c = true;
            else {
                fprintf(stderr, "wc: -%c: unknown option (usage: wc [-lwc] [FILE...])\n", *o);
                return 2;
            }
        }
    long v[3], total[3] = {0, 0, 0};
    if (i == argc) {
        if (count(0, "standard input", v)) return 1;
        put(v, NULL);
        return 0;
    }
    int status = 0, files = argc - i;
    for (; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        if (count(fd, argv[i], v)) status = 1;
        else put(v, argv[i]);
        close(fd);
        for (int k = 0; k < 3; k++) total[k] += v[k];
    }
    if (files > 1) put(total, "total");
    return status;
}
