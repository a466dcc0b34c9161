/* Saving and loading a thread's floating-point registers (F and D: f0..f31, fcsr).
 * Both leave sstatus.FS on; the caller sets it to what the thread should see. */
#include <arch/context.h>

#define SSTATUS_FS_BITS (3 << 13)

    .text
    .global arch_fpu_save
arch_fpu_save:
    li      t1, SSTATUS_FS_BITS
    csrs    sstatus, t1
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fsd     f\n, (CTX_FREGS + \n * 8)(a0)
    .endr
    frcsr   t2
    sd      t2, CTX_FCSR(a0)
    ret

    .global arch_fpu_restore
arch_fpu_restore:
    li      t1, SSTATUS_FS_BITS
    csrs    sstatus, t1
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    fld     f\n, (CTX_FREGS + \n * 8)(a0)
    .endr
    ld      t2, CTX_FCSR(a0)
    fscsr   t2
    ret
