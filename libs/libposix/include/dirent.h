/* Directories (POSIX <dirent.h>): picolibc has none for our system, so libposix gives
 * opendir/readdir over fs0's getdents (src/dirent.c). */
#pragma once
#include <sys/types.h>

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8

struct dirent {
    ino_t d_ino;
    unsigned char d_type;
    char d_name[256];
};

typedef struct posix_dir DIR;

DIR *opendir(const char *path);
DIR *fdopendir(int fd);
struct dirent *readdir(DIR *d);   /* NULL at the end (errno unchanged) or on error */
void rewinddir(DIR *d);
int closedir(DIR *d);
int dirfd(DIR *d);
