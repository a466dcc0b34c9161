/* The second boot of the fs suite's disk (disk_fs.py boots kernel-fsverify.elf on the
 * image the fs suite left): init here, it reads every file of persist.h through fs0
 * on the virtio disk and checks each byte (holes as zeros), that the unlinked and
 * renamed-away names are gone, and that the staged files are still there. One line
 * per file, then `fsverify: N files, N wrong`. Reads only: afterwards the image must
 * still be clean. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "persist.h"

static unsigned char want[400000], got[400000];

static int check_file(const char *path)
{
    unsigned long size = 0;
    memset(want, 0, sizeof want);
    for (unsigned k = 0; k < PERSIST_PIECES; k++) {
        const struct persist_piece *p = &persist[k];
        if (strcmp(p->path, path)) continue;
        for (unsigned long i = 0; i < p->len; i++) want[p->off + i] = persist_pattern(i, p->seed);
        if (p->off + p->len > size) size = p->off + p->len;
    }
    struct stat st;
    if (stat(path, &st) || (unsigned long)st.st_size != size) {
        printf("fsverify: %s: stat errno %d, size %ld, want %lu\n", path, errno, (long)st.st_size, size);
        return 1;
    }
    int fd = open(path, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, got, sizeof got) : -1;
    if (fd >= 0) close(fd);
    if (n != (ssize_t)size) {
        printf("fsverify: %s: read %ld bytes, want %lu\n", path, (long)n, size);
        return 1;
    }
    for (unsigned long i = 0; i < size; i++)
        if (got[i] != want[i]) {
            printf("fsverify: %s: byte %lu is %u, want %u\n", path, i, got[i], want[i]);
            return 1;
        }
    printf("fsverify: %s: %lu bytes as written\n", path, size);
    return 0;
}

int main(void)
{
    unsigned files = 0, wrong = 0;
    for (unsigned k = 0; k < PERSIST_PIECES; k++) {
        bool first = true;
        for (unsigned j = 0; j < k; j++)
            if (!strcmp(persist[j].path, persist[k].path)) first = false;
        if (!first) continue;
        files++;
        wrong += (unsigned)check_file(persist[k].path);
    }
    struct stat st;
    static const char *const gone[] = {PERSIST_GONE, PERSIST_OLD_NAME};
    for (unsigned i = 0; i < 2; i++) {
        files++;
        if (stat(gone[i], &st) == 0 || errno != ENOENT) {
            printf("fsverify: %s exists (or errno %d), but was removed\n", gone[i], errno);
            wrong++;
        } else {
            printf("fsverify: %s is gone, as it should be\n", gone[i]);
        }
    }
    files++;
    if (stat("/etc/motd", &st) || st.st_size == 0) {
        printf("fsverify: the staged /etc/motd is missing\n");
        wrong++;
    }
    printf("fsverify: %u files, %u wrong\n", files, wrong);
    return wrong ? 1 : 0;
}
