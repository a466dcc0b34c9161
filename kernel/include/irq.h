/* Interrupts as seL4 has them (non-MCS): IRQControl issues one IRQHandler capability per
 * interrupt line; the handler chooses a notification the kernel signals when the line
 * fires, and acknowledges each interrupt. Code: kernel/object/irq.c over the PLIC
 * (plic.h). The invocations are declared in invocation.h with the other decoders.
 *
 * Per line (PLIC source) irq.c keeps:
 *   issued    an IRQHandler capability exists (set by Issue, cleared when the last
 *             handler capability is deleted);
 *   pending   an interrupt was claimed and delivered and the handler has not Acked it;
 *   a kernel-owned slot with a copy of the notification capability to signal, a child
 *             of the slot it was copied from (so revoking that cap, or the untyped the
 *             notification came from, empties it).
 * Invariant: the source is enabled in the PLIC exactly when issued && !pending. */
#pragma once
#include <types.h>

/* An S-mode external interrupt is pending (trap path or idle loop): claim and deliver. */
void irq_external(void);
/* The last IRQHandler capability for irq is being deleted (object_finalise). */
void irq_handler_deleted(word_t irq);
/* The kernel-owned notification slots, one per line (for the audit snapshot). */
struct cte;
const struct cte *irq_node_slots(unsigned *n);
