/* Hart setup, timer, idle and power control for RISC-V in S-mode. */
#include <arch.h>
#include <arch/csr.h>
#include <sbi.h>
#include <kprintf.h>

extern char trap_entry[];

/* Set while a CSR probe runs; entry.S clears it if the probed instruction traps. */
volatile int csr_probe_state;

/* Can S-mode read stimecmp (the Sstc extension, enabled by the firmware)? The read
 * either works or traps as an illegal instruction, which entry.S turns into "no". */
static bool probe_stimecmp(void)
{
    csr_probe_state = 1;
    asm volatile("csrr t0, 0x14d" ::: "t0", "memory");   /* stimecmp */
    bool ok = csr_probe_state == 1;
    csr_probe_state = 0;
    return ok;
}

static bool have_sstc;

/* What every hart sets up alike. */
static void init_hart_csrs(void)
{
    csr_write(stvec, (uintptr_t)trap_entry);
    csr_write(sscratch, 0);
    /* Kernel runs with interrupts masked; they are taken only in user mode (where
     * S-level interrupts are always enabled) or polled by the idle loop. */
    csr_clear(sstatus, SSTATUS_SIE | SSTATUS_SPP | SSTATUS_SUM);
    /* FP starts off: the first FP instruction of each thread claims the unit (fpu.c). */
    csr_clear(sstatus, SSTATUS_FS);
    csr_write(scounteren, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
}

void arch_init(void)
{
    init_hart_csrs();
    have_sstc = probe_stimecmp();
    csr_write(sie, SIE_STIE | SIE_SSIE | SIE_SEIE);
}

/* A secondary hart (smp.c): the same settings as the boot hart, except that external
 * interrupts stay with the boot hart (its PLIC context is the one the kernel drives);
 * software interrupts (IPIs) and its own timer are on. Sstc is taken to be the same on
 * every hart, as on every board we know. */
void arch_init_secondary(void)
{
    init_hart_csrs();
    csr_write(sie, SIE_STIE | SIE_SSIE);
}

uint64_t arch_time_now(void)
{
    return csr_read(time);
}

void arch_timer_set(uint64_t deadline)
{
    /* With Sstc the kernel programs its own timer compare register; otherwise it asks
     * the firmware, a round trip through M-mode. */
    if (have_sstc) asm volatile("csrw 0x14d, %0" :: "r"(deadline));
    else sbi_set_timer(deadline);
}

bool arch_timer_direct(void) { return have_sstc; }

/* Multicore: before sleeping in wfi, an idle hart polls for a moment. A thread woken
 * by another hart (IPC, a signal) then starts without the hart having to be woken from
 * wfi, which under an emulator means waiting for the host to schedule its thread
 * again. Set from the timebase at boot (smp.c); 0 = sleep at once (one hart). */
uint64_t arch_idle_poll_ticks;

static bool idle_poll(unsigned long mask)
{
    if (!arch_idle_poll_ticks) return false;
    uint64_t t0 = arch_time_now();
    while (arch_time_now() - t0 < arch_idle_poll_ticks)
        if (csr_read(sip) & mask) return true;
    return false;
}

void arch_wait_for_interrupt(void)
{
    if (idle_poll(csr_read(sie))) return;
    /* wfi wakes on any pending enabled interrupt even with sstatus.SIE clear;
     * the caller then polls sip, so the kernel is never entered from S-mode. */
    asm volatile("wfi" ::: "memory");
}

void arch_wait_for_ipi(void)
{
    /* Its timer is masked meanwhile: an idle hart other than the boot hart has no
     * slice to end, and every reason to run again comes as an IPI. The timer fires
     * (late) once a thread runs, and timer_tick starts the slices afresh. */
    if (idle_poll(SIE_SSIE)) return;
    csr_clear(sie, SIE_STIE);
    arch_timer_set(~0ull);        /* no pending timer either (QEMU then lets it sleep) */
    while (!(csr_read(sip) & SIE_SSIE)) asm volatile("wfi" ::: "memory");
    arch_timer_set(arch_time_now());   /* due at once: timer_tick starts a fresh slice */
    csr_set(sie, SIE_STIE);
}

void arch_halt(void)
{
    csr_write(sie, 0);
    for (;;) asm volatile("wfi");
}

void arch_poweroff(void)
{
    long err = sbi_system_reset(SBI_SRST_SHUTDOWN, 0);
    /* QEMU sifive_u has no power-off device: OpenSBI refuses; the test runner waits
     * for the marker line instead. */
    kprintf("kernel: halted (SBI system reset unavailable: error %ld)\n", err);
    arch_halt();
}
