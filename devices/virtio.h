/*
 * virtio inside devices/: the virtio-mmio transport (version 2) and split
 * virtqueues (virtio 1.2, sections 2.7 and 4.2), shared by the device
 * models (virtio-blk, -net, -rng, -console).
 *
 * A device model is a struct virtio_class plus its state. The transport owns
 * the registers, feature negotiation, queue setup and interrupts; the model
 * gets queue notifications and uses virtq_pop()/virtq_push() to take and
 * return buffers. Every guest address is resolved through bus_ram_ptr(), and
 * a malformed ring marks the device DEVICE_NEEDS_RESET (virtio_set_broken())
 * after which it ignores the driver until reset. All calls with the bus
 * lock held.
 */
#ifndef MORPH_DEVICES_VIRTIO_H
#define MORPH_DEVICES_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "morph/devices.h"

/* Feature bits (virtio 1.2 section 6). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32

#define VIRTIO_BIT(n) (1ull << (n))

#define VIRTIO_MAX_QUEUES 4
#define VIRTQ_MAX_SG 1024 /* buffers in one chain, indirect tables included */

/* Interrupt status bits. */
#define VIRTIO_ISR_QUEUE 1
#define VIRTIO_ISR_CONFIG 2

struct virtio_mmio;

/** One element taken from a queue: a descriptor chain mapped to host memory. */
struct virtq_elem {
	uint16_t head;		/* descriptor index to return in the used ring */
	unsigned out_num;	/* device-readable buffers: iov[0, out_num) */
	unsigned in_num;	/* device-writable buffers: iov[out_num, out_num + in_num) */
	size_t out_len, in_len; /* total bytes of each direction */
	struct iovec iov[VIRTQ_MAX_SG];
	uint64_t gpa[VIRTQ_MAX_SG]; /* guest address of each buffer (DMA notification) */
};

/** A device model. */
struct virtio_class {
	const char *name;
	uint32_t device_id;
	uint64_t features; /* device-specific bits; the transport adds its own */
	unsigned nqueues;
	uint16_t queue_max; /* QueueNumMax of every queue (a power of two) */
	size_t config_size; /* bytes of device configuration space at 0x100 */

	/** notify() - the driver kicked queue @q (only after DRIVER_OK, never when broken). */
	void (*notify)(struct virtio_mmio *vm, unsigned q);
	/** driver_ok() - DRIVER_OK was set. May be NULL. */
	void (*driver_ok)(struct virtio_mmio *vm);
	/** reset() - the device was reset (status 0 or bus reset). May be NULL. */
	void (*reset)(struct virtio_mmio *vm);
	/**
	 * config_write() - the driver wrote @size bytes at config offset @off.
	 * The transport ignores config writes when NULL. May be NULL.
	 */
	void (*config_write)(struct virtio_mmio *vm, unsigned off, uint64_t val, unsigned size);
	/** release() - free the model's state (vm->dev). May be NULL. */
	void (*release)(void *dev);
};

struct virtq {
	uint32_t num;	/* QueueNum */
	uint32_t ready; /* QueueReady as the driver wrote it */
	uint64_t desc_gpa, avail_gpa, used_gpa;
	bool usable;		      /* ready, and the rings passed validation */
	uint8_t *desc, *avail, *used; /* host addresses of the rings */
	uint16_t last_avail;	      /* next avail ring slot to consume */
	uint16_t used_idx;	      /* our copy of used->idx */
	uint16_t signalled_used;
	bool signalled_used_valid;
};

struct virtio_mmio {
	struct bus *bus;
	struct irq_line irq;
	int irq_level;
	const struct virtio_class *cls;
	void *dev; /* the model's state */

	uint32_t status;
	uint32_t isr;
	uint32_t dev_features_sel, drv_features_sel;
	uint64_t driver_features;
	uint32_t queue_sel;
	uint32_t config_generation;
	struct virtq vq[VIRTIO_MAX_QUEUES];
	uint8_t config[256]; /* the model fills it; little-endian fields */
};

/**
 * virtio_mmio_create() - a transport for model @cls with state @dev at @base.
 * On success the bus owns both (release(dev) at bus_free()). NULL + errno.
 */
struct virtio_mmio *virtio_mmio_create(struct bus *bus, uint64_t base, struct irq_line irq,
				       const struct virtio_class *cls, void *dev);

/** virtio_has_feature() - was feature bit @bit negotiated? */
static inline bool virtio_has_feature(const struct virtio_mmio *vm, unsigned bit)
{
	return vm->driver_features >> bit & 1;
}

/** virtio_running() - DRIVER_OK set and not broken: the device may use its queues. */
bool virtio_running(const struct virtio_mmio *vm);

/**
 * virtio_set_broken() - a guest error the device cannot continue from: set
 * DEVICE_NEEDS_RESET, signal a configuration change, log once.
 */
void virtio_set_broken(struct virtio_mmio *vm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** virtio_raise_queue_irq() - set the used-buffer interrupt bit (virtq_notify() decides). */
void virtio_raise_queue_irq(struct virtio_mmio *vm);

/** virtio_config_changed() - the model changed its config space: bump the generation, interrupt. */
void virtio_config_changed(struct virtio_mmio *vm);

/**
 * virtq_pop() - take the next available chain of queue @q into @e.
 * Returns 1, 0 when the queue is empty (or unusable), -1 when the ring is
 * malformed (the device is then broken: stop processing).
 */
int virtq_pop(struct virtio_mmio *vm, unsigned q, struct virtq_elem *e);

/** virtq_unpop() - give back the chain virtq_pop() just returned (it stays available). */
void virtq_unpop(struct virtio_mmio *vm, unsigned q);

/** virtq_has_avail() - would virtq_pop() find a chain? */
bool virtq_has_avail(struct virtio_mmio *vm, unsigned q);

/**
 * virtq_push() - return @e to the driver with @len bytes written into its
 * device-writable buffers (reported to the bus's DMA notifier). Call
 * virtq_notify() after a batch.
 */
void virtq_push(struct virtio_mmio *vm, unsigned q, const struct virtq_elem *e, uint32_t len);

/** virtq_notify() - interrupt the driver for queue @q unless it suppressed that. */
void virtq_notify(struct virtio_mmio *vm, unsigned q);

/** iov helpers over an element's buffers: copy at byte offset @off, return bytes copied. */
size_t virtq_elem_read(const struct virtq_elem *e, size_t off, void *buf, size_t len);
size_t virtq_elem_write(const struct virtq_elem *e, size_t off, const void *buf, size_t len);

#endif
