/* Kernel options from /chosen bootargs. The string comes from whoever wrote the
 * device tree (the firmware, QEMU's -append, a boot loader), so every value is
 * checked: digits only, no overflow, within the option's bound. */
#include "bootargs.h"
#include <stdbool.h>
#include <stddef.h>

static bool is_space(char c) { return c == ' ' || c == '\t'; }

/* The value of the word [w, end) if it is key=digits within max. */
static enum bootargs_result parse_word(const char *w, const char *end, const char *key,
                                       uint64_t max, uint64_t *out)
{
    const char *k = key;
    while (*k && w < end && *w == *k) { w++; k++; }
    if (*k || w == end || *w != '=') return BOOTARGS_ABSENT;   /* another word */
    w++;
    if (w == end) return BOOTARGS_BAD;
    uint64_t v = 0;
    for (; w < end; w++) {
        if (*w < '0' || *w > '9') return BOOTARGS_BAD;
        unsigned d = (unsigned)(*w - '0');
        if (d > max || v > (max - d) / 10) return BOOTARGS_BAD;   /* v * 10 + d > max */
        v = v * 10 + d;
    }
    *out = v;
    return BOOTARGS_OK;
}

enum bootargs_result bootargs_uint(const char *args, const char *key, uint64_t max, uint64_t *out)
{
    enum bootargs_result r = BOOTARGS_ABSENT;
    uint64_t last = 0;
    if (!args || !key || !*key) return r;
    const char *p = args;
    while (*p) {
        while (is_space(*p)) p++;
        const char *w = p;
        while (*p && !is_space(*p)) p++;
        if (p == w) break;
        uint64_t v = 0;
        enum bootargs_result got = parse_word(w, p, key, max, &v);
        if (got != BOOTARGS_ABSENT) { r = got; last = v; }
    }
    if (r == BOOTARGS_OK) *out = last;     /* untouched unless the last word was good */
    return r;
}
