/* Harts ("nodes"), the big kernel lock and the calls one hart makes on another.
 *
 * One lock covers the whole kernel, as in seL4's SMP configuration: every entry from
 * user mode takes it (entry.S) and every exit to user mode releases it (restore_user);
 * the idle loop lets it go while it waits in wfi. So kernel code still runs one hart
 * at a time and every kernel object stays as single-threaded as before; what is per
 * hart is only what the hardware makes per hart (registers, satp, the FP unit, the
 * timer) and the scheduler's queues. docs/smp.md has the reasoning.
 *
 * Remote calls: the lock holder sometimes needs another hart to do something only
 * that hart can do (stop running a thread, save FP registers it holds, leave an
 * address space). It writes a request into that hart's mailbox, sends an IPI and
 * spins until the request is answered. The other hart is then either in user mode
 * (the IPI traps it into the kernel, where it waits for the lock) or already waiting
 * for the lock; it answers from inside that wait (kernel_lock_wait). The holder can
 * wait for it safely: the lock holder never waits for the lock, and only the holder
 * sends requests, so no cycle of waits can form. */
#include <node.h>
#include <sched.h>
#include <kprintf.h>
#include <object/tcb.h>
#include <arch.h>
#include <arch/spin.h>

ticket_lock_t big_kernel_lock;
struct node_area node_areas[CONFIG_MAX_NUM_NODES];
unsigned nodes_online = 1;
uint64_t nodes_ran_user;

_Static_assert(__builtin_offsetof(struct node, cur) == NODE_CUR, "NODE_CUR");
_Static_assert(__builtin_offsetof(struct node, lock) == NODE_LOCK, "NODE_LOCK");
_Static_assert(__builtin_offsetof(struct node, lock_owner) == NODE_LOCK_OWNER, "NODE_LOCK_OWNER");
_Static_assert(__builtin_offsetof(user_context_t, node) == CTX_NODE, "CTX_NODE");
_Static_assert(__builtin_offsetof(ticket_lock_t, owner) == 4, "entry.S: owner at +4");
_Static_assert(CONFIG_MAX_NUM_NODES >= 1 && CONFIG_MAX_NUM_NODES <= 64, "node masks are 64 bits");

void arch_send_ipi(uint64_t hart_mask_of_indices);   /* arch/riscv/smp.c */

/* Answer a request in this hart's mailbox, if there is one. */
static void answer_call(struct node *n)
{
    if (n->call_seq == n->call_ack) return;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    switch (n->call_op) {
    case NODE_CALL_STALL: {
        tcb_t *t = n->call_arg;
        fpu_release(t);
        if (n->cur == t) n->cur = NULL;     /* its trap here, if any, is void */
        break;
    }
    case NODE_CALL_DROP_VSPACE:
        if (n->active_root == (paddr_t)(uintptr_t)n->call_arg) {
            arch_set_vspace(arch_kernel_root(), 0);
            n->reload_vspace = true;       /* find the thread's address space again */
        }
        asm volatile("sfence.vma" ::: "memory");
        break;
    case NODE_CALL_FLUSH: {
        const struct node_flush *f = n->call_arg;
        arch_tlb_flush_local(f->asid, f->va, f->whole);
        break;
    }
    default:
        break;
    }
    n->calls_answered++;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    n->call_ack = n->call_seq;
}

/* Slow path of taking the lock (entry.S took ticket `ticket`, or kernel_lock did):
 * spin until it is served, answering remote calls. True if, meanwhile, another hart
 * took away the thread whose trap brought us here. */
bool kernel_lock_wait(uint32_t ticket)
{
    struct node *n = this_node();
    struct tcb *before = n->cur;
    bool begun = arch_spin_begin();
    while (__atomic_load_n(&big_kernel_lock.owner, __ATOMIC_ACQUIRE) != ticket) {
        answer_call(n);
        arch_spin_pause(begun);
    }
    arch_spin_end(begun);
    answer_call(n);     /* a request posted just before our turn came */
    return n->cur != before;
}

void kernel_lock(void)
{
    uint32_t ticket = __atomic_fetch_add(&big_kernel_lock.next, 1, __ATOMIC_ACQUIRE);
    if (__atomic_load_n(&big_kernel_lock.owner, __ATOMIC_ACQUIRE) != ticket) kernel_lock_wait(ticket);
}

void kernel_unlock(void)
{
    __atomic_fetch_add(&big_kernel_lock.owner, 1, __ATOMIC_RELEASE);
}

/* Post the same request to every hart in mask (indices) and wait for all answers. */
static void remote_call(uint64_t mask, int op, void *arg)
{
    if (!mask) return;
    for (unsigned i = 0; i < nodes_online; i++) {
        if (!(mask & BIT(i))) continue;
        struct node *n = node_by_index(i);
        n->call_op = op;
        n->call_arg = arg;
        __atomic_thread_fence(__ATOMIC_RELEASE);
        n->call_seq++;
    }
    arch_send_ipi(mask);
    bool begun = arch_spin_begin();
    for (unsigned i = 0; i < nodes_online; i++) {
        if (!(mask & BIT(i))) continue;
        struct node *n = node_by_index(i);
        while (__atomic_load_n(&n->call_ack, __ATOMIC_ACQUIRE) != n->call_seq) arch_spin_pause(begun);
    }
    arch_spin_end(begun);
}

void node_stall_tcb(tcb_t *t)
{
    struct node *n = t->ctx.node, *self = this_node();
    if (n == self) {
        /* Here: the thread cannot be running (we are in the kernel); only its FP
         * registers may still be in this hart's unit. */
        return;
    }
    bool running = n->cur == t;
    if (!running && n->fpu_owner != t) return;
    remote_call(BIT(n->index), NODE_CALL_STALL, t);
    if (running && t->state == TCB_RUNNING) {
        /* It stays runnable: back at the head of its queue there, and that hart
         * decides afresh (its trap, if it was in one, starts over). */
        sched_requeue_stalled(t);
    }
}

void node_drop_vspace(paddr_t root)
{
    uint64_t mask = 0;
    struct node *self = this_node();
    for (unsigned i = 0; i < nodes_online; i++) {
        struct node *n = node_by_index(i);
        if (n != self && n->active_root == root) mask |= BIT(i);
    }
    remote_call(mask, NODE_CALL_DROP_VSPACE, (void *)(uintptr_t)root);
}

/* TLB shootdown: the other harts in mask flush asid (whole, or the page at va) and
 * answer; we return once all have. The request lives on our stack: we wait for every
 * answer before it goes. Through the mailbox rather than SBI RFENCE so that the wait
 * is the kernel's own (arch_spin_pause), and every cross-hart request takes one road
 * (docs/smp.md, "TLB shootdown"). */
void node_remote_flush(uint64_t mask, unsigned asid, vaddr_t va, bool whole)
{
    struct node_flush f = { .asid = asid, .va = va, .whole = whole };
    remote_call(mask, NODE_CALL_FLUSH, &f);
}

/* An idle hart holds no user translations: it leaves the thread's address space for
 * the kernel-only table and flushes its TLB, so remote flushes can skip it until it
 * runs a thread again (schedule_and_return sets its bit in nodes_ran_user). */
void node_idle_tlb(void)
{
    struct node *n = this_node();
    if (!n->ran_user) return;
    if (n->active_root != arch_kernel_root()) arch_set_vspace(arch_kernel_root(), 0);
    asm volatile("sfence.vma" ::: "memory");
    n->ran_user = false;
    nodes_ran_user &= ~BIT(n->index);
}

void node_kick(struct node *n)
{
    if (n != this_node()) arch_send_ipi(BIT(n->index));
}

void node_send_ipi(uint64_t index_mask) { arch_send_ipi(index_mask); }
