/* Calls particular to this system, beyond POSIX (libposix). */
#pragma once
#include <k/abi.h>

struct mm0_meminfo {
    long free_pages, total_pages, tasks;
    long mm0_heap_pages;   /* mm0's own heap: grows to a high-water mark, never shrinks */
};

/* mm0's page counts (for tests: free memory before and after). 0 or -errno. */
int mm0_meminfo(struct mm0_meminfo *m);
/* mm0's memory self-check (its VM objects counted two ways): 0, or -EIO (mm0 prints
 * what disagreed). */
int mm0_selfcheck(void);
/* Power the machine off (init only); returns -EPERM for anyone else. */
int mm0_shutdown(int status);
/* A raw request to mm0 with any label, length and words (hostile-client tests):
 * returns the reply's MR0; *mr1 gets MR1 if not NULL. */
long mm0_raw_call(k_word_t label, unsigned length, const k_word_t *words, k_word_t *mr1);
