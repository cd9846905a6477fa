/*
 * Test harness shared by the device unit tests: a bus with guest RAM fenced
 * by inaccessible guard pages (a device touching memory just outside RAM
 * crashes the test instead of passing silently), an interrupt line that
 * records its level, and a minimal virtio-mmio driver that builds split
 * virtqueues in that RAM by hand.
 */
#ifndef TEST_DEVICES_HARNESS_H
#define TEST_DEVICES_HARNESS_H

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "morph/bus.h"
#include "morph/devices.h"
#include "morph/hostdev.h"
#include "morph/irq.h"

#define H_RAM_BASE 0x80000000ull
#define H_RAM_SIZE (4ull << 20)
#define H_ROM_BASE 0x1000ull

/* ------------------------------------------------------------ irq probe */

struct probe {
	int level;
	int raises; /* 0 -> 1 transitions */
};

static inline void probe_set(void *opaque, int n, int level)
{
	struct probe *p = (struct probe *)opaque + n;

	if (level && !p->level)
		p->raises++;
	p->level = level;
}

static inline struct irq_line probe_line(struct probe *p, int n)
{
	return irq_line_make(probe_set, p, n);
}

/* ------------------------------------------------------------ bus + RAM */

struct hbus {
	struct bus *bus;
	uint8_t *ram;
	uint8_t *map; /* guard page, RAM, guard page */
	size_t map_len;
	uint8_t rom[4096];
};

static inline void hbus_init(struct hbus *h)
{
	long pg = sysconf(_SC_PAGESIZE);

	h->bus = bus_new();
	ck_assert_ptr_nonnull(h->bus);
	h->map_len = H_RAM_SIZE + 2 * (size_t)pg;
	h->map = mmap(NULL, h->map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(h->map != MAP_FAILED);
	h->ram = h->map + pg;
	ck_assert_int_eq(mprotect(h->ram, H_RAM_SIZE, PROT_READ | PROT_WRITE), 0);
	ck_assert_int_eq(bus_map_ram(h->bus, H_RAM_BASE, H_RAM_SIZE, h->ram, 0, "ram"), 0);
	ck_assert_int_eq(
	    bus_map_ram(h->bus, H_ROM_BASE, sizeof(h->rom), h->rom, BUS_RAM_READONLY, "rom"), 0);
}

static inline void hbus_fini(struct hbus *h)
{
	bus_free(h->bus);
	munmap(h->map, h->map_len);
}

static inline uint32_t hrd(struct hbus *h, uint64_t a, unsigned size)
{
	uint64_t v = 0;

	ck_assert_int_eq(bus_read(h->bus, a, size, &v), 0);
	return (uint32_t)v;
}

static inline void hwr(struct hbus *h, uint64_t a, unsigned size, uint64_t v)
{
	ck_assert_int_eq(bus_write(h->bus, a, size, v), 0);
}

/* --------------------------------------------------- virtio-mmio driver */

#define VM_MAGIC 0x000
#define VM_VERSION 0x004
#define VM_DEVICE_ID 0x008
#define VM_DEVICE_FEATURES 0x010
#define VM_DEVICE_FEATURES_SEL 0x014
#define VM_DRIVER_FEATURES 0x020
#define VM_DRIVER_FEATURES_SEL 0x024
#define VM_QUEUE_SEL 0x030
#define VM_QUEUE_NUM_MAX 0x034
#define VM_QUEUE_NUM 0x038
#define VM_QUEUE_READY 0x044
#define VM_QUEUE_NOTIFY 0x050
#define VM_INTERRUPT_STATUS 0x060
#define VM_INTERRUPT_ACK 0x064
#define VM_STATUS 0x070
#define VM_QUEUE_DESC_LOW 0x080
#define VM_QUEUE_DESC_HIGH 0x084
#define VM_QUEUE_DRIVER_LOW 0x090
#define VM_QUEUE_DRIVER_HIGH 0x094
#define VM_QUEUE_DEVICE_LOW 0x0a0
#define VM_QUEUE_DEVICE_HIGH 0x0a4
#define VM_CONFIG_GENERATION 0x0fc
#define VM_CONFIG 0x100

#define F_INDIRECT (1ull << 28)
#define F_EVENT_IDX (1ull << 29)
#define F_VERSION_1 (1ull << 32)

#define D_NEXT 1
#define D_WRITE 2
#define D_INDIRECT 4

struct vq_drv {
	uint64_t desc, avail, used;
	uint16_t num;
	uint16_t avail_idx;
	uint16_t used_seen;
	uint16_t next_desc;
};

struct vdrv {
	struct hbus *h;
	uint64_t base;
	uint64_t brk; /* guest RAM bump allocator */
	struct vq_drv q[4];
};

static inline uint64_t vd_alloc(struct vdrv *d, uint64_t size, uint64_t align)
{
	uint64_t a = (d->brk + align - 1) & ~(align - 1);

	d->brk = a + size;
	ck_assert_uint_le(d->brk, H_RAM_BASE + H_RAM_SIZE);
	memset(d->h->ram + (a - H_RAM_BASE), 0, size);
	return a;
}

static inline void *vd_host(struct vdrv *d, uint64_t gpa)
{
	return d->h->ram + (gpa - H_RAM_BASE);
}

static inline uint32_t vd_rd(struct vdrv *d, uint64_t off)
{
	return hrd(d->h, d->base + off, 4);
}

static inline void vd_wr(struct vdrv *d, uint64_t off, uint32_t v)
{
	hwr(d->h, d->base + off, 4, v);
}

static inline void vd_attach(struct vdrv *d, struct hbus *h, uint64_t base)
{
	memset(d, 0, sizeof(*d));
	d->h = h;
	d->base = base;
	d->brk = H_RAM_BASE + 0x1000;
}

static inline uint64_t vd_device_features(struct vdrv *d)
{
	uint64_t f;

	vd_wr(d, VM_DEVICE_FEATURES_SEL, 0);
	f = vd_rd(d, VM_DEVICE_FEATURES);
	vd_wr(d, VM_DEVICE_FEATURES_SEL, 1);
	return f | (uint64_t)vd_rd(d, VM_DEVICE_FEATURES) << 32;
}

/* Reset, acknowledge, negotiate @features; returns the status after FEATURES_OK. */
static inline uint32_t vd_negotiate(struct vdrv *d, uint64_t features)
{
	vd_wr(d, VM_STATUS, 0);
	vd_wr(d, VM_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	vd_wr(d, VM_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	vd_wr(d, VM_DRIVER_FEATURES_SEL, 0);
	vd_wr(d, VM_DRIVER_FEATURES, (uint32_t)features);
	vd_wr(d, VM_DRIVER_FEATURES_SEL, 1);
	vd_wr(d, VM_DRIVER_FEATURES, (uint32_t)(features >> 32));
	vd_wr(d, VM_STATUS,
	      VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	return vd_rd(d, VM_STATUS);
}

static inline void vd_setup_queue(struct vdrv *d, unsigned qi, uint16_t num)
{
	struct vq_drv *q = &d->q[qi];

	memset(q, 0, sizeof(*q));
	q->num = num;
	q->desc = vd_alloc(d, 16ull * num, 16);
	q->avail = vd_alloc(d, 6 + 2ull * num, 2);
	q->used = vd_alloc(d, 6 + 8ull * num, 4);
	vd_wr(d, VM_QUEUE_SEL, qi);
	ck_assert_uint_ge(vd_rd(d, VM_QUEUE_NUM_MAX), num);
	ck_assert_uint_eq(vd_rd(d, VM_QUEUE_READY), 0);
	vd_wr(d, VM_QUEUE_NUM, num);
	vd_wr(d, VM_QUEUE_DESC_LOW, (uint32_t)q->desc);
	vd_wr(d, VM_QUEUE_DESC_HIGH, (uint32_t)(q->desc >> 32));
	vd_wr(d, VM_QUEUE_DRIVER_LOW, (uint32_t)q->avail);
	vd_wr(d, VM_QUEUE_DRIVER_HIGH, (uint32_t)(q->avail >> 32));
	vd_wr(d, VM_QUEUE_DEVICE_LOW, (uint32_t)q->used);
	vd_wr(d, VM_QUEUE_DEVICE_HIGH, (uint32_t)(q->used >> 32));
	vd_wr(d, VM_QUEUE_READY, 1);
}

static inline void vd_driver_ok(struct vdrv *d)
{
	vd_wr(d, VM_STATUS,
	      VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
		  VIRTIO_STATUS_DRIVER_OK);
}

static inline uint8_t *vd_desc_at(uint8_t *table, unsigned i)
{
	return table + 16 * i;
}

/* Write descriptor @i of a table at host address @table. */
static inline void vd_set_desc(uint8_t *table, unsigned i, uint64_t addr, uint32_t len,
			       uint16_t flags, uint16_t next)
{
	uint8_t *p = vd_desc_at(table, i);

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

static inline void vd_desc(struct vdrv *d, unsigned qi, unsigned i, uint64_t addr, uint32_t len,
			   uint16_t flags, uint16_t next)
{
	vd_set_desc(vd_host(d, d->q[qi].desc), i, addr, len, flags, next);
}

static inline uint16_t *vd_avail16(struct vdrv *d, unsigned qi, unsigned word)
{
	return (uint16_t *)vd_host(d, d->q[qi].avail) + word;
}

/* Put @head in the avail ring and publish it. */
static inline void vd_publish(struct vdrv *d, unsigned qi, uint16_t head)
{
	struct vq_drv *q = &d->q[qi];

	*vd_avail16(d, qi, 2 + q->avail_idx % q->num) = head;
	q->avail_idx++;
	__atomic_store_n(vd_avail16(d, qi, 1), q->avail_idx, __ATOMIC_RELEASE);
}

struct vbuf {
	uint64_t gpa;
	uint32_t len;
	bool write;
};

/* A chain of @n buffers at the next free descriptors; published, not kicked. */
static inline uint16_t vd_add(struct vdrv *d, unsigned qi, const struct vbuf *b, unsigned n)
{
	struct vq_drv *q = &d->q[qi];
	uint16_t head = q->next_desc;

	for (unsigned i = 0; i < n; i++) {
		uint16_t idx = (uint16_t)((head + i) % q->num);
		uint16_t next = (uint16_t)((head + i + 1) % q->num);

		vd_desc(d, qi, idx, b[i].gpa, b[i].len,
			(uint16_t)((b[i].write ? D_WRITE : 0) | (i + 1 < n ? D_NEXT : 0)), next);
	}
	q->next_desc = (uint16_t)((head + n) % q->num);
	vd_publish(d, qi, head);
	return head;
}

static inline void vd_kick(struct vdrv *d, unsigned qi)
{
	vd_wr(d, VM_QUEUE_NOTIFY, qi);
}

static inline uint16_t vd_used_idx(struct vdrv *d, unsigned qi)
{
	return __atomic_load_n((uint16_t *)vd_host(d, d->q[qi].used + 2), __ATOMIC_ACQUIRE);
}

/* The next used element, if any. */
static inline bool vd_used(struct vdrv *d, unsigned qi, uint32_t *id, uint32_t *len)
{
	struct vq_drv *q = &d->q[qi];
	uint8_t *e;

	if (vd_used_idx(d, qi) == q->used_seen)
		return false;
	e = vd_host(d, q->used + 4 + 8 * (q->used_seen % q->num));
	memcpy(id, e, 4);
	memcpy(len, e + 4, 4);
	q->used_seen++;
	return true;
}

#endif
