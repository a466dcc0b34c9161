/* The console server: the UART's only driver at user level (docs/console.md). Root
 * gives it the device page, the IRQHandler of its line, a notification bound to
 * this thread for that line, its endpoint and its own CNode (for SaveCaller). It
 * echoes and edits input in cooked mode (tty.c), answers READ when a line is there
 * (a reader that must wait is kept by its saved reply capability: one at a time),
 * and writes WRITE's bytes to the UART itself (the kernel prints there too; whole
 * writes may interleave with its lines). Every request is checked; a bad one gets
 * -errno and the server keeps serving. */
#include <string.h>
#include <k/k.h>
#include <mm0/console.h>
#include "uart_boot.h"
#include "hw.h"
#include "tty.h"

/* errno values as picolibc (libposix, mm0) has them; the project libc has none. */
#define EBADF 9
#define EAGAIN 11
#define EBUSY 16
#define EINVAL 22
#define ENOSYS 88

static struct uart_hw hw;
static struct tty tty;
static bool reader_waiting;
static k_word_t reader_len;

static void put(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') uart_hw_putc(&hw, '\r');
        uart_hw_putc(&hw, s[i]);
    }
}

static void echo(const char *s, size_t n, void *arg)
{
    (void)arg;
    put(s, n);
}

static void say(const char *s) { put(s, strlen(s)); }

/* The reply to a READ: MR0 = n, the bytes from MR1 (mm0/protocol.h). */
static k_word_t read_reply(k_word_t len, k_word_t *m0, k_word_t *m1, k_word_t *m2, k_word_t *m3)
{
    struct k_ipc_buffer *ipc = k_ipc_buffer();
    size_t n = tty_read(&tty, (char *)&ipc->msg[1], len);
    unsigned words = 1 + (unsigned)((n + 7) / 8);
    *m0 = n;
    *m1 = ipc->msg[1];
    *m2 = ipc->msg[2];
    *m3 = ipc->msg[3];
    return k_msginfo_new(0, 0, 0, words);
}

/* Is the blocked reader still there? The kernel deletes the saved reply capability
 * when its caller goes (killed, exited): moving it fails then. */
static bool reader_alive(void)
{
    if (k_cnode_move(UART_CAP_CNODE, UART_CAP_PROBE, UART_DEPTH, UART_CAP_CNODE, UART_CAP_REPLY,
                     UART_DEPTH))
        return false;
    k_cnode_move(UART_CAP_CNODE, UART_CAP_REPLY, UART_DEPTH, UART_CAP_CNODE, UART_CAP_PROBE,
                 UART_DEPTH);
    return true;
}

static void wake_reader(void)
{
    if (!reader_waiting || !tty_readable(&tty)) return;
    reader_waiting = false;
    /* Only to a reader still there (a Send on an empty slot would be our fault), and
     * a gone reader's input stays for the next one. */
    if (!reader_alive()) return;
    k_word_t m0, m1, m2, m3;
    k_word_t info = read_reply(reader_len, &m0, &m1, &m2, &m3);
    k_send(UART_CAP_REPLY, info, m0, m1, m2, m3);
}

static void on_irq(void)
{
    int c;
    for (int i = 0; i < 256 && (c = uart_hw_getc(&hw)) >= 0; i++) tty_input(&tty, (char)c);
    k_irq_handler_ack(UART_CAP_IRQ);
    wake_reader();
}

static long do_write(k_word_t len, const k_word_t *w)
{
    k_word_t fd = w[0], n = w[1];
    if (len < 2 || n > MM0_WRITE_MAX || len != 2 + (n + 7) / 8) return -EINVAL;
    if (fd != 1 && fd != 2) return -EBADF;
    char buf[MM0_WRITE_MAX];
    memcpy(buf, &w[2], n);
    put(buf, n);
    return (long)n;
}

/* -> true with the reply in m0..3/info, or false: the caller waits (saved). */
static bool do_read(k_word_t len, const k_word_t *w, long *err)
{
    *err = 0;
    if (len != 2 || w[1] > MM0_READ_MAX) *err = -EINVAL;
    else if (w[0] != 0) *err = -EBADF;
    else if (w[1] == 0) *err = 0;
    else if (tty_readable(&tty)) return true;
    else if (reader_waiting && reader_alive()) *err = -EBUSY;   /* one reader at a time */
    else if (k_cnode_save_caller(UART_CAP_CNODE, UART_CAP_REPLY, UART_DEPTH)) *err = -EAGAIN;
    else {
        reader_waiting = true;
        reader_len = w[1];
        return false;
    }
    return true;
}

int main(void *unused)
{
    (void)unused;
    k_ipc_buffer_set((struct k_ipc_buffer *)UART_IPC_VA);
    const struct uart_boot *b = (const struct uart_boot *)UART_BOOT_VA;
    if (b->magic != UART_BOOT_MAGIC) return 1;
    hw.base = (volatile uint8_t *)(UART_DEV_VA + b->reg_offset);
    hw.shift = (unsigned)b->reg_shift;
    hw.width = (unsigned)b->reg_width;
    hw.sifive = b->sifive != 0;
    tty.echo = echo;
    uart_hw_init(&hw);
    k_irq_handler_ack(UART_CAP_IRQ);
    say("console: ready (cooked mode)\n");

    struct k_ipc_buffer *ipc = k_ipc_buffer();
    k_word_t badge, w[MM0_MSG_WORDS];
    k_word_t info = k_recv(UART_CAP_EP, &badge, &w[0], &w[1], &w[2], &w[3]);
    for (;;) {
        k_word_t label = k_msginfo_label(info), len = k_msginfo_length(info);
        if (badge & UART_IRQ_BADGE) {   /* the bound notification: input arrived */
            on_irq();
            info = k_recv(UART_CAP_EP, &badge, &w[0], &w[1], &w[2], &w[3]);
            continue;
        }
        if (len > MM0_MSG_WORDS) len = MM0_MSG_WORDS;
        for (unsigned i = 4; i < len; i++) w[i] = ipc->msg[i];
        for (unsigned i = (unsigned)len; i < MM0_MSG_WORDS && i < 4; i++) w[i] = 0;
        k_word_t r0 = 0, r1 = 0, r2 = 0, r3 = 0, rinfo = k_msginfo_new(0, 0, 0, 1);
        long err;
        if (label == CONSOLE_WRITE) {
            r0 = (k_word_t)do_write(len, w);
        } else if (label == CONSOLE_READ) {
            if (!do_read(len, w, &err)) {
                info = k_recv(UART_CAP_EP, &badge, &w[0], &w[1], &w[2], &w[3]);
                continue;
            }
            if (err || w[1] == 0) r0 = (k_word_t)err;
            else rinfo = read_reply(w[1], &r0, &r1, &r2, &r3);
        } else {
            r0 = (k_word_t)-ENOSYS;
        }
        info = k_reply_recv(UART_CAP_EP, rinfo, &badge, &r0, &r1, &r2, &r3);
        w[0] = r0, w[1] = r1, w[2] = r2, w[3] = r3;
    }
}
