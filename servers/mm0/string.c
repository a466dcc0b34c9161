/* memset and memcpy for mm0, a word at a time. Debian's picolibc for riscv64 is built
 * for size: its memset and memcpy go byte by byte (4 instructions a byte), and mm0
 * calls them on every fault (the library clears its fault result and each new page
 * record). These definitions take the place of picolibc's in mm0's link (a program's
 * own definition is used before an archive member's). The loops are not turned back
 * into calls of themselves: CMakeLists.txt builds this file with
 * -fno-tree-loop-distribute-patterns. Misaligned words are avoided (a misaligned access
 * may trap to the SBI firmware on RISC-V: the privileged spec leaves it to the hart). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t __attribute__((may_alias)) word_t;

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned char b = (unsigned char)c;
    while (n && ((uintptr_t)d & 7)) {
        *d++ = b;
        n--;
    }
    word_t w = b * (word_t)0x0101010101010101ull;
    for (; n >= 32; n -= 32, d += 32) {
        ((word_t *)d)[0] = w;
        ((word_t *)d)[1] = w;
        ((word_t *)d)[2] = w;
        ((word_t *)d)[3] = w;
    }
    for (; n >= 8; n -= 8, d += 8) *(word_t *)d = w;
    while (n--) *d++ = b;
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {   /* words line up */
        while (n && ((uintptr_t)d & 7)) {
            *d++ = *s++;
            n--;
        }
        for (; n >= 32; n -= 32, d += 32, s += 32) {
            word_t a = ((const word_t *)s)[0], b = ((const word_t *)s)[1];
            word_t x = ((const word_t *)s)[2], y = ((const word_t *)s)[3];
            ((word_t *)d)[0] = a;
            ((word_t *)d)[1] = b;
            ((word_t *)d)[2] = x;
            ((word_t *)d)[3] = y;
        }
        for (; n >= 8; n -= 8, d += 8, s += 8) *(word_t *)d = *(const word_t *)s;
    }
    while (n--) *d++ = *s++;
    return dst;
}
