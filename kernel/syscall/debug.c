/* seL4's debug system calls (CONFIG_PRINTING, CONFIG_DEBUG_BUILD: see debug.h) and
 * the CSpace dump, the first tool for auditing who holds which capability. */
#include <debug.h>
#include <invocation.h>
#include <sched.h>
#include <kprintf.h>
#include <object/objects.h>

void debug_flush(tcb_t *t, bool end_line)
{
    /* Console lines starting with '@' are the kernel's audit records (docs/audit.md):
     * a thread's line never starts with one, so it cannot forge them. */
    if (t->dbg_len && t->dbg_line[0] == '@' && kputc_at_line_start()) kputc(' ');
    for (unsigned i = 0; i < t->dbg_len; i++) kputc(t->dbg_line[i]);
    if (end_line && t->dbg_len && t->dbg_line[t->dbg_len - 1] != '\n') kputc('\n');
    t->dbg_len = 0;
}

void debug_putchar(tcb_t *t, char c)
{
    t->dbg_line[t->dbg_len++] = c;
    if (c == '\n' || t->dbg_len == sizeof(t->dbg_line)) debug_flush(t, false);
}

word_t debug_cap_identify(tcb_t *t, word_t cptr)
{
    lookup_fault_t why;
    cte_t *s = cspace_lookup_cap_slot(tcb_cspace_root(t), cptr, &why);
    return s ? cap_type(s->cap) : CAP_NULL;
}

const char *cap_type_name(cap_type_t type)
{
    switch (type) {
    case CAP_NULL: return "null";
    case CAP_FRAME: return "frame";
    case CAP_UNTYPED: return "untyped";
    case CAP_PAGE_TABLE: return "page_table";
    case CAP_ENDPOINT: return "endpoint";
    case CAP_NOTIFICATION: return "notification";
    case CAP_REPLY: return "reply";
    case CAP_CNODE: return "cnode";
    case CAP_ASID_CONTROL: return "asid_control";
    case CAP_THREAD: return "tcb";
    case CAP_ASID_POOL: return "asid_pool";
    case CAP_IRQ_CONTROL: return "irq_control";
    case CAP_IRQ_HANDLER: return "irq_handler";
    case CAP_ZOMBIE: return "zombie";
    case CAP_DOMAIN: return "domain";
    case CAP_AUDIT: return "audit";
    }
    return "?";
}

/* Where a slot is, for the dump: an index in the dumped CNode or a physical address. */
static void print_slot_name(const cte_t *s, const cte_t *cnode, uint64_t n)
{
    if (s >= cnode && s < cnode + n) kprintf("slot %lu", (uint64_t)(s - cnode));
    else kprintf("slot @0x%lx", kva_to_paddr(s));
}

void debug_dump_cspace(tcb_t *t)
{
    cap_t root = tcb_cspace_root(t);
    debug_flush(t, true);
    if (cap_type(root) != CAP_CNODE) {
        kprintf("cspace of '%s': no CSpace root\n", t->name);
        return;
    }
    cte_t *slots = cap_ptr(root);
    uint64_t n = 1ull << cnode_radix(root), used = 0;
    kprintf("cspace of '%s': root cnode @0x%lx, %lu slots, guard %lu/%u bits\n", t->name,
            cap_paddr(root), n, cnode_guard(root), cnode_guard_size(root));
    for (uint64_t i = 0; i < n; i++) {
        cte_t *s = &slots[i];
        if (cap_is_null(s->cap)) continue;
        used++;
        unsigned r = cap_rights(s->cap);
        kprintf("  %4lu %-12s obj 0x%-10lx rights %c%c%c%c", i, cap_type_name(cap_type(s->cap)),
                cap_paddr(s->cap), r & RIGHT_READ ? 'R' : '-', r & RIGHT_WRITE ? 'W' : '-',
                r & RIGHT_GRANT ? 'G' : '-', r & RIGHT_GRANT_REPLY ? 'P' : '-');
        switch (cap_type(s->cap)) {
        case CAP_ENDPOINT: case CAP_NOTIFICATION:
            kprintf(" badge 0x%lx", cap_badge(s->cap)); break;
        case CAP_UNTYPED:
            kprintf(" %u bits%s used 0x%lx", cap_size(s->cap), untyped_is_device(s->cap) ? " device" : "",
                    untyped_free_index(s->cap)); break;
        case CAP_CNODE:
            kprintf(" radix %u guard %lu/%u", cnode_radix(s->cap), cnode_guard(s->cap), cnode_guard_size(s->cap)); break;
        default: break;
        }
        /* The parent is the nearest earlier slot in derivation order that it derives from. */
        const cte_t *p = mdb_prev(s);
        while (p && !cdt_is_parent_of(p, s)) p = mdb_prev(p);
        kprintf(" parent ");
        if (p) print_slot_name(p, slots, n);
        else kprintf("none");
        kprintf("\n");
    }
    kprintf("cspace of '%s': %lu of %lu slots used\n", t->name, used, n);
}

void debug_name_thread(tcb_t *t, word_t cptr)
{
    lookup_fault_t why;
    cte_t *s = cspace_lookup_cap_slot(tcb_cspace_root(t), cptr, &why);
    word_t *buf = tcb_ipc_buffer(t, false);
    if (!s || cap_type(s->cap) != CAP_THREAD || !buf) {
        kprintf("kernel: DebugNameThread from '%s': cptr 0x%lx is not a TCB (or no IPC buffer)\n",
                t->name, cptr);
        return;
    }
    /* The name sits in the message area of the caller's IPC buffer; bound it. */
    char name[TCB_NAME_LEN];
    const char *src = (const char *)&buf[1];
    unsigned i = 0;
    for (; i < TCB_NAME_LEN - 1 && src[i]; i++) name[i] = src[i];
    name[i] = '\0';
    tcb_set_name(cap_ptr(s->cap), name);
}

/* seL4: with printing but no debug build the call succeeds and prints nothing. */
void debug_dump_scheduler(void)
{
#ifdef CONFIG_DEBUG_BUILD
    tcb_t *cur = sched_current();
    kprintf("scheduler: current '%s' prio %u, %lu ticks\n", cur ? cur->name : "(idle)",
            cur ? cur->priority : 0, sched_ticks());
#endif
}
