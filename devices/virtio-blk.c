/*
 * virtio-blk (virtio 1.2 section 5.2) on a block backend. One request queue;
 * requests run synchronously when the driver kicks it, so a completed
 * request's data is in the backend (and after FLUSH, on stable storage).
 *
 * A request is a byte stream, however the driver splits it into buffers:
 * device-readable {le32 type, le32 reserved, le64 sector} header and data,
 * then device-writable data and a final status byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "virtio.h"

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_ID_BYTES 20
#define VIRTIO_BLK_WRITE_ZEROES_F_UNMAP 1

/* Offsets in struct virtio_blk_config (section 5.2.4). */
#define BLK_CFG_CAPACITY 0
#define BLK_CFG_SIZE_MAX 8
#define BLK_CFG_SEG_MAX 12
#define BLK_CFG_BLK_SIZE 20
#define BLK_CFG_MAX_DISCARD_SECTORS 36
#define BLK_CFG_MAX_DISCARD_SEG 40
#define BLK_CFG_DISCARD_ALIGNMENT 44
#define BLK_CFG_MAX_WZEROES_SECTORS 48
#define BLK_CFG_MAX_WZEROES_SEG 52
#define BLK_CFG_WZEROES_MAY_UNMAP 56
#define BLK_CFG_SIZE 60

#define BLK_QUEUE_MAX 256
#define BLK_SEG_MAX (BLK_QUEUE_MAX - 2) /* header and status take a descriptor each */
#define BLK_MAX_DWZ_SEG 32
#define BLK_MAX_DWZ_SECTORS (1u << 22) /* 2 GiB per discard/write-zeroes segment */

struct virtio_blk {
	struct blockdev *bd;
	uint64_t sectors;
	struct virtq_elem elem;
	struct iovec data[VIRTQ_MAX_SG];
};

/* The data part of a request as an iovec: @skip bytes into the readable or writable side. */
static int blk_data_iov(struct virtio_blk *b, const struct virtq_elem *e, bool in, size_t skip,
			size_t len)
{
	unsigned first = in ? e->out_num : 0, end = in ? e->out_num + e->in_num : e->out_num;
	int n = 0;

	for (unsigned i = first; i < end && len; i++) {
		size_t l = e->iov[i].iov_len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		l -= skip;
		if (l > len)
			l = len;
		b->data[n].iov_base = (uint8_t *)e->iov[i].iov_base + skip;
		b->data[n].iov_len = l;
		n++;
		len -= l;
		skip = 0;
	}
	return n;
}

static bool blk_range_ok(const struct virtio_blk *b, uint64_t sector, uint64_t nsectors)
{
	return sector <= b->sectors && nsectors <= b->sectors - sector;
}

/* DISCARD / WRITE_ZEROES: an array of {le64 sector, le32 num_sectors, le32 flags}. */
static uint8_t blk_discard_wz(struct virtio_blk *b, const struct virtq_elem *e, size_t len, bool wz)
{
	size_t nseg = len / 16;

	if (len % 16 || nseg == 0 || nseg > BLK_MAX_DWZ_SEG)
		return VIRTIO_BLK_S_UNSUPP;
	if (b->bd->readonly)
		return VIRTIO_BLK_S_IOERR;
	for (size_t i = 0; i < nseg; i++) {
		uint8_t seg[16];
		uint64_t sector;
		uint32_t num, flags;
		int err;

		virtq_elem_read(e, 16 + 16 * i, seg, 16);
		sector = dev_ld64(seg);
		num = dev_ld32(seg + 8);
		flags = dev_ld32(seg + 12);
		/* section 5.2.6.2: unknown flags (or unmap on discard) are unsupported */
		if (flags & ~(wz ? VIRTIO_BLK_WRITE_ZEROES_F_UNMAP : 0u))
			return VIRTIO_BLK_S_UNSUPP;
		if (num > BLK_MAX_DWZ_SECTORS || !blk_range_ok(b, sector, num))
			return VIRTIO_BLK_S_IOERR;
		if (wz)
			err = b->bd->ops->write_zeroes(b->bd, sector * 512, (uint64_t)num * 512);
		else
			err = b->bd->ops->discard(b->bd, sector * 512, (uint64_t)num * 512);
		if (err)
			return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

/* Run one request; returns the bytes written into the driver's buffers. */
static uint32_t blk_request(struct virtio_dev *vm, struct virtio_blk *b, struct virtq_elem *e)
{
	uint8_t hdr[16], status;
	uint32_t type;
	uint64_t sector;
	size_t data_len, written = 0;
	int n;

	/* the status byte is the last writable byte: without one, nothing can be reported */
	if (e->in_len == 0) {
		virtio_set_broken(vm, "request without a status byte");
		return 0;
	}
	if (virtq_elem_read(e, 0, hdr, 16) < 16) {
		bus_guest_error("virtio-blk", "request header shorter than 16 bytes");
		status = VIRTIO_BLK_S_IOERR;
		goto done;
	}
	type = dev_ld32(hdr);
	sector = dev_ld64(hdr + 8);
	switch (type) {
	case VIRTIO_BLK_T_IN:
		data_len = e->in_len - 1;
		/* data the device should read means the driver got the directions wrong */
		if (e->out_len != 16 || data_len % 512 ||
		    !blk_range_ok(b, sector, data_len / 512)) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		n = blk_data_iov(b, e, true, 0, data_len);
		status = blockdev_readv(b->bd, sector * 512, b->data, n) ? VIRTIO_BLK_S_IOERR
									 : VIRTIO_BLK_S_OK;
		if (status == VIRTIO_BLK_S_OK)
			written = data_len;
		break;
	case VIRTIO_BLK_T_OUT:
		data_len = e->out_len - 16;
		if (b->bd->readonly || e->in_len != 1 || data_len % 512 ||
		    !blk_range_ok(b, sector, data_len / 512)) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		n = blk_data_iov(b, e, false, 16, data_len);
		status = blockdev_writev(b->bd, sector * 512, b->data, n) ? VIRTIO_BLK_S_IOERR
									  : VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_FLUSH:
		status = blockdev_flush(b->bd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_GET_ID: {
		char id[VIRTIO_BLK_ID_BYTES] = "morph-virtio-blk";

		/* section 5.2.6: the ID string is NUL-padded, not terminated when 20 long */
		data_len = e->in_len - 1;
		written = virtq_elem_write(e, 0, id, data_len < sizeof(id) ? data_len : sizeof(id));
		status = VIRTIO_BLK_S_OK;
		break;
	}
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (!virtio_has_feature(vm, type == VIRTIO_BLK_T_DISCARD
						? VIRTIO_BLK_F_DISCARD
						: VIRTIO_BLK_F_WRITE_ZEROES)) {
			status = VIRTIO_BLK_S_UNSUPP;
			break;
		}
		status = blk_discard_wz(b, e, e->out_len - 16, type == VIRTIO_BLK_T_WRITE_ZEROES);
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
done:
	virtq_elem_write(e, e->in_len - 1, &status, 1);
	return (uint32_t)(written + 1);
}

static void blk_notify(struct virtio_dev *vm, unsigned q)
{
	struct virtio_blk *b = vm->dev;
	bool pushed = false;

	while (virtq_pop(vm, q, &b->elem) > 0) {
		uint32_t len = blk_request(vm, b, &b->elem);

		if (vm->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
			break;
		virtq_push(vm, q, &b->elem, len);
		pushed = true;
	}
	if (pushed)
		virtq_notify(vm, q);
}

static void blk_release(void *dev)
{
	free(dev);
}

static const struct virtio_class virtio_blk_class = {
    .name = "virtio-blk",
    .device_id = 2,
    .nqueues = 1,
    .queue_max = BLK_QUEUE_MAX,
    .config_size = BLK_CFG_SIZE,
    .notify = blk_notify,
    .release = blk_release,
};

struct virtio_dev *virtio_blk_at(struct bus *bus, const struct virtio_transport *t,
				 struct blockdev *bd)
{
	struct virtio_class *cls;
	struct virtio_blk *b;
	struct virtio_dev *vm;

	b = calloc(1, sizeof(*b) + sizeof(*cls));
	if (!b)
		return NULL;
	b->bd = bd;
	b->sectors = bd->size / 512;
	/* the feature set depends on the backend: a per-device copy of the class */
	cls = (struct virtio_class *)(b + 1);
	*cls = virtio_blk_class;
	cls->features = VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
			VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
	if (bd->readonly)
		cls->features |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
	if (!bd->readonly && bd->ops->discard)
		cls->features |= VIRTIO_BIT(VIRTIO_BLK_F_DISCARD);
	if (!bd->readonly && bd->ops->write_zeroes)
		cls->features |= VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES);
	vm = virtio_create(bus, t, cls, b);
	if (!vm)
		return NULL;
	dev_st64(vm->config + BLK_CFG_CAPACITY, b->sectors);
	dev_st32(vm->config + BLK_CFG_SEG_MAX, BLK_SEG_MAX);
	dev_st32(vm->config + BLK_CFG_BLK_SIZE, 512);
	dev_st32(vm->config + BLK_CFG_MAX_DISCARD_SECTORS, BLK_MAX_DWZ_SECTORS);
	dev_st32(vm->config + BLK_CFG_MAX_DISCARD_SEG, BLK_MAX_DWZ_SEG);
	dev_st32(vm->config + BLK_CFG_DISCARD_ALIGNMENT, 8); /* 4 KiB, the overlay's cluster */
	dev_st32(vm->config + BLK_CFG_MAX_WZEROES_SECTORS, BLK_MAX_DWZ_SECTORS);
	dev_st32(vm->config + BLK_CFG_MAX_WZEROES_SEG, BLK_MAX_DWZ_SEG);
	vm->config[BLK_CFG_WZEROES_MAY_UNMAP] = 1;
	return vm;
}

struct virtio_dev *virtio_blk_new(struct bus *bus, uint64_t base, struct irq_line irq,
				  struct blockdev *bd)
{
	const struct virtio_transport t = {.base = base, .irq = irq};

	return virtio_blk_at(bus, &t, bd);
}
