/* A plain task: checks that its image was loaded as the ELF says and that the
 * layout after it (IPC buffer, boot info) is what seL4's root tasks expect. It is the
 * root task of its image, linked with a gap between its segments (gap.ld): as in
 * seL4, the pages of the gap are mapped (zero, writable) and userImageFrames has one
 * frame per page of the whole range, in address order. */
#include "tap.h"
#include <stdint.h>
#include <k/k.h>

extern char __gap_start[], __gap_end[];

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
    /* nodeID 0 (the root task runs on the boot hart); numNodes: the harts started,
     * which the runner compares with the device tree (--dtb-check). */
    CHECK(bi[1] == 0 && bi[2] >= 1 && bi[2] <= CONFIG_MAX_NUM_NODES, "hello: boot info node 0 of 1..CONFIG_MAX_NUM_NODES");
    const struct k_bootinfo *b = bootinfo;
    uint64_t frames = b->user_image_frames.end - b->user_image_frames.start;
    CHECK(__gap_end - __gap_start == 3 * 4096 && frames == (ipc - 0x10000) / 4096,
          "hello: userImageFrames covers the image range, gap included");
    volatile uint64_t *gap = (volatile uint64_t *)__gap_start;
    int gap_zero = 1;
    for (unsigned i = 0; i < 3 * 512; i++) gap_zero &= gap[i] == 0;
    gap[0] = 7; gap[3 * 512 - 1] = 8;
    CHECK(gap_zero && gap[0] == 7 && gap[3 * 512 - 1] == 8, "hello: the gap is mapped, zero and writable");
    int frame_caps = 1;
    for (uint64_t s = b->user_image_frames.start; s < b->user_image_frames.end; s++)
        frame_caps &= k_debug_cap_identify(s) == 1;
    CHECK(frame_caps, "hello: every userImageFrames slot holds a frame");
    volatile double x = 1.5, y = 2.25;
    CHECK(x * y == 3.375, "hello: floating point works in user mode");
    return 0;
}
