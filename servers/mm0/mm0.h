/* mm0's two threads and the lock between them. The service thread answers requests
 * (service.c), the fault thread page faults (fault.c); all of mm0's state is shared
 * and guarded by one lock (a counter, with a notification to wait on when the lock
 * is held: main.c). libk keeps one
 * IPC-buffer pointer for the whole program, so the lock holder points it at its own
 * buffer: every kernel invocation mm0 makes happens with the lock held. */
#pragma once
#include <k/k.h>

struct mm0_thread {
    const char *name;
    struct k_ipc_buffer *ipc;
};

void mm0_lock(const struct mm0_thread *self);
void mm0_unlock(void);

/* Name a thread for the kernel's messages and the capability audit, if the kernel
 * has DebugNameThread (a printing call). */
void mm0_name_thread(k_cptr_t tcb, const char *name);
extern int mm0_printing;

void service_loop(const struct mm0_thread *self);
void fault_loop(const struct mm0_thread *self);

/* Another mm0 thread (main.c): a TCB and an IPC buffer (mapped at ipc_va) from the
 * pool, mm0's CSpace and VSpace, root's endpoint for its faults, mm0's priority; it
 * runs entry on stack_top. K_NO_ERROR or the kernel's error. */
int mm0_thread_start(const char *name, void (*entry)(void), void *stack_top, k_word_t ipc_va);

/* The pager thread (pager.c): the only mm0 thread that waits for fs0. */
int pager_start(void);
struct task;
struct thread;
/* Hand th's blocked fault or request to the pager (its reply capability is saved in
 * its wait slot first): 0, or -errno if it could not be saved (answer now). */
int pager_queue(struct task *t, struct thread *th);
/* th goes: a job of it is dropped. */
void pager_forget(struct thread *th);
/* A fault's end when it cannot be served (fault.c): the process is killed with the
 * signal for error e and a console line. */
void fault_kill(struct task *t, k_word_t addr, int access, k_word_t pc, int e);

/* A thread's console endpoint in its CSpace (console.c). */
int console_mint(k_cptr_t proc_cnode, k_word_t badge);

/* MM0_TIME (time.c): the clock's rate from root, 0 if unknown. */
extern k_word_t mm0_timebase_hz;
unsigned time_now(k_word_t mr[2]);

/* MM0_PS (ps.c): the next process after pid cursor; returns the reply length. */
unsigned ps_next(long cursor, k_word_t mr[5]);
