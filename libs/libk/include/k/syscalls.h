/* System call numbers: seL4 13.0.0's RISC-V numbering (number in a7), shared by the
 * kernel and libk so the two cannot disagree. See docs/abi.md. */
#pragma once

#define SYS_CALL                 (-1)
#define SYS_REPLY_RECV           (-2)
#define SYS_SEND                 (-3)
#define SYS_NB_SEND              (-4)
#define SYS_RECV                 (-5)
#define SYS_REPLY                (-6)
#define SYS_YIELD                (-7)
#define SYS_NB_RECV              (-8)
/* Debug calls, as in seL4: PutChar and DumpScheduler with CONFIG_PRINTING, the
 * others with CONFIG_DEBUG_BUILD (docs/abi.md): */
#define SYS_DEBUG_PUTCHAR        (-9)
#define SYS_DEBUG_DUMP_SCHEDULER (-10)
#define SYS_DEBUG_HALT           (-11)
#define SYS_DEBUG_CAP_IDENTIFY   (-12)
#define SYS_DEBUG_SNAPSHOT       (-13)
#define SYS_DEBUG_NAME_THREAD    (-14)
/* Our extension, far from seL4's range: the calling thread stops for good and the
 * kernel reports its status. seL4 root tasks never use it. */
#define SYS_DEBUG_THREAD_EXIT    (-256)
/* Ours too: a0 = how many Call and ReplyRecv system calls took the general path (not
 * the fast path) so far, so a test can prove which path ran. */
#define SYS_DEBUG_SLOWPATH_COUNT (-257)
/* Ours too: preemption counters (a0 = 1 also resets and arms the interrupts-off
 * accounting, 2 disarms it); returns a0 preemptions since boot, a1 the longest run of
 * kernel instructions without a look at pending interrupts while armed, a2 the looks. */
#define SYS_DEBUG_PREEMPT_STATS  (-258)
