/* The posix suite (test0): ordinary C programs run as processes on mm0. This is the
 * suite's init (pid 1); each test prints `ok N - name` or `not ok N - name: why`, and
 * the expect file checks what only the console shows (mm0's kill messages). */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <k/k.h>
#include <mm0/clone.h>
#include <mm0/mm0.h>
#include <mm0/protocol.h>

static int test_no, failures;
static char why[160];

#define FAIL(...)                                                                     \
    do {                                                                              \
        snprintf(why, sizeof why, __VA_ARGS__);                                       \
        return 1;                                                                     \
    } while (0)
#define CHECK(cond, ...)                                                              \
    do {                                                                              \
        if (!(cond)) FAIL(__VA_ARGS__);                                               \
    } while (0)

/* Fork a child running fn(arg) and exiting with its value; wait for it; the status. */
static int run_child(int (*fn)(long), long arg, int *status)
{
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) _exit(fn(arg));
    pid_t got = waitpid(pid, status, 0);
    return got == pid ? 0 : -1;
}

static int exited_with(int status, int code)
{
    return WIFEXITED(status) && WEXITSTATUS(status) == code;
}

/* ------------------------------------------------------------ the tests */

static int t_fork_wait(void)
{
    pid_t me = getpid();
    pid_t pid = fork();
    CHECK(pid >= 0, "fork: errno %d", errno);
    if (pid == 0) _exit(getppid() == me && getpid() != me ? 42 : 1);
    CHECK(pid != me, "child pid %d is ours", (int)pid);
    int st = -1;
    pid_t got = waitpid(pid, &st, 0);
    CHECK(got == pid, "waitpid returned %d, want %d", (int)got, (int)pid);
    CHECK(exited_with(st, 42), "status 0x%x, want exit 42", st);
    CHECK(waitpid(pid, &st, 0) == -1 && errno == ECHILD, "second wait did not fail with ECHILD");
    return 0;
}

static volatile int shared_global = 1;
static char big[64 * 1024];

static int t_fork_isolation(void)
{
    memset(big, 'p', sizeof big);
    char *heap = malloc(10000);
    CHECK(heap, "malloc");
    memset(heap, 'h', 10000);
    volatile int on_stack = 5;
    shared_global = 1;
    pid_t pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0) {
        /* Whatever the parent does after fork, we see the values at the fork. */
        int ok = shared_global == 1 && on_stack == 5 && heap[9999] == 'h' && big[0] == 'p' &&
                 big[sizeof big - 1] == 'p';
        shared_global = 2;
        on_stack = 6;
        memset(heap, 'c', 10000);
        memset(big, 'c', sizeof big);
        _exit(ok ? 0 : 3);
    }
    shared_global = 3;
    on_stack = 7;
    big[100] = 'P';
    int st;
    CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
    CHECK(exited_with(st, 0), "child saw the parent's writes (status 0x%x)", st);
    CHECK(shared_global == 3 && on_stack == 7, "child's writes leaked into the parent");
    CHECK(heap[0] == 'h' && big[0] == 'p' && big[100] == 'P' && big[sizeof big - 1] == 'p',
          "child's heap or data writes leaked into the parent");
    free(heap);
    return 0;
}

/* Each generation writes its own value into the same page, forks the next and checks
 * after the wait that its value survived; the exit code says which level failed. */
static char gen_page[4096] __attribute__((aligned(4096)));

static int generation(int level)
{
    memset(gen_page, 'a' + level, sizeof gen_page);
    if (level == 3) return gen_page[0] == 'd' && gen_page[4095] == 'd' ? 0 : 13;
    pid_t pid = fork();
    if (pid < 0) return 20 + level;
    if (pid == 0) _exit(generation(level + 1));
    int st;
    if (waitpid(pid, &st, 0) != pid) return 30 + level;
    if (!WIFEXITED(st)) return 40 + level;
    if (WEXITSTATUS(st)) return WEXITSTATUS(st);
    for (unsigned i = 0; i < sizeof gen_page; i++)
        if (gen_page[i] != 'a' + level) return 10 + level;
    return 0;
}

static int t_fork_tree(void)
{
    int r = generation(0);
    CHECK(r == 0, "generation failed with code %d", r);
    return 0;
}

static int t_exec(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0) {
        char *argv[] = {"child", "alpha", "two words", NULL};
        char *envp[] = {"KEY=value", "EMPTY=", NULL};
        execve("child", argv, envp);
        _exit(99);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
    CHECK(exited_with(st, 42), "exec'd program reported status 0x%x (42 = all as expected)", st);
    /* A failed exec leaves the caller intact. */
    char *argv[] = {"x", NULL};
    CHECK(execve("no-such-program", argv, argv) == -1 && errno == ENOENT, "exec of a missing program");
    return 0;
}

static int orphan(long unused)
{
    (void)unused;
    pid_t pid = fork();
    if (pid < 0) return 2;
    if (pid == 0) {
        /* Wait (bounded) for our parent to exit and init to adopt us. */
        for (long i = 0; i < 200000 && getppid() != 1; i++) {}
        _exit(getppid() == 1 ? 7 : 8);
    }
    return 0;   /* exit at once, with the child still running */
}

static int t_reparent(void)
{
    int st;
    CHECK(run_child(orphan, 0, &st) == 0, "fork/wait");
    CHECK(exited_with(st, 0), "middle process status 0x%x", st);
    pid_t got = wait(&st);   /* the orphan: now our child */
    CHECK(got > 0, "init could not wait for the orphan (errno %d)", errno);
    CHECK(exited_with(st, 7), "orphan status 0x%x (7 = saw init as its parent)", st);
    return 0;
}

static int spin(long unused)
{
    (void)unused;
    for (;;) getppid();
    return 0;
}

static int t_wnohang(void)
{
    int st = 0;
    CHECK(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, "WNOHANG without children");
    pid_t pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0) _exit(spin(0));   /* never exits by itself */
    pid_t r = waitpid(pid, &st, WNOHANG);
    CHECK(r == 0, "WNOHANG on a running child returned %d", (int)r);
    CHECK(kill(pid, SIGKILL) == 0, "kill");
    CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st), "blocking wait: status 0x%x", st);
    /* Now it has ended: WNOHANG finds nothing to wait for. */
    CHECK(waitpid(pid, &st, WNOHANG) == -1 && errno == ECHILD, "WNOHANG after reaping");
    return 0;
}

/* In a child, so that the runner's own heap stays small (fork copies it eagerly). */
static int malloc_mib(long unused)
{
    (void)unused;
    size_t n = 6u << 20;
    uint32_t *p = malloc(n);
    if (!p) return 2;
    for (size_t i = 0; i < n / 4; i++) p[i] = (uint32_t)(i * 2654435761u);
    for (size_t i = 0; i < n / 4; i++)
        if (p[i] != (uint32_t)(i * 2654435761u)) return 3;
    free(p);
    if (malloc((size_t)1 << 36) != NULL) return 4;
    return 0;
}

static int t_malloc_mib(void)
{
    int st;
    CHECK(run_child(malloc_mib, 0, &st) == 0, "fork/wait");
    CHECK(exited_with(st, 0), "status 0x%x (2: malloc failed, 3: bad read-back, 4: 64 GiB "
          "malloc did not fail)", st);
    return 0;
}

static char zero_bss[3 * 4096 + 123];

static int t_zero_fill(void)
{
    for (unsigned i = 0; i < sizeof zero_bss; i++) CHECK(!zero_bss[i], ".bss byte %u not zero", i);
    size_t n = 64 * 1024;
    unsigned char *m = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED, "mmap: errno %d", errno);
    for (size_t i = 0; i < n; i++) CHECK(!m[i], "mmap byte %zu not zero", i);
    memset(m, 0xff, n);
    CHECK(munmap(m, n) == 0, "munmap");
    /* The same range again: fresh zero pages, not the old contents. */
    unsigned char *m2 = mmap(m, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(m2 == m, "MAP_FIXED gave %p, want %p", (void *)m2, (void *)m);
    for (size_t i = 0; i < n; i++) CHECK(!m2[i], "remapped byte %zu not zero", i);
    munmap(m2, n);
    return 0;
}

/* Reads of untouched anonymous memory map the one shared zero page: free memory does
 * not drop; writes take a page each. */
static int t_zero_page_shared(void)
{
    size_t n = 1 << 20;
    volatile unsigned char *m = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED, "mmap");
    struct mm0_meminfo a, b, c;
    CHECK(mm0_meminfo(&a) == 0, "meminfo");
    unsigned sum = 0;
    for (size_t i = 0; i < n; i += 4096) sum += m[i];
    CHECK(mm0_meminfo(&b) == 0, "meminfo");
    CHECK(sum == 0, "zero pages read %u", sum);
    /* At most the page tables and mm0's bookkeeping: not 256 pages. */
    long used = (a.free_pages + a.mm0_heap_pages) - (b.free_pages + b.mm0_heap_pages);
    CHECK(used < 8, "reading 256 zero pages took %ld pages", used);
    for (size_t i = 0; i < n; i += 4096) m[i] = 1;
    CHECK(mm0_meminfo(&c) == 0, "meminfo");
    long written = (b.free_pages + b.mm0_heap_pages) - (c.free_pages + c.mm0_heap_pages);
    CHECK(written >= 256, "writing 256 pages took only %ld pages", written);
    CHECK(munmap((void *)m, n) == 0, "munmap");
    return 0;
}

/* fork shares pages copy-on-write: a child that only reads a 256-page buffer takes
 * almost no memory; one that writes it takes a page per page written. */
static unsigned char cow_buf[1 << 20];

static int cow_reader(long write)
{
    struct mm0_meminfo a, b;
    if (mm0_meminfo(&a)) return 2;
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof cow_buf; i += 4096) {
        if (write) cow_buf[i] = 9;
        else sum += cow_buf[i];
    }
    if (mm0_meminfo(&b)) return 2;
    if (!write && sum != 256u * 3) return 3;
    long used = (a.free_pages + a.mm0_heap_pages) - (b.free_pages + b.mm0_heap_pages);
    if (write) return used >= 256 ? 0 : 4;
    return used < 16 ? 0 : 5;
}

static int t_cow_fork(void)
{
    memset(cow_buf, 3, sizeof cow_buf);
    int st;
    CHECK(run_child(cow_reader, 0, &st) == 0, "fork/wait");
    CHECK(exited_with(st, 0), "reading child: status 0x%x (3: wrong data, 5: pages copied)", st);
    CHECK(run_child(cow_reader, 1, &st) == 0, "fork/wait");
    CHECK(exited_with(st, 0), "writing child: status 0x%x (4: no pages copied)", st);
    for (size_t i = 0; i < sizeof cow_buf; i++) CHECK(cow_buf[i] == 3, "child's write leaked at %zu", i);
    return 0;
}

static volatile unsigned char *victim;

static int touch_unmapped(long write)
{
    victim = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (victim == MAP_FAILED) return 2;
    victim[0] = 1;
    victim[4096] = 1;
    if (munmap((void *)victim, 4096)) return 3;
    if (victim[4096] != 1) return 4;   /* the other page stays */
    if (write) victim[0] = 2;
    else (void)victim[0];
    return 5;   /* not reached: the access above ends us */
}

static int write_readonly(long unused)
{
    (void)unused;
    unsigned char *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return 2;
    m[0] = 1;
    if (mprotect(m, 4096, PROT_READ)) return 3;
    if (m[0] != 1) return 4;
    m[0] = 2;
    return 5;
}

static int null_deref(long unused)
{
    (void)unused;
    volatile int *volatile p = (volatile int *)8;   /* hidden from the optimiser */
    return *p;
}

static int t_munmap_segv(void)
{
    int st;
    long before = 0;
    struct mm0_meminfo mi;
    CHECK(mm0_meminfo(&mi) == 0, "meminfo");
    before = mi.tasks;
    CHECK(run_child(touch_unmapped, 0, &st) == 0, "fork/wait");
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "read after munmap: status 0x%x", st);
    CHECK(run_child(touch_unmapped, 1, &st) == 0, "fork/wait");
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "write after munmap: status 0x%x", st);
    CHECK(run_child(write_readonly, 0, &st) == 0, "fork/wait");
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "write to read-only: status 0x%x", st);
    CHECK(run_child(null_deref, 0, &st) == 0, "fork/wait");
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "NULL read: status 0x%x", st);
    CHECK(mm0_meminfo(&mi) == 0 && mi.tasks == before, "tasks %ld after, %ld before", mi.tasks, before);
    return 0;
}

static int t_kill(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0) _exit(spin(0));
    CHECK(kill(pid, SIGKILL) == 0, "kill: errno %d", errno);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status 0x%x", st);
    CHECK(kill(pid, SIGKILL) == -1 && errno == ESRCH, "kill of a reaped pid");
    return 0;
}

/* mmap and touch 1 MiB at a time until mm0 says ENOMEM. */
static int exhaust(long unused)
{
    (void)unused;
    long chunks = 0;
    for (;;) {
        unsigned char *m = mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) break;
        for (unsigned i = 0; i < 1 << 20; i += 4096) m[i] = (unsigned char)i;
        chunks++;
    }
    if (errno != ENOMEM) return 2;
    printf("posix: ENOMEM after %ld MiB of mappings\n", chunks);
    /* Still alive, and still served: the memory already mapped is intact. */
    return chunks > 16 && getppid() > 0 ? 0 : 3;
}

static int t_enomem(void)
{
    struct mm0_meminfo a, b;
    int st;
    CHECK(mm0_meminfo(&a) == 0, "meminfo");
    CHECK(run_child(exhaust, 0, &st) == 0, "fork/wait");
    CHECK(exited_with(st, 0), "exhausting child: status 0x%x", st);
    CHECK(mm0_meminfo(&b) == 0, "meminfo");
    /* Every page comes back, except those mm0's own heap took for its page-tracking
     * nodes (that heap keeps its high-water mark). */
    CHECK(b.free_pages + b.mm0_heap_pages == a.free_pages + a.mm0_heap_pages,
          "free pages %ld + mm0 heap %ld after, %ld + %ld before", b.free_pages, b.mm0_heap_pages,
          a.free_pages, a.mm0_heap_pages);
    printf("posix: after ENOMEM: free pages %ld (before %ld), mm0 heap grew by %ld pages\n",
           b.free_pages, a.free_pages, b.mm0_heap_pages - a.mm0_heap_pages);
    /* The system goes on: a fork and a malloc work. */
    CHECK(run_child(null_deref, 0, &st) == 0 && WIFSIGNALED(st), "fork after exhaustion");
    void *p = malloc(1 << 20);
    CHECK(p, "malloc after exhaustion");
    free(p);
    return 0;
}

/* Two processes each granted 60% of free memory (mmap checks only what is free now);
 * the second to touch its pages runs out and is killed, the first keeps its memory.
 * They step through a MAP_SHARED page, which fork shares instead of copying. */
static volatile long *steps;
static long grant;

static int hog(long which)
{
    volatile unsigned char *m = mmap(0, (size_t)grant, PROT_READ | PROT_WRITE,
                                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return 2;
    steps[which] = 1;   /* granted */
    for (long i = 0; i < 20000000 && !(steps[0] && steps[1]); i++) sched_yield();
    if (which == 1)
        for (long i = 0; i < 20000000 && steps[0] != 2; i++) sched_yield();
    for (long off = 0; off < grant; off += 4096) m[off] = 1;
    steps[which] = 2;   /* all touched */
    for (;;) sched_yield();   /* hold it until killed */
}

static int t_oom_kill(void)
{
    struct mm0_meminfo a, b;
    CHECK(mm0_meminfo(&a) == 0, "meminfo");
    steps = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(steps != MAP_FAILED, "shared mmap: errno %d", errno);
    steps[0] = steps[1] = 0;
    grant = (a.free_pages * 6 / 10) * 4096;
    pid_t first = fork();
    if (first == 0) _exit(hog(0));
    pid_t second = fork();
    if (second == 0) _exit(hog(1));
    CHECK(first > 0 && second > 0, "fork");
    int st;
    CHECK(waitpid(second, &st, 0) == second, "wait for the second");
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "second hog: status 0x%x (want SIGKILL)", st);
    CHECK(steps[0] == 2, "the first hog did not get all its pages (step %ld)", steps[0]);
    CHECK(waitpid(first, &st, WNOHANG) == 0, "the first hog is gone too");
    CHECK(kill(first, SIGKILL) == 0 && waitpid(first, &st, 0) == first, "kill the first");
    CHECK(munmap((void *)steps, 4096) == 0, "munmap");
    CHECK(mm0_meminfo(&b) == 0, "meminfo");
    CHECK(b.free_pages + b.mm0_heap_pages == a.free_pages + a.mm0_heap_pages,
          "free pages %ld + heap %ld after, %ld + %ld before", b.free_pages, b.mm0_heap_pages,
          a.free_pages, a.mm0_heap_pages);
    return 0;
}

static int hostile_child(long unused)
{
    (void)unused;
    char *argv[] = {"hostile", NULL};
    execve("hostile", argv, argv + 1);
    return 99;
}

static int forge_fault(long label)
{
    k_word_t m0 = 0x1234, m1 = 0x10, m2 = 0, m3 = 13;
    k_call(MM0_SLOT_FAULT, k_msginfo_new((k_word_t)label, 0, 0, 4), &m0, &m1, &m2, &m3);
    return 50;   /* mm0 ends us instead of answering */
}

static int t_hostile(void)
{
    int st;
    CHECK(run_child(hostile_child, 0, &st) == 0, "fork/wait");
    CHECK(exited_with(st, 0), "hostile client: status 0x%x (failed check number)", st);
    CHECK(run_child(forge_fault, 77, &st) == 0, "fork/wait");
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "forged fault label: status 0x%x", st);
    CHECK(run_child(forge_fault, K_FAULT_VM, &st) == 0, "fork/wait");
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "forged VM fault at 0x10: status 0x%x", st);
    CHECK(getpid() == 1, "mm0 stopped serving us");
    return 0;
}

/* The task table holds 255 processes, zombies included (docs/mm0.md): forking past
 * it fails with EAGAIN, nothing leaks, and reaping makes room again. */
#define TASK_LIMIT 255

static int exit_zero(long unused)
{
    (void)unused;
    return 0;
}

static int t_task_limit(void)
{
    static pid_t kids[TASK_LIMIT + 1];
    struct mm0_meminfo a, b;
    CHECK(mm0_meminfo(&a) == 0, "meminfo");
    int n = 0, err = 0;
    for (;;) {
        pid_t pid = fork();
        if (pid == 0) _exit(7);   /* a zombie until we reap it */
        if (pid < 0) {
            err = errno;
            break;
        }
        kids[n++] = pid;
        if (n > TASK_LIMIT) break;   /* no limit: fails below */
    }
    int want = TASK_LIMIT - (int)a.tasks;
    int reaped = 0, st;
    for (int i = 0; i < n; i++)
        if (waitpid(kids[i], &st, 0) == kids[i] && exited_with(st, 7)) reaped++;
    CHECK(err == EAGAIN, "fork %d failed with errno %d, want EAGAIN", n + 1, err);
    CHECK(n == want, "%d forks before EAGAIN, want %d (%ld tasks before)", n, want, a.tasks);
    CHECK(reaped == n, "%d of %d children reaped with status 7", reaped, n);
    CHECK(mm0_meminfo(&b) == 0, "meminfo");
    CHECK(b.tasks == a.tasks, "%ld tasks after, %ld before", b.tasks, a.tasks);
    CHECK(b.free_pages + b.mm0_heap_pages == a.free_pages + a.mm0_heap_pages,
          "free pages %ld + mm0 heap %ld after, %ld + %ld before", b.free_pages, b.mm0_heap_pages,
          a.free_pages, a.mm0_heap_pages);
    /* Room again: a fork works. */
    CHECK(run_child(exit_zero, 0, &st) == 0 && exited_with(st, 0), "fork after the limit: status 0x%x", st);
    return 0;
}

/* The loop runs in a freshly exec'd small program (child.c, "forkloop"), so that
 * each eager fork copies a few pages, not the runner's heap. */
static int t_fork_loop(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0) {
        char *argv[] = {"child", "forkloop", NULL};
        execve("child", argv, argv + 2);
        _exit(99);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
    CHECK(exited_with(st, 0), "fork loop: status 0x%x (see its line above)", st);
    return 0;
}

/* ------------------------------------------------------------ threads */

static volatile int flag_main, flag_thread, thread_saw;
static volatile int *heap_word;

static int thread_body(void *arg)
{
    /* See the main thread's writes (made before and after clone), answer with ours. */
    long spins = 0;
    while (!flag_main && spins++ < 2000000) sched_yield();
    thread_saw = *heap_word + flag_main + (int)(long)arg;
    errno = 77;   /* our own errno: the main thread's stays */
    flag_thread = 1;
    return 0;
}

static int t_clone_vm(void)
{
    static pid_t ctid;
    heap_word = malloc(sizeof *heap_word);
    CHECK(heap_word, "malloc");
    *heap_word = 1000;
    flag_main = flag_thread = thread_saw = 0;
    char *stack = malloc(64 * 1024);
    CHECK(stack, "malloc");
    ctid = 1;
    errno = 0;
    int tid = clone(thread_body, stack + 64 * 1024, CLONE_VM | CLONE_THREAD | CLONE_CHILD_CLEARTID,
                    (void *)5L, NULL, NULL, &ctid);
    CHECK(tid > 0, "clone: errno %d", errno);
    CHECK(tid != getpid(), "thread id %d is the pid", tid);
    flag_main = 20;   /* after clone: the thread must see it (shared memory) */
    long spins = 0;
    while (ctid != 0 && spins++ < 2000000) sched_yield();
    CHECK(ctid == 0, "the thread's clear-tid word was never cleared");
    CHECK(flag_thread == 1, "the thread's write is not seen by the main thread");
    CHECK(thread_saw == 1025, "the thread saw %d, want 1000 + 20 + 5", thread_saw);
    CHECK(errno == 0, "the thread's errno leaked into ours (%d)", errno);
    free(stack);
    free((void *)heap_word);
    return 0;
}

static int crash_body(void *arg)
{
    (void)arg;
    volatile int *volatile p = (volatile int *)(uintptr_t)0x10;
    return *p;   /* ends the whole process */
}

static int spin_body(void *arg)
{
    (void)arg;
    for (;;) sched_yield();
    return 0;
}

static char thread_stack[16384] __attribute__((aligned(16)));

static int fault_in_thread(long unused)
{
    (void)unused;
    if (clone(crash_body, thread_stack + sizeof thread_stack, CLONE_VM | CLONE_THREAD, 0) <= 0) return 2;
    for (long i = 0; i < 5000000; i++) sched_yield();   /* killed long before */
    return 3;
}

static int exit_with_thread(long unused)
{
    (void)unused;
    if (clone(spin_body, thread_stack + sizeof thread_stack, CLONE_VM | CLONE_THREAD, 0) <= 0) return 2;
    sched_yield();
    _exit(7);   /* the whole group: the spinning thread goes too */
}

static int t_thread_group(void)
{
    struct mm0_meminfo a, b;
    CHECK(mm0_meminfo(&a) == 0, "meminfo");
    int st;
    CHECK(run_child(fault_in_thread, 0, &st) == 0, "fork/wait");
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a thread's fault: status 0x%x", st);
    CHECK(run_child(exit_with_thread, 0, &st) == 0, "fork/wait");
    CHECK(exited_with(st, 7), "exit with a live thread: status 0x%x", st);
    CHECK(mm0_meminfo(&b) == 0 && b.tasks == a.tasks, "tasks %ld after, %ld before", b.tasks, a.tasks);
    CHECK(clone(spin_body, thread_stack + sizeof thread_stack, CLONE_VM, 0) == -1 && errno == EINVAL,
          "CLONE_VM without CLONE_THREAD accepted");
    return 0;
}

static int sibling(void *arg)
{
    (void)arg;
    return getppid() == 1 ? 9 : 10;
}

static int clone_parent(long unused)
{
    (void)unused;
    int pid = clone(sibling, thread_stack + sizeof thread_stack, CLONE_PARENT, 0);
    if (pid <= 0) return 2;
    /* Not our child: our parent's. */
    if (waitpid(pid, 0, WNOHANG) != -1 || errno != ECHILD) return 3;
    return 0;
}

static int t_clone_parent(void)
{
    int st;
    CHECK(run_child(clone_parent, 0, &st) == 0, "fork/wait");
    CHECK(exited_with(st, 0), "status 0x%x (3: the sibling was our child)", st);
    pid_t got = wait(&st);
    CHECK(got > 0, "the sibling is not init's child (errno %d)", errno);
    CHECK(exited_with(st, 9), "sibling status 0x%x (9: its parent was init)", st);
    return 0;
}

static const struct {
    const char *name;
    int (*fn)(void);
} tests[] = {
    {"fork and wait with exit status", t_fork_wait},
    {"writes after fork do not leak either way", t_fork_isolation},
    {"fork tree three generations deep", t_fork_tree},
    {"exec with arguments and environment", t_exec},
    {"exit with live children reparents them to init", t_reparent},
    {"waitpid WNOHANG", t_wnohang},
    {"malloc of 6 MiB, written and read back", t_malloc_mib},
    {"zero-filled pages read zeros", t_zero_fill},
    {"zero pages are shared until written", t_zero_page_shared},
    {"fork shares pages copy-on-write", t_cow_fork},
    {"access after munmap kills that process only", t_munmap_segv},
    {"kill with SIGKILL", t_kill},
    {"CLONE_VM threads see each other's writes", t_clone_vm},
    {"a thread's fault or exit ends its whole process", t_thread_group},
    {"CLONE_PARENT makes a sibling", t_clone_parent},
    {"mmap until memory runs out gets ENOMEM", t_enomem},
    {"a fault with no page left kills that process only", t_oom_kill},
    {"hostile client, mm0 keeps serving", t_hostile},
    {"forking past 255 tasks gets EAGAIN, reaping makes room", t_task_limit},
    {"1000 fork+exit+wait, free memory unchanged", t_fork_loop},
};

int main(void)
{
    printf("posix: %d tests, pid %d\n", (int)(sizeof tests / sizeof tests[0]), (int)getpid());
    for (unsigned i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        why[0] = '\0';
        int r = tests[i].fn();
        /* mm0's self-check (every VM count two ways) must agree after every test. */
        if (!r && mm0_selfcheck()) {
            snprintf(why, sizeof why, "mm0's self-check disagrees afterwards");
            r = 1;
        }
        test_no++;
        if (r) {
            failures++;
            printf("not ok %d - %s: %s\n", test_no, tests[i].name, why);
        } else {
            printf("ok %d - %s\n", test_no, tests[i].name);
        }
    }
    printf("posix: %d passed, %d failed\n", test_no - failures, failures);
    return failures ? 1 : 0;
}
