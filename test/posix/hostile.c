/* A hostile client of mm0 (test "hostile client"): raw requests with unknown labels,
 * wrong lengths, bad pointers and other tasks' pids. Each must come back with the
 * right error and change nothing. Exit status: 0 if every answer was as expected,
 * else the number of the first check that failed. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <k/k.h>
#include <mm0/mm0.h>
#include <mm0/protocol.h>

static int check_no;

#define EXPECT(expr, want)                                                            \
    do {                                                                              \
        check_no++;                                                                   \
        long got_ = (long)(expr);                                                     \
        if (got_ != (long)(want)) {                                                   \
            printf("hostile: check %d: %s = %ld, want %ld\n", check_no, #expr, got_,   \
                   (long)(want));                                                     \
            return check_no;                                                          \
        }                                                                             \
    } while (0)

static k_word_t w[MM0_MSG_WORDS];

int main(void)
{
    /* Unknown labels. */
    EXPECT(mm0_raw_call(0, 0, w, 0), -ENOSYS);
    EXPECT(mm0_raw_call(MM0_REQUEST_COUNT, 3, w, 0), -ENOSYS);
    EXPECT(mm0_raw_call(~0ul >> 12, 1, w, 0), -ENOSYS);
    /* Wrong lengths. */
    EXPECT(mm0_raw_call(MM0_GETPID, 5, w, 0), -EINVAL);
    EXPECT(mm0_raw_call(MM0_WAIT, 1, w, 0), -EINVAL);
    EXPECT(mm0_raw_call(MM0_FORK, 2, w, 0), -EINVAL);
    EXPECT(mm0_raw_call(MM0_EXIT, 0, w, 0), -EINVAL);
    w[0] = 1;
    w[1] = 100;   /* 100 bytes claimed, 2 words sent */
    EXPECT(mm0_raw_call(MM0_WRITE, 3, w, 0), -EINVAL);
    w[1] = 100000;   /* more than a message holds */
    EXPECT(mm0_raw_call(MM0_WRITE, 120, w, 0), -EINVAL);
    w[0] = 7;
    w[1] = 1;
    EXPECT(mm0_raw_call(MM0_WRITE, 3, w, 0), -EBADF);
    /* Bad pointers: exec of a block outside our memory, or past the top of it. */
    w[0] = 0x1000;
    w[1] = 16;
    w[2] = 0;
    w[3] = 0;
    EXPECT(mm0_raw_call(MM0_EXEC, 4, w, 0), -EFAULT);
    w[0] = 0xffffffffffff0000ul;
    EXPECT(mm0_raw_call(MM0_EXEC, 4, w, 0), -EFAULT);
    w[0] = MM0_IPC_BUFFER_VA;   /* mapped, but not in any VMA */
    EXPECT(mm0_raw_call(MM0_EXEC, 4, w, 0), -EFAULT);
    static char block[32] = "child\0x";   /* string count does not match argc */
    w[0] = (k_word_t)block;
    w[1] = 8;
    w[2] = 5;
    EXPECT(mm0_raw_call(MM0_EXEC, 4, w, 0), -EINVAL);
    w[1] = 7;   /* last string not terminated */
    w[2] = 1;
    EXPECT(mm0_raw_call(MM0_EXEC, 4, w, 0), -EINVAL);
    w[1] = 1u << 20;
    EXPECT(mm0_raw_call(MM0_EXEC, 4, w, 0), -E2BIG);
    char *none[] = {"nope", NULL};
    EXPECT(execve("no-such-program", none, none), -1);
    EXPECT(errno, ENOENT);
    EXPECT(execve("mm0", none, none), -1);   /* the server is not a program */
    EXPECT(errno, EACCES);
    /* A path with a '/' is still a boot-archive name when no fs0 runs. */
    EXPECT(execve("/no/such-program", none, none), -1);
    EXPECT(errno, ENOENT);
    /* Other tasks' pids. */
    EXPECT(kill(1, SIGKILL), -1);
    EXPECT(errno, EPERM);
    EXPECT(kill(getppid(), SIGKILL), -1);
    EXPECT(errno, EPERM);
    EXPECT(kill(1000000, SIGKILL), -1);
    EXPECT(errno, ESRCH);
    EXPECT(waitpid(1, 0, 0), -1);
    EXPECT(errno, ECHILD);
    EXPECT(waitpid(0, 0, 0), -1);   /* process groups: not supported */
    EXPECT(errno, EINVAL);
    EXPECT(waitpid(-1, 0, 0x80), -1);
    EXPECT(errno, EINVAL);
    EXPECT(mm0_shutdown(0), -EPERM);
    /* Bad memory requests. */
    EXPECT(mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), MAP_FAILED);
    EXPECT(mmap(0, 4096, 0x100, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), MAP_FAILED);
    EXPECT(mmap(0, 4096, PROT_READ, MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), MAP_FAILED);
    EXPECT(mmap(0, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0), MAP_FAILED);   /* neither */
    EXPECT(mmap(0, 4096, PROT_READ, MAP_PRIVATE, -1, 0), MAP_FAILED);     /* no descriptor */
    EXPECT(errno, EBADF);
    EXPECT(mmap(0, 4096, PROT_READ, MAP_PRIVATE, 3, 0), MAP_FAILED);      /* no fs0 here */
    EXPECT(errno, ENODEV);
    /* The file form of MM0_MMAP is exactly 6 words, never with MAP_ANONYMOUS, at a
     * page-aligned offset; the anonymous form exactly 4. Only fs0 may ask for cache
     * frames. */
    w[0] = 0;
    w[1] = 4096;
    w[2] = PROT_READ;
    w[3] = MAP_PRIVATE;
    w[4] = 3;
    w[5] = 0;
    EXPECT(mm0_raw_call(MM0_MMAP, 5, w, 0), -EINVAL);
    EXPECT(mm0_raw_call(MM0_MMAP, 7, w, 0), -EINVAL);
    EXPECT(mm0_raw_call(MM0_MMAP, 4, w, 0), -EINVAL);   /* a file without its fd */
    w[5] = 100;
    EXPECT(mm0_raw_call(MM0_MMAP, 6, w, 0), -EINVAL);
    w[5] = 0;
    w[3] = MAP_PRIVATE | MAP_ANONYMOUS;
    EXPECT(mm0_raw_call(MM0_MMAP, 6, w, 0), -EINVAL);
    w[3] = MAP_PRIVATE;
    EXPECT(mm0_raw_call(MM0_MMAP, 6, w, 0), -ENODEV);
    w[0] = 0;
    EXPECT(mm0_raw_call(MM0_FS0_CACHE, 1, w, 0), -EPERM);
    EXPECT(mm0_raw_call(MM0_FS0_CACHE, 0, w, 0), -EINVAL);
    EXPECT(mmap((void *)0x10000, 4096, PROT_READ, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
           MAP_FAILED);   /* over our own code */
    EXPECT(mmap(0, 1ul << 40, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), MAP_FAILED);
    EXPECT(munmap((void *)0x10001, 4096), -1);
    EXPECT(errno, EINVAL);
    EXPECT(munmap((void *)0xfffffffffffff000ul, 4096), -1);
    EXPECT(mprotect((void *)0x2f00000000ul, 4096, PROT_READ), -1);   /* nothing there */
    EXPECT(errno, ENOMEM);
    EXPECT(sbrk(-(1l << 40)), (void *)-1);
    EXPECT(sbrk(1l << 40), (void *)-1);
    /* Capabilities sent along are not taken. */
    k_ipc_buffer()->caps_or_badges[0] = MM0_SLOT_SERVICE;
    {
        k_word_t m0 = 0;
        k_word_t info = k_call(MM0_SLOT_SERVICE, k_msginfo_new(MM0_GETPID, 0, 1, 0), &m0, 0, 0, 0);
        EXPECT(m0, getpid());
        EXPECT(k_msginfo_extra_caps(info), 0);
    }
    /* After all that, ordinary service goes on. */
    EXPECT(getpid() > 1, 1);
    printf("hostile: %d checks answered as expected\n", check_no);
    return 0;
}
