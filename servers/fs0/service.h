/* One request of process p from the thread whose badge is badge: the reply into rep (MR0 result, data after), its length
 * returned. */
#pragma once
#include "fdtable.h"

unsigned fs0_serve(struct proc *p, k_word_t badge, k_word_t label, const k_word_t *w, unsigned len,
                   k_word_t *rep);
