/* A plain task: checks that its image was loaded as the ELF says and that the
 * layout after it (IPC buffer, boot info) is what seL4's root tasks expect. */
#include "tap.h"
#include <stdint.h>

static volatile uint64_t initialised = 0x1234abcd5678ef00ull;
static volatile uint64_t zeroed[64];

int main(void *bootinfo)
{
    const uint64_t *bi = bootinfo;
    CHECK(1, "hello: user task runs and prints");
    CHECK(initialised == 0x1234abcd5678ef00ull, "hello: .data loaded from the ELF");
    int all_zero = 1;
    for (int i = 0; i < 64; i++) all_zero &= zeroed[i] == 0;
    CHECK(all_zero, "hello: .bss is zero");
    CHECK(((uintptr_t)bootinfo & 0xfff) == 0, "hello: boot info is page aligned");
    uint64_t ipc = bi[4];
    CHECK(ipc != 0 && (ipc & 0xfff) == 0 && ipc + 4096 == (uintptr_t)bootinfo,
          "hello: IPC buffer is the page before boot info");
    volatile uint64_t *ipcbuf = (uint64_t *)ipc;
    ipcbuf[0] = 42; ipcbuf[511] = 43;
    CHECK(ipcbuf[0] == 42 && ipcbuf[511] == 43, "hello: IPC buffer is writable");
    CHECK(bi[1] == 0 && bi[2] == 1, "hello: boot info node 0 of 1");
    volatile double x = 1.5, y = 2.25;
    CHECK(x * y == 3.375, "hello: floating point works in user mode");
    return 0;
}
