/* mv and cp: the destination path for SRC when DST may be a directory (then
 * DST/basename(SRC), as POSIX's mv and cp say). */
#pragma once
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *target(const char *src, const char *dst, char *buf, size_t size)
{
    struct stat st;
    if (stat(dst, &st) || !S_ISDIR(st.st_mode)) return dst;
    const char *base = strrchr(src, '/');
    base = base ? base + 1 : src;
    snprintf(buf, size, "%s/%s", dst, base);
    return buf;
}
