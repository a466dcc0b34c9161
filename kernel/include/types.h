/* Basic kernel types. The kernel is freestanding: no libc headers beyond the compiler's. */
#pragma once
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef uint64_t word_t;   /* one machine word; also one message register */
typedef uint64_t paddr_t;  /* physical address */
typedef uint64_t vaddr_t;  /* virtual address */

#define BIT(n)            (1ull << (n))
#define MASK(n)           (BIT(n) - 1ull)
#define ALIGN_DOWN(x, a)  ((x) & ~((uint64_t)(a) - 1))
#define ALIGN_UP(x, a)    (((x) + ((uint64_t)(a) - 1)) & ~((uint64_t)(a) - 1))
#define IS_ALIGNED(x, a)  (((x) & ((uint64_t)(a) - 1)) == 0)
#define ARRAY_SIZE(a)     (sizeof(a) / sizeof((a)[0]))
#define UNUSED            __attribute__((unused))
#define NORETURN          __attribute__((noreturn))
#define PACKED            __attribute__((packed))
#define likely(x)         __builtin_expect(!!(x), 1)
#define unlikely(x)       __builtin_expect(!!(x), 0)

/* Index of the highest set bit of a non-zero word. Written out (binary search) because
 * the kernel links no libgcc: rv64imac has no count-leading-zeros instruction. */
static inline unsigned highest_bit(uint64_t x)
{
    unsigned n = 0;
    if (x >> 32) { n += 32; x >>= 32; }
    if (x >> 16) { n += 16; x >>= 16; }
    if (x >> 8)  { n += 8;  x >>= 8; }
    if (x >> 4)  { n += 4;  x >>= 4; }
    if (x >> 2)  { n += 2;  x >>= 2; }
    if (x >> 1)  { n += 1; }
    return n;
}
