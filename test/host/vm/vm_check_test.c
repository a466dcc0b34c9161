/* The self-check must notice each kind of inconsistency: corrupt one count or link at
 * a time (through the internal structures), expect vm_check to fail naming it, undo,
 * expect it to pass again. */
#include <string.h>

#include "vm_env.h"
#include "vm_internal.h"

#define P VM_PAGE_SIZE
#define A ((uintptr_t)0x10000000)
#define RW (VM_PROT_READ | VM_PROT_WRITE)

static env_t e;

static void expect_fail(const char *what, const char *needle)
{
    char msg[200];
    int r = vm_check(e.vm, NULL, msg, sizeof msg);
    if (r == 0 || !strstr(msg, needle)) {
        printf("FAIL %s: vm_check gave %d \"%s\", wanted \"%s\"\n", what, r, msg, needle);
        failures++;
    }
}

static void expect_pass(const char *what)
{
    char msg[200];
    if (vm_check(e.vm, NULL, msg, sizeof msg) != 0) {
        printf("FAIL after undoing %s: %s\n", what, msg);
        failures++;
    }
}

#define CORRUPT(what, needle, stmt, undo) do { stmt; expect_fail(what, needle); undo; expect_pass(what); } while (0)

int main(void)
{
    env_init(&e);
    task_t *p = task_new(&e);
    uintptr_t got;
    CHECK_EQ(vm_mmap(p->s, A, 4 * P, RW, VM_MAP_PRIVATE | VM_MAP_ANON | VM_MAP_FIXED, NULL, 0, &got), VM_OK);
    CHECK_EQ(vm_mmap(p->s, A + 8 * P, P, RW, VM_MAP_SHARED | VM_MAP_ANON | VM_MAP_FIXED, NULL, 0, &got), VM_OK);
    for (int i = 0; i < 3; i++) CHECK_EQ(task_write(&e, p, A + (uintptr_t)i * P, (uint64_t)i + 1), VM_OK);
    uint64_t v;
    CHECK_EQ(task_read(&e, p, A + 3 * P, &v), VM_OK);   /* the zero page */
    int err;
    task_t *c = task_fork(&e, p, &err);
    CHECK_EQ(err, VM_OK);
    CHECK_EQ(task_write(&e, c, A, 9), VM_OK);
    CHECK_EQ(task_read(&e, c, A + P, &v), VM_OK);
    expect_pass("nothing");

    vm_t *vm = e.vm;
    vm_space_t *s = c->s;
    vma_t *va = &s->vmas[0];
    vm_object_t *top = va->obj, *hidden = top->backing;
    uintptr_t ent0 = radix_get(&s->pmap, va_vpn(A));       /* c's own page, RW */
    uintptr_t ent1 = radix_get(&s->pmap, va_vpn(A + P));   /* the hidden page, RO */
    vm_page_t *pg0 = pmap_page(ent0), *pg1 = pmap_page(ent1);
    CHECK(hidden && pmap_rights(ent0) == RW && pmap_rights(ent1) == VM_PROT_READ);

    CORRUPT("spaces", "spaces", vm->nspaces++, vm->nspaces--);
    CORRUPT("objects", "object", vm->nobjects--, vm->nobjects++);
    CORRUPT("vma_refs", "vma_refs", top->vma_refs++, top->vma_refs--);
    CORRUPT("shadow_refs", "shadow_refs", hidden->shadow_refs--, hidden->shadow_refs++);
    CORRUPT("page refs", "page refs", pg0->refs++, pg0->refs--);
    CORRUPT("zero page refs", "zero page", vm->zero->zero_page->refs++, vm->zero->zero_page->refs--);
    CORRUPT("page count", "pages", vm->npages++, vm->npages--);
    CORRUPT("object npages", "npages", top->npages++, top->npages--);
    CORRUPT("nmapped", "nmapped", s->nmapped++, s->nmapped--);
    CORRUPT("collapse count", "pending", vm->collapse_pending++, vm->collapse_pending--);
    CORRUPT("bugs", "internal", vm->bugs++, vm->bugs--);
    /* A writable mapping of a page below the top object (a missed downgrade). */
    CORRUPT("writable hidden page", "below the top",
            radix_store(&s->pmap, va_vpn(A + P), (uintptr_t)pg1 | RW),
            radix_store(&s->pmap, va_vpn(A + P), ent1));
    /* A mapping of a frame the lookup would not give (a missed unmap). */
    CORRUPT("stale mapping", "stale",
            (radix_store(&s->pmap, va_vpn(A + P), (uintptr_t)pg0 | VM_PROT_READ), pg0->refs++, pg1->refs--),
            (radix_store(&s->pmap, va_vpn(A + P), ent1), pg0->refs--, pg1->refs++));
    /* Rights beyond the VMA's protection. */
    CORRUPT("rights", "rights", va->prot = VM_PROT_READ, va->prot = RW);
    /* A mapping outside every VMA. */
    CORRUPT("outside", "outside", va->end -= 3 * P, va->end += 3 * P);
    /* Overlapping VMAs. */
    CORRUPT("overlap", "overlap", s->vmas[1].start -= 8 * P, s->vmas[1].start += 8 * P);
    /* An object nobody refers to (a leak). */
    vm_object_t *leak = obj_new(vm, VM_OBJ_ANON);
    expect_fail("leaked object", "no reference");
    obj_free_unused(leak);
    expect_pass("leaked object");
    /* An object only a cycle refers to. */
    vm_object_t *a1 = obj_new(vm, VM_OBJ_ANON), *a2 = obj_new(vm, VM_OBJ_ANON);
    obj_set_backing(a1, a2);
    obj_set_backing(a2, a1);
    expect_fail("cycle", "unreachable");
    a1->backing = a2->backing = NULL;
    a1->shadows = a2->shadows = NULL;
    obj_free_unused(a1);
    obj_free_unused(a2);
    expect_pass("cycle");
    /* An anonymous object left with one shadow and nothing else (a missed collapse). */
    vm_object_t *x1 = obj_new(vm, VM_OBJ_ANON), *s1 = obj_new(vm, VM_OBJ_ANON);
    s1->ext_refs = 1;
    obj_set_backing(s1, x1);
    expect_fail("missed collapse", "uncollapsed");
    x1->collapse_pending = true;         /* marked for a retry: acceptable ... */
    vm->collapse_pending++;
    expect_pass("missed collapse, marked");
    s1->ext_refs = 0;                    /* ... and the retry's path cleans up */
    obj_release(s1);
    CHECK(vm->collapse_pending == 0);
    expect_pass("missed collapse");

    task_exit(&e, c);
    task_exit(&e, p);
    env_fini(&e);
    printf("%s vm_check_detects\n", failures ? "not ok" : "ok");
    return failures ? 1 : 0;
}
