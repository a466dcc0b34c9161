/* virtio 1.1 (OASIS, 2019) facts the driver needs: the virtio-mmio registers (4.2.2),
 * the device status bits (2.1), the feature bits used (2.2, 5.2.3, 6), a split
 * virtqueue's rings (2.6) and the block device's configuration and requests (5.2). */
#pragma once
#include <stdint.h>

/* 4.2.2 MMIO Device Register Layout: offsets from the device's base. */
#define VIRTIO_MMIO_MAGIC           0x000   /* "virt", 0x74726976 */
#define VIRTIO_MMIO_VERSION         0x004   /* 2 for the modern (1.x) interface */
#define VIRTIO_MMIO_DEVICE_ID       0x008   /* 2 is a block device (5), 0 no device */
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL       0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX   0x034
#define VIRTIO_MMIO_QUEUE_NUM       0x038
#define VIRTIO_MMIO_QUEUE_READY     0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY    0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK   0x064
#define VIRTIO_MMIO_STATUS          0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW  0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW  0x090   /* the available ring */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW  0x0a0   /* the used ring */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG          0x100

#define VIRTIO_MMIO_MAGIC_VALUE 0x74726976u
#define VIRTIO_ID_BLOCK 2

/* 2.1 Device Status Field. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER      2
#define VIRTIO_STATUS_DRIVER_OK   4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED      128

/* Feature bits: 6 (reserved, device-independent) and 5.2.3 (block). */
#define VIRTIO_F_VERSION_1   32
#define VIRTIO_BLK_F_RO       5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH    9

/* 4.2.2: InterruptStatus bit 0, a used buffer notification. */
#define VIRTIO_MMIO_INT_VRING 1

/* 5.2.4 Device configuration layout (offsets into the config space). */
#define VIRTIO_BLK_CFG_CAPACITY 0    /* le64, in 512-byte sectors */
#define VIRTIO_BLK_CFG_BLK_SIZE 20   /* le32, if VIRTIO_BLK_F_BLK_SIZE */

/* 2.6.5 The Virtqueue Descriptor Table. */
struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
#define VIRTQ_DESC_F_NEXT  1
#define VIRTQ_DESC_F_WRITE 2   /* the device writes this buffer */

/* 2.6.6 The Virtqueue Available Ring, 2.6.8 The Virtqueue Used Ring (queue size N). */
#define VIRTQ_SIZE 8
struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[VIRTQ_SIZE];
    uint16_t used_event;
};
struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};
struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[VIRTQ_SIZE];
    uint16_t avail_event;
};

/* 5.2.6 Device Operation: a request is a header, the data, a status byte. */
struct virtio_blk_req_hdr {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};
#define VIRTIO_BLK_T_IN    0
#define VIRTIO_BLK_T_OUT   1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2
