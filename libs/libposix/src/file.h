/* fs0's descriptors (file.c), for io.c's read/write/close/lseek/fstat (libposix
 * internal). */
#pragma once
#include <sys/stat.h>
#include <sys/types.h>
#include <fs0/protocol.h>

#include <stdbool.h>

/* Set when a call found no fs0 (an image without one): 0-2 are then the console's. */
extern bool fs0_missing;
/* Forget which descriptors are known to be the console (io.c): the table changes. */
void console_forget(void);
ssize_t fs0_read(int fd, void *buf, size_t len);
ssize_t fs0_write(int fd, const void *buf, size_t len);
int fs0_close(int fd);
off_t fs0_lseek(int fd, off_t off, int whence);
int fs0_fstat(int fd, struct stat *st);
