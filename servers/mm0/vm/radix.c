/* Radix tree of page indices (see radix.h). */
#include "radix.h"

#include <string.h>

/* Largest key a tree of height h holds. */
static uint64_t radix_max(unsigned h)
{
    return h * RADIX_BITS >= 64 ? UINT64_MAX : ((uint64_t)1 << (h * RADIX_BITS)) - 1;
}

static unsigned radix_index(uint64_t key, unsigned level)
{
    return (unsigned)(key >> (level * RADIX_BITS)) & (RADIX_FAN - 1);
}

static radix_node_t *node_new(const vm_alloc_t *a)
{
    radix_node_t *n = a->alloc(a->ctx, sizeof *n);
    if (n) memset(n, 0, sizeof *n);
    return n;
}

uintptr_t radix_get(const radix_t *t, uint64_t key)
{
    const radix_node_t *n = t->root;
    if (!n || key > radix_max(t->height)) return 0;
    for (unsigned level = t->height - 1; level > 0; level--) {
        n = (const radix_node_t *)n->slot[radix_index(key, level)];
        if (!n) return 0;
    }
    return n->slot[radix_index(key, 0)];
}

uintptr_t *radix_slot(const radix_t *t, uint64_t key, radix_node_t **leaf)
{
    radix_node_t *n = t->root;
    if (!n || key > radix_max(t->height)) return NULL;
    for (unsigned level = t->height - 1; level > 0; level--) {
        n = (radix_node_t *)n->slot[radix_index(key, level)];
        if (!n) return NULL;
    }
    *leaf = n;
    return &n->slot[radix_index(key, 0)];
}

int radix_reserve(radix_t *t, uint64_t key, const vm_alloc_t *a)
{
    if (!t->root) {
        unsigned h = 1;
        while (key > radix_max(h)) h++;
        if (!(t->root = node_new(a))) return VM_ENOMEM;
        t->height = h;
    }
    /* Grow upwards: the old root becomes child 0 of a new one. A failure half-way
     * leaves a taller but valid tree. */
    while (key > radix_max(t->height)) {
        radix_node_t *r = node_new(a);
        if (!r) return VM_ENOMEM;
        r->slot[0] = (uintptr_t)t->root;
        r->count = 1;
        t->root = r;
        t->height++;
    }
    radix_node_t *n = t->root;
    for (unsigned level = t->height - 1; level > 0; level--) {
        uintptr_t *s = &n->slot[radix_index(key, level)];
        if (!*s) {
            radix_node_t *c = node_new(a);
            if (!c) {
                radix_remove(t, key, a);   /* drop the empty nodes made so far */
                return VM_ENOMEM;
            }
            *s = (uintptr_t)c;
            n->count++;
        }
        n = (radix_node_t *)*s;
    }
    return VM_OK;
}

void radix_store(radix_t *t, uint64_t key, uintptr_t value)
{
    radix_node_t *n = t->root;
    for (unsigned level = t->height - 1; level > 0; level--)
        n = (radix_node_t *)n->slot[radix_index(key, level)];
    uintptr_t *s = &n->slot[radix_index(key, 0)];
    if (!*s) n->count++;
    *s = value;
}

uintptr_t radix_remove(radix_t *t, uint64_t key, const vm_alloc_t *a)
{
    if (!t->root || key > radix_max(t->height)) return 0;
    radix_node_t *path[64 / RADIX_BITS + 1];
    unsigned depth = 0;    /* nodes on the path that exist */
    radix_node_t *n = t->root;
    uintptr_t old = 0;
    for (unsigned level = t->height - 1;; level--) {
        path[depth++] = n;
        uintptr_t *s = &n->slot[radix_index(key, level)];
        if (level == 0) {
            old = *s;
            if (old) { *s = 0; n->count--; }
            break;
        }
        if (!*s) break;
        n = (radix_node_t *)*s;
    }
    /* Free empty nodes bottom-up; each frees one slot in its parent. */
    while (depth > 0 && path[depth - 1]->count == 0) {
        radix_node_t *e = path[--depth];
        a->free(a->ctx, e, sizeof *e);
        if (depth == 0) {
            t->root = NULL;
            t->height = 0;
        } else {
            radix_node_t *p = path[depth - 1];
            p->slot[radix_index(key, t->height - depth)] = 0;
            p->count--;
        }
    }
    return old;
}

static bool next_in(const radix_node_t *n, unsigned level, uint64_t key, uint64_t prefix,
                    uint64_t *found, uintptr_t *value)
{
    for (unsigned i = radix_index(key, level); i < RADIX_FAN; i++) {
        uint64_t base = prefix | ((uint64_t)i << (level * RADIX_BITS));
        if (!n->slot[i]) continue;
        if (level == 0) {
            *found = base;
            *value = n->slot[i];
            return true;
        }
        /* Only the first child visited starts part-way; later ones start at 0. */
        uint64_t sub = i == radix_index(key, level) ? key : base;
        if (next_in((const radix_node_t *)n->slot[i], level - 1, sub, base, found, value))
            return true;
    }
    return false;
}

bool radix_next(const radix_t *t, uint64_t key, uint64_t *found, uintptr_t *value)
{
    if (!t->root || key > radix_max(t->height)) return false;
    return next_in(t->root, t->height - 1, key, 0, found, value);
}

static void destroy_in(radix_node_t *n, unsigned level, const vm_alloc_t *a)
{
    if (level > 0)
        for (unsigned i = 0; i < RADIX_FAN; i++)
            if (n->slot[i]) destroy_in((radix_node_t *)n->slot[i], level - 1, a);
    a->free(a->ctx, n, sizeof *n);
}

void radix_destroy(radix_t *t, const vm_alloc_t *a)
{
    if (t->root) destroy_in(t->root, t->height - 1, a);
    t->root = NULL;
    t->height = 0;
}
