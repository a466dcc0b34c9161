/* Kernel entry from OpenSBI: S-mode, MMU off, a0 = hart id, a1 = physical address of
 * the flattened device tree. We run at our physical load address until paging is on;
 * with -mcmodel=medany every address below is pc-relative, so it resolves to the
 * physical copy here and to the virtual one after the jump. */
#include <arch/layout.h>
#include <arch/csr.h>

#define PTE_KERNEL_GIGA 0xEF   /* V R W X G A D, no U: a global kernel-only 1 GiB leaf */

    .section .text.boot, "ax"
    .global _start
_start:
    csrw    sie, zero
    csrw    sip, zero
    /* Only one hart boots; OpenSBI normally starts just one, but a board that starts
     * them all (or a loader that does) must not run two kernels. The others park. */
    lla     t0, boot_lottery
    li      t1, 1
    amoadd.w t1, t1, (t0)
    bnez    t1, park

    mv      s0, a0
    mv      s1, a1

    /* Zero .bss: a loader of a raw binary does not do it for us. */
    lla     t0, __bss_start
    lla     t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, (t0)
    addi    t0, t0, 8
    j       1b
2:
    /* Boot root table: identity 1 GiB page for our own physical address (needed for
     * the instant satp is written), the physical window, and the kernel image. */
    lla     t0, kernel_root_pt
    li      t2, PTE_KERNEL_GIGA
    /* identity: entry (KERNEL_PBASE >> 30) */
    li      t1, (KERNEL_PBASE >> 30)
    slli    t3, t1, 3
    add     t3, t3, t0
    slli    t4, t1, 28          /* (gib << 30) >> 12 << 10 = ppn field of that GiB */
    or      t4, t4, t2
    sd      t4, (t3)
    /* window: entries 256 .. 256+PHYS_WINDOW_GIB-1 map GiB 0.. */
    li      t1, 0
    li      t5, PHYS_WINDOW_GIB
3:  addi    t3, t1, 256
    slli    t3, t3, 3
    add     t3, t3, t0
    slli    t4, t1, 28
    or      t4, t4, t2
    sd      t4, (t3)
    addi    t1, t1, 1
    bltu    t1, t5, 3b
    /* kernel image: entry 510 maps GiB (KERNEL_PBASE >> 30) */
    li      t1, (KERNEL_PBASE >> 30)
    slli    t4, t1, 28
    or      t4, t4, t2
    li      t3, 510 * 8
    add     t3, t3, t0
    sd      t4, (t3)

    srli    t0, t0, 12
    li      t1, SATP_MODE_SV39
    or      t0, t0, t1
    sfence.vma
    csrw    satp, t0
    sfence.vma

    /* Jump to the same code at its kernel virtual address. */
    lla     t0, 4f
    li      t1, KERNEL_VOFFSET
    add     t0, t0, t1
    jr      t0
4:
    /* The boot hart is node 0: tp points at its struct node, its stack ends there. */
    lla     tp, node_areas
    li      t0, KERNEL_STACK_SIZE
    add     tp, tp, t0
    mv      sp, tp
    csrw    sscratch, zero          /* zero sscratch = "trap came from the kernel" */
    lla     t0, trap_entry
    csrw    stvec, t0
    mv      a0, s0
    mv      a1, s1
    call    kernel_main
park:
    wfi
    j       park

/* A secondary hart, started by the boot hart through SBI HSM hart_start (smp.c):
 * S-mode, MMU off, a0 = hart id, a1 = the virtual address of its struct node. The boot
 * hart left secondary_boot_satp naming a copy of the kernel's root table that still
 * has the identity gigabyte (the kernel's own table lost it after boot). */
    .global _start_secondary
_start_secondary:
    csrw    sie, zero
    csrw    sip, zero
    lla     t0, secondary_boot_satp
    ld      t0, (t0)
    sfence.vma
    csrw    satp, t0
    sfence.vma
    lla     t0, 5f
    li      t1, KERNEL_VOFFSET
    add     t0, t0, t1
    jr      t0
5:
    mv      tp, a1
    mv      sp, tp
    csrw    sscratch, zero
    lla     t0, trap_entry
    csrw    stvec, t0
    mv      a0, tp
    call    secondary_main
    j       park

    .section .data
    .align 2
boot_lottery:
    .word 0

    .section .bss
    .align 12
    .global kernel_root_pt
kernel_root_pt:
    .space 4096

    .section .data
    .align 3
    .global secondary_boot_satp
secondary_boot_satp:
    .dword 0
