/* The request protocol between processes (through libposix's file.c) and fs0, the
 * file server; docs/fs0.md describes it in prose.
 *
 * A request is a Call on the process's fs0 endpoint (CSpace slot MM0_SLOT_FS0). mm0
 * mints it for every thread with the process's fs0 badge, so the badge, never the
 * message, names the process whose descriptor table is used. Label = enum
 * fs0_request, arguments in message registers; path names travel in the message
 * itself: MR[k] = byte count n (1..FS0_PATH_BYTES, the terminating NULs included),
 * then ceil(n / 8) words of bytes. The reply has label 0 and MR0 = result (>= 0, or
 * -errno); data (read bytes, stat fields, dirents, the cwd) follow from MR1. The
 * message length must be exactly the one a request needs (-EINVAL), an unknown label
 * gets -ENOSYS. */
#pragma once
#include <stdint.h>

enum fs0_request {
    FS0_OPEN = 1,      /* MR0 flags, MR1 mode, MR2.. path -> fd */
    FS0_CLOSE = 2,     /* MR0 fd -> 0 */
    FS0_READ = 3,      /* MR0 fd, MR1 len (<= FS0_IO_MAX) -> count, bytes from MR1 */
    FS0_WRITE = 4,     /* MR0 fd, MR1 len (<= FS0_IO_MAX), MR2.. bytes -> count */
    FS0_LSEEK = 5,     /* MR0 fd, MR1 offset (signed), MR2 whence -> new offset */
    FS0_FSTAT = 6,     /* MR0 fd -> 0, MR1.. struct fs0_stat */
    FS0_STAT = 7,      /* MR0.. path -> 0, MR1.. struct fs0_stat */
    FS0_MKDIR = 8,     /* MR0 mode, MR1.. path -> 0 */
    FS0_RMDIR = 9,     /* MR0.. path -> 0 */
    FS0_UNLINK = 10,   /* MR0.. path -> 0 */
    FS0_RENAME = 11,   /* MR0.. two paths (old NUL new NUL) -> 0 */
    FS0_GETDENTS = 12, /* MR0 fd, MR1 len (<= FS0_IO_MAX) -> bytes of struct fs0_dirent
                        * records from MR1 (0 at the end) */
    FS0_FTRUNCATE = 13,/* MR0 fd, MR1 length -> 0 */
    FS0_FSYNC = 14,    /* MR0 fd -> 0 */
    FS0_CHDIR = 15,    /* MR0.. path -> 0 */
    FS0_GETCWD = 16,   /* -> length with its NUL, the bytes from MR1 */
    FS0_DUP = 17,      /* MR0 fd -> new fd (the lowest free) */
    FS0_DUP2 = 18,     /* MR0 fd, MR1 new fd -> new fd */
    FS0_SYNC = 19,     /* -> 0 */
    FS0_PIPE = 20,     /* -> 0, MR1 read end's fd, MR2 write end's fd */
    FS0_REQUEST_COUNT
};

#define FS0_MSG_WORDS 120
#define FS0_IO_MAX ((FS0_MSG_WORDS - 2) * 8)   /* 944 bytes a read or write */
#define FS0_PATH_BYTES 512                     /* both paths of a rename, NULs included */
#define FS0_PATH_MAX 256                       /* one path with its NUL (ENAMETOOLONG) */
#define FS0_FD_MAX 64                          /* descriptors per process, 0-2 included */
#define FS0_FIRST_FD 3                         /* the first past stdin, stdout, stderr */

/* Not an errno: READ or WRITE on a descriptor open on /dev/console is answered
 * -FS0_ECONSOLE, and the caller talks to the console server itself (its endpoint,
 * slot MM0_SLOT_CONSOLE), so typed input never waits inside fs0. The answer holds until
 * the process changes that descriptor (close, dup2): libposix may cache it. */
#define FS0_ECONSOLE 1000
#define FS0_CONSOLE_INO 4                      /* /dev/console's inode (dev 2) */
#define FS0_PIPE_BUF 4096                      /* a pipe's capacity; smaller writes are whole */

/* fs0's own CSpace (mm0 gives these to fs0 only): its root CNode (guard to 64 bits),
 * a CNode of 2^FS0_REPLY_BITS slots for saved reply capabilities (callers whose
 * answer waits: a read of an empty pipe), and a free slot a reply is moved to before
 * it is used. */
#define FS0_SLOT_WAKE 13
#define FS0_SLOT_SELF 14
#define FS0_SLOT_REPLIES 15
#define FS0_REPLY_BITS 7

/* fstat/stat reply, word by word from MR1. */
struct fs0_stat {
    uint64_t dev;      /* mount: 1 ext2 root, 2 /dev, 3 /tmp */
    uint64_t ino;
    uint64_t mode;     /* S_IF* type and permission bits */
    uint64_t nlink;
    uint64_t size;
    uint64_t blocks;   /* 512-byte units */
    uint64_t mtime;
};
#define FS0_STAT_WORDS 7

/* One getdents record (Linux's dirent64 layout): d_reclen is the whole record,
 * 8-aligned, so the next one starts d_reclen bytes on. */
struct fs0_dirent {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;    /* DT_REG 8, DT_DIR 4, DT_CHR 2 */
    char d_name[];
};

/* mm0 <-> fs0: fs0 pulls task events from mm0 (docs/fs0.md, "Task events"). mm0 signals
 * fs0's bound notification with FS0_EVENT_BADGE when it queues one; fs0 then asks
 * with MM0_FS0_EVENT (mm0/protocol.h) until none is left. */
#define FS0_EVENT_BADGE 1ul
enum fs0_event { FS0_EV_NONE = 0, FS0_EV_NEW = 1, FS0_EV_EXIT = 2 };
