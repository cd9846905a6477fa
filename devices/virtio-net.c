/*
 * virtio-net (virtio 1.2 section 5.1): one receive and one transmit queue,
 * a MAC address and link status, no offloads (the guest computes checksums
 * and segments; slirp does not need more). Every buffer starts with the
 * 12-byte struct virtio_net_hdr (VERSION_1 layout, num_buffers included).
 *
 * Transmit runs when the driver kicks queue 1; receive when the backend
 * delivers a frame (from the I/O thread, or from inside a transmit when
 * slirp answers at once); frames arriving without receive buffers wait in
 * the backend's queue until the driver kicks queue 0.
 */
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "virtio.h"

#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_STATUS 16

#define VIRTIO_NET_S_LINK_UP 1

#define NET_HDR_LEN 12
#define NET_MAX_FRAME (65535 + 14)
#define NET_RX 0
#define NET_TX 1

#define NET_CFG_MAC 0
#define NET_CFG_STATUS 6
#define NET_CFG_SIZE 8

struct virtio_net {
	struct netdev *nd;
	struct virtio_dev *vm;
	struct virtq_elem rx, tx;
	uint8_t frame[NET_MAX_FRAME];
};

static bool net_can_receive(void *opaque)
{
	struct virtio_net *n = opaque;

	return n->vm && virtio_running(n->vm) && virtq_has_avail(n->vm, NET_RX);
}

static bool net_receive(void *opaque, const uint8_t *frame, size_t len)
{
	struct virtio_net *n = opaque;
	struct virtio_dev *vm = n->vm;
	uint8_t hdr[NET_HDR_LEN] = {0};
	int r;

	if (!vm || !virtio_running(vm))
		return false;
	r = virtq_pop(vm, NET_RX, &n->rx);
	if (r <= 0)
		return false; /* no buffer (queued by the backend) or a broken ring */
	if (n->rx.in_len < NET_HDR_LEN + len) {
		/*
		 * Without MRG_RXBUF every buffer must hold a whole frame. Drop the
		 * frame and hand the buffer back empty (the driver counts a length
		 * error), so one bad buffer cannot stall reception for good.
		 */
		bus_guest_error("virtio-net", "receive buffer of %zu bytes for a %zu-byte frame",
				n->rx.in_len, len);
		virtq_push(vm, NET_RX, &n->rx, 0);
		virtq_notify(vm, NET_RX);
		return true;
	}
	dev_st16(hdr + 10, 1); /* num_buffers */
	virtq_elem_write(&n->rx, 0, hdr, NET_HDR_LEN);
	virtq_elem_write(&n->rx, NET_HDR_LEN, frame, len);
	virtq_push(vm, NET_RX, &n->rx, (uint32_t)(NET_HDR_LEN + len));
	virtq_notify(vm, NET_RX);
	return true;
}

static void net_transmit(struct virtio_dev *vm, struct virtio_net *n)
{
	bool pushed = false;

	while (virtq_pop(vm, NET_TX, &n->tx) > 0) {
		struct virtq_elem *e = &n->tx;
		uint8_t hdr[NET_HDR_LEN];

		if (e->out_len < NET_HDR_LEN) {
			bus_guest_error("virtio-net", "transmit buffer shorter than its header");
		} else if (e->out_len - NET_HDR_LEN > NET_MAX_FRAME) {
			bus_guest_error("virtio-net", "transmit frame of %zu bytes",
					e->out_len - NET_HDR_LEN);
		} else {
			size_t len = e->out_len - NET_HDR_LEN;

			virtq_elem_read(e, 0, hdr, NET_HDR_LEN);
			/* no offloads were offered: a GSO request is a driver bug */
			if (hdr[1] != 0) {
				bus_guest_error("virtio-net", "GSO frame without negotiated GSO");
			} else {
				virtq_elem_read(e, NET_HDR_LEN, n->frame, len);
				netdev_send(n->nd, n->frame, len);
			}
		}
		/* netdev_send() may have delivered frames back: the ring can be broken now */
		if (vm->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
			return;
		virtq_push(vm, NET_TX, e, 0);
		pushed = true;
	}
	if (pushed)
		virtq_notify(vm, NET_TX);
}

static void net_notify(struct virtio_dev *vm, unsigned q)
{
	struct virtio_net *n = vm->dev;

	if (q == NET_TX)
		net_transmit(vm, n);
	else
		netdev_rx_ready(n->nd);
}

static void net_driver_ok(struct virtio_dev *vm)
{
	struct virtio_net *n = vm->dev;

	netdev_rx_ready(n->nd);
}

static void net_release(void *dev)
{
	/* the backend is the machine's; it is closed after the bus is freed (devices.h) */
	free(dev);
}

static const struct virtio_class virtio_net_class = {
    .name = "virtio-net",
    .device_id = 1,
    .features = VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS),
    .nqueues = 2,
    .queue_max = 256,
    .config_size = NET_CFG_SIZE,
    .notify = net_notify,
    .driver_ok = net_driver_ok,
    .release = net_release,
};

struct virtio_dev *virtio_net_at(struct bus *bus, const struct virtio_transport *t,
				 struct netdev *nd, const uint8_t *mac)
{
	static const uint8_t default_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	struct virtio_net *n = calloc(1, sizeof(*n));
	struct virtio_dev *vm;

	if (!n)
		return NULL;
	n->nd = nd;
	vm = virtio_create(bus, t, &virtio_net_class, n);
	if (!vm)
		return NULL;
	n->vm = vm;
	memcpy(vm->config + NET_CFG_MAC, mac ? mac : default_mac, 6);
	dev_st16(vm->config + NET_CFG_STATUS, VIRTIO_NET_S_LINK_UP);
	netdev_set_frontend(nd, net_can_receive, net_receive, n);
	return vm;
}

struct virtio_dev *virtio_net_new(struct bus *bus, uint64_t base, struct irq_line irq,
				  struct netdev *nd, const uint8_t *mac)
{
	const struct virtio_transport t = {.base = base, .irq = irq};

	return virtio_net_at(bus, &t, nd, mac);
}
