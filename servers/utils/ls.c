/* ls [-a] [-l] [PATH...]: the names in each directory (sorted, one a line; `.` and
 * `..` only with -a), or the name of a file; -l adds the type, mode and size. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool all, longform;
static int status;

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void show(const char *dir, const char *name)
{
    if (!longform) {
        printf("%s\n", name);
        return;
    }
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (stat(dir ? path : name, &st)) {
        fprintf(stderr, "ls: %s: %s\n", dir ? path : name, strerror(errno));
        status = 1;
        return;
    }
    char type = S_ISDIR(st.st_mode) ? 'd' : S_ISCHR(st.st_mode) ? 'c' : S_ISFIFO(st.st_mode) ? 'p' : '-';
    printf("%c%04o %8ld %s\n", type, (unsigned)st.st_mode & 07777, (long)st.st_size, name);
}

static void list(const char *path, bool header)
{
    struct stat st;
    if (stat(path, &st)) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        status = 1;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        show(NULL, path);
        return;
    }
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        status = 1;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d))) {
        if (!all && e->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            char **more = realloc(names, cap * sizeof *names);
            if (!more) break;
            names = more;
        }
        if (!(names[n] = strdup(e->d_name))) break;
        n++;
    }
    if (errno) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        status = 1;
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    if (header) printf("%s:\n", path);
    for (size_t i = 0; i < n; i++) {
        show(path, names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'a') all = true;
            else if (*o == 'l') longform = true;
            else {
                fprintf(stderr, "ls: -%c: unknown option (usage: ls [-a] [-l] [PATH...])\n", *o);
                return 2;
            }
        }
    if (i == argc) list(".", false);
    for (int j = i; j < argc; j++) list(argv[j], argc - i > 1);
    return status;
}
