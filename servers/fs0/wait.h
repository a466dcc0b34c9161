/* Requests whose answer waits (wait.c): a read of an empty pipe, a write to a full
 * one. fs0 serves one request at a time and must keep serving the others, so it
 * saves the caller's reply capability (SaveCaller) and answers later. */
#pragma once
#include <stddef.h>
#include "fdtable.h"

/* Keep the request (label FS0_READ or FS0_WRITE of len bytes at the caller's buffer
 * address addr, in the calling thread's UTCB area or window: grant.h) on f for p's
 * thread caller: VFS_DEFERRED, or
 * -EAGAIN when no slot is free. */
int64_t wait_defer(struct proc *p, k_word_t caller, struct ofile *f, k_word_t label, k_word_t addr,
                   size_t len);
/* A node changed (pipe.c): the kept requests are retried at the next wait_poll. */
void wait_kick(void);
/* Retry kept requests after a kick until none moves; answer those that finish. */
void wait_poll(void);
/* The process badge ended: its kept requests go, unanswered. */
void wait_drop(k_word_t badge);
/* The thread whose badge is caller ended: its kept requests go (its reply capability
 * went with it), before its grant does. */
void wait_drop_caller(k_word_t caller);
