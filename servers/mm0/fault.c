/* The fault thread: the kernel sends every process thread's faults here (badged per
 * thread). A VM fault inside a VMA that allows the access is served and the thread
 * resumed with an empty reply; anything else ends that process (all its threads) with
 * a signal status
 * and a console line. A message that is not a well-formed fault ends the sender the
 * same way (a process can Call its own fault endpoint, but only in its own name). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include "mm0.h"
#include "task.h"

static const char *access_name(int a)
{
    return a == MEM_WRITE ? "write" : a == MEM_EXEC ? "execute" : "read";
}

void fault_kill(struct task *t, k_word_t addr, int access, k_word_t pc, int e)
{
    if (e == -ENOMEM) {
        printf("mm0: pid %d (%s) killed: out of memory at 0x%lx\n", t->pid, t->name, addr);
        task_exit(t, W_SIGNALED(SIGKILL));
    } else if (e == -ENXIO || e == -EIO) {   /* a file page past its end, or unreadable */
        printf("mm0: pid %d (%s) killed: SIGBUS, %s at 0x%lx (pc 0x%lx): %s\n", t->pid, t->name,
               access_name(access), addr, pc, e == -EIO ? "the file could not be read"
                                                        : "past the end of the file");
        task_exit(t, W_SIGNALED(SIGBUS));
    } else {
        printf("mm0: pid %d (%s) killed: SIGSEGV, %s at 0x%lx (pc 0x%lx)\n", t->pid, t->name,
               access_name(access), addr, pc);
        task_exit(t, W_SIGNALED(SIGSEGV));
    }
}

/* True if the thread may be resumed now. A page of an fs0 file not held yet goes to
 * the pager, which resumes the thread later. */
static bool handle(struct task *t, struct thread *th, k_word_t label, k_word_t len,
                   const k_word_t mr[4])
{
    if (label == K_FAULT_VM && len == K_VM_FAULT_LENGTH) {
        k_word_t pc = mr[K_VM_FAULT_IP], addr = mr[K_VM_FAULT_ADDR], cause = mr[K_VM_FAULT_FSR];
        enum mem_access a = mr[K_VM_FAULT_PREFETCH_FAULT] || cause == 12 || cause == 1 ? MEM_EXEC
                          : cause == 15 || cause == 7 ? MEM_WRITE : MEM_READ;
        struct mem_wait w;
        int e = mem_fault(&t->mem, addr, a, &w);
        if (e == 0) return true;
        if (e == MEM_FS0_WAIT) {
            th->job = (struct job){.kind = JOB_FAULT, .a = {addr, a, pc, w.file_id, w.index}};
            if ((e = pager_queue(t, th)) == 0) return false;
        }
        fault_kill(t, addr, a, pc, e);
        return false;
    }
    int sig = label == K_FAULT_USER_EXCEPTION ? SIGILL : label == K_FAULT_UNKNOWN_SYSCALL ? SIGSYS
            : SIGSEGV;
    printf("mm0: pid %d (%s) killed: signal %d, fault type %lu (pc 0x%lx, 0x%lx, 0x%lx)\n", t->pid,
           t->name, sig, label, mr[0], mr[1], mr[2]);
    task_exit(t, W_SIGNALED(sig));
    return false;
}

void fault_loop(const struct mm0_thread *self)
{
    k_word_t badge, mr[4];
    k_word_t info = k_recv(MM0_CAP_FAULT_EP, &badge, &mr[0], &mr[1], &mr[2], &mr[3]);
    for (;;) {
        mm0_lock(self);
        bool resume = false;
        struct thread *th;
        struct task *t = task_by_badge(badge, &th);
        if (t) resume = handle(t, th, k_msginfo_label(info), k_msginfo_length(info), mr);
        mm0_unlock();
        if (resume)
            info = k_reply_recv(MM0_CAP_FAULT_EP, k_msginfo_new(0, 0, 0, 0), &badge, &mr[0], &mr[1],
                                &mr[2], &mr[3]);
        else
            info = k_recv(MM0_CAP_FAULT_EP, &badge, &mr[0], &mr[1], &mr[2], &mr[3]);
    }
}
