/* mm0's side of the file server (docs/fs0.md, "Task events"): mm0 starts fs0 from the
 * boot archive (if it has one), gives every thread an fs0 endpoint badged with its
 * process's badge, and queues task events (new process, exit) that fs0 pulls. */
#pragma once
#include "task.h"

/* Before init: the endpoint and notification, if the archive holds `fs0`. */
int fs0_setup(const void *archive, k_word_t len);
/* After init (so init keeps pid 1): the fs0 process; init's NEW event. */
int fs0_start(void);
/* thread_new: slot MM0_SLOT_FS0 of th's CSpace. */
int fs0_thread_caps(struct task *t, struct thread *th);
/* A fork may go ahead (room left in the event queue; exits always find room). */
bool fs0_can_fork(void);
void fs0_task_forked(struct task *child, struct task *parent);
void fs0_task_exited(struct task *t);
/* MM0_FS0_EVENT from t: the oldest event, or -EPERM if t is not fs0. */
int fs0_next_event(struct task *t, k_word_t out[4]);
