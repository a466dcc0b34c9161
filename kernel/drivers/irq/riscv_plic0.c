/* RISC-V platform-level interrupt controller: compatibles "riscv,plic0" and
 * "sifive,plic-1.0.0" (QEMU virt, FU540/FU740). See plic.h for how the kernel uses it.
 *
 * Register map (RISC-V PLIC specification 1.0.0, "Memory Map"); all registers are
 * 32 bits wide and must be accessed as such:
 *   base + 4 * src                          priority of source src (0 = never interrupts)
 *   base + 0x2000 + 0x80 * ctx + 4 * (src / 32)   enable bits of context ctx, bit src % 32
 *   base + 0x200000 + 0x1000 * ctx          priority threshold of context ctx
 *   base + 0x200004 + 0x1000 * ctx          claim (read) / complete (write) of context ctx
 *
 * Which context belongs to which hart and privilege mode is not fixed by the spec: the
 * device tree's interrupts-extended lists them (platform_info.c turns that into
 * plat.plic.s_context[]). QEMU virt gives hart h contexts 2h (M) and 2h+1 (S); the
 * FU540 has hart 0 with an M context only, so hart h >= 1 has S context 2h.
 *
 * The PLIC is reached through the kernel's physical window; it is never given to user
 * level (boot/main.c keeps it out of the device untyped). */
#include <plic.h>
#include <arch/layout.h>
#include <kprintf.h>

#define PLIC_PRIORITY(src)        (4u * (src))
#define PLIC_ENABLE(ctx, word)    (0x2000u + 0x80u * (ctx) + 4u * (word))
#define PLIC_THRESHOLD(ctx)       (0x200000u + 0x1000u * (ctx))
#define PLIC_CLAIM(ctx)           (0x200004u + 0x1000u * (ctx))
#define PLIC_MAX_SOURCES          1023u   /* sources 1..1023 (spec) */
#define PLIC_MAX_CONTEXTS         15872u

static struct {
    uintptr_t base;      /* kernel address of the registers; 0 = no usable PLIC */
    unsigned ctx;        /* our (boot hart's S-mode) context */
    unsigned ndev;       /* highest source number */
} plic;

static volatile uint32_t *reg(uint32_t off) { return (volatile uint32_t *)(plic.base + off); }

bool plic_init(const struct plat_info *plat, unsigned hartid)
{
    if (!plat->plic.present) {
        kprintf("plic: none in the device tree: no external interrupts\n");
        return false;
    }
    int ctx = -1;
    for (unsigned i = 0; i < plat->n_harts && i < PLAT_MAX_HARTS; i++)
        if (plat->harts[i].hartid == hartid) ctx = plat->plic.s_context[i];
    unsigned ndev = plat->plic.ndev;
    if (ndev > PLIC_MAX_SOURCES) ndev = PLIC_MAX_SOURCES;
    /* The registers of our context must lie inside the node's reg range. */
    if (ctx < 0 || (unsigned)ctx >= PLIC_MAX_CONTEXTS ||
        PLIC_CLAIM((unsigned)ctx) + 4 > plat->plic.size) {
        kprintf("plic: no S-mode context for hart %u: no external interrupts\n", hartid);
        return false;
    }
    plic.base = (uintptr_t)paddr_to_kva(plat->plic.base);
    plic.ctx = (unsigned)ctx;
    plic.ndev = ndev;

    /* Nothing may interrupt until an IRQHandler capability asks for it: every source off
     * in our context. Priorities are shared by all contexts; 1 is the lowest that can
     * interrupt at all, and with our threshold 0 it always does once enabled. */
    for (unsigned w = 0; w <= ndev / 32; w++) *reg(PLIC_ENABLE(plic.ctx, w)) = 0;
    for (unsigned src = 1; src <= ndev; src++) *reg(PLIC_PRIORITY(src)) = 1;
    *reg(PLIC_THRESHOLD(plic.ctx)) = 0;
    kprintf("plic: hart %u S-mode context %u, sources 1-%u\n", hartid, plic.ctx, ndev);
    return true;
}

unsigned plic_max_irq(void) { return plic.base ? plic.ndev : 0; }

/* Enable bits are read-modify-write: the kernel is single-threaded and not preemptible,
 * and only this context's word is touched, so no other writer can interleave. */
void plic_enable(unsigned irq)
{
    if (!plic.base || irq == 0 || irq > plic.ndev) return;
    *reg(PLIC_ENABLE(plic.ctx, irq / 32)) |= 1u << (irq % 32);
}

void plic_disable(unsigned irq)
{
    if (!plic.base || irq == 0 || irq > plic.ndev) return;
    *reg(PLIC_ENABLE(plic.ctx, irq / 32)) &= ~(1u << (irq % 32));
}

bool plic_is_enabled(unsigned irq)
{
    if (!plic.base || irq == 0 || irq > plic.ndev) return false;
    return (*reg(PLIC_ENABLE(plic.ctx, irq / 32)) >> (irq % 32)) & 1;
}

unsigned plic_claim(void)
{
    if (!plic.base) return 0;
    return *reg(PLIC_CLAIM(plic.ctx));
}

void plic_complete(unsigned irq)
{
    if (!plic.base || irq == 0 || irq > plic.ndev) return;
    *reg(PLIC_CLAIM(plic.ctx)) = irq;
}
