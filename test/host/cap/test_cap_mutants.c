/* Derivation-tree rules written for mutants that survived tools/mutate (docs/testing.md,
 * "Mutation testing"); each check names the kernel change it catches. */
#include "cap_harness.h"
#include <cap/zombie.h>
#include <k/abi.h>

/* Two Zombies share a region only if they stand for the same object (same base; the
 * count in the low bits may differ as deletion proceeds). Catches, in
 * cap_same_region's Zombie case, `==` made `!=` (then a Zombie would count as the
 * parent of an unrelated one next to it in the tree). */
static void zombie_regions(void)
{
    arena_reset();
    paddr_t a = arena_alloc(4096, 4096), b = arena_alloc(4096, 4096);
    cap_t za = zombie_make(a, 4, true, 0, NULL), za3 = zombie_make(a, 4, true, 3, NULL);
    cap_t zb = zombie_make(b, 4, true, 0, NULL);
    CHECK(cap_same_region(za, za3), "a Zombie's region changes with its count");
    CHECK(cap_same_object(za, za3), "a Zombie is not the same object as itself, later");
    CHECK(!cap_same_region(za, zb), "Zombies of two objects share a region");
    CHECK(!cap_same_object(za, zb), "Zombies of two objects are the same object");
    cap_t ep = cap_make(CAP_ENDPOINT, a, RIGHTS_ALL, 0, false, 0);
    CHECK(!cap_same_region(za, ep), "a Zombie shares a region with an endpoint");
}

int main(void)
{
    arena_init(1ul << 20);
    zombie_regions();
    if (check_failures) {
        fprintf(stderr, "cap_mutants: %d checks FAILED\n", check_failures);
        return 1;
    }
    printf("cap_mutants: PASS\n");
    return 0;
}
