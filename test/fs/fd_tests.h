/* Descriptor flags (fd_tests.c). Each returns 0, or 1 with the reason in why (fstest.h). */
#pragma once
int fd_check_main(int argc, char **argv);   /* `init --fds FD:OPEN...` */
int fdt_cloexec(void);
int fdt_status_flags(void);
int fdt_nonblock_pipe(void);
