/*
 * The virtio device core, whatever the transport (virtio 1.2 sections 2 and
 * 3): device status and reset, feature negotiation with VIRTIO_F_VERSION_1
 * required, split virtqueues whose rings are validated when the driver
 * enables them, the interrupt status and its line, device configuration
 * space. virtio-mmio.c and virtio-pci.c decode their registers into these
 * calls.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "virtio.h"

/* What the core itself offers on top of the model's features. */
#define VIRTIO_CORE_FEATURES                                                                       \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |                     \
	 VIRTIO_BIT(VIRTIO_F_EVENT_IDX))

uint64_t virtio_device_features(const struct virtio_dev *vm)
{
	return vm->cls ? vm->cls->features | VIRTIO_CORE_FEATURES : 0;
}

static void vm_update_irq(struct virtio_dev *vm)
{
	int level = vm->isr != 0;

	if (level != vm->irq_level) {
		vm->irq_level = level;
		irq_set(&vm->irq, level);
	}
}

bool virtio_running(const struct virtio_dev *vm)
{
	return (vm->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(vm->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

void virtio_set_broken(struct virtio_dev *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bus_guest_verror(vm->cls ? vm->cls->name : "virtio", fmt, ap);
	va_end(ap);
	if (vm->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		return;
	/* section 2.1.2: set DEVICE_NEEDS_RESET and send a configuration change notification */
	vm->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	if (vm->status & VIRTIO_STATUS_DRIVER_OK) {
		vm->isr |= VIRTIO_ISR_CONFIG;
		vm_update_irq(vm);
	}
}

void virtio_config_changed(struct virtio_dev *vm)
{
	vm->config_generation++;
	if (vm->status & VIRTIO_STATUS_DRIVER_OK) {
		vm->isr |= VIRTIO_ISR_CONFIG;
		vm_update_irq(vm);
	}
}

void virtio_raise_queue_irq(struct virtio_dev *vm)
{
	vm->isr |= VIRTIO_ISR_QUEUE;
	vm_update_irq(vm);
}

void virtio_ack_isr(struct virtio_dev *vm, uint32_t bits)
{
	vm->isr &= ~bits;
	vm_update_irq(vm);
}

static void vm_queue_reset(struct virtq *q)
{
	memset(q, 0, sizeof(*q));
}

void virtio_reset(struct virtio_dev *vm)
{
	vm->status = 0;
	vm->isr = 0;
	vm->dev_features_sel = 0;
	vm->drv_features_sel = 0;
	vm->driver_features = 0;
	vm->queue_sel = 0;
	for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++)
		vm_queue_reset(&vm->vq[i]);
	if (vm->cls && vm->cls->reset)
		vm->cls->reset(vm);
	vm_update_irq(vm);
}

static void vm_bus_reset(void *opaque)
{
	virtio_reset(opaque);
}

/* Section 2.7 (table "Virtqueue Part Alignment"); the rings must lie in RAM. */
static void vm_queue_enable(struct virtio_dev *vm, struct virtq *q, unsigned qi)
{
	uint64_t n = q->num;

	if (n == 0 || n > vm->cls->queue_max || (n & (n - 1))) {
		virtio_set_broken(vm, "queue %u: size %u is not a power of two <= %u", qi, q->num,
				  vm->cls->queue_max);
		return;
	}
	if ((q->desc_gpa & 15) || (q->avail_gpa & 1) || (q->used_gpa & 3)) {
		virtio_set_broken(vm, "queue %u: misaligned rings", qi);
		return;
	}
	q->desc = bus_ram_ptr(vm->bus, q->desc_gpa, 16 * n);
	q->avail = bus_ram_ptr(vm->bus, q->avail_gpa, 6 + 2 * n);
	q->used = bus_ram_ptr_w(vm->bus, q->used_gpa, 6 + 8 * n);
	if (!q->desc || !q->avail || !q->used) {
		virtio_set_broken(vm, "queue %u: ring outside guest RAM", qi);
		return;
	}
	q->last_avail = 0;
	q->used_idx = 0;
	q->signalled_used_valid = false;
	q->usable = true;
}

struct virtq *virtio_cur_queue(struct virtio_dev *vm)
{
	if (!vm->cls || vm->queue_sel >= vm->cls->nqueues)
		return NULL;
	return &vm->vq[vm->queue_sel];
}

void virtio_queue_set_ready(struct virtio_dev *vm, bool on)
{
	struct virtq *q = virtio_cur_queue(vm);

	if (!q)
		return;
	if (on) {
		if (!q->ready) {
			q->ready = 1;
			vm_queue_enable(vm, q, vm->queue_sel);
		}
	} else {
		/* Linux disables a queue when it deletes it: forget it */
		vm_queue_reset(q);
	}
}

void virtio_queue_kick(struct virtio_dev *vm, uint32_t q)
{
	if (vm->cls && q < vm->cls->nqueues && vm->vq[q].usable && virtio_running(vm))
		vm->cls->notify(vm, q);
}

uint64_t virtio_config_read(struct virtio_dev *vm, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	if (!vm->cls || off >= vm->cls->config_size || size > vm->cls->config_size - off)
		return 0;
	memcpy(&v, vm->config + off, size);
	return v;
}

void virtio_config_write(struct virtio_dev *vm, uint64_t off, uint64_t val, unsigned size)
{
	if (vm->cls && vm->cls->config_write && off < vm->cls->config_size &&
	    size <= vm->cls->config_size - off)
		vm->cls->config_write(vm, (unsigned)off, val, size);
}

void virtio_write_driver_features(struct virtio_dev *vm, uint32_t sel, uint32_t v)
{
	if (vm->status & VIRTIO_STATUS_FEATURES_OK)
		return; /* negotiation is over */
	if (sel == 0)
		vm->driver_features = (vm->driver_features & ~0xffffffffull) | v;
	else if (sel == 1)
		vm->driver_features = (vm->driver_features & 0xffffffffull) | (uint64_t)v << 32;
}

void virtio_write_status(struct virtio_dev *vm, uint32_t v)
{
	uint32_t old = vm->status;

	if (v == 0) {
		virtio_reset(vm);
		return;
	}
	if (!vm->cls)
		return;
	v &= 0xff;
	v &= ~VIRTIO_STATUS_DEVICE_NEEDS_RESET; /* the device's bit, not the driver's */
	v |= old & VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	/* section 3.1.1: accept FEATURES_OK only for a subset of ours that includes VERSION_1 */
	if ((v & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK)) {
		uint64_t f = vm->driver_features;

		if ((f & ~virtio_device_features(vm)) || !(f & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
			v &= ~VIRTIO_STATUS_FEATURES_OK;
	}
	if ((v & VIRTIO_STATUS_DRIVER_OK) && !(v & VIRTIO_STATUS_FEATURES_OK)) {
		bus_guest_error(vm->cls->name, "DRIVER_OK without FEATURES_OK");
		v &= ~VIRTIO_STATUS_DRIVER_OK;
	}
	vm->status = v;
	if ((v & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK) &&
	    virtio_running(vm) && vm->cls->driver_ok)
		vm->cls->driver_ok(vm);
}

uint32_t virtio_dev_status(const struct virtio_dev *vm)
{
	return vm->status;
}

static void vm_release(void *opaque)
{
	struct virtio_dev *vm = opaque;

	if (vm->cls && vm->cls->release)
		vm->cls->release(vm->dev);
	free(vm);
}

struct virtio_dev *virtio_create(struct bus *bus, const struct virtio_transport *t,
				 const struct virtio_class *cls, void *dev)
{
	struct virtio_dev *vm = calloc(1, sizeof(*vm));
	int err;

	if (!vm) {
		if (cls && cls->release)
			cls->release(dev);
		return dev_fail(-ENOMEM);
	}
	vm->bus = bus;
	vm->cls = cls;
	vm->dev = dev;
	err = dev_own(bus, vm, vm_bus_reset, vm_release);
	if (!err)
		err = t->pci ? virtio_pci_attach(vm, t) : virtio_mmio_attach(vm, t);
	return err ? dev_fail(err) : vm;
}
