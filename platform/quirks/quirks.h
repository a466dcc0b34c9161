/* Per-board quirks the device tree does not describe, keyed by the root node's
 * compatible strings. Boards are data: adding one is adding a table row. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

enum {
    QUIRK_FLUSH_WHOLE_ASID = 1u << 0,   /* ranged sfence.vma unreliable (FU540/FU740) */
};

struct board_quirks {
    const char *name;       /* for the boot banner */
    unsigned flags;
};

/* The quirks of the board whose (checked) device tree is blob; name "none" if none. */
struct board_quirks board_quirks(const void *blob);
