/* The in-target kernel suite: a root task that exercises every invocation, in the
 * manner of seL4's sel4test. Tests register themselves with TEST(); each prints one
 * `ok`/`not ok` line. A failed CHECK prints where and why, then the test goes on
 * (so one run shows every broken expectation). */
#pragma once
#include <k/k.h>
#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>

struct ktest { const char *name; void (*fn)(void); };

#define TEST(name_)                                                              \
    static void test_##name_(void);                                              \
    static const struct ktest ktest_##name_                                      \
        __attribute__((used, section("ktests"), aligned(8))) = { #name_, test_##name_ }; \
    static void test_##name_(void)

extern int ktest_failures;   /* failures in the current test */

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            printf("  check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);      \
            ktest_failures++;                                                        \
        }                                                                            \
    } while (0)

#define CHECK_EQ(a, b)                                                               \
    do {                                                                             \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                             \
        if (a_ != b_) {                                                              \
            printf("  check failed at %s:%d: %s == %s (0x%lx != 0x%lx)\n",          \
                   __FILE__, __LINE__, #a, #b, a_, b_);                              \
            ktest_failures++;                                                        \
        }                                                                            \
    } while (0)

/* Environment shared by the tests (env.c). */
extern struct k_bootinfo *bi;
void env_init(void *bootinfo);
k_cptr_t slot_alloc(void);                 /* a free slot of the root CNode */
k_cptr_t slot_alloc_range(unsigned n);     /* n consecutive free slots (a retype window) */
void slot_free(k_cptr_t s);                /* give back a slot that is empty again */
/* A RAM untyped of at least 2^bits bytes that the test may use (and must leave
 * revocable): returns its slot, or 0. */
k_cptr_t untyped_at_least(unsigned bits);
/* Retype one object into a fresh slot; returns the slot or 0 (with the error printed). */
k_cptr_t make_object(k_cptr_t untyped, k_word_t type, k_word_t size_bits);
#define ROOT K_CAP_INIT_THREAD_CNODE
#define ROOT_DEPTH 64

/* Message register i of the last reply (the wrappers keep MR0..3 in the IPC buffer,
 * as seL4's do), e.g. an error's details. */
static inline k_word_t k_last_mr(unsigned i) { return k_ipc_buffer()->msg[i]; }
