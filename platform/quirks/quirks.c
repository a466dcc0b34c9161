/* The quirk table. SiFive's FU540 (HiFive Unleashed, QEMU sifive_u) and FU740 (HiFive
 * Unmatched) U-cores: ranged sfence.vma cannot be relied on, so whole ASIDs are
 * flushed instead (the same workaround OpenSBI applies for these SoCs). */
#include "quirks.h"
#include <fdt.h>

static const struct { const char *compatible; struct board_quirks q; } table[] = {
    { "sifive,fu540-c000",           { "SiFive FU540: whole-ASID TLB flushes", QUIRK_FLUSH_WHOLE_ASID } },
    { "sifive,hifive-unleashed-a00", { "SiFive FU540: whole-ASID TLB flushes", QUIRK_FLUSH_WHOLE_ASID } },
    { "sifive,fu740-c000",           { "SiFive FU740: whole-ASID TLB flushes", QUIRK_FLUSH_WHOLE_ASID } },
    { "sifive,hifive-unmatched-a00", { "SiFive FU740: whole-ASID TLB flushes", QUIRK_FLUSH_WHOLE_ASID } },
};

struct board_quirks board_quirks(const void *blob)
{
    int root = fdt_root(blob);
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (root >= 0 && fdt_node_compatible(blob, root, table[i].compatible)) return table[i].q;
    return (struct board_quirks){ "none", 0 };
}
