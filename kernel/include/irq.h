#pragma once
/* External (PLIC) interrupts. Sources are enabled only through IRQHandler caps. */
void irq_external(void);
