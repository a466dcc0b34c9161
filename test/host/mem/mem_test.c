/* libmem (libs/libmem/mem.c): every destination and source alignment and every length
 * up to 100 bytes, plus a few long ones, against a byte loop. Around each destination
 * lie guard bytes that must keep their value: the words the copy stores must stop at
 * its ends, whatever the alignment. The source sits inside a larger array, so the
 * aligned words the shifted copy loads stay inside it (the sanitizer would say so). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void *lm_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *lm_memset(void *dst, int c, size_t n);

#define GUARD 24
#define MAXN 5000

static unsigned char src[MAXN + 2 * GUARD], dst[MAXN + 2 * GUARD], ref[MAXN + 2 * GUARD];
static int failures;

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(i * 131 + seed * 7 + (i >> 8));
}

static void compare(const char *what, size_t da, size_t sa, size_t n)
{
    for (size_t i = 0; i < sizeof dst; i++)
        if (dst[i] != ref[i]) {
            if (failures++ < 10)
                printf("FAIL %s dst+%zu src+%zu n=%zu: byte %zd is %u, want %u\n", what, da, sa,
                       n, (ssize_t)i - GUARD, dst[i], ref[i]);
            return;
        }
}

static void one_copy(size_t da, size_t sa, size_t n)
{
    fill(src, sizeof src, (unsigned)(da + sa + n));
    fill(dst, sizeof dst, 99);
    fill(ref, sizeof ref, 99);
    for (size_t i = 0; i < n; i++) ref[GUARD + da + i] = src[GUARD + sa + i];
    void *r = lm_memcpy(dst + GUARD + da, src + GUARD + sa, n);
    if (r != dst + GUARD + da && failures++ < 10) printf("FAIL memcpy returned %p\n", r);
    compare("memcpy", da, sa, n);
}

static void one_set(size_t da, size_t n, int c)
{
    fill(dst, sizeof dst, 5);
    fill(ref, sizeof ref, 5);
    for (size_t i = 0; i < n; i++) ref[GUARD + da + i] = (unsigned char)c;
    void *r = lm_memset(dst + GUARD + da, c, n);
    if (r != dst + GUARD + da && failures++ < 10) printf("FAIL memset returned %p\n", r);
    compare("memset", da, 0, n);
}

int main(void)
{
    static const size_t longs[] = {255, 256, 257, 1023, 4095, 4096, 4097, 4900};
    unsigned cases = 0;
    for (size_t da = 0; da < 8; da++)
        for (size_t sa = 0; sa < 8; sa++) {
            for (size_t n = 0; n <= 100; n++, cases++) one_copy(da, sa, n);
            for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++, cases++)
                one_copy(da, sa, longs[i]);
        }
    for (size_t da = 0; da < 8; da++)
        for (size_t n = 0; n <= 100; n++, cases += 2) {
            one_set(da, n, 0);
            one_set(da, n, 0x1a5);   /* only the low byte counts */
        }
    for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++, cases++) one_set(3, longs[i], 0xff);
    printf("%u cases, %d failed\n", cases, failures);
    return failures != 0;
}
