/* The root task: the first user program, holding every boot capability. It will start
 * the servers (mm0, fs0, drivers, init); until they exist it shows what the kernel
 * handed it: the boot info, its untyped memory, and its CSpace (the audit view). */
#include <k/k.h>
#include <stdio.h>
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
    printf("root: no servers to start yet; powering off\n");
    plat_poweroff_or_stop(bi, bi->empty.start, PLAT_POWEROFF_SLOTS);
}
