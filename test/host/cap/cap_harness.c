#include "cap_harness.h"
#include <object/endpoint.h>
#include <kprintf.h>
#include <sched.h>
#include <object/vspace.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <pthread.h>

uintptr_t arena_base, arena_top;
size_t arena_size;
void (*finalise_hook)(cap_t c, bool final);
void (*sched_kill_hook)(tcb_t *t);
char harness_context[256];
int check_failures;

void arena_init(size_t size)
{
    if (arena_base) return;
    /* 4 GiB is free without sanitizers; under ASan on x86-64 everything between 2 GiB and
     * 2 TiB is its shadow memory, so fall back to the low gigabytes. */
    static const uintptr_t candidates[] = { 0x100000000ul, 0x40000000ul, 0x10000000ul };
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        void *p = mmap((void *)candidates[i], size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) continue;
        if ((uintptr_t)p != candidates[i]) { munmap(p, size); continue; }
        arena_base = arena_top = (uintptr_t)p;
        arena_size = size;
        return;
    }
    fprintf(stderr, "arena_init: cannot map %zu bytes at a low fixed address\n", size);
    abort();
}

void arena_reset(void) { arena_top = arena_base; }

paddr_t arena_alloc(uint64_t bytes, uint64_t align)
{
    uintptr_t p = (arena_top + align - 1) & ~(uintptr_t)(align - 1);
    if (p + bytes > arena_base + arena_size) {
        fprintf(stderr, "arena_alloc: arena full (%llu bytes, align %llu)\n",
                (unsigned long long)bytes, (unsigned long long)align);
        abort();
    }
    arena_top = p + bytes;
    return p;
}

cte_t *arena_slots(unsigned n)
{
    cte_t *s = (cte_t *)(uintptr_t)arena_alloc((uint64_t)n * sizeof(cte_t), 32);
    memset(s, 0, (size_t)n * sizeof(cte_t));
    return s;
}

/* ---- the kernel's outside world ---- */

/* Preemption points: "an interrupt is pending" every preempt_every-th look (0: never). */
unsigned preempt_every;
static unsigned preempt_looks;
bool arch_irq_pending(void)
{
    return preempt_every && ++preempt_looks % preempt_every == 0;
}
uint64_t arch_instret(void) { return 0; }

void kernel_object_finalise(cap_t c, bool final);   /* objects.c's, renamed by the build */

void object_finalise(cap_t c, bool final)
{
    if (finalise_hook) finalise_hook(c, final);
    kernel_object_finalise(c, final);
}

/* Address-space objects are not part of these tests: their finalisation does nothing. */
void frame_unmap(cap_t c) { (void)c; }
void page_table_unmap(cap_t c) { (void)c; }
void asid_delete(unsigned asid, paddr_t vspace) { (void)asid; (void)vspace; }
void asid_pool_delete(cap_t pool) { (void)pool; }
bool vspace_cap_valid(cap_t c) { (void)c; return false; }
uint64_t vspace_epoch = 1;
/* IPC objects: the CDT tests create endpoints and notifications but never block
 * threads on them, so there is nothing to cancel. */
void ipc_cancel(tcb_t *t) { (void)t; }
void ntfn_unbind(tcb_t *t) { (void)t; }
void ep_cancel_all(endpoint_t *ep) { (void)ep; }
void ntfn_cancel_all(notification_t *n) { (void)n; }
/* Interrupt lines have no hardware here. */
void irq_handler_deleted(word_t irq) { (void)irq; }

void sched_kill(tcb_t *t)
{
    if (sched_kill_hook) sched_kill_hook(t);
    t->state = TCB_DEAD;
}

void tcb_set_name(tcb_t *t, const char *name)
{
    strncpy(t->name, name, TCB_NAME_LEN - 1);
    t->name[TCB_NAME_LEN - 1] = 0;
}

void kputc(char c) { fputc(c, stdout); }
void kputs(const char *s) { fputs(s, stdout); }
int kvprintf(const char *fmt, va_list ap) { return vprintf(fmt, ap); }
int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "KERNEL PANIC at %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n  while: %s\n", harness_context[0] ? harness_context : "(no context)");
    abort();
}

/* ---- small-stack threads ---- */

struct thread_call { void (*fn)(void *); void *arg; };
static void *thread_main(void *p)
{
    struct thread_call *tc = p;
    tc->fn(tc->arg);
    return NULL;
}

void run_with_stack(size_t stack, void (*fn)(void *), void *arg)
{
    pthread_attr_t attr;
    pthread_t th;
    struct thread_call tc = { fn, arg };
    if (pthread_attr_init(&attr) || pthread_attr_setstacksize(&attr, stack)) abort();
    if (pthread_create(&th, &attr, thread_main, &tc)) {
        fprintf(stderr, "run_with_stack: pthread_create failed\n");
        abort();
    }
    pthread_join(th, NULL);
    pthread_attr_destroy(&attr);
}
