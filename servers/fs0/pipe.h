/* pipe() (pipe.c): a new pipe, its read end and write end the caller's two lowest free
 * descriptors (0, rep[1] and rep[2], *rlen = 3), or -EMFILE / -ENFILE. */
#pragma once
#include "fdtable.h"

int64_t pipe_request(struct proc *p, k_word_t *rep, unsigned *rlen);
