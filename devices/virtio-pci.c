/*
 * The virtio-pci transport, modern (virtio 1.2 section 4.1) and
 * non-transitional: vendor 0x1af4, device 0x1040 + the device ID, revision
 * 1, one 32-bit memory BAR (BAR0, 16 KiB) holding the four structures the
 * vendor-specific capabilities point at:
 *
 *   0x0000  common configuration (section 4.1.4.3)
 *   0x1000  ISR status: one byte, reading it clears it (section 4.1.4.5)
 *   0x2000  device-specific configuration (section 4.1.4.6)
 *   0x3000  notifications: queue N at 0x3000 + 4 * N (notify_off_multiplier 4)
 *
 * No MSI-X: the driver uses INTx, INTA# following the interrupt status
 * (unless the command register's Interrupt Disable is set). Queue
 * notifications count only while the function may master the bus (the
 * command register's Bus Master Enable); every guest address is checked by
 * the device core (virtio.c, virtqueue.c) as for virtio-mmio.
 */
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "morph/malta.h"
#include "virtio.h"

#define VPCI_VENDOR 0x1af4
#define VPCI_DEVICE_BASE 0x1040
#define VPCI_BAR_SIZE 0x4000u
#define VPCI_COMMON 0x0000u
#define VPCI_COMMON_LEN 0x40u
#define VPCI_ISR 0x1000u
#define VPCI_DEVICE 0x2000u
#define VPCI_NOTIFY 0x3000u
#define VPCI_NOTIFY_MULT 4u

#define VPCI_NO_VECTOR 0xffff /* VIRTIO_MSI_NO_VECTOR */

/* virtio_pci_cap.cfg_type */
enum { VPCI_CAP_COMMON = 1, VPCI_CAP_NOTIFY = 2, VPCI_CAP_ISR = 3, VPCI_CAP_DEVICE = 4 };

/* Common configuration fields: offset and width. */
enum {
	CC_DFSELECT = 0x00,
	CC_DF = 0x04,
	CC_GFSELECT = 0x08,
	CC_GF = 0x0c,
	CC_MSIX = 0x10,
	CC_NUMQ = 0x12,
	CC_STATUS = 0x14,
	CC_CFGGEN = 0x15,
	CC_Q_SELECT = 0x16,
	CC_Q_SIZE = 0x18,
	CC_Q_MSIX = 0x1a,
	CC_Q_ENABLE = 0x1c,
	CC_Q_NOFF = 0x1e,
	CC_Q_DESC = 0x20,
	CC_Q_AVAIL = 0x28,
	CC_Q_USED = 0x30,
	CC_Q_NDATA = 0x38,
	CC_Q_RESET = 0x3a,
};

static const struct {
	uint8_t off, size;
} cc_fields[] = {
    {CC_DFSELECT, 4}, {CC_DF, 4},	{CC_GFSELECT, 4}, {CC_GF, 4},	    {CC_MSIX, 2},
    {CC_NUMQ, 2},     {CC_STATUS, 1},	{CC_CFGGEN, 1},	  {CC_Q_SELECT, 2}, {CC_Q_SIZE, 2},
    {CC_Q_MSIX, 2},   {CC_Q_ENABLE, 2}, {CC_Q_NOFF, 2},	  {CC_Q_DESC, 8},   {CC_Q_AVAIL, 8},
    {CC_Q_USED, 8},   {CC_Q_NDATA, 2},	{CC_Q_RESET, 2},
};

struct virtio_pci {
	struct pci_conf pc;
	struct virtio_dev *vm;
	struct irq_line intx; /* INTA# */
	int level;	      /* the core's interrupt line */
	int intx_level;	      /* what we drive on INTA# */
};

static uint16_t vp_command(const struct virtio_pci *vp)
{
	return dev_ld16(vp->pc.cfg + PCI_COMMAND);
}

static void vp_update_intx(struct virtio_pci *vp)
{
	int out = vp->level && !(vp_command(vp) & PCI_COMMAND_INTX_DISABLE);

	/* the status register shows the pending interrupt whether or not it is masked */
	if (vp->level)
		vp->pc.cfg[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		vp->pc.cfg[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
	if (out != vp->intx_level) {
		vp->intx_level = out;
		irq_set(&vp->intx, out);
	}
}

static void vp_set_irq(void *opaque, int n, int level)
{
	struct virtio_pci *vp = opaque;

	(void)n;
	vp->level = level;
	vp_update_intx(vp);
}

static void vp_conf_written(struct pci_conf *pc, unsigned off, unsigned size)
{
	if (off < PCI_COMMAND + 2 && off + size > PCI_COMMAND)
		vp_update_intx(pc->opaque);
}

/* The value of common configuration field @f (the selected queue's for queue fields). */
static uint64_t cc_get(struct virtio_pci *vp, unsigned f)
{
	struct virtio_dev *vm = vp->vm;
	struct virtq *q = virtio_cur_queue(vm);

	switch (f) {
	case CC_DFSELECT:
		return vm->dev_features_sel;
	case CC_DF:
		return vm->dev_features_sel > 1
			   ? 0
			   : (uint32_t)(virtio_device_features(vm) >> (32 * vm->dev_features_sel));
	case CC_GFSELECT:
		return vm->drv_features_sel;
	case CC_GF:
		return vm->drv_features_sel > 1
			   ? 0
			   : (uint32_t)(vm->driver_features >> (32 * vm->drv_features_sel));
	case CC_MSIX:
	case CC_Q_MSIX:
		return VPCI_NO_VECTOR;
	case CC_NUMQ:
		return vm->cls->nqueues;
	case CC_STATUS:
		return vm->status & 0xff;
	case CC_CFGGEN:
		return vm->config_generation & 0xff;
	case CC_Q_SELECT:
		return vm->queue_sel;
	case CC_Q_SIZE:
		/* section 4.1.4.3.2: reads the maximum until the driver sets a size */
		return !q ? 0 : q->num ? q->num : vm->cls->queue_max;
	case CC_Q_ENABLE:
		return q ? q->ready : 0;
	case CC_Q_NOFF:
		return q ? vm->queue_sel : 0;
	case CC_Q_DESC:
		return q ? q->desc_gpa : 0;
	case CC_Q_AVAIL:
		return q ? q->avail_gpa : 0;
	case CC_Q_USED:
		return q ? q->used_gpa : 0;
	default:
		return 0; /* queue_notify_data, queue_reset: features we do not offer */
	}
}

static void cc_set(struct virtio_pci *vp, unsigned f, uint64_t v)
{
	struct virtio_dev *vm = vp->vm;
	struct virtq *q = virtio_cur_queue(vm);

	switch (f) {
	case CC_DFSELECT:
		vm->dev_features_sel = (uint32_t)v;
		break;
	case CC_GFSELECT:
		vm->drv_features_sel = (uint32_t)v;
		break;
	case CC_GF:
		virtio_write_driver_features(vm, vm->drv_features_sel, (uint32_t)v);
		break;
	case CC_MSIX:
	case CC_Q_MSIX:
		break; /* no MSI-X: reads stay NO_VECTOR */
	case CC_STATUS:
		virtio_write_status(vm, (uint32_t)v);
		break;
	case CC_Q_SELECT:
		vm->queue_sel = (uint32_t)v;
		break;
	case CC_Q_SIZE:
		if (q && !q->ready)
			q->num = (uint32_t)v;
		break;
	case CC_Q_ENABLE:
		/* section 4.1.4.3.2: the driver never writes 0 (queue_reset does that) */
		if (!q || !(v & 1) || q->ready)
			break;
		if (!q->num)
			q->num = vm->cls->queue_max;
		virtio_queue_set_ready(vm, true);
		break;
	case CC_Q_DESC: /* the rings' addresses are fixed once the queue is enabled */
		if (q && !q->ready)
			q->desc_gpa = v;
		break;
	case CC_Q_AVAIL:
		if (q && !q->ready)
			q->avail_gpa = v;
		break;
	case CC_Q_USED:
		if (q && !q->ready)
			q->used_gpa = v;
		break;
	default:
		bus_guest_error(vm->cls->name, "virtio-pci: write to read-only field 0x%x", f);
		break;
	}
}

/* The field holding [@off, @off + @size), or -1 (an access across fields). */
static int cc_field(unsigned off, unsigned size)
{
	for (unsigned i = 0; i < sizeof(cc_fields) / sizeof(cc_fields[0]); i++) {
		unsigned fo = cc_fields[i].off, fs = cc_fields[i].size;

		if (off >= fo && off + size <= fo + fs)
			return (int)i;
	}
	return -1;
}

static uint64_t vp_bar_read(void *opaque, uint64_t off, unsigned size)
{
	struct virtio_pci *vp = opaque;
	struct virtio_dev *vm = vp->vm;
	int i;

	if (off >= VPCI_DEVICE && off < VPCI_NOTIFY)
		return virtio_config_read(vm, off - VPCI_DEVICE, size);
	if (off == VPCI_ISR) {
		uint32_t isr = vm->isr;

		virtio_ack_isr(vm, isr); /* section 4.1.4.5.1: reading resets it */
		return isr;
	}
	if (off >= VPCI_COMMON_LEN || (i = cc_field((unsigned)off, size)) < 0)
		return 0;
	return dev_reg_read(cc_get(vp, cc_fields[i].off), (unsigned)off - cc_fields[i].off, size);
}

static void vp_bar_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct virtio_pci *vp = opaque;
	struct virtio_dev *vm = vp->vm;
	unsigned f;
	int i;

	if (off >= VPCI_DEVICE && off < VPCI_NOTIFY) {
		virtio_config_write(vm, off - VPCI_DEVICE, val, size);
		return;
	}
	if (off >= VPCI_NOTIFY) {
		/* a kick is a bus-master device's business: none before the driver allows it */
		if (vp_command(vp) & PCI_COMMAND_MASTER)
			virtio_queue_kick(vm, (uint32_t)(off - VPCI_NOTIFY) / VPCI_NOTIFY_MULT);
		return;
	}
	if (off >= VPCI_COMMON_LEN || (i = cc_field((unsigned)off, size)) < 0) {
		bus_guest_error(vm->cls->name, "virtio-pci: %u-byte write at BAR offset 0x%llx",
				size, (unsigned long long)off);
		return;
	}
	f = cc_fields[i].off;
	cc_set(vp, f, dev_reg_write(cc_get(vp, f), (unsigned)off - f, size, val));
}

static const struct bus_ops vp_bar_ops = {vp_bar_read, vp_bar_write};

/* A virtio_pci_cap (section 4.1.4, @cap_len bytes) for structure @type: @len bytes at @off. */
static unsigned vp_add_cap(struct virtio_pci *vp, uint8_t type, uint32_t off, uint32_t len,
			   unsigned cap_len)
{
	unsigned at = pci_conf_add_cap(&vp->pc, PCI_CAP_ID_VNDR, cap_len);
	uint8_t *c = vp->pc.cfg + at;

	c[2] = (uint8_t)cap_len;
	c[3] = type;
	c[4] = 0; /* BAR0 */
	dev_st32(c + 8, off);
	dev_st32(c + 12, len);
	return at;
}

int virtio_pci_attach(struct virtio_dev *vm, const struct virtio_transport *t)
{
	struct virtio_pci *vp = calloc(1, sizeof(*vp));
	const struct virtio_class *cls = vm->cls;
	uint32_t class_code;
	unsigned at;
	int err;

	if (!vp)
		return -ENOMEM;
	err = dev_own(vm->bus, vp, NULL, free);
	if (err)
		return err;
	if (!cls || cls->nqueues * VPCI_NOTIFY_MULT > VPCI_BAR_SIZE - VPCI_NOTIFY)
		return -EINVAL;
	vp->vm = vm;
	vp->intx = t->irq;
	vm->irq = irq_line_make(vp_set_irq, vp, 0);

	/* PCI class by device type (what QEMU gives them): network, storage, other */
	class_code = cls->device_id == 1 ? 0x020000 : cls->device_id == 2 ? 0x018000 : 0xff0000;
	pci_conf_init(&vp->pc, t->devfn, VPCI_VENDOR, (uint16_t)(VPCI_DEVICE_BASE + cls->device_id),
		      class_code << 8 | 1, 0);
	dev_st16(vp->pc.cfg + PCI_SUBSYSTEM_VENDOR_ID, VPCI_VENDOR);
	dev_st16(vp->pc.cfg + PCI_SUBSYSTEM_ID, 0x1100); /* as QEMU's modern devices */
	vp->pc.cfg[PCI_INTERRUPT_PIN] = 1;		 /* INTA# */
	dev_st16(vp->pc.wmask + PCI_COMMAND,
		 dev_ld16(vp->pc.wmask + PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	vp->pc.written = vp_conf_written;
	vp->pc.opaque = vp;
	pci_conf_set_bar(&vp->pc, 0, VPCI_BAR_SIZE, &vp_bar_ops, vp);

	vp_add_cap(vp, VPCI_CAP_COMMON, VPCI_COMMON, VPCI_COMMON_LEN, 16);
	at = vp_add_cap(vp, VPCI_CAP_NOTIFY, VPCI_NOTIFY, cls->nqueues * VPCI_NOTIFY_MULT, 20);
	dev_st32(vp->pc.cfg + at + 16, VPCI_NOTIFY_MULT);
	vp_add_cap(vp, VPCI_CAP_ISR, VPCI_ISR, 1, 16);
	if (cls->config_size)
		vp_add_cap(vp, VPCI_CAP_DEVICE, VPCI_DEVICE, (uint32_t)cls->config_size, 16);
	return gt64120_add(t->pci, &vp->pc) < 0 ? -ENOSPC : 0;
}
