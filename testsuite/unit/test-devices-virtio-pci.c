/*
 * The PCI side of the Malta board and the virtio-pci transport, driven
 * through the GT-64120 as Linux does (configuration cycles through
 * CFGADDR/CFGDATA, BARs in the PCI0M0 window):
 *  - configuration space: IDs, class, the capability list and the virtio
 *    structures it points at, absent functions master-abort;
 *  - BAR sizing (all ones reads back the size mask) and assignment, memory
 *    decoding only while the command register enables it, moving a BAR;
 *  - a virtio-blk request through the modern common configuration, the
 *    notification area (ignored until Bus Master Enable), the read-to-clear
 *    ISR and INTx (masked by Interrupt Disable, status bit still set);
 *  - a malformed virtqueue (rings outside RAM, a looping chain) marks the
 *    device DEVICE_NEEDS_RESET with a configuration interrupt, never a
 *    crash, and a reset recovers;
 *  - PIIX4 PIRQ routing to the i8259 (level inputs, shared lines).
 */
#include <stdio.h>

#include "morph/malta.h"
#include "test-devices-harness.h"

#define CFGADDR (GT64120_BASE + 0xcf8)
#define CFGDATA (GT64120_BASE + 0xcfc)
#define SLOT 18
#define DEVFN (SLOT << 3)
#define BAR_ADDR 0x10004000u
#define BAR_SIZE 0x4000u

/* the BAR layout virtio-pci.c documents (the test also finds it through the capabilities) */
#define CC_DFSELECT 0x00
#define CC_DF 0x04
#define CC_GFSELECT 0x08
#define CC_GF 0x0c
#define CC_MSIX 0x10
#define CC_NUMQ 0x12
#define CC_STATUS 0x14
#define CC_Q_SELECT 0x16
#define CC_Q_SIZE 0x18
#define CC_Q_ENABLE 0x1c
#define CC_Q_NOFF 0x1e
#define CC_Q_DESC 0x20
#define CC_Q_AVAIL 0x28
#define CC_Q_USED 0x30

struct pcit {
	struct hbus h;
	struct gt64120 *gt;
	struct probe irq;
	struct blockdev *bd;
	char path[64];
	uint32_t common, isr, device, notify, mult; /* BAR offsets from the capabilities */
	struct vdrv d;				    /* RAM allocator and ring helpers */
};

static uint32_t cfg_rd(struct pcit *t, unsigned devfn, unsigned reg, unsigned size)
{
	hwr(&t->h, CFGADDR, 4, 0x80000000u | devfn << 8 | (reg & 0xfc));
	return hrd(&t->h, CFGDATA + (reg & 3), size);
}

static void cfg_wr(struct pcit *t, unsigned devfn, unsigned reg, unsigned size, uint32_t v)
{
	hwr(&t->h, CFGADDR, 4, 0x80000000u | devfn << 8 | (reg & 0xfc));
	hwr(&t->h, CFGDATA + (reg & 3), size, v);
}

static uint32_t bar_rd(struct pcit *t, uint32_t off, unsigned size)
{
	return hrd(&t->h, BAR_ADDR + off, size);
}

static void bar_wr(struct pcit *t, uint32_t off, unsigned size, uint64_t v)
{
	hwr(&t->h, BAR_ADDR + off, size, v);
}

static void pcit_start(struct pcit *t)
{
	struct virtio_transport tr = {.pci = NULL};
	int fd;

	memset(t, 0, sizeof(*t));
	hbus_init(&t->h);
	strcpy(t->path, "/tmp/morph-test-vpci-XXXXXX");
	fd = mkstemp(t->path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 1 << 20), 0);
	close(fd);
	t->bd = blockdev_open_file(t->path, 0);
	ck_assert_ptr_nonnull(t->bd);
	t->gt = gt64120_new(t->h.bus, GT64120_BASE, NULL, NULL);
	ck_assert_ptr_nonnull(t->gt);
	tr.pci = t->gt;
	tr.devfn = DEVFN;
	tr.irq = probe_line(&t->irq, 0);
	ck_assert_ptr_nonnull(virtio_blk_at(t->h.bus, &tr, t->bd));
	bus_reset(t->h.bus);
	vd_attach(&t->d, &t->h, BAR_ADDR); /* only its allocator and ring helpers are used */
}

static void pcit_stop(struct pcit *t)
{
	hbus_fini(&t->h);
	blockdev_close(t->bd);
	unlink(t->path);
}

/* Walk the capability list: the virtio structures' offsets in BAR0. */
static void find_caps(struct pcit *t)
{
	unsigned seen = 0, n = 0;

	ck_assert_uint_ne(cfg_rd(t, DEVFN, 0x06, 2) & 0x10, 0); /* status: capability list */
	for (unsigned p = cfg_rd(t, DEVFN, 0x34, 1); p; p = cfg_rd(t, DEVFN, p + 1, 1)) {
		unsigned type = cfg_rd(t, DEVFN, p + 3, 1);
		uint32_t off = cfg_rd(t, DEVFN, p + 8, 4), len = cfg_rd(t, DEVFN, p + 12, 4);

		ck_assert_uint_lt(++n, 16);
		ck_assert_uint_eq(p & 3, 0);
		ck_assert_uint_ge(p, 0x40);
		ck_assert_uint_eq(cfg_rd(t, DEVFN, p, 1), 0x09);  /* vendor-specific */
		ck_assert_uint_eq(cfg_rd(t, DEVFN, p + 4, 1), 0); /* BAR0 */
		ck_assert_uint_le(off + len, BAR_SIZE);
		seen |= 1u << type;
		switch (type) {
		case 1:
			t->common = off;
			ck_assert_uint_ge(len, 0x38);
			break;
		case 2:
			t->notify = off;
			ck_assert_uint_ge(cfg_rd(t, DEVFN, p + 2, 1), 20);
			t->mult = cfg_rd(t, DEVFN, p + 16, 4);
			break;
		case 3:
			t->isr = off;
			ck_assert_uint_ge(len, 1);
			break;
		case 4:
			t->device = off;
			ck_assert_uint_ge(len, 8); /* at least virtio-blk's capacity */
			break;
		}
	}
	ck_assert_uint_eq(seen, 0x1e);
}

/* Assign BAR0, enable memory decoding (and bus mastering if @master). */
static void enable(struct pcit *t, bool master)
{
	cfg_wr(t, DEVFN, 0x10, 4, BAR_ADDR);
	cfg_wr(t, DEVFN, 0x04, 2, master ? 0x6 : 0x2);
	find_caps(t);
}

static uint32_t vp_negotiate(struct pcit *t, uint64_t features)
{
	bar_wr(t, t->common + CC_STATUS, 1, 0);
	bar_wr(t, t->common + CC_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	bar_wr(t, t->common + CC_GFSELECT, 4, 0);
	bar_wr(t, t->common + CC_GF, 4, (uint32_t)features);
	bar_wr(t, t->common + CC_GFSELECT, 4, 1);
	bar_wr(t, t->common + CC_GF, 4, (uint32_t)(features >> 32));
	bar_wr(t, t->common + CC_STATUS, 1,
	       VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	return bar_rd(t, t->common + CC_STATUS, 1);
}

/* Queue 0 with @num entries at fresh rings, or at @desc if non-zero; enabled. */
static void vp_queue(struct pcit *t, uint16_t num, uint64_t desc)
{
	struct vq_drv *q = &t->d.q[0];

	memset(q, 0, sizeof(*q));
	q->num = num;
	q->desc = vd_alloc(&t->d, 16ull * num, 16);
	q->avail = vd_alloc(&t->d, 6 + 2ull * num, 2);
	q->used = vd_alloc(&t->d, 6 + 8ull * num, 4);
	bar_wr(t, t->common + CC_Q_SELECT, 2, 0);
	ck_assert_uint_eq(bar_rd(t, t->common + CC_Q_SIZE, 2), 256); /* the maximum */
	ck_assert_uint_eq(bar_rd(t, t->common + CC_Q_ENABLE, 2), 0);
	ck_assert_uint_eq(bar_rd(t, t->common + CC_Q_NOFF, 2), 0);
	bar_wr(t, t->common + CC_Q_SIZE, 2, num);
	/* 64-bit fields in two halves, as Linux's vp_iowrite64_twopart() */
	bar_wr(t, t->common + CC_Q_DESC, 4, (uint32_t)(desc ? desc : q->desc));
	bar_wr(t, t->common + CC_Q_DESC + 4, 4, (uint32_t)((desc ? desc : q->desc) >> 32));
	bar_wr(t, t->common + CC_Q_AVAIL, 4, (uint32_t)q->avail);
	bar_wr(t, t->common + CC_Q_AVAIL + 4, 4, (uint32_t)(q->avail >> 32));
	bar_wr(t, t->common + CC_Q_USED, 4, (uint32_t)q->used);
	bar_wr(t, t->common + CC_Q_USED + 4, 4, (uint32_t)(q->used >> 32));
	ck_assert_uint_eq(bar_rd(t, t->common + CC_Q_DESC, 4), (uint32_t)(desc ? desc : q->desc));
	bar_wr(t, t->common + CC_Q_ENABLE, 2, 1);
	ck_assert_uint_eq(bar_rd(t, t->common + CC_Q_ENABLE, 2), 1);
}

static void vp_driver_ok(struct pcit *t)
{
	bar_wr(t, t->common + CC_STATUS, 1,
	       VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
		   VIRTIO_STATUS_DRIVER_OK);
}

/* A virtio-blk read of sector 0 into RAM; returns the status byte's address. */
static uint64_t add_read(struct pcit *t)
{
	uint64_t hdr = vd_alloc(&t->d, 16, 8), data = vd_alloc(&t->d, 512, 8);
	uint64_t st = vd_alloc(&t->d, 1, 1);
	const struct vbuf b[3] = {{hdr, 16, false}, {data, 512, true}, {st, 1, true}};

	memset(vd_host(&t->d, st), 0xff, 1);
	vd_add(&t->d, 0, b, 3);
	return st;
}

START_TEST(test_config_space)
{
	struct pcit t;

	pcit_start(&t);
	ck_assert_uint_eq(cfg_rd(&t, DEVFN, 0x00, 4), 0x10421af4);
	ck_assert_uint_eq(cfg_rd(&t, DEVFN, 0x08, 4), 0x01800001); /* storage, rev 1 */
	ck_assert_uint_eq(cfg_rd(&t, DEVFN, 0x0e, 1), 0);
	ck_assert_uint_eq(cfg_rd(&t, DEVFN, 0x3d, 1), 1); /* INTA# */
	ck_assert_uint_eq(cfg_rd(&t, DEVFN, 0x2c, 2), 0x1af4);
	cfg_wr(&t, DEVFN, 0x3c, 1, 10); /* interrupt line: storage for the OS */
	ck_assert_uint_eq(cfg_rd(&t, DEVFN, 0x3c, 1), 10);
	cfg_wr(&t, DEVFN, 0x00, 4, 0); /* IDs are read-only */
	ck_assert_uint_eq(cfg_rd(&t, DEVFN, 0x00, 4), 0x10421af4);
	find_caps(&t);
	ck_assert_uint_eq(t.mult, 4);
	/* an empty slot master-aborts: all ones */
	ck_assert_uint_eq(cfg_rd(&t, (SLOT + 1) << 3, 0x00, 4), 0xffffffff);
	/* the host bridge is device 0 */
	ck_assert_uint_eq(cfg_rd(&t, 0, 0x00, 4), 0x462011ab);
	pcit_stop(&t);
}
END_TEST

START_TEST(test_bar_sizing)
{
	struct pcit t;

	pcit_start(&t);
	ck_assert_uint_eq(cfg_rd(&t, DEVFN, 0x10, 4), 0);
	cfg_wr(&t, DEVFN, 0x10, 4, 0xffffffff);
	ck_assert_uint_eq(cfg_rd(&t, DEVFN, 0x10, 4), ~(BAR_SIZE - 1)); /* 32-bit memory */
	for (unsigned n = 1; n < 6; n++) {
		cfg_wr(&t, DEVFN, 0x10 + 4 * n, 4, 0xffffffff);
		ck_assert_uint_eq(cfg_rd(&t, DEVFN, 0x10 + 4 * n, 4), 0); /* no such BAR: reads 0 */
	}
	cfg_wr(&t, DEVFN, 0x10, 4, BAR_ADDR | 0x123); /* low bits are not writable */
	ck_assert_uint_eq(cfg_rd(&t, DEVFN, 0x10, 4), BAR_ADDR);
	/* no decoding until the command register enables memory */
	ck_assert_uint_eq(hrd(&t.h, BAR_ADDR + 0x12, 2), 0xffff);
	cfg_wr(&t, DEVFN, 0x04, 2, 0x2);
	find_caps(&t);
	ck_assert_uint_eq(bar_rd(&t, t.common + CC_NUMQ, 2), 1);
	ck_assert_uint_eq(bar_rd(&t, t.common + CC_MSIX, 2), 0xffff); /* no MSI-X */
	/* the device configuration: virtio-blk's capacity in sectors */
	ck_assert_uint_eq(bar_rd(&t, t.device, 4), 2048);
	/* move it: the old address master-aborts, the new one decodes */
	cfg_wr(&t, DEVFN, 0x10, 4, BAR_ADDR + 0x100000);
	ck_assert_uint_eq(bar_rd(&t, t.common + CC_NUMQ, 2), 0xffff);
	ck_assert_uint_eq(hrd(&t.h, BAR_ADDR + 0x100000 + t.common + CC_NUMQ, 2), 1);
	/* outside the PCI0M0 window's decode (narrowed by the guest): master abort */
	hwr(&t.h, GT64120_BASE + 0x060, 4, 0); /* PCI0M0HD: the first 2 MiB only */
	ck_assert_uint_eq(hrd(&t.h, BAR_ADDR + 0x100000 + t.common + CC_NUMQ, 2), 1);
	cfg_wr(&t, DEVFN, 0x10, 4, 0x10400000);
	ck_assert_uint_eq(hrd(&t.h, 0x10400000 + t.common + CC_NUMQ, 2), 0xffff);
	/* a bus reset unassigns the BAR and disables decoding */
	bus_reset(t.h.bus);
	ck_assert_uint_eq(cfg_rd(&t, DEVFN, 0x10, 4), 0);
	ck_assert_uint_eq(cfg_rd(&t, DEVFN, 0x04, 2), 0);
	pcit_stop(&t);
}
END_TEST

START_TEST(test_request_and_intx)
{
	struct pcit t;
	uint32_t id, len;
	uint64_t st;

	pcit_start(&t);
	enable(&t, false);
	bar_wr(&t, t.common + CC_DFSELECT, 4, 1);
	ck_assert_uint_eq(bar_rd(&t, t.common + CC_DF, 4) & 1, 1); /* VERSION_1 */
	ck_assert_uint_ne(vp_negotiate(&t, F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK, 0);
	vp_queue(&t, 8, 0);
	vp_driver_ok(&t);
	st = add_read(&t);
	/* no bus mastering yet: the kick is ignored */
	bar_wr(&t, t.notify + 0 * t.mult, 2, 0);
	ck_assert(!vd_used(&t.d, 0, &id, &len));
	cfg_wr(&t, DEVFN, 0x04, 2, 0x6);
	bar_wr(&t, t.notify + 0 * t.mult, 2, 0);
	ck_assert(vd_used(&t.d, 0, &id, &len));
	ck_assert_uint_eq(len, 513);
	ck_assert_uint_eq(*(uint8_t *)vd_host(&t.d, st), 0); /* VIRTIO_BLK_S_OK */
	ck_assert_int_eq(t.irq.level, 1);
	ck_assert_uint_ne(cfg_rd(&t, DEVFN, 0x06, 2) & 0x08, 0); /* interrupt status */
	/* reading the ISR returns and clears it, and drops INTx */
	ck_assert_uint_eq(bar_rd(&t, t.isr, 1), 1);
	ck_assert_int_eq(t.irq.level, 0);
	ck_assert_uint_eq(bar_rd(&t, t.isr, 1), 0);
	ck_assert_uint_eq(cfg_rd(&t, DEVFN, 0x06, 2) & 0x08, 0);
	/* Interrupt Disable masks the pin, not the status */
	cfg_wr(&t, DEVFN, 0x04, 2, 0x406);
	add_read(&t);
	bar_wr(&t, t.notify, 2, 0);
	ck_assert(vd_used(&t.d, 0, &id, &len));
	ck_assert_int_eq(t.irq.level, 0);
	ck_assert_uint_ne(cfg_rd(&t, DEVFN, 0x06, 2) & 0x08, 0);
	cfg_wr(&t, DEVFN, 0x04, 2, 0x006);
	ck_assert_int_eq(t.irq.level, 1);
	ck_assert_uint_eq(bar_rd(&t, t.isr, 1), 1);
	ck_assert_int_eq(t.irq.level, 0);
	/* status 0 resets the device */
	bar_wr(&t, t.common + CC_STATUS, 1, 0);
	ck_assert_uint_eq(bar_rd(&t, t.common + CC_STATUS, 1), 0);
	ck_assert_uint_eq(bar_rd(&t, t.common + CC_Q_ENABLE, 2), 0);
	pcit_stop(&t);
}
END_TEST

START_TEST(test_malformed_queue)
{
	struct pcit t;
	uint32_t id, len;
	unsigned long errs = bus_guest_error_count();

	pcit_start(&t);
	enable(&t, true);
	/* a descriptor table outside guest RAM */
	vp_negotiate(&t, F_VERSION_1);
	vp_queue(&t, 8, 0x40000000);
	ck_assert_uint_ne(bar_rd(&t, t.common + CC_STATUS, 1) & VIRTIO_STATUS_DEVICE_NEEDS_RESET,
			  0);
	vp_driver_ok(&t);
	add_read(&t);
	bar_wr(&t, t.notify, 2, 0);
	ck_assert(!vd_used(&t.d, 0, &id, &len));
	/* reset recovers; then a chain that loops on itself */
	ck_assert_uint_ne(vp_negotiate(&t, F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK, 0);
	ck_assert_uint_eq(bar_rd(&t, t.common + CC_STATUS, 1) & VIRTIO_STATUS_DEVICE_NEEDS_RESET,
			  0);
	vp_queue(&t, 8, 0);
	vp_driver_ok(&t);
	vd_desc(&t.d, 0, 0, t.d.q[0].used, 16, D_NEXT, 1);
	vd_desc(&t.d, 0, 1, t.d.q[0].used, 16, D_NEXT, 0);
	vd_publish(&t.d, 0, 0);
	bar_wr(&t, t.notify, 2, 0);
	ck_assert(!vd_used(&t.d, 0, &id, &len));
	ck_assert_uint_ne(bar_rd(&t, t.common + CC_STATUS, 1) & VIRTIO_STATUS_DEVICE_NEEDS_RESET,
			  0);
	/* a configuration change interrupt tells the driver */
	ck_assert_int_eq(t.irq.level, 1);
	ck_assert_uint_eq(bar_rd(&t, t.isr, 1) & 2, 2);
	ck_assert_uint_gt(bus_guest_error_count(), errs);
	/* a notification for a queue that does not exist is ignored */
	bar_wr(&t, t.notify + 3 * t.mult, 2, 3);
	pcit_stop(&t);
}
END_TEST

/* PIRQ lines through the PIIX4 to the i8259, read back as IRR (OCW3). */
static unsigned pic_irr(struct hbus *h)
{
	hwr(h, 0x18000020, 1, 0x0a);
	hwr(h, 0x180000a0, 1, 0x0a);
	return hrd(h, 0x18000020, 1) | hrd(h, 0x180000a0, 1) << 8;
}

START_TEST(test_pirq_routing)
{
	struct hbus h;
	struct probe intr = {0};
	struct i8259 *pic;
	struct gt64120 *gt;
	struct piix4 *piix4;
	struct irq_line a, b, c;

	hbus_init(&h);
	pic = i8259_new(h.bus, 0x18000000, probe_line(&intr, 0));
	ck_assert_ptr_nonnull(pic);
	i8259_set_elcr(pic, 1u << 10 | 1u << 11);
	gt = gt64120_new(h.bus, GT64120_BASE, NULL, NULL);
	ck_assert_ptr_nonnull(gt);
	piix4 = piix4_new(h.bus, gt, 10, 0x18000000, pic, NULL, NULL);
	ck_assert_ptr_nonnull(piix4);
	bus_reset(h.bus);
	/* YAMON's routing, as Linux's fixup-malta.c reads it: A, B -> 10; C, D -> 11 */
	hwr(&h, CFGADDR, 4, 0x80000000u | (10 << 11) | 0x60);
	ck_assert_uint_eq(hrd(&h, CFGDATA, 4), 0x0b0b0a0a);
	a = piix4_pirq(piix4, 0);
	b = piix4_pirq(piix4, 1);
	c = piix4_pirq(piix4, 2);
	irq_set(&a, 1);
	ck_assert_uint_eq(pic_irr(&h) & 0x0c00, 0x0400);
	/* wired-OR: IRQ 10 stays high while either A or B is */
	irq_set(&b, 1);
	irq_set(&a, 0);
	ck_assert_uint_eq(pic_irr(&h) & 0x0c00, 0x0400);
	irq_set(&b, 0);
	ck_assert_uint_eq(pic_irr(&h) & 0x0c00, 0); /* level: the request follows the line */
	irq_set(&c, 1);
	ck_assert_uint_eq(pic_irr(&h) & 0x0c00, 0x0800);
	/* rerouting PIRQC to IRQ 9 (edge) moves the request */
	hwr(&h, CFGADDR, 4, 0x80000000u | (10 << 11) | 0x60);
	hwr(&h, CFGDATA + 2, 1, 9);
	ck_assert_uint_eq(pic_irr(&h) & 0x0e00, 0x0200);
	/* routing disabled (bit 7): nothing reaches the PIC; the edge stays latched */
	hwr(&h, CFGDATA + 2, 1, 0x80);
	irq_set(&c, 0);
	irq_set(&c, 1);
	ck_assert_uint_eq(pic_irr(&h) & 0x0e00, 0x0200);
	hbus_fini(&h);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("virtio-pci");
	TCase *tc = tcase_create("pci");

	tcase_add_test(tc, test_config_space);
	tcase_add_test(tc, test_bar_sizing);
	tcase_add_test(tc, test_request_and_intx);
	tcase_add_test(tc, test_malformed_queue);
	tcase_add_test(tc, test_pirq_routing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
