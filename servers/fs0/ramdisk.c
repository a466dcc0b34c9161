/* The RAM disk: the build's ext2 image (mke2fs -d of a staged tree, checked with
 * e2fsck -fn) linked into fs0's writable data (disk.S). mm0 pages it in from the boot
 * archive as fs0 touches it; writes go to fs0's private copies of those pages, so
 * they last until power-off. */
#include <string.h>
#include "blkdev.h"

extern char fs0_disk[], fs0_disk_end[];

static int in_range(uint64_t sector, uint32_t count)
{
    uint64_t sectors = (uint64_t)(fs0_disk_end - fs0_disk) / EXT2_SECTOR_SIZE;
    return sector <= sectors && count <= sectors - sector;
}

static int rd_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
    (void)ctx;
    if (!in_range(sector, count)) return -EXT2_EIO;
    memcpy(buf, fs0_disk + sector * EXT2_SECTOR_SIZE, (size_t)count * EXT2_SECTOR_SIZE);
    return 0;
}

static int rd_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
    (void)ctx;
    if (!in_range(sector, count)) return -EXT2_EIO;
    memcpy(fs0_disk + sector * EXT2_SECTOR_SIZE, buf, (size_t)count * EXT2_SECTOR_SIZE);
    return 0;
}

static int rd_flush(void *ctx)
{
    (void)ctx;
    return 0;   /* memory: every write is as durable as it will ever be */
}

int ramdisk_open(blkdev_t *dev)
{
    dev->ctx = 0;
    dev->sectors = (uint64_t)(fs0_disk_end - fs0_disk) / EXT2_SECTOR_SIZE;
    dev->read = rd_read;
    dev->write = rd_write;
    dev->flush = rd_flush;
    return dev->sectors ? 0 : -EXT2_EIO;
}
