/* Register access for ns16550a and sifive,uart0 (hw.h). Polled transmit; receive by
 * interrupt (the server drains the FIFO when the line fires, then acknowledges). */
#include "hw.h"

#define NS_RBR 0
#define NS_THR 0
#define NS_IER 1
#define NS_LSR 5
#define NS_IER_RX 0x01
#define NS_LSR_DR 0x01
#define NS_LSR_THRE 0x20

#define SI_TXDATA 0x00
#define SI_RXDATA 0x04
#define SI_TXCTRL 0x08
#define SI_RXCTRL 0x0c
#define SI_IE 0x10
#define SI_FIFO_FLAG (1u << 31)   /* txdata: full; rxdata: empty */
#define SI_IE_RXWM 0x02

static volatile uint32_t *si(const struct uart_hw *u, unsigned off)
{
    return (volatile uint32_t *)(u->base + off);
}

static uint32_t ns_rd(const struct uart_hw *u, unsigned r)
{
    if (u->width == 4) return *(volatile uint32_t *)(u->base + (r << u->shift));
    return u->base[r << u->shift];
}

static void ns_wr(const struct uart_hw *u, unsigned r, uint32_t v)
{
    if (u->width == 4) *(volatile uint32_t *)(u->base + (r << u->shift)) = v;
    else u->base[r << u->shift] = (uint8_t)v;
}

int uart_hw_getc(const struct uart_hw *u)
{
    if (u->sifive) {
        uint32_t v = *si(u, SI_RXDATA);
        return (v & SI_FIFO_FLAG) ? -1 : (int)(v & 0xff);
    }
    return (ns_rd(u, NS_LSR) & NS_LSR_DR) ? (int)(ns_rd(u, NS_RBR) & 0xff) : -1;
}

void uart_hw_putc(const struct uart_hw *u, char c)
{
    if (u->sifive) {
        while (*si(u, SI_TXDATA) & SI_FIFO_FLAG) {}
        *si(u, SI_TXDATA) = (uint8_t)c;
        return;
    }
    while (!(ns_rd(u, NS_LSR) & NS_LSR_THRE)) {}
    ns_wr(u, NS_THR, (uint8_t)c);
}

void uart_hw_init(struct uart_hw *u)
{
    for (int i = 0; i < 64 && uart_hw_getc(u) >= 0; i++) {}
    if (u->sifive) {
        *si(u, SI_TXCTRL) |= 1;
        *si(u, SI_RXCTRL) = 1;   /* receiver on, watermark 0 */
        *si(u, SI_IE) |= SI_IE_RXWM;
    } else {
        ns_wr(u, NS_IER, ns_rd(u, NS_IER) | NS_IER_RX);
    }
}
