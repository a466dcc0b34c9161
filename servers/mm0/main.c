/* mm0, the memory manager and process server. Root starts it with the capabilities
 * of mm0_boot.h and the boot page; mm0 splits its memory into pages, starts its fault
 * thread, runs the archive's `init` as pid 1 and then serves requests for ever. */
#include <stdio.h>
#include <string.h>
#include <picotls.h>
#include <unistd.h>
#include "mm0.h"
#include "task.h"
#include "fs0link.h"
#include <mm0/protocol.h>

#define FAULT_IPC_VA (MM0_IPC_VA - 2 * PAGE_SIZE)

static const struct mm0_boot *boot = (const struct mm0_boot *)MM0_BOOT_VA;
static uint8_t tls_block[512] __attribute__((aligned(64)));
extern char __tls_size[];
static k_cptr_t lock_ntfn, lock_signal;
static struct mm0_thread service_thread = {"service", (struct k_ipc_buffer *)MM0_IPC_VA};
static struct mm0_thread fault_thread = {"fault", (struct k_ipc_buffer *)FAULT_IPC_VA};
static uint8_t fault_stack[16384] __attribute__((aligned(16)));

/* A benaphore: the count says how many threads hold or want the lock; only a thread
 * that finds it held waits on the notification, and only an unlock that sees a waiter
 * signals it. Uncontended, the lock costs no system call. */
static volatile int lock_count;

void mm0_lock(const struct mm0_thread *self)
{
    if (__atomic_fetch_add(&lock_count, 1, __ATOMIC_ACQUIRE) != 0) k_wait(lock_ntfn);
    k_ipc_buffer_set(self->ipc);
}

void mm0_unlock(void)
{
    if (__atomic_fetch_sub(&lock_count, 1, __ATOMIC_RELEASE) != 1) k_signal(lock_signal);
}

int mm0_printing;

void mm0_name_thread(k_cptr_t tcb, const char *name)
{
    if (mm0_printing) k_debug_name_thread(tcb, name);
}

void mm0_poweroff(int status)
{
    k_word_t m0 = (k_word_t)status;
    k_call(MM0_CAP_ROOT_EP, k_msginfo_new(ROOT_REQ_POWEROFF, 0, 0, 1), &m0, 0, 0, 0);
}

static void fault_entry(void)
{
    fault_loop(&fault_thread);
}

int mm0_thread_start(const char *name, void (*entry)(void), void *stack_top, k_word_t ipc_va)
{
    page_t tcb = pool_page_new(K_TCB_OBJECT, 0), ipc = pool_page_new(K_RISCV_4K_PAGE_OBJECT, 0);
    if (tcb == NO_PAGE || ipc == NO_PAGE) return K_NOT_ENOUGH_MEMORY;
    int e;
    if ((e = space_map(MM0_CAP_VSPACE, &mm0_pts, page_cap(ipc), ipc_va,
                       K_CAP_RIGHT_READ | K_CAP_RIGHT_WRITE, K_RISCV_EXECUTE_NEVER)))
        return e;
    if ((e = k_tcb_configure(page_cap(tcb), MM0_CAP_ROOT_EP, MM0_CAP_CNODE, 0, MM0_CAP_VSPACE, 0,
                             ipc_va, page_cap(ipc))) ||
        (e = k_tcb_set_sched_params(page_cap(tcb), MM0_CAP_TCB, boot->priority, boot->priority)))
        return e;
    mm0_name_thread(page_cap(tcb), name);
    struct k_user_context r;
    memset(&r, 0, sizeof r);
    r.pc = (k_word_t)entry;
    r.sp = (k_word_t)stack_top;
    __asm__ volatile("mv %0, gp" : "=r"(r.gp));
    __asm__ volatile("mv %0, tp" : "=r"(r.tp));
    return k_tcb_write_registers(page_cap(tcb), true, 0, K_USER_CONTEXT_WORDS, &r);
}

static int start_init(void)
{
    int e;
    struct task *t = task_new(0, "init", &e);
    if (!t) return e;
    static const char args[] = "init\0";
    return task_exec(t, &t->thr[0], "init", args, sizeof args - 1, 1, 0);
}

static int mm0_main(void);

/* mm0 returns only if it cannot start; _exit (runtime.c) then stops it without
 * relying on the kernel's debug calls. */
int main(void *unused)
{
    (void)unused;
    _exit(mm0_main());
}

static int mm0_main(void)
{
    if ((uintptr_t)__tls_size > sizeof tls_block) return 1;
    _init_tls(tls_block);
    _set_tls(tls_block);
    k_ipc_buffer_set(service_thread.ipc);
    if (boot->magic != MM0_BOOT_MAGIC) {
        printf("mm0: no boot page from root\n");
        return 1;
    }
    mm0_printing = (int)boot->printing;
    mm0_timebase_hz = boot->timebase_hz;
    int e = pages_init(boot);
    if (e) return 1;
    if (mem_system_init()) {
        printf("mm0: cannot set up the VM objects\n");
        return 1;
    }
    tasks_init(boot->n_vspaces);
    exec_init((const void *)MM0_ARCHIVE_VA, boot->archive_len);
    /* The lock's notification (for a waiter). Signals go through a badged copy so
     * that the notification word is never 0 when signalled. */
    page_t n = pool_page_new(K_NOTIFICATION_OBJECT, 0);
    if (n == NO_PAGE) return 1;
    lock_ntfn = page_cap(n);
    lock_signal = misc_slot(0);
    if (k_cnode_mint(MM0_CAP_CNODE, lock_signal, MM0_DEPTH, MM0_CAP_CNODE, lock_ntfn, MM0_DEPTH,
                     K_CAP_RIGHT_WRITE, 1))
        return 1;
    printf("mm0: %lu pages (%lu KiB) for processes\n", pages_free(), pages_free() * 4);
    mm0_lock(&service_thread);
    if ((e = mm0_thread_start("mm0-fault", fault_entry, fault_stack + sizeof fault_stack,
                              FAULT_IPC_VA))) {
        printf("mm0: cannot start the fault thread: error %d\n", e);
        return 1;
    }
    if ((e = fs0_setup((const void *)MM0_ARCHIVE_VA, boot->archive_len))) {
        printf("mm0: cannot make fs0's endpoint: error %d\n", e);
        return 1;
    }
    /* The pager (only an image with fs0 needs one: it is the one thread that waits for
     * fs0). */
    if (fs0_pager_wanted() && (e = pager_start())) {
        printf("mm0: cannot start the pager thread: error %d\n", e);
        return 1;
    }
    if ((e = start_init())) {
        printf("mm0: cannot start init: error %d\n", e);
        return 1;
    }
    if ((e = fs0_start())) printf("mm0: fs0 not started (error %d): no files\n", e);
    /* Root takes the capability snapshot now: root, mm0, init and fs0 with its disk
     * capabilities (neither has run yet: mm0 runs above them). */
    k_call(MM0_CAP_ROOT_EP, k_msginfo_new(ROOT_REQ_AUDIT, 0, 0, 0), 0, 0, 0, 0);
    mm0_unlock();
    service_loop(&service_thread);
    return 0;
}
