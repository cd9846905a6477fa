/*
 * The virtio-mmio transport, version 2 ("modern") only: virtio 1.2 section
 * 4.2.2 register layout, feature negotiation with VIRTIO_F_VERSION_1
 * required, split virtqueues whose rings are validated when the driver sets
 * QueueReady. Registers below 0x100 are 32-bit; config space takes 1, 2, 4
 * (and 8) byte accesses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "virtio.h"

enum {
	VMMIO_MAGIC = 0x000,
	VMMIO_VERSION = 0x004,
	VMMIO_DEVICE_ID = 0x008,
	VMMIO_VENDOR_ID = 0x00c,
	VMMIO_DEVICE_FEATURES = 0x010,
	VMMIO_DEVICE_FEATURES_SEL = 0x014,
	VMMIO_DRIVER_FEATURES = 0x020,
	VMMIO_DRIVER_FEATURES_SEL = 0x024,
	VMMIO_QUEUE_SEL = 0x030,
	VMMIO_QUEUE_NUM_MAX = 0x034,
	VMMIO_QUEUE_NUM = 0x038,
	VMMIO_QUEUE_READY = 0x044,
	VMMIO_QUEUE_NOTIFY = 0x050,
	VMMIO_INTERRUPT_STATUS = 0x060,
	VMMIO_INTERRUPT_ACK = 0x064,
	VMMIO_STATUS = 0x070,
	VMMIO_QUEUE_DESC_LOW = 0x080,
	VMMIO_QUEUE_DESC_HIGH = 0x084,
	VMMIO_QUEUE_DRIVER_LOW = 0x090,
	VMMIO_QUEUE_DRIVER_HIGH = 0x094,
	VMMIO_QUEUE_DEVICE_LOW = 0x0a0,
	VMMIO_QUEUE_DEVICE_HIGH = 0x0a4,
	VMMIO_SHM_SEL = 0x0ac,
	VMMIO_SHM_LEN_LOW = 0x0b0,
	VMMIO_SHM_LEN_HIGH = 0x0b4,
	VMMIO_SHM_BASE_LOW = 0x0b8,
	VMMIO_SHM_BASE_HIGH = 0x0bc,
	VMMIO_CONFIG_GENERATION = 0x0fc,
	VMMIO_CONFIG = 0x100,
};

#define VIRTIO_MMIO_MAGIC 0x74726976  /* "virt" */
#define VIRTIO_MMIO_VENDOR 0x4850524d /* "MRPH" */

/* What the transport itself offers on top of the model's features. */
#define VIRTIO_TRANSPORT_FEATURES                                                                  \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |                     \
	 VIRTIO_BIT(VIRTIO_F_EVENT_IDX))

static uint64_t vm_device_features(const struct virtio_mmio *vm)
{
	return vm->cls ? vm->cls->features | VIRTIO_TRANSPORT_FEATURES : 0;
}

static void vm_update_irq(struct virtio_mmio *vm)
{
	int level = vm->isr != 0;

	if (level != vm->irq_level) {
		vm->irq_level = level;
		irq_set(&vm->irq, level);
	}
}

bool virtio_running(const struct virtio_mmio *vm)
{
	return (vm->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(vm->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

void virtio_set_broken(struct virtio_mmio *vm, const char *fmt, ...)
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

void virtio_config_changed(struct virtio_mmio *vm)
{
	vm->config_generation++;
	if (vm->status & VIRTIO_STATUS_DRIVER_OK) {
		vm->isr |= VIRTIO_ISR_CONFIG;
		vm_update_irq(vm);
	}
}

void virtio_raise_queue_irq(struct virtio_mmio *vm)
{
	vm->isr |= VIRTIO_ISR_QUEUE;
	vm_update_irq(vm);
}

static void vm_queue_reset(struct virtq *q)
{
	memset(q, 0, sizeof(*q));
}

static void vm_reset(struct virtio_mmio *vm)
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
	vm_reset(opaque);
}

/* Section 2.7 (table "Virtqueue Part Alignment"); the rings must lie in RAM. */
static void vm_queue_enable(struct virtio_mmio *vm, struct virtq *q, unsigned qi)
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

static struct virtq *vm_cur_queue(struct virtio_mmio *vm)
{
	if (!vm->cls || vm->queue_sel >= vm->cls->nqueues)
		return NULL;
	return &vm->vq[vm->queue_sel];
}

static uint64_t vm_config_read(struct virtio_mmio *vm, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	if (!vm->cls || off >= vm->cls->config_size || size > vm->cls->config_size - off)
		return 0;
	memcpy(&v, vm->config + off, size);
	return v;
}

static uint64_t vm_read(void *opaque, uint64_t offset, unsigned size)
{
	struct virtio_mmio *vm = opaque;
	struct virtq *q;

	if (offset >= VMMIO_CONFIG)
		return vm_config_read(vm, offset - VMMIO_CONFIG, size);
	if (size != 4 || (offset & 3)) {
		bus_guest_error("virtio-mmio", "%u-byte register read at 0x%llx", size,
				(unsigned long long)offset);
		return 0;
	}
	q = vm_cur_queue(vm);
	switch (offset) {
	case VMMIO_MAGIC:
		return VIRTIO_MMIO_MAGIC;
	case VMMIO_VERSION:
		return 2;
	case VMMIO_DEVICE_ID:
		return vm->cls ? vm->cls->device_id : 0;
	case VMMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VMMIO_DEVICE_FEATURES:
		if (vm->dev_features_sel > 1)
			return 0;
		return (uint32_t)(vm_device_features(vm) >> (32 * vm->dev_features_sel));
	case VMMIO_QUEUE_NUM_MAX:
		return q ? vm->cls->queue_max : 0;
	case VMMIO_QUEUE_READY:
		return q ? q->ready : 0;
	case VMMIO_INTERRUPT_STATUS:
		return vm->isr;
	case VMMIO_STATUS:
		return vm->status;
	case VMMIO_SHM_LEN_LOW:
	case VMMIO_SHM_LEN_HIGH:
		return 0xffffffff; /* no shared memory regions: length -1 */
	case VMMIO_SHM_BASE_LOW:
	case VMMIO_SHM_BASE_HIGH:
		return 0xffffffff;
	case VMMIO_CONFIG_GENERATION:
		return vm->config_generation;
	default:
		return 0; /* write-only and reserved registers read as zero */
	}
}

static void vm_write_status(struct virtio_mmio *vm, uint32_t v)
{
	uint32_t old = vm->status;

	if (v == 0) {
		vm_reset(vm);
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

		if ((f & ~vm_device_features(vm)) || !(f & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
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

static void vm_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct virtio_mmio *vm = opaque;
	uint32_t v = (uint32_t)value;
	struct virtq *q;

	if (offset >= VMMIO_CONFIG) {
		uint64_t off = offset - VMMIO_CONFIG;

		if (vm->cls && vm->cls->config_write && off < vm->cls->config_size &&
		    size <= vm->cls->config_size - off)
			vm->cls->config_write(vm, (unsigned)off, value, size);
		return;
	}
	if (size != 4 || (offset & 3)) {
		bus_guest_error("virtio-mmio", "%u-byte register write at 0x%llx", size,
				(unsigned long long)offset);
		return;
	}
	q = vm_cur_queue(vm);
	switch (offset) {
	case VMMIO_DEVICE_FEATURES_SEL:
		vm->dev_features_sel = v;
		break;
	case VMMIO_DRIVER_FEATURES:
		if (vm->status & VIRTIO_STATUS_FEATURES_OK)
			break; /* negotiation is over */
		if (vm->drv_features_sel == 0)
			vm->driver_features = (vm->driver_features & ~0xffffffffull) | v;
		else if (vm->drv_features_sel == 1)
			vm->driver_features = (vm->driver_features & 0xffffffffull) | (uint64_t)v
											  << 32;
		break;
	case VMMIO_DRIVER_FEATURES_SEL:
		vm->drv_features_sel = v;
		break;
	case VMMIO_QUEUE_SEL:
		vm->queue_sel = v;
		break;
	case VMMIO_QUEUE_NUM:
		if (q && !q->ready)
			q->num = v;
		break;
	case VMMIO_QUEUE_READY:
		if (!q)
			break;
		if (v & 1) {
			if (!q->ready) {
				q->ready = 1;
				vm_queue_enable(vm, q, vm->queue_sel);
			}
		} else {
			/* Linux writes 0 when it deletes a queue: forget it */
			vm_queue_reset(q);
		}
		break;
	case VMMIO_QUEUE_NOTIFY:
		if (vm->cls && v < vm->cls->nqueues && vm->vq[v].usable && virtio_running(vm))
			vm->cls->notify(vm, v);
		break;
	case VMMIO_INTERRUPT_ACK:
		vm->isr &= ~v;
		vm_update_irq(vm);
		break;
	case VMMIO_STATUS:
		vm_write_status(vm, v);
		break;
	case VMMIO_QUEUE_DESC_LOW:
	case VMMIO_QUEUE_DESC_HIGH:
	case VMMIO_QUEUE_DRIVER_LOW:
	case VMMIO_QUEUE_DRIVER_HIGH:
	case VMMIO_QUEUE_DEVICE_LOW:
	case VMMIO_QUEUE_DEVICE_HIGH: {
		uint64_t *a;

		if (!q || q->ready)
			break;
		a = offset < VMMIO_QUEUE_DRIVER_LOW   ? &q->desc_gpa
		    : offset < VMMIO_QUEUE_DEVICE_LOW ? &q->avail_gpa
						      : &q->used_gpa;
		*a = dev_reg_write(*a, (offset & 4), 4, v);
		break;
	}
	case VMMIO_SHM_SEL:
		break;
	default:
		bus_guest_error("virtio-mmio", "write to read-only or reserved register 0x%llx",
				(unsigned long long)offset);
		break;
	}
}

static const struct bus_ops vm_ops = {
    .read = vm_read,
    .write = vm_write,
};

static void vm_release(void *opaque)
{
	struct virtio_mmio *vm = opaque;

	if (vm->cls && vm->cls->release)
		vm->cls->release(vm->dev);
	free(vm);
}

struct virtio_mmio *virtio_mmio_create(struct bus *bus, uint64_t base, struct irq_line irq,
				       const struct virtio_class *cls, void *dev)
{
	struct virtio_mmio *vm = calloc(1, sizeof(*vm));
	int err;

	if (!vm) {
		if (cls && cls->release)
			cls->release(dev);
		return dev_fail(-ENOMEM);
	}
	vm->bus = bus;
	vm->irq = irq;
	vm->cls = cls;
	vm->dev = dev;
	err = dev_own(bus, vm, vm_bus_reset, vm_release);
	if (!err)
		err = bus_map_io(bus, base, VIRTIO_MMIO_SIZE, &vm_ops, vm,
				 cls ? cls->name : "virtio-mmio");
	return err ? dev_fail(err) : vm;
}

struct virtio_mmio *virtio_mmio_empty_new(struct bus *bus, uint64_t base)
{
	return virtio_mmio_create(bus, base, (struct irq_line){0}, NULL, NULL);
}

uint32_t virtio_mmio_status(const struct virtio_mmio *vm)
{
	return vm->status;
}
