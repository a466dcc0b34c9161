/* The page cache's frames in fs0 (pagecache.h's struct pc_env): frame k is asked for
 * from mm0 (MM0_FS0_CACHE, mm0/protocol.h), which makes it and maps it read-write at
 * FS0_CACHE_AT(k). Apart from pagecache.c so that the host test links the cache. */
#include <k/k.h>
#include <mm0/protocol.h>
#include <fs0/protocol.h>
#include "mmserve.h"
#include "pagecache.h"

static int make(unsigned k)
{
    k_ipc_buffer()->receive_cnode = 0;   /* no cap comes with the answer */
    k_word_t m0 = k, m1 = 0, m2 = 0, m3 = 0;
    k_call(MM0_SLOT_SERVICE, k_msginfo_new(MM0_FS0_CACHE, 0, 0, 1), &m0, &m1, &m2, &m3);
    return (int)(int64_t)m0;
}

static void *addr(unsigned k) { return (void *)FS0_CACHE_AT(k); }

void cachemap_init(void)
{
    static const struct pc_env env = {FS0_CACHE_PAGES, make, addr, fs0_drain_events};
    pc_init(&env);
}

void cachemap_trim(void)
{
    k_ipc_buffer()->receive_cnode = 0;
    k_word_t m0 = 0, m1 = 0, m2 = 0, m3 = 0;
    k_call(MM0_SLOT_SERVICE, k_msginfo_new(MM0_FS0_TRIM, 0, 0, 0), &m0, &m1, &m2, &m3);
    fs0_drain_events();   /* the puts it queued: files with no name left go now */
}
