/* Floating-point state switch. The kernel has no F/D code, so FP registers always
 * hold the state of the thread that last ran user code with FP on. sstatus.FS tells
 * whether it changed since it was loaded (Dirty) and must be saved.
 *
 * void arch_fpu_switch(user_context_t *from, user_context_t *to)
 *   from may be NULL (its state is not wanted: thread dead or none ran). */
#include <arch/context.h>

#define SSTATUS_FS_BITS (3 << 13)
#define SSTATUS_FS_CLEAN_BITS (2 << 13)

    .text
    .global arch_fpu_switch
arch_fpu_switch:
    csrr    t0, sstatus
    li      t1, SSTATUS_FS_BITS
    and     t2, t0, t1
    /* Turn FP on for the kernel's own loads and stores of FP registers. */
    or      t0, t0, t1
    csrw    sstatus, t0
    beqz    a0, 2f
    bne     t2, t1, 2f           /* not dirty: registers already match from's context */
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fsd     f\n, (CTX_FREGS + \n * 8)(a0)
    .endr
    frcsr   t2
    sd      t2, CTX_FCSR(a0)
2:  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fld     f\n, (CTX_FREGS + \n * 8)(a1)
    .endr
    ld      t2, CTX_FCSR(a1)
    fscsr   t2
    /* Clean: the registers now equal to's saved copy. */
    csrc    sstatus, t1
    li      t1, SSTATUS_FS_CLEAN_BITS
    csrs    sstatus, t1
    ret
