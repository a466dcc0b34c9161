/* MM0_PS: the process list, one process per request, in pid order (the `ps`
 * utility). Any process may list all: pids, parents, states and program names are
 * no secret here (as in POSIX ps); nothing else about a task is told. */
#include <errno.h>
#include <string.h>
#include <mm0/protocol.h>
#include "mm0.h"
#include "task.h"

/* -> the reply's length (5), with its words in mr[0..4]; or -errno in mr[0], 1. */
unsigned ps_next(long cursor, k_word_t mr[5])
{
    if (cursor < 0 || cursor > 0x7fffffff) {
        mr[0] = (k_word_t)-EINVAL;
        return 1;
    }
    memset(mr, 0, 5 * sizeof mr[0]);
    struct task *t = task_next_by_pid((int)cursor);
    if (!t) return 5;
    mr[0] = (k_word_t)t->pid;
    mr[1] = (k_word_t)t->ppid;
    mr[2] = (t->state == TASK_LIVE ? 1 : 2) | (k_word_t)t->n_live << 8;
    strncpy((char *)&mr[3], t->name, 16);
    return 5;
}
