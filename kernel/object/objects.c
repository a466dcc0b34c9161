/* Per-type object facts: sizes, creation and destruction. Creation only initialises
 * memory that retype has already checked is free and correctly aligned. */
#include <node.h>
#include <object/objects.h>
#include <object/tcb.h>
#include <sched.h>
#include <object/vspace.h>
#include <object/endpoint.h>
#include <irq.h>
#include <kstring.h>
#include <kprintf.h>

int object_size_bits(word_t type, word_t user_size)
{
    switch (type) {
    case K_UNTYPED_OBJECT:
        return (user_size >= MIN_UNTYPED_BITS && user_size <= MAX_UNTYPED_BITS) ? (int)user_size : -1;
    case K_TCB_OBJECT:             return TCB_OBJ_BITS;
    case K_ENDPOINT_OBJECT:        return ENDPOINT_OBJ_BITS;
    case K_NOTIFICATION_OBJECT:    return NOTIFICATION_OBJ_BITS;
    case K_CAPTABLE_OBJECT:
        return (user_size >= 1 && user_size <= MAX_CNODE_RADIX) ? (int)(user_size + CTE_SIZE_BITS) : -1;
    case K_RISCV_4K_PAGE_OBJECT:   return 12;
    case K_RISCV_MEGA_PAGE_OBJECT: return 21;
    case K_RISCV_GIGA_PAGE_OBJECT: return 30;
    case K_RISCV_PAGE_TABLE_OBJECT: return PAGE_TABLE_OBJ_BITS;
    default:                       return -1;
    }
}

cap_t object_create(word_t type, paddr_t pa, word_t user_size, bool device)
{
    int bits = object_size_bits(type, user_size);
    kassert(bits > 0);
    /* Device memory is handed out as frames only and never zeroed: it is registers. */
    if (!device) memset(paddr_to_kva(pa), 0, 1ull << bits);
    return object_init(type, pa, user_size, device);
}

void object_init_memory(word_t type, paddr_t pa)
{
    if (type != K_TCB_OBJECT) return;
    /* The memory is zero: state 0 is TCB_INACTIVE; only the default name is written
     * (one store, not a call: a retype may make 256 TCBs in one go). */
    tcb_t *t = paddr_to_kva(pa);
    _Static_assert(TCB_INACTIVE == 0 && TCB_NAME_LEN >= 8, "a fresh TCB is zero but for its name");
    __builtin_memcpy(t->name, "thread", 7);
    t->ctx.node = node_by_index(0);     /* affinity 0, as in seL4 */
}

cap_t object_init(word_t type, paddr_t pa, word_t user_size, bool device)
{
    int bits = object_size_bits(type, user_size);
    kassert(bits > 0);
    switch (type) {
    case K_UNTYPED_OBJECT:
        return cap_make(CAP_UNTYPED, pa, 0, bits, device, 0);
    case K_TCB_OBJECT:
        object_init_memory(type, pa);
        return cap_make(CAP_THREAD, pa, RIGHTS_ALL, 0, false, 0);
    case K_ENDPOINT_OBJECT:
        return cap_make(CAP_ENDPOINT, pa, RIGHTS_ALL, 0, false, 0);
    case K_NOTIFICATION_OBJECT:
        return cap_make(CAP_NOTIFICATION, pa, RIGHTS_ALL, 0, false, 0);
    case K_CAPTABLE_OBJECT:
        return cap_make(CAP_CNODE, pa, RIGHTS_ALL, user_size, false, 0);
    case K_RISCV_4K_PAGE_OBJECT: case K_RISCV_MEGA_PAGE_OBJECT: case K_RISCV_GIGA_PAGE_OBJECT:
        return cap_make(CAP_FRAME, pa, RIGHTS_ALL, bits, device, 0);
    case K_RISCV_PAGE_TABLE_OBJECT:
        return cap_make(CAP_PAGE_TABLE, pa, RIGHTS_ALL, 0, false, 0);
    }
    panic("object_create: type %lu", type);
}

bool object_has_slots(cap_t c)
{
    return cap_type(c) == CAP_CNODE || cap_type(c) == CAP_THREAD;
}

cte_t *object_slot(cap_t c, uint64_t i)
{
    if (cap_type(c) == CAP_THREAD) return tcb_slot(cap_ptr(c), (unsigned)i);
    return (cte_t *)cap_ptr(c) + i;
}

uint64_t object_slot_count(cap_t c)
{
    return cap_type(c) == CAP_THREAD ? TCB_SLOT_COUNT : 1ull << cnode_radix(c);
}

void object_finalise(cap_t c, bool final)
{
    switch (cap_type(c)) {
    case CAP_FRAME:
        /* Each frame cap owns its own mapping, final or not. */
        frame_unmap(c);
        break;
    case CAP_PAGE_TABLE:
        /* It may be a thread's VTABLE copy: threads look their VSpace up again. */
        vspace_changed();
        if (!final || !cap_flag(c)) break;
        if (vspace_cap_valid(c)) asid_delete(cap_mapped_asid(c), cap_paddr(c));
        else page_table_unmap(c);
        break;
    case CAP_ASID_POOL:
        if (final) asid_pool_delete(c);
        break;
    case CAP_THREAD:
        /* Off every queue for good; its slots are emptied by the caller next. */
        if (final) {
            tcb_t *t = cap_ptr(c);
            ipc_cancel(t);
            ntfn_unbind(t);
            sched_kill(t);
        }
        break;
    case CAP_ENDPOINT:
        if (final) ep_cancel_all(cap_ptr(c));
        break;
    case CAP_NOTIFICATION:
        if (final) ntfn_cancel_all(cap_ptr(c));
        break;
    case CAP_IRQ_HANDLER: if (final) irq_handler_deleted(c.w1); break;
    default:
        /* Untyped, CNodes, reply caps and control caps need nothing. */
        break;
    }
}
