/* The block protocol of servers/blk (docs/blk.md): what a client sends on its badged
 * endpoint, what the driver answers, and the driver's CSpace and address space, which
 * root (servers/root/blk.c) builds. Shared by root, the driver and its clients. */
#pragma once
#include <k/abi.h>

/* Requests: the message label; MR0/MR1 as listed. Data moves through the one frame
 * the client granted with BLK_REGISTER (the device reads and writes it directly). */
enum {
    BLK_REGISTER = 1,   /* extra cap: a 4 KiB frame, the client's data buffer */
    BLK_READ = 2,       /* MR0 sector, MR1 count: sectors into the buffer */
    BLK_WRITE = 3,      /* MR0 sector, MR1 count: the buffer onto the sectors */
    BLK_FLUSH = 4,      /* make written sectors durable */
    BLK_GET_INFO = 5,   /* reply MR0 capacity (sectors), MR1 read-only, MR2 block size,
                           MR3 most sectors per request, MR4 the disk's kind (BLK_MODE_*) */
};

/* Replies: label 0 on success, else one of these (errno numbers). */
enum {
    BLK_OK = 0,
    BLK_EIO = 5,        /* the device reported an error (status != OK) */
    BLK_EBADF = 9,      /* BLK_REGISTER without a usable frame capability */
    BLK_EPERM = 1,      /* a badge the driver does not serve */
    BLK_EEXIST = 17,    /* a buffer is registered already */
    BLK_EINVAL = 22,    /* count 0 or more than fits the buffer */
    BLK_EROFS = 30,     /* a write to a read-only disk */
    BLK_ERANGE = 34,    /* sectors past the end of the disk */
    BLK_ENOSYS = 38,    /* an unknown label */
    BLK_ENOBUFS = 105,  /* READ or WRITE before BLK_REGISTER */
};

#define BLK_SECTOR 512ul
#define BLK_BUFFER_SIZE 4096ul                      /* one page per client */
#define BLK_MAX_COUNT (BLK_BUFFER_SIZE / BLK_SECTOR)
#define BLK_MAX_CLIENTS 4                           /* badges 1..BLK_MAX_CLIENTS */

/* The driver's CSpace: one CNode, guarded to 64 bits. */
#define BLK_CNODE_BITS 5
enum {
    BLK_CAP_CNODE = 1,      /* its own CNode (receive slots for granted frames) */
    BLK_CAP_VSPACE = 2,     /* to map clients' frames */
    BLK_CAP_DEVICE = 3,     /* the virtio-mmio register page (device untyped) */
    BLK_CAP_IRQ = 4,        /* IRQHandler of the device's interrupt */
    BLK_CAP_NTFN = 5,       /* bound to the IRQHandler */
    BLK_CAP_EP = 6,         /* clients' requests arrive here */
    BLK_CAP_QUEUE = 7,      /* the frame of the virtqueue and request headers */
    BLK_CAP_RECV = 8,       /* where a granted frame arrives */
    BLK_CAP_FAULT_EP = 9,   /* root's: the driver's faults (never used by the driver) */
    BLK_CAP_PROBE = 10,     /* a read-only copy of a granted capability, to test it */
    BLK_CAP_FIRST_BUF = 16, /* client b's buffer frame at BLK_CAP_FIRST_BUF + b */
};

/* The driver's address space (linked at 0x10000 like every program). */
#define BLK_IPC_VA    0x3ffff000ul
#define BLK_DEVICE_VA 0x40000000ul
#define BLK_QUEUE_VA  0x40001000ul
#define BLK_BUF_VA    0x40010000ul   /* client b's buffer at BLK_BUF_VA + b * 4 KiB */
#define BLK_BOOT_VA   0x40002000ul   /* struct blk_boot, read-only, from root */
#define BLK_RAMDISK_VA 0x80000000ul  /* RAM mode: the initrd's pages, in order */

/* What root tells the driver: which disk it drives. Virtio mode: the register page,
 * IRQ and queue frame of the table in docs/blk.md. RAM mode (no virtio-blk device, an
 * initrd in /chosen): none of those, the initrd's frames mapped at BLK_RAMDISK_VA. */
#define BLK_BOOT_MAGIC 0x626c6b626f6f7431ul   /* "blkboot1" */
enum { BLK_MODE_VIRTIO = 0, BLK_MODE_RAM = 1 };
struct blk_boot {
    k_word_t magic;
    k_word_t mode;            /* BLK_MODE_* */
    k_word_t ram_sectors;     /* RAM mode: the disk's size (the initrd's, whole sectors) */
    k_word_t ram_pa;          /* RAM mode: its physical address (for the log) */
};

/* fs0 as the driver's client (docs/fs0.md, "The disk"): root mints a copy of the
 * clients' endpoint with badge BLK_BADGE_FS0 into mm0's boot slot MM0_CAP_BLK_EP (only
 * when the archive holds fs0); mm0 moves it (keeping nothing) into fs0's CSpace, maps
 * a fresh frame at BLK_FS0_BUF_VA in fs0's address space, puts that frame's capability
 * beside it, and starts fs0 with argv[1] = "blk". fs0 grants the frame once with
 * BLK_REGISTER; after that no capability moves. Slots 9 and 10 of fs0's thread CNode
 * (2^4 slots), clear of every process's 1-4 and fs0's own 11-15 (fs0/protocol.h). */
#define BLK_BADGE_FS0      2
#define BLK_FS0_SLOT_EP    9              /* badged endpoint: Write, Grant, GrantReply */
#define BLK_FS0_SLOT_BUF   10             /* the data frame, mapped at BLK_FS0_BUF_VA */
#define BLK_FS0_BUF_VA     0x3fffd00000ul /* above every VMA (MM0_USER_VA_END), below the IPC buffers */
