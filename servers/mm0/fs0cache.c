/* fs0's page-cache frames, mm0's side (fs0/protocol.h, "The page cache"; docs/mm0.md).
 *
 * fs0 asks for cache frame k (MM0_FS0_CACHE); mm0 makes it from its pool and maps its
 * original capability read-write at FS0_CACHE_AT(k) in fs0, in a region whose page
 * tables fs0_start made. fs0 decides what each frame holds. When fs0 names frame k in
 * answer to the pager's FS0_MM_PAGE, mm0 supplies that frame to the file's VM object
 * (it is then "held"): processes map it through capability copies, so a shared
 * mapping writes into fs0's own copy of the file. When the object lets the frame go
 * (memory.c's frame_free), it is not freed but released: a bit that fs0's next event
 * pull turns into FS0_EV_RELEASE (64 frames an event). So a release never waits for
 * fs0 and never needs room in the task-event queue. */
#include <errno.h>
#include <fs0/protocol.h>
#include "mm0.h"
#include "fs0link.h"
#include "vspace.h"

static page_t frame[FS0_CACHE_PAGES];
static uint64_t held[FS0_CACHE_PAGES / 64], released[FS0_CACHE_PAGES / 64];
/* Granted: fs0 holds the frame for writing (FS0_MMP_WRITE), so it writes it back.
 * Until then mm0 maps it read-only even where a shared mapping may write, and the
 * first store faults and asks fs0 (pager.c): fs0 writes back only pages stored to. */
static uint64_t granted[FS0_CACHE_PAGES / 64];
static k_word_t frame_file[FS0_CACHE_PAGES];   /* the file id and page a held frame is */
static uint32_t frame_index[FS0_CACHE_PAGES];
uint16_t fs0_cache_k_of[MAX_PAGES];   /* by page: 1 + its frame number, 0 if none */
#define k_of fs0_cache_k_of
static bool ready;

static void init_once(void)
{
    if (ready) return;
    for (unsigned k = 0; k < FS0_CACHE_PAGES; k++) frame[k] = NO_PAGE;
    ready = true;
}

static bool bit(const uint64_t *w, unsigned k) { return w[k / 64] >> (k % 64) & 1; }
static void set(uint64_t *w, unsigned k, bool on)
{
    if (on) w[k / 64] |= 1ull << (k % 64);
    else w[k / 64] &= ~(1ull << (k % 64));
}

int fs0_cache_make(struct task *server, k_word_t k)
{
    init_once();
    if (k >= FS0_CACHE_PAGES || frame[k] != NO_PAGE) return -EINVAL;
    page_t p = pool_page_new(K_RISCV_4K_PAGE_OBJECT, 0);
    if (p == NO_PAGE) return -ENOMEM;
    frame_original_take(p);   /* fs0's mapping uses the original: processes get copies */
    if (space_map(server->vspace, &server->mem.pts, page_cap(p), FS0_CACHE_AT(k),
                  K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_EXECUTE_NEVER)) {
        pool_page_release(p);
        return -ENOMEM;
    }
    frame[k] = p;
    k_of[p] = (uint16_t)(k + 1);
    return 0;
}

page_t fs0_cache_hold(k_word_t k, k_word_t file, uint64_t index, bool write)
{
    init_once();
    if (k >= FS0_CACHE_PAGES || frame[k] == NO_PAGE) return NO_PAGE;
    if (!bit(held, (unsigned)k)) {
        frame_file[k] = file;
        frame_index[k] = (uint32_t)index;
    }
    set(held, (unsigned)k, true);
    if (write) set(granted, (unsigned)k, true);
    set(released, (unsigned)k, false);   /* let go and taken again before fs0 pulled */
    return frame[k];
}

bool fs0_cache_frame(page_t p, k_word_t *file, uint64_t *index, bool *write)
{
    if (p >= MAX_PAGES || !k_of[p]) return false;
    unsigned k = k_of[p] - 1u;
    *file = frame_file[k];
    *index = frame_index[k];
    *write = bit(granted, k);
    return true;
}

bool fs0_cache_is_held(k_word_t k) { return ready && k < FS0_CACHE_PAGES && bit(held, (unsigned)k); }

bool fs0_cache_let_go(page_t p)
{
    if (p >= MAX_PAGES || !k_of[p]) return false;
    unsigned k = k_of[p] - 1u;
    set(held, k, false);
    set(granted, k, false);
    if (fs0_serving()) {
        set(released, k, true);
        fs0_poke();
        return true;
    }
    /* fs0 is gone: nobody maps the frame any more. */
    k_of[p] = 0;
    frame[k] = NO_PAGE;
    pool_page_release(p);
    return true;
}

bool fs0_cache_next_release(k_word_t *base, k_word_t *mask, k_word_t *left)
{
    bool found = false;
    *left = 0;
    for (unsigned i = 0; i < FS0_CACHE_PAGES / 64; i++) {
        if (!released[i]) continue;
        if (found) {
            ++*left;
            continue;
        }
        *base = (k_word_t)i * 64;
        *mask = released[i];
        released[i] = 0;
        found = true;
    }
    return found;
}

void fs0_cache_server_gone(void)
{
    init_once();
    for (unsigned k = 0; k < FS0_CACHE_PAGES; k++) {
        if (frame[k] == NO_PAGE || bit(held, k)) continue;   /* a held one goes with its object */
        k_of[frame[k]] = 0;
        pool_page_release(frame[k]);
        frame[k] = NO_PAGE;
    }
    for (unsigned i = 0; i < FS0_CACHE_PAGES / 64; i++) released[i] = 0;
}
