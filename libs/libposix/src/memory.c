/* Anonymous memory mappings, served by mm0. */
#include <errno.h>
#include <sys/mman.h>
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
        (void)fd;
        (void)offset;
        errno = ENODEV;   /* file mappings come with fs0 */
        return MAP_FAILED;
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
