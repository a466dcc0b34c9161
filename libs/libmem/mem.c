/* memcpy and memset for every user program and server, a word at a time.
 *
 * Debian's picolibc for riscv64 is built for size: its memcpy and memset move one byte
 * per round (about 4 instructions a byte), and the servers spend their time moving and
 * clearing pages and blocks (mm0's faults and forks, fs0's cache and callers' windows,
 * libposix's UTCB area). These definitions take the place of picolibc's: libs/
 * CMakeLists.txt puts libmem before picolibc in every link and names both symbols
 * undefined first, so the linker takes them from here.
 *
 * Only aligned words are loaded and stored: the RISC-V privileged spec lets a hart trap
 * a misaligned access to the firmware, which emulates it hundreds of times slower. A
 * source that does not line up with the destination is read as aligned words shifted
 * together (RISC-V is little-endian). No load reaches a word that holds no byte to copy.
 * This file is built with -fno-tree-loop-distribute-patterns: GCC must not turn these
 * loops back into calls of memcpy and memset. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t __attribute__((may_alias)) word_t;

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    for (; n && ((uintptr_t)d & 7); n--) *d++ = *s++;
    word_t *dw = (word_t *)d;
    unsigned sh = (unsigned)((uintptr_t)s & 7) * 8;
    if (sh == 0) {
        const word_t *sw = (const word_t *)s;
        for (; n >= 32; n -= 32, dw += 4, sw += 4) {
            word_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
            dw[0] = a;
            dw[1] = b;
            dw[2] = c;
            dw[3] = e;
        }
        for (; n >= 8; n -= 8) *dw++ = *sw++;
        s = (const unsigned char *)sw;
    } else if (n >= 16) {
        const word_t *sw = (const word_t *)(s - sh / 8);
        word_t lo = *sw++;
        for (; n >= 16; n -= 8, s += 8) {   /* the word after lo still holds bytes to copy */
            word_t hi = *sw++;
            *dw++ = lo >> sh | hi << (64 - sh);
            lo = hi;
        }
    }
    d = (unsigned char *)dw;
    while (n--) *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned char b = (unsigned char)c;
    for (; n && ((uintptr_t)d & 7); n--) *d++ = b;
    word_t w = b * (word_t)0x0101010101010101ull;
    word_t *dw = (word_t *)d;
    for (; n >= 32; n -= 32, dw += 4) {
        dw[0] = w;
        dw[1] = w;
        dw[2] = w;
        dw[3] = w;
    }
    for (; n >= 8; n -= 8) *dw++ = w;
    d = (unsigned char *)dw;
    while (n--) *d++ = b;
    return dst;
}
