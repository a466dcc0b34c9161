/* Allocation-failure injection, exhaustively: each operation of a scripted scenario is
 * run with the k-th allocation (metadata or frame) failing, for k = 0, 1, ... until it
 * succeeds. Every failed attempt must return VM_ENOMEM and leave the self-check
 * passing, every task's contents and page table exactly as before. A collapse that
 * runs out of memory during exit is deferred, then completed by the next operation. */
#include <string.h>

#include "vm_env.h"

#define P VM_PAGE_SIZE
#define A ((uintptr_t)0x10000000)
#define NPG 16
#define RW (VM_PROT_READ | VM_PROT_WRITE)

static env_t e;
static task_t *tk[4];
static int ntk;

typedef struct { int rc; uint64_t w; size_t nhw; } snap_t;

static uint64_t file_value(uint64_t i) { return 0xabc00000 + i; }

/* The pages compared: the first NPG, then a few of the heap (which starts at A+200P). */
static const int heap_pages[8] = { 0, 5, 31, 60, 90, 95, 98, 99 };
static uintptr_t va_of(int i)
{
    return A + (uintptr_t)(i < NPG ? i : 200 + heap_pages[i - NPG]) * P;
}

static void take(snap_t s[4][NPG + 256])
{
    for (int t = 0; t < ntk; t++)
        for (int i = 0; i < NPG + 8; i++) {
            vm_frame_t f;
            s[t][i].rc = vm_peek(tk[t]->s, va_of(i), &f);
            s[t][i].w = s[t][i].rc == VM_OK ? frame_word(f, 0) : 0;
            if (s[t][i].rc == VM_EPAGEIN) {   /* the file VMA: pages 8..11 are file pages 2..5 */
                s[t][i].rc = VM_OK;
                s[t][i].w = file_value((uint64_t)(i - 8 + 2));
            }
            s[t][i].nhw = tk[t]->nhw;
        }
}

static bool same(snap_t a[4][NPG + 256], snap_t b[4][NPG + 256])
{
    for (int t = 0; t < ntk; t++)
        for (int i = 0; i < NPG + 8; i++)
            if (a[t][i].rc != b[t][i].rc || a[t][i].w != b[t][i].w || a[t][i].nhw != b[t][i].nhw) {
                printf("FAIL task %d page %d changed: %d/%#llx -> %d/%#llx\n", t, i, a[t][i].rc,
                       (unsigned long long)a[t][i].w, b[t][i].rc, (unsigned long long)b[t][i].w);
                return false;
            }
    return true;
}

static int n_fork_child;

/* One operation of the script; returns its result. */
static int run(int op)
{
    uintptr_t got;
    uint64_t v;
    int err;
    switch (op) {
    case 0: {   /* fork with anon, shared, file and split VMAs */
        task_t *c = task_fork(&e, tk[0], &err);
        if (c) { tk[ntk++] = c; n_fork_child = ntk - 1; }
        return err;
    }
    case 1: return task_write(&e, tk[n_fork_child], A + 1 * P, 0x111);       /* COW copy */
    case 2: return task_write(&e, tk[0], A + 2 * P, 0x222);                  /* COW copy, parent */
    case 3: return task_write(&e, tk[0], A + 6 * P, 0x666);                  /* zero fill */
    case 4: return task_read(&e, tk[n_fork_child], A + 9 * P, &v);           /* page-in */
    case 5: return task_write(&e, tk[n_fork_child], A + 10 * P, 0xaaa);      /* copy of a file page */
    case 6: return vm_mmap(tk[0]->s, A + 3 * P, P, RW, VM_MAP_PRIVATE | VM_MAP_ANON | VM_MAP_FIXED, NULL, 0, &got);
    case 7: return vm_munmap(tk[n_fork_child]->s, A + 2 * P, P);
    case 8: return vm_mprotect(tk[0]->s, A + 1 * P, P, VM_PROT_READ);
    case 9: return task_write(&e, tk[0], A + 290 * P, 0x290);                /* heap, parent */
    case 10: return task_write(&e, tk[n_fork_child], A + 231 * P, 0x231);    /* heap, child */
    case 11: return task_write(&e, tk[0], A + 13 * P, 0xddd);                 /* shared page */
    case 12: return vm_mmap(tk[1]->s, 0, 3 * P, RW, VM_MAP_SHARED | VM_MAP_ANON, NULL, 0, &got);
    }
    return VM_EINVAL;
}

static void setup(void)
{
    env_init(&e);
    CHECK_EQ(vm_object_create_file(e.vm, 8, &e.file), VM_OK);
    e.file_value = file_value;
    tk[ntk++] = task_new(&e);
    uintptr_t got;
    /* [A, A+8P) private anon; [A+8P, A+12P) private file; [A+12P, A+16P) shared anon;
     * heap at A+200P. */
    CHECK_EQ(vm_mmap(tk[0]->s, A, 8 * P, RW, VM_MAP_PRIVATE | VM_MAP_ANON | VM_MAP_FIXED, NULL, 0, &got), VM_OK);
    CHECK_EQ(vm_mmap(tk[0]->s, A + 8 * P, 4 * P, RW, VM_MAP_PRIVATE | VM_MAP_FIXED, e.file, 2 * P, &got), VM_OK);
    CHECK_EQ(vm_mmap(tk[0]->s, A + 12 * P, 4 * P, RW, VM_MAP_SHARED | VM_MAP_ANON | VM_MAP_FIXED, NULL, 0, &got), VM_OK);
    CHECK_EQ(vm_brk_init(tk[0]->s, A + 200 * P), VM_OK);
    CHECK_EQ(vm_brk(tk[0]->s, A + 300 * P, &got), VM_OK);
    for (int i = 0; i < 6; i++) CHECK_EQ(task_write(&e, tk[0], A + (uintptr_t)i * P, 0x1000 + i), VM_OK);
    CHECK_EQ(task_write(&e, tk[0], A + 8 * P, 0x88), VM_OK);
    CHECK_EQ(task_write(&e, tk[0], A + 12 * P, 0xcc), VM_OK);
    CHECK_EQ(task_write(&e, tk[0], A + 205 * P, 0x205), VM_OK);
    CHECK_EQ(vm_mprotect(tk[0]->s, A + 4 * P, P, VM_PROT_READ), VM_OK);   /* a split */
    tk[ntk++] = task_new(&e);
}

int main(void)
{
    setup();
    static snap_t before[4][NPG + 256], after[4][NPG + 256];
    int ops = 13;
    size_t total_fail = 0;
    for (int op = 0; op < ops; op++) {
        int k, r, fails = 0;
        for (k = 0; k < 1000; k++) {
            take(before);
            env_fail_after(&e, k, true);
            r = run(op);
            env_fail_off(&e);
            if (r != VM_ENOMEM) break;
            fails++;
            if (!env_check(&e, NULL)) { printf("  op %d, failing allocation %d\n", op, k); return 1; }
            for (int t = 0; t < ntk; t++) task_hw_consistent(&e, tk[t]);
            take(after);
            if (!same(before, after)) { failures++; printf("  op %d, failing allocation %d\n", op, k); return 1; }
        }
        if (r != VM_OK) { printf("FAIL op %d: %d after %d failures\n", op, r, fails); failures++; }
        if (!env_check(&e, NULL)) return 1;
        printf("op %d: ENOMEM %d times, then done\n", op, fails);
        total_fail += (size_t)fails;
        /* Every operation here allocates something (a frame, an object, room). */
        if (fails == 0) { printf("FAIL op %d never ran out of memory\n", op); failures++; }
    }
    CHECK(total_fail > 20);

    /* A deferred collapse: in the heap the parent wrote only page 90 after the fork and
     * the hidden original holds page 5, so folding one into the other needs a new
     * radix node; with every allocation failing, exit leaves that one chain as it is. */
    uint64_t v;
    vm_stats_t st1, st2, st3;
    env_fail_after(&e, 0, true);
    task_exit(&e, tk[n_fork_child]);
    env_fail_off(&e);
    tk[n_fork_child] = tk[--ntk];
    env_check(&e, &st1);
    CHECK_EQ(task_read(&e, tk[0], A + 290 * P, &v), VM_OK);
    CHECK_EQ(v, 0x290);
    CHECK_EQ(task_read(&e, tk[0], A + 205 * P, &v), VM_OK);
    CHECK_EQ(v, 0x205);
    CHECK_EQ(task_read(&e, tk[0], A + 231 * P, &v), VM_OK);   /* the child's write: gone */
    CHECK_EQ(v, 0);
    env_check(&e, &st2);
    CHECK_EQ(st2.objects, st1.objects);            /* reads do not retry collapses */
    CHECK_EQ(vm_munmap(tk[0]->s, A + 400 * P, P), VM_OK);   /* the next operation does */
    env_check(&e, &st3);
    CHECK_EQ(st3.objects, st1.objects - 1);
    CHECK_EQ(st3.shadows, st1.shadows - 1);
    CHECK_EQ(task_read(&e, tk[0], A + 205 * P, &v), VM_OK);
    CHECK_EQ(v, 0x205);
    CHECK_EQ(task_read(&e, tk[0], A + 290 * P, &v), VM_OK);
    CHECK_EQ(v, 0x290);

    /* vm_create running out of memory returns everything it took. */
    int k, r = VM_ENOMEM;
    for (k = 0; k < 10 && r == VM_ENOMEM; k++) {
        static env_t e2;
        r = env_try_init(&e2, k);
        if (r == VM_ENOMEM) CHECK_EQ(e2.live_blocks, 0);
        else env_fini(&e2);
    }
    CHECK_EQ(r, VM_OK);
    CHECK(k > 1);
    while (ntk) task_exit(&e, tk[--ntk]);
    vm_object_put(e.file);
    env_fini(&e);
    printf("%s vm_failure_every_allocation\n", failures ? "not ok" : "ok");
    return failures ? 1 : 0;
}
