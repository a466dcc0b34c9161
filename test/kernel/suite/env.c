/* What every test (and the benchmark root task) shares: the boot info, a slot
 * allocator over the root CNode's empty region, and untyped memory to carve. */
#include "ktest.h"

struct k_bootinfo *bi;
int ktest_failures;
static k_word_t next_free, free_end;
static k_cptr_t freed[64];
static unsigned n_freed;

k_cptr_t slot_alloc(void)
{
    if (n_freed) return freed[--n_freed];
    if (next_free >= free_end) {
        printf("  out of root CNode slots\n");
        return 0;
    }
    return next_free++;
}

k_cptr_t slot_alloc_range(unsigned n)
{
    /* Never from the freed list: those slots are scattered. */
    if (free_end - next_free < n) {
        printf("  out of root CNode slots\n");
        return 0;
    }
    k_cptr_t first = next_free;
    next_free += n;
    return first;
}

void slot_free(k_cptr_t s)
{
    if (n_freed < 64) freed[n_freed++] = s;
}

k_cptr_t untyped_at_least(unsigned bits)
{
    /* The biggest RAM untyped; tests revoke what they carve, so it can be shared. */
    k_cptr_t best = 0;
    unsigned best_bits = 0;
    for (k_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const struct k_untyped_desc *u = &bi->untyped_list[i];
        if (!u->is_device && u->size_bits >= bits && u->size_bits > best_bits) {
            best = bi->untyped.start + i;
            best_bits = u->size_bits;
        }
    }
    return best;
}

k_cptr_t make_object(k_cptr_t untyped, k_word_t type, k_word_t size_bits)
{
    k_cptr_t s = slot_alloc();
    if (!s) return 0;
    int err = k_untyped_retype(untyped, type, size_bits, ROOT, 0, 0, s, 1);
    if (err) {
        printf("  retype of type %lu size %lu failed: error %d\n", type, size_bits, err);
        return 0;
    }
    return s;
}

void env_init(void *bootinfo)
{
    bi = bootinfo;
    next_free = bi->empty.start;
    free_end = bi->empty.end;
}
