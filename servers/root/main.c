/* The root task: the first user program, given the boot capabilities (once the
 * capability core exists) and in charge of starting every server. For now it greets,
 * shows what the kernel told it, and ends. */
#include <stdio.h>
#include <stdint.h>

int main(void *bootinfo)
{
    const uint64_t *bi = bootinfo;
    printf("root: hello from user mode\n");
    printf("root: boot info at %p: node %lu of %lu, IPC buffer at 0x%lx\n",
           bootinfo, bi[1], bi[2], bi[4]);
    printf("root: nothing more to start yet; exiting\n");
    return 0;
}
