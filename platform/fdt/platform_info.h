/*
 * The platform description the kernel needs at boot, extracted from the
 * DTB the boot loader passes.  Freestanding; see fdt.h for the reader.
 */
#ifndef PLATFORM_INFO_H
#define PLATFORM_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLAT_MAX_MEM 8
#define PLAT_MAX_RESERVED 16
#define PLAT_MAX_HARTS 8
#define PLAT_MAX_VIRTIO 8

struct plat_region {
    uint64_t base, size;
};

struct plat_info {
    char model[64]; /* /model; if longer, truncated and model_truncated set */
    bool model_truncated;
    struct plat_region mem[PLAT_MAX_MEM]; /* all available /memory* nodes' reg */
    unsigned n_mem;
    /* /memreserve/ entries, then /reserved-memory children's reg */
    struct plat_region reserved[PLAT_MAX_RESERVED];
    unsigned n_reserved;
    struct {
        bool present;
        char compatible[32]; /* "ns16550a" or "sifive,uart0" */
        uint64_t base, size;
        uint32_t irq; /* 0 if the node has no `interrupts` */
        uint32_t reg_shift, reg_io_width, clock_hz;
    } uart;
    struct {
        bool present;
        uint64_t base, size;
        uint32_t ndev;
        /* PLIC context of the S-mode external interrupt of harts[i], -1 if none */
        int32_t s_context[PLAT_MAX_HARTS];
    } plic;
    struct {
        bool present;
        uint64_t base, size;
    } clint;
    uint64_t timebase_hz; /* 0 if absent */
    struct {
        uint32_t hartid;
        bool s_mode;  /* has an MMU, so can run S-mode with paging */
        bool enabled; /* status absent or "okay" */
    } harts[PLAT_MAX_HARTS];
    unsigned n_harts;
    struct {
        uint64_t base, size;
        uint32_t irq;
    } virtio[PLAT_MAX_VIRTIO]; /* sorted by base address */
    unsigned n_virtio;
    /* /chosen linux,initrd-start and linux,initrd-end (QEMU's -initrd): base and
     * size in bytes; size 0 if absent or empty */
    struct plat_region initrd;
    char bootargs[128]; /* /chosen bootargs, "" if absent */
    bool bootargs_truncated;
};

/* Check the blob with fdt_check() and fill *out.  Returns FDT_OK or a
 * negative FDT_ERR_* (fdt.h): FDT_ERR_NO_SPACE if an array above is too
 * small, FDT_ERR_BAD_VALUE for a property of the wrong size. */
int plat_info_from_fdt(const void *blob, size_t size, struct plat_info *out);

/* The harts the kernel runs on, in node order: the boot hart first, then every other
 * hart with S-mode paging and status okay, in device-tree order, at most max. Writes
 * their hart ids to ids[] and returns how many (at least 1: the boot hart). */
unsigned plat_info_smp_harts(const struct plat_info *pi, uint32_t boot_hartid, unsigned max,
                             uint32_t *ids);

#endif /* PLATFORM_INFO_H */
