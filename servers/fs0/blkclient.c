/* The disk on servers/blk (docs/fs0.md "The disk", docs/blk.md "The protocol"): the
 * block interface of blkdev.h over IPC to the virtio-blk driver. mm0 put a badged
 * copy of the driver's endpoint and a data frame (mapped at BLK_FS0_BUF_VA) in our
 * CSpace (blk_proto.h); we grant the frame once with BLK_REGISTER, then every READ
 * and WRITE moves at most one frame (8 sectors) through it, and a FLUSH answered 0
 * makes every earlier write durable. Every reply is checked: an error the driver
 * names, a reply that is not the protocol's, a size the driver did not promise. */
#include <stdio.h>
#include <string.h>
#include <k/k.h>
#include "blk_proto.h"
#include "blkdev.h"

static uint8_t *const buf = (uint8_t *)BLK_FS0_BUF_VA;
static uint64_t capacity;
static bool read_only;
static uint32_t max_count;
static bool ram;                     /* the driver serves the initrd (RAM mode) */

static const char *blk_strerror(k_word_t e)
{
    switch (e) {
    case BLK_EIO: return "EIO (the device reported an error)";
    case BLK_EPERM: return "EPERM (the driver does not serve this badge)";
    case BLK_EBADF: return "EBADF (not a frame)";
    case BLK_EEXIST: return "EEXIST (a buffer is registered already)";
    case BLK_EINVAL: return "EINVAL (bad sector count)";
    case BLK_EROFS: return "EROFS (the disk is read-only)";
    case BLK_ERANGE: return "ERANGE (past the end of the disk)";
    case BLK_ENOSYS: return "ENOSYS (unknown request)";
    case BLK_ENOBUFS: return "ENOBUFS (no buffer registered)";
    default: return "an error code outside the protocol";
    }
}

static k_word_t r[5];

static k_word_t call(k_word_t label, k_word_t a, k_word_t b, bool grant)
{
    if (grant) k_ipc_buffer()->caps_or_badges[0] = BLK_FS0_SLOT_BUF;
    r[0] = a, r[1] = b, r[2] = r[3] = r[4] = 0;
    k_word_t info = k_call(BLK_FS0_SLOT_EP, k_msginfo_new(label, 0, grant ? 1 : 0, 2), &r[0], &r[1],
                           &r[2], &r[3]);
    if (k_msginfo_length(info) > 4) r[4] = k_ipc_buffer()->msg[4];
    return k_msginfo_label(info);
}

/* One request of at most max_count sectors; the error said once per failing request. */
static int transfer(k_word_t label, uint64_t sector, uint32_t count)
{
    k_word_t e = call(label, sector, count, false);
    if (e == BLK_OK) return 0;
    printf("fs0: disk: %s of sectors %lu..%lu failed: %s\n", label == BLK_READ ? "read" : "write",
           (unsigned long)sector, (unsigned long)(sector + count - 1), blk_strerror(e));
    return e == BLK_EROFS ? -EXT2_EROFS : -EXT2_EIO;
}

/* libext2 never asks past the end (the file system fits in dev->sectors, checked at
 * mount); a request that would is refused here, before the driver sees it. */
static bool in_range(uint64_t sector, uint32_t count, const char *what)
{
    if (sector <= capacity && count <= capacity - sector) return true;
    printf("fs0: disk: %s of %u sectors at %lu is past the end (%lu sectors); refused\n", what, count,
           (unsigned long)sector, (unsigned long)capacity);
    return false;
}

static int bc_read(void *ctx, uint64_t sector, uint32_t count, void *out)
{
    (void)ctx;
    if (!in_range(sector, count, "read")) return -EXT2_EIO;
    uint8_t *p = out;
    while (count) {
        uint32_t n = count < max_count ? count : max_count;
        int e = transfer(BLK_READ, sector, n);
        if (e) return e;
        memcpy(p, buf, (size_t)n * BLK_SECTOR);
        p += (size_t)n * BLK_SECTOR, sector += n, count -= n;
    }
    return 0;
}

static int bc_write(void *ctx, uint64_t sector, uint32_t count, const void *in)
{
    (void)ctx;
    if (read_only) return -EXT2_EROFS;
    if (!in_range(sector, count, "write")) return -EXT2_EIO;
    const uint8_t *p = in;
    while (count) {
        uint32_t n = count < max_count ? count : max_count;
        memcpy(buf, p, (size_t)n * BLK_SECTOR);
        int e = transfer(BLK_WRITE, sector, n);
        if (e) return e;
        p += (size_t)n * BLK_SECTOR, sector += n, count -= n;
    }
    return 0;
}

static int bc_flush(void *ctx)
{
    (void)ctx;
    k_word_t e = call(BLK_FLUSH, 0, 0, false);
    if (e == BLK_OK) return 0;
    printf("fs0: disk: flush failed: %s\n", blk_strerror(e));
    return -EXT2_EIO;
}

int blkclient_open(blkdev_t *dev)
{
    k_word_t e = call(BLK_GET_INFO, 0, 0, false);
    if (e != BLK_OK) {
        printf("fs0: disk: GET_INFO failed: %s\n", blk_strerror(e));
        return -EXT2_EIO;
    }
    capacity = r[0];
    read_only = r[1] != 0;
    /* The driver's promise must fit our one frame and hold at least a sector. */
    if (r[3] == 0 || r[3] > BLK_MAX_COUNT || capacity == 0 || (r[2] && r[2] % BLK_SECTOR)) {
        printf("fs0: disk: the driver's GET_INFO makes no sense (capacity %lu, block size %lu, "
               "%lu sectors a request); not used\n", (unsigned long)r[0], (unsigned long)r[2],
               (unsigned long)r[3]);
        return -EXT2_EIO;
    }
    max_count = (uint32_t)r[3];
    ram = r[4] == BLK_MODE_RAM;
    if ((e = call(BLK_REGISTER, 0, 0, true)) != BLK_OK) {
        printf("fs0: disk: REGISTER of the data frame failed: %s\n", blk_strerror(e));
        return -EXT2_EIO;
    }
    printf("fs0: disk: %s, %lu sectors (%lu KiB)%s\n", ram ? "the initrd (servers/blk, RAM mode)" : "virtio-blk",
           (unsigned long)capacity,
           (unsigned long)(capacity / 2), read_only ? ", read-only" : "");
    dev->ctx = 0;
    dev->sectors = capacity;
    dev->read = bc_read;
    dev->write = bc_write;
    dev->flush = bc_flush;
    return 0;
}

bool blkclient_read_only(void) { return read_only; }
const char *blkclient_what(void) { return ram ? "the initrd disk" : "the virtio-blk disk"; }
