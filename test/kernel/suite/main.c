/* Root task of the kernel suite: prints the boot info it was given, then runs every
 * registered test and reports. */
#include "ktest.h"

struct k_bootinfo *bi;
int ktest_failures;

extern const struct ktest __start_ktests[], __stop_ktests[];

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

static void print_bootinfo(void)
{
    printf("suite: boot info at %p: IPC buffer %p, root CNode 2^%lu slots\n", (void *)bi,
           (void *)bi->ipc_buffer, bi->init_thread_cnode_size_bits);
    printf("suite: slots: image paging [%lu,%lu) frames [%lu,%lu) extra [%lu,%lu) untyped [%lu,%lu) empty [%lu,%lu)\n",
           bi->user_image_paging.start, bi->user_image_paging.end,
           bi->user_image_frames.start, bi->user_image_frames.end,
           bi->extra_bi_pages.start, bi->extra_bi_pages.end,
           bi->untyped.start, bi->untyped.end, bi->empty.start, bi->empty.end);
    for (k_word_t i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const struct k_untyped_desc *u = &bi->untyped_list[i];
        printf("suite: untyped slot %lu: 0x%lx, 2^%u bytes%s\n", bi->untyped.start + i,
               u->paddr, u->size_bits, u->is_device ? " (device)" : "");
    }
}

int main(void *bootinfo)
{
    bi = bootinfo;
    next_free = bi->empty.start;
    free_end = bi->empty.end;
    print_bootinfo();

    int passed = 0, failed = 0, n = 0;
    for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++) {
        ktest_failures = 0;
        t->fn();
        n++;
        if (ktest_failures) failed++; else passed++;
        printf("%s %d - %s\n", ktest_failures ? "not ok" : "ok", n, t->name);
    }
    printf("suite: %d passed, %d failed\n", passed, failed);
    /* The kernel reports our exit under this name (checked by ktest.expect). */
    k_debug_name_thread(K_CAP_INIT_THREAD_TCB, "ktest-root");
    return failed;
}
