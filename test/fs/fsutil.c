/* Helpers of the fs suite's mmap and exec tests (fstest.h): a test in a child process
 * with a time bound, free memory, a file of a pattern. */
#include <errno.h>
#include <fcntl.h>
#include <mm0/clone.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <mm0/mm0.h>
#include <mm0/protocol.h>
#include "fstest.h"

static k_word_t now(void)
{
    k_word_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

/* Ticks of the time CSR per second (mm0's MM0_TIME); a guess if it has none. */
static k_word_t rate(void)
{
    k_word_t w[4] = {0}, r = 0;
    long e = mm0_raw_call(MM0_TIME, 0, w, &r);
    return e < 0 || r == 0 ? 10000000 : r;
}

int wait_bounded(pid_t pid, int *status, unsigned seconds)
{
    k_word_t until = now() + seconds * rate();
    for (;;) {
        pid_t got = waitpid(pid, status, WNOHANG);
        if (got == pid) return 0;
        if (got < 0) return -1;
        if ((long)(now() - until) >= 0) break;
        sched_yield();   /* one hart: the child runs while we yield */
    }
    kill(pid, SIGKILL);
    waitpid(pid, status, 0);
    return -1;
}

int in_child(int (*fn)(void), unsigned seconds)
{
    /* A shared page, not a pipe: a grandchild left waiting somewhere could keep a
     * pipe's write end open and our read would wait with it. */
    char *msg = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(msg != MAP_FAILED, "anonymous shared page: errno %d", errno);
    msg[0] = '\0';
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        why[0] = '\0';
        int r = fn();
        if (r) {
            strncpy(msg, why[0] ? why : "failed, no reason given", 4095);
            msg[4095] = '\0';
        }
        fflush(stdout);
        _exit(r ? 1 : 0);
    }
    if (c < 0) {
        munmap(msg, 4096);
        FAIL("fork: errno %d", errno);
    }
    int st = 0;
    bool late = wait_bounded(c, &st, seconds) != 0;
    char copy[sizeof why];
    strncpy(copy, msg, sizeof copy - 1);
    copy[sizeof copy - 1] = '\0';
    munmap(msg, 4096);
    if (late) FAIL("no answer within %u s: killed (%s)", seconds, copy[0] ? copy : "no reason yet");
    if (WIFSIGNALED(st)) FAIL("the test's process was killed by signal %d", WTERMSIG(st));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        FAIL("%s", copy[0] ? copy : "the test's process exited without a reason");
    return 0;
}

long fs_mem_pages(void)
{
    struct mm0_meminfo m;
    return mm0_meminfo(&m) ? -1 : m.free_pages + m.mm0_heap_pages;
}

int fs_make_file(const char *path, size_t n, unsigned seed, mode_t mode)
{
    static unsigned char buf[16384];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    CHECK(fd >= 3, "create %s: errno %d", path, errno);
    for (size_t done = 0; done < n;) {
        size_t k = n - done < sizeof buf ? n - done : sizeof buf;
        for (size_t i = 0; i < k; i++) buf[i] = fs_pattern(done + i, seed);
        CHECK(write(fd, buf, k) == (ssize_t)k, "write %s at %zu: errno %d", path, done, errno);
        done += k;
    }
    CHECK(close(fd) == 0, "close %s: errno %d", path, errno);
    return 0;
}
