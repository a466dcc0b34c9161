/* mm0's side of the file server (docs/fs0.md, "Task events"; docs/mm0.md, "The UTCB
 * and window grant"): mm0 starts fs0 from the boot archive (if it has one), gives
 * every thread an fs0 endpoint badged with its process's badge, gives every process
 * an I/O window, and queues task events (new process with its UTCB and window
 * frames, exit) that fs0 pulls. */
#pragma once
#include "task.h"

/* Before init: the endpoint and notification, if the archive holds `fs0`. */
int fs0_setup(const void *archive, k_word_t len);
/* After init (so init keeps pid 1): the fs0 process; init's NEW event. */
int fs0_start(void);
/* thread_new: slot MM0_SLOT_FS0 of th's CSpace. */
int fs0_thread_caps(struct task *t, struct thread *th);
/* task_new: t's I/O window (mapped at MM0_FS0_WINDOW_VA), when fs0 serves; -ENOMEM. */
int fs0_task_new(struct task *t);
/* The task's objects are going: its UTCB and window leave its VSpace (fs0's CSpace
 * goes when t is fs0). */
void fs0_task_unmap(struct task *t);
/* Free t's UTCB and window now (a task fs0 never heard of). */
void fs0_task_pages_free(struct task *t);
/* A fork may go ahead (room left in the event queue; exits always find room). */
bool fs0_can_fork(void);
void fs0_task_forked(struct task *child, struct task *parent);
/* Clone: room in the event queue for a thread's grant (else -EAGAIN); th (not slot 0)
 * was made: fs0 gets its IPC-buffer page; th goes: the page goes back through fs0. */
bool fs0_can_clone(void);
void fs0_thread_new(struct task *t, struct thread *th);
void fs0_thread_gone(struct task *t, struct thread *th);
void fs0_task_exited(struct task *t);
/* t runs a new program: fs0 closes its close-on-exec descriptors (an EXEC event). */
void fs0_task_exec(struct task *t);
/* MM0_FS0_EVENT from t: the oldest event (FS0_EV_WORDS words; *cap the frame the
 * reply carries, 0 for none), or -EPERM if t is not fs0. */
int fs0_next_event(struct task *t, k_word_t *out, k_cptr_t *cap);

/* The page cache (fs0/protocol.h; fs0cache.c, filemap.c, pager.c). */
bool fs0_serving(void);
bool fs0_is_server(const struct task *t);
bool fs0_pager_wanted(void);          /* the archive has fs0 (fs0_setup made its endpoint) */
k_cptr_t fs0_pager_ep(void);          /* 0 while no fs0 serves */
void fs0_poke(void);                  /* signal fs0: an event waits */
int fs0_cache_request(struct task *t, k_word_t k);   /* MM0_FS0_CACHE */
/* Queue FS0_EV_FILE_PUT; fs0_can_put first (room for one more). */
bool fs0_can_put(void);
void fs0_file_put(k_word_t id, k_word_t refs);
/* fs0cache.c */
int fs0_cache_make(struct task *server, k_word_t k);
/* Frame k's page, now held as page index of file (and granted for writing if write);
 * NO_PAGE if fs0 was given no frame k. */
page_t fs0_cache_hold(k_word_t k, k_word_t file, uint64_t index, bool write);
/* Whether page p is a cache frame: its file id and page index, and whether fs0 holds
 * it for writing (a mapping may then be writable). */
bool fs0_cache_frame(page_t p, k_word_t *file, uint64_t *index, bool *write);
/* The quick test first (one load; the fault path asks it of every page). */
extern uint16_t fs0_cache_k_of[MAX_PAGES];
static inline bool fs0_cache_is_frame(page_t p) { return p < MAX_PAGES && fs0_cache_k_of[p]; }
bool fs0_cache_is_held(k_word_t k);
bool fs0_cache_let_go(page_t p);      /* false: p is no cache frame (free it as usual) */
bool fs0_cache_next_release(k_word_t *base, k_word_t *mask, k_word_t *left);
void fs0_cache_server_gone(void);
