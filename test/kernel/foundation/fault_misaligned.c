#include "fault.h"
#include <stdint.h>
/* Plain misaligned loads may be done by hardware or emulated by OpenSBI, both legal;
 * a misaligned atomic must trap (unprivileged spec, "A" extension) and reach us. */
static uint64_t words[2];
FAULT_TEST("fault_misaligned", {
    uint32_t old;
    asm volatile("amoadd.w %0, %1, (%2)" : "=r"(old) : "r"(1), "r"((uintptr_t)words + 2) : "memory");
})
