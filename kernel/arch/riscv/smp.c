/* Starting the other harts and signalling them, through SBI (SBI spec v2.0: HSM
 * "hart_start", IPI "send_ipi"; TLB shootdowns go through the
 * kernel's own remote call, kernel/smp/node.c).
 *
 * Which harts run the kernel comes from the device tree (platform_info.c): every cpu
 * node with S-mode paging (an mmu-type other than riscv,none) and status okay. Hart ids
 * are the nodes' `reg` and need not be dense (on the FU540/FU740 hart 0 is the
 * monitor core, which has no S-mode), so each hart gets a node index of its own: the
 * boot hart 0, the others 1, 2, ... in device-tree order, up to CONFIG_MAX_NUM_NODES. */
#include <arch.h>
#include <arch/csr.h>
#include <arch/layout.h>
#include <arch/sv39.h>
#include <node.h>
#include <sched.h>
#include <sbi.h>
#include <kprintf.h>
#include <kstring.h>
#include <platform_info.h>
#include <bootargs.h>

extern char _start_secondary[];
extern pte_t kernel_root_pt[PT_ENTRIES];
extern uint64_t secondary_boot_satp;
void arch_init_secondary(void);

#define PTE_KERNEL_GIGA 0xEF   /* as head.S: V R W X G A D, a kernel-only 1 GiB leaf */

/* The kernel's root table plus the identity gigabyte of the load address, for the
 * instant a secondary hart turns paging on (head.S). */
static pte_t secondary_boot_pt[PT_ENTRIES] __attribute__((aligned(4096)));

static uint64_t hart_mask_of(uint64_t index_mask, unsigned long *base)
{
    /* One SBI call per window of 64 hart ids; in practice all ids are below 64. */
    uint64_t mask = 0;
    *base = 0;
    for (unsigned i = 0; i < nodes_online; i++)
        if (index_mask & BIT(i)) mask |= BIT(node_by_index(i)->hartid & 63);
    return mask;
}

static bool hartids_small = true;      /* every hart id below 64: one mask suffices */

void arch_send_ipi(uint64_t index_mask)
{
    if (hartids_small) {
        unsigned long base;
        uint64_t mask = hart_mask_of(index_mask, &base);
        if (mask) sbi_send_ipi(mask, base);
        return;
    }
    for (unsigned i = 0; i < nodes_online; i++)
        if (index_mask & BIT(i)) sbi_send_ipi(1, node_by_index(i)->hartid);
}

/* First C code of a secondary hart (head.S): its own CSRs and timer, then it waits
 * for the lock and idles until a thread is queued on it. */
NORETURN void secondary_main(struct node *n)
{
    arch_init_secondary();
    asm volatile("csrw satp, %0; sfence.vma" :: "r"(SATP_MODE_SV39 | (arch_kernel_root() >> 12)) : "memory");
    n->active_root = arch_kernel_root();
    n->asids_short = arch_asids_short;     /* the boot hart's probe stands for all */
    n->online = true;
    kernel_lock();
    sched_init_node();
    schedule_and_return();
}

static bool wait_online(struct node *n, uint64_t timebase_hz)
{
    /* A second at most: a real hart is up in microseconds, an emulator's vCPU on a
     * busy host may take far longer (the caller asks again). */
    uint64_t until = arch_time_now() + timebase_hz;
    bool up;
    /* Sleep in wfi between looks (woken by our timer every 100 us) instead of
     * spinning: QEMU under -icount runs all harts in one host thread, round robin, and
     * a spinning boot hart was seen to keep the starting one from ever running; a
     * halted one hands over at once. The timer is re-armed by sched_init. */
    while (!(up = __atomic_load_n(&n->online, __ATOMIC_ACQUIRE)) && arch_time_now() <= until) {
        arch_timer_set(arch_time_now() + timebase_hz / 10000 + 1);
        asm volatile("wfi" ::: "memory");
    }
    arch_timer_set(~0ull);     /* nothing pending once we go on */
    return up;
}

/* Start hart id at _start_secondary with n, and wait for it. On QEMU sifive_u under a
 * busy host a hart has been seen never to come up after a successful hart_start; the
 * likely cause is a request reaching a hart the firmware has not finished setting up.
 * So each second a hart is not up and reports STOPPED (SBI v2.0, "Hart State
 * Management": 0 started, 1 stopped, 2 start pending) we ask again, ten seconds in
 * all. 0; the SBI error of the first request (< 0); 1 if it never came up. */
static long start_hart(unsigned long id, struct node *n, uint64_t timebase_hz)
{
    long err = sbi_hart_start(id, kva_to_paddr(_start_secondary), (unsigned long)n);
    if (err) return err;
    for (int tries = 0; tries < 10; tries++) {
        if (wait_online(n, timebase_hz)) return 0;
        long status;
        if (sbi_hart_get_status(id, &status) == 0 && status == SBI_HSM_STOPPED)
            sbi_hart_start(id, kva_to_paddr(_start_secondary), (unsigned long)n);
    }
    return 1;   /* not an SBI error: it never came up */
}

void node_init_boot(unsigned long hartid)
{
    struct node *n = this_node();
    n->index = 0;
    n->hartid = hartid;
    n->online = true;
    n->active_root = arch_kernel_root();
    n->asids_short = arch_asids_short;
    for (unsigned i = 0; i < CONFIG_MAX_NUM_NODES; i++) {
        node_by_index(i)->lock = &big_kernel_lock;
        node_by_index(i)->lock_owner = &big_kernel_lock.owner;
    }
}

/* How long an idle hart polls before wfi: 200 us, or bootargs idle_poll_us=N (0 to
 * 1 s; 0 sleeps at once, as tools/bench runs: under -icount a poll only spins out
 * the hart's turn, docs/benchmarks.md "Multicore"). */
static uint64_t idle_poll_us(const struct plat_info *plat)
{
    uint64_t us = 200;
    switch (bootargs_uint(plat->bootargs, "idle_poll_us", 1000000, &us)) {
    case BOOTARGS_OK:
        kprintf("smp: idle harts poll %lu us before they sleep (bootargs idle_poll_us)\n", us);
        break;
    case BOOTARGS_BAD:
        kprintf("smp: bootargs idle_poll_us must be 0 to 1000000 (microseconds); kept 200\n");
        break;
    default:
        break;
    }
    return us;
}

unsigned node_start_secondaries(const struct plat_info *plat, unsigned long boot_hartid)
{
    if (boot_hartid >= 64) hartids_small = false;
    memcpy(secondary_boot_pt, kernel_root_pt, sizeof secondary_boot_pt);
    secondary_boot_pt[KERNEL_PBASE >> 30] = ((KERNEL_PBASE >> 30) << 28) | PTE_KERNEL_GIGA;
    secondary_boot_satp = SATP_MODE_SV39 | (kva_to_paddr(secondary_boot_pt) >> 12);
    asm volatile("fence rw, rw" ::: "memory");

    uint32_t ids[PLAT_MAX_HARTS + 1];
    unsigned want = plat_info_smp_harts(plat, (uint32_t)boot_hartid, PLAT_MAX_HARTS + 1, ids);
    for (unsigned k = 1; k < want; k++) {
        unsigned long id = ids[k];
        if (nodes_online == CONFIG_MAX_NUM_NODES) {
            kprintf("smp: hart %lu left parked: the kernel is built for %u harts (CONFIG_MAX_NUM_NODES)\n",
                    id, CONFIG_MAX_NUM_NODES);
            continue;
        }
        struct node *n = node_by_index(nodes_online);
        n->index = nodes_online;
        n->hartid = id;
        n->online = false;
        if (id >= 64) hartids_small = false;
        long err = start_hart(id, n, plat->timebase_hz);
        if (err < 0) {
            kprintf("smp: hart %lu did not start (SBI error %ld)\n", id, err);
            continue;
        }
        if (err) {
            /* It may still come up later and would then use this node: stop here. */
            kprintf("smp: hart %lu did not come up; no more harts started\n", id);
            break;
        }
        nodes_online++;
    }
    /* Idle harts poll before they sleep (machine.c), if there is anyone to wake them. */
    extern uint64_t arch_idle_poll_ticks;
    if (nodes_online > 1) arch_idle_poll_ticks = plat->timebase_hz * idle_poll_us(plat) / 1000000;
    return nodes_online;
}
