/* Kernel options from the device tree's /chosen `bootargs` (QEMU: -append "..."). */
#pragma once
#include <stdint.h>

enum bootargs_result {
    BOOTARGS_ABSENT = 0,    /* no word key=... */
    BOOTARGS_OK = 1,        /* *out holds the value */
    BOOTARGS_BAD = -1,      /* key= present but not a decimal number <= max */
};

/* Look for the word `key=N` in args: words are separated by spaces or tabs, N is
 * decimal digits only, at most max. The last such word counts (as on Linux's command
 * line, a later word overrides an earlier one): if it is bad the result is
 * BOOTARGS_BAD and *out is left alone. Other words are not ours: ignored. */
enum bootargs_result bootargs_uint(const char *args, const char *key, uint64_t max, uint64_t *out);
