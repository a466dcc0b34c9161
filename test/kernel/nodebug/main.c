/* Root task of the `nodebug` image, whose kernel has the run image's default
 * configuration: printing calls, no debug calls (seL4's CONFIG_PRINTING without
 * CONFIG_DEBUG_BUILD). A child thread makes every debug call: those of a debug build
 * must reach us, its fault handler, as UnknownSyscall faults with their number (as
 * seL4's handleUnknownSyscall does), and the printing ones must simply work. Then we
 * power off through the device tree (libs/libplat), the only way left. */
#include <k/k.h>
#include <stdio.h>
#include <plat/poweroff.h>

#define IMAGE_BASE 0x10000ul
#define END_MARK 0x7e57          /* an unknown system call: the child is done */
static k_cptr_t CHILD_TCB_SLOT;           /* the child's TCB cap, in our CNode */

static const struct { long n; const char *name; } refused[] = {
    { SYS_DEBUG_HALT, "DebugHalt" },
    { SYS_DEBUG_CAP_IDENTIFY, "DebugCapIdentify" },
    { SYS_DEBUG_SNAPSHOT, "DebugSnapshot" },
    { SYS_DEBUG_THREAD_EXIT, "DebugThreadExit" },
};
#define N_REFUSED (sizeof refused / sizeof refused[0])

static uint8_t child_stack[4096] __attribute__((aligned(16)));
static struct { struct k_ipc_buffer b; uint8_t pad[4096 - sizeof(struct k_ipc_buffer)]; } child_ipc
    __attribute__((aligned(4096)));
static volatile k_word_t cap_identify_answer = 0x1234;

static void report(bool ok, const char *what, const char *what2)
{
    printf("%s - nodebug: %s%s\n", ok ? "ok" : "not ok", what, what2);
}

/* The child: registers only (it shares our image but has its own stack). */
static void child(void)
{
    for (unsigned i = 0; i < N_REFUSED; i++) {
        register k_word_t a0 __asm__("a0") = K_CAP_INIT_THREAD_TCB;
        register long a7 __asm__("a7") = refused[i].n;
        __asm__ __volatile__("ecall" : "+r"(a0) : "r"(a7) : "memory");
        if (refused[i].n == SYS_DEBUG_CAP_IDENTIFY) cap_identify_answer = a0;
    }
    /* DebugNameThread is a printing call here (the audit names threads by it). */
    static const char name[] = "nodebug-child";
    for (unsigned i = 0; i < sizeof name; i++) ((char *)child_ipc.b.msg)[i] = name[i];
    k_syscall_a0(SYS_DEBUG_NAME_THREAD, CHILD_TCB_SLOT);
    k_syscall_a0(SYS_DEBUG_NAME_THREAD, K_CAP_NULL);   /* refused, naming the caller */
    static const char line[] = "nodebug: the child prints\n";
    for (const char *c = line; *c; c++) k_syscall_a0(SYS_DEBUG_PUTCHAR, (unsigned char)*c);
    k_syscall_a0(SYS_DEBUG_DUMP_SCHEDULER, 0);
    k_syscall_a0(END_MARK, 0);
    for (;;) k_yield();
}

static k_word_t read_gp(void)
{
    k_word_t gp;
    __asm__("mv %0, gp" : "=r"(gp));
    return gp;
}

int main(void *bootinfo)
{
    const struct k_bootinfo *bi = bootinfo;
    k_cptr_t slot = bi->empty.start, ep = slot++, tcb = slot++;
    k_cptr_t ut = 0;
    for (k_word_t i = 0; i < bi->untyped.end - bi->untyped.start && !ut; i++)
        if (!bi->untyped_list[i].is_device && bi->untyped_list[i].size_bits >= 16) ut = bi->untyped.start + i;
    CHILD_TCB_SLOT = tcb;
    int err = ut ? (int)k_untyped_retype(ut, K_ENDPOINT_OBJECT, 0, K_CAP_INIT_THREAD_CNODE, 0, 0, ep, 1) : -1;
    if (!err) err = k_untyped_retype(ut, K_TCB_OBJECT, 0, K_CAP_INIT_THREAD_CNODE, 0, 0, tcb, 1);
    /* The child's IPC buffer is a page of our image: its frame is in userImageFrames. */
    k_cptr_t ipc_frame = bi->user_image_frames.start + ((uintptr_t)&child_ipc - IMAGE_BASE) / 4096;
    if (!err) err = k_tcb_configure(tcb, ep, K_CAP_INIT_THREAD_CNODE, 0, K_CAP_INIT_THREAD_VSPACE, 0,
                                    (k_word_t)&child_ipc, ipc_frame);
    if (!err) err = k_tcb_set_priority(tcb, K_CAP_INIT_THREAD_TCB, 100);
    struct k_user_context r = { 0 };
    r.pc = (k_word_t)child;
    r.sp = (k_word_t)(child_stack + sizeof child_stack);
    r.gp = read_gp();
    if (!err) err = k_tcb_write_registers(tcb, true, 0, 4, &r);
    report(err == K_NO_ERROR, "a child thread with us as its fault handler", "");
    /* This image takes the root CNode size from the build's default (seL4's 12). */
    report(bi->init_thread_cnode_size_bits == CONFIG_ROOT_CNODE_SIZE_BITS &&
           bi->empty.end == 1ul << CONFIG_ROOT_CNODE_SIZE_BITS, "the root CNode has the configured size", "");

    for (unsigned i = 0; !err && i <= N_REFUSED; i++) {
        k_word_t badge, mr0 = 0, mr1, mr2, mr3;
        k_word_t info = k_recv(ep, &badge, &mr0, &mr1, &mr2, &mr3);
        long n = (long)k_ipc_buffer()->msg[K_UNKNOWN_SYSCALL_SYSCALL];
        bool unknown = k_msginfo_label(info) == K_FAULT_UNKNOWN_SYSCALL &&
                       k_msginfo_length(info) == K_UNKNOWN_SYSCALL_LENGTH;
        if (i < N_REFUSED) {
            report(unknown && n == refused[i].n, refused[i].name, " is an unknown system call");
        } else {
            /* DebugPutChar and DebugDumpScheduler did not fault: the next fault is
             * the end mark. */
            report(unknown && n == END_MARK, "the printing calls are calls", "");
            break;
        }
        /* Skip the ecall: the reply's MR0 is the new FaultIP. */
        k_reply(k_msginfo_new(0, 0, 0, 1), mr0 + 4, 0, 0, 0);
    }
    report(cap_identify_answer == K_CAP_INIT_THREAD_TCB, "a refused call returns nothing", "");
    k_cnode_delete(K_CAP_INIT_THREAD_CNODE, tcb, 64);
    k_cnode_delete(K_CAP_INIT_THREAD_CNODE, ep, 64);
    printf("nodebug: done\n");
    plat_poweroff_or_stop(bi, slot, PLAT_POWEROFF_SLOTS);
}
