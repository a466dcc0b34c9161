/* The files the fs suite leaves on its disk (runner.c, t_persist) for the host to read
 * back with debugfs after power-off (disk_fs.py parses this table) and for a second
 * boot of the same image to verify (verify.c). A file's content: zeros up to its
 * last piece's end, each piece `len` bytes of pattern(i, seed) from `off` (i counted
 * from the piece's start). One piece a line, as disk_fs.py reads it. */
#pragma once

struct persist_piece {
    const char *path;
    unsigned long off, len;
    unsigned seed;
};

static const struct persist_piece persist[] = {
    {"/keep/small", 0, 100, 11},
    {"/keep/block", 0, 4096, 12},
    {"/keep/sub/big", 0, 300000, 13},
    {"/keep/sparse", 0, 1000, 14},
    {"/keep/sparse", 200000, 1000, 15},
    {"/keep/renamed", 0, 5000, 16},
    {"/keep/synced", 0, 6000, 17},
    {"/keep/mapped", 0, 10000, 18},
};
#define PERSIST_PIECES (sizeof persist / sizeof persist[0])
/* Names that must not exist afterwards: unlinked, and renamed away. */
#define PERSIST_GONE "/keep/gone"
#define PERSIST_OLD_NAME "/keep/tmpname"   /* written here, renamed to /keep/renamed */
/* Written with another pattern and fsync'ed, then overwritten in place (its inode
 * unchanged) and left to sync(): only a sync that writes every dirty block keeps it. */
#define PERSIST_SYNC_ONLY "/keep/synced"

/* Written by stores through a MAP_SHARED mapping (munmap, then fsync: mmap_tests.c);
 * the host reads it back like the others. */
#define PERSIST_MAPPED "/keep/mapped"

static inline unsigned char persist_pattern(unsigned long i, unsigned seed)
{
    return (unsigned char)(i * 31 + seed + (i >> 9));
}
