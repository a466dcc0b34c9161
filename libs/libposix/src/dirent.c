/* opendir/readdir (<dirent.h>): a buffer of fs0_dirent records from getdents, handed
 * out one at a time. Each record's length is checked against what fs0 sent, so a bad
 * reply ends the listing (EIO) instead of reading past the buffer. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fs0/fs0.h>

struct posix_dir {
    int fd;
    size_t len, pos;
    struct dirent ent;
    char buf[FS0_IO_MAX] __attribute__((aligned(8)));
};

DIR *fdopendir(int fd)
{
    DIR *d = malloc(sizeof *d);
    if (!d) return NULL;
    d->fd = fd;
    d->len = d->pos = 0;
    return d;
}

DIR *opendir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return NULL;
    DIR *d = fdopendir(fd);
    if (!d) close(fd);
    return d;
}

struct dirent *readdir(DIR *d)
{
    if (d->pos >= d->len) {
        ssize_t n = fs0_getdents(d->fd, d->buf, sizeof d->buf);
        if (n <= 0) return NULL;   /* the end, or errno from fs0 */
        d->len = (size_t)n;
        d->pos = 0;
    }
    const struct fs0_dirent *r = (const struct fs0_dirent *)(d->buf + d->pos);
    size_t hdr = offsetof(struct fs0_dirent, d_name);
    if (d->len - d->pos < hdr + 1 || r->d_reclen < hdr + 1 || r->d_reclen > d->len - d->pos ||
        !memchr(r->d_name, '\0', r->d_reclen - hdr) || strlen(r->d_name) >= sizeof d->ent.d_name) {
        d->pos = d->len;
        errno = EIO;
        return NULL;
    }
    d->ent.d_ino = (ino_t)r->d_ino;
    d->ent.d_type = r->d_type;
    strcpy(d->ent.d_name, r->d_name);
    d->pos += r->d_reclen;
    return &d->ent;
}

void rewinddir(DIR *d)
{
    lseek(d->fd, 0, SEEK_SET);
    d->len = d->pos = 0;
}

int closedir(DIR *d)
{
    int r = close(d->fd);
    free(d);
    return r;
}

int dirfd(DIR *d) { return d->fd; }
