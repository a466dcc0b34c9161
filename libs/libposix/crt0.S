/* Start of a POSIX process. mm0 enters with sp at argc (argv, envp above it, as the
 * System V psABI lays out the initial stack) and a2 = the thread's IPC buffer, which
 * goes on to __posix_start untouched. */
    .section .text.start, "ax"
    .global _start
_start:
    .option push
    .option norelax
    lla     gp, __global_pointer$
    .option pop
    mv      a0, sp
    andi    sp, sp, -16
    call    __posix_start
1:  j       1b

/* First instruction of a forked child (see fork() in process.c): mm0 starts it with
 * a0 = the parent's jmp_buf, sp below the parent's frame, gp and tp as the parent's. */
    .text
    .global __posix_fork_child
__posix_fork_child:
    li      a1, 1
    call    longjmp
2:  j       2b

/* First instruction of a clone'd thread or process: a0 = fn, a1 = arg, and for a
 * thread a2 = its own IPC buffer (clone.c keeps it in TLS). A thread that returns
 * ends itself; a process ends with fn's value as its exit status. */
    .global __posix_clone_thread
__posix_clone_thread:
    call    __posix_thread_start
3:  j       3b

    .global __posix_clone_process
__posix_clone_process:
    mv      t0, a0
    mv      a0, a1
    jalr    t0
    call    _exit
4:  j       4b
