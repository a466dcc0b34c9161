/* TCB helpers shared by boot and (later) the TCB invocations. */
#include <object/tcb.h>

void tcb_set_name(tcb_t *t, const char *name)
{
    unsigned i = 0;
    for (; name[i] && i < TCB_NAME_LEN - 1; i++) t->name[i] = name[i];
    t->name[i] = '\0';
}
