/*
 * virtio inside devices/: the transport-neutral device core (virtio.c:
 * status, feature negotiation, queue setup, interrupt status), its
 * transports -- virtio-mmio version 2 (virtio-mmio.c, virtio 1.2 section
 * 4.2) and modern virtio-pci (virtio-pci.c, section 4.1) -- and split
 * virtqueues (virtqueue.c, section 2.7), shared by the device models
 * (virtio-blk, -net, -rng, -console, -gpu, -input).
 *
 * A device model is a struct virtio_class plus its state. The core owns
 * feature negotiation, queue setup and the interrupt status; a transport
 * decodes its registers into core calls; the model gets queue notifications
 * and uses virtq_pop()/virtq_push() to take and return buffers. Every guest address is resolved
 * through bus_ram_ptr(), and a malformed ring marks the device DEVICE_NEEDS_RESET
 * (virtio_set_broken()) after which it ignores the driver until reset. All calls with the bus lock
 * held.
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

struct virtio_dev;

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
	void (*notify)(struct virtio_dev *vm, unsigned q);
	/** driver_ok() - DRIVER_OK was set. May be NULL. */
	void (*driver_ok)(struct virtio_dev *vm);
	/** reset() - the device was reset (status 0 or bus reset). May be NULL. */
	void (*reset)(struct virtio_dev *vm);
	/**
	 * config_write() - the driver wrote @size bytes at config offset @off.
	 * The transport ignores config writes when NULL. May be NULL.
	 */
	void (*config_write)(struct virtio_dev *vm, unsigned off, uint64_t val, unsigned size);
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

/* The device core, whatever the transport. */
struct virtio_dev {
	struct bus *bus;
	struct irq_line irq; /* level = (isr != 0); the transport's line */
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
 * virtio_create() - the core for model @cls with state @dev, on transport
 * @t (virtio-mmio or virtio-pci, see devices.h). On success the bus owns
 * both (release(dev) at bus_free()); on failure @dev is released. NULL +
 * errno.
 */
struct virtio_dev *virtio_create(struct bus *bus, const struct virtio_transport *t,
				 const struct virtio_class *cls, void *dev);

/** virtio_mmio_create() - virtio_create() on a virtio-mmio window at @base. */
struct virtio_dev *virtio_mmio_create(struct bus *bus, uint64_t base, struct irq_line irq,
				      const struct virtio_class *cls, void *dev);

/** virtio_has_feature() - was feature bit @bit negotiated? */
static inline bool virtio_has_feature(const struct virtio_dev *vm, unsigned bit)
{
	return vm->driver_features >> bit & 1;
}

/** virtio_running() - DRIVER_OK set and not broken: the device may use its queues. */
bool virtio_running(const struct virtio_dev *vm);

/**
 * virtio_set_broken() - a guest error the device cannot continue from: set
 * DEVICE_NEEDS_RESET, signal a configuration change, log once.
 */
void virtio_set_broken(struct virtio_dev *vm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** virtio_raise_queue_irq() - set the used-buffer interrupt bit (virtq_notify() decides). */
void virtio_raise_queue_irq(struct virtio_dev *vm);

/** virtio_config_changed() - the model changed its config space: bump the generation, interrupt. */
void virtio_config_changed(struct virtio_dev *vm);

/**
 * virtq_pop() - take the next available chain of queue @q into @e.
 * Returns 1, 0 when the queue is empty (or unusable), -1 when the ring is
 * malformed (the device is then broken: stop processing).
 */
int virtq_pop(struct virtio_dev *vm, unsigned q, struct virtq_elem *e);

/** virtq_unpop() - give back the chain virtq_pop() just returned (it stays available). */
void virtq_unpop(struct virtio_dev *vm, unsigned q);

/** virtq_has_avail() - would virtq_pop() find a chain? */
bool virtq_has_avail(struct virtio_dev *vm, unsigned q);

/**
 * virtq_push() - return @e to the driver with @len bytes written into its
 * device-writable buffers (reported to the bus's DMA notifier). Call
 * virtq_notify() after a batch.
 */
void virtq_push(struct virtio_dev *vm, unsigned q, const struct virtq_elem *e, uint32_t len);

/** virtq_notify() - interrupt the driver for queue @q unless it suppressed that. */
void virtq_notify(struct virtio_dev *vm, unsigned q);

/** iov helpers over an element's buffers: copy at byte offset @off, return bytes copied. */
size_t virtq_elem_read(const struct virtq_elem *e, size_t off, void *buf, size_t len);
size_t virtq_elem_write(const struct virtq_elem *e, size_t off, const void *buf, size_t len);

/* ------------------------------------------------ the core, for transports */

/*
 * Transport attachment (virtio-mmio.c, virtio-pci.c): map the registers of
 * @vm as @t says and set vm->irq. 0 or a negative errno (@vm already
 * belongs to the bus then).
 */
int virtio_mmio_attach(struct virtio_dev *vm, const struct virtio_transport *t);
int virtio_pci_attach(struct virtio_dev *vm, const struct virtio_transport *t);

/** virtio_device_features() - the model's feature bits plus the transport-neutral ones. */
uint64_t virtio_device_features(const struct virtio_dev *vm);

/** virtio_reset() - device reset (status 0 written, or bus reset). */
void virtio_reset(struct virtio_dev *vm);

/** virtio_write_status() - the driver wrote the device status (sections 2.1, 3.1.1). */
void virtio_write_status(struct virtio_dev *vm, uint32_t v);

/** virtio_write_driver_features() - 32 feature bits at word @sel (ignored after FEATURES_OK). */
void virtio_write_driver_features(struct virtio_dev *vm, uint32_t sel, uint32_t v);

/** virtio_cur_queue() - the queue queue_sel selects, or NULL. */
struct virtq *virtio_cur_queue(struct virtio_dev *vm);

/** virtio_queue_set_ready() - the driver enabled (@on) or deleted the selected queue. */
void virtio_queue_set_ready(struct virtio_dev *vm, bool on);

/** virtio_queue_kick() - the driver notified queue @q: pass it on if the device runs. */
void virtio_queue_kick(struct virtio_dev *vm, uint32_t q);

/** virtio_ack_isr() - clear interrupt status bits @bits (the line drops when none is left). */
void virtio_ack_isr(struct virtio_dev *vm, uint32_t bits);

/** virtio_config_read()/_write() - @size bytes of device configuration at @off. */
uint64_t virtio_config_read(struct virtio_dev *vm, uint64_t off, unsigned size);
void virtio_config_write(struct virtio_dev *vm, uint64_t off, uint64_t val, unsigned size);

#endif
