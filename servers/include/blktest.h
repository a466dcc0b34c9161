/* The blk test client's world (test/blk/client.c), which root builds when the boot
 * archive holds "blktest" (servers/root/blk.c): its CSpace and address space, the
 * disk image it expects (test/blk/disk.py makes and checks it) and how it reports. */
#pragma once

#define BLKTEST_CNODE_BITS 4
enum {
    BLKTEST_CAP_EP = 1,          /* the driver's endpoint, badge 1, with Grant */
    BLKTEST_CAP_EP_NO_BADGE = 2, /* the same endpoint unbadged: the driver must refuse it */
    BLKTEST_CAP_BUF = 3,         /* the data frame, mapped at BLKTEST_BUF_VA */
    BLKTEST_CAP_SPARE = 4,       /* a second frame, for a second REGISTER */
    BLKTEST_CAP_DONE_EP = 5,     /* to root: done, and our faults */
};
#define BLKTEST_IPC_VA 0x3ffff000ul
#define BLKTEST_BUF_VA 0x40000000ul

/* Badges on root's endpoint, and the client's final message. */
#define BLKTEST_BADGE_DRIVER 1
#define BLKTEST_BADGE_CLIENT 2
#define BLKTEST_DONE 0x200

/* The disk image: BLKTEST_SECTORS sectors; sector s holds s as a little-endian u64,
 * then bytes (s * 13 + i) & 0xff at offsets i >= 8. The client writes sector
 * BLKTEST_WRITE_ONE and the run BLKTEST_WRITE_RUN.. (8 sectors) with byte
 * (s ^ i ^ 0xa5) & 0xff, which disk.py checks after power-off. Reading sector
 * BLKTEST_BAD_SECTOR fails in the device (QEMU's blkdebug), which must become EIO. */
#define BLKTEST_SECTORS 2048
#define BLKTEST_WRITE_ONE 100
#define BLKTEST_WRITE_RUN 200
#define BLKTEST_BAD_SECTOR 1000   /* the host makes the device fail reads here */
