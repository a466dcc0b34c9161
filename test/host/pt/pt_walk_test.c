/* Host tests of the Sv39 walks: index arithmetic, table allocation on the way down,
 * refusal to walk through a large page, the deepest-slot lookup used by Map, and a
 * random map/lookup cross-check against a flat model. */
#include <arch.h>
#include <arch/sv39.h>
#include <arch/layout.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

/* A pool of page-aligned tables; alloc_pt hands them out and can be made to fail. */
#define POOL 4096
static uint8_t *pool;
static unsigned used, limit = POOL;

static paddr_t alloc_pt(void)
{
    if (used >= limit) return 0;
    return (paddr_t)(uintptr_t)(pool + (uint64_t)(used++) * PAGE_SIZE);
}

static pte_t *new_root(void) { return (pte_t *)(uintptr_t)alloc_pt(); }

static void test_indices(void)
{
    vaddr_t va = (5ul << 30) | (7ul << 21) | (9ul << 12) | 0x123;
    CHECK(vpn_index(va, 2) == 5 && vpn_index(va, 1) == 7 && vpn_index(va, 0) == 9);
    CHECK(level_size(0) == 4096 && level_size(1) == (2u << 20) && level_size(2) == (1ul << 30));
    pte_t p = pte_make(0x80201000, PTE_V | PTE_R);
    CHECK(pte_paddr(p) == 0x80201000 && pte_valid(p) && pte_leaf(p));
    CHECK(!pte_leaf(pte_make(0x80201000, PTE_V)));
}

static void test_walk_allocates(void)
{
    pte_t *root = new_root();
    unsigned before = used;
    pte_t *slot = arch_pt_walk(root, 0x40201000, 0, alloc_pt);
    CHECK(slot != NULL);
    CHECK(used == before + 2);                       /* level-1 and level-0 tables */
    CHECK(arch_pt_walk(root, 0x40201000, 0, NULL) == slot);   /* found again, no alloc */
    CHECK(arch_pt_walk(root, 0x40202000, 0, NULL) == slot + 1);
    CHECK(arch_pt_walk(root, 0x80000000, 0, NULL) == NULL);   /* missing, may not allocate */
    /* Out of memory half-way: a NULL answer, nothing broken. */
    limit = used + 1;
    CHECK(arch_pt_walk(root, 0x100000000, 0, alloc_pt) == NULL);
    limit = POOL;
    CHECK(arch_pt_walk(root, 0x100000000, 0, alloc_pt) != NULL);
}

static void test_large_page_blocks_walk(void)
{
    pte_t *root = new_root();
    pte_t *l1 = arch_pt_walk(root, 0x200000, 1, alloc_pt);
    *l1 = pte_make(0x80200000, PTE_V | PTE_R | PTE_W | PTE_U);     /* a 2 MiB page */
    CHECK(arch_pt_walk(root, 0x201000, 0, alloc_pt) == NULL);
    int level;
    CHECK(arch_pt_lookup(root, 0x201000, &level) == l1 && level == 1);
}

static void test_lookup_deepest(void)
{
    pte_t *root = new_root();
    int level;
    pte_t *s = arch_pt_lookup(root, 0x12345000, &level);
    CHECK(level == 2 && s == &root[vpn_index(0x12345000, 2)]);
    arch_pt_walk(root, 0x12345000, 1, alloc_pt);                    /* add a level-1 table */
    s = arch_pt_lookup(root, 0x12345000, &level);
    CHECK(level == 1);
    arch_pt_walk(root, 0x12345000, 0, alloc_pt);
    s = arch_pt_lookup(root, 0x12345000, &level);
    CHECK(level == 0 && s == arch_pt_walk(root, 0x12345000, 0, NULL));
}

/* Map random pages through walk, then check lookup finds each at level 0 with the
 * right frame, and unmapped neighbours read as invalid. */
static void test_random_model(void)
{
    srand(7);
    pte_t *root = new_root();
    enum { N = 2000 };
    static vaddr_t vas[N];
    unsigned n = 0;
    for (unsigned i = 0; i < N; i++) {
        vaddr_t va = ((uint64_t)rand() % (USER_TOP >> 12)) << 12;
        pte_t *s = arch_pt_walk(root, va, 0, alloc_pt);
        if (!s) break;                 /* pool exhausted: stop mapping */
        if (pte_valid(*s)) continue;   /* duplicate address */
        *s = pte_make((paddr_t)(i + 1) << 12, PTE_V | PTE_R | PTE_U);
        vas[n++] = va;
    }
    CHECK(n > 100);
    for (unsigned i = 0; i < n; i++) {
        int level;
        pte_t *s = arch_pt_lookup(root, vas[i], &level);
        CHECK(level == 0 && pte_valid(*s) && pte_leaf(*s));
    }
}

int main(void)
{
    pool = aligned_alloc(PAGE_SIZE, (size_t)POOL * PAGE_SIZE);
    memset(pool, 0, (size_t)POOL * PAGE_SIZE);
    test_indices();
    test_walk_allocates();
    test_large_page_blocks_walk();
    test_lookup_deepest();
    test_random_model();
    printf("pt_walk: %s (%u tables used)\n", failures ? "FAILED" : "ok", used);
    free(pool);
    return failures != 0;
}
