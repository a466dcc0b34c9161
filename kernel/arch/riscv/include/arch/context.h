/* A thread's saved user state, as trap entry (entry.S) stores it. Offsets are shared
 * by assembly and C, so they live here once. regs[0] holds the pc (x0 needs no slot),
 * regs[i] holds register x_i. */
#pragma once

#define CTX_PC       0
#define CTX_REG(n)   ((n) * 8)
#define CTX_FREGS    (32 * 8)
#define CTX_FCSR     (64 * 8)
#define CTX_SIZE     (66 * 8)   /* + the node word (arch/node_layout.h: CTX_NODE) */

/* Register numbers by ABI name. */
#define REG_RA 1
#define REG_SP 2
#define REG_GP 3
#define REG_TP 4
#define REG_T0 5
#define REG_T1 6
#define REG_T2 7
#define REG_S0 8
#define REG_S1 9
#define REG_A0 10
#define REG_A1 11
#define REG_A2 12
#define REG_A3 13
#define REG_A4 14
#define REG_A5 15
#define REG_A6 16
#define REG_A7 17
#define REG_S2 18
#define REG_T3 28
#define REG_T6 31

#ifndef __ASSEMBLER__
#include <types.h>
typedef struct user_context {
    word_t regs[32];      /* regs[0] = pc, regs[1..31] = x1..x31 */
    uint64_t fregs[32];   /* f0..f31, saved only when the thread dirtied them */
    uint64_t fcsr;
    struct node *node;    /* the hart this thread runs on (its affinity): entry.S loads
                           * tp from it; kernel-only, never part of the user's registers */
} user_context_t;
_Static_assert(sizeof(user_context_t) == CTX_SIZE, "context layout");
#endif
