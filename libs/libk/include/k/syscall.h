/* Raw system call stubs in seL4's register convention: a7 number, a0 capability
 * pointer in / badge out, a1 message info, a2..a5 message registers 0..3. The kernel
 * changes no other register, so the stubs clobber only what they name.
 *
 * Inputs that only go in are passed by value; message registers that come back are
 * passed by pointer (NULL: send 0, discard the result). Message registers 4 on are in
 * the IPC buffer, k_ipc_buffer()->msg[4..].
 *
 * On a machine other than RISC-V (host unit tests) only the prototypes are declared:
 * the test provides the functions, which lets it check the typed wrappers' messages. */
#pragma once
#include <stdint.h>
#include <k/abi.h>
#include <k/syscalls.h>

/* This thread's IPC buffer. libk's start-up code sets it from the boot info's
 * ipc_buffer; a thread started some other way sets it with k_ipc_buffer_set(). */
extern struct k_ipc_buffer *__k_ipc_buffer;

static inline struct k_ipc_buffer *k_ipc_buffer(void) { return __k_ipc_buffer; }
static inline void k_ipc_buffer_set(struct k_ipc_buffer *b) { __k_ipc_buffer = b; }

/* Keep the register message words of a reply where seL4 programs expect to read them
 * (msg[0..3]), e.g. the details of an error. Does nothing without an IPC buffer. */
static inline void k_stash_mrs(k_word_t mr0, k_word_t mr1, k_word_t mr2, k_word_t mr3)
{
    struct k_ipc_buffer *b = __k_ipc_buffer;
    if (b) {
        b->msg[0] = mr0;
        b->msg[1] = mr1;
        b->msg[2] = mr2;
        b->msg[3] = mr3;
    }
}

#if defined(__riscv)

static inline void k_syscall_a0(long n, k_word_t arg)
{
    register k_word_t a0 __asm__("a0") = arg;
    register long a7 __asm__("a7") = n;
    __asm__ __volatile__("ecall" : "+r"(a0) : "r"(a7) : "memory");
}

static inline void k_yield(void)
{
    register long a7 __asm__("a7") = SYS_YIELD;
    __asm__ __volatile__("ecall" :: "r"(a7) : "memory", "a0", "a1", "a2", "a3", "a4", "a5");
}

/* The round trip shared by Call and ReplyRecv: a0 = capability in, badge out; a1 =
 * message info in and out; MR0..3 out through a2..a5 and back the same way. */
static inline k_word_t k_ipc_round_trip(long n, k_cptr_t cap, k_word_t info, k_word_t *badge,
                                        k_word_t *mr0, k_word_t *mr1, k_word_t *mr2,
                                        k_word_t *mr3)
{
    register k_word_t a0 __asm__("a0") = cap;
    register k_word_t a1 __asm__("a1") = info;
    register k_word_t a2 __asm__("a2") = mr0 ? *mr0 : 0;
    register k_word_t a3 __asm__("a3") = mr1 ? *mr1 : 0;
    register k_word_t a4 __asm__("a4") = mr2 ? *mr2 : 0;
    register k_word_t a5 __asm__("a5") = mr3 ? *mr3 : 0;
    register long a7 __asm__("a7") = n;
    __asm__ __volatile__("ecall"
                 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5)
                 : "r"(a7)
                 : "memory");
    if (badge) *badge = a0;
    if (mr0) *mr0 = a2;
    if (mr1) *mr1 = a3;
    if (mr2) *mr2 = a4;
    if (mr3) *mr3 = a5;
    return a1;
}

/* Call: send on dest and wait for the reply in one step (dest is an endpoint, or any
 * kernel object for an invocation). Returns the reply's message info; MR0..3 go out
 * and the reply's come back through mr0..mr3. */
static inline k_word_t k_call(k_cptr_t dest, k_word_t info, k_word_t *mr0, k_word_t *mr1,
                              k_word_t *mr2, k_word_t *mr3)
{
    return k_ipc_round_trip(SYS_CALL, dest, info, 0, mr0, mr1, mr2, mr3);
}

/* The two sends differ in what happens when no receiver is waiting: Send blocks,
 * NBSend drops the message. On a notification both signal. */
static inline void k_send_raw(long n, k_cptr_t dest, k_word_t info, k_word_t mr0,
                                 k_word_t mr1, k_word_t mr2, k_word_t mr3)
{
    register k_word_t a0 __asm__("a0") = dest;
    register k_word_t a1 __asm__("a1") = info;
    register k_word_t a2 __asm__("a2") = mr0;
    register k_word_t a3 __asm__("a3") = mr1;
    register k_word_t a4 __asm__("a4") = mr2;
    register k_word_t a5 __asm__("a5") = mr3;
    register long a7 __asm__("a7") = n;
    __asm__ __volatile__("ecall"
                 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5)
                 : "r"(a7)
                 : "memory");
}

static inline void k_send(k_cptr_t dest, k_word_t info, k_word_t mr0, k_word_t mr1,
                          k_word_t mr2, k_word_t mr3)
{
    k_send_raw(SYS_SEND, dest, info, mr0, mr1, mr2, mr3);
}

static inline void k_nb_send(k_cptr_t dest, k_word_t info, k_word_t mr0, k_word_t mr1,
                             k_word_t mr2, k_word_t mr3)
{
    k_send_raw(SYS_NB_SEND, dest, info, mr0, mr1, mr2, mr3);
}

/* Receive on an endpoint or wait on a notification. Returns the message info; the
 * sender's badge comes back through badge, its MR0..3 through mr0..mr3. Recv blocks;
 * NBRecv returns at once, with badge 0 and an info word of 0 when there was nothing. */
static inline k_word_t k_recv_raw(long n, k_cptr_t src, k_word_t *badge, k_word_t *mr0,
                                     k_word_t *mr1, k_word_t *mr2, k_word_t *mr3)
{
    register k_word_t a0 __asm__("a0") = src;
    register k_word_t a1 __asm__("a1") = 0;   /* what a failed NBRecv leaves */
    register k_word_t a2 __asm__("a2");
    register k_word_t a3 __asm__("a3");
    register k_word_t a4 __asm__("a4");
    register k_word_t a5 __asm__("a5");
    register long a7 __asm__("a7") = n;
    __asm__ __volatile__("ecall"
                 : "+r"(a0), "+r"(a1), "=r"(a2), "=r"(a3), "=r"(a4), "=r"(a5)
                 : "r"(a7)
                 : "memory");
    if (badge) *badge = a0;
    if (mr0) *mr0 = a2;
    if (mr1) *mr1 = a3;
    if (mr2) *mr2 = a4;
    if (mr3) *mr3 = a5;
    return a1;
}

static inline k_word_t k_recv(k_cptr_t src, k_word_t *badge, k_word_t *mr0, k_word_t *mr1,
                              k_word_t *mr2, k_word_t *mr3)
{
    return k_recv_raw(SYS_RECV, src, badge, mr0, mr1, mr2, mr3);
}

static inline k_word_t k_nb_recv(k_cptr_t src, k_word_t *badge, k_word_t *mr0,
                                 k_word_t *mr1, k_word_t *mr2, k_word_t *mr3)
{
    return k_recv_raw(SYS_NB_RECV, src, badge, mr0, mr1, mr2, mr3);
}

/* Reply to the thread whose Call this thread received last (its reply capability). */
static inline void k_reply(k_word_t info, k_word_t mr0, k_word_t mr1, k_word_t mr2,
                           k_word_t mr3)
{
    register k_word_t a1 __asm__("a1") = info;
    register k_word_t a2 __asm__("a2") = mr0;
    register k_word_t a3 __asm__("a3") = mr1;
    register k_word_t a4 __asm__("a4") = mr2;
    register k_word_t a5 __asm__("a5") = mr3;
    register long a7 __asm__("a7") = SYS_REPLY;
    __asm__ __volatile__("ecall"
                 : "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5)
                 : "r"(a7)
                 : "memory", "a0");
}

/* Reply, then receive on src, in one system call: a server's loop. MR0..3 of the
 * reply go out through mr0..mr3 and those of the next message come back the same way. */
static inline k_word_t k_reply_recv(k_cptr_t src, k_word_t info, k_word_t *badge,
                                    k_word_t *mr0, k_word_t *mr1, k_word_t *mr2,
                                    k_word_t *mr3)
{
    return k_ipc_round_trip(SYS_REPLY_RECV, src, info, badge, mr0, mr1, mr2, mr3);
}

#else /* not RISC-V: provided by the host test */

k_word_t k_call(k_cptr_t dest, k_word_t info, k_word_t *mr0, k_word_t *mr1, k_word_t *mr2,
                k_word_t *mr3);
void k_send(k_cptr_t dest, k_word_t info, k_word_t mr0, k_word_t mr1, k_word_t mr2,
            k_word_t mr3);
void k_nb_send(k_cptr_t dest, k_word_t info, k_word_t mr0, k_word_t mr1, k_word_t mr2,
               k_word_t mr3);
k_word_t k_recv(k_cptr_t src, k_word_t *badge, k_word_t *mr0, k_word_t *mr1, k_word_t *mr2,
                k_word_t *mr3);
k_word_t k_nb_recv(k_cptr_t src, k_word_t *badge, k_word_t *mr0, k_word_t *mr1,
                   k_word_t *mr2, k_word_t *mr3);
void k_reply(k_word_t info, k_word_t mr0, k_word_t mr1, k_word_t mr2, k_word_t mr3);
k_word_t k_reply_recv(k_cptr_t src, k_word_t info, k_word_t *badge, k_word_t *mr0,
                      k_word_t *mr1, k_word_t *mr2, k_word_t *mr3);

#endif

/* Notifications, as seL4 names the operations: signal is a send with an empty
 * message, wait a blocking receive, poll a non-blocking one. Each returns the badge
 * bits that had been signalled (0 from poll if none). */
static inline void k_signal(k_cptr_t ntfn) { k_send(ntfn, k_msginfo_new(0, 0, 0, 0), 0, 0, 0, 0); }

static inline k_word_t k_wait(k_cptr_t ntfn)
{
    k_word_t badge = 0;
    k_recv(ntfn, &badge, 0, 0, 0, 0);
    return badge;
}

static inline k_word_t k_poll(k_cptr_t ntfn)
{
    k_word_t badge = 0;
    k_nb_recv(ntfn, &badge, 0, 0, 0, 0);
    return badge;
}
