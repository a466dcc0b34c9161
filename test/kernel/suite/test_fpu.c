/* Floating-point state is per thread: two threads keep different values in the same
 * FP registers across many switches, and each always reads back its own. */
#include "thread_util.h"

static inline void set_f5(k_word_t v) { __asm__ volatile("fmv.d.x f5, %0" :: "r"(v) : "f5"); }
static inline k_word_t get_f5(void) { k_word_t v; __asm__ volatile("fmv.x.d %0, f5" : "=r"(v)); return v; }
static inline void set_fcsr(k_word_t v) { __asm__ volatile("fscsr %0" :: "r"(v)); }
static inline k_word_t get_fcsr(void) { k_word_t v; __asm__ volatile("frcsr %0" : "=r"(v)); return v; }

/* W(idx) counts rounds that found f5 and fcsr intact; W(idx+1) counts rounds that
 * did not; W(idx+2) = 1 when done. */
static void c_fp(k_word_t seed, k_word_t rounds, k_word_t idx, k_cptr_t self)
{
    (void)self;
    set_f5(seed);
    set_fcsr(seed & 0xff);
    for (k_word_t i = 0; i < rounds; i++) {
        k_yield();
        if (get_f5() == seed && get_fcsr() == (seed & 0xff)) shared.word[idx]++;
        else shared.word[idx + 1]++;
    }
    shared.word[idx + 2] = 1;
}

TEST(fpu_state_is_per_thread)
{
    k_cptr_t ut = untyped_at_least(20);
    struct thread a = { 0 }, b = { 0 };
    shared_clear();
    CHECK(thread_new(&a, ut, NULL, 0, "fp-a") == K_NO_ERROR);
    CHECK(thread_new(&b, ut, NULL, 0, "fp-b") == K_NO_ERROR);
    CHECK(thread_start(&a, c_fp, 0x4000111111111111ul, 50, 0, 255, true) == K_NO_ERROR);
    CHECK(thread_start(&b, c_fp, 0x4000222222222222ul, 50, 4, 255, true) == K_NO_ERROR);
    /* We use FP too, between their rounds. */
    k_word_t mine = 0x4000333333333333ul;
    set_f5(mine);
    unsigned bad = 0;
    for (int i = 0; i < 60 && !(shared.word[2] && shared.word[6]); i++) {
        k_yield();
        if (get_f5() != mine) bad++;
    }
    CHECK(shared.word[2] == 1 && shared.word[6] == 1);
    CHECK_EQ(shared.word[0], 50);
    CHECK_EQ(shared.word[1], 0);
    CHECK_EQ(shared.word[4], 50);
    CHECK_EQ(shared.word[5], 0);
    CHECK_EQ(bad, 0);
    thread_free(&a);
    thread_free(&b);
    CHECK_EQ(k_cnode_revoke(ROOT, ut, ROOT_DEPTH), K_NO_ERROR);
}
