/* Memory mappings, served by mm0: anonymous ones, and files of fs0's (mm0's pager asks
 * fs0 what the descriptor is, docs/mm0.md "Files from fs0"). */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include "ipc.h"

static void *addr_result(long r)
{
    if (r < 0 && r > -4096) {
        errno = (int)-r;
        return MAP_FAILED;
    }
    return (void *)r;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    if (!(flags & MAP_ANONYMOUS)) {
        if (fd < 0) {
            errno = EBADF;
            return MAP_FAILED;
        }
        posix_ipc()->msg[4] = (k_word_t)fd;
        posix_ipc()->msg[5] = (k_word_t)offset;
        return addr_result(mm0_call(MM0_MMAP, 6, (k_word_t)addr, len, (k_word_t)prot,
                                    (k_word_t)flags, 0));
    }
    return addr_result(mm0_call(MM0_MMAP, 4, (k_word_t)addr, len, (k_word_t)prot,
                                (k_word_t)flags, 0));
}

int munmap(void *addr, size_t len)
{
    return (int)mm0_result(mm0_call(MM0_MUNMAP, 2, (k_word_t)addr, len, 0, 0, 0));
}

int mprotect(void *addr, size_t len, int prot)
{
    return (int)mm0_result(mm0_call(MM0_MPROTECT, 3, (k_word_t)addr, len, (k_word_t)prot, 0, 0));
}

/* A shared file mapping's stores are already fs0's (its cache frames are the file's
 * pages); making them durable is fs0's sync, which writes every file's. */
int msync(void *addr, size_t len, int flags)
{
    (void)addr;
    (void)len;
    if (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE) || (flags & MS_ASYNC && flags & MS_SYNC)) {
        errno = EINVAL;
        return -1;
    }
    sync();
    return 0;
}
