/* Root task of the kernel suite: prints the boot info it was given, then runs every
 * registered test and reports. The environment tests share is in env.c. */
#include "ktest.h"


extern const struct ktest __start_ktests[], __stop_ktests[];

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
    env_init(bootinfo);
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
