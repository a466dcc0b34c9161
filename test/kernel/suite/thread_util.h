/* Helpers for the suite's tests that need address spaces and threads of their own
 * (test_vspace.c, test_tcb.c, test_stress.c).
 *
 * A child thread runs a function of our own image. Its address space is either ours
 * (K_CAP_INIT_THREAD_VSPACE) or a new VSpace made from untyped memory in which COPIES
 * of our image frame caps are mapped at the addresses the originals have in ours, so
 * the child sees the very same physical frames: our code, and our .bss, which holds
 * `shared`, the page through which children report to the root task.
 *
 * Assumption (checked by image_pages()): the boot info's user_image_frames region
 * lists the frames of our image in address order, one per page from IMAGE_BASE with
 * no gap (our linker script makes the three segments contiguous), so slot
 * start + i holds the frame mapped at IMAGE_BASE + i * 4096. The kernel's mapping
 * addresses cannot be read back, so this is checked indirectly: the image must end
 * exactly where the boot info says our IPC buffer starts.
 *
 * Rules for code that runs in a child: touch only its own stack, its arguments and
 * `shared`; call no printf and no libk wrapper that uses k_ipc_buffer() (that global
 * points at the ROOT task's buffer, which a child in its own VSpace has not mapped);
 * raw system calls that use registers only (k_yield, k_call) are fine. */
#pragma once
#include "ktest.h"

#define IMAGE_BASE 0x10000ul
#define RW_RIGHTS (K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE)
#define PAGE_SIZE_4K 4096ul

/* In a VSpace made by vspace_new(): per-thread areas from AREA_BASE, AREA_SIZE apart:
 * the IPC buffer page at +0, a stack page at +4096, initial sp at +8192. */
#define AREA_BASE 0x100000ul
#define AREA_SIZE 0x2000ul
#define MAX_AREAS 64
/* A 1 GiB region nothing uses in any of our VSpaces: tests map their pages here. */
#define SCRATCH_VA 0x40000000ul

#define MAX_IMAGE_PAGES 128

/* The page the root task and its children share (in our .bss, so in every child). */
struct shared_page {
    volatile k_word_t word[512];
};
extern struct shared_page shared;
void shared_clear(void);
/* shared.word[] index the child trampoline bumps if suspending itself returned. */
#define SHARED_SUSPEND_RETURNED 511

/* A function a child thread runs: three arguments and the CPtr of its own TCB in its
 * own CSpace. When it returns, the child suspends itself. */
typedef void (*child_fn)(k_word_t a, k_word_t b, k_word_t c, k_cptr_t self);

/* An address space made from untyped memory, with our image mapped in it. */
struct vspace {
    k_cptr_t root;            /* the VSpace: a top-level page table with an ASID */
    k_cptr_t pt_l1, pt_l2;    /* tables covering 0 .. 2 MiB */
    unsigned n_img;
    k_cptr_t img[MAX_IMAGE_PAGES];   /* copies of our image frame caps, mapped */
    unsigned next_area;
    bool have_slots;
};

struct thread {
    k_cptr_t tcb;
    k_cptr_t stack, ipc;      /* frames (own VSpace only) */
    k_cptr_t cnode;           /* own CSpace (THREAD_OWN_CSPACE), else 0 */
    k_cptr_t self;            /* CPtr of its TCB in its own CSpace */
    struct vspace *vs;        /* NULL: runs in the root task's VSpace */
    k_word_t sp, ipc_va;
    int static_area;          /* root-VSpace threads: which static stack/IPC area */
    bool have_slots;
};

#define THREAD_OWN_CSPACE 1u  /* a 16-slot CNode (guard 60 bits) holding its TCB cap at 1 */
#define OWN_CSPACE_SELF 1

/* Root CNode slots for these tests. Slots given back go to a pool of our own, not to
 * main.c's free list, so the tests of other files find that list as they left it
 * (some rely on slot_alloc() handing out consecutive slots). */
k_cptr_t tslot_alloc(void);
void tslot_free(k_cptr_t s);

/* Frames of our image, 0 if the layout is not as assumed (then say why). */
unsigned image_pages(void);
/* The image frame cap that holds the page at p (an address in our image). */
k_cptr_t image_frame_of(const volatile void *p);
/* The gp register, which code in our image may use to reach globals. */
k_word_t read_gp(void);

/* Make a VSpace from ut (its top-level table from vspace_ut if not 0), assign it an
 * ASID from our pool, map the tables for the low 2 MiB and a copy of our image.
 * Slots are taken on first use and kept by vspace_destroy(), so a loop can reuse
 * them; vspace_free() gives them back. Returns K_NO_ERROR or the first error. */
int vspace_new(struct vspace *vs, k_cptr_t ut, k_cptr_t vspace_ut);
/* The same with an ASID from the given pool. */
int vspace_new_in_pool(struct vspace *vs, k_cptr_t ut, k_cptr_t vspace_ut, k_cptr_t pool);
void vspace_unmap_image(struct vspace *vs); /* delete only the image copies */
void vspace_destroy(struct vspace *vs);   /* delete every cap it holds */
void vspace_free(struct vspace *vs);      /* destroy, and give the slots back */

/* Make a thread (TCB from ut) in vs (NULL: our own VSpace), with a stack and an IPC
 * buffer, configured with our CNode as its CSpace (or its own, see flags) and named.
 * It is not started: priority 0, registers 0, inactive. */
int thread_new(struct thread *t, k_cptr_t ut, struct vspace *vs, unsigned flags, const char *name);
/* Write its registers so it runs fn(a, b, c, self) from the start of its stack, set
 * its priority (authority: our TCB) and, if resume, make it runnable. */
int thread_start(struct thread *t, child_fn fn, k_word_t a, k_word_t b, k_word_t c,
                 k_word_t prio, bool resume);
void thread_destroy(struct thread *t);   /* delete its caps (which stops it) */
void thread_free(struct thread *t);      /* destroy, and give the slots back */

/* The registers thread_start() writes, for tests that want to change some. */
void thread_initial_regs(struct thread *t, struct k_user_context *r, child_fn fn,
                         k_word_t a, k_word_t b, k_word_t c);
/* The function every child starts in (pc of thread_initial_regs()). */
void child_trampoline(child_fn fn, k_word_t a, k_word_t b, k_word_t c, k_cptr_t self);

/* Make, map and keep in fresh slots the two page tables for va in vspace. */
int map_tables(k_cptr_t ut, k_cptr_t vspace, k_word_t va, k_cptr_t *l1, k_cptr_t *l2);

/* Yield until cond holds, at most max times; the value is whether it holds. A child of
 * our priority runs (for up to a time slice) at each yield. */
#define YIELD_UNTIL(cond, max)                                                         \
    ({                                                                               \
        unsigned n_ = 0;                                                             \
        while (!(cond) && n_++ < (unsigned)(max)) k_yield();                         \
        (cond);                                                                      \
    })
static inline void yield_n(unsigned n) { while (n--) k_yield(); }

/* A raw invocation with any label, length and capability arguments (for truncated
 * messages the typed wrappers cannot build). Returns the error (reply label). */
k_word_t raw_invoke(k_cptr_t service, k_word_t label, k_word_t length, unsigned n_caps,
                    const k_cptr_t *caps, k_word_t mr0, k_word_t mr1);

/* The physical range of the untyped in slot ut (for GetAddress checks). */
bool untyped_range(k_cptr_t ut, k_word_t *base, k_word_t *size);

/* Child functions shared by the test files (they follow the rules above). */
void child_store(k_word_t idx, k_word_t value, k_word_t unused, k_cptr_t self);
void child_count(k_word_t idx, k_word_t unused1, k_word_t unused2, k_cptr_t self);
/* Read addr forever: shared[idx] counts the reads, shared[idx + 1] holds the last value. */
void child_read_loop(k_word_t idx, k_word_t addr, k_word_t unused, k_cptr_t self);
