/*
 * The virtio-mmio transport, version 2 ("modern") only: virtio 1.2 section
 * 4.2.2 register layout over the device core (virtio.c). Registers below
 * 0x100 are 32-bit; config space takes 1, 2, 4 (and 8) byte accesses.
 */

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

static uint64_t vm_read(void *opaque, uint64_t offset, unsigned size)
{
	struct virtio_dev *vm = opaque;
	struct virtq *q;

	if (offset >= VMMIO_CONFIG)
		return virtio_config_read(vm, offset - VMMIO_CONFIG, size);
	if (size != 4 || (offset & 3)) {
		bus_guest_error("virtio-mmio", "%u-byte register read at 0x%llx", size,
				(unsigned long long)offset);
		return 0;
	}
	q = virtio_cur_queue(vm);
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
		return (uint32_t)(virtio_device_features(vm) >> (32 * vm->dev_features_sel));
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

static void vm_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct virtio_dev *vm = opaque;
	uint32_t v = (uint32_t)value;
	struct virtq *q;

	if (offset >= VMMIO_CONFIG) {
		virtio_config_write(vm, offset - VMMIO_CONFIG, value, size);
		return;
	}
	if (size != 4 || (offset & 3)) {
		bus_guest_error("virtio-mmio", "%u-byte register write at 0x%llx", size,
				(unsigned long long)offset);
		return;
	}
	q = virtio_cur_queue(vm);
	switch (offset) {
	case VMMIO_DEVICE_FEATURES_SEL:
		vm->dev_features_sel = v;
		break;
	case VMMIO_DRIVER_FEATURES:
		virtio_write_driver_features(vm, vm->drv_features_sel, v);
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
		virtio_queue_set_ready(vm, v & 1);
		break;
	case VMMIO_QUEUE_NOTIFY:
		virtio_queue_kick(vm, v);
		break;
	case VMMIO_INTERRUPT_ACK:
		virtio_ack_isr(vm, v);
		break;
	case VMMIO_STATUS:
		virtio_write_status(vm, v);
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

int virtio_mmio_attach(struct virtio_dev *vm, const struct virtio_transport *t)
{
	vm->irq = t->irq;
	return bus_map_io(vm->bus, t->base, VIRTIO_MMIO_SIZE, &vm_ops, vm,
			  vm->cls ? vm->cls->name : "virtio-mmio");
}

struct virtio_dev *virtio_mmio_create(struct bus *bus, uint64_t base, struct irq_line irq,
				      const struct virtio_class *cls, void *dev)
{
	const struct virtio_transport t = {.base = base, .irq = irq};

	return virtio_create(bus, &t, cls, dev);
}

struct virtio_dev *virtio_mmio_empty_new(struct bus *bus, uint64_t base)
{
	return virtio_mmio_create(bus, base, (struct irq_line){0}, NULL, NULL);
}
