/* IRQControl and IRQHandler capabilities, and the delivery of external interrupts to
 * notifications (seL4 semantics: src/object/interrupt.c of seL4 13.0.0 and the manual's
 * chapter "Interrupts"). The per-line state and its invariant are described in irq.h.
 *
 * Life of one interrupt on line irq, with a handler bound to notification N:
 *   1. the PLIC raises SEIP; the trap path or the idle loop calls irq_external();
 *   2. we claim irq, signal N with the badge of the bound capability, mark the line
 *      pending and disable it in the PLIC; the claim stays open;
 *   3. the driver thread wakes, services the device, and Acks through its IRQHandler:
 *      we enable the line and complete the claim, and the line can fire again.
 * Keeping the claim open until the Ack is what seL4 does on RISC-V hardware
 * (invokeIRQHandler_AckIRQ completes the claim): a level-triggered gateway forwards no
 * new request before the completion, so a device the driver has already quietened does
 * not leave a stale pending bit behind. Disabling the line as well is belt and braces,
 * and it makes "enabled exactly when issued and not pending" hold. The PLIC ignores a
 * completion for a source that is not enabled (PLIC spec 1.0.0, "Interrupt
 * Completion"), so every completion below happens while the line is enabled.
 *
 * The kernel is not preemptible and takes interrupts only from user mode or its idle
 * loop, so none of this state changes under our feet. */
#include <irq.h>
#include <plic.h>
#include <invocation.h>
#include <cap/cspace.h>
#include <object/endpoint.h>
#include <kprintf.h>

/* Lines we support: 1..MAX_IRQ-1 (QEMU virt has 95 PLIC sources, the FU540 53, the
 * FU740 69). Lines the PLIC has beyond that are never enabled and cannot be issued. */
#define MAX_IRQ 128

/* Kernel-owned slots holding the notification capability each line signals (seL4's
 * intStateIRQNode). They are in the derivation tree like any other slot. */
static cte_t irq_ntfn_slot[MAX_IRQ];
static bool irq_issued[MAX_IRQ];

const struct cte *irq_node_slots(unsigned *n)
{
    *n = MAX_IRQ;
    return irq_ntfn_slot;
}
static bool irq_pending[MAX_IRQ];
static bool irq_reported[MAX_IRQ];   /* "no handler" already said on the console */

/* The largest line an IRQHandler can be issued for (seL4's maxIRQ). */
static word_t irq_max(void)
{
    word_t m = plic_max_irq();
    return m < MAX_IRQ - 1 ? m : MAX_IRQ - 1;
}

/* ------------------------------------------------------------------ delivery */

static void deliver(unsigned irq)
{
    if (irq < MAX_IRQ && irq_issued[irq]) {
        /* seL4's handleInterrupt: signal only through a notification cap that may send;
         * a line with no notification yet is still held until its Ack. */
        cap_t n = irq_ntfn_slot[irq].cap;
        if (cap_type(n) == CAP_NOTIFICATION && (cap_rights(n) & RIGHT_WRITE))
            ntfn_signal(cap_ptr(n), cap_badge(n));
        irq_pending[irq] = true;
        plic_disable(irq);
        return;
    }
    /* Nobody asked for this line (it was enabled and its handler went away between the
     * request and the claim, or the hardware misbehaves): let the gateway go, then keep
     * the line off. */
    if (irq >= MAX_IRQ || !irq_reported[irq]) {
        if (irq < MAX_IRQ) irq_reported[irq] = true;
        kprintf("kernel: interrupt %u has no handler; masked\n", irq);
    }
    plic_complete(irq);
    plic_disable(irq);
}

void irq_external(void)
{
    /* Take every source that is pending now. Each claimed one ends disabled (or its claim
     * stays open), so it cannot come back in this loop; the bound is only a guard. */
    for (unsigned n = 0; n <= MAX_IRQ; n++) {
        unsigned irq = plic_claim();
        if (irq == 0) return;    /* nothing (left): another context took it, or it went away */
        deliver(irq);
    }
}

/* ------------------------------------------------------------------ IRQControl */

word_t irq_control_invoke(inv_t *iv, inv_error_t *e)
{
    word_t irq, index, depth;
    if (iv->label == K_IRQ_ISSUE_IRQ_HANDLER) {
        if (iv->length < 3 || iv->n_extra < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
        irq = inv_mr(iv, K_IRQ_ISSUE_IRQ_HANDLER_MR_IRQ);
        index = inv_mr(iv, K_IRQ_ISSUE_IRQ_HANDLER_MR_INDEX);
        depth = inv_mr(iv, K_IRQ_ISSUE_IRQ_HANDLER_MR_DEPTH);
    } else if (iv->label == K_RISCV_IRQ_ISSUE_IRQ_HANDLER_TRIGGER) {
        if (iv->length < 4 || iv->n_extra < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
        irq = inv_mr(iv, K_RISCV_IRQ_ISSUE_IRQ_HANDLER_TRIGGER_MR_IRQ);
        /* The trigger (MR1) is accepted and ignored, as seL4's PLIC driver does: the
         * PLIC spec has no trigger setting; each gateway's type is fixed by the chip. */
        index = inv_mr(iv, K_RISCV_IRQ_ISSUE_IRQ_HANDLER_TRIGGER_MR_INDEX);
        depth = inv_mr(iv, K_RISCV_IRQ_ISSUE_IRQ_HANDLER_TRIGGER_MR_DEPTH);
    } else {
        return err_simple(e, K_ILLEGAL_OPERATION);
    }
    /* seL4's order: Arch_checkIRQ (RangeError 1..maxIRQ), already active (RevokeFirst),
     * then the destination (lookupTargetSlot, ensureEmptySlot). */
    if (irq == 0 || irq > irq_max()) return err_range(e, 1, irq_max());
    if (irq_issued[irq]) return err_simple(e, K_REVOKE_FIRST);
    cte_t *dest = inv_lookup_slot(iv->extra[0]->cap, index, depth, false, e);
    if (!dest) return e->type;
    if (!cap_is_null(dest->cap)) return err_simple(e, K_DELETE_FIRST);

    /* A child of IRQControl, so revoking IRQControl deletes every handler. Issuing
     * enables the line (seL4: setIRQState(IRQSignal) unmasks it). */
    cdt_insert_child(iv->slot, dest, cap_make(CAP_IRQ_HANDLER, 0, RIGHTS_ALL, 0, false, irq));
    irq_issued[irq] = true;
    irq_pending[irq] = false;
    plic_enable(irq);
    return K_NO_ERROR;
}

/* ------------------------------------------------------------------ IRQHandler */

static void irq_ack(unsigned irq)
{
    /* An Ack with nothing outstanding changes nothing: the line is enabled already. */
    if (!irq_pending[irq]) return;
    irq_pending[irq] = false;
    plic_enable(irq);       /* first: the PLIC completes only enabled sources */
    plic_complete(irq);
}

word_t irq_handler_invoke(inv_t *iv, inv_error_t *e)
{
    word_t irq = iv->cap.w1;
    kassert(irq > 0 && irq < MAX_IRQ && irq_issued[irq]);
    switch (iv->label) {
    case K_IRQ_ACK_IRQ:
        irq_ack((unsigned)irq);
        return K_NO_ERROR;
    case K_IRQ_SET_IRQ_HANDLER: {
        if (iv->n_extra < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
        cte_t *src = iv->extra[K_IRQ_SET_IRQ_HANDLER_CAP_NOTIFICATION];
        cap_t n = src->cap;
        /* seL4 reports this as InvalidCapability with invalidCapNumber 0 (not 1, as the
         * position of the extra capability would suggest): decodeIRQHandlerInvocation. */
        if (cap_type(n) != CAP_NOTIFICATION || !(cap_rights(n) & RIGHT_WRITE))
            return err_invalid_cap(e, 0);
        /* seL4's invokeIRQHandler_SetIRQHandler: delete the old one, then insert the
         * capability itself (badge and rights as they are) as a child of its slot. */
        cte_delete(&irq_ntfn_slot[irq]);
        cdt_insert_child(src, &irq_ntfn_slot[irq], n);
        return K_NO_ERROR;
    }
    case K_IRQ_CLEAR_IRQ_HANDLER:
        cte_delete(&irq_ntfn_slot[irq]);
        return K_NO_ERROR;
    default:
        return err_simple(e, K_ILLEGAL_OPERATION);
    }
}

void irq_handler_deleted(word_t irq)
{
    if (irq == 0 || irq >= MAX_IRQ || !irq_issued[irq]) return;
    /* seL4's deletingIRQHandler (the notification slot goes) and deletedIRQHandler (the
     * line goes inactive, masked). An interrupt still held for an Ack is completed, or
     * its gateway would stay blocked for the next handler of this line. */
    cte_delete(&irq_ntfn_slot[irq]);
    irq_ack((unsigned)irq);
    plic_disable((unsigned)irq);
    irq_issued[irq] = false;
}
