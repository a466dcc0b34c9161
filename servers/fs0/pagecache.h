/* fs0's page cache (docs/fs0.md, "The page cache"): file pages in cache frames that
 * mm0 maps into processes (mmap of a file, exec from the disk), kept in step with
 * read(), write() and ftruncate, and the "mapped files" mm0 holds references to. No
 * seL4 call in here: frames come through struct pc_env (cachemap.c in fs0, buffers in
 * the host test, test/host/pagecache). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vfs.h"

#define PC_PAGE 4096u
#define PC_FILES 128u            /* mapped files (mm0 keeps at most 64 file objects) */

struct pc_env {
    unsigned frames;             /* frames 0..frames-1 may be made (FS0_CACHE_PAGES) */
    int (*make)(unsigned k);     /* ask for frame k (once): 0 or -errno */
    void *(*addr)(unsigned k);   /* where frame k is mapped in fs0 once made */
    void (*drain)(void);         /* apply mm0's queued events (releases free frames) */
};
void pc_init(const struct pc_env *env);

/* Valid cached pages. While 0, read/write/truncate/fsync need no pc_ call at all:
 * callers test it first so that a file with nothing cached pays one load. */
extern unsigned pc_cached;
/* Mapped files alive (with mm0 references). */
extern unsigned pc_nfiles;

/* --- mapped files --- */
/* One more mm0 reference to regular file n: 0 and its id (slot | serial << 16), or
 * -ENFILE (the table is full). */
int pc_file_get(struct vfs_node n, uint64_t *id);
/* Whether mm0 holds a reference to (mnt, ino): such a file counts as open. */
bool pc_is_mapped(int mnt, uint32_t ino);
/* FS0_EV_FILE_PUT: drop count references of id; with the last, every cached page of
 * the file goes and the file's release op runs (as for a last close). 0, or -EINVAL
 * (a stale or unknown id, count 0 or more than it holds: nothing changes). */
int pc_file_put(uint64_t id, uint64_t count);

/* --- mm0's requests and events --- */
/* FS0_MM_PAGE: the frame holding page idx of file id, filled (zeros past the end)
 * and held for mm0 (writable with FS0_MMP_WRITE): k, or -EINVAL (id, flags), -ENXIO
 * (past the end), -ENOMEM (every frame held), the read op's error. */
int64_t pc_page(uint64_t id, uint64_t idx, uint64_t flags);
/* FS0_EV_RELEASE: mm0 holds frames base + i (bit i of mask) no more; writable ones are
 * written back first. 0, or -EINVAL (base not a multiple of 64 or out of range). */
int pc_release(uint64_t base, uint64_t mask);

/* --- coherence with read(), write(), ftruncate, fsync, sync (regular files) --- */
/* The read op gave len bytes at off into buf: replace the bytes of cached pages. */
void pc_read_overlay(struct vfs_node n, uint64_t off, void *buf, size_t len);
/* The write op, then every cached page it overlaps updated (and bytes of a gap
 * between the old end and off zeroed in them). */
int64_t pc_write(struct vfs_node n, uint64_t off, const void *buf, size_t len);
/* The truncate op, then cached bytes past the new end zeroed; unheld pages wholly
 * past it dropped. */
int pc_truncate(struct vfs_node n, uint64_t size);
/* Write back the file's writable held pages, then its fsync op: the first error. */
int pc_fsync(struct vfs_node n);
/* Write back every writable held page (before the mounts' sync ops): the first error. */
int pc_sync(void);
