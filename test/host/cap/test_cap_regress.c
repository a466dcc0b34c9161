/* Minimal sequences for the places where the derivation tree must do what seL4's
 * cteInsert and emptySlot do beyond linking (found by test_cap_model):
 *
 *  1. Copying an untyped cap marks the source full (seL4's setUntypedCapAsFull), so
 *     the source and its copy can never both carve objects from the same memory.
 *  2. Deleting a cap passes its "first badged" bit on to the next slot (seL4's
 *     emptySlot), so the badged copies of a deleted first-badged cap do not become
 *     children of a later cap minted with the same badge. */
#include "cap_harness.h"
#include <string.h>

static void on_finalise(cap_t c, bool final) { (void)c; (void)final; }

/* Untyped_Retype's placement rule (kernel/object/untyped.c, seL4's decodeUntypedInvocation). */
static paddr_t retype_base(cte_t *ut, unsigned bits)
{
    uint64_t used = cdt_has_children(ut) ? untyped_free_index(ut->cap) : 0;
    return ALIGN_UP(cap_paddr(ut->cap) + used, 1ull << bits);
}

static void untyped_copy_is_full(void)
{
    arena_reset();
    cte_t *s = arena_slots(4);
    paddr_t pa = arena_alloc(4096, 4096);
    cdt_insert_new(NULL, &s[0], object_create(K_UNTYPED_OBJECT, pa, 12, false));

    /* copy U (no children yet) */
    cap_t out;
    CHECK(cap_derive(&s[0], s[0].cap, &out) == K_NO_ERROR && !cap_is_null(out), "copy of a childless untyped refused");
    cdt_insert_child(&s[0], &s[1], out);

    CHECK(untyped_free_index(s[0].cap) == 4096,
          "untyped copy: the source's free index is %llu, want 4096 (full): seL4's cteInsert calls "
          "setUntypedCapAsFull when the new cap is an untyped over the same memory",
          (unsigned long long)untyped_free_index(s[0].cap));

    /* The consequence: Retype through the source (it has a child, so it keeps its free
     * index) and through the copy (no children: starts from zero) pick the same bytes. */
    paddr_t via_src = retype_base(&s[0], ENDPOINT_OBJ_BITS);
    paddr_t via_copy = retype_base(&s[1], ENDPOINT_OBJ_BITS);
    bool src_fits = via_src + (1u << ENDPOINT_OBJ_BITS) <= pa + 4096;
    CHECK(!src_fits || via_src != via_copy,
          "Retype via the untyped (at %#llx) and via its copy (at %#llx) would create two objects in the same memory",
          (unsigned long long)via_src, (unsigned long long)via_copy);
    printf("cap_regress: untyped copy marks the source full: %s\n", untyped_free_index(s[0].cap) == 4096 ? "ok" : "NO");
}

static void first_badged_passes_on(void)
{
    arena_reset();
    cte_t *s = arena_slots(6);
    paddr_t upa = arena_alloc(4096, 4096);
    cdt_insert_new(NULL, &s[0], object_create(K_UNTYPED_OBJECT, upa, 12, false));
    cte_t *o = &s[1], *b = &s[2], *bc = &s[3], *b2 = &s[4];
    cdt_insert_new(&s[0], o, object_create(K_ENDPOINT_OBJECT, upa, 0, false));   /* O, unbadged */

    cap_t c;
    cap_derive(o, o->cap, &c);
    cdt_insert_child(o, b, cap_update_data(false, 3, c));        /* B = mint(O, badge 3) */
    cap_derive(b, b->cap, &c);
    cdt_insert_child(b, bc, c);                                  /* B' = copy(B) */
    cte_delete(b);                                               /* B' now hangs off O */
    cap_derive(o, o->cap, &c);
    cdt_insert_child(o, b2, cap_update_data(false, 3, c));       /* B2 = mint(O, badge 3) */

    /* list: U, O, B2, B'. B' was never derived from B2. */
    CHECK(!cdt_is_parent_of(b2, bc),
          "a cap minted later with the same badge (B2) is taken for the parent of B', a copy of the deleted B: "
          "seL4's emptySlot sets mdbFirstBadged on the slot after a deleted first-badged cap");
    cte_revoke(b2);
    CHECK(!cap_is_null(bc->cap), "revoking B2 deleted B', which it never derived");
    CHECK(cdt_is_parent_of(o, bc), "B' should still be a child of the unbadged original");
    printf("cap_regress: deleting a first-badged cap keeps its copies out of later same-badge mints: %s\n",
           cap_is_null(bc->cap) ? "NO" : "ok");
}

int main(void)
{
    arena_init(1ul << 20);
    finalise_hook = on_finalise;
    untyped_copy_is_full();
    first_badged_passes_on();
    if (check_failures) {
        fprintf(stderr, "cap_regress: %d checks FAILED\n", check_failures);
        return 1;
    }
    printf("cap_regress: PASS\n");
    return 0;
}
