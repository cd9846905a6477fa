/*
 * Split virtqueues (virtio 1.2 section 2.7), device side.
 *
 *   descriptor table: {le64 addr, le32 len, le16 flags, le16 next} x num
 *   available ring:   le16 flags, le16 idx, le16 ring[num], le16 used_event
 *   used ring:        le16 flags, le16 idx, {le32 id, le32 len} ring[num], le16 avail_event
 *
 * The guest may rewrite the rings while we read them: each descriptor is
 * copied once and validated on the copy; every buffer is resolved through
 * bus_ram_ptr() (device-readable) or bus_ram_ptr_w() (device-writable), so
 * it lies inside guest RAM; chains are bounded by the queue (or indirect
 * table) size, so a loop ends in an error instead of spinning.
 */
#include <stdatomic.h>
#include <string.h>

#include "dev.h"
#include "virtio.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtqueue.c reads little-endian rings with host loads"
#endif

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4

#define VRING_AVAIL_F_NO_INTERRUPT 1

static uint16_t ring_ld16(const uint8_t *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE);
}

static void ring_st16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELEASE);
}

static uint16_t avail_idx(const struct virtq *q)
{
	return ring_ld16(q->avail + 2);
}

static void set_avail_event(struct virtq *q, uint16_t v)
{
	ring_st16(q->used + 4 + 8 * q->num, v);
}

/* section 2.7.10: notify when new_idx has passed event since old */
static bool vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

static bool vq_ok(const struct virtio_dev *vm, unsigned qi)
{
	return vm->cls && qi < vm->cls->nqueues && vm->vq[qi].usable &&
	       !(vm->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

bool virtq_has_avail(struct virtio_dev *vm, unsigned qi)
{
	return vq_ok(vm, qi) && avail_idx(&vm->vq[qi]) != vm->vq[qi].last_avail;
}

/* Walk the chain at @head into @e; false (and the device broken) if malformed. */
static bool vq_map_chain(struct virtio_dev *vm, unsigned qi, uint16_t head, struct virtq_elem *e)
{
	struct virtq *q = &vm->vq[qi];
	const uint8_t *table = q->desc;
	uint32_t table_num = q->num, i = head, budget = q->num;
	bool indirect = false;
	unsigned n = 0;

	e->head = head;
	e->out_num = e->in_num = 0;
	e->out_len = e->in_len = 0;
	for (;;) {
		uint8_t d[16];
		uint64_t addr;
		uint32_t len;
		uint16_t flags;
		void *p;

		if (budget-- == 0) {
			virtio_set_broken(vm, "queue %u: descriptor chain loops or is too long",
					  qi);
			return false;
		}
		memcpy(d, table + 16 * i, 16);
		addr = dev_ld64(d);
		len = dev_ld32(d + 8);
		flags = dev_ld16(d + 12);

		if (flags & VRING_DESC_F_INDIRECT) {
			/* section 2.7.5.3.1: not nested, not with NEXT, a whole number of entries
			 */
			if (indirect || !virtio_has_feature(vm, VIRTIO_F_INDIRECT_DESC) ||
			    (flags & VRING_DESC_F_NEXT) || len == 0 || len % 16) {
				virtio_set_broken(vm, "queue %u: bad indirect descriptor", qi);
				return false;
			}
			table = bus_ram_ptr(vm->bus, addr, len);
			if (!table) {
				virtio_set_broken(vm, "queue %u: indirect table outside RAM", qi);
				return false;
			}
			table_num = len / 16;
			budget = table_num;
			indirect = true;
			i = 0;
			continue;
		}
		if (len) {
			bool w = flags & VRING_DESC_F_WRITE;

			if (n == VIRTQ_MAX_SG) {
				virtio_set_broken(vm, "queue %u: more than %d buffers in a chain",
						  qi, VIRTQ_MAX_SG);
				return false;
			}
			/* section 2.7.4.2: device-writable buffers come after the readable ones */
			if (!w && e->in_num) {
				virtio_set_broken(
				    vm, "queue %u: readable buffer after a writable one", qi);
				return false;
			}
			p = w ? bus_ram_ptr_w(vm->bus, addr, len) : bus_ram_ptr(vm->bus, addr, len);
			if (!p) {
				virtio_set_broken(vm, "queue %u: buffer 0x%llx+%u outside RAM", qi,
						  (unsigned long long)addr, len);
				return false;
			}
			e->iov[n].iov_base = p;
			e->iov[n].iov_len = len;
			e->gpa[n] = addr;
			n++;
			if (w) {
				e->in_num++;
				e->in_len += len;
			} else {
				e->out_num++;
				e->out_len += len;
			}
		}
		if (!(flags & VRING_DESC_F_NEXT))
			return true;
		i = dev_ld16(d + 14);
		if (i >= table_num) {
			virtio_set_broken(vm, "queue %u: next index %u out of range", qi, i);
			return false;
		}
	}
}

int virtq_pop(struct virtio_dev *vm, unsigned qi, struct virtq_elem *e)
{
	struct virtq *q;
	uint16_t idx, head;

	if (!vq_ok(vm, qi))
		return 0;
	q = &vm->vq[qi];
	idx = avail_idx(q);
	if (idx == q->last_avail) {
		if (!virtio_has_feature(vm, VIRTIO_F_EVENT_IDX))
			return 0;
		/*
		 * Ask for a kick at the next buffer, then look again: a buffer added
		 * before the driver could see avail_event would otherwise wait forever.
		 */
		set_avail_event(q, q->last_avail);
		atomic_thread_fence(memory_order_seq_cst);
		idx = avail_idx(q);
		if (idx == q->last_avail)
			return 0;
	}
	if ((uint16_t)(idx - q->last_avail) > q->num) {
		virtio_set_broken(vm, "queue %u: avail idx %u is more than %u ahead of %u", qi, idx,
				  q->num, q->last_avail);
		return -1;
	}
	head = ring_ld16(q->avail + 4 + 2 * (q->last_avail % q->num));
	if (head >= q->num) {
		virtio_set_broken(vm, "queue %u: head index %u out of range", qi, head);
		return -1;
	}
	if (!vq_map_chain(vm, qi, head, e))
		return -1;
	q->last_avail++;
	if (virtio_has_feature(vm, VIRTIO_F_EVENT_IDX))
		set_avail_event(q, q->last_avail);
	return 1;
}

void virtq_unpop(struct virtio_dev *vm, unsigned qi)
{
	struct virtq *q = &vm->vq[qi];

	if (!q->usable)
		return;
	q->last_avail--;
	if (virtio_has_feature(vm, VIRTIO_F_EVENT_IDX))
		set_avail_event(q, q->last_avail);
}

void virtq_push(struct virtio_dev *vm, unsigned qi, const struct virtq_elem *e, uint32_t len)
{
	struct virtq *q = &vm->vq[qi];
	uint8_t *slot;
	size_t left;

	if (!vq_ok(vm, qi))
		return;
	if (len > e->in_len)
		len = (uint32_t)e->in_len;
	/* what we wrote may hold code the CPU translated: tell the bus */
	left = len;
	for (unsigned i = e->out_num; i < e->out_num + e->in_num && left; i++) {
		size_t l = e->iov[i].iov_len < left ? e->iov[i].iov_len : left;

		bus_dma_written(vm->bus, e->gpa[i], l);
		left -= l;
	}
	slot = q->used + 4 + 8 * (q->used_idx % q->num);
	dev_st32(slot, e->head);
	dev_st32(slot + 4, len);
	q->used_idx++;
	ring_st16(q->used + 2, q->used_idx); /* release: the element is visible first */
}

void virtq_notify(struct virtio_dev *vm, unsigned qi)
{
	struct virtq *q = &vm->vq[qi];

	if (!vq_ok(vm, qi))
		return;
	/* the used idx store must be visible before we read the driver's suppression */
	atomic_thread_fence(memory_order_seq_cst);
	if (virtio_has_feature(vm, VIRTIO_F_EVENT_IDX)) {
		uint16_t old = q->signalled_used, now = q->used_idx;
		bool valid = q->signalled_used_valid;

		q->signalled_used = now;
		q->signalled_used_valid = true;
		if (valid && !vring_need_event(ring_ld16(q->avail + 4 + 2 * q->num), now, old))
			return;
	} else if (ring_ld16(q->avail) & VRING_AVAIL_F_NO_INTERRUPT) {
		return;
	}
	virtio_raise_queue_irq(vm);
}

size_t virtq_elem_read(const struct virtq_elem *e, size_t off, void *buf, size_t len)
{
	uint8_t *b = buf;
	size_t done = 0;

	for (unsigned i = 0; i < e->out_num && done < len; i++) {
		size_t l = e->iov[i].iov_len;

		if (off >= l) {
			off -= l;
			continue;
		}
		l -= off;
		if (l > len - done)
			l = len - done;
		memcpy(b + done, (uint8_t *)e->iov[i].iov_base + off, l);
		done += l;
		off = 0;
	}
	return done;
}

size_t virtq_elem_write(const struct virtq_elem *e, size_t off, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	size_t done = 0;

	for (unsigned i = e->out_num; i < e->out_num + e->in_num && done < len; i++) {
		size_t l = e->iov[i].iov_len;

		if (off >= l) {
			off -= l;
			continue;
		}
		l -= off;
		if (l > len - done)
			l = len - done;
		memcpy((uint8_t *)e->iov[i].iov_base + off, b + done, l);
		done += l;
		off = 0;
	}
	return done;
}
