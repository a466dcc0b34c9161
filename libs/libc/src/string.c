/* Freestanding memory and string routines, shared by the kernel and user programs.
 * GCC may emit calls to memset/memcpy for struct copies, so these must exist. */
#include <string.h>
#include <stdint.h>
#include <stdbool.h>

#define IS_ALIGNED(x, a) (((x) & ((a) - 1)) == 0)

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    /* Word stores for the bulk: zeroing whole pages is the common case (every retype
     * and every zero-fill fault), so eight words a round keep the loop's own
     * instructions to a fraction of the stores. */
    if (IS_ALIGNED((uintptr_t)p, 8) && c == 0) {
        uint64_t *w = (uint64_t *)p;
        for (; n >= 64; n -= 64, w += 8)
            w[0] = w[1] = w[2] = w[3] = w[4] = w[5] = w[6] = w[7] = 0;
        for (; n >= 8; n -= 8) *w++ = 0;
        p = (uint8_t *)w;
    }
    while (n--) *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    if (IS_ALIGNED((uintptr_t)dp | (uintptr_t)sp, 8)) {
        while (n >= 8) { *(uint64_t *)dp = *(const uint64_t *)sp; dp += 8; sp += 8; n -= 8; }
    }
    while (n--) *dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    if (dp <= sp || dp >= sp + n) return memcpy(d, s, n);
    while (n--) dp[n] = sp[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y) return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) { a++; b++; }
    return (uint8_t)*a - (uint8_t)*b;
}
