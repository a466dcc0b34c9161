/* External interrupts arrive from the PLIC. No source is enabled until IRQHandler
 * capabilities exist (IPC issue), so any external interrupt now is spurious. */
#include <irq.h>
#include <kprintf.h>

void irq_external(void)
{
    static unsigned reported;
    if (reported++ < 4) kprintf("kernel: spurious external interrupt ignored\n");
}
