/* The IPC fast path (kernel/syscall/fastpath.c). Each function either completes the
 * system call and switches to the partner thread (never returning), or returns with
 * nothing changed (not even the pc), and the caller goes on with the general path.
 * entry.S calls them straight from the trap with the user's a0 and a1 (still in their
 * registers) and the thread. */
#pragma once
#include <object/tcb.h>

void fastpath_call(word_t cptr, word_t info, tcb_t *cur);
void fastpath_reply_recv(word_t cptr, word_t info, tcb_t *cur);
