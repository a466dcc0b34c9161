/* The host stand-ins for what mm0 gives the VM core: a counting allocator with failure
 * injection, page frames as malloc'd buffers, and a simulated MMU per task that only
 * ever learns about mappings from fault results and the protect/unmap reports, so a
 * missed report shows up as a task seeing the wrong data. */
#ifndef VM_ENV_H
#define VM_ENV_H

#include <stdio.h>
#include <stdlib.h>

#include "vm.h"

extern int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)
#define CHECK_EQ(a, b) do { long long _a = (long long)(a), _b = (long long)(b); \
    if (_a != _b) { printf("FAIL %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a, _a, #b, _b); failures++; } } while (0)

#define HW_MAX 4096

typedef struct hw_entry {
    uintptr_t va;
    vm_frame_t frame;
    unsigned rights;
} hw_entry_t;

typedef struct task {
    vm_space_t *s;
    hw_entry_t hw[HW_MAX];   /* the simulated page table */
    size_t nhw;
    int id;
} task_t;

typedef struct env {
    vm_t *vm;
    /* allocator */
    size_t live_blocks, live_bytes, allocs;
    long fail_in;            /* allocations (metadata or frame) until failure; <0 off */
    bool fail_sticky;        /* once failed, keep failing until reset */
    bool failing;
    size_t injected;
    /* frames */
    size_t frames_live, frames_total;
    /* reports */
    size_t n_unmap, n_protect, bad_reports;
    /* the file object used by tests, and its pristine contents (value per page) */
    vm_object_t *file;
    uint64_t file_pages;
    uint64_t (*file_value)(uint64_t index);
} env_t;

void env_init(env_t *e);
int env_try_init(env_t *e, long fail_after);   /* vm_create's result */
void env_fini(env_t *e);   /* destroys the vm; checks everything was returned */
void env_fail_after(env_t *e, long n, bool sticky);
void env_fail_off(env_t *e);

task_t *task_new(env_t *e);
task_t *task_fork(env_t *e, task_t *parent, int *err);
void task_exit(env_t *e, task_t *t);
void task_exec(env_t *e, task_t *t);

/* One access as the hardware would do it: through the task's page table, faulting
 * into the VM core (and paging in file pages) when the table does not allow it.
 * Reads and writes one 64-bit word at va. Returns VM_OK or the fault's error. */
int task_read(env_t *e, task_t *t, uintptr_t va, uint64_t *value);
int task_write(env_t *e, task_t *t, uintptr_t va, uint64_t value);

/* The task's page table agrees with the VM core's record and with what it sees. */
bool task_hw_consistent(env_t *e, task_t *t);
/* vm_check, printing the failure. */
bool env_check(env_t *e, vm_stats_t *st);

vm_frame_t env_zero_frame(void);
uint64_t frame_word(vm_frame_t f, uintptr_t off);

#endif
