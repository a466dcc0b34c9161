/* Directed tests of cte_delete / cte_revoke: deep nesting without recursion, and
 * cycles of CNodes (and a TCB) that only a revoke of their untyped can reclaim.
 * Every object must be finalised exactly once, and every slot must end empty and
 * unlinked. The deep cases run on a thread with a 64 KiB stack. */
#include "cap_harness.h"
#include <preempt.h>
#include <string.h>
#include <time.h>

#define ARENA_BYTES (64ul << 20)
#define STACK_SMALL (64u << 10)

static uint16_t *fin_count;     /* per 16-byte granule of the arena: object_finalise calls */
static uint16_t *kill_count;    /* sched_kill calls */
static size_t ngranules;

static size_t granule(paddr_t pa)
{
    if (pa < arena_base || pa >= arena_base + arena_size) {
        fprintf(stderr, "object at %#llx outside the arena\n", (unsigned long long)pa);
        abort();
    }
    return (pa - arena_base) >> 4;
}

static void on_finalise(cap_t c, bool final)
{
    if (cap_type(c) == CAP_UNTYPED || !final) return;
    fin_count[granule(cap_paddr(c))]++;
}
static void on_kill(tcb_t *t) { kill_count[granule((paddr_t)(uintptr_t)t)]++; }
static unsigned fins(paddr_t pa) { return fin_count[granule(pa)]; }

static void reset(void)
{
    arena_reset();
    memset(fin_count, 0, ngranules * sizeof *fin_count);
    memset(kill_count, 0, ngranules * sizeof *kill_count);
    harness_context[0] = 0;
}

/* A boot-time untyped (no parent) and a tiny allocator over it. */
typedef struct { cte_t *slot; paddr_t next, end; } ut_t;

static ut_t make_untyped(cte_t *slot, unsigned bits)
{
    paddr_t pa = arena_alloc(1ull << bits, 1ull << bits);
    cdt_insert_new(NULL, slot, object_create(K_UNTYPED_OBJECT, pa, bits, false));
    return (ut_t){ slot, pa, pa + (1ull << bits) };
}

/* Retype one object from the untyped into `dest` (as Untyped_Retype does). */
static cap_t retype(ut_t *u, word_t type, word_t usize, cte_t *dest)
{
    int bits = object_size_bits(type, usize);
    paddr_t pa = ALIGN_UP(u->next, 1ull << bits);
    if (bits < 0 || pa + (1ull << bits) > u->end) { fprintf(stderr, "retype: untyped full\n"); abort(); }
    u->next = pa + (1ull << bits);
    cap_t c = object_create(type, pa, usize, false);
    if (dest) cdt_insert_new(u->slot, dest, c);
    return c;
}

static void copy(cte_t *src, cte_t *dest)
{
    cap_t out;
    if (cap_derive(src, src->cap, &out) != K_NO_ERROR || cap_is_null(out)) { fprintf(stderr, "copy refused\n"); abort(); }
    cdt_insert_child(src, dest, out);
}

static cte_t *cslot(cap_t cnode, unsigned i) { return object_slot(cnode, i); }

static bool slot_clear(const cte_t *s)
{
    return cap_is_null(s->cap) && s->mdb.prev == 0 && s->mdb.next == 0;
}

static bool all_slots_clear(cap_t obj)
{
    for (uint64_t i = 0; i < object_slot_count(obj); i++)
        if (!slot_clear(object_slot(obj, i))) return false;
    return true;
}

/* Number of slots after `s` on its list. */
static unsigned list_after(const cte_t *s)
{
    unsigned n = 0;
    for (const cte_t *x = mdb_next(s); x; x = mdb_next(x)) n++;
    return n;
}

/* ---- deep nesting ---- */

#define CHAIN 10000

/* every: preemption every that many looks (0: none); move: move the stopped delete's
 * top Zombie to another slot before each restart; revoke: after 50 stops, revoke the
 * untyped instead of restarting the delete. */
struct chain_args { int variant; const char *name; unsigned every; bool move, revoke, tail_first; };

/* Run op(slot) as a restarted system call would: again while it stops. */
static unsigned run_restarting(void (*op)(cte_t *), cte_t *slot)
{
    unsigned stops = 0;
    for (;;) {
        preempt_begin();
        op(slot);
        if (!preempt_end()) return stops;
        stops++;
    }
}

static void chain(void *p)
{
    struct chain_args *a = p;
    reset();
    snprintf(harness_context, sizeof harness_context, "deep chain: %s", a->name);
    cte_t *boot = arena_slots(4);
    ut_t u = make_untyped(&boot[0], 20);
    cte_t *x = &boot[1], *eorig = &boot[2];

    /* A shared endpoint (original outside the chain), fresh endpoints whose only caps
     * live in the chain, and 10000 CNodes of radix 1: slot 0 holds the only cap to the
     * next CNode, slot 1 a copy of the shared endpoint or a fresh endpoint's cap. */
    static cap_t cn[CHAIN];
    static paddr_t fresh[CHAIN];
    unsigned nfresh = 0;
    paddr_t epa = cap_paddr(retype(&u, K_ENDPOINT_OBJECT, 0, eorig));
    for (int i = 0; i < CHAIN; i++) cn[i] = retype(&u, K_CAPTABLE_OBJECT, 1, NULL);
    for (int i = 0; i < CHAIN; i++) {
        if (i % 3 == 0) copy(eorig, cslot(cn[i], 1));
        else if (i % 3 == 1) {
            cap_t e = retype(&u, K_ENDPOINT_OBJECT, 0, cslot(cn[i], 1));
            fresh[nfresh++] = cap_paddr(e);
        }
    }
    /* Insert the CNode caps so that the list reads U, C0, C1, ... (variant 0, 1) or
     * U, C9999, ..., C0 (variant 2: revoke then meets the chain tail first). */
    for (int k = 0; k < CHAIN; k++) {
        int i = a->variant == 2 || a->tail_first ? k : CHAIN - 1 - k;
        cdt_insert_new(u.slot, i == 0 ? x : cslot(cn[i - 1], 0), cn[i]);
    }

    clock_t t0 = clock();
    unsigned stops = 0;
    bool revoked = a->variant != 0;
    preempt_every = a->every;
    if (a->variant != 0) {
        stops = run_restarting(cte_revoke, u.slot);
    } else if (!a->every) {
        cte_delete(x);
    } else {
        /* The delete, stopped and restarted (the top Zombie moving between two slots,
         * or a revoke of the untyped taking over after 50 stops). */
        enum { SPARES = 4096 };
        cte_t *spare = arena_slots(SPARES), *cur = x;
        unsigned used = 0;
        for (;;) {
            preempt_begin();
            cte_delete(cur);
            if (!preempt_end()) break;
            stops++;
            CHECK(cap_type(cur->cap) == CAP_ZOMBIE, "%s: a stopped delete leaves no Zombie", a->name);
            if (a->revoke && stops == 50) {
                stops += run_restarting(cte_revoke, u.slot);
                revoked = true;
                break;
            }
            if (a->move && used < SPARES) {
                /* Always to a fresh slot: a link left behind would point at nothing. */
                cdt_move(cur, &spare[used], cur->cap);
                cur = &spare[used++];
            }
        }
        for (unsigned i = 0; i < used; i++)
            CHECK(slot_clear(&spare[i]), "%s: moved Zombie's slot %u is not empty", a->name, i);
    }
    preempt_every = 0;
    if (a->every) CHECK(stops > 100, "%s: only %u preemptions", a->name, stops);
    double ms = (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC;

    int bad_fin = 0, bad_slots = 0;
    for (int i = 0; i < CHAIN; i++) {
        bad_fin += fins(cap_paddr(cn[i])) != 1;
        bad_slots += !all_slots_clear(cn[i]);
    }
    for (unsigned i = 0; i < nfresh; i++) bad_fin += fins(fresh[i]) != 1;
    CHECK(bad_fin == 0, "%s: %d objects not finalised exactly once", a->name, bad_fin);
    CHECK(bad_slots == 0, "%s: %d CNodes with slots left", a->name, bad_slots);
    CHECK(slot_clear(x), "%s: the first cap's slot is not empty", a->name);
    if (!revoked) {
        /* the shared endpoint survives with its original only */
        CHECK(fins(epa) == 0, "%s: shared endpoint finalised", a->name);
        CHECK(!cap_is_null(eorig->cap) && list_after(u.slot) == 1 && mdb_next(u.slot) == eorig,
              "%s: untyped should have just the shared endpoint left (%u after it)", a->name, list_after(u.slot));
    } else {
        CHECK(slot_clear(eorig) && fins(epa) == 1, "%s: shared endpoint not destroyed once", a->name);
        CHECK(list_after(u.slot) == 0 && !cdt_has_children(u.slot), "%s: untyped still has children", a->name);
    }
    printf("cap_delete: %s: %d CNodes, %u fresh endpoints, 64 KiB stack, %u preemptions, %.1f ms\n",
           a->name, CHAIN, nfresh, stops, ms);
}

/* ---- cycles ---- */

static void cycles(void *unused)
{
    (void)unused;

    /* 1. A CNode whose only cap is in its own slot: unreachable; revoke reclaims it. */
    {
        reset();
        snprintf(harness_context, sizeof harness_context, "cycle: self only");
        cte_t *boot = arena_slots(2);
        ut_t u = make_untyped(&boot[0], 16);
        cap_t s = retype(&u, K_CAPTABLE_OBJECT, 2, &boot[1]);
        cdt_move(&boot[1], cslot(s, 0), boot[1].cap);
        cte_delete(&boot[1]);                       /* empty: nothing happens */
        CHECK(fins(cap_paddr(s)) == 0, "self-cycle: finalised before revoke");
        cte_revoke(u.slot);
        CHECK(fins(cap_paddr(s)) == 1, "self-cycle: finalised %u times", fins(cap_paddr(s)));
        CHECK(all_slots_clear(s) && !cdt_has_children(u.slot), "self-cycle: not emptied");
        printf("cap_delete: CNode holding its only cap: reclaimed by revoke\n");
    }

    /* 2. A CNode with an external cap and a copy in its own slot: deleting the external
     * one leaks it; deleting the self cap (the final one, inside itself) destroys it. */
    {
        reset();
        snprintf(harness_context, sizeof harness_context, "cycle: self + external");
        cte_t *boot = arena_slots(3);
        ut_t u = make_untyped(&boot[0], 16);
        cap_t s = retype(&u, K_CAPTABLE_OBJECT, 2, &boot[1]);
        cap_t e = retype(&u, K_ENDPOINT_OBJECT, 0, cslot(s, 2));   /* only cap, inside s */
        copy(&boot[1], cslot(s, 1));
        cte_delete(&boot[1]);
        CHECK(fins(cap_paddr(s)) == 0 && fins(cap_paddr(e)) == 0, "self+external: destroyed while a cap remains");
        cte_delete(cslot(s, 1));
        CHECK(fins(cap_paddr(s)) == 1 && fins(cap_paddr(e)) == 1, "self+external: finalised %u/%u times",
              fins(cap_paddr(s)), fins(cap_paddr(e)));
        CHECK(all_slots_clear(s) && !cdt_has_children(u.slot), "self+external: not emptied");
        printf("cap_delete: CNode holding a cap to itself: leaks until its final cap goes\n");
    }

    /* 3. Two CNodes holding caps to each other, one external cap; both list orders,
     * reclaimed by revoke; and 3c: deleting the inner cap directly. */
    for (int variant = 0; variant < 3; variant++) {
        reset();
        snprintf(harness_context, sizeof harness_context, "cycle: mutual, variant %d", variant);
        cte_t *boot = arena_slots(2);
        ut_t u = make_untyped(&boot[0], 16);
        cap_t a, b;
        cte_t *x = &boot[1];
        if (variant == 1) {
            b = retype(&u, K_CAPTABLE_OBJECT, 1, NULL);
            a = retype(&u, K_CAPTABLE_OBJECT, 1, x);
            cdt_insert_new(u.slot, cslot(a, 0), b);
        } else {
            a = retype(&u, K_CAPTABLE_OBJECT, 1, x);
            b = retype(&u, K_CAPTABLE_OBJECT, 1, NULL);
            cdt_insert_new(u.slot, cslot(a, 0), b);
        }
        copy(x, cslot(b, 0));           /* B[0] -> A */
        cte_delete(x);
        CHECK(fins(cap_paddr(a)) == 0 && fins(cap_paddr(b)) == 0, "mutual %d: destroyed too early", variant);
        if (variant == 2) cte_delete(cslot(b, 0));   /* final cap to A, inside B, which A holds */
        else cte_revoke(u.slot);
        CHECK(fins(cap_paddr(a)) == 1 && fins(cap_paddr(b)) == 1, "mutual %d: finalised %u/%u times", variant,
              fins(cap_paddr(a)), fins(cap_paddr(b)));
        CHECK(all_slots_clear(a) && all_slots_clear(b) && !cdt_has_children(u.slot) && list_after(u.slot) == 0,
              "mutual %d: not emptied", variant);
    }
    printf("cap_delete: two CNodes holding caps to each other: leak after the external cap goes; "
           "revoke (both list orders) or deleting the inner cap reclaims both once\n");

    /* 4. A TCB and a CNode: the TCB's CSpace-root slot holds a cap to the CNode, the
     * CNode holds the only cap to the TCB. */
    {
        reset();
        snprintf(harness_context, sizeof harness_context, "cycle: TCB and CNode");
        cte_t *boot = arena_slots(2);
        ut_t u = make_untyped(&boot[0], 16);
        cap_t c = retype(&u, K_CAPTABLE_OBJECT, 2, &boot[1]);
        cap_t t = retype(&u, K_TCB_OBJECT, 0, cslot(c, 3));
        copy(&boot[1], tcb_slot(cap_ptr(t), TCB_SLOT_CTABLE));
        cte_delete(&boot[1]);
        CHECK(fins(cap_paddr(c)) == 0 && fins(cap_paddr(t)) == 0, "TCB cycle: destroyed too early");
        cte_revoke(u.slot);
        CHECK(fins(cap_paddr(c)) == 1 && fins(cap_paddr(t)) == 1 && kill_count[granule(cap_paddr(t))] == 1,
              "TCB cycle: finalised %u/%u, killed %u", fins(cap_paddr(c)), fins(cap_paddr(t)),
              kill_count[granule(cap_paddr(t))]);
        CHECK(all_slots_clear(c) && all_slots_clear(t) && !cdt_has_children(u.slot), "TCB cycle: not emptied");
        CHECK(((tcb_t *)cap_ptr(t))->state == TCB_DEAD, "TCB cycle: thread not dead");
        printf("cap_delete: TCB <-> CNode cycle: revoke destroys both once, the thread is killed\n");
    }

    /* 5. Revoking a cap that lives inside a CNode which one of its descendants is the
     * final cap to: the revoke stops when its own cap goes; later children stay. */
    {
        reset();
        snprintf(harness_context, sizeof harness_context, "revoke: own slot destroyed");
        cte_t *boot = arena_slots(3);
        ut_t u = make_untyped(&boot[0], 16);
        cap_t e = retype(&u, K_ENDPOINT_OBJECT, 0, &boot[2]);
        cap_t c = retype(&u, K_CAPTABLE_OBJECT, 1, &boot[1]);   /* list: U, C, E */
        cdt_move(&boot[0], cslot(c, 1), boot[0].cap);
        cte_revoke(cslot(c, 1));
        CHECK(fins(cap_paddr(c)) == 1 && all_slots_clear(c), "own-slot revoke: CNode not destroyed");
        CHECK(slot_clear(&boot[1]), "own-slot revoke: CNode cap left");
        CHECK(fins(cap_paddr(e)) == 0 && !cap_is_null(boot[2].cap) && !mdb_prev(&boot[2]) && !mdb_next(&boot[2]),
              "own-slot revoke: the endpoint should survive, unlinked");
        printf("cap_delete: revoke whose own cap dies midway stops there\n");
    }
}

int main(void)
{
    arena_init(ARENA_BYTES);
    ngranules = arena_size >> 4;
    fin_count = calloc(ngranules, sizeof *fin_count);
    kill_count = calloc(ngranules, sizeof *kill_count);
    if (!fin_count || !kill_count) abort();
    finalise_hook = on_finalise;
    sched_kill_hook = on_kill;

    struct chain_args v[] = {
        { .variant = 0, .name = "delete the cap to the head of a 10000-CNode chain" },
        { .variant = 1, .name = "revoke the untyped, head of the chain first" },
        { .variant = 2, .name = "revoke the untyped, tail of the chain first" },
        { .variant = 0, .name = "delete the head, preempted every 3rd look", .every = 3 },
        { .variant = 0, .name = "delete the head, preempted, its Zombie moved at each stop", .every = 5, .move = true },
        { .variant = 0, .name = "delete the head, preempted, then the untyped revoked", .every = 7, .revoke = true },
        { .variant = 0, .name = "delete the head, preempted, then the untyped revoked (tail first)", .every = 7,
          .revoke = true, .tail_first = true },
        { .variant = 1, .name = "revoke the untyped, head first, preempted", .every = 3 },
        { .variant = 2, .name = "revoke the untyped, tail first, preempted", .every = 2 },
    };
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) run_with_stack(STACK_SMALL, chain, &v[i]);
    run_with_stack(STACK_SMALL, cycles, NULL);

    if (check_failures) {
        fprintf(stderr, "cap_delete: %d checks FAILED\n", check_failures);
        return 1;
    }
    printf("cap_delete: PASS\n");
    return 0;
}
