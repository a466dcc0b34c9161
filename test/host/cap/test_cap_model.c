/* Model-based random test of the capability derivation tree, delete and revoke.
 *
 * The model is written from seL4's abstract semantics (the "cdt" map of the abstract
 * specification), not from the kernel's list: every capability has an explicit parent
 * pointer, an object, rights, a badge (or CNode guard word) and an "original" flag
 * (seL4's is_original_cap / the kernel's revocable bit). Children are kept in order
 * (a copy goes first among its parent's children, or right after a non-original source
 * among its siblings, as seL4's cap_insert places it) so that the model also predicts
 * the order in which revoke deletes them, which matters when a descendant is the last
 * cap to the CNode that holds the cap being revoked.
 *
 *   insert (copy/mint)  parent = src if should_be_parent_of(src, new) else parent(src)
 *   retype              parent = the untyped; the new cap is original
 *   move / swap         a cap keeps its parent and children; only its slot changes
 *   delete              a removed cap's children go to its parent; if it was the last
 *                       cap to its object the object dies, and a dying CNode or TCB
 *                       has every cap in its slots deleted too (least fixpoint)
 *   revoke c            delete c's first child until c has none or c itself is gone
 *   untyped memory      a copy of an untyped marks the source full (setUntypedCapAsFull);
 *                       retype starts at the cap's free index, or at 0 with no children
 *
 * After every step the kernel state is compared with the model (see check_all()):
 * slot contents (object, rights, badge, guard, free index) and revocable bits; the
 * lists (mutual links, no cycle, every cap once, empty slots unlinked); the caps to one
 * object contiguous (I2); for every cap, the run of following slots cdt_is_parent_of
 * accepts (what cte_revoke removes) equal to the model's descendants in order; rights
 * never above a parent's; cdt_is_final and cdt_has_children; one object_finalise per
 * deleted cap, final exactly once per dead object; dead CNodes and TCBs emptied; no
 * retyped object overlapping a live one.
 *
 * Usage: test_cap_model [sequences [steps [first_seed]]] [-v]
 *   -v prints every operation (use with the seed of a failing sequence). */
#include "cap_harness.h"
#include <preempt.h>
#include <cap/zombie.h>
#include <string.h>
#include <stdarg.h>
#include <time.h>

#define MAX_CAPS   8192
#define MAX_OBJS   2048
#define MAX_POOL   512
#define ROOT_UT_BITS 20
#define N_ROOT_CNODES 3
#define ROOT_CNODE_RADIX 3
#define N_BOOT 5            /* boot slots: 3 root CNode caps, 2 untyped */
#define ARENA_BYTES (64ul << 20)

typedef struct {
    cap_type_t type;
    paddr_t pa;
    unsigned size;        /* CNode radix, untyped/frame log2 bytes */
    int ncaps;            /* live caps to it */
    bool dead;            /* (not for untyped) its last cap was deleted */
    bool dead_checked;
    int fin, kills;       /* object_finalise(final) / sched_kill calls seen */
    int calls, deleted;   /* object_finalise calls of any kind / caps the model deleted */
    unsigned nslots;      /* CNode / TCB */
    int pool_idx;         /* index in pool_objs while live, else -1 */
    int seen_stamp;       /* scratch for the contiguity check */
} mobj_t;

typedef struct {
    bool live;
    int obj;
    cte_t *slot;
    unsigned rights;
    uint64_t badge;       /* endpoint / notification badge */
    uint64_t data;        /* CNode guard word */
    uint64_t fi;          /* untyped: free index (bytes in use), seL4's capFreeIndex */
    bool original;
    int parent, child, next, prev;   /* ordered tree; roots have parent -1, no siblings */
    int mpos, msize, kpos;           /* scratch: model preorder, kernel list position */
} mcap_t;

static mobj_t objs[MAX_OBJS];
static int nobjs;
static mcap_t caps[MAX_CAPS];
static int ncaps_alloc;
static int live_ids[MAX_CAPS], live_idx[MAX_CAPS], nlive;
static int pool_objs[MAX_POOL], npool;
static long ut_calls, ut_deleted;     /* object_finalise calls for untyped caps / deletions */
static cte_t *boot;                   /* N_BOOT slots outside every object */
static int32_t *slotmap;              /* (slot - arena_base) / 32 -> cap id or -1 */
static int32_t *slotowner;            /* same index -> obj id * 64 + slot index, or -1 */
static size_t slotmap_len;
static uintptr_t slotmap_dirty_top;

static uint64_t cur_seed;
static int cur_step;
static bool verbose;
static int stat_ops[16], stat_fail[16];
static long total_checks;
/* coverage: how often the interesting cases came up */
static long cov_revoke_some, cov_revoke_self, cov_delete_cascade, cov_swap_adjacent, cov_revoke_first,
            cov_object_death_with_caps, cov_untyped_reset;

/* ---- operation log, printed when a check fails ---- */
#define LOG_LINES 256
static char oplog[LOG_LINES][160];
static int nlog;

static void logop(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logop(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = oplog[nlog % LOG_LINES];
    vsnprintf(line, sizeof oplog[0], fmt, ap);
    va_end(ap);
    nlog++;
    if (verbose) printf("  step %3d: %s\n", cur_step, line);
    snprintf(harness_context, sizeof harness_context, "seed %llu step %d: %s",
             (unsigned long long)cur_seed, cur_step, line);
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
    fflush(stdout);
    fprintf(stderr, "\nFAIL cap_model seed=%llu step=%d: ", (unsigned long long)cur_seed, cur_step);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\noperations of this sequence%s:\n", nlog > LOG_LINES ? " (last ones)" : "");
    int first = nlog > LOG_LINES ? nlog - LOG_LINES : 0;
    for (int i = first; i < nlog; i++) fprintf(stderr, "  %s\n", oplog[i % LOG_LINES]);
    fprintf(stderr, "reproduce: test_cap_model 1 %d %llu -v\n", cur_step + 1,
            (unsigned long long)cur_seed);
    exit(1);
}

/* ---- slots ---- */

static int32_t *slotref(const cte_t *s)
{
    uintptr_t off = (uintptr_t)s - arena_base;
    if (!in_arena(s) || (off & 31) || (off >> 5) >= slotmap_len) fail("slot %p outside the arena", (void *)s);
    return &slotmap[off >> 5];
}
static int cap_at(const cte_t *s) { return *slotref(s); }

static cte_t *obj_slot(const mobj_t *o, unsigned i)
{
    if (o->type == CAP_THREAD) return tcb_slot((tcb_t *)(uintptr_t)o->pa, i);
    return (cte_t *)(uintptr_t)o->pa + i;
}

static char namebuf[8][48];
static int namei;
static const char *sname(const cte_t *s)
{
    char *b = namebuf[namei++ & 7];
    for (int i = 0; i < N_BOOT; i++)
        if (s == &boot[i]) { snprintf(b, 48, "boot%d", i); return b; }
    uintptr_t off = (uintptr_t)s - arena_base;
    int own = in_arena(s) && !(off & 31) ? slotowner[off >> 5] : -1;
    if (own >= 0) {
        int i = own >> 6;
        snprintf(b, 48, "%s%d[%d]", objs[i].type == CAP_THREAD ? "T" : "C", i, own & 63);
        return b;
    }
    snprintf(b, 48, "%p", (void *)s);
    return b;
}

static const char *tname(cap_type_t t)
{
    switch (t) {
    case CAP_NULL: return "null";
    case CAP_UNTYPED: return "UT";
    case CAP_ENDPOINT: return "EP";
    case CAP_NOTIFICATION: return "NTFN";
    case CAP_CNODE: return "CNODE";
    case CAP_THREAD: return "TCB";
    case CAP_FRAME: return "FRAME";
    case CAP_ZOMBIE: return "ZOMBIE";
    default: return "?";
    }
}

/* ---- model: objects and caps ---- */

static int new_obj(cap_type_t type, paddr_t pa, unsigned size)
{
    if (nobjs >= MAX_OBJS) fail("too many objects");
    int id = nobjs++;
    mobj_t *o = &objs[id];
    memset(o, 0, sizeof *o);
    o->type = type;
    o->pa = pa;
    o->size = size;
    o->pool_idx = -1;
    if (type == CAP_CNODE) o->nslots = 1u << size;
    if (type == CAP_THREAD) o->nslots = TCB_SLOT_COUNT;
    if (o->nslots) {
        for (unsigned k = 0; k < o->nslots; k++) {
            slotref(obj_slot(o, k));   /* range check */
            slotowner[((uintptr_t)obj_slot(o, k) - arena_base) >> 5] = id * 64 + (int)k;
        }
        if (npool >= MAX_POOL) fail("pool full");
        o->pool_idx = npool;
        pool_objs[npool++] = id;
    }
    return id;
}

static void pool_remove(int oid)
{
    mobj_t *o = &objs[oid];
    if (o->pool_idx < 0) return;
    int last = pool_objs[--npool];
    pool_objs[o->pool_idx] = last;
    objs[last].pool_idx = o->pool_idx;
    o->pool_idx = -1;
}

static int new_cap(int obj, cte_t *slot, unsigned rights, uint64_t badge, uint64_t data, bool original)
{
    if (ncaps_alloc >= MAX_CAPS) fail("too many caps");
    int id = ncaps_alloc++;
    mcap_t *c = &caps[id];
    memset(c, 0, sizeof *c);
    c->live = true;
    c->obj = obj;
    c->slot = slot;
    c->rights = rights;
    c->badge = badge;
    c->data = data;
    c->original = original;
    c->parent = c->child = c->next = c->prev = -1;
    objs[obj].ncaps++;
    *slotref(slot) = id;
    live_idx[id] = nlive;
    live_ids[nlive++] = id;
    return id;
}

/* Tree edits. Roots (parent -1) are not kept in any order: no root-level ordering
 * question ever reaches the descendants relation. */
static void link_first_child(int p, int c)
{
    caps[c].parent = p;
    caps[c].prev = -1;
    caps[c].next = caps[p].child;
    if (caps[p].child >= 0) caps[caps[p].child].prev = c;
    caps[p].child = c;
}

static void link_after_sibling(int s, int c)
{
    caps[c].parent = caps[s].parent;
    caps[c].prev = caps[c].next = -1;
    if (caps[s].parent < 0) return;
    caps[c].prev = s;
    caps[c].next = caps[s].next;
    if (caps[s].next >= 0) caps[caps[s].next].prev = c;
    caps[s].next = c;
}

/* Unlink x; its children take its place, in order, under its parent. */
static void unlink_cap(int x)
{
    mcap_t *c = &caps[x];
    int p = c->parent;
    int first = c->child, last = -1;
    for (int k = first; k >= 0; k = caps[k].next) { caps[k].parent = p; last = k; }
    if (p < 0) {
        for (int k = first; k >= 0;) { int n = caps[k].next; caps[k].prev = caps[k].next = -1; k = n; }
    } else if (first >= 0) {
        caps[first].prev = c->prev;
        caps[last].next = c->next;
        if (c->prev >= 0) caps[c->prev].next = first; else caps[p].child = first;
        if (c->next >= 0) caps[c->next].prev = last;
    } else {
        if (c->prev >= 0) caps[c->prev].next = c->next; else caps[p].child = c->next;
        if (c->next >= 0) caps[c->next].prev = c->prev;
    }
    c->parent = c->child = c->next = c->prev = -1;
}

static void kill_cap_record(int x)
{
    mcap_t *c = &caps[x];
    c->live = false;
    *slotref(c->slot) = -1;
    int i = live_idx[x], last = live_ids[--nlive];
    live_ids[i] = last;
    live_idx[last] = i;
}

/* seL4's delete: remove the cap; the last cap to an object kills it, and a dying object
 * with slots takes every cap in them along (a worklist, as the chain may be long). */
static int work[MAX_CAPS];
static void m_delete(int x0)
{
    int nwork = 0;
    work[nwork++] = x0;
    while (nwork) {
        int x = work[--nwork];
        if (!caps[x].live) continue;
        int oid = caps[x].obj;
        unlink_cap(x);
        kill_cap_record(x);
        mobj_t *o = &objs[oid];
        o->deleted++;
        if (o->type == CAP_UNTYPED) ut_deleted++;
        if (--o->ncaps == 0 && o->type != CAP_UNTYPED) {
            o->dead = true;
            pool_remove(oid);
            if (o->nslots)
                for (unsigned k = 0; k < o->nslots; k++)
                    if (cap_at(obj_slot(o, k)) >= 0) { cov_object_death_with_caps++; break; }
            for (unsigned k = 0; k < o->nslots; k++) {
                int y = cap_at(obj_slot(o, k));
                if (y >= 0) {
                    if (nwork >= MAX_CAPS) fail("model worklist overflow");
                    work[nwork++] = y;
                }
            }
        }
    }
}

static void m_revoke(int c)
{
    while (caps[c].live && caps[c].child >= 0) m_delete(caps[c].child);
}

/* seL4's is_cap_revocable: is a new cap derived from src an original? */
static bool m_is_revocable(cap_type_t t, uint64_t new_badge, uint64_t src_badge)
{
    switch (t) {
    case CAP_ENDPOINT: case CAP_NOTIFICATION: return new_badge != src_badge;
    case CAP_UNTYPED: return true;
    default: return false;
    }
}

/* seL4's should_be_parent_of for a derived cap (same object as src by construction). */
static bool m_should_be_parent(const mcap_t *src, uint64_t new_badge, bool new_original)
{
    if (!src->original) return false;
    cap_type_t t = objs[src->obj].type;
    if ((t == CAP_ENDPOINT || t == CAP_NOTIFICATION) && src->badge != 0)
        return new_badge == src->badge && !new_original;
    return true;
}

static bool has_rights(cap_type_t t)
{
    return t == CAP_ENDPOINT || t == CAP_NOTIFICATION || t == CAP_FRAME;
}

/* ---- kernel side checks ---- */

static cap_t expected_cap(const mcap_t *c)
{
    const mobj_t *o = &objs[c->obj];
    switch (o->type) {
    case CAP_UNTYPED: return cap_make(CAP_UNTYPED, o->pa, 0, o->size, false, c->fi);
    case CAP_ENDPOINT: case CAP_NOTIFICATION: return cap_make(o->type, o->pa, c->rights, 0, false, c->badge);
    case CAP_CNODE: return cap_make(CAP_CNODE, o->pa, RIGHTS_ALL, o->size, false, c->data);
    case CAP_THREAD: return cap_make(CAP_THREAD, o->pa, RIGHTS_ALL, 0, false, 0);
    case CAP_FRAME: return cap_make(CAP_FRAME, o->pa, c->rights, o->size, false, 0);
    default: fail("model object of type %d", o->type);
    }
}

static void check_slot(cte_t *s)
{
    int id = cap_at(s);
    if (id < 0) {
        if (!cap_is_null(s->cap) || s->mdb.prev || s->mdb.next)
            fail("%s should be empty; holds %s cap (w0 %#llx w1 %#llx) prev %#llx next %#llx", sname(s),
                 tname(cap_type(s->cap)), (unsigned long long)s->cap.w0, (unsigned long long)s->cap.w1,
                 (unsigned long long)s->mdb.prev, (unsigned long long)s->mdb.next);
        return;
    }
    const mcap_t *c = &caps[id];
    cap_t e = expected_cap(c);
    if (s->cap.w0 == e.w0 && cap_type(e) == CAP_UNTYPED && s->cap.w1 != e.w1)
        fail("%s: untyped free index is %#llx in the kernel, %#llx in the model (seL4's cteInsert "
             "marks the source of an untyped copy full, setUntypedCapAsFull, so that the source "
             "and the copy never both carve the same memory)", sname(s),
             (unsigned long long)s->cap.w1, (unsigned long long)e.w1);
    if (s->cap.w0 != e.w0 || s->cap.w1 != e.w1)
        fail("%s: kernel has %s cap w0 %#llx w1 %#llx, model %s cap%d w0 %#llx w1 %#llx (obj %d)", sname(s),
             tname(cap_type(s->cap)), (unsigned long long)s->cap.w0, (unsigned long long)s->cap.w1,
             tname(cap_type(e)), id, (unsigned long long)e.w0, (unsigned long long)e.w1, c->obj);
    /* (The first-badged bit is not compared: seL4 passes it on to the next slot when a
     * cap is deleted. Its effect is checked through the descendants below.) */
    if (mdb_revocable(s) != c->original)
        fail("%s: revocable %d, model original %d", sname(s), mdb_revocable(s), c->original);
    cte_t *p = mdb_prev(s), *n = mdb_next(s);
    if (p && (cap_at(p) < 0 || mdb_next(p) != s)) fail("%s: prev %s does not link back", sname(s), sname(p));
    if (n && (cap_at(n) < 0 || mdb_prev(n) != s)) fail("%s: next %s does not link back", sname(s), sname(n));
}

static int korder[MAX_CAPS], morder[MAX_CAPS];
static int check_stamp;

static void check_all(void)
{
    total_checks++;
    /* 1. every known slot: model and kernel agree on contents; links are mutual. */
    int seen = 0;
    for (int i = 0; i < N_BOOT; i++) { check_slot(&boot[i]); seen += cap_at(&boot[i]) >= 0; }
    for (int i = 0; i < npool; i++) {
        mobj_t *o = &objs[pool_objs[i]];
        for (unsigned k = 0; k < o->nslots; k++) {
            cte_t *s = obj_slot(o, k);
            check_slot(s);
            seen += cap_at(s) >= 0;
        }
    }
    if (seen != nlive) fail("%d caps in reachable slots, model has %d live caps", seen, nlive);

    /* 2. the list: walk every chain from its head; each live cap exactly once, no cycle. */
    int nk = 0;
    for (int i = 0; i < nlive; i++) caps[live_ids[i]].kpos = -1;
    for (int i = 0; i < nlive; i++) {
        int id = live_ids[i];
        if (mdb_prev(caps[id].slot)) continue;
        for (cte_t *s = caps[id].slot; s; s = mdb_next(s)) {
            int x = cap_at(s);
            if (x < 0) fail("list reaches empty slot %s", sname(s));
            if (caps[x].kpos >= 0) fail("list cycle at %s", sname(s));
            if (nk >= nlive) fail("list longer than the live caps");
            caps[x].kpos = nk;
            korder[nk++] = x;
        }
    }
    if (nk != nlive) fail("lists hold %d caps, %d live (a cycle without head?)", nk, nlive);

    /* 3. I2: caps to one (non-untyped) object are one contiguous run of the list. */
    check_stamp++;
    for (int k = 0; k < nk; k++) {
        int x = korder[k];
        mobj_t *o = &objs[caps[x].obj];
        if (o->type == CAP_UNTYPED) continue;
        bool cont = k > 0 && mdb_next(caps[korder[k - 1]].slot) == caps[x].slot &&
                    caps[korder[k - 1]].obj == caps[x].obj;
        if (cont) continue;
        if (o->seen_stamp == check_stamp)
            fail("I2: caps to object %d (%s) are not contiguous (again at %s)", caps[x].obj, tname(o->type),
                 sname(caps[x].slot));
        o->seen_stamp = check_stamp;
    }

    /* 4. the model's preorder with subtree sizes. */
    int nm = 0;
    for (int i = 0; i < nlive; i++) {
        int r = live_ids[i];
        if (caps[r].parent >= 0) continue;
        int x = r;
        for (;;) {
            caps[x].mpos = nm;
            morder[nm++] = x;
            if (caps[x].child >= 0) {
                if (caps[caps[x].child].parent != x) fail("model: bad parent link");
                x = caps[x].child;
                continue;
            }
            caps[x].msize = 1;
            while (x != r && caps[x].next < 0) {
                x = caps[x].parent;
                caps[x].msize = nm - caps[x].mpos;
            }
            if (x == r) break;
            x = caps[x].next;
        }
    }
    if (nm != nlive) fail("model tree has %d caps, %d live", nm, nlive);

    /* 5. per cap: parent live, rights/badges along derivation, and what revoke would
     *    remove (the run of following slots the kernel calls children) = descendants. */
    for (int i = 0; i < nlive; i++) {
        int x = live_ids[i];
        mcap_t *c = &caps[x];
        if (c->parent >= 0) {
            mcap_t *p = &caps[c->parent];
            if (!p->live) fail("cap%d's parent cap%d is dead", x, c->parent);
            if (p->obj == c->obj) {
                if (c->rights & ~p->rights) fail("cap%d has rights %#x beyond its parent's %#x", x, c->rights, p->rights);
                /* a badged cap's plain copies carry its badge (an unbadged original may
                 * adopt badged caps whose badged parent was deleted) */
                if (!c->original && p->badge != 0 && c->badge != p->badge)
                    fail("cap%d: badge %llu differs from its badged parent's %llu", x,
                         (unsigned long long)c->badge, (unsigned long long)p->badge);
            }
        }
        const cte_t *s = c->slot;
        int k = 0;
        for (const cte_t *n = mdb_next(s); n && cdt_is_parent_of(s, n); n = mdb_next(n), k++) {
            int y = cap_at(n);
            if (k >= c->msize - 1 || morder[c->mpos + 1 + k] != y) {
                fail("descendants of %s (cap%d %s): kernel's #%d is %s (cap%d), model's is %s", sname(s), x,
                     tname(objs[c->obj].type), k, sname(n), y,
                     k < c->msize - 1 ? sname(caps[morder[c->mpos + 1 + k]].slot) : "(none)");
            }
        }
        if (k != c->msize - 1)
            fail("descendants of %s (cap%d %s): kernel has %d, model %d (next model one %s)", sname(s), x,
                 tname(objs[c->obj].type), k, c->msize - 1, sname(caps[morder[c->mpos + 1 + k]].slot));
        bool kchildren = cdt_has_children(s);
        if (kchildren != (c->child >= 0)) fail("cdt_has_children(%s) = %d, model %d", sname(s), kchildren, c->child >= 0);
        /* finality as delete sees it */
        bool kfinal = cdt_is_final(s);
        bool mfinal = objs[c->obj].type == CAP_UNTYPED || objs[c->obj].ncaps == 1;
        if (kfinal != mfinal) fail("cdt_is_final(%s) = %d, model %d", sname(s), kfinal, mfinal);
    }

    /* 6. objects: one object_finalise per deleted cap, final exactly once iff dead;
     *    dead ones have empty slots. */
    if (ut_calls != ut_deleted) fail("%ld object_finalise calls for %ld deleted untyped caps", ut_calls, ut_deleted);
    for (int i = 0; i < nobjs; i++) {
        mobj_t *o = &objs[i];
        if (o->type == CAP_UNTYPED) continue;
        if (o->calls != o->deleted)
            fail("object %d (%s): %d object_finalise calls for %d deleted caps", i, tname(o->type), o->calls, o->deleted);
        if (o->fin != (o->dead ? 1 : 0))
            fail("object %d (%s) finalised %d times, model says %s", i, tname(o->type), o->fin, o->dead ? "dead" : "alive");
        if (o->type == CAP_THREAD && o->kills != o->fin) fail("TCB %d: %d sched_kill, %d finalise", i, o->kills, o->fin);
        if (o->dead && !o->dead_checked) {
            o->dead_checked = true;
            for (unsigned k = 0; k < o->nslots; k++) {
                cte_t *s = obj_slot(o, k);
                if (!cap_is_null(s->cap) || s->mdb.prev || s->mdb.next)
                    fail("dead object %d: slot %u not emptied (%s cap)", i, k, tname(cap_type(s->cap)));
            }
        }
    }
}

/* object_finalise runs once per deleted cap; final for the last cap to an object. */
static void on_finalise(cap_t c, bool final)
{
    cap_type_t t = cap_type(c);
    if (t == CAP_UNTYPED) { ut_calls++; return; }   /* its children are separate caps */
    for (int i = 0; i < nobjs; i++)
        if (objs[i].type == t && objs[i].pa == cap_paddr(c) && !objs[i].dead) {
            objs[i].calls++;
            objs[i].fin += final;
            return;
        }
    fail("object_finalise of an unknown %s object at %#llx", tname(t), (unsigned long long)cap_paddr(c));
}

static void on_kill(tcb_t *t)
{
    for (int i = 0; i < nobjs; i++)
        if (objs[i].type == CAP_THREAD && objs[i].pa == (paddr_t)(uintptr_t)t && !objs[i].dead) { objs[i].kills++; return; }
    fail("sched_kill of an unknown TCB %p", (void *)t);
}

/* ---- random choices ---- */

static rng_t rng;

static int pick_live(bool allow_boot)
{
    for (int tries = 0; tries < 32 && nlive; tries++) {
        int id = live_ids[rng_below(&rng, nlive)];
        if (allow_boot || !(caps[id].slot >= boot && caps[id].slot < boot + N_BOOT)) return id;
    }
    return -1;
}

static cte_t *pick_empty(void)
{
    for (int tries = 0; tries < 32 && npool; tries++) {
        mobj_t *o = &objs[pool_objs[rng_below(&rng, npool)]];
        cte_t *s = obj_slot(o, rng_below(&rng, o->nslots));
        if (cap_at(s) < 0) return s;
    }
    return NULL;
}

static uint64_t pick_badge(void)
{
    unsigned r = rng_below(&rng, 10);
    if (r == 0) return 0;
    if (r < 7) return 1 + rng_below(&rng, 4);      /* few values: equal badges collide */
    return rng_next(&rng) | 1;
}

static uint64_t pick_cnode_data(void)
{
    unsigned gsize = rng_chance(&rng, 10) ? 58 + rng_below(&rng, 6) : rng_below(&rng, 9);
    return (rng_next(&rng) << 6) | gsize;
}

static unsigned pick_rights(void) { return rng_chance(&rng, 50) ? RIGHTS_ALL : rng_below(&rng, 16); }

/* Model of cap_update_data / mint rules, from seL4's updateCapData. Returns false if the
 * request is refused; else sets the new badge and data. */
static bool m_update_data(const mcap_t *src, bool preserve, uint64_t data, uint64_t *badge, uint64_t *cdata)
{
    const mobj_t *o = &objs[src->obj];
    *badge = src->badge;
    *cdata = src->data;
    switch (o->type) {
    case CAP_ENDPOINT: case CAP_NOTIFICATION:
        if (preserve || src->badge != 0) return false;
        *badge = data;
        return true;
    case CAP_CNODE: {
        unsigned gsize = data & 63;
        if (gsize + o->size > 64) return false;
        uint64_t guard = (data >> 6) & (gsize >= 58 ? ((1ull << 58) - 1) : ((1ull << gsize) - 1));
        *cdata = guard << 6 | gsize;
        return true;
    }
    default:
        return true;
    }
}

enum { OP_CREATE, OP_COPY, OP_MINT, OP_MOVE, OP_MUTATE, OP_SWAP, OP_ROTATE, OP_DELETE, OP_REVOKE, OP_N };
static const char *opnames[OP_N] = { "create", "copy", "mint", "move", "mutate", "swap", "rotate", "delete", "revoke" };
static const unsigned opweight[OP_N] = { 22, 14, 10, 7, 6, 6, 4, 20, 11 };

static void op_create(void)
{
    int u = -1;
    for (int tries = 0; tries < 16; tries++) {
        int id = pick_live(true);
        if (id >= 0 && objs[caps[id].obj].type == CAP_UNTYPED) { u = id; break; }
    }
    cte_t *d = pick_empty();
    if (u < 0 || !d) { logop("create: no untyped or no empty slot"); stat_fail[OP_CREATE]++; return; }
    unsigned r = rng_below(&rng, 100);
    word_t type, usize = 0;
    if (r < 30) type = K_ENDPOINT_OBJECT;
    else if (r < 45) type = K_NOTIFICATION_OBJECT;
    else if (r < 70) { type = K_CAPTABLE_OBJECT; usize = 1 + rng_below(&rng, 3); }
    else if (r < 82) { type = K_UNTYPED_OBJECT; usize = 11 + rng_below(&rng, 4); }
    else if (r < 92) type = K_TCB_OBJECT;
    else type = K_RISCV_4K_PAGE_OBJECT;
    int bits = object_size_bits(type, usize);
    if (bits < 0) fail("object_size_bits(%lu, %lu) refused", (unsigned long)type, (unsigned long)usize);
    uint64_t obytes = 1ull << bits;

    /* kernel side, as Untyped_Retype does it: start from the cap's free index, or from
     * zero when the cap has no children left. */
    cte_t *us = caps[u].slot;
    cap_t ut = us->cap;
    uint64_t k_used = cdt_has_children(us) ? untyped_free_index(ut) : 0;
    paddr_t k_pa = (cap_paddr(ut) + k_used + obytes - 1) & ~(obytes - 1);
    bool k_ok = k_pa + obytes <= cap_paddr(ut) + (1ull << cap_size(ut));

    /* model: seL4's rule, from the model's own tree and free index */
    mobj_t *uo = &objs[caps[u].obj];
    uint64_t m_used = caps[u].child >= 0 ? caps[u].fi : 0;
    cov_untyped_reset += caps[u].child < 0 && caps[u].fi != 0;
    paddr_t pa = (uo->pa + m_used + obytes - 1) & ~(obytes - 1);
    bool m_ok = pa + obytes <= uo->pa + (1ull << uo->size);
    if (k_ok != m_ok || (m_ok && k_pa != pa))
        fail("retype from %s: kernel would place the object at %#llx (%s), model at %#llx (%s)", sname(us),
             (unsigned long long)k_pa, k_ok ? "fits" : "full", (unsigned long long)pa, m_ok ? "fits" : "full");
    if (!m_ok) {
        logop("create type %lu from %s: untyped full", (unsigned long)type, sname(us));
        stat_fail[OP_CREATE]++;
        return;
    }
    /* Memory safety of the result: the new object may overlap no live object except
     * untyped regions that contain the one it is carved from. */
    for (int i = 0; i < nobjs; i++) {
        const mobj_t *o = &objs[i];
        bool live = o->type == CAP_UNTYPED ? o->ncaps > 0 : !o->dead;
        uint64_t ob = 1ull << (o->type == CAP_CNODE ? o->size + CTE_SIZE_BITS : o->type == CAP_THREAD ? TCB_OBJ_BITS
                               : o->type == CAP_ENDPOINT ? ENDPOINT_OBJ_BITS : o->type == CAP_NOTIFICATION ? NOTIFICATION_OBJ_BITS
                               : o->size);
        if (!live || o->pa + ob <= pa || pa + obytes <= o->pa) continue;
        if (o->type == CAP_UNTYPED && o->pa <= uo->pa && uo->pa + (1ull << uo->size) <= o->pa + ob) continue;
        fail("retype from %s: new %lu-type object at %#llx overlaps live object %d (%s at %#llx)", sname(us),
             (unsigned long)type, (unsigned long long)pa, i, tname(o->type), (unsigned long long)o->pa);
    }
    cap_t kc = object_create(type, pa, usize, false);
    cdt_insert_new(us, d, kc);
    us->cap.w1 = pa + obytes - cap_paddr(ut);
    caps[u].fi = pa + obytes - uo->pa;

    cap_type_t ct = cap_type(kc);
    static const cap_type_t expect[] = {
        [K_UNTYPED_OBJECT] = CAP_UNTYPED, [K_TCB_OBJECT] = CAP_THREAD, [K_ENDPOINT_OBJECT] = CAP_ENDPOINT,
        [K_NOTIFICATION_OBJECT] = CAP_NOTIFICATION, [K_CAPTABLE_OBJECT] = CAP_CNODE,
        [K_RISCV_4K_PAGE_OBJECT] = CAP_FRAME,
    };
    if (ct != expect[type]) fail("object_create(%lu) made a %s cap", (unsigned long)type, tname(ct));
    unsigned size = type == K_CAPTABLE_OBJECT ? usize : (type == K_UNTYPED_OBJECT || type == K_RISCV_4K_PAGE_OBJECT) ? (unsigned)bits : 0;
    int oid = new_obj(ct, pa, size);
    int c = new_cap(oid, d, ct == CAP_UNTYPED ? 0 : RIGHTS_ALL, 0, 0, true);
    link_first_child(u, c);
    logop("create %s (obj %d) from %s into %s", tname(ct), oid, sname(caps[u].slot), sname(d));
}

static void op_copy_mint(bool mint)
{
    int src = pick_live(true);
    cte_t *d = pick_empty();
    if (src < 0 || !d) { logop("%s: nothing to do", mint ? "mint" : "copy"); stat_fail[mint ? OP_MINT : OP_COPY]++; return; }
    mcap_t *sc = &caps[src];
    const mobj_t *o = &objs[sc->obj];
    unsigned rights = pick_rights();
    uint64_t data = 0;
    if (mint) data = o->type == CAP_CNODE ? pick_cnode_data() : pick_badge();

    /* kernel, as CNode_Copy / CNode_Mint do it */
    cte_t *s = sc->slot;
    cap_t out;
    word_t err = cap_derive(s, s->cap, &out);
    bool k_ok = err == K_NO_ERROR && !cap_is_null(out);
    if (k_ok) {
        out = cap_mask_rights(out, rights);
        if (mint) out = cap_update_data(false, data, out);
        k_ok = !cap_is_null(out);
    }
    if (k_ok) cdt_insert_child(s, d, out);

    /* model */
    bool m_revoke_first = o->type == CAP_UNTYPED && sc->child >= 0;
    cov_revoke_first += m_revoke_first;
    if ((err == K_REVOKE_FIRST) != m_revoke_first)
        fail("cap_derive(%s) returned %lu, model expects %s", sname(s), (unsigned long)err,
             m_revoke_first ? "K_REVOKE_FIRST" : "success");
    uint64_t badge = sc->badge, cdata = sc->data;
    bool m_ok = !m_revoke_first && (!mint || m_update_data(sc, false, data, &badge, &cdata));
    logop("%s %s (cap%d %s badge %llu) -> %s rights %#x data %#llx: %s", mint ? "mint" : "copy", sname(s), src,
          tname(o->type), (unsigned long long)sc->badge, sname(d), rights, (unsigned long long)data,
          m_ok ? "ok" : "refused");
    if (k_ok != m_ok) fail("kernel %s the %s, model %s it", k_ok ? "did" : "refused", mint ? "mint" : "copy",
                           m_ok ? "allows" : "refuses");
    if (!m_ok) { stat_fail[mint ? OP_MINT : OP_COPY]++; return; }
    unsigned r = has_rights(o->type) ? (sc->rights & rights) : sc->rights;
    bool orig = m_is_revocable(o->type, badge, sc->badge);
    int c = new_cap(sc->obj, d, r, badge, cdata, orig);
    if (o->type == CAP_UNTYPED) {
        /* seL4's setUntypedCapAsFull: the copy covers the same memory, so the source may
         * not carve any more of it (while it has children) */
        caps[c].fi = sc->fi;
        sc->fi = 1ull << o->size;
    }
    if (m_should_be_parent(sc, badge, orig)) link_first_child(src, c);
    else link_after_sibling(src, c);
}

static void op_move_mutate(bool mutate)
{
    int src = pick_live(false);
    cte_t *d = pick_empty();
    if (src < 0 || !d) { logop("%s: nothing to do", mutate ? "mutate" : "move"); stat_fail[mutate ? OP_MUTATE : OP_MOVE]++; return; }
    mcap_t *sc = &caps[src];
    cte_t *s = sc->slot;
    uint64_t data = 0;
    cap_t nc = s->cap;
    if (mutate) {
        data = objs[sc->obj].type == CAP_CNODE ? pick_cnode_data() : pick_badge();
        nc = cap_update_data(true, data, s->cap);
    }
    bool k_ok = !cap_is_null(nc);
    if (k_ok) cdt_move(s, d, nc);
    uint64_t badge = sc->badge, cdata = sc->data;
    bool m_ok = !mutate || m_update_data(sc, true, data, &badge, &cdata);
    logop("%s %s (cap%d %s) -> %s data %#llx: %s", mutate ? "mutate" : "move", sname(s), src,
          tname(objs[sc->obj].type), sname(d), (unsigned long long)data, m_ok ? "ok" : "refused");
    if (k_ok != m_ok) fail("kernel %s the %s, model %s it", k_ok ? "did" : "refused", mutate ? "mutate" : "move",
                           m_ok ? "allows" : "refuses");
    if (!m_ok) { stat_fail[mutate ? OP_MUTATE : OP_MOVE]++; return; }
    *slotref(s) = -1;
    *slotref(d) = src;
    sc->slot = d;
    sc->badge = badge;
    sc->data = cdata;
}

static void m_swap(int a, int b)
{
    cte_t *sa = caps[a].slot, *sb = caps[b].slot;
    caps[a].slot = sb;
    caps[b].slot = sa;
    *slotref(sa) = b;
    *slotref(sb) = a;
}

static void op_swap(void)
{
    int a = pick_live(false), b = pick_live(false);
    /* Half the time take a's list neighbour: adjacent swaps are the tricky case. */
    if (a >= 0 && rng_chance(&rng, 50)) {
        cte_t *n = rng_chance(&rng, 50) ? mdb_next(caps[a].slot) : mdb_prev(caps[a].slot);
        if (n && cap_at(n) >= 0 && !(n >= boot && n < boot + N_BOOT)) b = cap_at(n);
    }
    if (a < 0 || b < 0 || a == b) { logop("swap: nothing to do"); stat_fail[OP_SWAP]++; return; }
    logop("swap %s (cap%d) <-> %s (cap%d)", sname(caps[a].slot), a, sname(caps[b].slot), b);
    cov_swap_adjacent += mdb_next(caps[a].slot) == caps[b].slot || mdb_prev(caps[a].slot) == caps[b].slot;
    cdt_swap(caps[a].slot, caps[b].slot);
    m_swap(a, b);
}

static void op_rotate(void)
{
    /* seL4's Rotate: src -> pivot -> dest; dest empty or dest == src (then a swap). */
    int src = pick_live(false), piv = pick_live(false);
    cte_t *d = rng_chance(&rng, 30) ? NULL : pick_empty();
    if (src < 0 || piv < 0 || src == piv) { logop("rotate: nothing to do"); stat_fail[OP_ROTATE]++; return; }
    cte_t *ss = caps[src].slot, *ps = caps[piv].slot;
    if (!d) {
        logop("rotate %s -> %s -> %s (swap)", sname(ss), sname(ps), sname(ss));
        cdt_swap(ss, ps);
        m_swap(src, piv);
        return;
    }
    logop("rotate %s -> %s -> %s", sname(ss), sname(ps), sname(d));
    cdt_move(ps, d, ps->cap);
    cdt_move(ss, ps, ss->cap);
    *slotref(d) = piv;
    *slotref(ps) = src;
    *slotref(ss) = -1;
    caps[piv].slot = d;
    caps[src].slot = ps;
}

/* Half the sequences (odd seeds) run deletes and revokes with preemption points that
 * fire every few looks, restarting them until they finish, as a thread's restarted
 * system call would; the model checks the end state is the same. */
static long preempt_stops, preempt_orphans;

/* A stopped revoke can lose its own slot (it lay in a CNode a descendant was the last
 * cap to): the restarted call then no longer finds it, and the stopped delete is left
 * as a top Zombie, as in seL4. The model expects the whole revoke, so finish those
 * the way a later delete of the Zombie's slot would. */
static void finish_top_zombies_in(cte_t *s)
{
    if (cap_type(s->cap) == CAP_ZOMBIE && zombie_is_top(s->cap)) {
        preempt_orphans++;
        cte_delete(s);
    }
}
static void finish_top_zombies(void)
{
    for (int i = 0; i < N_BOOT; i++) finish_top_zombies_in(&boot[i]);
    for (int i = 0; i < npool; i++) {
        mobj_t *o = &objs[pool_objs[i]];
        for (unsigned k = 0; k < o->nslots; k++) finish_top_zombies_in(obj_slot(o, k));
    }
}

static void restarting(void (*op)(cte_t *), cte_t *slot)
{
    if (!preempt_every) { op(slot); return; }
    cap_t was = slot->cap;
    for (;;) {
        preempt_begin();
        preempt.work = PREEMPT_BUDGET - 1;   /* look at the first point already */
        op(slot);
        if (!preempt_end()) return;
        preempt_stops++;
        if (op == cte_revoke && slot->cap.w0 != was.w0) {
            finish_top_zombies();
            return;
        }
    }
}

static void op_delete(void)
{
    if (rng_chance(&rng, 4)) {
        cte_t *e = pick_empty();
        if (e) { logop("delete empty %s", sname(e)); restarting(cte_delete, e); return; }
    }
    int x = pick_live(false);
    if (x < 0) { logop("delete: nothing to do"); stat_fail[OP_DELETE]++; return; }
    logop("delete %s (cap%d %s obj %d)", sname(caps[x].slot), x, tname(objs[caps[x].obj].type), caps[x].obj);
    restarting(cte_delete, caps[x].slot);
    int before = nlive;
    m_delete(x);
    cov_delete_cascade += nlive < before - 1;
}

static void op_revoke(void)
{
    int x = pick_live(true);
    if (x < 0) { logop("revoke: nothing to do"); stat_fail[OP_REVOKE]++; return; }
    logop("revoke %s (cap%d %s obj %d)", sname(caps[x].slot), x, tname(objs[caps[x].obj].type), caps[x].obj);
    restarting(cte_revoke, caps[x].slot);
    int before = nlive;
    m_revoke(x);
    cov_revoke_some += nlive < before;
    cov_revoke_self += !caps[x].live;
}

/* ---- one sequence ---- */

static void setup(void)
{
    arena_reset();
    /* clear the slot map over what the last sequence used */
    size_t used = (slotmap_dirty_top - arena_base) >> 5;
    for (size_t i = 0; i < used && i < slotmap_len; i++) slotmap[i] = slotowner[i] = -1;
    nobjs = ncaps_alloc = nlive = npool = 0;
    ut_calls = ut_deleted = 0;
    nlog = 0;
    harness_context[0] = 0;

    boot = arena_slots(N_BOOT);
    /* three boot-time CNodes (the pool's fixed part) */
    for (int i = 0; i < N_ROOT_CNODES; i++) {
        paddr_t pa = arena_alloc(1ull << (ROOT_CNODE_RADIX + CTE_SIZE_BITS), 1ull << (ROOT_CNODE_RADIX + CTE_SIZE_BITS));
        cap_t c = object_create(K_CAPTABLE_OBJECT, pa, ROOT_CNODE_RADIX, false);
        cdt_insert_new(NULL, &boot[i], c);
        int oid = new_obj(CAP_CNODE, pa, ROOT_CNODE_RADIX);
        new_cap(oid, &boot[i], RIGHTS_ALL, 0, 0, true);
    }
    /* two boot untypeds: one in a boot slot, one in the pool */
    for (int i = 0; i < 2; i++) {
        paddr_t pa = arena_alloc(1ull << ROOT_UT_BITS, 1ull << ROOT_UT_BITS);
        cap_t c = object_create(K_UNTYPED_OBJECT, pa, ROOT_UT_BITS, false);
        cte_t *s = i == 0 ? &boot[N_ROOT_CNODES] : obj_slot(&objs[0], 0);
        cdt_insert_new(NULL, s, c);
        int oid = new_obj(CAP_UNTYPED, pa, ROOT_UT_BITS);
        new_cap(oid, s, 0, 0, 0, true);
    }
}

static void run_sequence(uint64_t seed, int steps)
{
    cur_seed = seed;
    cur_step = -1;
    rng.s = seed * 0x2545f4914f6cdd1dull + 1;
    preempt_every = seed & 1 ? 1 + (unsigned)(seed / 2 % 4) : 0;
    setup();
    check_all();
    unsigned wsum = 0;
    for (int i = 0; i < OP_N; i++) wsum += opweight[i];
    for (cur_step = 0; cur_step < steps; cur_step++) {
        unsigned r = rng_below(&rng, wsum), op = 0;
        while (r >= opweight[op]) r -= opweight[op++];
        stat_ops[op]++;
        switch (op) {
        case OP_CREATE: op_create(); break;
        case OP_COPY: op_copy_mint(false); break;
        case OP_MINT: op_copy_mint(true); break;
        case OP_MOVE: op_move_mutate(false); break;
        case OP_MUTATE: op_move_mutate(true); break;
        case OP_SWAP: op_swap(); break;
        case OP_ROTATE: op_rotate(); break;
        case OP_DELETE: op_delete(); break;
        case OP_REVOKE: op_revoke(); break;
        }
        check_all();
    }
    slotmap_dirty_top = arena_top;
}

int main(int argc, char **argv)
{
    long nseq = 2000, steps = 200;
    uint64_t first = 1;
    int pos = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v")) { verbose = true; continue; }
        long v = strtol(argv[i], NULL, 0);
        if (pos == 0) nseq = v; else if (pos == 1) steps = v; else first = (uint64_t)v;
        pos++;
    }
    arena_init(ARENA_BYTES);
    slotmap_len = arena_size >> 5;
    slotmap = malloc(slotmap_len * sizeof *slotmap);
    slotowner = malloc(slotmap_len * sizeof *slotowner);
    if (!slotmap || !slotowner) abort();
    memset(slotmap, 0xff, slotmap_len * sizeof *slotmap);
    memset(slotowner, 0xff, slotmap_len * sizeof *slotowner);
    slotmap_dirty_top = arena_base;
    finalise_hook = on_finalise;
    sched_kill_hook = on_kill;

    clock_t t0 = clock();
    long max_live = 0, max_objs = 0, deaths = 0;
    for (long i = 0; i < nseq; i++) {
        if (verbose) printf("sequence seed %llu\n", (unsigned long long)(first + i));
        run_sequence(first + (uint64_t)i, (int)steps);
        if (nlive > max_live) max_live = nlive;
        if (nobjs > max_objs) max_objs = nobjs;
        for (int k = 0; k < nobjs; k++) deaths += objs[k].dead;
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("cap_model: %ld sequences x %ld steps (seeds %llu..%llu), %ld checks, %ld objects died; ops:",
           nseq, steps, (unsigned long long)first, (unsigned long long)(first + nseq - 1), total_checks, deaths);
    for (int i = 0; i < OP_N; i++) printf(" %s %d(-%d)", opnames[i], stat_ops[i], stat_fail[i]);
    printf("; coverage: revokes that removed caps %ld, revokes that removed their own cap %ld, cascading "
           "deletes %ld, dying objects holding caps %ld, adjacent swaps %ld, untyped copies refused %ld, "
           "untyped resets %ld, preemptions %ld (stopped deletes finished later %ld); max live caps at end %ld, max objects %ld; %.1fs: PASS\n",
           cov_revoke_some, cov_revoke_self, cov_delete_cascade, cov_object_death_with_caps, cov_swap_adjacent,
           cov_revoke_first, cov_untyped_reset, preempt_stops, preempt_orphans, max_live, max_objs, secs);
    return 0;
}
