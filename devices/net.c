/*
 * Network backends: the frame queue between a backend and its device.
 * A backend's frames wait here while the guest has no receive buffers, so a
 * burst (TCP through slirp) is not lost; beyond the bound, frames are dropped
 * as a full NIC would.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "morph/hostdev.h"

#define NETDEV_RXQ_MAX_FRAMES 512
#define NETDEV_RXQ_MAX_BYTES (1u << 20)

struct netdev_frame {
	struct netdev_frame *next;
	size_t len;
	uint8_t data[];
};

void netdev_set_frontend(struct netdev *nd, bool (*can_receive)(void *opaque),
			 bool (*receive)(void *opaque, const uint8_t *frame, size_t len),
			 void *opaque)
{
	nd->can_receive = can_receive;
	nd->receive = receive;
	nd->fe_opaque = opaque;
}

int netdev_send(struct netdev *nd, const uint8_t *frame, size_t len)
{
	return nd->ops->send(nd, frame, len);
}

static bool netdev_try_receive(struct netdev *nd, const uint8_t *frame, size_t len)
{
	if (!nd->receive || (nd->can_receive && !nd->can_receive(nd->fe_opaque)))
		return false;
	return nd->receive(nd->fe_opaque, frame, len);
}

void netdev_deliver(struct netdev *nd, const uint8_t *frame, size_t len)
{
	struct netdev_frame *f;

	/* keep order: nothing overtakes queued frames */
	if (!nd->rxq_head && netdev_try_receive(nd, frame, len))
		return;
	if (nd->rxq_frames >= NETDEV_RXQ_MAX_FRAMES || nd->rxq_bytes + len > NETDEV_RXQ_MAX_BYTES) {
		nd->rx_dropped++;
		return;
	}
	f = malloc(sizeof(*f) + len);
	if (!f) {
		nd->rx_dropped++;
		return;
	}
	f->next = NULL;
	f->len = len;
	memcpy(f->data, frame, len);
	if (nd->rxq_tail)
		nd->rxq_tail->next = f;
	else
		nd->rxq_head = f;
	nd->rxq_tail = f;
	nd->rxq_frames++;
	nd->rxq_bytes += len;
}

void netdev_rx_ready(struct netdev *nd)
{
	while (nd->rxq_head) {
		struct netdev_frame *f = nd->rxq_head;

		if (!netdev_try_receive(nd, f->data, f->len))
			break;
		nd->rxq_head = f->next;
		if (!nd->rxq_head)
			nd->rxq_tail = NULL;
		nd->rxq_frames--;
		nd->rxq_bytes -= f->len;
		free(f);
	}
}

void netdev_close(struct netdev *nd)
{
	if (!nd)
		return;
	while (nd->rxq_head) {
		struct netdev_frame *f = nd->rxq_head;

		nd->rxq_head = f->next;
		free(f);
	}
	nd->rxq_tail = NULL;
	nd->ops->close(nd);
}
