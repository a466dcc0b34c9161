/*
 * Mutation fuzzing with a fixed seed: flip bytes of real DTBs and check
 * that fdt_check returns OK or one of its documented errors, and that
 * the navigation calls and plat_info_from_fdt survive whatever passes.
 * Crashes and out-of-bounds reads are caught by ASan/UBSan.
 *
 * usage: test_fdt_fuzz <iterations> <a.dtb> [b.dtb ...]
 */
#include "fdt_test.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void) /* xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static bool check_result_known(int r)
{
    switch (r) {
    case FDT_OK:
    case FDT_ERR_BAD_MAGIC:
    case FDT_ERR_TRUNCATED:
    case FDT_ERR_BAD_VERSION:
    case FDT_ERR_BAD_LAYOUT:
    case FDT_ERR_BAD_STRUCT:
    case FDT_ERR_BAD_STRING:
    case FDT_ERR_DEPTH:
        return true;
    default:
        return false;
    }
}

/* Interesting values for header words and tokens. */
static uint32_t pick_word(uint32_t total)
{
    static const uint32_t vals[] = {0, 1, 2, 3, 4, 9, 16, 17, 0x28, 0x38, 0x7fffffff,
                                    0xffffffff, 0xfffffffc, 0x80000000};
    uint32_t k = rnd() % 16;
    if (k < sizeof vals / sizeof vals[0])
        return vals[k];
    return rnd() % (total + 64);
}

static void mutate(uint8_t *b, size_t n)
{
    int flips = 1 + (int)(rnd() % 4);
    for (int i = 0; i < flips; i++) {
        switch (rnd() % 4) {
        case 0: /* a header word */
            t_put32(b + 4 * (rnd() % 10), pick_word((uint32_t)n));
            break;
        case 1: /* an aligned word anywhere: tokens, lengths, nameoffs */
            t_put32(b + 4 * (rnd() % (n / 4)), pick_word((uint32_t)n));
            break;
        default: /* a random byte */
            b[rnd() % n] = (uint8_t)rnd();
            break;
        }
    }
}

/* Touch everything a kernel might read from a blob that passed the check. */
static unsigned walk(const void *b)
{
    unsigned work = 0;
    uint64_t x, y;
    int depth = 0;
    for (int n = fdt_next_node(b, -1, &depth); n >= 0; n = fdt_next_node(b, n, &depth)) {
        size_t len;
        uint32_t plen, v;
        const char *s;
        work += fdt_node_name(b, n, &len) != NULL;
        work += fdt_getprop(b, n, "compatible", &plen) != NULL;
        work += fdt_node_compatible(b, n, "virtio,mmio");
        work += fdt_prop_u32(b, n, "phandle", &v) == FDT_OK && fdt_node_by_phandle(b, v) == n;
        work += fdt_prop_str(b, n, "status", &s) == FDT_OK;
        work += fdt_first_child(b, n) >= 0;
        work += fdt_next_sibling(b, n) >= 0;
        if (depth <= 2) { /* parent lookups are O(tree); keep the loop fast */
            int c = fdt_reg_count(b, n);
            for (int i = 0; i < c && i < 4; i++)
                work += fdt_reg(b, n, i, &x, &y) == FDT_OK;
        }
    }
    for (int i = 0; fdt_get_rsv(b, i, &x, &y) == FDT_OK && i < 64; i++)
        work++;
    work += fdt_path_offset(b, "/soc/serial") >= 0;
    work += fdt_path_offset(b, "serial0/x") >= 0;
    return work;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s iterations a.dtb [b.dtb ...]\n", argv[0]);
        return 2;
    }
    int iters = atoi(argv[1]);
    for (int a = 2; a < argc; a++) {
        size_t n;
        uint8_t *real = t_load_dtb(argv[a], &n);
        int hist[16] = {0}, pi_hist[16] = {0}, unknown = 0, pi_unknown = 0;
        unsigned work = 0;
        struct plat_info pi;

        printf("== fuzz %s: %d mutated copies (seed fixed)\n", argv[a], iters);
        for (int i = 0; i < iters; i++) {
            uint8_t *b = t_dup(real, n);
            mutate(b, n);
            int r = fdt_check(b, n);
            if (!check_result_known(r))
                unknown++;
            else
                hist[-r]++;
            if (r == FDT_OK)
                work += walk(b);
            int p = plat_info_from_fdt(b, n, &pi);
            if (p > 0 || p < FDT_ERR_BAD_ARG || (r < 0 && p != r))
                pi_unknown++;
            else
                pi_hist[-p]++;
            free(b);
        }
        EXPECT(unknown == 0, "fdt_check returned only OK or a documented error (%d others)",
               unknown);
        EXPECT(pi_unknown == 0,
               "plat_info_from_fdt returned fdt_check's error or a documented one (%d others)",
               pi_unknown);
        EXPECT(hist[0] > 0 && hist[0] < iters, "mix of accepted (%d) and rejected blobs",
               hist[0]);
        printf("  fdt_check:");
        for (int e = 0; e <= -FDT_ERR_BAD_ARG; e++)
            if (hist[e])
                printf(" %s=%d", fdt_strerror(-e), hist[e]);
        printf("\n  plat_info:");
        for (int e = 0; e <= -FDT_ERR_BAD_ARG; e++)
            if (pi_hist[e])
                printf(" %s=%d", fdt_strerror(-e), pi_hist[e]);
        printf("\n  (navigation calls on accepted blobs: %u successes)\n", work);
        free(real);
    }
    return t_done(argv[0]);
}
