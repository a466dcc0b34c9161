/* Console descriptors (console.c; libposix internal). */
#pragma once
#include <sys/types.h>

ssize_t console_write(int fd, const void *buf, size_t len);
ssize_t console_read(int fd, void *buf, size_t len);
