/* The service thread: POSIX requests from processes (mm0/protocol.h). The badge
 * names the caller; every argument is checked; a bad request gets -errno and
 * changes nothing. Requests that end or replace the caller (exit, a successful
 * exec, kill of itself) and waits that must block are not answered here. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <mm0/protocol.h>
#include <fs0/protocol.h>
#include "mm0.h"
#include "task.h"
#include "fs0link.h"

struct reply {
    bool send;
    k_word_t mr[4];
    unsigned len;      /* the reply's message info (label 0): its length, and one extra cap
                        * for fs0's grants (fs0link.c), set in the IPC buffer */
};

static struct reply ret(long v) { return (struct reply){true, {(k_word_t)v, 0, 0, 0}, 1}; }
static const struct reply no_reply = {false, {0, 0, 0, 0}, 0};

/* Minimum (and, for fixed-size requests, exact) message lengths, by label. */
static const unsigned req_len[MM0_REQUEST_COUNT] = {
    [MM0_WRITE] = 2, [MM0_READ] = 2, [MM0_EXIT] = 1, [MM0_FORK] = 5, [MM0_EXEC] = 4,
    [MM0_WAIT] = 2, [MM0_GETPID] = 0, [MM0_GETPPID] = 0, [MM0_KILL] = 2, [MM0_SBRK] = 1,
    [MM0_MMAP] = 4, [MM0_MUNMAP] = 2, [MM0_MPROTECT] = 3, [MM0_MEMINFO] = 0,
    [MM0_SHUTDOWN] = 1, [MM0_SELFCHECK] = 0, [MM0_CLONE] = 8, [MM0_THREAD_EXIT] = 1,
    [MM0_FS0_EVENT] = 0,
    [MM0_PS] = 1, [MM0_TIME] = 0, [MM0_FS0_CACHE] = 1, [MM0_FS0_TRIM] = 0,
};

/* Pages a new mapping may take, leaving room for page tables and mm0's own heap:
 * a mapping that could not be backed now is refused with ENOMEM (docs/mm0.md). */
#define MEM_MARGIN_PAGES 64

static bool can_back(k_word_t bytes)
{
    k_word_t pages = bytes / PAGE_SIZE;
    return pages_free() > MEM_MARGIN_PAGES && pages <= pages_free() - MEM_MARGIN_PAGES;
}

static struct reply do_write(struct task *t, const k_word_t *w, unsigned len)
{
    k_word_t fd = w[0], n = w[1];
    if (n > MM0_WRITE_MAX || len != 2 + (n + 7) / 8) return ret(-EINVAL);
    if (fd != 1 && fd != 2) return ret(-EBADF);
    const char *bytes = (const char *)&w[2];
    for (k_word_t i = 0; i < n; i++) k_debug_putchar(bytes[i]);
    (void)t;
    return ret((long)n);
}

/* A new process: a copy-on-write copy of t's memory, its first thread starting at
 * pc with sp, a0, a1, gp, tp; its parent is ppid. */
static struct reply new_process(struct task *t, int ppid, k_word_t pc, k_word_t sp, k_word_t a0,
                                k_word_t a1, k_word_t gp, k_word_t tp)
{
    int e;
    if (!fs0_can_fork()) return ret(-EAGAIN);
    struct task *c = task_new(ppid, t->name, &e);
    if (!c) return ret(e);
    c->brk_start = t->brk_start;
    c->brk = t->brk;
    if ((e = mem_fork(&c->mem, &t->mem)) || (e = thread_start(&c->thr[0], pc, sp, a0, a1, gp, tp))) {
        /* Never started: it goes without a trace (no zombie, no status). */
        int pid = c->pid;
        task_exit(c, 0);
        struct task *z = task_by_pid(pid);
        if (z) task_reap(z);
        return ret(e == -EINVAL ? -EAGAIN : e);
    }
    fs0_task_forked(c, t);
    return ret(c->pid);
}

static struct reply do_fork(struct task *t, const k_word_t *w)
{
    return new_process(t, t->pid, w[0], w[1], w[2], 0, w[3], w[4]);
}

/* clone: CLONE_VM | CLONE_THREAD makes a thread of t; no CLONE_VM a process (the
 * parent's parent with CLONE_PARENT). CLONE_VM alone (a process sharing memory) is
 * not supported. */
static struct reply do_clone(struct task *t, const k_word_t *w)
{
    k_word_t flags = w[0], pc = w[1], sp = w[2], a0 = w[3], a1 = w[4], gp = w[5], tp = w[6],
             clear_tid = w[7];
    k_word_t known = MM0_CLONE_VM | MM0_CLONE_THREAD | MM0_CLONE_PARENT | MM0_CLONE_SETTLS |
                     MM0_CLONE_CHILD_CLEARTID | 0xff;   /* low byte: exit signal */
    if (flags & ~known || (sp & 15) || (flags & MM0_CLONE_CHILD_CLEARTID && clear_tid & 3))
        return ret(-EINVAL);
    bool vm = flags & MM0_CLONE_VM, thread = flags & MM0_CLONE_THREAD;
    if (vm != thread) return ret(-EINVAL);
    if (!vm) {
        if (flags & MM0_CLONE_CHILD_CLEARTID) return ret(-EINVAL);
        int ppid = flags & MM0_CLONE_PARENT ? t->ppid : t->pid;
        if (ppid == 0) return ret(-EINVAL);   /* init has no parent to share */
        return new_process(t, ppid, pc, sp, a0, a1, gp, tp);
    }
    if (flags & MM0_CLONE_PARENT) return ret(-EINVAL);
    int e;
    if (!fs0_can_clone()) return ret(-EAGAIN);
    struct thread *th = thread_new(t, &e);
    if (!th) return ret(e);
    fs0_thread_new(t, th);   /* fs0 gets its IPC buffer: its file calls' data go there */
    th->clear_tid = flags & MM0_CLONE_CHILD_CLEARTID ? clear_tid : 0;
    if ((e = thread_start(th, pc, sp, a0, a1, gp, tp))) {
        thread_exit(t, th, 0);
        return ret(-EAGAIN);
    }
    return ret(th->tid);
}

static char exec_buf[MM0_EXEC_MAX];

static struct reply do_exec(struct task *t, struct thread *th, const k_word_t *w)
{
    k_word_t va = w[0], len = w[1], argc = w[2], envc = w[3];
    if (len == 0 || len > MM0_EXEC_MAX) return ret(len ? -E2BIG : -EINVAL);
    if (mem_copy_in(&t->mem, va, exec_buf, len)) return ret(-EFAULT);
    /* Exactly 1 + argc + envc strings, the last one ending the block. */
    k_word_t strings = 0;
    for (k_word_t i = 0; i < len; i++) strings += exec_buf[i] == '\0';
    if (exec_buf[len - 1] != '\0' || argc > len || envc > len || strings != 1 + argc + envc)
        return ret(-EINVAL);
    k_word_t plen = strlen(exec_buf) + 1;
    /* A path with a '/' names a file of fs0's: the pager reads it (pager.c). A bare
     * name is a boot-archive member, as without fs0. */
    if (fs0_serving() && strchr(exec_buf, '/')) {
        char *block = malloc(len);
        if (!block) return ret(-ENOMEM);
        memcpy(block, exec_buf, len);
        th->job = (struct job){.kind = JOB_EXEC, .block = block, .len = len, .argc = argc,
                               .envc = envc};
        int e = pager_queue(t, th);
        return e ? ret(e) : no_reply;
    }
    int e = task_exec(t, th, exec_buf, exec_buf + plen, len - plen, argc, envc);
    return e ? ret(e) : no_reply;
}

static struct reply do_wait(struct task *t, struct thread *th, const k_word_t *w)
{
    int pid = (int)(long)w[0];
    k_word_t options = w[1];
    if ((pid < -1 || pid == 0) || options & ~(k_word_t)WNOHANG) return ret(-EINVAL);
    bool any;
    struct task *z = task_zombie_child(t, pid, &any);
    if (!any) return ret(-ECHILD);
    if (z) {
        struct reply r = {true, {(k_word_t)z->pid, (k_word_t)z->status, 0, 0}, 2};
        task_reap(z);
        return r;
    }
    if (options & WNOHANG) return (struct reply){true, {0, 0, 0, 0}, 2};
    if (k_cnode_save_caller(MM0_CAP_CNODE, thread_wait_slot(t, th), MM0_DEPTH)) return ret(-EAGAIN);
    th->waiting = true;
    th->wait_pid = pid;
    return no_reply;
}

static bool is_descendant(struct task *c, const struct task *anc)
{
    for (int depth = 0; c && depth < MAX_TASKS; depth++) {
        if (c->ppid == anc->pid) return true;
        c = task_by_pid(c->ppid);
    }
    return false;
}

static struct reply do_kill(struct task *t, const k_word_t *w)
{
    int pid = (int)(long)w[0];
    k_word_t sig = w[1];
    if (sig >= NSIG) return ret(-EINVAL);
    struct task *v = task_by_pid(pid);
    if (!v || v->state != TASK_LIVE) return ret(-ESRCH);
    if (v != t && !is_descendant(v, t)) return ret(-EPERM);
    if (sig == 0) return ret(0);   /* the permission check only */
    /* No handlers yet: every signal but the ignored-by-default ones terminates. */
    if (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH) return ret(0);
    printf("mm0: pid %d (%s) killed by signal %lu from pid %d\n", v->pid, v->name, sig, t->pid);
    task_exit(v, W_SIGNALED((int)sig));
    return v == t ? no_reply : ret(0);
}

static struct reply do_sbrk(struct task *t, const k_word_t *w)
{
    long incr = (long)w[0];
    k_word_t old = t->brk, want = old + (k_word_t)incr, cur;
    if (incr == 0) return ret((long)old);
    if ((incr > 0 && (want < old || want > t->brk_start + MM0_HEAP_MAX)) ||
        (incr < 0 && (want > old || want < t->brk_start)))
        return ret(-ENOMEM);
    if (incr > 0 && !can_back((k_word_t)incr)) return ret(-ENOMEM);
    int e = mem_brk(&t->mem, want, &cur);
    if (e) return ret(e);
    t->brk = want;
    return ret((long)old);
}

/* mmap: anonymous memory here; a file (6 words: MR4 fd, MR5 offset) goes to the pager
 * once its arguments are checked, since only fs0 knows the descriptor. */
static struct reply do_mmap(struct task *t, struct thread *th, const k_word_t *w, unsigned n)
{
    k_word_t hint = w[0], len = w[1], prot = w[2], flags = w[3];
    bool file = n == 6;
    if (n != 4 && n != 6) return ret(-EINVAL);
    if (len == 0 || len > MM0_MMAP_END - MM0_MMAP_BASE || prot & ~(k_word_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
        return ret(-EINVAL);
    if (!(flags & MAP_ANONYMOUS) != file || !(flags & MAP_PRIVATE) == !(flags & MAP_SHARED) ||
        flags & ~(k_word_t)(MAP_ANONYMOUS | MAP_PRIVATE | MAP_SHARED | MAP_FIXED))
        return ret(-EINVAL);
    if (file && (w[5] & (PAGE_SIZE - 1) || w[5] > (1ul << 40))) return ret(-EINVAL);
    len = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (!file && !can_back(len)) return ret(-ENOMEM);
    /* Mappings live in [MM0_MMAP_BASE, MM0_MMAP_END): a fixed one elsewhere (over the
     * program, its heap or its stack) is refused rather than replacing them. */
    if (flags & MAP_FIXED) {
        if (hint & (PAGE_SIZE - 1) || hint < MM0_MMAP_BASE || hint > MM0_MMAP_END - len)
            return ret(-EINVAL);
    } else if (hint < MM0_MMAP_BASE || hint > MM0_MMAP_END - len) {
        hint = MM0_MMAP_BASE;
    }
    hint &= ~(PAGE_SIZE - 1);
    if (file) {
        if (!fs0_serving()) return ret(-ENODEV);   /* no file server: no descriptors */
        th->job = (struct job){.kind = JOB_MMAP, .a = {hint, len, prot, flags, w[4], w[5]}};
        int e = pager_queue(t, th);
        return e ? ret(e) : no_reply;
    }
    unsigned vf = VM_MAP_ANON | (flags & MAP_SHARED ? VM_MAP_SHARED : VM_MAP_PRIVATE) |
                  (flags & MAP_FIXED ? VM_MAP_FIXED : 0);
    k_word_t at;
    int e = mem_map_area(&t->mem, NULL, hint, len, 0, (unsigned)prot, vf, &at);
    return ret(e ? e : (long)at);
}

static struct reply do_munmap(struct task *t, const k_word_t *w)
{
    return ret(mem_munmap(&t->mem, w[0], w[1]));
}

static struct reply do_mprotect(struct task *t, const k_word_t *w)
{
    if (w[2] & ~(k_word_t)(PROT_READ | PROT_WRITE | PROT_EXEC)) return ret(-EINVAL);
    return ret(mem_mprotect(&t->mem, w[0], w[1], (unsigned)w[2]));
}

static struct reply do_selfcheck(void)
{
    vm_stats_t st;
    char msg[160];
    if (mem_self_check(&st, msg, sizeof msg)) {
        printf("mm0: SELF-CHECK FAILED: %s\n", msg);
        return ret(-EIO);
    }
    return (struct reply){true, {st.objects, st.shadows, st.pages, st.spaces}, 4};
}

static struct reply dispatch(struct task *t, struct thread *th, k_word_t label, unsigned len,
                             const k_word_t *w)
{
    if (label == 0 || label >= MM0_REQUEST_COUNT) return ret(-ENOSYS);
    /* Exactly req_len words; WRITE and MMAP may have more (they check them). */
    if (len != req_len[label] && (len < req_len[label] || (label != MM0_WRITE && label != MM0_MMAP)))
        return ret(-EINVAL);
    switch (label) {
    case MM0_WRITE: return do_write(t, w, len);
    case MM0_READ:
        return ret(w[0] == 0 ? 0 : -EBADF);   /* console input comes with fs0: end of file */
    case MM0_EXIT:
        task_exit(t, W_EXITED((int)w[0]));
        return no_reply;
    case MM0_FORK: return do_fork(t, w);
    case MM0_CLONE: return do_clone(t, w);
    case MM0_THREAD_EXIT:
        thread_exit(t, th, W_EXITED((int)w[0]));
        return no_reply;
    case MM0_EXEC: return do_exec(t, th, w);
    case MM0_WAIT: return do_wait(t, th, w);
    case MM0_GETPID: return ret(t->pid);
    case MM0_FS0_EVENT: {   /* fs0link.c; words 4 and 5 go in the IPC buffer */
        k_word_t ev[FS0_EV_WORDS];
        k_cptr_t cap;
        int e = fs0_next_event(t, ev, &cap);
        if (e) return ret(e);
        k_ipc_buffer()->msg[4] = ev[4];
        k_ipc_buffer()->msg[5] = ev[5];
        k_ipc_buffer()->caps_or_badges[0] = cap;
        return (struct reply){true, {ev[0], ev[1], ev[2], ev[3]},
                              (unsigned)k_msginfo_new(0, 0, cap != 0, FS0_EV_WORDS)};
    }
    case MM0_GETPPID: return ret(t->ppid);
    case MM0_KILL: return do_kill(t, w);
    case MM0_SBRK: return do_sbrk(t, w);
    case MM0_MMAP: return do_mmap(t, th, w, len);
    case MM0_FS0_CACHE: return ret(fs0_cache_request(t, w[0]));
    case MM0_FS0_TRIM:
        if (!fs0_is_server(t)) return ret(-EPERM);
        filemap_trim();
        return ret(0);
    case MM0_MUNMAP: return do_munmap(t, w);
    case MM0_MPROTECT: return do_mprotect(t, w);
    case MM0_MEMINFO:
        return (struct reply){true, {pages_free(), pages_total(), tasks_live(), heap_pages()}, 4};
    case MM0_SELFCHECK: return do_selfcheck();
    case MM0_TIME: {
        k_word_t mr[2];
        unsigned n = time_now(mr);
        return (struct reply){true, {mr[0], mr[1], 0, 0}, n};
    }
    case MM0_PS: {   /* ps.c; the fifth word goes in the IPC buffer */
        k_word_t mr[5];
        unsigned n = ps_next((long)w[0], mr);
        k_ipc_buffer()->msg[4] = mr[4];
        return (struct reply){true, {mr[0], mr[1], mr[2], mr[3]}, n};
    }
    case MM0_SHUTDOWN:
        if (t->pid != 1) return ret(-EPERM);
        printf("mm0: init asks for power-off (status %ld)\n", (long)w[0]);
        mm0_poweroff((int)w[0]);
        return ret(0);
    }
    return ret(-ENOSYS);
}

void service_loop(const struct mm0_thread *self)
{
    k_word_t badge, w[MM0_MSG_WORDS];
    k_word_t info = k_recv(MM0_CAP_SERVICE_EP, &badge, &w[0], &w[1], &w[2], &w[3]);
    for (;;) {
        unsigned len = (unsigned)k_msginfo_length(info);
        if (len > MM0_MSG_WORDS) len = MM0_MSG_WORDS;
        for (unsigned i = 4; i < len; i++) w[i] = self->ipc->msg[i];
        /* Words past the length are stale (the caller's registers, an earlier
         * request): dispatch checks every request's length exactly, so no handler
         * reads beyond it. */
        mm0_lock(self);
        struct thread *th;
        struct task *t = task_by_badge(badge, &th);
        struct reply r = t ? dispatch(t, th, k_msginfo_label(info), len, w) : no_reply;
        mm0_unlock();
        if (r.send) {
            w[0] = r.mr[0];
            w[1] = r.mr[1];
            w[2] = r.mr[2];
            w[3] = r.mr[3];
            info = k_reply_recv(MM0_CAP_SERVICE_EP, r.len, &badge, &w[0],
                                &w[1], &w[2], &w[3]);
        } else {
            info = k_recv(MM0_CAP_SERVICE_EP, &badge, &w[0], &w[1], &w[2], &w[3]);
        }
    }
}
