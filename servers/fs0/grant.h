/* The frames mm0 granted fs0, per process: its UTCB (path names and small buffers at
 * FS0_UTCB_AREA) and its I/O window (fs0/protocol.h). fs0 copies what it needs out of
 * them once (a path) or moves file data straight between them and the file system. */
#pragma once
#include <stdint.h>
#include <k/k.h>
#include <fs0/protocol.h>

void grant_init(void);
/* The grant slot to receive the next event's cap into (the top free one), -1: none. */
int grant_free_slot(void);
/* Slot s (grant_free_slot's) received frame k (0 UTCB, 1 window) of badge: map it. */
void grant_take(k_word_t badge, unsigned k, int s);
/* The process ended: its frames are unmapped and their caps deleted. */
void grant_drop(k_word_t badge);
/* Slot s received the IPC-buffer frame of the thread tbadge names (not thread 0). */
void grant_thread_take(k_word_t tbadge, int s);
/* That thread ended: its frame is unmapped and its cap deleted. */
void grant_thread_drop(k_word_t tbadge);
/* The UTCB area of the thread tbadge (a caller's badge) names (FS0_UTCB_AREA_SIZE
 * bytes), or NULL. */
const uint8_t *grant_path_area(k_word_t tbadge);
/* Where in fs0 the calling thread's buffer [addr, addr + len) is: it must lie inside
 * its UTCB area or (thread 0) the window; NULL and *err = -EINVAL (len over
 * FS0_WINDOW_SIZE) or -EFAULT. */
void *grant_buffer(k_word_t tbadge, k_word_t addr, k_word_t len, int *err);
