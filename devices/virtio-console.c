/*
 * virtio-console (virtio 1.2 section 5.3) with a single port and no
 * multiport control queue: queue 0 receives, queue 1 transmits; Linux calls
 * it hvc0. VIRTIO_CONSOLE_F_EMERG_WRITE lets early code write single
 * characters through the config space.
 *
 * Input from the character backend goes into the receive buffer at the head
 * of queue 0, which is held (popped, not yet used) until the bytes arrive;
 * each delivery returns it to the driver at once, so typed characters show
 * up without waiting for the buffer to fill.
 */
#include <stdlib.h>

#include "dev.h"
#include "virtio.h"

#define VIRTIO_CONSOLE_F_EMERG_WRITE 2

#define CON_RX 0
#define CON_TX 1

#define CON_CFG_EMERG_WR 8
#define CON_CFG_SIZE 12

struct virtio_console {
	struct chardev *chr;
	struct virtio_dev *vm;
	struct virtq_elem rx, tx;
	bool rx_held;
};

static size_t con_can_receive(void *opaque)
{
	struct virtio_console *c = opaque;

	if (!c->vm || !virtio_running(c->vm))
		return 0;
	/* the driver may have disabled the queue (QueueReady = 0) under a held buffer */
	if (c->rx_held && !c->vm->vq[CON_RX].usable)
		c->rx_held = false;
	if (!c->rx_held)
		c->rx_held = virtq_pop(c->vm, CON_RX, &c->rx) > 0;
	return c->rx_held ? c->rx.in_len : 0;
}

static void con_receive(void *opaque, const uint8_t *buf, size_t len)
{
	struct virtio_console *c = opaque;
	size_t n;

	if (!c->rx_held && !con_can_receive(c))
		return;
	n = virtq_elem_write(&c->rx, 0, buf, len);
	c->rx_held = false;
	virtq_push(c->vm, CON_RX, &c->rx, (uint32_t)n);
	virtq_notify(c->vm, CON_RX);
}

static void con_transmit(struct virtio_dev *vm, struct virtio_console *c)
{
	bool pushed = false;

	while (virtq_pop(vm, CON_TX, &c->tx) > 0) {
		for (unsigned i = 0; i < c->tx.out_num; i++)
			chardev_write(c->chr, c->tx.iov[i].iov_base, c->tx.iov[i].iov_len);
		virtq_push(vm, CON_TX, &c->tx, 0);
		pushed = true;
	}
	if (pushed)
		virtq_notify(vm, CON_TX);
}

static void con_notify(struct virtio_dev *vm, unsigned q)
{
	struct virtio_console *c = vm->dev;

	if (q == CON_TX)
		con_transmit(vm, c);
	else
		chardev_accept_input(c->chr);
}

static void con_driver_ok(struct virtio_dev *vm)
{
	struct virtio_console *c = vm->dev;

	chardev_accept_input(c->chr);
}

static void con_reset(struct virtio_dev *vm)
{
	struct virtio_console *c = vm->dev;

	c->rx_held = false; /* the rings are gone: forget the buffer without using it */
}

static void con_config_write(struct virtio_dev *vm, unsigned off, uint64_t val, unsigned size)
{
	struct virtio_console *c = vm->dev;

	if (off == CON_CFG_EMERG_WR && size == 4 &&
	    virtio_has_feature(vm, VIRTIO_CONSOLE_F_EMERG_WRITE)) {
		uint8_t ch = (uint8_t)val;

		chardev_write(c->chr, &ch, 1);
	}
}

static void con_release(void *dev)
{
	free(dev);
}

static const struct virtio_class virtio_console_class = {
    .name = "virtio-console",
    .device_id = 3,
    .features = VIRTIO_BIT(VIRTIO_CONSOLE_F_EMERG_WRITE),
    .nqueues = 2,
    .queue_max = 64,
    .config_size = CON_CFG_SIZE,
    .notify = con_notify,
    .driver_ok = con_driver_ok,
    .reset = con_reset,
    .config_write = con_config_write,
    .release = con_release,
};

struct virtio_dev *virtio_console_new(struct bus *bus, uint64_t base, struct irq_line irq,
				      struct chardev *chr)
{
	struct virtio_console *c = calloc(1, sizeof(*c));
	struct virtio_dev *vm;

	if (!c)
		return NULL;
	c->chr = chr;
	vm = virtio_mmio_create(bus, base, irq, &virtio_console_class, c);
	if (!vm)
		return NULL;
	c->vm = vm;
	/* cols, rows: 0 (no VIRTIO_CONSOLE_F_SIZE); max_nr_ports: 1 */
	dev_st32(vm->config + 4, 1);
	if (chr)
		chardev_set_frontend(chr, con_can_receive, con_receive, c);
	return vm;
}
