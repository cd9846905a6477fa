/*
 * ns16550a UART (National Semiconductor PC16550D datasheet), as Linux's
 * 8250 driver, OpenSBI and U-Boot drive it on QEMU's virt machine.
 *
 * Transmission is instantaneous: THR is always empty (LSR.THRE|TEMT), and
 * each byte written goes to the character backend at once. Reception fills a
 * 16-byte FIFO from the backend, which holds back what does not fit (flow
 * control instead of overruns). The character timeout interrupt is raised as
 * soon as data sits below the trigger level: the guest sees input with no
 * delay, and a driver handles CTI and RDA alike.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "morph/devices.h"
#include "dev.h"

enum {
	UART_RBR = 0, /* read, DLAB = 0 */
	UART_THR = 0, /* write, DLAB = 0 */
	UART_DLL = 0, /* DLAB = 1 */
	UART_IER = 1, /* DLAB = 0 */
	UART_DLM = 1, /* DLAB = 1 */
	UART_IIR = 2, /* read */
	UART_FCR = 2, /* write */
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
};

#define IER_RDI 0x01  /* received data available */
#define IER_THRI 0x02 /* transmitter holding register empty */
#define IER_RLSI 0x04 /* receiver line status */
#define IER_MSI 0x08  /* modem status */

#define IIR_NO_INT 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_CTI 0x0c
#define IIR_FIFO 0xc0 /* FIFOs enabled */

#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04

#define LCR_DLAB 0x80

#define MCR_LOOP 0x10

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_PE 0x04
#define LSR_FE 0x08
#define LSR_BI 0x10
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LSR_ERRS (LSR_OE | LSR_PE | LSR_FE | LSR_BI)

#define MSR_DELTAS 0x0f
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_DCD 0x80

#define UART_FIFO_SIZE 16

struct uart16550 {
	struct chardev *chr;
	struct irq_line irq;
	unsigned reg_shift;

	uint8_t ier, lcr, mcr, lsr_errs, msr, scr, dll, dlm, fcr;
	bool thr_ipending; /* the THRE interrupt condition (cleared by reading IIR / writing THR) */
	uint8_t rx[UART_FIFO_SIZE];
	unsigned rx_head, rx_count;
	int level;
};

static unsigned uart_rx_trigger(const struct uart16550 *u)
{
	static const unsigned trig[4] = {1, 4, 8, 14};

	return trig[u->fcr >> 6];
}

static unsigned uart_rx_capacity(const struct uart16550 *u)
{
	return (u->fcr & FCR_ENABLE) ? UART_FIFO_SIZE : 1;
}

/* The highest-priority pending interrupt (datasheet table 4), IIR bits 3:0. */
static uint8_t uart_iir_id(const struct uart16550 *u)
{
	if ((u->ier & IER_RLSI) && u->lsr_errs)
		return IIR_RLSI;
	if ((u->ier & IER_RDI) && u->rx_count) {
		if (!(u->fcr & FCR_ENABLE) || u->rx_count >= uart_rx_trigger(u))
			return IIR_RDI;
		return IIR_CTI;
	}
	if ((u->ier & IER_THRI) && u->thr_ipending)
		return IIR_THRI;
	if ((u->ier & IER_MSI) && (u->msr & MSR_DELTAS))
		return IIR_MSI;
	return IIR_NO_INT;
}

static void uart_update_irq(struct uart16550 *u)
{
	int level = uart_iir_id(u) != IIR_NO_INT;

	if (level != u->level) {
		u->level = level;
		irq_set(&u->irq, level);
	}
}

static void uart_rx_push(struct uart16550 *u, uint8_t c)
{
	if (u->rx_count == uart_rx_capacity(u)) {
		u->lsr_errs |= LSR_OE; /* only in loopback: the backend is flow-controlled */
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = c;
	u->rx_count++;
}

static size_t uart_can_receive(void *opaque)
{
	struct uart16550 *u = opaque;

	if (u->mcr & MCR_LOOP)
		return 0;
	return uart_rx_capacity(u) - u->rx_count;
}

static void uart_receive(void *opaque, const uint8_t *buf, size_t len)
{
	struct uart16550 *u = opaque;

	for (size_t i = 0; i < len; i++)
		uart_rx_push(u, buf[i]);
	uart_update_irq(u);
}

/* MSR in loopback mirrors MCR (datasheet 8.6.4); otherwise a connected modem. */
static uint8_t uart_modem_lines(const struct uart16550 *u)
{
	if (u->mcr & MCR_LOOP)
		return (uint8_t)(((u->mcr & 0x02) << 3) | ((u->mcr & 0x01) << 5) |
				 ((u->mcr & 0x04) << 4) | ((u->mcr & 0x08) << 4));
	return MSR_DCD | MSR_DSR | MSR_CTS;
}

static void uart_set_msr(struct uart16550 *u)
{
	uint8_t lines = uart_modem_lines(u), old = u->msr & 0xf0, delta = 0;

	if ((lines ^ old) & MSR_CTS)
		delta |= 0x01;
	if ((lines ^ old) & MSR_DSR)
		delta |= 0x02;
	if ((old & 0x40) && !(lines & 0x40))
		delta |= 0x04; /* trailing edge of RI */
	if ((lines ^ old) & MSR_DCD)
		delta |= 0x08;
	u->msr = lines | (u->msr & MSR_DELTAS) | delta;
}

static uint64_t uart_read(void *opaque, uint64_t offset, unsigned size)
{
	struct uart16550 *u = opaque;
	uint8_t v = 0;

	(void)size;
	switch (offset >> u->reg_shift) {
	case UART_RBR:
		if (u->lcr & LCR_DLAB)
			return u->dll;
		if (u->rx_count) {
			v = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
			u->rx_count--;
		}
		uart_update_irq(u);
		if (!(u->mcr & MCR_LOOP))
			chardev_accept_input(u->chr);
		return v;
	case UART_IER:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case UART_IIR:
		v = uart_iir_id(u);
		/* reading IIR while it reports THRE clears that condition */
		if (v == IIR_THRI) {
			u->thr_ipending = false;
			uart_update_irq(u);
		}
		return v | ((u->fcr & FCR_ENABLE) ? IIR_FIFO : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		v = LSR_THRE | LSR_TEMT | u->lsr_errs | (u->rx_count ? LSR_DR : 0);
		u->lsr_errs = 0; /* error bits clear on read */
		uart_update_irq(u);
		return v;
	case UART_MSR:
		v = u->msr;
		u->msr &= ~MSR_DELTAS;
		uart_update_irq(u);
		return v;
	case UART_SCR:
		return u->scr;
	default:
		return 0;
	}
}

static void uart_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct uart16550 *u = opaque;
	uint8_t v = (uint8_t)value, c;

	(void)size;
	switch (offset >> u->reg_shift) {
	case UART_THR:
		if (u->lcr & LCR_DLAB) {
			u->dll = v;
			break;
		}
		c = v;
		if (u->mcr & MCR_LOOP)
			uart_rx_push(u, c);
		else
			chardev_write(u->chr, &c, 1);
		/* sent at once: THR is empty again, which is the THRE interrupt condition */
		u->thr_ipending = true;
		uart_update_irq(u);
		break;
	case UART_IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = v;
			break;
		}
		/* enabling THRI while THR is empty raises it (Linux probes this) */
		if ((v & IER_THRI) && !(u->ier & IER_THRI))
			u->thr_ipending = true;
		u->ier = v & 0x0f;
		uart_update_irq(u);
		break;
	case UART_FCR:
		if ((v ^ u->fcr) & FCR_ENABLE)
			v |= FCR_CLEAR_RX | FCR_CLEAR_TX; /* toggling the FIFOs empties them */
		if (v & FCR_CLEAR_RX) {
			u->rx_head = 0;
			u->rx_count = 0;
		}
		u->fcr = v & 0xc9;
		uart_update_irq(u);
		if (v & FCR_CLEAR_RX)
			chardev_accept_input(u->chr);
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR: {
		bool was_loop = u->mcr & MCR_LOOP;

		u->mcr = v & 0x1f;
		uart_set_msr(u);
		uart_update_irq(u);
		if (was_loop && !(u->mcr & MCR_LOOP))
			chardev_accept_input(u->chr);
		break;
	}
	case UART_SCR:
		u->scr = v;
		break;
	default:
		break; /* LSR, MSR: read-only */
	}
}

static const struct bus_ops uart_ops = {
    .read = uart_read,
    .write = uart_write,
};

static void uart_reset(void *opaque)
{
	struct uart16550 *u = opaque;

	u->ier = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->lsr_errs = 0;
	u->scr = 0;
	u->dll = 0x0c; /* 9600 baud at 1.8432 MHz, the PC's power-on divisor */
	u->dlm = 0;
	u->fcr = 0;
	u->thr_ipending = false;
	u->rx_head = 0;
	u->rx_count = 0;
	u->msr = 0;
	uart_set_msr(u);
	u->msr &= ~MSR_DELTAS;
	uart_update_irq(u);
	chardev_accept_input(u->chr);
}

static void uart_free(void *opaque)
{
	free(opaque);
}

struct uart16550 *uart16550_new(struct bus *bus, uint64_t base, unsigned reg_shift,
				struct irq_line irq, struct chardev *chr)
{
	struct uart16550 *u = calloc(1, sizeof(*u));
	int err;

	if (!u)
		return NULL;
	u->chr = chr;
	u->irq = irq;
	u->reg_shift = reg_shift;
	uart_reset(u);
	err = dev_own(bus, u, uart_reset, uart_free);
	if (!err)
		err = bus_map_io(bus, base, 0x100ull << reg_shift, &uart_ops, u, "ns16550a");
	if (err)
		return dev_fail(err);
	if (chr)
		chardev_set_frontend(chr, uart_can_receive, uart_receive, u);
	return u;
}
