/* What the fs suite's files share (runner.c, mmap_tests.c, exec_tests.c, fsutil.c):
 * the failure reason, the CHECK macros, the byte pattern and the helpers of fsutil.c. */
#pragma once
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

extern char why[200];   /* the reason a test failed, printed after its `not ok` */

#define FAIL(...)                                                                     \
    do {                                                                              \
        snprintf(why, sizeof why, __VA_ARGS__);                                       \
        return 1;                                                                     \
    } while (0)
#define CHECK(cond, ...)                                                              \
    do {                                                                              \
        if (!(cond)) FAIL(__VA_ARGS__);                                               \
    } while (0)
#define ERR(call, e) ((call) == -1 && errno == (e))

static inline unsigned char fs_pattern(size_t i, unsigned seed)
{
    return (unsigned char)(i * 31 + seed + (i >> 9));
}

/* fsutil.c. Run fn in a child process, so that a missing feature (a fault, a hang in
 * mm0 or fs0) fails that test alone: 0 if fn returned 0; else 1 with why set (fn's
 * reason, passed back through a shared page; or how the child ended; or that it gave
 * no answer within `seconds`, after which it is killed). */
int in_child(int (*fn)(void), unsigned seconds);
/* waitpid(pid) for at most `seconds`: 0 with *status, or -1 after killing it (SIGKILL). */
int wait_bounded(pid_t pid, int *status, unsigned seconds);
/* Free pages plus mm0's heap: the memory a leak would show in (-1 if unknown). */
long fs_mem_pages(void);
/* Write n bytes of fs_pattern(seed) to a new file (mode), or FAIL. */
int fs_make_file(const char *path, size_t n, unsigned seed, mode_t mode);

/* mmap_tests.c, exec_tests.c: the tests the runner's table lists. */
int t_mmap_sizes(void);
int t_mmap_shared_store(void);
int t_mmap_sees_write(void);
int t_mmap_fork_shared(void);
int t_mmap_private_cow(void);
int t_mmap_outlives(void);
int t_mmap_sigbus(void);
int t_mmap_devzero(void);
int t_mmap_errors(void);
int t_mmap_exec_mprotect(void);
int t_mmap_memory(void);
int t_mm0_selfcheck(void);
int t_exec_disk_paths(void);
int t_exec_errors(void);
int t_exec_copy(void);
int t_exec_rewrite(void);
int t_exec_no_leak(void);
/* persist.h's PERSIST_MAPPED, written through a MAP_SHARED mapping, munmap, fsync. */
int mmap_persist(const char *path, unsigned long len, unsigned seed);
