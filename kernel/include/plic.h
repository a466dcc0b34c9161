/* The platform-level interrupt controller (PLIC): the one source of S-mode external
 * interrupts. Driver: kernel/drivers/irq/riscv_plic0.c, for the device-tree compatibles
 * "riscv,plic0" and "sifive,plic-1.0.0".
 *
 * The kernel drives one PLIC context: the S-mode context of the boot hart. Sources are
 * numbered 1..ndev (0 means "none" in a claim). A source interrupts the hart when it is
 * pending, enabled in our context and its priority is above our threshold; all sources
 * get priority 1 and our threshold is 0, so "enabled" is the only switch.
 *
 * State: after plic_init() every source is disabled; only irq.c enables them (an
 * IRQHandler capability exists and the last interrupt has been acknowledged). */
#pragma once
#include <types.h>
#include <platform_info.h>

/* Take over the S-mode context of hart `hartid` (plat->plic.s_context[] of its index in
 * plat->harts): priorities 1, every source disabled in it, threshold 0.
 * Returns false, with a console note, if there is no PLIC or no context for that hart;
 * then plic_max_irq() is 0 and no interrupt can be issued. */
bool plic_init(const struct plat_info *plat, unsigned hartid);

/* The highest source number (the tree's riscv,ndev); 0 without a usable PLIC. */
unsigned plic_max_irq(void);

void plic_enable(unsigned irq);
void plic_disable(unsigned irq);
bool plic_is_enabled(unsigned irq);

/* Claim the highest-priority pending source for our context: 0 if none. The source's
 * gateway forwards no new request for it until plic_complete(irq). */
unsigned plic_claim(void);
/* Complete a claim. The PLIC ignores a completion for a source that is not enabled in
 * our context (PLIC spec, "Interrupt Completion"): callers complete while enabled. */
void plic_complete(unsigned irq);
