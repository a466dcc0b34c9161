/* Host harness for the capability tests: kernel objects live in one arena mapped at a
 * fixed low address (cap object pointers are 48 bits), and the kernel's few outside dependencies (console, panic,
 * scheduler, TCB names) are stubbed here. object_finalise is intercepted: objects.c is
 * compiled with object_finalise renamed to kernel_object_finalise, and the definition
 * below counts each call (finalise_hook) before calling the kernel's. */
#pragma once
#include <cap/cspace.h>
#include <cap/derive.h>
#include <object/objects.h>
#include <object/tcb.h>
#include <stdio.h>
#include <stdlib.h>

extern uintptr_t arena_base;
extern size_t arena_size;
extern uintptr_t arena_top;     /* next free byte */

/* Map the arena (once). */
void arena_init(size_t size);
/* Forget every allocation (the memory is not cleared: object_create zeroes objects). */
void arena_reset(void);
/* `bytes` aligned to `align` (a power of two); aborts when the arena is full. */
paddr_t arena_alloc(uint64_t bytes, uint64_t align);
/* n zeroed slots that belong to no object (like boot-time slots). */
cte_t *arena_slots(unsigned n);
static inline bool in_arena(const void *p)
{
    return (uintptr_t)p >= arena_base && (uintptr_t)p < arena_base + arena_size;
}

/* Called for every object_finalise (before the kernel's own: once per deleted cap,
 * final = it was the last cap to its object) and every sched_kill. */
extern void (*finalise_hook)(cap_t c, bool final);
extern void (*sched_kill_hook)(tcb_t *t);

/* Preemption (preempt.h): with preempt.allowed set, every preempt_every-th look at
 * the pending interrupts finds one (0: never). */
extern unsigned preempt_every;

/* Printed by panic_at before aborting, so a kernel assertion names the seed and step. */
extern char harness_context[256];

/* Small deterministic PRNG (splitmix64). */
typedef struct { uint64_t s; } rng_t;
static inline uint64_t rng_next(rng_t *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static inline unsigned rng_below(rng_t *r, unsigned n) { return (unsigned)(rng_next(r) % n); }
static inline bool rng_chance(rng_t *r, unsigned percent) { return rng_below(r, 100) < percent; }

/* Test-failure reporting shared by the test programs. */
extern int check_failures;
#define CHECK(cond, ...) do { if (!(cond)) { check_failures++; \
    fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* A stack-limited thread: run fn(arg) on a fresh thread with `stack` bytes of stack. */
void run_with_stack(size_t stack, void (*fn)(void *), void *arg);
