/*
 * virtio-rng (virtio 1.2 section 5.4): every device-writable buffer the
 * driver queues comes back filled from the entropy backend.
 */
#include <stdlib.h>

#include "dev.h"
#include "virtio.h"

struct virtio_rng {
	struct entropy *e;
	struct virtq_elem elem;
};

static void rng_notify(struct virtio_dev *vm, unsigned q)
{
	struct virtio_rng *r = vm->dev;
	bool pushed = false;

	while (virtq_pop(vm, q, &r->elem) > 0) {
		size_t done = 0;

		for (unsigned i = r->elem.out_num; i < r->elem.out_num + r->elem.in_num; i++) {
			if (entropy_fill(r->e, r->elem.iov[i].iov_base, r->elem.iov[i].iov_len))
				break;
			done += r->elem.iov[i].iov_len;
		}
		virtq_push(vm, q, &r->elem, (uint32_t)done);
		pushed = true;
	}
	if (pushed)
		virtq_notify(vm, q);
}

static void rng_release(void *dev)
{
	free(dev);
}

static const struct virtio_class virtio_rng_class = {
    .name = "virtio-rng",
    .device_id = 4,
    .nqueues = 1,
    .queue_max = 64,
    .config_size = 0,
    .notify = rng_notify,
    .release = rng_release,
};

struct virtio_dev *virtio_rng_new(struct bus *bus, uint64_t base, struct irq_line irq,
				  struct entropy *e)
{
	struct virtio_rng *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->e = e;
	return virtio_mmio_create(bus, base, irq, &virtio_rng_class, r);
}
