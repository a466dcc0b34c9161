/* Processes as fs0 knows them (from mm0's task events) and their descriptor tables.
 * A descriptor points at an open file; fork shares open files (and so offsets). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <k/k.h>
#include "vfs.h"

#define FS0_OPEN_FILES 1024
#define FS0_PROCS 256          /* mm0's task table: a badge's low 8 bits index it */

struct ofile {
    int refs;                  /* descriptors pointing here (0: free) */
    struct vfs_node node;
    uint64_t off;              /* the byte offset; the cookie of a directory */
    int flags;                 /* O_ACCMODE | O_APPEND */
    bool dir;
};

struct proc {
    k_word_t badge;            /* 0: free */
    struct ofile *fd[FS0_FD_MAX];
    uint64_t cloexec;          /* bit n: descriptor n closes at exec (FD_CLOEXEC) */
    char cwd[FS0_PATH_MAX];
};

/* The process a badge names, or NULL. */
struct proc *proc_find(k_word_t badge);
/* Task events: a new process (a copy of parent's table, or an empty one for parent 0)
 * and an exit (every descriptor closed). */
void proc_new(k_word_t badge, k_word_t parent);
void proc_exit(k_word_t badge);
/* An exec event: the process's close-on-exec descriptors close. */
void proc_exec(k_word_t badge);

struct ofile *fd_get(struct proc *p, long fd);
/* A new open file for node: the lowest free descriptor (0 up, as POSIX says), or
 * -EMFILE / -ENFILE. */
int fd_open(struct proc *p, struct vfs_node node, int flags, bool dir);
int fd_close(struct proc *p, long fd);
int fd_dup(struct proc *p, long fd, long to);   /* to < 0: the lowest free */
/* fcntl's F_DUPFD: the lowest free descriptor >= min (-EINVAL past the table's end). */
int fd_dup_from(struct proc *p, long fd, long min);
/* Two new open files, rd read-only and wr write-only (a pipe's ends): 0 and their
 * descriptors in fds, or an error and neither. */
int fd_open_pair(struct proc *p, struct vfs_node rd, struct vfs_node wr, int fds[2]);
/* Drop one reference (a descriptor, or a blocked request holding it); the last one
 * releases the node (vfs_ops.release). */
void ofile_unref(struct ofile *f);
