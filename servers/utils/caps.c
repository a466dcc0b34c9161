/* caps: this process's capabilities, as libposix knows them. A process holds no
 * audit capability (policy/system.policy keeps it with root), so it cannot ask the
 * kernel; its CSpace is the fixed one mm0 gives every thread (mm0/protocol.h,
 * mm0/console.h): one CNode of 2^MM0_PROC_CNODE_BITS slots. The whole system's
 * capabilities are tools/capaudit's business (docs/audit.md). */
#include <stdio.h>
#include <unistd.h>
#include <mm0/console.h>
#include <mm0/protocol.h>

int main(void)
{
    printf("caps of pid %d (thread 0; CNode of %d slots, guard to 64 bits):\n", (int)getpid(),
           1 << MM0_PROC_CNODE_BITS);
    printf("  slot %d  endpoint  mm0 service, badged for this thread, Write+GrantReply\n", MM0_SLOT_SERVICE);
    printf("  slot %d  endpoint  mm0 faults (the kernel sends this thread's faults), badged\n", MM0_SLOT_FAULT);
    printf("  slot %d  endpoint  fs0 (files), badged for this process, where fs0 runs\n", MM0_SLOT_FS0);
    printf("  slot %d  endpoint  console (the console server, or mm0), badged, Write+GrantReply\n",
           MM0_SLOT_CONSOLE);
    printf("  no other slot is filled: memory is mapped by mm0, not held\n");
    return 0;
}
