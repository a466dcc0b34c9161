/*
 * Test payload booted by OpenSBI under QEMU: write the DTB that firmware
 * passes in a1 to the host file "opensbi.dtb" (in QEMU's working
 * directory) through semihosting, then exit QEMU.  This captures the tree
 * the kernel really sees, after OpenSBI's fixups.
 *
 * Semihosting on RISC-V: a0 = operation, a1 = parameter block, trapped
 * by the uncompressed sequence slli/ebreak/srai (RISC-V semihosting spec).
 * Operation numbers are the Arm semihosting ones.
 */
    .option norvc
    .option norelax             /* no gp-relative relaxation: gp is not set up */
    .text
    .globl _start
_start:
    mv s0, a1                   /* s0 = DTB */
    lbu t0, 4(s0)               /* s1 = totalsize, a big-endian u32 at +4 */
    lbu t1, 5(s0)
    lbu t2, 6(s0)
    lbu t3, 7(s0)
    slli t0, t0, 24
    slli t1, t1, 16
    slli t2, t2, 8
    or t0, t0, t1
    or t0, t0, t2
    or s1, t0, t3
    la s2, params

    la t0, name                 /* SYS_OPEN(name, mode 5 = "wb", length) */
    sd t0, 0(s2)
    li t0, 5
    sd t0, 8(s2)
    li t0, 11
    sd t0, 16(s2)
    li a0, 0x01
    mv a1, s2
    call semihost
    sd a0, 0(s2)                /* SYS_WRITE(handle, DTB, totalsize) */
    sd s0, 8(s2)
    sd s1, 16(s2)
    li a0, 0x05
    mv a1, s2
    call semihost
    li t0, 0x20026              /* SYS_EXIT(ADP_Stopped_ApplicationExit, 0) */
    sd t0, 0(s2)
    sd zero, 8(s2)
    li a0, 0x18
    mv a1, s2
    call semihost
1:  j 1b

    .balign 16                  /* the three instructions must share a page */
semihost:
    slli zero, zero, 0x1f
    ebreak
    srai zero, zero, 0x7
    ret

    .data
name:
    .ascii "opensbi.dtb"        /* 11 bytes, no NUL needed */
    .balign 8
params:
    .dword 0, 0, 0
