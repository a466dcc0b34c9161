/* fs0, the file server (docs/fs0.md). mm0 runs it as a process from the boot archive
 * with a receive endpoint in slot MM0_SLOT_FS0 and a bound notification mm0 signals
 * when it queues task events. fs0 mounts /, /dev and /tmp, then serves for ever. It
 * calls mm0 like any process (memory, the console) but mm0 never waits for it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <k/k.h>
#include <mm0/protocol.h>
#include <fs0/protocol.h>
#include "fdtable.h"
#include "grant.h"
#include "service.h"
#include "blkdev.h"
#include "wait.h"
#include "mmserve.h"
#include "pagecache.h"

/* Apply every event mm0 has queued, in order. A NEW or WINDOW reply carries a
 * frame cap, received into the grant slot named before the call. Also called while a
 * request of mm0's pager is served (mmserve.c, pagecache.c: releases free frames). */
void fs0_drain_events(void)
{
    struct k_ipc_buffer *ipc = k_ipc_buffer();
    for (;;) {
        int slot = grant_free_slot();
        ipc->receive_cnode = slot >= 0 ? FS0_SLOT_CSPACE : 0;
        ipc->receive_index = slot >= 0 ? FS0_GRANT_CPTR(slot) : 0;
        ipc->receive_depth = 64;
        k_word_t m0 = 0, m1 = 0, m2 = 0, m3 = 0;
        k_word_t info = k_call(MM0_SLOT_SERVICE, k_msginfo_new(MM0_FS0_EVENT, 0, 0, 0), &m0, &m1,
                               &m2, &m3);
        bool cap = slot >= 0 && k_msginfo_extra_caps(info) == 1 &&
                   !(k_msginfo_caps_unwrapped(info) & 1);
        if (m0 == FS0_EV_NEW) {
            proc_new(m1, m2);
            if (cap) grant_take(m1, 0, slot);
        } else if (m0 == FS0_EV_WINDOW) {
            if (cap) grant_take(m1, 1 + (unsigned)(m2 < FS0_GRANT_PAGES ? m2 : FS0_GRANT_PAGES), slot);
        } else if (m0 == FS0_EV_EXIT) {
            proc_exit(m1);
            grant_drop(m1);
        } else if (m0 == FS0_EV_THREAD) {
            if (cap) grant_thread_take(m1, slot);
        } else if (m0 == FS0_EV_THREAD_EXIT) {
            wait_drop_caller(m1);
            grant_thread_drop(m1);
        } else if (m0 == FS0_EV_EXEC) {
            proc_exec(m1);
            if (cap) grant_take(0, 0, slot);
        } else if (m0 == FS0_EV_RELEASE) {
            if (pc_release(m1, m2)) printf("fs0: RELEASE of frames %lu.. refused\n", (unsigned long)m1);
            if (cap) grant_take(0, 0, slot);
        } else if (m0 == FS0_EV_FILE_PUT) {
            if (pc_file_put(m1, m2))
                printf("fs0: FILE_PUT of id %#lx (%lu) refused\n", (unsigned long)m1, (unsigned long)m2);
            if (cap) grant_take(0, 0, slot);
        } else {
            if (cap) grant_take(0, 0, slot);   /* nothing names it: deleted */
            return;   /* none left, or mm0 refused (-EPERM): nothing to apply */
        }
    }
}

static k_word_t w[FS0_MSG_WORDS], rep[FS0_MSG_WORDS];

/* The disk under /: the virtio-blk disk when mm0 started us with argv[1] "blk" (it
 * then put the driver's endpoint and our data frame in our CSpace, blk_proto.h),
 * else the RAM disk linked into this image (docs/fs0.md "The disk"). */
static const struct vfs_ops *mount_root(int argc, char **argv)
{
    blkdev_t dev;
    if (argc > 1 && !strcmp(argv[1], "blk")) {
        if (blkclient_open(&dev)) {
            printf("fs0: the block driver's disk is unusable; / is not served\n");
            return NULL;
        }
        return ext2fs_mount(&dev, blkclient_what(), blkclient_read_only());
    }
    if (ramdisk_open(&dev)) {
        printf("fs0: the RAM disk is empty; / is not served\n");
        return NULL;
    }
    return ext2fs_mount(&dev, "the RAM disk", false);
}

int main(int argc, char **argv)
{
    grant_init();
    cachemap_init();
    vfs_mounts[MNT_ROOT] = mount_root(argc, argv);
    vfs_mounts[MNT_DEV] = devfs_mount();
    vfs_mounts[MNT_TMP] = tmpfs_mount();
    vfs_mounts[MNT_PIPE] = pipefs_mount();
    printf("fs0: serving / (%s), /dev, /tmp\n", vfs_mounts[MNT_ROOT] ? "ext2" : "not mounted");
    fflush(stdout);
    struct k_ipc_buffer *ipc = k_ipc_buffer();
    k_word_t badge;
    k_word_t info = k_recv(MM0_SLOT_FS0, &badge, &w[0], &w[1], &w[2], &w[3]);
    for (;;) {
        unsigned len = (unsigned)k_msginfo_length(info);
        if (badge == FS0_EVENT_BADGE) {   /* the notification: no caller to answer */
            fs0_drain_events();
            info = k_recv(MM0_SLOT_FS0, &badge, &w[0], &w[1], &w[2], &w[3]);
            continue;
        }
        for (unsigned i = 4; i < len && i < FS0_MSG_WORDS; i++) w[i] = ipc->msg[i];
        unsigned n = 1;
        if (badge == FS0_BADGE_MM0) {   /* mm0's pager: the FS0_MM_* requests, no process */
            n = mm_serve(k_msginfo_label(info), w, len, rep);
        } else {
            struct proc *p = proc_find(badge);
            if (!p) {   /* its NEW event may still be queued */
                fs0_drain_events();
                p = proc_find(badge);
            }
            if (!p) rep[0] = (k_word_t)-ESRCH;
            else n = fs0_serve(p, badge, k_msginfo_label(info), w, len, rep);
        }
        if (n == 0) {   /* the answer waits (wait.c): the caller's reply is saved */
            info = k_recv(MM0_SLOT_FS0, &badge, &w[0], &w[1], &w[2], &w[3]);
            continue;
        }
        for (unsigned i = 4; i < n; i++) ipc->msg[i] = rep[i];
        info = k_reply_recv(MM0_SLOT_FS0, k_msginfo_new(0, 0, 0, n), &badge, &rep[0], &rep[1],
                            &rep[2], &rep[3]);
        memcpy(w, rep, 4 * sizeof w[0]);
    }
}
