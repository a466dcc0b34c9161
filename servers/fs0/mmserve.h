/* mm0's pager's requests (mmserve.c), fs0's cache frames from mm0 (cachemap.c) and the
 * event drain they both may need (main.c). */
#pragma once
#include <k/k.h>

/* One request (label FS0_MM_*) from badge FS0_BADGE_MM0: the reply into rep (MR0 result,
 * data after), its length returned. */
unsigned mm_serve(k_word_t label, const k_word_t *w, unsigned len, k_word_t *rep);
/* Apply every event mm0 has queued (main.c). */
void fs0_drain_events(void);
/* The page cache on frames asked for with MM0_FS0_CACHE (pc_init). */
void cachemap_init(void);
/* Ask mm0 to drop the file objects nothing maps (MM0_FS0_TRIM) and apply the events
 * that queues: a file mm0 only kept cached is then released (cachemap.c). */
void cachemap_trim(void);
