/*
 * virtio-mmio transport and virtio-blk, driven by a hand-built driver
 * (test-devices-harness.h) on temporary image files:
 *  - transport registers, feature negotiation (VERSION_1 required);
 *  - read, write (split buffers), flush, get-id, discard, write-zeroes,
 *    out-of-range and unsupported requests, indirect descriptors, interrupt
 *    suppression (NO_INTERRUPT, EVENT_IDX);
 *  - the data is in the image after flush, and after close without flush;
 *    readonly rejects writes with IOERR; snapshot leaves the image unchanged;
 *  - malformed rings: descriptor loops, indexes out of range, buffers outside
 *    RAM or in ROM, wrong directions, short headers -- never a crash (RAM is
 *    fenced by guard pages), the device reports DEVICE_NEEDS_RESET or fails
 *    the request, and recovers after a reset.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "test-devices-harness.h"

#define BLK_BASE 0x10001000ull
#define IMG_SECTORS 2048 /* 1 MiB */
#define BLK_F_RO (1ull << 5)
#define BLK_F_BLK_SIZE (1ull << 6)
#define BLK_F_FLUSH (1ull << 9)
#define BLK_F_DISCARD (1ull << 13)
#define BLK_F_WZ (1ull << 14)

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define T_DISCARD 11
#define T_WZ 13

struct blkt {
	struct hbus h;
	struct vdrv d;
	struct probe irq;
	struct blockdev *bd;
	char path[64];
	uint64_t hdr, data, status; /* request buffers in guest RAM */
};

static uint8_t pattern(uint64_t byte)
{
	return (uint8_t)(byte * 7 + (byte >> 9));
}

static void make_image(char *path)
{
	static uint8_t buf[IMG_SECTORS * 512];
	int fd;

	strcpy(path, "/tmp/morph-test-blk-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = pattern(i);
	ck_assert_int_eq(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
}

static void file_read(const char *path, uint64_t off, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static void blkt_start(struct blkt *t, unsigned flags, uint64_t features, uint16_t num)
{
	memset(t, 0, sizeof(*t));
	make_image(t->path);
	hbus_init(&t->h);
	t->bd = blockdev_open_file(t->path, flags);
	ck_assert_ptr_nonnull(t->bd);
	ck_assert_ptr_nonnull(virtio_blk_new(t->h.bus, BLK_BASE, probe_line(&t->irq, 0), t->bd));
	vd_attach(&t->d, &t->h, BLK_BASE);
	ck_assert_uint_eq(vd_negotiate(&t->d, features) & VIRTIO_STATUS_FEATURES_OK,
			  VIRTIO_STATUS_FEATURES_OK);
	vd_setup_queue(&t->d, 0, num);
	vd_driver_ok(&t->d);
	ck_assert_uint_eq(vd_rd(&t->d, VM_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET, 0);
	t->hdr = vd_alloc(&t->d, 16, 16);
	t->data = vd_alloc(&t->d, 64 * 1024, 4096);
	t->status = vd_alloc(&t->d, 1, 1);
}

static void blkt_stop(struct blkt *t)
{
	hbus_fini(&t->h);
	ck_assert_int_eq(blockdev_close(t->bd), 0);
	unlink(t->path);
}

static void set_hdr(struct blkt *t, uint32_t type, uint64_t sector)
{
	uint8_t *p = vd_host(&t->d, t->hdr);

	memset(p, 0, 16);
	memcpy(p, &type, 4);
	memcpy(p + 8, &sector, 8);
}

static uint8_t *status_byte(struct blkt *t)
{
	return vd_host(&t->d, t->status);
}

/* Submit header + one data buffer + status; returns the status, used len in @len. */
static int blk_req(struct blkt *t, uint32_t type, uint64_t sector, uint32_t data_len,
		   bool data_write, uint32_t *len)
{
	struct vbuf b[3];
	unsigned n = 0;
	uint32_t id, l;

	set_hdr(t, type, sector);
	*status_byte(t) = 0xee;
	b[n++] = (struct vbuf){t->hdr, 16, false};
	if (data_len)
		b[n++] = (struct vbuf){t->data, data_len, data_write};
	b[n++] = (struct vbuf){t->status, 1, true};
	uint16_t head = vd_add(&t->d, 0, b, n);

	vd_kick(&t->d, 0);
	if (!vd_used(&t->d, 0, &id, &l))
		return -1;
	ck_assert_uint_eq(id, head);
	if (len)
		*len = l;
	return *status_byte(t);
}

static void ack_irq(struct blkt *t)
{
	vd_wr(&t->d, VM_INTERRUPT_ACK, vd_rd(&t->d, VM_INTERRUPT_STATUS));
	ck_assert_int_eq(t->irq.level, 0);
}

static uint32_t dev_status(struct blkt *t)
{
	return vd_rd(&t->d, VM_STATUS);
}

#define STD_FEATURES (F_VERSION_1 | BLK_F_FLUSH | BLK_F_BLK_SIZE)

START_TEST(transport_registers)
{
	struct hbus h;
	struct vdrv d;
	struct probe irq = {0};
	struct blockdev *bd;
	char path[64];
	uint64_t f;

	make_image(path);
	hbus_init(&h);
	bd = blockdev_open_file(path, 0);
	ck_assert_ptr_nonnull(bd);
	ck_assert_ptr_nonnull(virtio_blk_new(h.bus, BLK_BASE, probe_line(&irq, 0), bd));
	ck_assert_ptr_nonnull(virtio_mmio_empty_new(h.bus, BLK_BASE + 0x1000));
	/* a window overlapping the first one is refused */
	ck_assert_ptr_null(virtio_mmio_empty_new(h.bus, BLK_BASE + 0x800));
	vd_attach(&d, &h, BLK_BASE);
	ck_assert_uint_eq(vd_rd(&d, VM_MAGIC), 0x74726976);
	ck_assert_uint_eq(vd_rd(&d, VM_VERSION), 2);
	ck_assert_uint_eq(vd_rd(&d, VM_DEVICE_ID), 2);
	ck_assert_uint_eq(hrd(&h, BLK_BASE + 0x1000 + VM_DEVICE_ID, 4), 0);
	ck_assert_uint_eq(hrd(&h, BLK_BASE + 0x1000 + VM_MAGIC, 4), 0x74726976);
	f = vd_device_features(&d);
	ck_assert(f & F_VERSION_1);
	ck_assert(f & BLK_F_FLUSH);
	ck_assert(f & F_EVENT_IDX);
	ck_assert(f & F_INDIRECT);
	ck_assert(!(f & BLK_F_RO));
	/* config: capacity in 512-byte sectors, read as two 32-bit halves and bytes */
	ck_assert_uint_eq(vd_rd(&d, VM_CONFIG), IMG_SECTORS);
	ck_assert_uint_eq(vd_rd(&d, VM_CONFIG + 4), 0);
	ck_assert_uint_eq(hrd(&h, BLK_BASE + VM_CONFIG + 1, 1), IMG_SECTORS >> 8);
	ck_assert_uint_eq(hrd(&h, BLK_BASE + VM_CONFIG + 20, 4), 512); /* blk_size */
	/* config reads past the end are zero, writes ignored */
	ck_assert_uint_eq(hrd(&h, BLK_BASE + VM_CONFIG + 0x80, 4), 0);
	hwr(&h, BLK_BASE + VM_CONFIG, 4, 0);
	ck_assert_uint_eq(vd_rd(&d, VM_CONFIG), IMG_SECTORS);
	/* queues beyond the device's: QueueNumMax 0 */
	vd_wr(&d, VM_QUEUE_SEL, 1);
	ck_assert_uint_eq(vd_rd(&d, VM_QUEUE_NUM_MAX), 0);
	vd_wr(&d, VM_QUEUE_SEL, 0);
	ck_assert_uint_eq(vd_rd(&d, VM_QUEUE_NUM_MAX), 256);
	/* non-32-bit register accesses are ignored */
	hwr(&h, BLK_BASE + VM_STATUS, 1, 1);
	ck_assert_uint_eq(vd_rd(&d, VM_STATUS), 0);
	/* negotiation: without VERSION_1 (a legacy driver), FEATURES_OK is refused */
	ck_assert_uint_eq(vd_negotiate(&d, BLK_F_FLUSH) & VIRTIO_STATUS_FEATURES_OK, 0);
	/* a feature the device does not offer is refused too */
	ck_assert_uint_eq(vd_negotiate(&d, F_VERSION_1 | (1ull << 40)) & VIRTIO_STATUS_FEATURES_OK,
			  0);
	ck_assert_uint_eq(vd_negotiate(&d, F_VERSION_1 | BLK_F_FLUSH) & VIRTIO_STATUS_FEATURES_OK,
			  VIRTIO_STATUS_FEATURES_OK);
	/* status 0 resets everything */
	vd_wr(&d, VM_STATUS, 0);
	ck_assert_uint_eq(vd_rd(&d, VM_STATUS), 0);
	hbus_fini(&h);
	ck_assert_int_eq(blockdev_close(bd), 0);
	unlink(path);
}
END_TEST

START_TEST(blk_read_write_flush)
{
	struct blkt t;
	uint8_t *data, disk[1024];
	uint32_t len;

	blkt_start(&t, 0, STD_FEATURES, 16);
	data = vd_host(&t.d, t.data);

	/* read sector 3 */
	ck_assert_int_eq(blk_req(&t, T_IN, 3, 512, true, &len), 0);
	ck_assert_uint_eq(len, 513);
	for (int i = 0; i < 512; i++)
		ck_assert_uint_eq(data[i], pattern(3 * 512 + i));
	ck_assert_int_eq(t.irq.level, 1);
	ck_assert_uint_eq(vd_rd(&t.d, VM_INTERRUPT_STATUS), 1);
	ack_irq(&t);

	/* write sectors 5-6 through three data buffers of odd sizes */
	uint64_t d2 = vd_alloc(&t.d, 1024, 8);
	uint8_t *w = vd_host(&t.d, d2);

	for (int i = 0; i < 1024; i++)
		w[i] = (uint8_t)(0xa5 ^ i);
	set_hdr(&t, T_OUT, 5);
	*status_byte(&t) = 0xee;
	struct vbuf b[5] = {
	    {t.hdr, 10, false}, {t.hdr + 10, 6, false}, /* the header split in two */
	    {d2, 100, false},	{d2 + 100, 924, false}, {t.status, 1, true},
	};
	uint16_t head = vd_add(&t.d, 0, b, 5);
	uint32_t id;

	vd_kick(&t.d, 0);
	ck_assert(vd_used(&t.d, 0, &id, &len));
	ck_assert_uint_eq(id, head);
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq(*status_byte(&t), 0);
	ack_irq(&t);

	ck_assert_int_eq(blk_req(&t, T_FLUSH, 0, 0, false, &len), 0);
	file_read(t.path, 5 * 512, disk, 1024);
	ck_assert_mem_eq(disk, w, 1024);

	/* read back through the device, one request per sector, into a split buffer */
	memset(data, 0, 1024);
	ck_assert_int_eq(blk_req(&t, T_IN, 5, 1024, true, &len), 0);
	ck_assert_mem_eq(data, w, 1024);

	/* neighbours untouched */
	file_read(t.path, 4 * 512, disk, 512);
	for (int i = 0; i < 512; i++)
		ck_assert_uint_eq(disk[i], pattern(4 * 512 + i));
	blkt_stop(&t);
}
END_TEST

START_TEST(blk_errors_and_misc)
{
	struct blkt t;
	uint8_t *data;
	uint32_t len;

	blkt_start(&t, 0, STD_FEATURES | BLK_F_DISCARD | BLK_F_WZ, 16);
	data = vd_host(&t.d, t.data);
	/* reads beyond the end and partial sectors fail with IOERR */
	ck_assert_int_eq(blk_req(&t, T_IN, IMG_SECTORS, 512, true, NULL), 1);
	ck_assert_int_eq(blk_req(&t, T_IN, IMG_SECTORS - 1, 1024, true, NULL), 1);
	ck_assert_int_eq(blk_req(&t, T_IN, UINT64_MAX, 512, true, NULL), 1);
	ck_assert_int_eq(blk_req(&t, T_IN, 0, 100, true, NULL), 1);
	ck_assert_int_eq(blk_req(&t, T_OUT, IMG_SECTORS, 512, false, NULL), 1);
	/* the last sector is fine */
	ck_assert_int_eq(blk_req(&t, T_IN, IMG_SECTORS - 1, 512, true, NULL), 0);
	/* unknown request type */
	ck_assert_int_eq(blk_req(&t, 0x1234, 0, 0, false, NULL), 2);
	/* get-id */
	memset(data, 0xff, 20);
	ck_assert_int_eq(blk_req(&t, T_GET_ID, 0, 20, true, &len), 0);
	ck_assert_uint_eq(len, 21);
	ck_assert_str_eq((char *)data, "morph-virtio-blk");
	/* write-zeroes over sectors 10-11, then read them back */
	uint8_t *seg = data + 4096;
	uint64_t sector = 10;
	uint32_t num = 2, flags = 0;

	memcpy(seg, &sector, 8);
	memcpy(seg + 8, &num, 4);
	memcpy(seg + 12, &flags, 4);
	set_hdr(&t, T_WZ, 0);
	struct vbuf b[3] = {{t.hdr, 16, false}, {t.data + 4096, 16, false}, {t.status, 1, true}};

	vd_add(&t.d, 0, b, 3);
	vd_kick(&t.d, 0);
	uint32_t id;

	ck_assert(vd_used(&t.d, 0, &id, &len));
	ck_assert_uint_eq(*status_byte(&t), 0);
	memset(data, 0x55, 1024);
	ck_assert_int_eq(blk_req(&t, T_IN, 10, 1024, true, NULL), 0);
	for (int i = 0; i < 1024; i++)
		ck_assert_uint_eq(data[i], 0);
	ck_assert_int_eq(blk_req(&t, T_IN, 12, 512, true, NULL), 0);
	ck_assert_uint_eq(data[0], pattern(12 * 512));
	/* discard with an unknown flag is unsupported; in range it succeeds */
	flags = 2;
	memcpy(seg + 12, &flags, 4);
	set_hdr(&t, T_DISCARD, 0);
	vd_add(&t.d, 0, b, 3);
	vd_kick(&t.d, 0);
	ck_assert(vd_used(&t.d, 0, &id, &len));
	ck_assert_uint_eq(*status_byte(&t), 2);
	flags = 0;
	memcpy(seg + 12, &flags, 4);
	vd_add(&t.d, 0, b, 3);
	vd_kick(&t.d, 0);
	ck_assert(vd_used(&t.d, 0, &id, &len));
	ck_assert_uint_eq(*status_byte(&t), 0);
	ck_assert_uint_eq(dev_status(&t) & VIRTIO_STATUS_DEVICE_NEEDS_RESET, 0);
	blkt_stop(&t);
}
END_TEST

START_TEST(blk_data_survives_close)
{
	struct blkt t;
	uint8_t buf[512];

	blkt_start(&t, 0, STD_FEATURES, 8);
	memset(vd_host(&t.d, t.data), 0x3c, 512);
	ck_assert_int_eq(blk_req(&t, T_OUT, 100, 512, false, NULL), 0);
	/* no flush request: closing the machine must still leave the data in the file */
	hbus_fini(&t.h);
	ck_assert_int_eq(blockdev_close(t.bd), 0);
	file_read(t.path, 100 * 512, buf, 512);
	for (int i = 0; i < 512; i++)
		ck_assert_uint_eq(buf[i], 0x3c);
	unlink(t.path);
}
END_TEST

START_TEST(blk_readonly)
{
	struct blkt t;
	uint8_t buf[512];

	blkt_start(&t, BLOCKDEV_READONLY, STD_FEATURES | BLK_F_RO, 8);
	ck_assert(vd_device_features(&t.d) & BLK_F_RO);
	ck_assert(!(vd_device_features(&t.d) & BLK_F_DISCARD));
	memset(vd_host(&t.d, t.data), 0x77, 512);
	ck_assert_int_eq(blk_req(&t, T_OUT, 1, 512, false, NULL), 1); /* VIRTIO_BLK_S_IOERR */
	ck_assert_int_eq(blk_req(&t, T_FLUSH, 0, 0, false, NULL), 0);
	ck_assert_int_eq(blk_req(&t, T_IN, 1, 512, true, NULL), 0);
	ck_assert_uint_eq(((uint8_t *)vd_host(&t.d, t.data))[0], pattern(512));
	file_read(t.path, 512, buf, 512);
	for (int i = 0; i < 512; i++)
		ck_assert_uint_eq(buf[i], pattern(512 + i));
	blkt_stop(&t);
}
END_TEST

START_TEST(blk_snapshot)
{
	struct blkt t;
	uint8_t *data, before[IMG_SECTORS * 512 / 4], after[sizeof(before)];
	struct stat st1, st2;

	blkt_start(&t, BLOCKDEV_SNAPSHOT, STD_FEATURES, 8);
	file_read(t.path, 0, before, sizeof(before));
	ck_assert_int_eq(stat(t.path, &st1), 0);
	data = vd_host(&t.d, t.data);
	/* a write straddling a 4 KiB cluster, then read back a wider range */
	for (int i = 0; i < 1024; i++)
		data[i] = (uint8_t)(i * 3 + 1);
	ck_assert_int_eq(blk_req(&t, T_OUT, 7, 1024, false, NULL), 0);
	ck_assert_int_eq(blk_req(&t, T_FLUSH, 0, 0, false, NULL), 0);
	memset(data, 0, 4096);
	ck_assert_int_eq(blk_req(&t, T_IN, 6, 4096, true, NULL), 0);
	for (int i = 0; i < 512; i++)
		ck_assert_uint_eq(data[i], pattern(6 * 512 + i));
	for (int i = 0; i < 1024; i++)
		ck_assert_uint_eq(data[512 + i], (uint8_t)(i * 3 + 1));
	for (int i = 1536; i < 4096; i++)
		ck_assert_uint_eq(data[i], pattern(6 * 512 + i));
	hbus_fini(&t.h);
	ck_assert_int_eq(blockdev_close(t.bd), 0);
	/* the image is byte-for-byte unchanged */
	file_read(t.path, 0, after, sizeof(after));
	ck_assert_mem_eq(before, after, sizeof(before));
	ck_assert_int_eq(stat(t.path, &st2), 0);
	ck_assert_int_eq(st1.st_size, st2.st_size);
	ck_assert(st1.st_mtim.tv_sec == st2.st_mtim.tv_sec &&
		  st1.st_mtim.tv_nsec == st2.st_mtim.tv_nsec);
	unlink(t.path);
}
END_TEST

START_TEST(blk_indirect)
{
	struct blkt t;
	uint64_t table;
	uint8_t *data;
	uint32_t id, len;

	blkt_start(&t, 0, STD_FEATURES | F_INDIRECT, 8);
	data = vd_host(&t.d, t.data);
	table = vd_alloc(&t.d, 16 * 4, 16);
	set_hdr(&t, T_IN, 9);
	vd_set_desc(vd_host(&t.d, table), 0, t.hdr, 16, D_NEXT, 1);
	vd_set_desc(vd_host(&t.d, table), 1, t.data, 256, D_WRITE | D_NEXT, 2);
	vd_set_desc(vd_host(&t.d, table), 2, t.data + 256, 256, D_WRITE | D_NEXT, 3);
	vd_set_desc(vd_host(&t.d, table), 3, t.status, 1, D_WRITE, 0);
	vd_desc(&t.d, 0, 0, table, 64, D_INDIRECT, 0);
	vd_publish(&t.d, 0, 0);
	vd_kick(&t.d, 0);
	ck_assert(vd_used(&t.d, 0, &id, &len));
	ck_assert_uint_eq(id, 0);
	ck_assert_uint_eq(len, 513);
	ck_assert_uint_eq(*status_byte(&t), 0);
	for (int i = 0; i < 512; i++)
		ck_assert_uint_eq(data[i], pattern(9 * 512 + i));
	blkt_stop(&t);
}
END_TEST

START_TEST(blk_interrupt_suppression)
{
	struct blkt t;
	uint16_t *used_event;

	/* NO_INTERRUPT without EVENT_IDX */
	blkt_start(&t, 0, STD_FEATURES, 8);
	*vd_avail16(&t.d, 0, 0) = 1; /* avail->flags = VRING_AVAIL_F_NO_INTERRUPT */
	ck_assert_int_eq(blk_req(&t, T_FLUSH, 0, 0, false, NULL), 0);
	ck_assert_int_eq(t.irq.raises, 0);
	*vd_avail16(&t.d, 0, 0) = 0;
	ck_assert_int_eq(blk_req(&t, T_FLUSH, 0, 0, false, NULL), 0);
	ck_assert_int_eq(t.irq.raises, 1);
	blkt_stop(&t);

	/* EVENT_IDX: interrupt only when used idx passes used_event */
	blkt_start(&t, 0, STD_FEATURES | F_EVENT_IDX, 8);
	used_event = vd_avail16(&t.d, 0, 2 + 8);
	*used_event = 0;
	ck_assert_int_eq(blk_req(&t, T_FLUSH, 0, 0, false, NULL), 0);
	ck_assert_int_eq(t.irq.raises, 1);
	ack_irq(&t);
	*used_event = 5; /* "interrupt me when the 6th buffer is used" */
	for (int i = 1; i < 5; i++)
		ck_assert_int_eq(blk_req(&t, T_FLUSH, 0, 0, false, NULL), 0);
	ck_assert_int_eq(t.irq.raises, 1);
	ck_assert_int_eq(blk_req(&t, T_FLUSH, 0, 0, false, NULL), 0);
	ck_assert_int_eq(blk_req(&t, T_FLUSH, 0, 0, false, NULL), 0);
	ck_assert_int_eq(t.irq.raises, 2);
	/* the device publishes avail_event = the next avail index it will read */
	ck_assert_uint_eq(*(uint16_t *)vd_host(&t.d, t.d.q[0].used + 4 + 8 * 8), 7);
	blkt_stop(&t);
}
END_TEST

/* ------------------------------------------------------------ malformed rings */

static void expect_broken(struct blkt *t)
{
	uint32_t id, len;

	ck_assert_uint_eq(dev_status(t) & VIRTIO_STATUS_DEVICE_NEEDS_RESET,
			  VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	ck_assert(!vd_used(&t->d, 0, &id, &len));
	/* configuration change interrupt (section 2.1.2) */
	ck_assert_uint_eq(vd_rd(&t->d, VM_INTERRUPT_STATUS) & 2, 2);
	ck_assert_int_eq(t->irq.level, 1);
	/* further kicks are ignored while broken */
	vd_kick(&t->d, 0);
	ck_assert(!vd_used(&t->d, 0, &id, &len));
}

/* Reset and set up again: the device works as new. */
static void expect_recovers(struct blkt *t)
{
	uint8_t *data;

	ck_assert_uint_eq(vd_negotiate(&t->d, STD_FEATURES | F_INDIRECT) &
			      (VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DEVICE_NEEDS_RESET),
			  VIRTIO_STATUS_FEATURES_OK);
	ck_assert_int_eq(t->irq.level, 0);
	vd_setup_queue(&t->d, 0, 8);
	vd_driver_ok(&t->d);
	data = vd_host(&t->d, t->data);
	ck_assert_int_eq(blk_req(t, T_IN, 2, 512, true, NULL), 0);
	ck_assert_uint_eq(data[1], pattern(2 * 512 + 1));
}

START_TEST(bad_descriptor_loop)
{
	struct blkt t;

	blkt_start(&t, 0, STD_FEATURES, 8);
	set_hdr(&t, T_IN, 0);
	vd_desc(&t.d, 0, 0, t.hdr, 16, D_NEXT, 1);
	vd_desc(&t.d, 0, 1, t.data, 512, D_WRITE | D_NEXT, 2);
	vd_desc(&t.d, 0, 2, t.status, 1, D_WRITE | D_NEXT, 1); /* back to 1 */
	vd_publish(&t.d, 0, 0);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	expect_recovers(&t);
	/* a self-loop of readable descriptors */
	vd_desc(&t.d, 0, 3, t.hdr, 16, D_NEXT, 3);
	vd_publish(&t.d, 0, 3);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	blkt_stop(&t);
}
END_TEST

START_TEST(bad_indexes)
{
	struct blkt t;

	blkt_start(&t, 0, STD_FEATURES, 8);
	/* next out of range */
	vd_desc(&t.d, 0, 0, t.hdr, 16, D_NEXT, 200);
	vd_publish(&t.d, 0, 0);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	expect_recovers(&t);
	/* head out of range */
	vd_publish(&t.d, 0, 8);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	expect_recovers(&t);
	/* avail idx running more than the queue size ahead */
	__atomic_store_n(vd_avail16(&t.d, 0, 1), (uint16_t)(t.d.q[0].avail_idx + 9),
			 __ATOMIC_RELEASE);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	expect_recovers(&t);
	/* a queue size that is not a power of two, rings outside RAM */
	vd_negotiate(&t.d, STD_FEATURES);
	vd_wr(&t.d, VM_QUEUE_SEL, 0);
	vd_wr(&t.d, VM_QUEUE_NUM, 6);
	vd_wr(&t.d, VM_QUEUE_READY, 1);
	ck_assert(dev_status(&t) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	vd_negotiate(&t.d, STD_FEATURES);
	ck_assert(!(dev_status(&t) & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
	vd_wr(&t.d, VM_QUEUE_NUM, 8);
	vd_wr(&t.d, VM_QUEUE_DESC_LOW, 0x40000000); /* no RAM there */
	vd_wr(&t.d, VM_QUEUE_DRIVER_LOW, (uint32_t)t.d.q[0].avail);
	vd_wr(&t.d, VM_QUEUE_DEVICE_LOW, (uint32_t)t.d.q[0].used);
	vd_wr(&t.d, VM_QUEUE_READY, 1);
	ck_assert(dev_status(&t) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	/* a used ring ending just past the end of RAM */
	vd_negotiate(&t.d, STD_FEATURES);
	vd_wr(&t.d, VM_QUEUE_NUM, 8);
	vd_wr(&t.d, VM_QUEUE_DESC_LOW, (uint32_t)t.d.q[0].desc);
	vd_wr(&t.d, VM_QUEUE_DEVICE_LOW, (uint32_t)(H_RAM_BASE + H_RAM_SIZE - 64));
	vd_wr(&t.d, VM_QUEUE_READY, 1);
	ck_assert(dev_status(&t) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	expect_recovers(&t);
	blkt_stop(&t);
}
END_TEST

START_TEST(bad_buffers)
{
	struct blkt t;
	struct vbuf b[3];

	blkt_start(&t, 0, STD_FEATURES | F_INDIRECT, 8);
	/* a data buffer outside RAM */
	set_hdr(&t, T_IN, 0);
	b[0] = (struct vbuf){t.hdr, 16, false};
	b[1] = (struct vbuf){0x20000000, 512, true};
	b[2] = (struct vbuf){t.status, 1, true};
	vd_add(&t.d, 0, b, 3);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	expect_recovers(&t);
	/* straddling the end of RAM by one byte (the guard page would catch a copy) */
	b[1] = (struct vbuf){H_RAM_BASE + H_RAM_SIZE - 511, 512, true};
	vd_add(&t.d, 0, b, 3);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	expect_recovers(&t);
	/* a huge length wrapping the address space */
	b[1] = (struct vbuf){H_RAM_BASE + 4096, 0xffffffffu, true};
	vd_add(&t.d, 0, b, 3);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	expect_recovers(&t);
	/* a device-writable buffer in ROM */
	b[1] = (struct vbuf){H_ROM_BASE, 512, true};
	vd_add(&t.d, 0, b, 3);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	expect_recovers(&t);
	/* ... while a readable buffer in ROM is fine (a write request from ROM data) */
	b[1] = (struct vbuf){H_ROM_BASE, 512, false};
	set_hdr(&t, T_OUT, 50);
	vd_add(&t.d, 0, b, 3);
	vd_kick(&t.d, 0);
	uint32_t id, len;

	ck_assert(vd_used(&t.d, 0, &id, &len));
	ck_assert_uint_eq(*status_byte(&t), 0);
	/* an indirect table outside RAM, of a bad size, or nested */
	vd_desc(&t.d, 0, 0, 0x30000000, 64, D_INDIRECT, 0);
	vd_publish(&t.d, 0, 0);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	expect_recovers(&t);
	uint64_t table = vd_alloc(&t.d, 64, 16);

	vd_desc(&t.d, 0, 0, table, 24, D_INDIRECT, 0);
	vd_publish(&t.d, 0, 0);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	expect_recovers(&t);
	vd_set_desc(vd_host(&t.d, table), 0, table, 64, D_INDIRECT, 0);
	vd_desc(&t.d, 0, 0, table, 64, D_INDIRECT, 0);
	vd_publish(&t.d, 0, 0);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	expect_recovers(&t);
	/* a loop inside an indirect table */
	vd_set_desc(vd_host(&t.d, table), 0, t.hdr, 16, D_NEXT, 1);
	vd_set_desc(vd_host(&t.d, table), 1, t.status, 1, D_WRITE | D_NEXT, 0);
	vd_desc(&t.d, 0, 0, table, 32, D_INDIRECT, 0);
	vd_publish(&t.d, 0, 0);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	expect_recovers(&t);
	/* an indirect table with more buffers than a chain may hold */
	uint64_t big = vd_alloc(&t.d, 16 * 2000, 16);

	for (int i = 0; i < 2000; i++)
		vd_set_desc(vd_host(&t.d, big), i, t.data, 1, D_WRITE | (i < 1999 ? D_NEXT : 0),
			    i + 1);
	vd_desc(&t.d, 0, 0, big, 16 * 2000, D_INDIRECT, 0);
	vd_publish(&t.d, 0, 0);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	expect_recovers(&t);
	/* indirect descriptors when the feature was not negotiated */
	vd_negotiate(&t.d, STD_FEATURES);
	vd_setup_queue(&t.d, 0, 8);
	vd_driver_ok(&t.d);
	vd_set_desc(vd_host(&t.d, table), 0, t.hdr, 16, D_NEXT, 1);
	vd_set_desc(vd_host(&t.d, table), 1, t.status, 1, D_WRITE, 0);
	vd_desc(&t.d, 0, 0, table, 32, D_INDIRECT, 0);
	vd_publish(&t.d, 0, 0);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	blkt_stop(&t);
}
END_TEST

START_TEST(bad_directions_and_headers)
{
	struct blkt t;
	struct vbuf b[3];
	uint32_t id, len;

	blkt_start(&t, 0, STD_FEATURES, 8);
	/* readable after writable */
	set_hdr(&t, T_IN, 0);
	b[0] = (struct vbuf){t.data, 512, true};
	b[1] = (struct vbuf){t.hdr, 16, false};
	b[2] = (struct vbuf){t.status, 1, true};
	vd_add(&t.d, 0, b, 3);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	expect_recovers(&t);
	/* no writable byte for the status: nothing can be reported -> needs reset */
	b[0] = (struct vbuf){t.hdr, 16, false};
	b[1] = (struct vbuf){t.status, 1, false};
	vd_add(&t.d, 0, b, 2);
	vd_kick(&t.d, 0);
	expect_broken(&t);
	expect_recovers(&t);
	/* a header shorter than 16 bytes fails the request */
	b[0] = (struct vbuf){t.hdr, 8, false};
	b[1] = (struct vbuf){t.status, 1, true};
	*status_byte(&t) = 0xee;
	vd_add(&t.d, 0, b, 2);
	vd_kick(&t.d, 0);
	ck_assert(vd_used(&t.d, 0, &id, &len));
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq(*status_byte(&t), 1);
	/* wrong data directions fail the request: a read into a device-readable buffer ... */
	ck_assert_int_eq(blk_req(&t, T_IN, 0, 512, false, NULL), 1);
	/* ... and a write from a device-writable one */
	ck_assert_int_eq(blk_req(&t, T_OUT, 0, 512, true, &len), 1);
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq(dev_status(&t) & VIRTIO_STATUS_DEVICE_NEEDS_RESET, 0);
	/* the image was not written */
	uint8_t buf[512];

	file_read(t.path, 0, buf, 512);
	ck_assert_uint_eq(buf[100], pattern(100));
	blkt_stop(&t);
}
END_TEST

START_TEST(notify_before_driver_ok)
{
	struct blkt t;
	uint32_t id, len;

	memset(&t, 0, sizeof(t));
	make_image(t.path);
	hbus_init(&t.h);
	t.bd = blockdev_open_file(t.path, 0);
	ck_assert_ptr_nonnull(virtio_blk_new(t.h.bus, BLK_BASE, probe_line(&t.irq, 0), t.bd));
	vd_attach(&t.d, &t.h, BLK_BASE);
	vd_negotiate(&t.d, STD_FEATURES);
	vd_setup_queue(&t.d, 0, 8);
	t.hdr = vd_alloc(&t.d, 16, 16);
	t.status = vd_alloc(&t.d, 1, 1);
	set_hdr(&t, T_FLUSH, 0);
	struct vbuf b[2] = {{t.hdr, 16, false}, {t.status, 1, true}};

	vd_add(&t.d, 0, b, 2);
	vd_kick(&t.d, 0);
	ck_assert(!vd_used(&t.d, 0, &id, &len)); /* section 2.1: nothing before DRIVER_OK */
	vd_driver_ok(&t.d);
	vd_kick(&t.d, 0);
	ck_assert(vd_used(&t.d, 0, &id, &len));
	/* a bus reset (machine reboot) resets the transport */
	bus_reset(t.h.bus);
	ck_assert_uint_eq(vd_rd(&t.d, VM_STATUS), 0);
	vd_wr(&t.d, VM_QUEUE_SEL, 0);
	ck_assert_uint_eq(vd_rd(&t.d, VM_QUEUE_READY), 0);
	blkt_stop(&t);
}
END_TEST

static Suite *virtio_blk_suite(void)
{
	Suite *s = suite_create("virtio-blk");
	TCase *tc = tcase_create("requests");

	tcase_add_test(tc, transport_registers);
	tcase_add_test(tc, blk_read_write_flush);
	tcase_add_test(tc, blk_errors_and_misc);
	tcase_add_test(tc, blk_data_survives_close);
	tcase_add_test(tc, blk_readonly);
	tcase_add_test(tc, blk_snapshot);
	tcase_add_test(tc, blk_indirect);
	tcase_add_test(tc, blk_interrupt_suppression);
	tcase_add_test(tc, notify_before_driver_ok);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_test(tc, bad_descriptor_loop);
	tcase_add_test(tc, bad_indexes);
	tcase_add_test(tc, bad_buffers);
	tcase_add_test(tc, bad_directions_and_headers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(virtio_blk_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
