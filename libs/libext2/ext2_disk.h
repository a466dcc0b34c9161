/*
 * The ext2 on-disk format: byte offsets of the fields we use, and little-endian
 * accessors. Fields are read and written by offset (never through packed structs) so
 * the code is independent of the host's endianness and alignment, and fields we do
 * not know are preserved as they are.
 *
 * Source: Dave Poirier, "The Second Extended File System: Internal Layout"
 * (https://www.nongnu.org/ext2-doc/ext2.html), sections Superblock, Block Group
 * Descriptor Table, Inode Table, Directories; see docs/ext2.md.
 */
#ifndef LIBEXT2_EXT2_DISK_H
#define LIBEXT2_EXT2_DISK_H

#include <stdint.h>

static inline uint16_t le16_get(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t le32_get(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}
static inline void le16_put(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void le32_put(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Superblock: always 1024 bytes at byte offset 1024, whatever the block size. */
#define SB_OFFSET 1024u
#define SB_SIZE 1024u
#define SB_INODES_COUNT 0
#define SB_BLOCKS_COUNT 4
#define SB_R_BLOCKS_COUNT 8
#define SB_FREE_BLOCKS 12
#define SB_FREE_INODES 16
#define SB_FIRST_DATA_BLOCK 20
#define SB_LOG_BLOCK_SIZE 24    /* block size = 1024 << this */
#define SB_BLOCKS_PER_GROUP 32
#define SB_INODES_PER_GROUP 40
#define SB_MTIME 44
#define SB_WTIME 48
#define SB_MNT_COUNT 52         /* u16 */
#define SB_MAGIC 56             /* u16, 0xEF53 */
#define SB_STATE 58             /* u16: 1 clean, 2 errors */
#define SB_REV_LEVEL 76
#define SB_FIRST_INO 84         /* rev 1 */
#define SB_INODE_SIZE 88        /* u16, rev 1 */
#define SB_FEATURE_COMPAT 92
#define SB_FEATURE_INCOMPAT 96
#define SB_FEATURE_RO_COMPAT 100
#define SB_RESERVED_GDT 206     /* u16, with resize_inode */

#define EXT2_MAGIC 0xEF53u
#define EXT2_STATE_VALID 0x1u
#define EXT2_STATE_ERROR 0x2u
#define EXT2_GOOD_OLD_REV 0u
#define EXT2_DYNAMIC_REV 1u
#define EXT2_GOOD_OLD_INODE_SIZE 128u
#define EXT2_GOOD_OLD_FIRST_INO 11u

/* Features. compat ones are safe to ignore (resize_inode tells where its reserved GDT
 * blocks are); we know these incompat and ro_compat ones. */
#define EXT2_COMPAT_RESIZE_INODE 0x0010u
#define EXT2_INCOMPAT_FILETYPE 0x0002u
#define EXT2_INCOMPAT_KNOWN EXT2_INCOMPAT_FILETYPE
#define EXT2_RO_COMPAT_SPARSE_SUPER 0x0001u
#define EXT2_RO_COMPAT_LARGE_FILE 0x0002u
#define EXT2_RO_COMPAT_KNOWN (EXT2_RO_COMPAT_SPARSE_SUPER | EXT2_RO_COMPAT_LARGE_FILE)

/* Group descriptor: 32 bytes each, in the blocks after the superblock's block. */
#define GD_SIZE 32u
#define GD_BLOCK_BITMAP 0
#define GD_INODE_BITMAP 4
#define GD_INODE_TABLE 8
#define GD_FREE_BLOCKS 12       /* u16 */
#define GD_FREE_INODES 14       /* u16 */
#define GD_USED_DIRS 16         /* u16 */

/* Inode: the first 128 bytes; larger inodes carry i_extra_isize at 128. */
#define IN_MODE 0               /* u16 */
#define IN_UID 2                /* u16, high half at IN_UID_HIGH */
#define IN_SIZE 4
#define IN_ATIME 8
#define IN_CTIME 12
#define IN_MTIME 16
#define IN_DTIME 20
#define IN_GID 24               /* u16 */
#define IN_LINKS 26             /* u16 */
#define IN_BLOCKS 28            /* 512-byte units */
#define IN_FLAGS 32
#define IN_BLOCK 40             /* 15 x u32 */
#define IN_FILE_ACL 104
#define IN_SIZE_HIGH 108        /* regular files, rev 1 (i_dir_acl for directories) */
#define IN_UID_HIGH 120         /* u16 */
#define IN_GID_HIGH 122         /* u16 */
#define IN_EXTRA_ISIZE 128      /* u16, only when the inode is larger than 128 bytes */
#define IN_EXTRA_ISIZE_DEFAULT 32u  /* what mke2fs and Linux put in new large inodes */

#define EXT2_NDIR_BLOCKS 12u
#define EXT2_IND_BLOCK 12u
#define EXT2_DIND_BLOCK 13u
#define EXT2_TIND_BLOCK 14u
#define EXT2_N_BLOCKS 15u

#define EXT2_INDEX_FL 0x1000u   /* hashed directory (dir_index); we keep it linear */
#define EXT2_LINK_MAX 32000u

/* Directory entry: inode u32, rec_len u16, name_len u8, file_type u8 (filetype
 * feature; without it name_len is a u16), then the name, padded to 4 bytes. */
#define DE_INODE 0
#define DE_REC_LEN 4
#define DE_NAME_LEN 6
#define DE_FILE_TYPE 7
#define DE_NAME 8
#define DE_HEADER 8u
static inline uint32_t de_size(uint32_t name_len) { return (DE_HEADER + name_len + 3u) & ~3u; }

/* Extended attribute block header (ext_attr compat feature): magic and refcount. */
#define EA_MAGIC 0xEA020000u
#define EA_H_MAGIC 0
#define EA_H_REFCOUNT 4

#endif
