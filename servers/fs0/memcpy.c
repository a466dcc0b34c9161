/* fs0's own memcpy and memset (they override picolibc's in fs0 only, libext2's
 * included): picolibc's are built for size and move a byte at a time, and fs0 spends
 * its time moving and clearing blocks (the cache, the RAM disk, callers' windows).
 * Eight bytes at a time when the alignment allows, bytes otherwise. */
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
        while (n && ((uintptr_t)d & 7)) {
            *d++ = *s++;
            n--;
        }
        uint64_t *dw = (uint64_t *)d;
        const uint64_t *sw = (const uint64_t *)s;
        for (; n >= 32; n -= 32, dw += 4, sw += 4) {
            uint64_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
            dw[0] = a;
            dw[1] = b;
            dw[2] = c;
            dw[3] = e;
        }
        for (; n >= 8; n -= 8) *dw++ = *sw++;
        d = (unsigned char *)dw;
        s = (const unsigned char *)sw;
    }
    while (n--) *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    for (; n && ((uintptr_t)d & 7); n--) *d++ = (unsigned char)c;
    uint64_t v = (unsigned char)c * 0x0101010101010101ull;
    uint64_t *dw = (uint64_t *)d;
    for (; n >= 32; n -= 32, dw += 4) {
        dw[0] = v;
        dw[1] = v;
        dw[2] = v;
        dw[3] = v;
    }
    for (; n >= 8; n -= 8) *dw++ = v;
    d = (unsigned char *)dw;
    while (n--) *d++ = (unsigned char)c;
    return dst;
}
