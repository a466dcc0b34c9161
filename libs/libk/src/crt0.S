/* User start-up: the kernel enters with a0 = boot-info address and no stack, as
 * seL4 does for its root task; we use a stack in our own .bss. */
    .section .text.start, "ax"
    .global _start
_start:
    .option push
    .option norelax
    lla     gp, __global_pointer$
    .option pop
    lla     sp, __stack_top
    call    __libk_start
1:  j       1b

    .section .bss
    .balign 16
    .space 16384
__stack_top:
