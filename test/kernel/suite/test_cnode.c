/* CNode invocations: copy, mint, move, mutate, rotate, delete, revoke; guarded
 * addressing through nested CNodes; deep derivation trees. */
#include "ktest.h"

#define TAG_EP 4
#define TAG_CNODE 10
#define TAG_TCB 12

static k_cptr_t ep_new(k_cptr_t ut) { return make_object(ut, K_ENDPOINT_OBJECT, 0); }

TEST(cnode_copy_move_delete)
{
    k_cptr_t ut = untyped_at_least(16);
    k_cptr_t ep = ep_new(ut), a = slot_alloc(), b = slot_alloc();
    CHECK_EQ(k_cnode_copy(ROOT, a, ROOT_DEPTH, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(a), TAG_EP);
    CHECK_EQ(k_cnode_move(ROOT, b, ROOT_DEPTH, ROOT, a, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(a), 0);
    CHECK_EQ(k_debug_cap_identify(b), TAG_EP);
    /* Deleting a copy leaves the original; deleting an empty slot is fine. */
    CHECK_EQ(k_cnode_delete(ROOT, b, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(b), 0);
    CHECK_EQ(k_debug_cap_identify(ep), TAG_EP);
    CHECK_EQ(k_cnode_delete(ROOT, b, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    slot_free(a);
    slot_free(b);
}

TEST(cnode_errors)
{
    k_cptr_t ut = untyped_at_least(16);
    k_cptr_t ep = ep_new(ut), empty = slot_alloc(), busy = ep_new(ut);
    /* Destination occupied, source empty, bad depths, root not a CNode. */
    CHECK_EQ(k_cnode_copy(ROOT, busy, ROOT_DEPTH, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_DELETE_FIRST);
    CHECK_EQ(k_cnode_copy(ROOT, empty, ROOT_DEPTH, ROOT, empty, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(0), 1);                          /* it was the source */
    CHECK_EQ(k_last_mr(1), K_MISSING_CAPABILITY);
    CHECK_EQ(k_cnode_copy(ROOT, empty, 0, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_RANGE_ERROR);
    CHECK_EQ(k_last_mr(0), 1);
    CHECK_EQ(k_last_mr(1), 64);
    CHECK_EQ(k_cnode_copy(ROOT, empty, 65, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_RANGE_ERROR);
    CHECK_EQ(k_cnode_copy(ROOT, empty, ROOT_DEPTH, ep, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(1), K_INVALID_ROOT);
    /* A depth shorter than the root's guard (64 - its size bits): seL4 calls that a
     * guard mismatch. */
    CHECK_EQ(k_cnode_delete(ROOT, ep, 32), K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(0), 0);
    CHECK_EQ(k_last_mr(1), K_GUARD_MISMATCH);
    CHECK_EQ(k_last_mr(2), 32);
    /* Guard bits must be zero for the root CNode (guard 0, 64 - size bits). */
    CHECK_EQ(k_cnode_delete(ROOT, (1ul << 40) | ep, ROOT_DEPTH), K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(1), K_GUARD_MISMATCH);
    CHECK_EQ(k_last_mr(2), 64);                         /* bits left when it failed */
    CHECK_EQ(k_last_mr(3), 0);                          /* the CNode's guard (seL4 reports it) */
    CHECK_EQ(k_last_mr(4), 64 - bi->init_thread_cnode_size_bits);   /* the guard size */
    /* CNode invocations on a kernel object that is not a CNode. (Not on an endpoint:
     * a Call on an endpoint cap is a message, and would wait for a receiver.) */
    CHECK_EQ(k_cnode_delete(ut, 0, 1), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_cnode_delete(K_CAP_INIT_THREAD_TCB, 0, 1), K_ILLEGAL_OPERATION);
    /* Reply and IRQ-control caps cannot be copied; untyped with children cannot either. */
    CHECK_EQ(k_cnode_copy(ROOT, empty, ROOT_DEPTH, ROOT, K_CAP_IRQ_CONTROL, ROOT_DEPTH, K_CAP_RIGHTS_ALL),
             K_ILLEGAL_OPERATION);
    CHECK_EQ(k_cnode_copy(ROOT, empty, ROOT_DEPTH, ROOT, ut, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_REVOKE_FIRST);
    CHECK_EQ(k_debug_cap_identify(empty), 0);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    slot_free(empty);
}

TEST(cnode_mint_badges)
{
    k_cptr_t ut = untyped_at_least(16);
    k_cptr_t ep = ep_new(ut), b1 = slot_alloc(), b1copy = slot_alloc(), b2 = slot_alloc(), x = slot_alloc();
    CHECK_EQ(k_cnode_mint(ROOT, b1, ROOT_DEPTH, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL, 0x11), K_NO_ERROR);
    CHECK_EQ(k_cnode_mint(ROOT, b2, ROOT_DEPTH, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL, 0x22), K_NO_ERROR);
    CHECK_EQ(k_cnode_copy(ROOT, b1copy, ROOT_DEPTH, ROOT, b1, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    /* A badge never changes: re-badging a badged cap fails, by Mint or Mutate. */
    CHECK_EQ(k_cnode_mint(ROOT, x, ROOT_DEPTH, ROOT, b1, ROOT_DEPTH, K_CAP_RIGHTS_ALL, 0x33), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_cnode_mutate(ROOT, x, ROOT_DEPTH, ROOT, b1, ROOT_DEPTH, 0x33), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_debug_cap_identify(b1), TAG_EP);   /* a failed mutate moved nothing */
    /* Revoking badge 0x11 removes its copies only; 0x22 stays. */
    CHECK_EQ(k_cnode_revoke(ROOT, b1, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(b1), TAG_EP);
    CHECK_EQ(k_debug_cap_identify(b1copy), 0);
    CHECK_EQ(k_debug_cap_identify(b2), TAG_EP);
    /* Revoking the unbadged original removes every badge. */
    CHECK_EQ(k_cnode_revoke(ROOT, ep, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(b1), 0);
    CHECK_EQ(k_debug_cap_identify(b2), 0);
    CHECK_EQ(k_debug_cap_identify(ep), TAG_EP);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    slot_free(b1); slot_free(b1copy); slot_free(b2); slot_free(x);
}

TEST(cnode_rotate_and_swap)
{
    /* seL4 rotates with "preserve" data updates, which no endpoint or notification cap
     * survives (their badge is fixed): rotating one is an illegal operation. TCB and
     * CNode caps pass through unchanged. */
    k_cptr_t ut = untyped_at_least(16);
    k_cptr_t tcb = make_object(ut, K_TCB_OBJECT, 0), cn = make_object(ut, K_CAPTABLE_OBJECT, 2);
    k_cptr_t ep = ep_new(ut), dest = slot_alloc();
    CHECK_EQ(k_cnode_rotate(ROOT, dest, ROOT_DEPTH, 0, ROOT, cn, ROOT_DEPTH, 0, ROOT, ep, ROOT_DEPTH),
             K_ILLEGAL_OPERATION);
    /* Rotate: pivot (cnode) -> dest, src (tcb) -> pivot. */
    CHECK_EQ(k_cnode_rotate(ROOT, dest, ROOT_DEPTH, 0, ROOT, cn, ROOT_DEPTH, 0, ROOT, tcb, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(dest), TAG_CNODE);
    CHECK_EQ(k_debug_cap_identify(cn), TAG_TCB);
    CHECK_EQ(k_debug_cap_identify(tcb), 0);
    /* Swap: src == dest. */
    CHECK_EQ(k_cnode_rotate(ROOT, dest, ROOT_DEPTH, 0, ROOT, cn, ROOT_DEPTH, 0, ROOT, dest, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(dest), TAG_TCB);
    CHECK_EQ(k_debug_cap_identify(cn), TAG_CNODE);
    /* The pivot may be neither the source nor the destination; an occupied
     * destination other than the source must be deleted first. */
    CHECK_EQ(k_cnode_rotate(ROOT, dest, ROOT_DEPTH, 0, ROOT, cn, ROOT_DEPTH, 0, ROOT, cn, ROOT_DEPTH), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_cnode_rotate(ROOT, dest, ROOT_DEPTH, 0, ROOT, dest, ROOT_DEPTH, 0, ROOT, cn, ROOT_DEPTH), K_ILLEGAL_OPERATION);
    CHECK_EQ(k_cnode_rotate(ROOT, ep, ROOT_DEPTH, 0, ROOT, cn, ROOT_DEPTH, 0, ROOT, dest, ROOT_DEPTH), K_DELETE_FIRST);
    /* A guard that cannot fit (radix 2 + 63 bits) is refused for the CNode going to dest. */
    CHECK_EQ(k_cnode_rotate(ROOT, tcb, ROOT_DEPTH, k_cnode_cap_data(0, 63), ROOT, cn, ROOT_DEPTH, 0, ROOT, dest, ROOT_DEPTH),
             K_ILLEGAL_OPERATION);
    /* All moved caps still belong to the untyped: revoke finds them. */
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(dest), 0);
    CHECK_EQ(k_debug_cap_identify(cn), 0);
    slot_free(dest);
}

TEST(cnode_two_level_addressing)
{
    /* The root CNode's guard makes root lookups consume all 64 bits, so multi-level
     * addressing is exercised from a nested CNode `cn` (4-bit guard 0x5, radix 4) that
     * holds, at index 3, a second CNode `cn2` (no guard, radix 4). From cn, the pointer
     * [0x5][3][7] at depth 12 names cn2's slot 7. */
    k_cptr_t ut = untyped_at_least(16);
    k_cptr_t raw = make_object(ut, K_CAPTABLE_OBJECT, 4), cn = slot_alloc();
    CHECK_EQ(k_cnode_mutate(ROOT, cn, ROOT_DEPTH, ROOT, raw, ROOT_DEPTH, k_cnode_cap_data(0x5, 4)), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(raw), 0);
    k_cptr_t cn2 = make_object(ut, K_CAPTABLE_OBJECT, 4);
    CHECK_EQ(k_cnode_move(cn, (0x5 << 4) | 3, 8, ROOT, cn2, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t ep = ep_new(ut);
    k_word_t two_level = (((0x5 << 4) | 3) << 4) | 7;
    CHECK_EQ(k_cnode_copy(cn, two_level, 12, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    CHECK_EQ(k_cnode_copy(cn, two_level, 12, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_DELETE_FIRST);
    /* Wrong guard at the first level: details say where and what. */
    CHECK_EQ(k_cnode_copy(cn, (0x6 << 4) | 3, 8, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(0), 0);
    CHECK_EQ(k_last_mr(1), K_GUARD_MISMATCH);
    CHECK_EQ(k_last_mr(2), 8);
    CHECK_EQ(k_last_mr(3), 0x5);                        /* the CNode's guard */
    CHECK_EQ(k_last_mr(4), 4);
    /* Too shallow to reach the second level's slot, too deep for it. */
    CHECK_EQ(k_cnode_delete(cn, two_level << 4, 16), K_FAILED_LOOKUP);
    CHECK_EQ(k_last_mr(1), K_DEPTH_MISMATCH);
    CHECK_EQ(k_cnode_delete(cn, two_level, 12), K_NO_ERROR);
    CHECK_EQ(k_cnode_copy(cn, two_level, 12, ROOT, ep, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    /* Revoking the untyped empties all of it, nested slots included. */
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(cn), 0);
    slot_free(cn);
}

TEST(revoke_deep_untyped_chain)
{
    /* Untyped inside untyped, 14 levels deep, then one revoke of the top. */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t chain[16];
    k_cptr_t parent = make_object(ut, K_UNTYPED_OBJECT, 20);
    CHECK(parent != 0);
    int depth = 0;
    for (unsigned bits = 19; bits >= 6; bits--) {
        chain[depth] = make_object(depth ? chain[depth - 1] : parent, K_UNTYPED_OBJECT, bits);
        CHECK(chain[depth] != 0);
        depth++;
    }
    k_cptr_t leaf = ep_new(chain[depth - 1]);
    CHECK(leaf != 0);
    CHECK_EQ(k_cnode_revoke(ROOT, parent, ROOT_DEPTH), K_NO_ERROR);
    for (int i = 0; i < depth; i++) CHECK_EQ(k_debug_cap_identify(chain[i]), 0);
    CHECK_EQ(k_debug_cap_identify(leaf), 0);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}

TEST(delete_nested_cnodes_without_recursion)
{
    /* 300 CNodes, each holding the only capability to the next; deleting the first
     * destroys them all (the kernel walks them with Zombies, not recursion), and the
     * memory can then be revoked and used again. */
    k_cptr_t ut = untyped_at_least(20);
    k_cptr_t pool = make_object(ut, K_UNTYPED_OBJECT, 20);
    k_cptr_t head = make_object(pool, K_CAPTABLE_OBJECT, 1);
    k_cptr_t tmp = slot_alloc();
    CHECK(head && tmp);
    /* Build from the head down: put a new CNode into slot 0 of the previous one. Each
     * new CNode is made in `tmp`, then moved into the previous CNode, reached through
     * a copy of the previous cap kept in `cur`. */
    k_cptr_t cur = slot_alloc();
    CHECK_EQ(k_cnode_copy(ROOT, cur, ROOT_DEPTH, ROOT, head, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    int built = 0;
    for (int i = 0; i < 300; i++) {
        if (k_untyped_retype(pool, K_CAPTABLE_OBJECT, 1, ROOT, 0, 0, tmp, 1) != K_NO_ERROR) break;
        /* Keep a copy of the new cap to walk further, move the original into cur[0]. */
        k_cptr_t next = slot_alloc();
        CHECK_EQ(k_cnode_copy(ROOT, next, ROOT_DEPTH, ROOT, tmp, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
        CHECK_EQ(k_cnode_move(cur, 0, 1, ROOT, tmp, ROOT_DEPTH), K_NO_ERROR);
        CHECK_EQ(k_cnode_delete(ROOT, cur, ROOT_DEPTH), K_NO_ERROR);
        CHECK_EQ(k_cnode_move(ROOT, cur, ROOT_DEPTH, ROOT, next, ROOT_DEPTH), K_NO_ERROR);
        slot_free(next);
        built++;
    }
    CHECK_EQ(built, 300);
    CHECK_EQ(k_cnode_delete(ROOT, cur, ROOT_DEPTH), K_NO_ERROR);
    /* Now `head` holds the only cap to a chain of 301 CNodes. */
    CHECK_EQ(k_cnode_delete(ROOT, head, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_debug_cap_identify(head), 0);
    /* Nothing of it is left: the pool has no children and can be used whole. */
    k_cptr_t whole = make_object(pool, K_UNTYPED_OBJECT, 20);
    CHECK(whole != 0);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    slot_free(tmp);
    slot_free(cur);
}

TEST(revoke_cnode_holding_itself)
{
    /* A CNode with a capability to itself inside it: deleting the outside cap leaves it
     * alive (not the last cap); revoking the untyped destroys it. */
    k_cptr_t ut = untyped_at_least(16);
    k_cptr_t cn = make_object(ut, K_CAPTABLE_OBJECT, 2);
    CHECK_EQ(k_cnode_copy(cn, 1, 2, ROOT, cn, ROOT_DEPTH, K_CAP_RIGHTS_ALL), K_NO_ERROR);
    CHECK_EQ(k_cnode_delete(ROOT, cn, ROOT_DEPTH), K_NO_ERROR);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    k_cptr_t again = make_object(ut, K_UNTYPED_OBJECT, 16);
    CHECK(again != 0);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
    slot_free(cn);
}

TEST(cspace_dump)
{
    /* DebugSnapshot prints our CSpace; the runner checks its lines. */
    k_debug_snapshot();
}
