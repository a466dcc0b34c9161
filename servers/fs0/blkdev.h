/* The block device under fs0's ext2 mount (docs/fs0.md, "The block interface"): whole
 * 512-byte sectors, libext2's ext2_dev_t shape. Today the RAM disk (ramdisk.c) serves
 * it; servers/blk's IPC client will implement the same four members. */
#pragma once
#include <ext2.h>

typedef ext2_dev_t blkdev_t;

/* The RAM disk: the ext2 image the build linked into fs0 (disk.S). */
int ramdisk_open(blkdev_t *dev);
