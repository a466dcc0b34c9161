/* Lazy floating-point switching, as seL4 does it, per hart.
 *
 * The FP registers of a hart belong to one thread at a time, that hart's owner. Every
 * other thread runs with sstatus.FS = Off, so its first FP instruction traps as an
 * illegal instruction; the kernel then saves the owner's registers (only if it changed
 * them since they were loaded), loads this thread's, makes it the owner and retries
 * the instruction. A thread that never uses FP costs nothing but the FS write on each
 * switch; the kernel itself is built without F/D and never touches the registers.
 *
 * A thread runs on one hart only, so its registers can only be held by that hart's FP
 * unit. Before it moves to another hart, or its TCB is deleted, the hart holding them
 * saves them (fpu_release, run there: node.c's remote call). */
#include <arch.h>
#include <arch/csr.h>
#include <object/tcb.h>
#include <node.h>

void arch_fpu_save(user_context_t *ctx);
void arch_fpu_restore(user_context_t *ctx);

bool fpu_trap(tcb_t *cur)
{
    struct node *n = this_node();
    if ((csr_read(sstatus) & SSTATUS_FS) != 0) return false;   /* FP was on: a real fault */
    if (n->fpu_owner && n->fpu_owner_dirty) arch_fpu_save(&n->fpu_owner->ctx);
    arch_fpu_restore(&cur->ctx);
    n->fpu_owner = cur;
    n->fpu_owner_dirty = false;
    csr_clear(sstatus, SSTATUS_FS);
    csr_set(sstatus, SSTATUS_FS_CLEAN);
    return true;
}

void fpu_forget(tcb_t *t)
{
    struct node *n = this_node();
    if (n->fpu_owner == t) {
        n->fpu_owner = NULL;
        n->fpu_owner_dirty = false;
        csr_clear(sstatus, SSTATUS_FS);
    }
}

/* On the hart that holds t's FP registers: write them back to t's context if they
 * changed (also if t itself ran here with FS Dirty since the last switch), and give
 * the unit up. The next thread to run here gets FP Off (fpu_switch_to). */
void fpu_release(tcb_t *t)
{
    struct node *n = this_node();
    if (n->fpu_owner != t) return;
    bool dirty = n->fpu_owner_dirty ||
                 (n->cur == t && (csr_read(sstatus) & SSTATUS_FS) == SSTATUS_FS_DIRTY);
    if (dirty) arch_fpu_save(&t->ctx);
    n->fpu_owner = NULL;
    n->fpu_owner_dirty = false;
    csr_clear(sstatus, SSTATUS_FS);
}
