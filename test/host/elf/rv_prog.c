/*
 * Not a host test: cross-compiled at build time (never run) so the libelf
 * tests have real linker output to read. One object per kind of section, so
 * the linker has text, read-only data, initialised data and bss to lay out.
 */
#include <stdint.h>

const char rv_prog_message[] = "libelf test image";  /* .rodata: found by the test */
volatile uint32_t rv_prog_counter = 0x1234abcdu;      /* .(s)data: found by the test */
static volatile uint64_t rv_prog_zeros[512];         /* .bss: makes memsz > filesz */

/* A note (gABI layout: namesz, descsz, type, name, desc) so the scripted
 * image has a PT_NOTE for libelf to skip. */
struct rv_prog_note {
    uint32_t namesz, descsz, type;
    char name[8];
    uint32_t desc;
};
__attribute__((section(".note.libelf"), used, aligned(4)))
static const struct rv_prog_note rv_prog_note = { 7, 4, 1, "libelf", 0x600dcafeu };

void _start(void) __attribute__((noreturn));
void _start(void)
{
    for (;;) {
        uint32_t c = rv_prog_counter;
        rv_prog_zeros[c % 512] += (uint8_t)rv_prog_message[c % sizeof rv_prog_message];
        rv_prog_counter = c + 1;
    }
}
