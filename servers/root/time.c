/* The timebase for mm0 (MM0_TIME): /cpus timebase-frequency, or the first cpu's
 * (older trees), from the device tree checked whole. */
#include <fdt.h>
#include <plat/poweroff.h>
#include "root.h"

k_word_t root_timebase(const struct k_bootinfo *bi)
{
    const void *fdt;
    uint64_t size, hz = 0;
    if (plat_boot_fdt(bi, &fdt, &size) || fdt_check(fdt, (size_t)size) != FDT_OK) return 0;
    int cpus = fdt_path_offset(fdt, "/cpus");
    if (cpus < 0) return 0;
    if (fdt_prop_u64(fdt, cpus, "timebase-frequency", &hz) != FDT_OK) {
        int cpu = fdt_first_child(fdt, cpus);
        if (cpu < 0 || fdt_prop_u64(fdt, cpu, "timebase-frequency", &hz) != FDT_OK) return 0;
    }
    return hz;
}
