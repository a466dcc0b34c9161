/* Trap entry and exit.
 *
 * While a thread runs in user mode, sscratch holds the address of its saved context
 * (user_context_t, in its TCB); while the kernel runs, sscratch is zero. The kernel runs
 * with interrupts off (sstatus.SIE = 0), so a trap taken in S-mode is always a kernel bug
 * and goes to kernel_trap, which reports it. Each hart has one kernel stack, just
 * below its struct node (tp): the kernel never blocks inside a call, it picks the next
 * thread and leaves through restore_user. Every entry from user mode takes the big
 * kernel lock before anything else, and restore_user releases it (docs/smp.md). */
#include <arch/context.h>
#include <arch/node_layout.h>

#define SAVE(n)    sd x##n, CTX_REG(n)(t6)
#define LOAD(n)    ld x##n, CTX_REG(n)(a0)

    .section .text
    .align 4
    .global trap_entry
trap_entry:
    csrrw   t6, sscratch, t6
    beqz    t6, from_kernel
    SAVE(1);  SAVE(2);  SAVE(3);  SAVE(4);  SAVE(5);  SAVE(6);  SAVE(7)
    SAVE(8);  SAVE(9);  SAVE(10); SAVE(11); SAVE(12); SAVE(13); SAVE(14)
    SAVE(15); SAVE(16); SAVE(17); SAVE(18); SAVE(19); SAVE(20); SAVE(21)
    SAVE(22); SAVE(23); SAVE(24); SAVE(25); SAVE(26); SAVE(27); SAVE(28)
    SAVE(29); SAVE(30)
    csrr    t0, sscratch          /* the user's t6 */
    sd      t0, CTX_REG(31)(t6)
    csrr    t0, sepc
    sd      t0, CTX_PC(t6)
    csrw    sscratch, zero
    /* This hart's node (kernel/include/node.h): the thread's node word names the hart
     * it runs on; its kernel stack ends where the node begins. */
    ld      tp, CTX_NODE(t6)
    mv      sp, tp
    /* The big kernel lock (a ticket lock): take a ticket, go on if it is being served.
     * Otherwise kernel_lock_wait spins, answering other harts' remote calls. */
    ld      t0, NODE_LOCK(tp)
    li      t1, 1
    amoadd.w.aq t1, t1, (t0)
    lw      t2, 4(t0)
    bne     t1, t2, 8f
9:  csrr    t0, scause
    li      t1, 8                  /* ecall from U-mode: the common case goes straight */
    bne     t0, t1, 7f             /* to the system call entry */
    /* Call (a7 = -1) and ReplyRecv (-2) try the IPC fast path, which returns only if it
     * cannot complete the call; then the general path takes it from the start. The
     * user's a0 (cptr), a1 (info) and a7 are still in their registers. */
    addi    t0, a7, 2
    li      t1, 1
    bgtu    t0, t1, 4f
    mv      a2, t6                 /* fastpath_*(cptr, info, cur) */
    mv      s0, t6                 /* callee-saved: survives the call */
    bnez    t0, 5f
    call    fastpath_reply_recv
    j       6f
5:  call    fastpath_call
6:  mv      t6, s0
4:  mv      a0, t6
    call    trap_syscall           /* does not return either */
7:  mv      a0, t6
    mv      a1, t0
    csrr    a2, stval
    call    trap_from_user         /* does not return: leaves via restore_user */
1:  j       1b

8:  /* The lock is held elsewhere: wait for our ticket. If another hart took our thread
     * away meanwhile (node_stall_tcb), its trap is void: choose afresh. */
    mv      a0, t1
    mv      s0, t6
    call    kernel_lock_wait
    bnez    a0, 3f
    mv      t6, s0
    ld      a0, CTX_REG(10)(t6)    /* the C call clobbered the user's argument registers */
    ld      a1, CTX_REG(11)(t6)
    ld      a7, CTX_REG(17)(t6)
    j       9b
3:  call    schedule_and_return
2:  j       2b

from_kernel:
    /* Put t6 back (sscratch becomes zero again). */
    csrrw   t6, sscratch, t6
    /* A CSR probe (arch_probe_csr in machine.c) expects an illegal-instruction trap:
     * note it, skip the 4-byte instruction and go back. t5 is parked in sscratch. */
    csrw    sscratch, t5
    lla     t5, csr_probe_state
    lw      t5, 0(t5)
    beqz    t5, 70f
    lla     t5, csr_probe_state
    sw      zero, 0(t5)            /* 0 = "it trapped" */
    csrr    t5, sepc
    addi    t5, t5, 4
    csrw    sepc, t5
    csrrw   t5, sscratch, zero
    sret
70: csrrw   t5, sscratch, zero
    /* Anything else is a kernel bug: report on the current stack. */
    addi    sp, sp, -32
    sd      ra, 0(sp)
    csrr    a0, scause
    csrr    a1, sepc
    csrr    a2, stval
    mv      a3, sp
    call    trap_from_kernel       /* panics */
2:  j       2b

/* void restore_user(user_context_t *ctx): return to user mode with ctx's registers.
 * sstatus.SPP must already be 0 (user) — arch_init sets it and nothing sets it back. */
    .global restore_user
restore_user:
    csrw    sscratch, a0
    ld      t0, CTX_PC(a0)
    csrw    sepc, t0
    /* Release the big kernel lock (the next ticket is served); from here on only this
     * thread's registers are read, and no other hart changes them without first
     * stalling the thread through an IPI that this hart answers in the kernel. */
    ld      t0, NODE_LOCK_OWNER(tp)
    li      t1, 1
    amoadd.w.rl zero, t1, (t0)
    LOAD(1);  LOAD(2);  LOAD(3);  LOAD(4);  LOAD(5);  LOAD(6);  LOAD(7)
    LOAD(8);  LOAD(9);  LOAD(11); LOAD(12); LOAD(13); LOAD(14); LOAD(15)
    LOAD(16); LOAD(17); LOAD(18); LOAD(19); LOAD(20); LOAD(21); LOAD(22)
    LOAD(23); LOAD(24); LOAD(25); LOAD(26); LOAD(27); LOAD(28); LOAD(29)
    LOAD(30); LOAD(31)
    LOAD(10)
    sret
