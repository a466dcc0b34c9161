/* servers/blk: a virtio-blk driver over virtio-mmio (virtio 1.1, modern interface
 * only), as its own task. Root (servers/root/blk.c) found the device in the device
 * tree, checked it is a block device, and gave us only: the register page, an
 * IRQHandler with a notification, one frame for the virtqueue and request headers,
 * our CNode and VSpace (to take in and map clients' buffers) and the endpoint on which
 * clients call (docs/blk.md). One request is in flight at a time; its completion
 * comes by interrupt. In RAM mode (machines without virtio: struct blk_boot says so)
 * the disk is the initrd root mapped at BLK_RAMDISK_VA, served by copying, behind the
 * same protocol. */
#include <k/k.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "blk_proto.h"
#include "virtio.h"

#define PAGE 4096ul
#define REG(off) (*(volatile uint32_t *)(BLK_DEVICE_VA + (off)))
#define fence() __asm__ __volatile__("fence rw, rw" ::: "memory")

/* The queue frame's layout: the three parts of the split virtqueue at the alignments
 * 2.6 asks (16, 2, 4), then the request header and status byte. */
#define Q_DESC   0
#define Q_AVAIL  256
#define Q_USED   512
#define Q_HDR    1024
#define Q_STATUS 1088

static struct virtq_desc *const desc = (void *)(BLK_QUEUE_VA + Q_DESC);
static struct virtq_avail *const avail = (void *)(BLK_QUEUE_VA + Q_AVAIL);
static volatile struct virtq_used *const used = (void *)(BLK_QUEUE_VA + Q_USED);
static struct virtio_blk_req_hdr *const hdr = (void *)(BLK_QUEUE_VA + Q_HDR);
static volatile uint8_t *const status_byte = (void *)(BLK_QUEUE_VA + Q_STATUS);

static k_word_t queue_pa;
static uint16_t used_seen;           /* used->idx we have consumed up to */
static uint64_t capacity;            /* sectors of 512 bytes */
static uint32_t block_size = 512;
static bool read_only, can_flush;
static const struct blk_boot *const boot = (const struct blk_boot *)BLK_BOOT_VA;
static bool ram;                     /* RAM mode: the initrd at BLK_RAMDISK_VA */

static struct {
    bool registered;
    k_word_t pa;                     /* the buffer's physical address, for DMA */
} clients[BLK_MAX_CLIENTS + 1];

static uint64_t features(unsigned word)
{
    REG(VIRTIO_MMIO_DEVICE_FEATURES_SEL) = word;
    return REG(VIRTIO_MMIO_DEVICE_FEATURES);
}

/* 3.1.1 Driver Requirements: Device Initialization, with 4.2.3 for virtio-mmio. */
static int device_init(void)
{
    if (REG(VIRTIO_MMIO_MAGIC) != VIRTIO_MMIO_MAGIC_VALUE || REG(VIRTIO_MMIO_VERSION) != 2 ||
        REG(VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_BLOCK) {
        printf("blk: no virtio-blk device (modern) at the register page\n");
        return -1;
    }
    REG(VIRTIO_MMIO_STATUS) = 0;   /* reset */
    REG(VIRTIO_MMIO_STATUS) = VIRTIO_STATUS_ACKNOWLEDGE;
    REG(VIRTIO_MMIO_STATUS) = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;

    /* 2.2 Feature Bits: we take VERSION_1 (required: no legacy interface here), and
     * RO, BLK_SIZE and FLUSH if offered; nothing else. */
    uint64_t offered = features(0) | features(1) << 32;
    if (!(offered & (1ull << VIRTIO_F_VERSION_1))) {
        printf("blk: the device does not offer VIRTIO_F_VERSION_1\n");
        REG(VIRTIO_MMIO_STATUS) = VIRTIO_STATUS_FAILED;
        return -1;
    }
    uint64_t want = offered & (1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_BLK_F_RO |
                               1ull << VIRTIO_BLK_F_BLK_SIZE | 1ull << VIRTIO_BLK_F_FLUSH);
    REG(VIRTIO_MMIO_DRIVER_FEATURES_SEL) = 0;
    REG(VIRTIO_MMIO_DRIVER_FEATURES) = (uint32_t)want;
    REG(VIRTIO_MMIO_DRIVER_FEATURES_SEL) = 1;
    REG(VIRTIO_MMIO_DRIVER_FEATURES) = (uint32_t)(want >> 32);
    REG(VIRTIO_MMIO_STATUS) = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
    if (!(REG(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
        printf("blk: the device refused our features\n");
        REG(VIRTIO_MMIO_STATUS) = VIRTIO_STATUS_FAILED;
        return -1;
    }
    read_only = want & (1ull << VIRTIO_BLK_F_RO);
    can_flush = want & (1ull << VIRTIO_BLK_F_FLUSH);

    /* 4.2.3.2 Virtqueue Configuration: queue 0, VIRTQ_SIZE entries, in our frame. */
    memset((void *)BLK_QUEUE_VA, 0, PAGE);
    REG(VIRTIO_MMIO_QUEUE_SEL) = 0;
    if (REG(VIRTIO_MMIO_QUEUE_READY) != 0 || REG(VIRTIO_MMIO_QUEUE_NUM_MAX) < VIRTQ_SIZE) {
        printf("blk: queue 0 is in use or too small\n");
        REG(VIRTIO_MMIO_STATUS) = VIRTIO_STATUS_FAILED;
        return -1;
    }
    REG(VIRTIO_MMIO_QUEUE_NUM) = VIRTQ_SIZE;
    REG(VIRTIO_MMIO_QUEUE_DESC_LOW) = (uint32_t)(queue_pa + Q_DESC);
    REG(VIRTIO_MMIO_QUEUE_DESC_HIGH) = (uint32_t)((queue_pa + Q_DESC) >> 32);
    REG(VIRTIO_MMIO_QUEUE_DRIVER_LOW) = (uint32_t)(queue_pa + Q_AVAIL);
    REG(VIRTIO_MMIO_QUEUE_DRIVER_HIGH) = (uint32_t)((queue_pa + Q_AVAIL) >> 32);
    REG(VIRTIO_MMIO_QUEUE_DEVICE_LOW) = (uint32_t)(queue_pa + Q_USED);
    REG(VIRTIO_MMIO_QUEUE_DEVICE_HIGH) = (uint32_t)((queue_pa + Q_USED) >> 32);
    REG(VIRTIO_MMIO_QUEUE_READY) = 1;

    /* 5.2.4: the capacity, read until the configuration generation is stable (4.2.2). */
    uint32_t gen;
    do {
        gen = REG(VIRTIO_MMIO_CONFIG_GENERATION);
        capacity = REG(VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY) |
                   (uint64_t)REG(VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY + 4) << 32;
        if (want & (1ull << VIRTIO_BLK_F_BLK_SIZE))
            block_size = REG(VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_BLK_SIZE);
    } while (gen != REG(VIRTIO_MMIO_CONFIG_GENERATION));

    REG(VIRTIO_MMIO_STATUS) = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                              VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK;
    return 0;
}

/* One request (5.2.6): header, data (count sectors at data_pa, none for a flush),
 * status; put on the available ring (2.6.13), notified, and waited for by interrupt. */
static int do_request(uint32_t type, uint64_t sector, k_word_t data_pa, k_word_t count)
{
    hdr->type = type;
    hdr->reserved = 0;
    hdr->sector = type == VIRTIO_BLK_T_FLUSH ? 0 : sector;
    *status_byte = 0xff;   /* anything but OK: a device that writes nothing fails */
    unsigned n = 0;
    desc[n] = (struct virtq_desc){queue_pa + Q_HDR, sizeof *hdr, VIRTQ_DESC_F_NEXT, 1};
    n++;
    if (count) {
        desc[n] = (struct virtq_desc){data_pa, (uint32_t)(count * BLK_SECTOR),
                                      VIRTQ_DESC_F_NEXT | (type == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0),
                                      (uint16_t)(n + 1)};
        n++;
    }
    desc[n] = (struct virtq_desc){queue_pa + Q_STATUS, 1, VIRTQ_DESC_F_WRITE, 0};

    avail->ring[avail->idx % VIRTQ_SIZE] = 0;   /* the chain's head */
    fence();                                    /* descriptors before the index */
    avail->idx++;
    fence();                                    /* the index before the notify */
    REG(VIRTIO_MMIO_QUEUE_NOTIFY) = 0;

    while (used->idx == used_seen) {
        k_wait(BLK_CAP_NTFN);
        /* 4.2.2: acknowledge what InterruptStatus says, then let the IRQ in again. */
        uint32_t why = REG(VIRTIO_MMIO_INTERRUPT_STATUS);
        REG(VIRTIO_MMIO_INTERRUPT_ACK) = why;
        k_irq_handler_ack(BLK_CAP_IRQ);
        fence();
    }
    /* One chain is in flight, headed by descriptor 0: a device that says it used
     * another has failed us as surely as a bad status. */
    uint32_t id = used->ring[used_seen % VIRTQ_SIZE].id;
    used_seen++;
    return id == 0 && *status_byte == VIRTIO_BLK_S_OK ? BLK_OK : BLK_EIO;
}

/* BLK_REGISTER: the granted frame is in BLK_CAP_RECV; keep it as client b's buffer. */
static int do_register(k_word_t b, k_word_t info)
{
    k_cptr_t keep = BLK_CAP_FIRST_BUF + b;
    if (clients[b].registered) return BLK_EEXIST;
    if (k_msginfo_extra_caps(info) != 1 || k_msginfo_caps_unwrapped(info) != 0) return BLK_EBADF;
    if (k_cnode_move(BLK_CAP_CNODE, keep, 64, BLK_CAP_CNODE, BLK_CAP_RECV, 64) != K_NO_ERROR)
        return BLK_EBADF;
    /* Only a frame will do. Invoking what we were given is not safe as such: an
     * endpoint's "invocation" is a Call to whoever holds its other end, which could
     * block us for good. A copy without the Write right cannot send (InvalidCapability
     * comes back at once), while GetAddress on a frame needs no rights; so the test is
     * made on such a copy. The mapping then needs Read and Write. */
    k_word_t pa;
    bool frame = k_cnode_copy(BLK_CAP_CNODE, BLK_CAP_PROBE, 64, BLK_CAP_CNODE, keep, 64, K_CAP_RIGHT_READ) ==
                     K_NO_ERROR &&
                 k_riscv_page_get_address(BLK_CAP_PROBE, &pa) == K_NO_ERROR;
    k_cnode_delete(BLK_CAP_CNODE, BLK_CAP_PROBE, 64);
    if (!frame || k_riscv_page_map(keep, BLK_CAP_VSPACE, BLK_BUF_VA + b * PAGE, K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE,
                                   K_RISCV_EXECUTE_NEVER) != K_NO_ERROR) {
        k_cnode_delete(BLK_CAP_CNODE, keep, 64);
        return BLK_EBADF;
    }
    clients[b].registered = true;
    clients[b].pa = pa;
    return BLK_OK;
}

/* READ and WRITE: every check before the device sees anything. */
static int do_rw(k_word_t b, bool write, k_word_t sector, k_word_t count)
{
    if (!clients[b].registered) return BLK_ENOBUFS;
    /* The client may have revoked the frame since (our copy goes with it): then the
     * memory may be someone else's, and the device must not touch it. */
    k_word_t pa;
    if (k_riscv_page_get_address(BLK_CAP_FIRST_BUF + b, &pa) != K_NO_ERROR || pa != clients[b].pa) {
        clients[b].registered = false;
        k_cnode_delete(BLK_CAP_CNODE, BLK_CAP_FIRST_BUF + b, 64);
        return BLK_ENOBUFS;
    }
    if (count == 0 || count > BLK_MAX_COUNT) return BLK_EINVAL;
    if (sector >= capacity || count > capacity - sector) return BLK_ERANGE;
    if (write && read_only) return BLK_EROFS;
    if (ram) {   /* the initrd: copy between it and the client's frame */
        uint8_t *disk = (uint8_t *)BLK_RAMDISK_VA + sector * BLK_SECTOR, *buf = (uint8_t *)(BLK_BUF_VA + b * PAGE);
        if (write) memcpy(disk, buf, count * BLK_SECTOR);
        else memcpy(buf, disk, count * BLK_SECTOR);
        return BLK_OK;
    }
    return do_request(write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, sector, clients[b].pa, count);
}

int main(void)
{
    k_ipc_buffer_set((struct k_ipc_buffer *)BLK_IPC_VA);
    if (boot->magic != BLK_BOOT_MAGIC || boot->mode > BLK_MODE_RAM) {
        printf("blk: no boot page from root\n");
        return 1;
    }
    ram = boot->mode == BLK_MODE_RAM;
    if (ram) {
        capacity = boot->ram_sectors;
        printf("blk: RAM disk ready: the initrd at 0x%lx, %lu sectors\n", (unsigned long)boot->ram_pa,
               (unsigned long)capacity);
    } else {
        if (k_riscv_page_get_address(BLK_CAP_QUEUE, &queue_pa) != K_NO_ERROR) {
            printf("blk: no queue frame\n");
            return 1;
        }
        if (device_init()) return 1;
        printf("blk: virtio-blk ready: %lu sectors, block size %u%s%s\n", (unsigned long)capacity,
               block_size, read_only ? ", read-only" : "", can_flush ? ", flush" : "");
    }

    struct k_ipc_buffer *ipc = k_ipc_buffer();
    k_word_t reply = k_msginfo_new(0, 0, 0, 0), r0 = 0, r1 = 0, r2 = 0, r3 = 0;
    bool first = true;
    for (;;) {
        ipc->receive_cnode = BLK_CAP_CNODE;
        ipc->receive_index = BLK_CAP_RECV;
        ipc->receive_depth = 64;
        k_word_t badge, m0 = r0, m1 = r1, m2 = r2, m3 = r3;
        k_word_t info = first ? k_recv(BLK_CAP_EP, &badge, &m0, &m1, &m2, &m3)
                              : k_reply_recv(BLK_CAP_EP, reply, &badge, &m0, &m1, &m2, &m3);
        first = false;
        k_word_t label = k_msginfo_label(info);
        int err;
        r0 = r1 = r2 = r3 = 0;
        if (badge == 0 || badge > BLK_MAX_CLIENTS) {
            err = BLK_EPERM;
        } else if (label == BLK_REGISTER) {
            err = do_register(badge, info);
        } else if (label == BLK_READ || label == BLK_WRITE) {
            err = do_rw(badge, label == BLK_WRITE, m0, m1);
        } else if (label == BLK_FLUSH) {
            err = can_flush && !ram ? do_request(VIRTIO_BLK_T_FLUSH, 0, 0, 0) : BLK_OK;
        } else if (label == BLK_GET_INFO) {
            err = BLK_OK;
            r0 = capacity;
            r1 = read_only;
            r2 = block_size;
            r3 = BLK_MAX_COUNT;
            ipc->msg[4] = ram ? BLK_MODE_RAM : BLK_MODE_VIRTIO;
        } else {
            err = BLK_ENOSYS;
        }
        /* A frame that came with anything but a good REGISTER is not kept (and the
         * slot must be empty for the next one). */
        k_cnode_delete(BLK_CAP_CNODE, BLK_CAP_RECV, 64);
        reply = k_msginfo_new((k_word_t)err, 0, 0, err == BLK_OK && label == BLK_GET_INFO ? 5 : 0);
    }
}
