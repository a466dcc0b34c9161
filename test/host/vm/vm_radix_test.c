/* The radix tree against a flat model: random keys (small, page-index-like and near
 * 2^64), get/slot/next after every change, stores through radix_store and radix_fill,
 * failed reservations leave nothing behind, and every node is freed once the tree is
 * empty. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "radix.h"

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static long live, fail_in = -1;

static void *t_alloc(void *ctx, size_t n)
{
    (void)ctx;
    if (fail_in >= 0 && fail_in-- == 0) return NULL;
    live++;
    return malloc(n);
}

static void t_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    (void)n;
    live--;
    free(p);
}

#define N 400
static uint64_t keys[N];
static uintptr_t vals[N];   /* 0: absent */

static uint64_t rnd(void)
{
    static uint64_t x = 88172645463325252ull;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

static void check_all(const radix_t *t)
{
    for (int i = 0; i < N; i++) {
        CHECK(radix_get(t, keys[i]) == vals[i]);
        /* radix_slot: the same value through the slot; no path only for absent keys. */
        radix_node_t *leaf = NULL;
        uintptr_t *slot = radix_slot(t, keys[i], &leaf);
        CHECK(slot ? *slot == vals[i] && leaf : vals[i] == 0);
    }
    /* next(): walking from 0 finds exactly the present keys, in order. */
    uint64_t k = 0, prev = 0;
    uintptr_t v;
    int found = 0, present = 0;
    bool first = true;
    for (int i = 0; i < N; i++) present += vals[i] != 0;
    while (radix_next(t, k, &k, &v)) {
        CHECK(first || k > prev);
        first = false;
        prev = k;
        int j;
        for (j = 0; j < N && !(keys[j] == k && vals[j]); j++) {}
        CHECK(j < N && vals[j] == v);
        found++;
        if (++k == 0) break;
    }
    CHECK(found == present);
}

int main(void)
{
    vm_alloc_t a = { t_alloc, t_free, NULL };
    radix_t t = { 0 };
    for (int i = 0; i < N; i++) {
        switch (i % 4) {
        case 0: keys[i] = (uint64_t)i; break;
        case 1: keys[i] = rnd() % (1u << 27); break;              /* Sv39 page numbers */
        case 2: keys[i] = UINT64_MAX - rnd() % 1000; break;
        default: keys[i] = rnd(); break;
        }
        for (int j = 0; j < i; j++)
            if (keys[j] == keys[i]) keys[i] = (uint64_t)i * 7 + 3;   /* keep keys distinct */
    }
    CHECK(!radix_next(&t, 0, &keys[0], &vals[0]) && vals[0] == 0);
    for (int step = 0; step < 20000; step++) {
        int i = (int)(rnd() % N);
        if (vals[i] && rnd() % 2) {
            CHECK(radix_remove(&t, keys[i], &a) == vals[i]);
            vals[i] = 0;
        } else {
            if (rnd() % 8 == 0) {
                fail_in = (long)(rnd() % 3);    /* one of the next allocations fails */
                long before = live;
                int r = radix_reserve(&t, keys[i], &a);
                fail_in = -1;
                if (r != VM_OK) {
                    CHECK(r == VM_ENOMEM);
                    /* A failed reservation keeps only a harmless taller root. */
                    CHECK(live <= before + 11);
                    check_all(&t);
                    continue;
                }
            } else {
                CHECK(radix_reserve(&t, keys[i], &a) == VM_OK);
            }
            vals[i] = (uintptr_t)(rnd() | 8) & ~(uintptr_t)7;
            if (rnd() % 2) {
                radix_store(&t, keys[i], vals[i]);
            } else {
                /* One walk, filled in place (over a present value too): the leaf's
                 * count must stay exact, or removal leaks or frees a live node. */
                radix_node_t *leaf = NULL;
                uintptr_t *slot = radix_slot(&t, keys[i], &leaf);
                CHECK(slot != NULL);
                if (slot) radix_fill(leaf, slot, vals[i]);
            }
        }
        if (step % 97 == 0) check_all(&t);
    }
    check_all(&t);
    for (int i = 0; i < N; i++)
        if (vals[i]) {
            CHECK(radix_remove(&t, keys[i], &a) == vals[i]);
            vals[i] = 0;
        }
    CHECK(radix_empty(&t) && live == 0);
    /* Reserve-then-remove without a store frees the path again. */
    CHECK(radix_reserve(&t, 123456789, &a) == VM_OK && live > 0);
    CHECK(radix_remove(&t, 123456789, &a) == 0 && live == 0 && radix_empty(&t));
    /* destroy frees a full tree. */
    for (int i = 0; i < 100; i++) {
        CHECK(radix_reserve(&t, (uint64_t)i * 1000003, &a) == VM_OK);
        radix_store(&t, (uint64_t)i * 1000003, 8);
    }
    radix_destroy(&t, &a);
    CHECK(live == 0 && radix_empty(&t));
    printf("%s vm_radix\n", failures ? "not ok" : "ok");
    return failures ? 1 : 0;
}
