/* Powering the machine off from user space, with capabilities only: the root task
 * finds the power-off register in the device tree of its extra boot info, makes a
 * frame of it from its device untyped, maps it and writes the magic value.
 *
 * The device is the one Linux's "syscon-poweroff" binding describes (a `regmap`
 * phandle to a "syscon" node, an `offset` and a `value`), or failing that a bare
 * "sifive,test0" node, written with 0x5555 at offset 0 (QEMU's test finisher, "pass").
 * QEMU virt has both; sifive_u has neither. */
#pragma once
#include <k/abi.h>

/* Slots plat_poweroff needs: padding untyped to reach the register, the frame and
 * up to two page tables. */
#define PLAT_POWEROFF_SLOTS 48
/* Where the register's page is mapped (the top 2 MiB below K_USER_TOP). */
#define PLAT_POWEROFF_VA 0x3fffe00000ul

enum plat_poweroff_error {
    PLAT_POWEROFF_NO_FDT = 1,        /* no device tree chunk in the extra boot info */
    PLAT_POWEROFF_BAD_FDT,           /* the chunk or the tree is malformed */
    PLAT_POWEROFF_NO_DEVICE,         /* no power-off device in the tree */
    PLAT_POWEROFF_BAD_DEVICE,        /* its properties make no sense (missing, out of range) */
    PLAT_POWEROFF_NO_UNTYPED,        /* no device untyped holds its register */
    PLAT_POWEROFF_UNTYPED_USED,      /* that untyped has objects in it already */
    PLAT_POWEROFF_NO_SLOTS,          /* the slots lent were not enough */
    PLAT_POWEROFF_KERNEL,            /* an invocation failed (see plat_poweroff_kernel_error) */
    PLAT_POWEROFF_STILL_RUNNING,     /* written, and the machine is still on */
};

/* Where the power-off register is: its physical address and the value to write. */
struct plat_poweroff_reg {
    uint64_t paddr;
    uint32_t value;
};

/* Find the register in a device tree of size bytes (validated first). 0 or an error. */
int plat_poweroff_find(const void *fdt, uint64_t size, struct plat_poweroff_reg *out);

/* The device tree in the boot info's extra chunks (id K_BOOTINFO_HEADER_FDT). */
int plat_boot_fdt(const struct k_bootinfo *bi, const void **fdt, uint64_t *size);

/* Power off. Uses the caller's root CNode slots [first_slot, first_slot + n_slots),
 * which must be empty, the boot info's untyped (the device one holding the register
 * must be unused) and the root task's VSpace at PLAT_POWEROFF_VA. Returns only on
 * failure (an error above), having deleted what it made. */
int plat_poweroff(const struct k_bootinfo *bi, k_cptr_t first_slot, unsigned n_slots);
/* The k_error of the invocation that failed with PLAT_POWEROFF_KERNEL. */
extern int plat_poweroff_kernel_error;
const char *plat_poweroff_strerror(int err);

/* For the root task's end: power off, or if that cannot be done say why and suspend
 * this thread (the root task's TCB) for good. Never returns. */
_Noreturn void plat_poweroff_or_stop(const struct k_bootinfo *bi, k_cptr_t first_slot, unsigned n_slots);
