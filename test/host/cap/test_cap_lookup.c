/* Guarded CSpace lookup (cspace_lookup_slot, cspace_lookup_cap_slot) on hand-built
 * CSpaces, and random trees and capability pointers checked against an independent
 * reference written from seL4's resolveAddressBits / lookupSlotForCNodeOp.
 *
 * Default: the slot found, and whether the lookup fails, must match seL4; the failure
 * kind must be plausible. --strict-faults: the failure reported must be exactly
 * seL4's too: a guard that does not match (or is longer than the bits left) is a
 * GuardMismatch even when the level would also be too deep, and its "guard found"
 * field holds the CNode's guard (seL4 passes capGuard), as user-level fault handlers
 * and seL4test expect. */
#include "cap_harness.h"
#include <string.h>

#define ARENA_BYTES (16ul << 20)

static bool strict;
static int ncases, nrandom, nexpect;

/* ---- building CSpaces ---- */

static cap_t cnode(unsigned radix, unsigned gsize, uint64_t guard)
{
    paddr_t pa = arena_alloc(32ull << radix, 32ull << radix);
    memset((void *)(uintptr_t)pa, 0, 32ull << radix);
    cap_t c = cap_make(CAP_CNODE, pa, RIGHTS_ALL, radix, false, 0);
    cap_t g = cap_update_data(true, (guard << 6) | gsize, c);
    if (cap_is_null(g)) { fprintf(stderr, "bad guard %u for radix %u\n", gsize, radix); abort(); }
    return g;
}

static cte_t *slot_of(cap_t cn, uint64_t i) { return (cte_t *)cap_ptr(cn) + i; }
static void put(cap_t cn, uint64_t i, cap_t c) { slot_of(cn, i)->cap = c; }
static cap_t endpoint(void)
{
    paddr_t pa = arena_alloc(16, 16);
    return cap_make(CAP_ENDPOINT, pa, RIGHTS_ALL, 0, false, 0);
}

/* ---- the reference: seL4's resolveAddressBits ---- */

typedef struct {
    cte_t *slot;          /* NULL: failed (or undefined) */
    word_t remaining;
    lookup_fault_t f;
    bool undefined;       /* reached a CNode that resolves no bits (seL4 asserts) */
} ref_t;

static ref_t ref_resolve(cap_t node, word_t cptr, word_t n_bits)
{
    ref_t r = { 0 };
    if (cap_type(node) != CAP_CNODE) { r.f.type = K_INVALID_ROOT; return r; }
    for (;;) {
        word_t radix = cnode_radix(node), gbits = cnode_guard_size(node), level = radix + gbits;
        if (level == 0) { r.undefined = true; return r; }
        word_t cap_guard = cnode_guard(node);
        word_t guard = gbits == 0 ? 0 : (cptr >> ((n_bits - gbits) & 63)) & MASK(gbits);
        if (gbits > n_bits || guard != cap_guard) {
            r.f = (lookup_fault_t){ K_GUARD_MISMATCH, n_bits, cap_guard, gbits };
            return r;
        }
        if (level > n_bits) {
            r.f = (lookup_fault_t){ K_DEPTH_MISMATCH, n_bits, level, 0 };
            return r;
        }
        word_t offset = radix == 0 ? 0 : (cptr >> (n_bits - level)) & MASK(radix);
        cte_t *slot = (cte_t *)cap_ptr(node) + offset;
        if (n_bits <= level) { r.slot = slot; return r; }
        n_bits -= level;
        node = slot->cap;
        if (cap_type(node) != CAP_CNODE) { r.slot = slot; r.remaining = n_bits; return r; }
    }
}

/* lookupSlotForCNodeOp: exactly `depth` bits. */
static ref_t ref_lookup_slot(cap_t root, word_t cptr, word_t depth)
{
    ref_t r = { 0 };
    if (cap_type(root) != CAP_CNODE) { r.f.type = K_INVALID_ROOT; return r; }
    if (depth < 1 || depth > 64) { r.undefined = true; return r; }   /* seL4: a RangeError */
    r = ref_resolve(root, cptr, depth);
    if (r.slot && r.remaining) {
        r.f = (lookup_fault_t){ K_DEPTH_MISMATCH, r.remaining, 0, 0 };
        r.slot = NULL;
    }
    return r;
}

static const char *fname(word_t t)
{
    switch (t) {
    case K_NO_FAILURE: return "none";
    case K_INVALID_ROOT: return "InvalidRoot";
    case K_MISSING_CAPABILITY: return "MissingCapability";
    case K_DEPTH_MISMATCH: return "DepthMismatch";
    case K_GUARD_MISMATCH: return "GuardMismatch";
    default: return "?";
    }
}

/* Compare one kernel answer with the reference. Returns false (and reports) on a
 * difference. */
static bool agree(const char *what, cte_t *k, const lookup_fault_t *kf, const ref_t *r)
{
    char msg[256] = "";
    if (r->undefined) {
        if (k) snprintf(msg, sizeof msg, "should fail (seL4 cannot resolve it), returned a slot");
    } else if (r->slot) {
        if (k != r->slot) snprintf(msg, sizeof msg, "kernel slot %p (%s), seL4 slot %p", (void *)k, fname(kf->type),
                                   (void *)r->slot);
    } else if (k) {
        snprintf(msg, sizeof msg, "kernel found slot %p, seL4 fails with %s", (void *)k, fname(r->f.type));
    } else if (kf->type == K_INVALID_ROOT || r->f.type == K_INVALID_ROOT) {
        if (kf->type != r->f.type) snprintf(msg, sizeof msg, "kernel fails with %s, seL4 with %s", fname(kf->type), fname(r->f.type));
    } else if (kf->type != K_DEPTH_MISMATCH && kf->type != K_GUARD_MISMATCH) {
        snprintf(msg, sizeof msg, "kernel fails with %s", fname(kf->type));
    } else if (strict && (kf->type != r->f.type || kf->bits_left != r->f.bits_left ||
                          kf->guard_found != r->f.guard_found ||
                          (r->f.type == K_GUARD_MISMATCH && kf->guard_size != r->f.guard_size))) {
        snprintf(msg, sizeof msg,
                 "kernel reports %s (bits left %llu, found %#llx, size %llu), seL4 %s (bits left %llu, found %#llx, size %llu)",
                 fname(kf->type), (unsigned long long)kf->bits_left, (unsigned long long)kf->guard_found,
                 (unsigned long long)kf->guard_size, fname(r->f.type), (unsigned long long)r->f.bits_left,
                 (unsigned long long)r->f.guard_found, (unsigned long long)r->f.guard_size);
    } else if (!strict && kf->type == r->f.type && kf->type == K_DEPTH_MISMATCH &&
               (kf->bits_left != r->f.bits_left || kf->guard_found != r->f.guard_found)) {
        snprintf(msg, sizeof msg, "DepthMismatch: kernel bits left %llu found %llu, seL4 %llu %llu",
                 (unsigned long long)kf->bits_left, (unsigned long long)kf->guard_found,
                 (unsigned long long)r->f.bits_left, (unsigned long long)r->f.guard_found);
    }
    if (msg[0]) {
        check_failures++;
        fprintf(stderr, "FAIL %s: %s\n", what, msg);
        return false;
    }
    return true;
}

static bool exact(const char *name, cap_t root, word_t cptr, word_t depth)
{
    lookup_fault_t f;
    char what[200];
    snprintf(what, sizeof what, "%s: lookup_slot(cptr %#llx, depth %llu)", name, (unsigned long long)cptr,
             (unsigned long long)depth);
    cte_t *k = cspace_lookup_slot(root, cptr, depth, &f);
    ref_t r = ref_lookup_slot(root, cptr, depth);
    ncases++;
    return agree(what, k, &f, &r);
}

static bool partial(const char *name, cap_t root, word_t cptr)
{
    lookup_fault_t f;
    char what[200];
    snprintf(what, sizeof what, "%s: lookup_cap_slot(cptr %#llx)", name, (unsigned long long)cptr);
    cte_t *k = cspace_lookup_cap_slot(root, cptr, &f);
    ref_t r = ref_resolve(root, cptr, 64);
    ncases++;
    return agree(what, k, &f, &r);
}

/* Also pin the expected answer (not just agreement with the reference). */
static void expect_slot(const char *name, cte_t *got, cte_t *want)
{
    nexpect++;
    CHECK(got == want, "%s: got slot %p, want %p", name, (void *)got, (void *)want);
}
static void expect_fault(const char *name, cte_t *got, const lookup_fault_t *f, word_t type, word_t bits_left)
{
    nexpect++;
    CHECK(!got && f->type == type && f->bits_left == bits_left, "%s: got slot %p fault %s bits_left %llu; want %s %llu",
          name, (void *)got, fname(f->type), (unsigned long long)f->bits_left, fname(type), (unsigned long long)bits_left);
}

static void directed(void)
{
    lookup_fault_t f;
    cte_t *s;

    /* One level, radix 8, no guard. */
    cap_t r8 = cnode(8, 0, 0);
    put(r8, 5, endpoint());
    expect_slot("radix 8, depth 8", cspace_lookup_slot(r8, 5, 8, &f), slot_of(r8, 5));
    s = cspace_lookup_slot(r8, 5, 64, &f);
    expect_fault("radix 8, depth 64 (bits left under an endpoint)", s, &f, K_DEPTH_MISMATCH, 56);
    CHECK(f.guard_found == 0, "exact lookup with bits left: bits found %llu, want 0", (unsigned long long)f.guard_found);
    expect_slot("radix 8, cap lookup", cspace_lookup_cap_slot(r8, 5ull << 56, &f), slot_of(r8, 5));
    s = cspace_lookup_slot(r8, 5, 4, &f);
    expect_fault("radix 8, depth 4", s, &f, K_DEPTH_MISMATCH, 4);
    CHECK(f.guard_found == 8, "depth mismatch reports bits found %llu, want 8", (unsigned long long)f.guard_found);
    exact("radix 8", r8, 5, 8);
    exact("radix 8", r8, 5, 64);
    exact("radix 8", r8, 5, 4);
    partial("radix 8", r8, 5ull << 56);

    /* Guard 0b101 (3 bits) + radix 4 = 7 bits a level. */
    cap_t g = cnode(4, 3, 5);
    put(g, 3, endpoint());
    expect_slot("guard match", cspace_lookup_slot(g, (5 << 4) | 3, 7, &f), slot_of(g, 3));
    s = cspace_lookup_slot(g, (4 << 4) | 3, 7, &f);
    expect_fault("guard mismatch", s, &f, K_GUARD_MISMATCH, 7);
    CHECK(f.guard_size == 3, "guard mismatch: guard size %llu, want 3", (unsigned long long)f.guard_size);
    exact("guard mismatch", g, (4 << 4) | 3, 7);
    /* guard matches but the level is deeper than the bits given: DepthMismatch */
    s = cspace_lookup_slot(g, 5 << 2, 5, &f);
    expect_fault("guard ok, depth 5 < 7", s, &f, K_DEPTH_MISMATCH, 5);
    exact("guard ok, depth 5 < 7", g, 5 << 2, 5);
    /* guard wrong and the level too deep: seL4 reports the guard */
    exact("guard wrong, depth 5 < 7", g, 4 << 2, 5);
    /* guard longer than the bits left: seL4 reports the guard */
    exact("guard longer than depth", g, 1, 2);
    exact("guard ok", g, (5 << 4) | 3, 7);

    /* Invalid roots. */
    s = cspace_lookup_slot(endpoint(), 0, 8, &f);
    expect_fault("endpoint as root", s, &f, K_INVALID_ROOT, 0);
    s = cspace_lookup_cap_slot(cap_null(), 0, &f);
    expect_fault("null root", s, &f, K_INVALID_ROOT, 0);
    exact("null root", cap_null(), 0, 8);
    partial("endpoint root", endpoint(), 7);
    /* Depth outside 1..64 (seL4: a RangeError from the CNode operation). */
    CHECK(!cspace_lookup_slot(r8, 5, 0, &f), "depth 0 must fail");
    CHECK(!cspace_lookup_slot(r8, 5, 65, &f), "depth 65 must fail");

    /* seL4's root CNode: radix 12, guard size 52 (guard 0): every 64-bit cptr whose
     * top 52 bits are zero names a slot directly. */
    cap_t root = cnode(12, 52, 0);
    put(root, 7, endpoint());
    expect_slot("root CNode, cap lookup of 7", cspace_lookup_cap_slot(root, 7, &f), slot_of(root, 7));
    expect_slot("root CNode, depth 64", cspace_lookup_slot(root, 7, 64, &f), slot_of(root, 7));
    expect_slot("root CNode, slot 4095", cspace_lookup_cap_slot(root, 4095, &f), slot_of(root, 4095));
    s = cspace_lookup_cap_slot(root, 1ull << 12, &f);
    expect_fault("root CNode, bit 12 set", s, &f, K_GUARD_MISMATCH, 64);
    s = cspace_lookup_cap_slot(root, 1ull << 63, &f);
    expect_fault("root CNode, bit 63 set", s, &f, K_GUARD_MISMATCH, 64);
    CHECK(f.guard_size == 52, "root CNode guard size %llu", (unsigned long long)f.guard_size);
    partial("root CNode", root, 7);
    partial("root CNode", root, 1ull << 40);
    exact("root CNode", root, 7, 64);
    exact("root CNode, depth 12", root, 7, 12);
    exact("root CNode, depth 63", root, 7, 63);

    /* Two and three levels: R (radix 4) -> slot 2: L2 (guard 0xA/4, radix 4)
     * -> slot 6: L3 (radix 2, no guard). */
    cap_t r = cnode(4, 0, 0), l2 = cnode(4, 4, 0xA), l3 = cnode(2, 0, 0);
    put(r, 2, l2);
    put(l2, 6, l3);
    put(l2, 5, endpoint());
    put(l3, 1, endpoint());
    word_t p2 = (2 << 8) | (0xA << 4) | 5;                  /* 12 bits */
    expect_slot("two levels, depth 12", cspace_lookup_slot(r, p2, 12, &f), slot_of(l2, 5));
    expect_slot("two levels, cap lookup", cspace_lookup_cap_slot(r, p2 << 52, &f), slot_of(l2, 5));
    s = cspace_lookup_slot(r, (2 << 8) | (0xB << 4) | 5, 12, &f);
    expect_fault("two levels, second guard wrong", s, &f, K_GUARD_MISMATCH, 8);
    CHECK(f.guard_size == 4, "second-level guard size %llu", (unsigned long long)f.guard_size);
    word_t p3 = (2 << 10) | (0xA << 6) | (6 << 2) | 1;       /* 14 bits */
    expect_slot("three levels, depth 14", cspace_lookup_slot(r, p3, 14, &f), slot_of(l3, 1));
    expect_slot("three levels, cap lookup", cspace_lookup_cap_slot(r, p3 << 50, &f), slot_of(l3, 1));
    expect_slot("depth 12 stops at the slot holding L3", cspace_lookup_slot(r, p3 >> 2, 12, &f), slot_of(l2, 6));
    s = cspace_lookup_slot(r, p3 >> 1, 13, &f);
    expect_fault("depth 13: one bit for a 2-bit level", s, &f, K_DEPTH_MISMATCH, 1);
    s = cspace_lookup_slot(r, (3 << 8) | 0xA5, 12, &f);     /* R[3] is empty */
    expect_fault("empty slot with bits left", s, &f, K_DEPTH_MISMATCH, 8);
    expect_slot("cap lookup stops at an empty slot", cspace_lookup_cap_slot(r, 3ull << 60, &f), slot_of(r, 3));
    const word_t probes[][2] = { { p2, 12 }, { p3, 14 }, { p3 >> 2, 12 }, { p3 >> 1, 13 }, { (3 << 8) | 0xA5, 12 },
                                 { (2 << 8) | (0xB << 4) | 5, 12 }, { 2 << 4, 8 }, { 2, 4 }, { p3 << 3, 17 } };
    for (unsigned i = 0; i < ARRAY_SIZE(probes); i++) exact("two/three levels", r, probes[i][0], probes[i][1]);
    partial("two levels", r, p2 << 52);
    partial("three levels", r, p3 << 50);

    /* A CNode that resolves no bits (radix 0, guard 0) must not loop. */
    cap_t z = cnode(0, 0, 0);
    cap_t zr = cnode(1, 0, 0);
    put(zr, 1, z);
    put(z, 0, z);
    s = cspace_lookup_cap_slot(zr, 1ull << 63, &f);
    CHECK(!s && f.type == K_DEPTH_MISMATCH, "through a radix-0 guard-0 CNode: slot %p, fault %s", (void *)s, fname(f.type));
    s = cspace_lookup_cap_slot(z, 0, &f);
    CHECK(!s, "a radix-0 guard-0 root must fail");
    exact("radix 0 guard 0", zr, 1ull << 63, 64);
    /* radix 0 with a guard: a pure guard level */
    cap_t pg = cnode(0, 3, 6);
    put(pg, 0, endpoint());
    expect_slot("radix 0 guard 3", cspace_lookup_slot(pg, 6, 3, &f), slot_of(pg, 0));
    exact("radix 0 guard 3", pg, 7, 3);
    /* A radix-1 CNode holding itself: a 64-level walk, bounded. */
    cap_t self = cnode(1, 0, 0);
    put(self, 0, self);
    expect_slot("self loop, 64 levels", cspace_lookup_cap_slot(self, 0, &f), slot_of(self, 0));
    expect_slot("self loop, leaves at a 1 bit", cspace_lookup_cap_slot(self, 1ull << 20, &f), slot_of(self, 1));
    partial("self loop", self, 0);
    exact("self loop", self, 0, 37);
}

/* ---- random trees ---- */

#define NODES 8

static void random_trees(unsigned trees, unsigned lookups)
{
    rng_t rng = { 12345 };
    for (unsigned t = 0; t < trees; t++) {
        arena_reset();
        cap_t nodes[NODES];
        for (int i = 0; i < NODES; i++) {
            unsigned radix = rng_below(&rng, 5);                 /* 0..4 */
            unsigned gsize = rng_chance(&rng, 40) ? 0 : rng_below(&rng, 9);
            if (rng_chance(&rng, 3)) gsize = 64 - radix - rng_below(&rng, 3);   /* near-full words */
            if (radix == 0 && gsize == 0 && rng_chance(&rng, 70)) gsize = 1;
            nodes[i] = cnode(radix, gsize, rng_next(&rng));
        }
        for (int i = 0; i < NODES; i++)
            for (uint64_t k = 0; k < (1ull << cnode_radix(nodes[i])); k++) {
                unsigned r = rng_below(&rng, 10);
                if (r < 5) put(nodes[i], k, nodes[rng_below(&rng, NODES)]);   /* cycles welcome */
                else if (r < 8) put(nodes[i], k, endpoint());
            }
        cap_t root = rng_chance(&rng, 3) ? endpoint() : nodes[rng_below(&rng, NODES)];
        for (unsigned l = 0; l < lookups; l++) {
            word_t cptr;
            word_t depth = 1 + rng_below(&rng, 64);
            if (rng_chance(&rng, 30)) {
                cptr = rng_next(&rng);
            } else {
                /* follow the tree: right guards (mostly) and random indices */
                cptr = 0;
                word_t used = 0;
                cap_t n = root;
                while (cap_type(n) == CAP_CNODE && used < 64) {
                    unsigned gs = cnode_guard_size(n), rd = cnode_radix(n);
                    if (gs + rd == 0 || used + gs + rd > 64) break;
                    word_t gd = cnode_guard(n) & MASK(gs);
                    if (rng_chance(&rng, 5)) gd ^= 1;
                    word_t idx = rd ? rng_below(&rng, 1u << rd) : 0;
                    word_t part = (gd << rd) | idx;
                    cptr = (gs + rd == 64) ? part : (cptr << (gs + rd)) | part;
                    used += gs + rd;
                    n = ((cte_t *)cap_ptr(n) + idx)->cap;
                }
                if (used < 64 && rng_chance(&rng, 50)) {
                    depth = used ? used : 1;
                } else if (used > 0 && used < 64) {
                    cptr <<= 64 - used;          /* as a 64-bit pointer for the cap lookup */
                }
                if (rng_chance(&rng, 10)) depth = rng_below(&rng, 70);  /* includes 0 and > 64 */
            }
            char what[64];
            snprintf(what, sizeof what, "random tree %u", t);
            if (!exact(what, root, cptr, depth)) return;
            if (!partial(what, root, cptr)) return;
            nrandom += 2;
        }
    }
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--strict-faults")) strict = true;
    arena_init(ARENA_BYTES);
    directed();
    int directed_failures = check_failures;
    random_trees(5000, 100);
    if (check_failures) {
        fprintf(stderr, "cap_lookup%s: %d checks FAILED (%d in the directed cases)\n", strict ? " (strict faults)" : "",
                check_failures, directed_failures);
        return 1;
    }
    printf("cap_lookup%s: %d pinned answers; %d directed and %d random lookups agree with seL4's "
           "resolveAddressBits: PASS\n", strict ? " (strict faults)" : "", nexpect, ncases - nrandom, nrandom);
    return 0;
}
