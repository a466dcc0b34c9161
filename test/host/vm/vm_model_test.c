/* Randomized model test of the VM core.
 *
 * Up to six tasks over a 48-page window do random mmap (anonymous or file, private or
 * shared, replacing what was there), munmap, mprotect, brk, reads, writes, fork, exit and
 * exec. The model is flat: each task's page is unmapped, its own cell (private), a
 * cell shared with others (shared mappings, file pages), or a view of a file cell
 * until written (private file mappings), with values in a cell array. After every step:
 * the self-check, every page of every task through vm_peek against the model, and each
 * task's simulated page table against the VM's record. At the end every frame and
 * byte must be back.
 *
 * Usage: vm_model_test SEED STEPS INJECT — with INJECT=1, a third of the steps run with
 * an allocation failure injected after 0..5 allocations (sticky or one-shot); an
 * operation failing with VM_ENOMEM must have changed nothing. */
#include <string.h>

#include "vm_env.h"

#define W 48
#define BASE ((uintptr_t)0x20000000)
#define MAXT 6
#define FILE_PAGES 12
#define P VM_PAGE_SIZE

enum { M_NONE, M_OWN, M_SHARED, M_VIEW, M_EOF };

typedef struct {
    uint8_t mode, prot;
    int cell;
} mpage_t;

typedef struct {
    task_t *t;
    mpage_t pg[W];
    int brk_top;      /* heap end in pages from BASE (the heap starts at HEAP) */
} mtask_t;

#define HEAP 32       /* the heap's first page in the window; it may grow to W */

static uint64_t *cells;
static size_t ncells, capcells;
static mtask_t tasks[MAXT];
static int ntasks;
static uint64_t seed_state, counter;
static env_t env;
static bool inject;
static long step;

static uint64_t rnd(void)
{
    uint64_t x = seed_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return seed_state = x;
}

static int cell_new(uint64_t v)
{
    if (ncells == capcells) {
        capcells = capcells ? capcells * 2 : 1024;
        cells = realloc(cells, capcells * sizeof *cells);
    }
    cells[ncells] = v;
    return (int)ncells++;
}

static uint64_t file_value(uint64_t i) { return 0xf11e000000ull + i; }

/* Where a value's second copy lives in a page: a word that depends on the value. */
static uintptr_t check_word(uint64_t v) { return (uintptr_t)(v % 511 + 1) * 8; }

static void heap_init(mtask_t *m)
{
    if (vm_brk_init(m->t->s, BASE + HEAP * P) != VM_OK) { printf("FAIL brk_init\n"); exit(1); }
    m->brk_top = HEAP;
}

static void spawn(void)
{
    task_t *t = task_new(&env);
    if (!t) { printf("FAIL task_new\n"); exit(1); }
    memset(&tasks[ntasks], 0, sizeof tasks[ntasks]);
    tasks[ntasks].t = t;
    heap_init(&tasks[ntasks++]);
}

static const char *opname;

static void expect_rc(int got, int want)
{
    if (got != want) {
        printf("FAIL step %ld (%s): got %d, model says %d\n", step, opname, got, want);
        failures++;
    }
}

/* --- the operations, each applying itself to the model only on success ---------- */

static int op_mmap(mtask_t *m)
{
    opname = "mmap";
    int s = (int)(rnd() % W), n = 1 + (int)(rnd() % 8);
    if (s + n > W) n = W - s;
    int kind = (int)(rnd() % 4);
    static const uint8_t prots[] = { VM_PROT_READ, VM_PROT_READ | VM_PROT_WRITE,
                                     VM_PROT_READ | VM_PROT_WRITE, VM_PROT_NONE };
    uint8_t prot = prots[rnd() % 4];
    int f = (int)(rnd() % (FILE_PAGES + 2));
    bool file = kind >= 2, shared = kind & 1;
    uintptr_t got;
    int r = vm_mmap(m->t->s, BASE + (uintptr_t)s * P, (size_t)n * P, prot,
                    (shared ? VM_MAP_SHARED : VM_MAP_PRIVATE) | VM_MAP_FIXED |
                    (file ? 0 : VM_MAP_ANON),
                    file ? env.file : NULL, file ? (uint64_t)f * P : 0, &got);
    if (r != VM_OK) return r;
    for (int i = 0; i < n; i++) {
        mpage_t *p = &m->pg[s + i];
        p->prot = prot;
        if (!file) {
            p->mode = shared ? M_SHARED : M_OWN;
            p->cell = cell_new(0);
        } else if (f + i >= FILE_PAGES) {
            p->mode = M_EOF;
        } else {
            p->mode = shared ? M_SHARED : M_VIEW;
            p->cell = f + i;
        }
    }
    return VM_OK;
}

static void pick_range(int *s, int *n)
{
    *s = (int)(rnd() % W);
    *n = 1 + (int)(rnd() % 10);
    if (*s + *n > W) *n = W - *s;
}

static int op_munmap(mtask_t *m)
{
    opname = "munmap";
    int s, n;
    pick_range(&s, &n);
    int r = vm_munmap(m->t->s, BASE + (uintptr_t)s * P, (size_t)n * P);
    if (r == VM_OK)
        for (int i = 0; i < n; i++) m->pg[s + i].mode = M_NONE;
    return r;
}

static int op_mprotect(mtask_t *m)
{
    opname = "mprotect";
    int s, n;
    pick_range(&s, &n);
    static const uint8_t prots[] = { VM_PROT_NONE, VM_PROT_READ, VM_PROT_READ | VM_PROT_WRITE };
    uint8_t prot = prots[rnd() % 3];
    int r = vm_mprotect(m->t->s, BASE + (uintptr_t)s * P, (size_t)n * P, prot);
    bool hole = false;
    for (int i = 0; i < n; i++) hole |= m->pg[s + i].mode == M_NONE;
    if (r == VM_OK && hole) expect_rc(r, VM_ENOMEM);
    if (r == VM_ENOMEM && hole) return VM_OK;   /* the answer the model expects */
    if (r == VM_OK)
        for (int i = 0; i < n; i++) m->pg[s + i].prot = prot;
    return r;
}

/* What the model says an access should return. */
static int model_access(const mpage_t *p, unsigned prot)
{
    if (p->mode == M_NONE) return VM_EFAULT;
    if (!(p->prot & prot)) return VM_EACCES;
    if (p->mode == M_EOF) return VM_EFAULT;
    return VM_OK;
}

static int op_write(mtask_t *m)
{
    opname = "write";
    int i = (int)(rnd() % W);
    mpage_t *p = &m->pg[i];
    uint64_t v = ++counter * 0x10001;
    uintptr_t va = BASE + (uintptr_t)i * P;
    int want = model_access(p, VM_PROT_WRITE);
    int r = task_write(&env, m->t, va, v);
    if (r == VM_OK) r = task_write(&env, m->t, va + check_word(v), v);   /* mapped now */
    if (r == VM_ENOMEM && inject) return r;
    expect_rc(r, want);
    if (r != VM_OK || want != VM_OK) return VM_OK;
    if (p->mode == M_VIEW) {
        p->mode = M_OWN;
        p->cell = cell_new(v);
    } else {
        cells[p->cell] = v;
    }
    return VM_OK;
}

static bool value_ok(uint64_t w0, uint64_t wc, uint64_t want)
{
    return w0 == want && wc == want;
}

static int op_read(mtask_t *m)
{
    opname = "read";
    int i = (int)(rnd() % W);
    mpage_t *p = &m->pg[i];
    uintptr_t va = BASE + (uintptr_t)i * P;
    int want = model_access(p, VM_PROT_READ);
    uint64_t w0 = 0, wc = 0;
    int r = task_read(&env, m->t, va, &w0);
    if (r == VM_ENOMEM && inject) return r;
    expect_rc(r, want);
    if (r == VM_OK && want == VM_OK) {
        uint64_t v = cells[p->cell];
        task_read(&env, m->t, va + check_word(v), &wc);
        if (!value_ok(w0, wc, v)) {
            printf("FAIL step %ld: task %d page %d reads %#llx/%#llx, model %#llx\n", step,
                   m->t->id, i, (unsigned long long)w0, (unsigned long long)wc, (unsigned long long)v);
            failures++;
        }
    }
    return VM_OK;
}

static int op_fork(mtask_t *m)
{
    opname = "fork";
    if (ntasks == MAXT) return VM_OK;
    int err;
    task_t *c = task_fork(&env, m->t, &err);
    if (!c) return err;
    mtask_t *cm = &tasks[ntasks++];
    cm->t = c;
    cm->brk_top = m->brk_top;
    for (int i = 0; i < W; i++) {
        cm->pg[i] = m->pg[i];
        if (m->pg[i].mode == M_OWN) cm->pg[i].cell = cell_new(cells[m->pg[i].cell]);
    }
    return VM_OK;
}

static void op_exit(int ti)
{
    opname = "exit";
    task_exit(&env, tasks[ti].t);
    tasks[ti] = tasks[--ntasks];
}

static void op_exec(mtask_t *m)
{
    opname = "exec";
    task_exec(&env, m->t);
    for (int i = 0; i < W; i++) m->pg[i].mode = M_NONE;
    heap_init(m);
}

/* brk to a random end within the window: growth blocked by anything mapped in the
 * way; new heap pages are private, read-write and zero; released ones are unmapped. */
static int op_brk(mtask_t *m)
{
    opname = "brk";
    int top = HEAP + (int)(rnd() % (W - HEAP + 1));
    uintptr_t end = BASE + (uintptr_t)top * P, cur;
    if (top > HEAP && rnd() % 2) end -= 1 + rnd() % (P - 1);   /* mid-page: same page top */
    bool blocked = false;
    for (int i = m->brk_top; i < top; i++) blocked |= m->pg[i].mode != M_NONE;
    int r = vm_brk(m->t->s, end, &cur);
    if (r == VM_OK && blocked) expect_rc(r, VM_ENOMEM);
    if (r == VM_ENOMEM && blocked) return VM_OK;
    if (r != VM_OK) return r;
    if (cur != end) { printf("FAIL brk returned %#lx\n", (unsigned long)cur); failures++; }
    for (int i = m->brk_top; i < top; i++) {
        m->pg[i].mode = M_OWN;
        m->pg[i].prot = VM_PROT_READ | VM_PROT_WRITE;
        m->pg[i].cell = cell_new(0);
    }
    for (int i = top; i < m->brk_top; i++) m->pg[i].mode = M_NONE;
    m->brk_top = top;
    return VM_OK;
}

/* --- the checks after every step ---------------------------------------------------- */

static void check_everything(void)
{
    vm_stats_t st;
    if (!env_check(&env, &st)) { printf("  after step %ld (%s)\n", step, opname); exit(1); }
    if ((int)st.spaces != ntasks) { printf("FAIL spaces %zu, tasks %d\n", st.spaces, ntasks); failures++; }
    for (int ti = 0; ti < ntasks; ti++) {
        mtask_t *m = &tasks[ti];
        if (!task_hw_consistent(&env, m->t)) { printf("  after step %ld (%s)\n", step, opname); exit(1); }
        for (int i = 0; i < W; i++) {
            mpage_t *p = &m->pg[i];
            uintptr_t va = BASE + (uintptr_t)i * P;
            vm_frame_t f;
            int r = vm_peek(m->t->s, va, &f);
            int want = p->mode == M_NONE || p->mode == M_EOF ? VM_EFAULT : VM_OK;
            if (r == VM_EPAGEIN) {
                /* Not paged in: only a file cell nobody has written can be like that. */
                if ((p->mode != M_VIEW && p->mode != M_SHARED) || p->cell >= FILE_PAGES ||
                    cells[p->cell] != file_value((uint64_t)p->cell)) {
                    printf("FAIL step %ld: task %d page %d not paged in, model mode %d\n", step, m->t->id, i, p->mode);
                    failures++;
                }
                continue;
            }
            if (r != want) {
                printf("FAIL step %ld (%s): task %d page %d peek %d, model mode %d\n", step, opname, m->t->id, i, r, p->mode);
                failures++;
                continue;
            }
            if (r != VM_OK) continue;
            uint64_t v = cells[p->cell];
            if (!value_ok(frame_word(f, 0), frame_word(f, check_word(v)), v)) {
                printf("FAIL step %ld (%s): task %d page %d holds %#llx, model %#llx (mode %d)\n", step, opname,
                       m->t->id, i, (unsigned long long)frame_word(f, 0), (unsigned long long)v, p->mode);
                failures++;
            }
            /* A writable installed mapping only where the model allows writes. */
            unsigned rights;
            if (vm_mapping(m->t->s, va, NULL, &rights) && (rights & ~(unsigned)p->prot)) {
                printf("FAIL step %ld: task %d page %d mapped with rights %u beyond prot %u\n", step, m->t->id, i, rights, p->prot);
                failures++;
            }
        }
    }
    if (failures) { printf("  after step %ld (%s)\n", step, opname); exit(1); }
}

int main(int argc, char **argv)
{
    if (argc != 4) { printf("usage: vm_model_test SEED STEPS INJECT\n"); return 2; }
    uint64_t seed = strtoull(argv[1], NULL, 0);
    long steps = strtol(argv[2], NULL, 0);
    inject = atoi(argv[3]) != 0;
    seed_state = seed * 0x9E3779B97F4A7C15ull + 1;

    env_init(&env);
    if (vm_object_create_file(env.vm, FILE_PAGES, &env.file) != VM_OK) return 1;
    env.file_value = file_value;
    for (int i = 0; i < FILE_PAGES; i++) cell_new(file_value((uint64_t)i));
    spawn();

    size_t forks = 0, exits = 0, enomem = 0, max_depth = 0;
    for (step = 0; step < steps; step++) {
        if (ntasks == 0) spawn();
        int ti = (int)(rnd() % (uint64_t)ntasks);
        mtask_t *m = &tasks[ti];
        bool injected = inject && rnd() % 3 == 0;
        if (injected) env_fail_after(&env, (long)(rnd() % 6), rnd() % 2);
        int r = VM_OK;
        unsigned op = (unsigned)(rnd() % 100);
        if (op < 6) r = op_brk(m);
        else if (op < 14) r = op_mmap(m);
        else if (op < 22) r = op_munmap(m);
        else if (op < 28) r = op_mprotect(m);
        else if (op < 58) r = op_write(m);
        else if (op < 84) r = op_read(m);
        else if (op < 92) { r = op_fork(m); forks += r == VM_OK; }
        else if (op < 97) { if (ntasks > 1 || rnd() % 4 == 0) { op_exit(ti); exits++; } }
        else if (op < 98) op_exec(m);
        else r = op_brk(m);
        env_fail_off(&env);
        if (r == VM_ENOMEM && injected) enomem++;
        else if (r != VM_OK) {
            printf("FAIL step %ld (%s): unexpected %d\n", step, opname, r);
            failures++;
        }
        check_everything();
        vm_stats_t st;
        vm_check(env.vm, &st, NULL, 0);
        if (st.max_depth > max_depth) max_depth = st.max_depth;
    }
    while (ntasks) op_exit(ntasks - 1);
    check_everything();
    vm_stats_t st;
    env_check(&env, &st);
    CHECK_EQ(st.objects, 2);     /* the file and /dev/zero: nothing else survived */
    vm_object_put(env.file);
    env_check(&env, &st);
    CHECK_EQ(st.objects, 1);
    CHECK_EQ(st.pages, 1);       /* the zero page */
    env_fini(&env);
    free(cells);
    printf("%s vm_model seed=%llu steps=%ld forks=%zu exits=%zu enomem=%zu injected=%zu max_depth=%zu\n",
           failures ? "not ok" : "ok", (unsigned long long)seed, steps, forks, exits, enomem,
           env.injected, max_depth);
    return failures ? 1 : 0;
}
