/* Host environment for the VM-core tests (see vm_env.h). */
#include "vm_env.h"

#include <string.h>

int failures;

#define VA_LO ((uintptr_t)0x1000)
#define VA_HI ((uintptr_t)1 << 38)   /* Sv39's lower half */

static _Alignas(4096) unsigned char zero_page[VM_PAGE_SIZE];

vm_frame_t env_zero_frame(void) { return (vm_frame_t)zero_page; }

uint64_t frame_word(vm_frame_t f, uintptr_t off)
{
    uint64_t v;
    memcpy(&v, (unsigned char *)f + (off & (VM_PAGE_SIZE - 8)), 8);
    return v;
}

static bool injected_failure(env_t *e)
{
    if (e->failing) return true;
    if (e->fail_in < 0) return false;
    if (e->fail_in-- > 0) return false;
    e->injected++;
    e->failing = e->fail_sticky;
    return true;
}

void env_fail_after(env_t *e, long n, bool sticky)
{
    e->fail_in = n;
    e->fail_sticky = sticky;
    e->failing = false;
}

void env_fail_off(env_t *e)
{
    e->fail_in = -1;
    e->failing = false;
}

/* Every block carries its size, so the size the library passes to free is checked. */
static void *t_alloc(void *ctx, size_t n)
{
    env_t *e = ctx;
    if (injected_failure(e)) return NULL;
    size_t *p = malloc(n + 16);
    if (!p) abort();
    p[0] = n;
    p[1] = 0x5ca1ab1e;
    e->live_blocks++;
    e->live_bytes += n;
    e->allocs++;
    return p + 2;
}

static void t_free(void *ctx, void *q, size_t n)
{
    env_t *e = ctx;
    size_t *p = (size_t *)q - 2;
    if (p[0] != n || p[1] != 0x5ca1ab1e) {
        printf("FAIL free with size %zu of a block of %zu\n", n, p[0]);
        failures++;
    }
    p[1] = 0;
    e->live_blocks--;
    e->live_bytes -= n;
    free(p);
}

static vm_frame_t f_alloc(void *ctx)
{
    env_t *e = ctx;
    if (injected_failure(e)) return VM_FRAME_NONE;
    void *f = aligned_alloc(VM_PAGE_SIZE, VM_PAGE_SIZE);
    if (!f) abort();
    memset(f, 0xa5, VM_PAGE_SIZE);   /* garbage: the library must zero or copy */
    e->frames_live++;
    e->frames_total++;
    return (vm_frame_t)f;
}

static void f_free(void *ctx, vm_frame_t f)
{
    env_t *e = ctx;
    if (f == env_zero_frame()) {
        printf("FAIL the zero frame was freed\n");
        failures++;
        return;
    }
    e->frames_live--;
    free((void *)f);
}

static void f_copy(void *ctx, vm_frame_t d, vm_frame_t s)
{
    (void)ctx;
    if (d == env_zero_frame()) { printf("FAIL copy into the zero frame\n"); failures++; return; }
    memcpy((void *)d, (void *)s, VM_PAGE_SIZE);
}

static void f_zero(void *ctx, vm_frame_t f)
{
    (void)ctx;
    memset((void *)f, 0, VM_PAGE_SIZE);
}

static hw_entry_t *hw_find(task_t *t, uintptr_t va)
{
    for (size_t i = 0; i < t->nhw; i++)
        if (t->hw[i].va == va) return &t->hw[i];
    return NULL;
}

static void hw_drop(task_t *t, hw_entry_t *h) { *h = t->hw[--t->nhw]; }

static void m_unmap(void *ctx, vm_space_t *s, uintptr_t va, vm_frame_t f)
{
    env_t *e = ctx;
    task_t *t = vm_space_user(s);
    hw_entry_t *h = hw_find(t, va);
    e->n_unmap++;
    if (!h || h->frame != f) { e->bad_reports++; return; }
    hw_drop(t, h);
}

static void m_protect(void *ctx, vm_space_t *s, uintptr_t va, vm_frame_t f, unsigned rights)
{
    env_t *e = ctx;
    task_t *t = vm_space_user(s);
    hw_entry_t *h = hw_find(t, va);
    e->n_protect++;
    if (!h || h->frame != f || (rights & ~h->rights)) { e->bad_reports++; return; }
    h->rights = rights;
}

int env_try_init(env_t *e, long fail_after)
{
    memset(e, 0, sizeof *e);
    e->fail_in = fail_after;
    vm_alloc_t a = { t_alloc, t_free, e };
    vm_page_ops_t p = { f_alloc, f_free, f_copy, f_zero, env_zero_frame(), e };
    vm_mmu_ops_t m = { m_unmap, m_protect, e };
    memset(zero_page, 0, sizeof zero_page);
    int r = vm_create(&a, &p, &m, VA_LO, VA_HI, &e->vm);
    env_fail_off(e);
    return r;
}

void env_init(env_t *e)
{
    int r = env_try_init(e, -1);
    if (r != VM_OK) { printf("FAIL vm_create %d\n", r); exit(1); }
}

void env_fini(env_t *e)
{
    CHECK_EQ(vm_destroy(e->vm), VM_OK);
    CHECK_EQ(e->frames_live, 0);
    CHECK_EQ(e->live_blocks, 0);
    CHECK_EQ(e->live_bytes, 0);
    CHECK_EQ(e->bad_reports, 0);
    for (size_t i = 0; i < VM_PAGE_SIZE; i++)
        if (zero_page[i]) { printf("FAIL the zero page was written\n"); failures++; break; }
}

bool env_check(env_t *e, vm_stats_t *st)
{
    char msg[200];
    vm_stats_t tmp;
    if (vm_check(e->vm, st ? st : &tmp, msg, sizeof msg) != 0) {
        printf("FAIL vm_check: %s\n", msg);
        failures++;
        return false;
    }
    if (e->bad_reports) {
        printf("FAIL %zu reports named mappings the MMU did not have\n", e->bad_reports);
        failures++;
        e->bad_reports = 0;
        return false;
    }
    return true;
}

task_t *task_new(env_t *e)
{
    static int ids;
    task_t *t = calloc(1, sizeof *t);
    t->id = ++ids;
    if (vm_space_create(e->vm, t, &t->s) != VM_OK) {
        free(t);
        return NULL;
    }
    return t;
}

task_t *task_fork(env_t *e, task_t *p, int *err)
{
    (void)e;
    static int ids = 1000;
    task_t *t = calloc(1, sizeof *t);
    t->id = ++ids;
    *err = vm_fork(p->s, t, &t->s);
    if (*err != VM_OK) {
        free(t);
        return NULL;
    }
    return t;
}

void task_exit(env_t *e, task_t *t)
{
    (void)e;
    vm_space_destroy(t->s);
    if (t->nhw) { printf("FAIL task %d exited with %zu mappings left in its table\n", t->id, t->nhw); failures++; }
    free(t);
}

void task_exec(env_t *e, task_t *t)
{
    (void)e;
    vm_space_clear(t->s);
    if (t->nhw) { printf("FAIL exec left %zu mappings\n", t->nhw); failures++; }
}

/* Pages in a file page: its pristine contents in a fresh frame. */
static int page_in(env_t *e, vm_object_t *o, uint64_t idx)
{
    if (o != e->file) return VM_EFAULT;
    vm_frame_t f = f_alloc(e);
    if (f == VM_FRAME_NONE) return VM_ENOMEM;
    uint64_t v = e->file_value(idx);
    for (size_t off = 0; off < VM_PAGE_SIZE; off += 8) memcpy((unsigned char *)f + off, &v, 8);
    int r = vm_object_supply(o, idx, f);
    if (r != VM_OK) f_free(e, f);
    return r;
}

static int access_word(env_t *e, task_t *t, uintptr_t va, unsigned acc, uint64_t *v)
{
    uintptr_t pva = va & ~(VM_PAGE_SIZE - 1);
    unsigned need = acc == VM_ACCESS_WRITE ? VM_PROT_WRITE : VM_PROT_READ;
    hw_entry_t *h = hw_find(t, pva);
    if (!h || !(h->rights & need)) {
        vm_fault_result_t r;
        int err;
        for (int tries = 0;; tries++) {
            err = vm_fault(t->s, va, acc, &r);
            if (err != VM_EPAGEIN) break;
            if (tries > 0) { printf("FAIL page-in twice\n"); failures++; return VM_EFAULT; }
            err = page_in(e, r.pagein_obj, r.pagein_index);
            if (err != VM_OK) return err;
        }
        if (err != VM_OK) return err;
        /* Install: the result must agree with what the table holds. */
        if (r.va != pva || !(r.rights & need)) { printf("FAIL fault result va/rights\n"); failures++; }
        if (r.present) { printf("FAIL fault says present, table disagrees\n"); failures++; }
        if (r.replaced != (h != NULL) || (h && r.old_frame != h->frame)) {
            printf("FAIL fault result replaced=%d but table has %s\n", r.replaced, h ? "a mapping" : "none");
            failures++;
        }
        if (!h) {
            if (t->nhw == HW_MAX) { printf("FAIL hw table full\n"); exit(1); }
            h = &t->hw[t->nhw++];
        }
        h->va = pva;
        h->frame = r.frame;
        h->rights = r.rights;
    }
    unsigned char *p = (unsigned char *)h->frame + (va & (VM_PAGE_SIZE - 8));
    if (acc == VM_ACCESS_WRITE) {
        if (h->frame == env_zero_frame()) { printf("FAIL write to the zero frame\n"); failures++; return VM_OK; }
        memcpy(p, v, 8);
    } else {
        memcpy(v, p, 8);
    }
    return VM_OK;
}

int task_read(env_t *e, task_t *t, uintptr_t va, uint64_t *value)
{
    return access_word(e, t, va, VM_ACCESS_READ, value);
}

int task_write(env_t *e, task_t *t, uintptr_t va, uint64_t value)
{
    return access_word(e, t, va, VM_ACCESS_WRITE, &value);
}

bool task_hw_consistent(env_t *e, task_t *t)
{
    (void)e;
    bool ok = true;
    for (size_t i = 0; i < t->nhw; i++) {
        hw_entry_t *h = &t->hw[i];
        vm_frame_t f, seen;
        unsigned r;
        if (!vm_mapping(t->s, h->va, &f, &r) || f != h->frame || r != h->rights) {
            printf("FAIL task %d: page table at %#lx differs from the VM record\n", t->id, (unsigned long)h->va);
            ok = false;
        } else if (vm_peek(t->s, h->va, &seen) != VM_OK || seen != h->frame) {
            printf("FAIL task %d: stale mapping at %#lx\n", t->id, (unsigned long)h->va);
            ok = false;
        }
    }
    if (!ok) failures++;
    return ok;
}
