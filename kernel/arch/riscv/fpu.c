/* Lazy floating-point switching, as seL4 does it.
 *
 * The FP registers belong to one thread at a time, the owner. Every other thread runs
 * with sstatus.FS = Off, so its first FP instruction traps as an illegal instruction;
 * the kernel then saves the owner's registers (only if it changed them since they
 * were loaded), loads this thread's, makes it the owner and retries the instruction.
 * A thread that never uses FP costs nothing but the FS write on each switch; the
 * kernel itself is built without F/D and never touches the registers. */
#include <arch.h>
#include <arch/csr.h>
#include <object/tcb.h>

void arch_fpu_save(user_context_t *ctx);
void arch_fpu_restore(user_context_t *ctx);

struct tcb *fpu_owner;
bool fpu_owner_dirty;
#define owner fpu_owner
#define owner_dirty fpu_owner_dirty

bool fpu_trap(tcb_t *cur)
{
    if ((csr_read(sstatus) & SSTATUS_FS) != 0) return false;   /* FP was on: a real fault */
    if (owner && owner_dirty) arch_fpu_save(&owner->ctx);
    arch_fpu_restore(&cur->ctx);
    owner = cur;
    owner_dirty = false;
    csr_clear(sstatus, SSTATUS_FS);
    csr_set(sstatus, SSTATUS_FS_CLEAN);
    return true;
}

void fpu_forget(tcb_t *t)
{
    if (owner == t) {
        owner = NULL;
        owner_dirty = false;
        csr_clear(sstatus, SSTATUS_FS);
    }
}
