/* ASID control and ASID pools.
 *
 * The ASID table has one entry per pool (128); a pool is a 4 KiB object holding, for
 * each of its 512 ASIDs, the physical address of the VSpace root assigned to it. ASID
 * 0 is never handed out: it marks "no ASID" in capabilities and runs the kernel-only
 * table. */
#include <node.h>
#include <invocation.h>
#include <object/vspace.h>
#include <object/objects.h>
#include <arch.h>
#include <kprintf.h>
#include <kstring.h>

_Static_assert(ASID_POOLS == 1u << K_NUM_ASID_POOLS_BITS && ASID_POOL_BITS == K_ASID_POOL_INDEX_BITS,
               "the ASID table has seL4's shape (seL4_NumASIDPoolsBits, seL4_ASIDPoolIndexBits)");

paddr_t asid_table[ASID_POOLS];   /* pool physical address per pool index */
uint64_t vspace_epoch = 1;        /* TCBs start with 0: never valid */

static paddr_t *pool_entries(paddr_t pool) { return paddr_to_kva(pool); }


void asid_boot(paddr_t pool, unsigned asid, paddr_t vspace)
{
    if (pool) asid_table[asid >> ASID_POOL_BITS] = pool;
    kassert(asid_table[asid >> ASID_POOL_BITS]);
    pool_entries(asid_table[asid >> ASID_POOL_BITS])[asid & MASK(ASID_POOL_BITS)] = vspace;
}

bool vspace_cap_valid(cap_t c)
{
    return cap_type(c) == CAP_PAGE_TABLE && cap_flag(c) &&
           asid_lookup(cap_mapped_asid(c)) == cap_paddr(c);
}


/* A VSpace is going away: no thread may reach it through this ASID any more. */
void asid_delete(unsigned asid, paddr_t vspace)
{
    paddr_t pool = asid_table[asid >> ASID_POOL_BITS];
    if (!pool || pool_entries(pool)[asid & MASK(ASID_POOL_BITS)] != vspace) return;
    pool_entries(pool)[asid & MASK(ASID_POOL_BITS)] = 0;
    vspace_changed();
    arch_tlb_flush_asid(asid);
    /* If it is the address space we are running in (a thread deleting its own
     * VSpace), leave it now: the thread resumes on the kernel-only table. */
    if (arch_active_root() == vspace) arch_set_vspace(arch_kernel_root(), ASID_INVALID);
    /* So must every other hart whose satp names it (a thread of it running there):
     * the table may be reused as soon as this returns. */
    node_drop_vspace(vspace);
}

void asid_pool_delete(cap_t pool_cap)
{
    unsigned base = (unsigned)pool_cap.w1;
    paddr_t pool = cap_paddr(pool_cap);
    if (asid_table[base >> ASID_POOL_BITS] != pool) return;
    for (unsigned i = 0; i < (1u << ASID_POOL_BITS); i++)
        if (pool_entries(pool)[i]) asid_delete(base + i, pool_entries(pool)[i]);
    asid_table[base >> ASID_POOL_BITS] = 0;
}

/* ASIDControl MakePool: MR0 index, MR1 depth; caps: untyped (4 KiB), root CNode. */
word_t asid_control_invoke(inv_t *iv, inv_error_t *e)
{
    if (iv->label != K_RISCV_ASID_CONTROL_MAKE_POOL) return err_simple(e, K_ILLEGAL_OPERATION);
    if (iv->length < 2 || iv->n_extra < 2) return err_simple(e, K_TRUNCATED_MESSAGE);
    unsigned i = 0;
    while (i < ASID_POOLS && asid_table[i]) i++;
    if (i == ASID_POOLS) return err_simple(e, K_DELETE_FIRST);
    cte_t *ut = iv->extra[0];
    if (cap_type(ut->cap) != CAP_UNTYPED || cap_size(ut->cap) != ASID_POOL_OBJ_BITS ||
        untyped_is_device(ut->cap))
        return err_invalid_cap(e, 1);
    if (cdt_has_children(ut)) return err_simple(e, K_REVOKE_FIRST);
    cte_t *dest = inv_lookup_slot(iv->extra[1]->cap, inv_mr(iv, 0), inv_mr(iv, 1), false, e);
    if (!dest) return e->type;
    if (!cap_is_null(dest->cap)) return err_simple(e, K_DELETE_FIRST);

    paddr_t pa = cap_paddr(ut->cap);
    ut->cap.w1 = 1ull << ASID_POOL_OBJ_BITS;     /* the whole untyped is now the pool */
    memset(paddr_to_kva(pa), 0, 1ull << ASID_POOL_OBJ_BITS);
    cdt_insert_new(ut, dest, cap_make(CAP_ASID_POOL, pa, RIGHTS_ALL, 0, false, (uint64_t)i << ASID_POOL_BITS));
    asid_table[i] = pa;
    return K_NO_ERROR;
}

/* ASIDPool Assign: cap0 = the page table that becomes a VSpace root. */
word_t asid_pool_invoke(inv_t *iv, inv_error_t *e)
{
    if (iv->label != K_RISCV_ASID_POOL_ASSIGN) return err_simple(e, K_ILLEGAL_OPERATION);
    if (iv->n_extra < 1) return err_simple(e, K_TRUNCATED_MESSAGE);
    cte_t *vs = iv->extra[0];
    if (cap_type(vs->cap) != CAP_PAGE_TABLE || cap_flag(vs->cap)) return err_invalid_cap(e, 1);
    unsigned base = (unsigned)iv->cap.w1;
    paddr_t pool = asid_table[base >> ASID_POOL_BITS];
    if (!pool) {
        lookup_fault_t why = { K_INVALID_ROOT, 0, 0, 0 };
        return err_lookup(e, false, &why);
    }
    if (pool != cap_paddr(iv->cap)) return err_invalid_cap(e, 0);
    unsigned i = 0;
    while (i < (1u << ASID_POOL_BITS) && (pool_entries(pool)[i] || base + i == ASID_INVALID)) i++;
    if (i == (1u << ASID_POOL_BITS)) return err_simple(e, K_DELETE_FIRST);

    arch_vspace_init(paddr_to_kva(cap_paddr(vs->cap)));   /* the kernel's half */
    pool_entries(pool)[i] = cap_paddr(vs->cap);
    vspace_changed();
    vs->cap = cap_make(CAP_PAGE_TABLE, cap_paddr(vs->cap), cap_rights(vs->cap), 0, true,
                       mapping_word(base + i, 0));
    /* A previous owner of this ASID may have left translations behind. */
    arch_tlb_flush_asid(base + i);
    return K_NO_ERROR;
}
