/* Directed tests of the VM core: one scenario each, asserting what every task sees,
 * what was reported to the MMU, the self-check's figures, and that every page and
 * byte comes back. Usage: vm_directed_test [name] (no name: all). */
#include <string.h>

#include "vm_env.h"
#include "vm_internal.h"   /* only to reuse a live vm's callbacks */

#define P VM_PAGE_SIZE
#define A ((uintptr_t)0x10000000)
#define RW (VM_PROT_READ | VM_PROT_WRITE)
#define PRIV_ANON (VM_MAP_PRIVATE | VM_MAP_ANON | VM_MAP_FIXED)
#define SHARED_ANON (VM_MAP_SHARED | VM_MAP_ANON | VM_MAP_FIXED)

static uint64_t rd(env_t *e, task_t *t, uintptr_t va)
{
    uint64_t v = 0xdeadbeef;
    int r = task_read(e, t, va, &v);
    if (r != VM_OK) { printf("FAIL read %#lx of task %d: %d\n", (unsigned long)va, t->id, r); failures++; }
    return v;
}

static void wr(env_t *e, task_t *t, uintptr_t va, uint64_t v)
{
    int r = task_write(e, t, va, v);
    if (r != VM_OK) { printf("FAIL write %#lx of task %d: %d\n", (unsigned long)va, t->id, r); failures++; }
}

static void map(env_t *e, task_t *t, uintptr_t va, size_t pages, unsigned prot, unsigned flags)
{
    uintptr_t got;
    (void)e;
    CHECK_EQ(vm_mmap(t->s, va, pages * P, prot, flags, NULL, 0, &got), VM_OK);
    CHECK_EQ(got, va);
}

static task_t *fork_ok(env_t *e, task_t *p)
{
    int err;
    task_t *c = task_fork(e, p, &err);
    CHECK_EQ(err, VM_OK);
    if (!c) exit(1);
    return c;
}

static vm_stats_t stats(env_t *e)
{
    vm_stats_t st;
    memset(&st, 0, sizeof st);
    env_check(e, &st);
    return st;
}

/* Three generations each writing the same pages see their own values; the values
 * each wrote before forking stay visible to its descendants until they write. */
static void test_fork_tree(void)
{
    env_t e;
    env_init(&e);
    task_t *g0 = task_new(&e);
    map(&e, g0, A, 4, RW, PRIV_ANON);
    for (int i = 0; i < 4; i++) wr(&e, g0, A + i * P, 100 + i);
    task_t *g1 = fork_ok(&e, g0);
    task_t *g2 = fork_ok(&e, g1);
    task_t *g1b = fork_ok(&e, g0);
    CHECK_EQ(rd(&e, g2, A + 3 * P), 103);           /* inherited through two shadows */
    for (int i = 0; i < 3; i++) {
        wr(&e, g0, A + i * P, 200 + i);
        wr(&e, g1, A + i * P, 300 + i);
        wr(&e, g2, A + i * P, 400 + i);
    }
    wr(&e, g1b, A, 500);
    task_t *g3 = fork_ok(&e, g2);
    wr(&e, g3, A + P, 600);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(rd(&e, g0, A + i * P), 200 + i);
        CHECK_EQ(rd(&e, g1, A + i * P), 300 + i);
        CHECK_EQ(rd(&e, g2, A + i * P), 400 + i);
    }
    CHECK_EQ(rd(&e, g1b, A), 500);
    CHECK_EQ(rd(&e, g1b, A + P), 101);
    CHECK_EQ(rd(&e, g3, A), 400);
    CHECK_EQ(rd(&e, g3, A + P), 600);
    for (task_t *t = g0; t; t = t == g0 ? g1 : t == g1 ? g2 : t == g2 ? g3 : t == g3 ? g1b : NULL)
        CHECK_EQ(rd(&e, t, A + 3 * P), 103);        /* never written after the first fork */
    vm_stats_t st = stats(&e);
    CHECK_EQ(st.spaces, 5);
    CHECK(st.max_depth >= 3);
    /* Exits in an awkward order: the middle generations first. */
    task_exit(&e, g1);
    env_check(&e, NULL);
    CHECK_EQ(rd(&e, g2, A + 2 * P), 402);
    CHECK_EQ(rd(&e, g3, A + 3 * P), 103);
    task_exit(&e, g2);
    env_check(&e, NULL);
    CHECK_EQ(rd(&e, g3, A), 400);
    CHECK_EQ(rd(&e, g3, A + P), 600);
    task_exit(&e, g0);
    task_exit(&e, g1b);
    st = stats(&e);
    CHECK_EQ(st.max_depth, 1);                      /* g3 alone: everything collapsed */
    CHECK_EQ(st.objects, 2);                        /* g3's anonymous object + /dev/zero */
    CHECK_EQ(rd(&e, g3, A + 2 * P), 402);
    task_exit(&e, g3);
    env_fini(&e);
}

/* After fork, each side's writes stay its own, in both orders; the parent's
 * writable mappings were reported downgraded. */
static void test_isolation(void)
{
    env_t e;
    env_init(&e);
    task_t *p = task_new(&e);
    map(&e, p, A, 3, RW, PRIV_ANON);
    wr(&e, p, A, 1);
    wr(&e, p, A + P, 2);
    rd(&e, p, A + 2 * P);                           /* the zero page, read-only */
    size_t before = e.n_protect;
    task_t *c = fork_ok(&e, p);
    CHECK_EQ(e.n_protect - before, 2);              /* two writable pages downgraded */
    unsigned rights;
    CHECK(vm_mapping(p->s, A, NULL, &rights) && rights == VM_PROT_READ);
    wr(&e, p, A, 11);                               /* parent first */
    CHECK_EQ(rd(&e, c, A), 1);
    wr(&e, c, A + P, 22);                           /* child first */
    CHECK_EQ(rd(&e, p, A + P), 2);
    wr(&e, c, A, 111);
    wr(&e, p, A + P, 222);
    CHECK_EQ(rd(&e, p, A), 11);
    CHECK_EQ(rd(&e, c, A), 111);
    CHECK_EQ(rd(&e, p, A + P), 222);
    CHECK_EQ(rd(&e, c, A + P), 22);
    wr(&e, c, A + 2 * P, 33);
    CHECK_EQ(rd(&e, p, A + 2 * P), 0);
    env_check(&e, NULL);
    task_exit(&e, p);
    task_exit(&e, c);
    env_fini(&e);
}

/* Zero-fill pages map the one zero frame, read-only, in every task, until written. */
static void test_zero_page(void)
{
    env_t e;
    env_init(&e);
    task_t *a = task_new(&e), *b = task_new(&e);
    map(&e, a, A, 8, RW, PRIV_ANON);
    map(&e, b, A, 8, RW, PRIV_ANON);
    size_t frames = e.frames_live;
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(rd(&e, a, A + i * P), 0);
        CHECK_EQ(rd(&e, b, A + i * P), 0);
    }
    CHECK_EQ(e.frames_live, frames);                /* sixteen reads, no frame */
    vm_frame_t f;
    unsigned r;
    CHECK(vm_mapping(a->s, A + 5 * P, &f, &r) && f == env_zero_frame() && r == VM_PROT_READ);
    wr(&e, a, A + 5 * P, 7);
    CHECK_EQ(e.frames_live, frames + 1);
    CHECK(vm_mapping(a->s, A + 5 * P, &f, &r) && f != env_zero_frame() && r == RW);
    CHECK_EQ(rd(&e, b, A + 5 * P), 0);
    CHECK_EQ(rd(&e, a, A + 5 * P + 8), 0);          /* the rest of the new page is zero */
    vm_stats_t st = stats(&e);
    CHECK_EQ(st.mappings, 16);
    /* A shared anonymous mapping gets real pages even on a read, so all sharers map
     * the same frame from the start. */
    map(&e, a, A + 16 * P, 1, RW, SHARED_ANON);
    CHECK_EQ(rd(&e, a, A + 16 * P), 0);
    CHECK(vm_mapping(a->s, A + 16 * P, &f, NULL) && f != env_zero_frame());
    task_exit(&e, a);
    task_exit(&e, b);
    env_fini(&e);
}

/* Shared mappings stay shared across fork, both ways, even after further forks. */
static void test_shared_across_fork(void)
{
    env_t e;
    env_init(&e);
    task_t *p = task_new(&e);
    map(&e, p, A, 2, RW, SHARED_ANON);
    map(&e, p, A + 2 * P, 1, RW, PRIV_ANON);
    wr(&e, p, A, 5);
    task_t *c = fork_ok(&e, p);
    task_t *gc = fork_ok(&e, c);
    CHECK_EQ(rd(&e, c, A), 5);
    wr(&e, c, A, 6);
    wr(&e, gc, A + P, 7);
    CHECK_EQ(rd(&e, p, A), 6);
    CHECK_EQ(rd(&e, p, A + P), 7);
    wr(&e, p, A + 2 * P, 8);                         /* the private page stays private */
    CHECK_EQ(rd(&e, c, A + 2 * P), 0);
    task_exit(&e, p);
    wr(&e, gc, A, 9);
    CHECK_EQ(rd(&e, c, A), 9);
    task_exit(&e, c);
    task_exit(&e, gc);
    env_fini(&e);
}

/* munmap: access after is EFAULT; a hole in the middle splits the VMA in two, both
 * halves keep their contents; the unmapped pages' frames are freed. */
static void test_munmap(void)
{
    env_t e;
    env_init(&e);
    task_t *t = task_new(&e);
    map(&e, t, A, 6, RW, PRIV_ANON);
    for (int i = 0; i < 6; i++) wr(&e, t, A + i * P, 10 + i);
    size_t frames = e.frames_live, unmaps = e.n_unmap;
    CHECK_EQ(vm_munmap(t->s, A + 2 * P, 2 * P), VM_OK);
    CHECK_EQ(e.n_unmap - unmaps, 2);
    CHECK_EQ(e.frames_live, frames - 2);
    vm_stats_t st = stats(&e);
    CHECK_EQ(st.vmas, 2);
    uint64_t v;
    CHECK_EQ(task_read(&e, t, A + 2 * P, &v), VM_EFAULT);
    CHECK_EQ(task_write(&e, t, A + 3 * P + 8, 1), VM_EFAULT);
    CHECK_EQ(rd(&e, t, A + P), 11);
    CHECK_EQ(rd(&e, t, A + 4 * P), 14);
    CHECK_EQ(rd(&e, t, A + 5 * P), 15);
    /* Unmapping a hole and the edges: fine, and idempotent. */
    CHECK_EQ(vm_munmap(t->s, A + 2 * P, 2 * P), VM_OK);
    CHECK_EQ(vm_munmap(t->s, A + 5 * P, 100 * P), VM_OK);
    CHECK_EQ(task_read(&e, t, A + 5 * P, &v), VM_EFAULT);
    CHECK_EQ(rd(&e, t, A + 4 * P), 14);
    /* Mapping again over the hole reads zeros, not the old contents. */
    map(&e, t, A + 2 * P, 2, RW, PRIV_ANON);
    CHECK_EQ(rd(&e, t, A + 2 * P), 0);
    /* Malformed ranges. */
    CHECK_EQ(vm_munmap(t->s, A + 1, P), VM_EINVAL);
    CHECK_EQ(vm_munmap(t->s, A, 0), VM_EINVAL);
    CHECK_EQ(vm_munmap(t->s, A, SIZE_MAX), VM_EINVAL);
    CHECK_EQ(vm_munmap(t->s, (uintptr_t)0 - P, 2 * P), VM_EINVAL);
    CHECK_EQ(vm_munmap(t->s, 0, P), VM_EINVAL);
    CHECK_EQ(rd(&e, t, A), 10);                      /* none of them changed anything */
    task_exit(&e, t);
    env_fini(&e);
}

/* When the child exits, the parent's shadow absorbs the hidden original: the parent
 * sees the same, the chain is one object again, and pages nobody sees are freed. */
static void test_collapse(void)
{
    env_t e;
    env_init(&e);
    task_t *p = task_new(&e);
    map(&e, p, A, 4, RW, PRIV_ANON);
    for (int i = 0; i < 4; i++) wr(&e, p, A + i * P, 1 + i);
    task_t *c = fork_ok(&e, p);
    vm_stats_t st = stats(&e);
    CHECK_EQ(st.objects, 4);                        /* original, two shadows, zero */
    CHECK_EQ(st.shadows, 2);
    CHECK_EQ(st.max_depth, 2);
    wr(&e, p, A, 10);                               /* hides the original's page 0 */
    wr(&e, c, A + P, 20);
    size_t frames = e.frames_live;                  /* 4 originals + 2 copies */
    CHECK_EQ(frames, 6);
    task_exit(&e, c);
    st = stats(&e);
    CHECK_EQ(st.objects, 2);
    CHECK_EQ(st.shadows, 0);
    CHECK_EQ(st.max_depth, 1);
    CHECK_EQ(e.frames_live, 4);                     /* child's copy and hidden page 0 freed */
    for (int i = 0; i < 4; i++) CHECK_EQ(rd(&e, p, A + i * P), i == 0 ? 10 : 1 + i);
    /* The collapsed pages are the parent's own now: writing them copies nothing. */
    frames = e.frames_live;
    wr(&e, p, A + 2 * P, 30);
    CHECK_EQ(e.frames_live, frames);
    /* The other order: the parent exits first, the child keeps the original. */
    c = fork_ok(&e, p);
    wr(&e, c, A + 3 * P, 40);
    task_exit(&e, p);
    st = stats(&e);
    CHECK_EQ(st.objects, 2);
    CHECK_EQ(st.max_depth, 1);
    CHECK_EQ(rd(&e, c, A), 10);
    CHECK_EQ(rd(&e, c, A + 2 * P), 30);
    CHECK_EQ(rd(&e, c, A + 3 * P), 40);
    /* munmap of the child's whole range drops the chain too. */
    task_t *g = fork_ok(&e, c);
    CHECK_EQ(vm_munmap(g->s, A, 4 * P), VM_OK);
    st = stats(&e);
    CHECK_EQ(st.objects, 2);
    CHECK_EQ(rd(&e, c, A + 3 * P), 40);
    task_exit(&e, g);
    task_exit(&e, c);
    env_fini(&e);
}

/* mprotect: read-only then write is EACCES (and the writable mapping was downgraded);
 * PROT_NONE removes mappings; back to RW, writes work; a range with a hole is ENOMEM
 * and changes nothing. */
static void test_mprotect(void)
{
    env_t e;
    env_init(&e);
    task_t *t = task_new(&e);
    map(&e, t, A, 4, RW, PRIV_ANON);
    wr(&e, t, A + P, 1);
    wr(&e, t, A + 2 * P, 2);
    size_t prot = e.n_protect;
    CHECK_EQ(vm_mprotect(t->s, A + P, P, VM_PROT_READ), VM_OK);
    CHECK_EQ(e.n_protect - prot, 1);
    CHECK_EQ(task_write(&e, t, A + P, 5), VM_EACCES);
    CHECK_EQ(rd(&e, t, A + P), 1);
    wr(&e, t, A + 2 * P, 3);                        /* the neighbour is still writable */
    CHECK_EQ(stats(&e).vmas, 3);
    CHECK_EQ(vm_mprotect(t->s, A + 2 * P, P, VM_PROT_NONE), VM_OK);
    uint64_t v;
    CHECK_EQ(task_read(&e, t, A + 2 * P, &v), VM_EACCES);
    CHECK(!vm_mapping(t->s, A + 2 * P, NULL, NULL));
    CHECK_EQ(vm_mprotect(t->s, A, 4 * P, RW), VM_OK);
    wr(&e, t, A + P, 6);
    CHECK_EQ(rd(&e, t, A + P), 6);
    CHECK_EQ(rd(&e, t, A + 2 * P), 3);
    CHECK_EQ(vm_mprotect(t->s, A + 3 * P, 2 * P, VM_PROT_READ), VM_ENOMEM);   /* hole */
    wr(&e, t, A + 3 * P, 7);                                                  /* unchanged */
    CHECK_EQ(vm_mprotect(t->s, A, P, 8), VM_EINVAL);
    CHECK_EQ(vm_mprotect(t->s, A + 4, P, VM_PROT_READ), VM_EINVAL);
    /* Write-only means read-write on RISC-V. */
    CHECK_EQ(vm_mprotect(t->s, A, P, VM_PROT_WRITE), VM_OK);
    CHECK_EQ(rd(&e, t, A), 0);
    /* Exec faults need PROT_EXEC. */
    vm_fault_result_t r;
    CHECK_EQ(vm_fault(t->s, A, VM_ACCESS_EXEC, &r), VM_EACCES);
    CHECK_EQ(vm_fault(t->s, A, 99, &r), VM_EINVAL);
    CHECK_EQ(vm_fault(t->s, A - P, VM_ACCESS_READ, &r), VM_EFAULT);
    task_exit(&e, t);
    env_fini(&e);
}

/* brk grows and shrinks the heap; regrown pages read zeros, also after a fork made
 * the heap's first object a hidden original. */
static void test_brk(void)
{
    env_t e;
    env_init(&e);
    task_t *t = task_new(&e);
    uintptr_t cur;
    CHECK_EQ(vm_brk(t->s, A + 100, &cur), VM_EINVAL);          /* no heap yet */
    CHECK_EQ(vm_brk_init(t->s, A), VM_OK);
    CHECK_EQ(vm_brk_init(t->s, A), VM_EINVAL);
    CHECK_EQ(vm_brk(t->s, A + 3 * P + 5, &cur), VM_OK);
    CHECK_EQ(cur, A + 3 * P + 5);
    CHECK_EQ(vm_brk(t->s, A - 1, &cur), VM_EINVAL);
    for (int i = 0; i < 4; i++) wr(&e, t, A + i * P, 1 + i);
    uint64_t v;
    CHECK_EQ(task_read(&e, t, A + 4 * P, &v), VM_EFAULT);
    CHECK_EQ(vm_brk(t->s, A + 6 * P, &cur), VM_OK);             /* grows in place */
    CHECK_EQ(stats(&e).vmas, 1);
    wr(&e, t, A + 5 * P, 6);
    CHECK_EQ(vm_brk(t->s, A + P, &cur), VM_OK);
    CHECK_EQ(task_read(&e, t, A + P, &v), VM_EFAULT);
    CHECK_EQ(vm_brk(t->s, A + 6 * P, &cur), VM_OK);
    CHECK_EQ(rd(&e, t, A), 1);
    CHECK_EQ(rd(&e, t, A + P), 0);
    CHECK_EQ(rd(&e, t, A + 5 * P), 0);
    wr(&e, t, A + 2 * P, 3);
    task_t *c = fork_ok(&e, t);
    CHECK_EQ(vm_brk(c->s, A + P, &cur), VM_OK);
    CHECK_EQ(vm_brk(c->s, A + 4 * P, &cur), VM_OK);
    CHECK_EQ(rd(&e, c, A + 2 * P), 0);                          /* not the old 3 */
    CHECK_EQ(rd(&e, t, A + 2 * P), 3);
    /* Something in the way stops growth. */
    map(&e, t, A + 8 * P, 1, RW, PRIV_ANON);
    CHECK_EQ(vm_brk(t->s, A + 9 * P, &cur), VM_ENOMEM);
    CHECK_EQ(vm_brk(t->s, A + 8 * P, &cur), VM_OK);
    env_check(&e, NULL);
    task_exit(&e, t);
    task_exit(&e, c);
    env_fini(&e);
}

static uint64_t file_value(uint64_t i) { return 0xf11e0000 + i; }

/* A file object: pages come in on demand; a private mapping copies on write and
 * otherwise sees the file, including a shared writer's changes; past the end is
 * EFAULT; the caller's reference keeps the object after every mapping is gone. */
static void test_file(void)
{
    env_t e;
    env_init(&e);
    CHECK_EQ(vm_object_create_file(e.vm, 4, &e.file), VM_OK);
    e.file_value = file_value;
    task_t *a = task_new(&e), *b = task_new(&e);
    uintptr_t got;
    CHECK_EQ(vm_mmap(a->s, A, 5 * P, RW, VM_MAP_PRIVATE | VM_MAP_FIXED, e.file, P, &got), VM_OK);
    CHECK_EQ(vm_mmap(b->s, A, 4 * P, RW, VM_MAP_SHARED | VM_MAP_FIXED, e.file, 0, &got), VM_OK);
    CHECK_EQ(rd(&e, a, A), file_value(1));
    wr(&e, a, A + P, 77);                           /* private copy of file page 2 */
    CHECK_EQ(rd(&e, b, A + 2 * P), file_value(2));
    wr(&e, b, A + 3 * P, 88);                       /* shared write to file page 3 */
    CHECK_EQ(rd(&e, a, A + 2 * P), 88);              /* seen through a's private view */
    wr(&e, b, A + 2 * P, 99);
    CHECK_EQ(rd(&e, a, A + P), 77);                  /* a's copy is its own */
    uint64_t v;
    CHECK_EQ(task_read(&e, a, A + 3 * P, &v), VM_EFAULT);   /* file page 4: past the end */
    CHECK_EQ(task_write(&e, a, A + 4 * P, 1), VM_EFAULT);
    vm_frame_t f;
    CHECK_EQ(vm_peek(b->s, A + 4 * P, &f), VM_EFAULT);       /* outside b's VMA */
    CHECK_EQ(vm_object_supply(e.file, 4, (vm_frame_t)1), VM_EINVAL);
    CHECK_EQ(vm_object_supply(e.file, 0, VM_FRAME_NONE), VM_EINVAL);
    CHECK_EQ(vm_mmap(a->s, A, P, RW, VM_MAP_PRIVATE | VM_MAP_ANON, e.file, 0, &got), VM_EINVAL);
    CHECK_EQ(vm_mmap(a->s, A, P, RW, VM_MAP_PRIVATE, e.file, 5, &got), VM_EINVAL);
    task_t *c = fork_ok(&e, a);
    wr(&e, b, A + 1 * P, 111);                      /* file page 1, unwritten by a and c */
    CHECK_EQ(rd(&e, c, A), 111);
    CHECK_EQ(rd(&e, c, A + P), 77);
    task_exit(&e, a);
    task_exit(&e, b);
    task_exit(&e, c);
    vm_stats_t st = stats(&e);
    CHECK_EQ(st.objects, 2);                        /* the file and /dev/zero */
    CHECK_EQ(vm_destroy(e.vm), VM_EBUSY);
    vm_object_put(e.file);
    env_fini(&e);
}

/* A shared view mapped NOWRITE (a file its process may only read) can never become
 * writable: not at mmap, not by mprotect, not after a split or a fork; mprotect to
 * read-only or none still works. vm_object_unused says when only the caller's
 * reference keeps a file object: no VMA and no private shadow reading through it. */
static void test_nowrite_and_unused(void)
{
    env_t e;
    env_init(&e);
    CHECK_EQ(vm_object_create_file(e.vm, 4, &e.file), VM_OK);
    e.file_value = file_value;
    CHECK(vm_object_unused(e.file));
    task_t *a = task_new(&e);
    uintptr_t got;
    CHECK_EQ(vm_mmap(a->s, A, 4 * P, RW, VM_MAP_SHARED | VM_MAP_FIXED | VM_MAP_NOWRITE, e.file, 0,
                     &got), VM_EACCES);
    CHECK(vm_object_unused(e.file));                /* the refused mmap left nothing */
    CHECK_EQ(vm_mmap(a->s, A, 4 * P, VM_PROT_READ, VM_MAP_SHARED | VM_MAP_FIXED | VM_MAP_NOWRITE,
                     e.file, 0, &got), VM_OK);
    CHECK(!vm_object_unused(e.file));
    CHECK_EQ(rd(&e, a, A + P), file_value(1));
    uint64_t v;
    CHECK_EQ(task_write(&e, a, A + P, 5), VM_EACCES);
    CHECK_EQ(vm_mprotect(a->s, A + P, P, RW), VM_EACCES);        /* a split would be needed */
    CHECK_EQ(vm_mprotect(a->s, A, 4 * P, RW), VM_EACCES);
    CHECK_EQ(vm_mprotect(a->s, A + 2 * P, P, VM_PROT_NONE), VM_OK);   /* now split in three */
    CHECK_EQ(vm_mprotect(a->s, A + 2 * P, P, RW), VM_EACCES);
    CHECK_EQ(vm_mprotect(a->s, A + 3 * P, P, RW), VM_EACCES);
    CHECK_EQ(task_read(&e, a, A + 2 * P, &v), VM_EACCES);
    task_t *c = fork_ok(&e, a);
    CHECK_EQ(vm_mprotect(c->s, A, P, RW), VM_EACCES);            /* the child's copy too */
    CHECK_EQ(task_write(&e, c, A, 5), VM_EACCES);
    CHECK_EQ(vm_mprotect(c->s, A, P, VM_PROT_READ | VM_PROT_EXEC), VM_OK);
    CHECK_EQ(rd(&e, c, A), file_value(0));
    task_exit(&e, c);
    CHECK_EQ(vm_munmap(a->s, A, 4 * P), VM_OK);
    CHECK(vm_object_unused(e.file));
    /* A private view: its shadow reads through the file even after the VMA is split
     * off; a plain private mapping is writable (copy on write), never NOWRITE-limited. */
    CHECK_EQ(vm_mmap(a->s, A, 2 * P, RW, VM_MAP_PRIVATE | VM_MAP_FIXED, e.file, 0, &got), VM_OK);
    wr(&e, a, A, 9);
    CHECK(!vm_object_unused(e.file));
    task_t *d = fork_ok(&e, a);
    CHECK_EQ(vm_munmap(a->s, A, 2 * P), VM_OK);
    CHECK(!vm_object_unused(e.file));               /* d's view still reads through it */
    CHECK_EQ(rd(&e, d, A + P), file_value(1));
    task_exit(&e, d);
    CHECK(vm_object_unused(e.file));
    CHECK(!vm_object_unused(NULL));
    CHECK(!vm_object_unused(vm_zero_object(e.vm)));
    task_exit(&e, a);
    vm_object_put(e.file);
    env_fini(&e);
}

/* Device objects: borrowed frames, shared only, never freed; a hole is EFAULT. */
static void test_device(void)
{
    env_t e;
    env_init(&e);
    static _Alignas(4096) unsigned char regs[2][VM_PAGE_SIZE];
    vm_object_t *d;
    CHECK_EQ(vm_object_create_device(e.vm, 3, &d), VM_OK);
    CHECK_EQ(vm_object_supply(d, 0, (vm_frame_t)regs[0]), VM_OK);
    CHECK_EQ(vm_object_supply(d, 2, (vm_frame_t)regs[1]), VM_OK);
    CHECK_EQ(vm_object_supply(d, 3, (vm_frame_t)regs[1]), VM_EINVAL);
    CHECK_EQ(vm_object_supply(d, 0, (vm_frame_t)regs[1]), VM_EINVAL);
    task_t *t = task_new(&e);
    uintptr_t got;
    CHECK_EQ(vm_mmap(t->s, A, 3 * P, RW, VM_MAP_PRIVATE, d, 0, &got), VM_EINVAL);
    CHECK_EQ(vm_mmap(t->s, A, 3 * P, RW, VM_MAP_SHARED, d, 0, &got), VM_OK);
    wr(&e, t, got, 42);
    uint64_t v;
    memcpy(&v, regs[0], 8);
    CHECK_EQ(v, 42);
    CHECK_EQ(task_read(&e, t, got + P, &v), VM_EFAULT);
    task_t *c = fork_ok(&e, t);
    CHECK_EQ(rd(&e, c, got), 42);
    task_exit(&e, t);
    task_exit(&e, c);
    vm_object_put(d);
    env_fini(&e);
}

/* exec clears the space, reporting every mapping; mmap's argument checks. */
static void test_exec_and_args(void)
{
    env_t e;
    env_init(&e);
    task_t *t = task_new(&e);
    map(&e, t, A, 3, RW, PRIV_ANON);
    for (int i = 0; i < 3; i++) wr(&e, t, A + i * P, i);
    size_t un = e.n_unmap;
    task_exec(&e, t);
    CHECK_EQ(e.n_unmap - un, 3);
    CHECK_EQ(e.frames_live, 0);
    uint64_t v;
    CHECK_EQ(task_read(&e, t, A, &v), VM_EFAULT);
    uintptr_t got;
    CHECK_EQ(vm_mmap(t->s, A, P, RW, VM_MAP_ANON | VM_MAP_FIXED, NULL, 0, &got), VM_EINVAL);
    CHECK_EQ(vm_mmap(t->s, A, P, RW, VM_MAP_ANON | VM_MAP_SHARED | VM_MAP_PRIVATE, NULL, 0, &got), VM_EINVAL);
    CHECK_EQ(vm_mmap(t->s, A, P, 8, PRIV_ANON, NULL, 0, &got), VM_EINVAL);
    CHECK_EQ(vm_mmap(t->s, A, P, RW, PRIV_ANON | 64, NULL, 0, &got), VM_EINVAL);
    CHECK_EQ(vm_mmap(t->s, A + 1, P, RW, PRIV_ANON, NULL, 0, &got), VM_EINVAL);
    CHECK_EQ(vm_mmap(t->s, A, 0, RW, PRIV_ANON, NULL, 0, &got), VM_EINVAL);
    CHECK_EQ(vm_mmap(t->s, (uintptr_t)1 << 38, P, RW, PRIV_ANON, NULL, 0, &got), VM_EINVAL);
    CHECK_EQ(vm_mmap(t->s, ((uintptr_t)1 << 38) - P, 2 * P, RW, PRIV_ANON, NULL, 0, &got), VM_EINVAL);
    CHECK_EQ(vm_mmap(t->s, A, P, RW, VM_MAP_PRIVATE, NULL, 0, &got), VM_EINVAL);
    CHECK_EQ(stats(&e).vmas, 0);
    /* NULL and foreign arguments. */
    vm_fault_result_t fr;
    vm_space_t *child;
    CHECK_EQ(vm_fault(NULL, A, VM_ACCESS_READ, &fr), VM_EINVAL);
    CHECK_EQ(vm_fault(t->s, A, VM_ACCESS_READ, NULL), VM_EINVAL);
    CHECK_EQ(vm_fork(NULL, NULL, &child), VM_EINVAL);
    CHECK_EQ(vm_mmap(NULL, A, P, RW, PRIV_ANON, NULL, 0, &got), VM_EINVAL);
    CHECK_EQ(vm_munmap(NULL, A, P), VM_EINVAL);
    CHECK_EQ(vm_mprotect(NULL, A, P, RW), VM_EINVAL);
    CHECK_EQ(vm_object_supply(NULL, 0, (vm_frame_t)1), VM_EINVAL);
    CHECK_EQ(vm_object_supply(vm_zero_object(e.vm), 0, (vm_frame_t)1), VM_EINVAL);
    CHECK_EQ(vm_object_create_file(e.vm, 0, &e.file), VM_EINVAL);
    vm_object_put(vm_zero_object(e.vm));             /* ignored: the zero object is permanent */
    CHECK_EQ(stats(&e).objects, 1);
    {
        env_t e2;
        env_init(&e2);
        vm_object_t *foreign;
        CHECK_EQ(vm_object_create_file(e2.vm, 1, &foreign), VM_OK);
        CHECK_EQ(vm_mmap(t->s, A, P, RW, VM_MAP_SHARED, foreign, 0, &got), VM_EINVAL);
        vm_object_put(foreign);
        env_fini(&e2);
    }
    /* vm_create's own checks. */
    vm_t *bad;
    vm_alloc_t al = e.vm->a;
    vm_page_ops_t po = e.vm->p;
    vm_mmu_ops_t mo = e.vm->m;
    CHECK_EQ(vm_create(&al, &po, &mo, 0x1001, 0x100000, &bad), VM_EINVAL);
    CHECK_EQ(vm_create(&al, &po, &mo, 0, 0x100000, &bad), VM_EINVAL);
    CHECK_EQ(vm_create(&al, &po, &mo, 0x100000, 0x100000, &bad), VM_EINVAL);
    CHECK_EQ(vm_create(NULL, &po, &mo, 0x1000, 0x100000, &bad), VM_EINVAL);
    po.zero_frame = VM_FRAME_NONE;
    CHECK_EQ(vm_create(&al, &po, &mo, 0x1000, 0x100000, &bad), VM_EINVAL);
    po = e.vm->p;
    mo.unmap = NULL;
    CHECK_EQ(vm_create(&al, &po, &mo, 0x1000, 0x100000, &bad), VM_EINVAL);
    CHECK_EQ(vm_destroy(NULL), VM_EINVAL);
    /* Without FIXED: the hint if free, else the next gap; never over existing VMAs. */
    CHECK_EQ(vm_mmap(t->s, A, 2 * P, RW, VM_MAP_PRIVATE | VM_MAP_ANON, NULL, 0, &got), VM_OK);
    CHECK_EQ(got, A);
    CHECK_EQ(vm_mmap(t->s, A + P, P, RW, VM_MAP_PRIVATE | VM_MAP_ANON, NULL, 0, &got), VM_OK);
    CHECK_EQ(got, A + 2 * P);
    CHECK_EQ(vm_mmap(t->s, 0, P, RW, VM_MAP_PRIVATE | VM_MAP_ANON, NULL, 0, &got), VM_OK);
    CHECK_EQ(got, 0x1000);
    CHECK_EQ(vm_mmap(t->s, A, (uintptr_t)1 << 37, RW, VM_MAP_PRIVATE | VM_MAP_ANON, NULL, 0, &got), VM_OK);
    CHECK_EQ(vm_mmap(t->s, A, (uintptr_t)1 << 37, RW, VM_MAP_PRIVATE | VM_MAP_ANON, NULL, 0, &got), VM_ENOMEM);
    /* /dev/zero maps as anonymous memory. */
    CHECK_EQ(vm_mmap(t->s, A + 8 * P, P, RW, VM_MAP_PRIVATE | VM_MAP_FIXED, vm_zero_object(e.vm), 0, &got), VM_OK);
    CHECK_EQ(rd(&e, t, A + 8 * P), 0);
    wr(&e, t, A + 8 * P, 5);
    CHECK_EQ(rd(&e, t, A + 8 * P), 5);
    /* MAP_FIXED over the middle of existing VMAs replaces just that part. */
    wr(&e, t, A, 1);
    wr(&e, t, A + P, 2);
    map(&e, t, A + P, 1, RW, PRIV_ANON);
    CHECK_EQ(rd(&e, t, A), 1);
    CHECK_EQ(rd(&e, t, A + P), 0);
    env_check(&e, NULL);
    task_exit(&e, t);
    env_fini(&e);
}

/* A repeated fault on a present page allocates nothing and returns the same mapping. */
static void test_lean_fault(void)
{
    env_t e;
    env_init(&e);
    task_t *t = task_new(&e);
    map(&e, t, A, 2, RW, PRIV_ANON);
    wr(&e, t, A, 1);
    rd(&e, t, A + P);
    vm_fault_result_t r1, r2;
    size_t allocs = e.allocs, frames = e.frames_total;
    CHECK_EQ(vm_fault(t->s, A, VM_ACCESS_READ, &r1), VM_OK);
    CHECK_EQ(vm_fault(t->s, A + 8, VM_ACCESS_WRITE, &r2), VM_OK);
    CHECK(r1.frame == r2.frame && r1.va == A && r1.rights == RW && !r1.replaced);
    CHECK(r1.present && r2.present);
    CHECK_EQ(vm_fault(t->s, A + P, VM_ACCESS_READ, &r1), VM_OK);
    CHECK(r1.frame == env_zero_frame() && r1.rights == VM_PROT_READ);
    CHECK_EQ(e.allocs, allocs);
    CHECK_EQ(e.frames_total, frames);
    /* The first read fault of a zero-fill page whose mapping-record path exists
     * (a neighbour is mapped) allocates nothing either. */
    CHECK_EQ(vm_munmap(t->s, A + P, P), VM_OK);
    map(&e, t, A + P, 1, RW, PRIV_ANON);
    allocs = e.allocs;
    CHECK_EQ(rd(&e, t, A + P), 0);
    CHECK_EQ(e.allocs, allocs);
    /* A copy-on-write fault next to pages already held: one page record and one frame,
     * nothing else (the top object's and the record's tree paths exist). */
    map(&e, t, A + 4 * P, 2, RW, PRIV_ANON);
    wr(&e, t, A + 4 * P, 4);
    wr(&e, t, A + 5 * P, 5);
    task_t *c = fork_ok(&e, t);
    wr(&e, t, A + 4 * P, 6);                        /* t's new shadow gets its tree path */
    allocs = e.allocs;
    frames = e.frames_total;
    wr(&e, t, A + 5 * P, 7);
    CHECK_EQ(e.allocs - allocs, 1);
    CHECK_EQ(e.frames_total - frames, 1);
    CHECK_EQ(rd(&e, c, A + 5 * P), 5);
    task_exit(&e, c);
    task_exit(&e, t);
    env_fini(&e);
}

/* The clone-semantics table of docs/vm-objects.md, row by row: what each side reads,
 * how many frames hold the page, how many objects the chain has (the zero object is
 * one more in the figures below). Page a = A of a two-page private VMA; v0 at fork. */
static env_t ce;
static task_t *cp, *cc;

static void clone_setup(bool write_v0)
{
    env_init(&ce);
    cp = task_new(&ce);
    map(&ce, cp, A, 2, RW, PRIV_ANON);
    if (write_v0) wr(&ce, cp, A, 0xa0);
    cc = fork_ok(&ce, cp);
}

static void clone_row(const char *row, task_t *t1, uint64_t want1, task_t *t2, uint64_t want2,
                      size_t frames, size_t objects)
{
    int before = failures;
    if (t1) CHECK_EQ(rd(&ce, t1, A), want1);
    if (t2) CHECK_EQ(rd(&ce, t2, A), want2);
    CHECK_EQ(ce.frames_live, frames);
    CHECK_EQ(stats(&ce).objects, objects + 1);
    if (failures != before) printf("  in row: %s\n", row);
}

static void clone_teardown(void)
{
    if (cp) task_exit(&ce, cp);
    if (cc) task_exit(&ce, cc);
    cp = cc = NULL;
    env_fini(&ce);
}

static void test_clone_table(void)
{
    clone_setup(true);
    clone_row("none", cp, 0xa0, cc, 0xa0, 1, 3);
    clone_teardown();

    clone_setup(true);
    wr(&ce, cp, A, 0xa1);
    clone_row("P writes v1", cp, 0xa1, cc, 0xa0, 2, 3);
    clone_teardown();

    clone_setup(true);
    wr(&ce, cc, A, 0xa2);
    clone_row("C writes v2", cp, 0xa0, cc, 0xa2, 2, 3);
    clone_teardown();

    for (int order = 0; order < 2; order++) {
        clone_setup(true);
        if (order) { wr(&ce, cc, A, 0xa2); wr(&ce, cp, A, 0xa1); }
        else { wr(&ce, cp, A, 0xa1); wr(&ce, cc, A, 0xa2); }
        clone_row("P writes v1, C writes v2", cp, 0xa1, cc, 0xa2, 3, 3);
        clone_teardown();
    }

    clone_setup(true);
    task_exit(&ce, cc);
    cc = NULL;
    clone_row("C exits, no writes", cp, 0xa0, NULL, 0, 1, 1);
    wr(&ce, cp, A, 0xa1);
    clone_row("... P's next write copies nothing", cp, 0xa1, NULL, 0, 1, 1);
    clone_teardown();

    clone_setup(true);
    CHECK_EQ(vm_munmap(cc->s, A, 2 * P), VM_OK);
    clone_row("C unmaps the whole VMA", cp, 0xa0, NULL, 0, 1, 1);
    clone_teardown();

    clone_setup(true);
    task_exec(&ce, cc);
    clone_row("C execs", cp, 0xa0, NULL, 0, 1, 1);
    clone_teardown();

    clone_setup(true);
    wr(&ce, cp, A, 0xa1);
    task_exit(&ce, cc);
    cc = NULL;
    clone_row("P writes v1, then C exits", cp, 0xa1, NULL, 0, 1, 1);
    clone_teardown();

    clone_setup(true);
    wr(&ce, cc, A, 0xa2);
    task_exit(&ce, cp);
    cp = NULL;
    clone_row("C writes v2, then P exits", cc, 0xa2, NULL, 0, 1, 1);
    clone_teardown();

    clone_setup(true);
    task_t *g = fork_ok(&ce, cc);
    clone_row("C forks G, no writes", cp, 0xa0, g, 0xa0, 1, 4);   /* C keeps its empty C' */
    CHECK_EQ(rd(&ce, cc, A), 0xa0);
    task_exit(&ce, g);
    clone_row("then G exits", cp, 0xa0, cc, 0xa0, 1, 3);
    clone_teardown();

    clone_setup(true);
    CHECK_EQ(vm_munmap(cc->s, A + P, P), VM_OK);
    uint64_t v;
    CHECK_EQ(task_read(&ce, cc, A + P, &v), VM_EFAULT);
    CHECK_EQ(rd(&ce, cp, A + P), 0);
    clone_row("C unmaps part of the VMA", cp, 0xa0, cc, 0xa0, 1, 3);
    clone_teardown();

    clone_setup(true);
    CHECK_EQ(vm_munmap(cc->s, A, P), VM_OK);
    map(&ce, cc, A, 1, RW, PRIV_ANON);
    clone_row("C unmaps a, maps anew", cp, 0xa0, cc, 0, 1, 4);
    wr(&ce, cc, A, 0xa3);
    clone_row("... and writes", cp, 0xa0, cc, 0xa3, 2, 4);
    clone_teardown();

    clone_setup(true);
    CHECK_EQ(vm_mprotect(cp->s, A, P, VM_PROT_READ), VM_OK);
    CHECK_EQ(task_write(&ce, cp, A, 1), VM_EACCES);
    wr(&ce, cc, A, 0xa2);
    clone_row("P mprotects read-only, then writes", cp, 0xa0, cc, 0xa2, 2, 3);  /* split VMA, one object */
    clone_teardown();

    clone_setup(false);
    clone_row("zero-fill at fork", cp, 0, cc, 0, 0, 2);         /* nothing to freeze */
    vm_frame_t f1, f2;
    CHECK(vm_mapping(cp->s, A, &f1, NULL) && vm_mapping(cc->s, A, &f2, NULL));
    CHECK(f1 == env_zero_frame() && f2 == env_zero_frame());
    wr(&ce, cc, A, 0xa2);
    clone_row("... C writes", cp, 0, cc, 0xa2, 1, 2);
    wr(&ce, cp, A, 0xa1);
    clone_row("... P writes", cp, 0xa1, cc, 0xa2, 2, 2);
    clone_teardown();
}

/* 300 generations alive at once, each writing its own page and page 0: every one
 * sees its ancestors' pages and its own page 0; exits in a scrambled order keep every
 * survivor's view, the counts agree after each, and everything is freed. */
static void test_deep_chain(void)
{
    enum { G = 300 };
    env_t e;
    env_init(&e);
    static task_t *t[G];
    t[0] = task_new(&e);
    map(&e, t[0], A, G, RW, PRIV_ANON);
    for (int g = 0; g < G; g++) {
        if (g) t[g] = fork_ok(&e, t[g - 1]);
        wr(&e, t[g], A + (uintptr_t)g * P, 1000 + (uint64_t)g);
        wr(&e, t[g], A, (uint64_t)g);
    }
    vm_stats_t st = stats(&e);
    CHECK(st.max_depth >= G / 2);
    CHECK_EQ(rd(&e, t[G - 1], A + 7 * P), 1007);
    CHECK_EQ(rd(&e, t[7], A + 8 * P), 0);
    bool alive[G];
    for (int g = 0; g < G; g++) alive[g] = true;
    for (int k = 0; k < G; k++) {
        int g = (int)(((unsigned)k * 7919u) % G);   /* a permutation of 0..G-1 */
        task_exit(&e, t[g]);
        alive[g] = false;
        if (k % 15 == 0 || k > G - 5) {
            env_check(&e, NULL);
            for (int h = 0; h < G; h += 37) {
                if (!alive[h]) continue;
                CHECK_EQ(rd(&e, t[h], A), (uint64_t)h);
                CHECK_EQ(rd(&e, t[h], A + (uintptr_t)h * P), 1000 + (uint64_t)h);
                if (h) CHECK_EQ(rd(&e, t[h], A + (uintptr_t)(h - 1) * P), 1000 + (uint64_t)h - 1);
            }
        }
    }
    env_fini(&e);
}

/* Thousands of VMAs: every lookup finds the right one after splits and removals. */
static void test_many_vmas(void)
{
    enum { N = 3000 };
    env_t e;
    env_init(&e);
    task_t *t = task_new(&e);
    for (int i = 0; i < N; i++) {
        map(&e, t, A + (uintptr_t)i * 2 * P, 2, RW, PRIV_ANON);
        wr(&e, t, A + (uintptr_t)i * 2 * P, (uint64_t)i);
    }
    for (int i = 0; i < N; i += 3) CHECK_EQ(vm_munmap(t->s, A + (uintptr_t)i * 2 * P + P, P), VM_OK);
    for (int i = 1; i < N; i += 3) CHECK_EQ(vm_munmap(t->s, A + (uintptr_t)i * 2 * P, 2 * P), VM_OK);
    CHECK_EQ(stats(&e).vmas, N - (N + 1) / 3);
    for (int i = 0; i < N; i++) {
        uint64_t v;
        uintptr_t va = A + (uintptr_t)i * 2 * P;
        if (i % 3 == 1) {
            CHECK_EQ(task_read(&e, t, va, &v), VM_EFAULT);
        } else {
            CHECK_EQ(rd(&e, t, va), (uint64_t)i);
            CHECK_EQ(task_read(&e, t, va + P, &v), i % 3 == 0 ? VM_EFAULT : VM_OK);
        }
    }
    env_check(&e, NULL);
    task_exit(&e, t);
    env_fini(&e);
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
    { "deep_chain", test_deep_chain },
    { "many_vmas", test_many_vmas },
    { "clone_table", test_clone_table },
    { "fork_tree", test_fork_tree },
    { "isolation", test_isolation },
    { "zero_page", test_zero_page },
    { "shared_across_fork", test_shared_across_fork },
    { "munmap", test_munmap },
    { "collapse", test_collapse },
    { "mprotect", test_mprotect },
    { "brk", test_brk },
    { "file", test_file },
    { "device", test_device },
    { "nowrite_and_unused", test_nowrite_and_unused },
    { "exec_and_args", test_exec_and_args },
    { "lean_fault", test_lean_fault },
};

int main(int argc, char **argv)
{
    int ran = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (argc > 1 && strcmp(argv[1], tests[i].name)) continue;
        int before = failures;
        tests[i].fn();
        printf("%s %s\n", failures == before ? "ok" : "not ok", tests[i].name);
        ran++;
    }
    if (!ran) { printf("no test named %s\n", argv[1]); return 1; }
    return failures ? 1 : 0;
}
