/* The root task: the first user program, holding every boot capability. It will start
 * the servers (mm0, fs0, drivers, init); until they exist it shows what the kernel
 * handed it: the boot info, its untyped memory, and its CSpace (the audit view). */
#include <k/k.h>
#include <stdio.h>
#include <stdint.h>
#include <plat/poweroff.h>

int main(void *bootinfo)
{
    const struct k_bootinfo *bi = bootinfo;
    printf("root: hello from user mode\n");
    printf("root: boot info at %p: node %lu of %lu, IPC buffer at %p, root CNode of 2^%lu slots\n",
           bootinfo, bi->node_id, bi->num_nodes, (void *)bi->ipc_buffer, bi->init_thread_cnode_size_bits);
    k_word_t ram = 0, dev = 0, n = bi->untyped.end - bi->untyped.start;
    for (k_word_t i = 0; i < n; i++) {
        if (bi->untyped_list[i].is_device) dev++;
        else ram += 1ul << bi->untyped_list[i].size_bits;
    }
    printf("root: %lu untyped capabilities: %lu KiB of RAM, %lu device regions\n", n, ram >> 10, dev);
    printf("root: the device tree travels in %lu bytes of extra boot info\n", bi->extra_len);
    /* The whole system's capabilities, for tools/capaudit (docs/audit.md). The cost is
     * measured here, where it matters (docs/benchmarks.md): instret counts every
     * instruction the hart retires, kernel and console output included. */
    k_debug_name_thread(K_CAP_INIT_THREAD_TCB, "root");
    k_word_t cursor = 0, caps = 0, tcbs = 0, cnodes = 0, calls = 0;
    uint64_t total = 0, worst = 0;
    enum k_error err;
    do {
        uint64_t t0, t1;
        __asm__ volatile("rdinstret %0" : "=r"(t0));
        err = k_audit_snapshot(K_CAP_AUDIT, cursor, 64, &cursor, &caps, &tcbs, &cnodes);
        __asm__ volatile("rdinstret %0" : "=r"(t1));
        total += t1 - t0;
        if (t1 - t0 > worst) worst = t1 - t0;
        calls++;
    } while (err == K_NO_ERROR && cursor != 0);
    if (err != K_NO_ERROR) printf("root: audit snapshot failed: error %d\n", (int)err);
    else
        printf("root: audit snapshot: %lu caps, %lu threads, %lu CNodes in %lu calls, %lu instructions "
               "(%lu per cap, at most %lu per call)\n", caps, tcbs, cnodes, calls, total,
               total / (caps ? caps : 1), worst);
    printf("root: no servers to start yet; powering off\n");
    plat_poweroff_or_stop(bi, bi->empty.start, PLAT_POWEROFF_SLOTS);
}
