/* The derivation tree's relations as truth tables: which two caps name the same region
 * or the same object, and which cap is the parent of which (seL4's sameRegionAs,
 * sameObjectAs and isMDBParentOf). The model test reaches most of these only through
 * long sequences; here each rule has a direct case, including the pairs that must NOT
 * relate (a frame and an endpoint at one address, frames of two sizes at one address,
 * CNodes of two radices), so removing one clause of a rule fails a named check. */
#include "cap_harness.h"
#include <k/abi.h>

static cap_t frame(paddr_t pa, unsigned bits, bool device)
{
    return cap_make(CAP_FRAME, pa, RIGHTS_ALL, bits, device, 0);
}

static void regions_and_objects(void)
{
    arena_reset();
    paddr_t pa = arena_alloc(1ull << 21, 1ull << 21);
    cap_t ut = cap_make(CAP_UNTYPED, pa, 0, 21, false, 0);
    cap_t f4k = frame(pa, 12, false), f4k_b = frame(pa, 12, false), f2m = frame(pa, 21, false);
    cap_t f4k_dev = frame(pa, 12, true), f4k_next = frame(pa + 4096, 12, false);
    cap_t ep = cap_make(CAP_ENDPOINT, pa, RIGHTS_ALL, 0, false, 0);
    cap_t ep_other = cap_make(CAP_ENDPOINT, pa + 16, RIGHTS_ALL, 0, false, 0);
    cap_t cn4 = cap_make(CAP_CNODE, pa, RIGHTS_ALL, 4, false, 0);
    cap_t cn5 = cap_make(CAP_CNODE, pa, RIGHTS_ALL, 5, false, 0);
    cap_t outside = frame(pa + (1ull << 21), 12, false);

    /* An untyped covers what lies inside it, and nothing past its last byte. */
    CHECK(cap_same_region(ut, f4k), "untyped does not cover a frame at its start");
    CHECK(cap_same_region(ut, f4k_next), "untyped does not cover a frame inside it");
    CHECK(!cap_same_region(ut, outside), "untyped covers the frame just past its end");
    CHECK(!cap_same_object(ut, f4k), "an untyped is the same object as a frame in it");
    /* Frames: containment for regions; same address, size and kind for objects. */
    CHECK(cap_same_region(f2m, f4k), "a 2 MiB frame does not cover the 4 KiB frame at its start");
    CHECK(!cap_same_region(f4k, f2m), "a 4 KiB frame covers a 2 MiB one");
    CHECK(cap_same_object(f4k, f4k_b), "two caps to one 4 KiB frame are not the same object");
    CHECK(!cap_same_object(f2m, f4k), "frames of two sizes at one address are the same object");
    CHECK(!cap_same_object(f4k, f4k_dev), "a device frame is the same object as a RAM frame");
    CHECK(!cap_same_object(f4k, f4k_next), "frames at two addresses are the same object");
    CHECK(!cap_same_region(f4k, ep), "a frame and an endpoint at one address share a region");
    CHECK(!cap_same_object(f4k, ep), "a frame and an endpoint at one address are the same object");
    /* Other objects: same type and address; CNodes also the same radix. */
    CHECK(!cap_same_object(ep, ep_other), "two endpoints are the same object");
    CHECK(!cap_same_region(ep, f4k), "an endpoint and a frame at one address share a region");
    CHECK(!cap_same_object(cn4, cn5), "CNodes of two radices at one address are the same object");
    CHECK(cap_same_object(cn4, cn4), "a CNode is not the same object as itself");
    /* IRQs: IRQControl covers every handler, a handler only its own interrupt. */
    cap_t ctl = cap_make(CAP_IRQ_CONTROL, 0, 0, 0, false, 0);
    cap_t h3 = cap_make(CAP_IRQ_HANDLER, 0, 0, 0, false, 3), h3b = h3;
    cap_t h4 = cap_make(CAP_IRQ_HANDLER, 0, 0, 0, false, 4);
    CHECK(cap_same_region(ctl, h3), "IRQControl does not cover a handler");
    CHECK(!cap_same_object(ctl, h3), "IRQControl is the same object as a handler");
    CHECK(cap_same_object(h3, h3b), "two caps to IRQ 3's handler are not the same object");
    CHECK(!cap_same_region(h3, h4), "handlers of IRQs 3 and 4 share a region");
}

/* Badged endpoints: the unbadged original is the parent of every copy; a badged cap is
 * the parent only of same-badge caps derived from it (not first-badged ones). */
static void badge_parents(void)
{
    arena_reset();
    cte_t *s = arena_slots(6);
    paddr_t pa = arena_alloc(4096, 4096);
    cdt_insert_new(NULL, &s[0], object_create(K_UNTYPED_OBJECT, pa, 12, false));
    cte_t *o = &s[1], *b3 = &s[2], *b3c = &s[3], *b4 = &s[4], *oc = &s[5];
    cdt_insert_new(&s[0], o, object_create(K_ENDPOINT_OBJECT, pa, 0, false));
    cap_t c;
    cap_derive(o, o->cap, &c);
    cdt_insert_child(o, b3, cap_update_data(false, 3, c));
    cap_derive(b3, b3->cap, &c);
    cdt_insert_child(b3, b3c, c);
    cap_derive(o, o->cap, &c);
    cdt_insert_child(o, b4, cap_update_data(false, 4, c));
    cap_derive(o, o->cap, &c);
    cdt_insert_child(o, oc, c);

    CHECK(cdt_is_parent_of(&s[0], o), "the untyped is not the parent of its endpoint");
    CHECK(cdt_is_parent_of(o, b3) && cdt_is_parent_of(o, b4), "the original is not the parent of its mints");
    CHECK(cdt_is_parent_of(b3, b3c), "a badged cap is not the parent of its copy");
    CHECK(!cdt_is_parent_of(b3, b4), "badge 3 is the parent of badge 4");
    CHECK(mdb_revocable(b3) && mdb_first_badged(b3), "a new badge is not revocable and first-badged");
    CHECK(!mdb_revocable(b3c), "a plain copy of a badged cap is revocable");
    CHECK(!mdb_revocable(oc), "a plain copy of the original is revocable");
    CHECK(!cdt_is_parent_of(oc, o), "a copy is the parent of its source");
    /* A badge never changes once set, and Mutate (preserve) cannot set one. */
    CHECK(cap_is_null(cap_update_data(false, 5, b3->cap)), "a badged cap was re-badged");
    CHECK(cap_is_null(cap_update_data(true, 5, o->cap)), "Mutate set a badge");
    CHECK(cap_badge(cap_update_data(false, 5, o->cap)) == 5, "Mint did not set the badge");
}

/* IRQ handlers: one issued by IRQControl is revocable (revoking it removes its
 * copies); a copy of a handler is not, and revoking the copy leaves the original. */
static void irq_handler_parents(void)
{
    arena_reset();
    cte_t *s = arena_slots(4);
    cte_t *ctl = &s[0], *h = &s[1], *hc = &s[2], *hcc = &s[3];
    cdt_insert_new(NULL, ctl, cap_make(CAP_IRQ_CONTROL, 0, RIGHTS_ALL, 0, false, 0));
    cdt_insert_child(ctl, h, cap_make(CAP_IRQ_HANDLER, 0, RIGHTS_ALL, 0, false, 7));
    cap_t c;
    CHECK(cap_derive(h, h->cap, &c) == K_NO_ERROR && !cap_is_null(c), "an IRQ handler cannot be copied");
    cdt_insert_child(h, hc, c);
    CHECK(mdb_revocable(h), "a handler issued by IRQControl is not revocable");
    CHECK(!mdb_revocable(hc), "a copy of a handler is revocable");
    CHECK(cdt_is_parent_of(h, hc), "the issued handler is not the parent of its copy");
    CHECK(cap_derive(ctl, ctl->cap, &c) == K_NO_ERROR && cap_is_null(c), "IRQControl can be copied");
    cap_derive(hc, hc->cap, &c);
    cdt_insert_child(hc, hcc, c);
    cte_revoke(hc);
    CHECK(!cap_is_null(hcc->cap), "revoking a plain copy deleted a sibling copy");
    cte_revoke(h);
    CHECK(cap_is_null(hc->cap) && cap_is_null(hcc->cap), "revoking the issued handler left copies");
    CHECK(!cap_is_null(h->cap), "revoke deleted the handler itself");
}

int main(void)
{
    arena_init(1ul << 23);
    regions_and_objects();
    badge_parents();
    irq_handler_parents();
    if (check_failures) {
        fprintf(stderr, "cap_relations: %d checks FAILED\n", check_failures);
        return 1;
    }
    printf("cap_relations: PASS\n");
    return 0;
}
