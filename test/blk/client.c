/* The blk suite's client (servers/root/blk.c starts it beside the driver): every
 * request of the block protocol (docs/blk.md) against a disk of known content
 * (servers/include/blktest.h), good and bad; one `ok N - name` line per check. The
 * host checks the image after power-off (test/blk/disk.py). */
#include <k/k.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "blk_proto.h"
#include "blktest.h"

static uint8_t *const buf = (uint8_t *)BLKTEST_BUF_VA;
static unsigned n_checks, n_failed;

static void check(bool ok, const char *name)
{
    n_checks++;
    if (!ok) n_failed++;
    printf("%sok %u - %s\n", ok ? "" : "not ", n_checks, name);
}

static struct { k_word_t err, r0, r1, r2, r3, r4; } last;

/* One request on ep; with cap, that capability goes along (Grant). */
static k_word_t call(k_cptr_t ep, k_word_t label, k_word_t a, k_word_t b, k_cptr_t cap)
{
    if (cap) k_ipc_buffer()->caps_or_badges[0] = cap;
    k_word_t m0 = a, m1 = b, m2 = 0, m3 = 0;
    k_word_t info = k_call(ep, k_msginfo_new(label, 0, cap ? 1 : 0, 2), &m0, &m1, &m2, &m3);
    last.err = k_msginfo_label(info);
    last.r0 = m0, last.r1 = m1, last.r2 = m2, last.r3 = m3;
    last.r4 = k_msginfo_length(info) > 4 ? k_ipc_buffer()->msg[4] : ~0ul;
    return last.err;
}

static k_word_t req(k_word_t label, k_word_t sector, k_word_t count)
{
    return call(BLKTEST_CAP_EP, label, sector, count, 0);
}

static uint8_t original(k_word_t s, unsigned i)
{
    return i < 8 ? (uint8_t)(s >> (8 * i)) : (uint8_t)(s * 13 + i);
}

static uint8_t written(k_word_t s, unsigned i) { return (uint8_t)(s ^ i ^ 0xa5); }

/* The buffer holds sectors first.. (count of them) as the image pattern says. */
static bool holds(k_word_t first, k_word_t count, uint8_t (*pat)(k_word_t, unsigned))
{
    for (k_word_t k = 0; k < count; k++)
        for (unsigned i = 0; i < BLK_SECTOR; i++)
            if (buf[k * BLK_SECTOR + i] != pat(first + k, i)) return false;
    return true;
}

static bool untouched(uint8_t fill)
{
    for (unsigned i = 0; i < BLK_BUFFER_SIZE; i++)
        if (buf[i] != fill) return false;
    return true;
}

static bool read_ok(k_word_t sector, k_word_t count, uint8_t (*pat)(k_word_t, unsigned))
{
    memset(buf, 0x5a, BLK_BUFFER_SIZE);
    return req(BLK_READ, sector, count) == BLK_OK && holds(sector, count, pat);
}

static void write_sectors(k_word_t first, k_word_t count)
{
    for (k_word_t k = 0; k < count; k++)
        for (unsigned i = 0; i < BLK_SECTOR; i++) buf[k * BLK_SECTOR + i] = written(first + k, i);
}

static void done(void)
{
    printf("blktest: %u checks, %u failed\n", n_checks, n_failed);
    /* A Call root never answers: we stay blocked on it for good. */
    k_word_t m0 = n_failed;
    k_call(BLKTEST_CAP_DONE_EP, k_msginfo_new(BLKTEST_DONE, 0, 0, 1), &m0, 0, 0, 0);
}

/* The disk attached read-only (suite blk-ro): reads work, writes are EROFS before the
 * device sees them (test/blk/disk_ro.py checks nothing changed). */
static void read_only_checks(void)
{
    check(last.r0 == BLKTEST_SECTORS && last.r1 == 1, "blk-ro: GET_INFO says read-only");
    check(call(BLKTEST_CAP_EP, BLK_REGISTER, 0, 0, BLKTEST_CAP_BUF) == BLK_OK, "blk-ro: REGISTER of a frame");
    check(read_ok(BLKTEST_WRITE_ONE, 1, original), "blk-ro: READ works");
    write_sectors(BLKTEST_WRITE_ONE, 1);
    check(req(BLK_WRITE, BLKTEST_WRITE_ONE, 1) == BLK_EROFS, "blk-ro: WRITE is EROFS");
    check(req(BLK_WRITE, BLKTEST_SECTORS, 1) == BLK_ERANGE, "blk-ro: WRITE past the end is still ERANGE");
    check(read_ok(BLKTEST_WRITE_ONE, 1, original), "blk-ro: the sector is unchanged");
    check(req(BLK_FLUSH, 0, 0) == BLK_OK, "blk-ro: FLUSH");
    done();
}

int main(void)
{
    const k_word_t last_sector = BLKTEST_SECTORS - 1;
    k_ipc_buffer_set((struct k_ipc_buffer *)BLKTEST_IPC_VA);
    if (req(BLK_GET_INFO, 0, 0) == BLK_OK && last.r1 == 1) {
        read_only_checks();
        return 0;
    }

    check(req(BLK_GET_INFO, 0, 0) == BLK_OK && last.r0 == BLKTEST_SECTORS && last.r1 == 0 &&
              last.r2 == 512 && last.r3 == BLK_MAX_COUNT,
          "blk: GET_INFO: capacity of the image, writable, 512-byte blocks, 8 sectors a request");
    /* RAM mode (sifive_u, the image as the initrd: suite blkram): the same protocol,
     * without the injected device error. */
    bool ram = last.r4 == BLK_MODE_RAM;
    check(last.r4 == (ram ? BLK_MODE_RAM : BLK_MODE_VIRTIO), ram ? "blk: GET_INFO says RAM mode (the initrd)"
                                                               : "blk: GET_INFO says virtio");

    /* Before a buffer: nothing moves. */
    check(req(BLK_READ, 0, 1) == BLK_ENOBUFS, "blk: READ before REGISTER is ENOBUFS");
    check(req(BLK_WRITE, 0, 1) == BLK_ENOBUFS, "blk: WRITE before REGISTER is ENOBUFS");
    check(call(BLKTEST_CAP_EP, BLK_REGISTER, 0, 0, 0) == BLK_EBADF, "blk: REGISTER without a capability is EBADF");
    check(call(BLKTEST_CAP_EP, BLK_REGISTER, 0, 0, BLKTEST_CAP_DONE_EP) == BLK_EBADF,
          "blk: REGISTER of an endpoint (not a frame) is EBADF");
    check(call(BLKTEST_CAP_EP_NO_BADGE, BLK_GET_INFO, 0, 0, 0) == BLK_EPERM,
          "blk: an unbadged endpoint is refused (EPERM)");
    check(call(BLKTEST_CAP_EP, BLK_REGISTER, 0, 0, BLKTEST_CAP_BUF) == BLK_OK, "blk: REGISTER of a frame");
    check(call(BLKTEST_CAP_EP, BLK_REGISTER, 0, 0, BLKTEST_CAP_SPARE) == BLK_EEXIST,
          "blk: a second REGISTER is EEXIST");

    /* Reads against the pattern. */
    check(read_ok(0, 1, original), "blk: READ sector 0");
    check(read_ok(1, 1, original), "blk: READ sector 1");
    check(read_ok(last_sector, 1, original), "blk: READ the last sector");
    check(read_ok(16, 8, original), "blk: READ a 4 KiB run (sectors 16-23)");
    check(read_ok(last_sector - 7, 8, original), "blk: READ the last 4 KiB");

    /* Writes, read back. */
    write_sectors(BLKTEST_WRITE_ONE, 1);
    check(req(BLK_WRITE, BLKTEST_WRITE_ONE, 1) == BLK_OK, "blk: WRITE one sector");
    check(read_ok(BLKTEST_WRITE_ONE, 1, written), "blk: the written sector reads back");
    check(read_ok(BLKTEST_WRITE_ONE - 1, 1, original) && read_ok(BLKTEST_WRITE_ONE + 1, 1, original),
          "blk: its neighbours are unchanged");
    write_sectors(BLKTEST_WRITE_RUN, 8);
    check(req(BLK_WRITE, BLKTEST_WRITE_RUN, 8) == BLK_OK, "blk: WRITE 4 KiB");
    check(read_ok(BLKTEST_WRITE_RUN, 8, written), "blk: the 4 KiB reads back");
    check(req(BLK_FLUSH, 0, 0) == BLK_OK, "blk: FLUSH");

    /* Bad requests: each its error, the buffer untouched (the device never ran). */
    struct { k_word_t label, sector, count, err; const char *name; } bad[] = {
        {BLK_READ, BLKTEST_SECTORS, 1, BLK_ERANGE, "blk: READ at the capacity is ERANGE"},
        {BLK_READ, last_sector, 2, BLK_ERANGE, "blk: READ running past the end is ERANGE"},
        {BLK_READ, ~0ul, 1, BLK_ERANGE, "blk: READ at sector 2^64-1 is ERANGE"},
        {BLK_READ, ~0ul - 2, 8, BLK_ERANGE, "blk: READ whose end wraps around is ERANGE"},
        {BLK_WRITE, BLKTEST_SECTORS, 1, BLK_ERANGE, "blk: WRITE at the capacity is ERANGE"},
        {BLK_READ, 0, 0, BLK_EINVAL, "blk: READ of 0 sectors is EINVAL"},
        {BLK_WRITE, 0, 0, BLK_EINVAL, "blk: WRITE of 0 sectors is EINVAL"},
        {BLK_READ, 0, BLK_MAX_COUNT + 1, BLK_EINVAL, "blk: READ of more than a page is EINVAL"},
        {BLK_READ, 0, ~0ul, BLK_EINVAL, "blk: READ of 2^64-1 sectors is EINVAL"},
        {0, 0, 1, BLK_ENOSYS, "blk: label 0 is ENOSYS"},
        {99, 0, 1, BLK_ENOSYS, "blk: label 99 is ENOSYS"},
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(buf, 0x33, BLK_BUFFER_SIZE);
        check(req(bad[i].label, bad[i].sector, bad[i].count) == bad[i].err && untouched(0x33), bad[i].name);
    }
    /* A device error (status IOERR, injected by the host) is EIO, alone or in a run. */
    if (!ram) {
        check(req(BLK_READ, BLKTEST_BAD_SECTOR, 1) == BLK_EIO, "blk: a read the device fails is EIO");
        check(req(BLK_READ, BLKTEST_BAD_SECTOR - 3, 8) == BLK_EIO, "blk: a run holding that sector is EIO");
        check(read_ok(BLKTEST_BAD_SECTOR + 1, 1, original), "blk: the next sector reads after the EIO");
    } else {
        check(read_ok(BLKTEST_BAD_SECTOR, 1, original), "blk: RAM mode has no device error: sector 1000 reads");
    }

    /* The driver still serves, and a bad WRITE wrote nothing. */
    check(read_ok(0, 8, original), "blk: after the bad requests READ still works");
    check(read_ok(last_sector, 1, original), "blk: the last sector is as it was");

    done();
    return 0;
}
