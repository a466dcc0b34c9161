/* The request protocol between processes (through libposix's file.c) and fs0, the
 * file server; docs/fs0.md describes it in prose.
 *
 * A request is a Call on the thread's fs0 endpoint (CSpace slot MM0_SLOT_FS0). mm0
 * mints it for thread n with the process's fs0 badge | n << FS0_BADGE_THREAD_SHIFT,
 * so the badge, never the message, names the process whose descriptor table is used
 * and the thread whose memory holds the data. Label = enum fs0_request, arguments in
 * message registers. Data does not travel in the message: path names are in the
 * calling thread's UTCB (its IPC-buffer page, at FS0_UTCB_AREA, past seL4's
 * IPC-buffer struct), whose frame mm0 granted fs0 when the process (thread 0) or the
 * thread (a THREAD event) was made; the message gives only their byte count n
 * (1..FS0_PATH_BYTES, the terminating NULs included). READ and WRITE name a buffer by
 * its address in the caller (MR1) and length (MR2); it must lie inside the calling
 * thread's UTCB area or, for thread 0 only, the process's I/O window (FS0_WINDOW_SIZE
 * bytes at MM0_FS0_WINDOW_VA, a frame mm0 maps there and grants fs0 too), so fs0
 * copies file data once, straight into or out of the caller's memory. The reply has label 0 and MR0 = result (>= 0, or -errno); small data
 * (stat fields, dirents, the cwd) follow from MR1. The message length must be exactly
 * the one a request needs (-EINVAL), an unknown label gets -ENOSYS. */
#pragma once
#include <stdint.h>

enum fs0_request {
    FS0_OPEN = 1,      /* MR0 flags, MR1 mode, MR2 path bytes -> fd */
    FS0_CLOSE = 2,     /* MR0 fd -> 0 */
    FS0_READ = 3,      /* MR0 fd, MR1 buffer address, MR2 len (<= FS0_WINDOW_SIZE) -> count */
    FS0_WRITE = 4,     /* MR0 fd, MR1 buffer address, MR2 len (<= FS0_WINDOW_SIZE) -> count */
    FS0_LSEEK = 5,     /* MR0 fd, MR1 offset (signed), MR2 whence -> new offset */
    FS0_FSTAT = 6,     /* MR0 fd -> 0, MR1.. struct fs0_stat */
    FS0_STAT = 7,      /* MR0 path bytes -> 0, MR1.. struct fs0_stat */
    FS0_MKDIR = 8,     /* MR0 mode, MR1 path bytes -> 0 */
    FS0_RMDIR = 9,     /* MR0 path bytes -> 0 */
    FS0_UNLINK = 10,   /* MR0 path bytes -> 0 */
    FS0_RENAME = 11,   /* MR0 bytes of two paths (old NUL new NUL) -> 0 */
    FS0_GETDENTS = 12, /* MR0 fd, MR1 len (<= FS0_IO_MAX) -> bytes of struct fs0_dirent
                        * records from MR1 (0 at the end) */
    FS0_FTRUNCATE = 13,/* MR0 fd, MR1 length -> 0 */
    FS0_FSYNC = 14,    /* MR0 fd -> 0 */
    FS0_CHDIR = 15,    /* MR0 path bytes -> 0 */
    FS0_GETCWD = 16,   /* -> length with its NUL, the bytes from MR1 */
    FS0_DUP = 17,      /* MR0 fd -> new fd (the lowest free) */
    FS0_DUP2 = 18,     /* MR0 fd, MR1 new fd -> new fd */
    FS0_SYNC = 19,     /* -> 0 */
    FS0_PIPE = 20,     /* -> 0, MR1 read end's fd, MR2 write end's fd */
    FS0_FCNTL = 21,    /* MR0 fd, MR1 cmd, MR2 arg -> as fcntl(2): F_GETFD/F_SETFD
                        * (FD_CLOEXEC), F_GETFL/F_SETFL (O_APPEND, O_NONBLOCK), F_DUPFD,
                        * F_DUPFD_CLOEXEC; -EBADF, -EINVAL (another cmd, a bad arg) */
    FS0_REQUEST_COUNT
};

#define FS0_MSG_WORDS 120
#define FS0_IO_MAX ((FS0_MSG_WORDS - 2) * 8)   /* 944 bytes of getdents records a reply */
/* The caller's UTCB: its IPC-buffer page (MM0_IPC_BUFFER_VA + n pages for thread n)
 * holds seL4's struct k_ipc_buffer in its first 1 KiB; the rest is the area for path
 * names and small buffers (a thread other than 0 moves data only through it). */
#define FS0_UTCB_AREA 1024u
#define FS0_UTCB_AREA_SIZE 3072u
#define FS0_WINDOW_SIZE 4096u                  /* the I/O window: one frame */
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
enum fs0_event {
    FS0_EV_NONE = 0,
    FS0_EV_NEW = 1,    /* MR1 badge, MR2 parent's badge (0: none), MR3 left, MR4 pid,
                        * MR5 parent's pid; extra cap: the process's UTCB frame */
    FS0_EV_EXIT = 2,   /* MR1 badge, MR3 left: fs0 closes its descriptors and deletes
                        * its grants; mm0 frees the frames at fs0's next pull */
    FS0_EV_WINDOW = 3, /* MR1 badge, MR2 page index, MR3 left; extra cap: a frame of
                        * the process's I/O window (right after its NEW) */
    FS0_EV_THREAD = 4, /* MR1 thread's badge, MR2 process's badge, MR3 left, MR4 pid,
                        * MR5 thread number; extra cap: the thread's IPC-buffer frame */
    FS0_EV_THREAD_EXIT = 5, /* MR1 thread's badge, MR2 process's, MR3 left: fs0 drops
                        * its waits and deletes its grant; mm0 frees the frame at the
                        * next pull (every thread's comes before its process's EXIT) */
    FS0_EV_RELEASE = 6,/* MR1 base (a multiple of 64), MR2 mask, MR3 left: mm0 holds
                        * cache frames base + i (bit i set) no more; fs0 writes each back
                        * first if it was asked for with FS0_MMP_WRITE, then may reuse it */
    FS0_EV_FILE_PUT = 7, /* MR1 file id, MR2 references, MR3 left: mm0 drops that many of
                        * the references FS0_MM_FILE / FS0_MM_OPEN gave it (always after
                        * the releases of that file's frames) */
    FS0_EV_EXEC = 8,   /* MR1 badge, MR3 left: the process runs a new program: fs0 closes
                        * its close-on-exec descriptors (queued before it can run) */
};
#define FS0_EV_WORDS 6

/* A thread's badge on the fs0 endpoint: its process's with the thread number here. */
#define FS0_BADGE_THREAD_SHIFT 8
#define FS0_BADGE_THREADS 16
#define FS0_BADGE_THREAD(b) ((unsigned)((b) >> FS0_BADGE_THREAD_SHIFT) & (FS0_BADGE_THREADS - 1))
#define FS0_BADGE_PROC(b) ((b) & ~((k_word_t)(FS0_BADGE_THREADS - 1) << FS0_BADGE_THREAD_SHIFT))

/* fs0's own CSpace, which mm0 builds for it (docs/mm0.md, "fs0's CSpace"): a root
 * CNode of 16 slots whose slot 0 is fs0's thread CNode (so slots 1.. keep their small
 * CPtrs) and slots 1..FS0_GRANT_CNODES CNodes of 128 slots for the granted frames. */
#define FS0_SLOT_VSPACE 11   /* fs0's own VSpace root: it maps granted frames itself */
#define FS0_SLOT_CSPACE 12   /* its CSpace root CNode: receive slots, deleting grants */
#define FS0_GRANT_CNODES 12   /* 1536 slots: 2 per process, 1 per thread past 0 */
#define FS0_GRANT_CNODE_BITS 7
#define FS0_GRANT_SLOTS (FS0_GRANT_CNODES << FS0_GRANT_CNODE_BITS)
/* The CPtr of grant slot s (0 .. FS0_GRANT_SLOTS - 1), from fs0's root at depth 64. */
#define FS0_GRANT_CPTR(s) \
    ((k_word_t)(1 + ((s) >> FS0_GRANT_CNODE_BITS)) << 60 | ((s) & ((1u << FS0_GRANT_CNODE_BITS) - 1)))
/* Where fs0 maps the grants of task index i (a badge's low 8 bits): its UTCB, then
 * its window, in a 2 MiB region whose page tables mm0 made (one leaf table). */
#define FS0_GRANT_VA 0x3f80000000ul
#define FS0_GRANT_PAGES 2
#define FS0_GRANT_AT(i, k) (FS0_GRANT_VA + ((k_word_t)(i) * FS0_GRANT_PAGES + (k)) * 4096ul)
/* A thread's IPC-buffer grant (threads past 0) is mapped by its grant slot s, in the
 * regions right after (FS0_THREAD_REGIONS of 2 MiB, page tables from mm0 too). */
#define FS0_THREAD_VA (FS0_GRANT_VA + 0x200000ul)
#define FS0_THREAD_AT(s) (FS0_THREAD_VA + (k_word_t)(s) * 4096ul)
#define FS0_THREAD_REGIONS ((FS0_GRANT_SLOTS * 4096ul + 0x1ffffful) / 0x200000ul)

/* --- The page cache: mm0's pager thread and fs0 (docs/fs0.md, "The page cache") ---
 *
 * fs0 holds the file pages processes map (mmap of a file, exec from the disk) in cache
 * frames of its own: frame k is made by mm0 on fs0's request (MM0_FS0_CACHE) and mapped
 * read-write in fs0 at FS0_CACHE_AT(k). mm0's pager thread, the only mm0 thread that
 * ever waits for fs0, Calls fs0 with the requests below on a cap badged FS0_BADGE_MM0
 * (task index 0, which names no process); fs0 answers them from that badge only
 * (-ENOSYS from any other). A frame fs0 names in FS0_MM_PAGE's answer is held for mm0
 * (never reused, its contents kept in step with read() and write()) until an
 * FS0_EV_RELEASE event says mm0 let it go. mm0 maps that frame into processes itself
 * (it made it): shared mappings write into fs0's copy of the file. */
#define FS0_BADGE_MM0 0x1000ul
#define FS0_CACHE_VA 0x3f81000000ul      /* above the grant and thread regions */
#define FS0_CACHE_PAGES 2048u            /* 8 MiB: four leaf tables, made by mm0 */
#define FS0_CACHE_AT(k) (FS0_CACHE_VA + (k_word_t)(k) * 4096ul)

enum fs0_mm_request {
    FS0_MM_FILE = 64,  /* MR0 process's fs0 badge, MR1 fd -> MR0 0 or -errno (-EBADF, -ESRCH,
                        * -ENODEV: not a regular file or /dev/zero), MR1 file id, MR2
                        * kind (FS0_MMK_*), MR3 access (O_RDONLY, O_WRONLY or O_RDWR of the
                        * descriptor), MR4 size in bytes (reply length 5). A regular file
                        * gives mm0 one reference (the file stays as if open, unlinked or
                        * not, until FS0_EV_FILE_PUT drops it); /dev/zero gives none */
    FS0_MM_OPEN = 65,  /* MR0 process's fs0 badge, MR1 path bytes n (1..FS0_PATH_MAX, its
                        * NUL included), MR2.. the bytes (2 + ceil(n / 8) words): the
                        * path, relative to that process's cwd, to exec -> as FS0_MM_FILE
                        * (kind REG, access O_RDONLY); -ENOENT, -ENOTDIR, -ENAMETOOLONG,
                        * -EINVAL (not terminated, a NUL inside), -EACCES (not a regular
                        * file, or no execute bit in its mode) */
    FS0_MM_PAGE = 66,  /* MR0 file id, MR1 page index, MR2 flags (FS0_MMP_*) -> MR0 cache
                        * frame k or -errno: -ENXIO (the page starts at or past the end
                        * of the file), -ENOMEM (every frame held), -EIO, -EINVAL (no such
                        * file id, bad flags). The frame holds the file's bytes, zeros
                        * past the end. Asking again for a page mm0 holds gives the same
                        * frame (a hold is a flag, not a count) */
};
enum { FS0_MMK_REG = 1, FS0_MMK_ZERO = 2 };
#define FS0_MMP_WRITE 1ul   /* the page may be written through a shared mapping */
#define FS0_MM_FILE_REPLY 5
