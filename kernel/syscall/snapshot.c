/* The audit snapshot (debug builds): every capability in the system, printed on the
 * console in the versioned line format of docs/audit.md, for tools/capaudit.
 *
 * Every boot-time original is linked after cdt_head (cdt_insert_root), and every
 * later cap is derived from one of them (objects from untypeds, copies from their
 * source), so one walk of the derivation list from cdt_head meets them all. Reply
 * caps live on small lists of their own (master and reply, cap.h); they are printed
 * with the thread that holds them. The walk is in depth-first order, so the open
 * ancestors of the current slot form a stack, and a cap's parent is the innermost one
 * that is its parent (cdt_is_parent_of): no backward search.
 *
 * The kernel is not preemptible, so a walk is spread over calls: each prints at most
 * max_caps capabilities and returns a cursor. Between calls other threads run; if any
 * of them edits the list (cdt_generation moves) the saved position may be gone, so the
 * cursor dies and the caller starts again. Fields changed in place (an untyped's free
 * mark, a frame's mapping, names) are read when the record is printed. */
#ifdef CONFIG_PRINTING
#include <invocation.h>
#include <kprintf.h>
#include <object/objects.h>
#include <object/vspace.h>
#include <irq.h>

#define AUDIT_MAX_CHUNK 64      /* caps per call: ~0.5M instructions at most */
#define AUDIT_STACK 64          /* open ancestors kept (deeper: see visit) */

static struct {
    word_t cursor;              /* what the last call returned; 0: none in progress */
    uint64_t gen;               /* cdt_generation when it was returned */
    uint64_t seq, chunk;        /* snapshot number, calls within it */
    cte_t *next;                /* next slot of the list to print */
    cte_t *anc[AUDIT_STACK];    /* open ancestors of `next`, outermost first */
    unsigned depth;
    bool lost;                  /* ancestors were dropped from just above anc[0] */
    uint64_t caps, tcbs, cnodes;
} snap;

/* Start a record: at the start of a console line (another thread's output may have
 * left one unfinished), with the format's tag and version. */
static void record(const char *kind)
{
    if (!kputc_at_line_start()) kputc('\n');
    kprintf("@cap v1 %s", kind);
}

static const char *state_name(tcb_state_t s)
{
    switch (s) {
    case TCB_INACTIVE: return "inactive";
    case TCB_RUNNING: return "running";
    case TCB_BLOCKED_SEND: return "blocked_send";
    case TCB_BLOCKED_RECV: return "blocked_recv";
    case TCB_BLOCKED_REPLY: return "blocked_reply";
    case TCB_BLOCKED_NOTIFICATION: return "blocked_ntfn";
    case TCB_DEAD: return "dead";
    }
    return "unknown";
}

static void print_ref(const char *key, const void *kva)
{
    if (kva) kprintf(" %s=0x%lx", key, kva_to_paddr(kva));
    else kprintf(" %s=-", key);
}

/* Names are user data: anything but [A-Za-z0-9._-] is written %XX, so a name can
 * neither break the line nor fake a field. */
static void print_name(const char *name)
{
    kprintf(" name=");
    for (unsigned i = 0; i < TCB_NAME_LEN && name[i]; i++) {
        char c = name[i];
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '_' || c == '-';
        if (plain) kputc(c);
        else kprintf("%%%02x", (unsigned)(uint8_t)c);
    }
}

static void print_cap(const cte_t *s, const cte_t *parent, bool parent_unknown)
{
    cap_t c = s->cap;
    unsigned r = cap_rights(c);
    char rights[5] = { r & RIGHT_READ ? 'R' : '-', r & RIGHT_WRITE ? 'W' : '-',
                       r & RIGHT_GRANT ? 'G' : '-', r & RIGHT_GRANT_REPLY ? 'P' : '-', 0 };
    record("cap");
    kprintf(" slot=0x%lx type=%s obj=0x%lx bytes=0x%lx rights=%s rev=%u",
            kva_to_paddr(s), cap_type_name(cap_type(c)), cap_paddr(c), cap_object_bytes(c),
            rights, (unsigned)mdb_revocable(s));
    switch (cap_type(c)) {
    case CAP_ENDPOINT: case CAP_NOTIFICATION:
        kprintf(" badge=0x%lx", cap_badge(c));
        break;
    case CAP_CNODE:
        kprintf(" radix=%u guard=0x%lx guard_bits=%u", cnode_radix(c), cnode_guard(c), cnode_guard_size(c));
        break;
    case CAP_UNTYPED:
        kprintf(" bits=%u device=%u used=0x%lx", cap_size(c), (unsigned)untyped_is_device(c),
                untyped_free_index(c));
        break;
    case CAP_FRAME:
        kprintf(" bits=%u device=%u", cap_size(c), (unsigned)cap_flag(c));
        if (c.w1) kprintf(" asid=%u va=0x%lx", cap_mapped_asid(c), cap_mapped_vaddr(c));
        break;
    case CAP_PAGE_TABLE:
        kprintf(" level=%u", cap_size(c));
        if (cap_flag(c)) kprintf(" asid=%u va=0x%lx", cap_mapped_asid(c), cap_mapped_vaddr(c));
        break;
    case CAP_REPLY:
        kprintf(" master=%u grant=%u", cap_size(c) ? 1u : 0u, (unsigned)cap_flag(c));
        break;
    case CAP_IRQ_HANDLER:
        kprintf(" irq=%lu", c.w1);
        break;
    case CAP_ASID_POOL:
        kprintf(" asid_base=%lu", c.w1);
        break;
    default:
        break;
    }
    if (parent_unknown) kprintf(" parent=?\n");
    else {
        print_ref("parent", parent);
        kprintf("\n");
    }
    snap.caps++;
}

/* What a thread names: its CSpace and VSpace roots, IPC buffer, fault endpoint (a
 * CPtr, resolved now in its CSpace as a fault would be) and bound notification. Then
 * its master reply cap and the reply cap made from it for its pending Call, wherever
 * that is now (a receiver's TCB, or a CNode after SaveCaller): they are on a list of
 * their own, which the walk does not visit. A thread waits for one reply at a time, so
 * that list is the master and at most one reply cap. */
static void print_tcb(tcb_t *t)
{
    cap_t cs = tcb_slot(t, TCB_SLOT_CTABLE)->cap, vs = tcb_slot(t, TCB_SLOT_VTABLE)->cap;
    cap_t buf = tcb_slot(t, TCB_SLOT_BUFFER)->cap;
    record("tcb");
    kprintf(" obj=0x%lx slots=0x%lx nslots=%u", kva_to_paddr(t), kva_to_paddr(tcb_slot(t, 0)),
            (unsigned)TCB_SLOT_COUNT);
    print_name(t->name);
    kprintf(" state=%s prio=%u mcp=%u", state_name(t->state), t->priority, t->mcp);
    if (cap_type(cs) == CAP_CNODE) kprintf(" cspace=0x%lx", cap_paddr(cs)); else kprintf(" cspace=-");
    if (cap_type(vs) == CAP_PAGE_TABLE) kprintf(" vspace=0x%lx", cap_paddr(vs)); else kprintf(" vspace=-");
    if (cap_type(buf) == CAP_FRAME) kprintf(" ipcbuf=0x%lx", cap_paddr(buf)); else kprintf(" ipcbuf=-");
    kprintf(" ipcbuf_va=0x%lx fault_ep=0x%lx", t->ipc_buffer, t->fault_ep);
    cte_t *f = NULL;
    if (cap_type(cs) == CAP_CNODE && t->fault_ep) {
        lookup_fault_t why;
        f = cspace_lookup_cap_slot(cs, t->fault_ep, &why);
        if (f && cap_is_null(f->cap)) f = NULL;
    }
    print_ref("fault_slot", f);
    print_ref("ntfn", t->bound_ntfn);
    kprintf("\n");
    snap.tcbs++;
    cte_t *master = tcb_slot(t, TCB_SLOT_REPLY);
    if (cap_type(master->cap) != CAP_REPLY) return;
    print_cap(master, NULL, false);
    for (cte_t *r = mdb_next(master); r && cdt_is_parent_of(master, r); r = mdb_next(r))
        print_cap(r, master, false);
}

/* One list entry: the records of the object it is the first cap of, then the cap.
 * A chain deeper than AUDIT_STACK (only copies of copies of untypeds make one) drops
 * the ancestors just above the outermost, which are all inside its subtree: a cap whose
 * innermost kept ancestor is that outermost one may be the child of a dropped one, so
 * its parent prints as '?'; once the walk leaves the outermost's subtree all is exact. */
static void visit(cte_t *s)
{
    while (snap.depth && !cdt_is_parent_of(snap.anc[snap.depth - 1], s)) snap.depth--;
    if (snap.depth == 0) snap.lost = false;
    bool unknown = snap.lost && snap.depth == 1;
    cte_t *parent = snap.depth ? snap.anc[snap.depth - 1] : NULL;
    cte_t *prev = mdb_prev(s);
    bool first = !(prev && cap_same_object(prev->cap, s->cap));   /* caps of one object are a run */
    if (first && cap_type(s->cap) == CAP_CNODE) {
        record("cnode");
        kprintf(" obj=0x%lx radix=%u\n", cap_paddr(s->cap), cnode_radix(s->cap));
        snap.cnodes++;
    }
    if (first && cap_type(s->cap) == CAP_THREAD) print_tcb(cap_ptr(s->cap));
    print_cap(s, parent, unknown);
    if (mdb_revocable(s)) {
        if (snap.depth == AUDIT_STACK) {
            for (unsigned i = 2; i < AUDIT_STACK; i++) snap.anc[i - 1] = snap.anc[i];
            snap.depth--;
            snap.lost = true;
        }
        snap.anc[snap.depth++] = s;
    }
}

word_t audit_invoke(inv_t *iv, inv_error_t *e)
{
    if (iv->label != K_AUDIT_SNAPSHOT) return err_simple(e, K_ILLEGAL_OPERATION);
    if (iv->length < 2) return err_simple(e, K_TRUNCATED_MESSAGE);
    word_t cursor = inv_mr(iv, 0), max = inv_mr(iv, 1);
    if (max < 1 || max > AUDIT_MAX_CHUNK) return err_range(e, 1, AUDIT_MAX_CHUNK);
    if (cursor != 0 && (!snap.cursor || cursor != snap.cursor)) return err_invalid_arg(e, 0);
    if (cursor != 0 && snap.gen != cdt_generation) {
        /* The saved slot may be gone: say so in the log, so a reader drops the part. */
        record("abort");
        kprintf(" snap=%lu reason=changed\n", snap.seq);
        snap.cursor = 0;
        return err_invalid_arg(e, 0);
    }

    if (cursor == 0) {
        word_t seq = snap.seq + 1;
        snap.seq = seq;
        snap.chunk = 0;
        snap.next = mdb_next(&cdt_head);
        snap.depth = 0;
        snap.lost = false;
        snap.caps = snap.tcbs = snap.cnodes = 0;
        record("begin");
        kprintf(" snap=%lu slot_bytes=%u tcb_bytes=%u\n", seq, 1u << CTE_SIZE_BITS,
                (unsigned)TCB_OBJ_SIZE);
        /* The slots the kernel itself holds caps in: the IRQ notifications. */
        unsigned n_irq;
        const cte_t *irq_slots = irq_node_slots(&n_irq);
        record("kernel");
        kprintf(" slots=0x%lx nslots=%u name=irq\n", kva_to_paddr(irq_slots), n_irq);
    }
    for (word_t n = 0; n < max && snap.next; n++) {
        cte_t *s = snap.next;
        visit(s);
        snap.next = mdb_next(s);
    }
    if (snap.next) {
        snap.chunk++;
        snap.cursor = (snap.seq << 24) | (snap.chunk & MASK(24));
        snap.gen = cdt_generation;
    } else {
        record("end");
        kprintf(" snap=%lu caps=%lu tcbs=%lu cnodes=%lu\n", snap.seq, snap.caps, snap.tcbs,
                snap.cnodes);
        snap.cursor = 0;
    }
    inv_set_mr(iv, 0, snap.cursor);
    inv_set_mr(iv, 1, snap.caps);
    inv_set_mr(iv, 2, snap.tcbs);
    inv_set_mr(iv, 3, snap.cnodes);
    e->len = 4;
    return K_NO_ERROR;
}
#endif
