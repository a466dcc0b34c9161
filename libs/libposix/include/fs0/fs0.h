/* Calls particular to fs0: getdents (records of struct fs0_dirent) and a raw request
 * for tests of the protocol. */
#pragma once
#include <stddef.h>
#include <sys/types.h>
#include <k/k.h>
#include <fs0/protocol.h>

ssize_t fs0_getdents(int fd, void *buf, size_t len);
/* Call fs0 with label and length words from w (w needs FS0_MSG_WORDS words; the
 * reply's words come back in it): MR0 of the reply. */
long fs0_raw_call(k_word_t label, unsigned length, k_word_t *w);
/* For fs0 itself (which must never call itself): descriptors 0-2 are the console for
 * good, never asked about. */
void posix_console_fixed(void);
