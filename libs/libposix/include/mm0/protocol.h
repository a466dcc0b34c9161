/* The request protocol between processes (through libposix) and mm0, and the fixed
 * layout mm0 gives every process. docs/mm0.md describes it in prose.
 *
 * A request is a Call on the process's service endpoint (CSpace slot
 * MM0_SLOT_SERVICE, badged by mm0 per thread: the badge, never the message, names
 * the sender). Label = enum mm0_request, arguments in message registers. The reply
 * has label 0 and MR0 = the result: >= 0 on success, -errno on failure; some
 * requests return more in MR1. Capabilities sent with a request are ignored (mm0
 * receives with no receive slot). */
#pragma once

enum mm0_request {
    MM0_WRITE = 1,     /* MR0 fd, MR1 len, MR2.. bytes (len <= MM0_WRITE_MAX) -> bytes written */
    MM0_READ = 2,      /* MR0 fd, MR1 len -> bytes read (into MR1..; 0 = end of file) */
    MM0_EXIT = 3,      /* MR0 status: no reply; the whole process ends */
    MM0_FORK = 4,      /* MR0 pc, MR1 sp, MR2 a0, MR3 gp, MR4 tp of the child's first
                        * instruction -> child pid (the child starts there, not here) */
    MM0_EXEC = 5,      /* MR0 block address, MR1 block length, MR2 argc, MR3 envc: the
                        * block holds path, argv[0..argc), envp[0..envc) as consecutive
                        * NUL-terminated strings -> no reply on success, -errno else */
    MM0_WAIT = 6,      /* MR0 pid (-1 any child), MR1 options (WNOHANG) -> pid (0 if WNOHANG
                        * and none has exited), MR1 wait status */
    MM0_GETPID = 7,    /* -> pid */
    MM0_GETPPID = 8,   /* -> parent's pid */
    MM0_KILL = 9,      /* MR0 pid, MR1 signal -> 0 (only the caller or its descendants) */
    MM0_SBRK = 10,     /* MR0 increment (signed) -> old break */
    MM0_MMAP = 11,     /* MR0 addr hint, MR1 len, MR2 prot, MR3 flags -> address; a file
                        * mapping (no MAP_ANONYMOUS) has 6 words: MR4 fd, MR5 offset
                        * (page-aligned). mm0 asks fs0 what the descriptor is (its pager
                        * thread, servers/mm0/pager.c), so the answer may come later */
    MM0_MUNMAP = 12,   /* MR0 addr, MR1 len -> 0 */
    MM0_MPROTECT = 13, /* MR0 addr, MR1 len, MR2 prot -> 0 */
    MM0_MEMINFO = 14,  /* -> free pages, MR1 total pages, MR2 live tasks, MR3 pages of
                        * mm0's own heap */
    MM0_SHUTDOWN = 15, /* MR0 status: init (pid 1) only; the system powers off */
    MM0_SELFCHECK = 16,/* mm0's memory self-check (vm_check) -> 0 or -EIO; MR0..3:
                        * objects, shadows, pages, spaces when it agrees */
    MM0_CLONE = 17,    /* MR0 flags, MR1 pc, MR2 sp, MR3 a0, MR4 a1, MR5 gp, MR6 tp, MR7
                        * clear-tid address -> thread id (CLONE_VM|CLONE_THREAD) or
                        * child pid (no CLONE_VM; CLONE_PARENT allowed) */
    MM0_THREAD_EXIT = 18, /* MR0 status: this thread ends (the process with its last) */
    MM0_FS0_EVENT = 19,   /* fs0 only: the oldest task event -> kind, MR1 badge, MR2 parent's
                           * badge, MR3 events left (fs0/protocol.h, docs/fs0.md) */
    MM0_PS = 20,       /* MR0 pid cursor (>= 0) -> the next process above it: MR0 pid (0:
                        * none), MR1 ppid, MR2 state (1 live, 2 zombie) | threads << 8,
                        * MR3..MR4 the first 16 bytes of its name (servers/mm0/ps.c) */
    MM0_TIME = 21,     /* -> MR0 the time CSR (ticks since boot), MR1 ticks per second;
                        * -ENOSYS if root found no timebase (servers/mm0/time.c) */
    MM0_FS0_CACHE = 22,/* fs0 only: MR0 cache frame number k (< FS0_CACHE_PAGES) -> 0: mm0
                        * made a frame and mapped it read-write at FS0_CACHE_AT(k) in fs0;
                        * -EINVAL (k out of range or made already), -ENOMEM, -EPERM */
    MM0_FS0_TRIM = 23, /* fs0 only: mm0 drops every fs0 file object nothing maps (their
                        * frames' releases and the files' puts are then queued for fs0's
                        * next pull) -> 0; -EPERM. fs0 asks when a mapped file's last
                        * name goes and before a sync, so a file mm0 only kept cached
                        * does not stay alive unlinked (docs/mm0.md "Files from fs0") */
    MM0_REQUEST_COUNT
};

/* clone flags (Linux's values). */
#define MM0_CLONE_VM             0x00000100ul
#define MM0_CLONE_THREAD         0x00010000ul
#define MM0_CLONE_PARENT         0x00008000ul
#define MM0_CLONE_SETTLS         0x00080000ul
#define MM0_CLONE_CHILD_CLEARTID 0x00200000ul

/* Whole bytes of a MM0_WRITE: the message registers after MR0 and MR1. */
#define MM0_MSG_WORDS 120
#define MM0_WRITE_MAX ((MM0_MSG_WORDS - 2) * 8)
#define MM0_READ_MAX  ((MM0_MSG_WORDS - 1) * 8)
/* Longest MM0_EXEC block (path, arguments and environment together). */
#define MM0_EXEC_MAX 16384

/* A process's CSpace: one CNode of 2^MM0_PROC_CNODE_BITS slots, guard to 64 bits. */
#define MM0_PROC_CNODE_BITS 4
#define MM0_SLOT_SERVICE 1   /* badged endpoint: requests to mm0 */
#define MM0_SLOT_FAULT   2   /* badged endpoint: the kernel sends our faults here */
#define MM0_SLOT_FS0     3   /* badged endpoint (the process's badge): requests to fs0 */

/* A process's address space. Programs are linked at 0x10000 (static ELF). */
#define MM0_IPC_BUFFER_VA 0x3ffffe0000ul    /* the thread's IPC buffer, outside any VMA */
#define MM0_FS0_WINDOW_VA 0x3ffffd0000ul    /* fs0's I/O window (images with fs0), no VMA */
#define MM0_STACK_TOP     0x3fff000000ul    /* initial sp is below this */
#define MM0_STACK_SIZE    (8ul << 20)       /* stack VMA, grown on demand page by page */
#define MM0_MMAP_BASE     0x2000000000ul    /* anonymous mappings from here up */
#define MM0_MMAP_END      0x3f00000000ul
#define MM0_HEAP_MAX      (1ul << 30)       /* brk may grow this far past the image */
#define MM0_USER_VA_END   MM0_STACK_TOP     /* no VMA reaches above this */

/* The initial stack a process starts with (sp points at argc), as the System V psABI
 * lays it out: argc, argv[0..argc), NULL, envp[0..envc), NULL, then the strings. */
