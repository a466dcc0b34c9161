/* The block device under fs0's ext2 mount (docs/fs0.md, "The disk"): whole 512-byte
 * sectors, libext2's ext2_dev_t shape. Two implement it: the virtio-blk disk through
 * servers/blk (blkclient.c), when mm0 gave us the driver's endpoint, and the RAM disk
 * linked into our image (ramdisk.c) otherwise (machines without virtio). */
#pragma once
#include <stdbool.h>
#include <ext2.h>

typedef ext2_dev_t blkdev_t;

/* The RAM disk: the ext2 image the build linked into fs0 (disk.S). */
int ramdisk_open(blkdev_t *dev);

/* The virtio-blk disk: GET_INFO, then the one REGISTER of our data frame; 0, or
 * -EXT2_EIO after printing why. */
int blkclient_open(blkdev_t *dev);
bool blkclient_read_only(void);   /* the device offered VIRTIO_BLK_F_RO */
const char *blkclient_what(void); /* "the virtio-blk disk" or "the initrd disk" (RAM mode) */
