/* Each fault_* task announces itself and then faults; the expect file checks the
 * kernel's report (cause and address) for it. Reaching the line after the fault is a
 * failure: the kernel must stop a faulting thread, not skip the instruction. */
#include "tap.h"
#define FAULT_TEST(name, body)                                   \
    int main(void *bootinfo)                                     \
    {                                                            \
        (void)bootinfo;                                          \
        printf(name ": faulting now\n");                         \
        body;                                                    \
        printf("not ok - " name ": survived its own fault\n");   \
        return 1;                                                \
    }
