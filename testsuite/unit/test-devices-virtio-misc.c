/*
 * virtio-rng and virtio-console through the virtio-mmio transport:
 * entropy fills every buffer (deterministically with a seeded PRNG), the
 * console transmits to and receives from the character backend, holds
 * input until the driver posts buffers, and supports emergency writes.
 */
#include "test-devices-harness.h"

#define RNG_BASE 0x10001000ull
#define CON_BASE 0x10002000ull

START_TEST(rng_fills_buffers)
{
	struct hbus h;
	struct vdrv d;
	struct probe irq = {0};
	struct entropy *e = entropy_prng_new(42), *ref = entropy_prng_new(42);
	uint8_t want[96];
	uint32_t id, len;

	hbus_init(&h);
	ck_assert_ptr_nonnull(virtio_rng_new(h.bus, RNG_BASE, probe_line(&irq, 0), e));
	vd_attach(&d, &h, RNG_BASE);
	ck_assert_uint_eq(vd_rd(&d, VM_DEVICE_ID), 4);
	ck_assert(vd_negotiate(&d, F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
	vd_setup_queue(&d, 0, 4);
	vd_driver_ok(&d);
	uint64_t buf = vd_alloc(&d, 96, 8);
	struct vbuf b[2] = {{buf, 64, true}, {buf + 64, 32, true}};

	vd_add(&d, 0, b, 2);
	vd_kick(&d, 0);
	ck_assert(vd_used(&d, 0, &id, &len));
	ck_assert_uint_eq(len, 96);
	ck_assert_int_eq(irq.level, 1);
	entropy_fill(ref, want, 64);
	entropy_fill(ref, want + 64, 32);
	ck_assert_mem_eq(vd_host(&d, buf), want, 96);
	/* a device-readable buffer is a malformed request for an rng: nothing to fill, 0 bytes */
	struct vbuf r = {buf, 16, false};

	vd_add(&d, 0, &r, 1);
	vd_kick(&d, 0);
	ck_assert(vd_used(&d, 0, &id, &len));
	ck_assert_uint_eq(len, 0);
	hbus_fini(&h);
	entropy_close(e);
	entropy_close(ref);
}
END_TEST

START_TEST(entropy_backends)
{
	struct entropy *a = entropy_prng_new(1), *b = entropy_prng_new(1), *c = entropy_prng_new(2);
	struct entropy *host = entropy_host_new();
	uint8_t x[33], y[33], z[33], h1[32], h2[32];

	entropy_fill(a, x, sizeof(x));
	entropy_fill(b, y, sizeof(y));
	entropy_fill(c, z, sizeof(z));
	ck_assert_mem_eq(x, y, sizeof(x));
	ck_assert(memcmp(x, z, sizeof(x)) != 0);
	ck_assert_int_eq(entropy_fill(host, h1, sizeof(h1)), 0);
	ck_assert_int_eq(entropy_fill(host, h2, sizeof(h2)), 0);
	ck_assert(memcmp(h1, h2, sizeof(h1)) != 0);
	entropy_close(a);
	entropy_close(b);
	entropy_close(c);
	entropy_close(host);
}
END_TEST

struct cont {
	struct hbus h;
	struct vdrv d;
	struct probe irq;
	struct chardev *chr;
};

static void con_start(struct cont *t, uint64_t features)
{
	memset(t, 0, sizeof(*t));
	hbus_init(&t->h);
	t->chr = chardev_buffer_new();
	ck_assert_ptr_nonnull(
	    virtio_console_new(t->h.bus, CON_BASE, probe_line(&t->irq, 0), t->chr));
	vd_attach(&t->d, &t->h, CON_BASE);
	ck_assert_uint_eq(vd_rd(&t->d, VM_DEVICE_ID), 3);
	ck_assert(vd_negotiate(&t->d, features) & VIRTIO_STATUS_FEATURES_OK);
	vd_setup_queue(&t->d, 0, 8);
	vd_setup_queue(&t->d, 1, 8);
}

START_TEST(console_transmit)
{
	struct cont t;
	uint32_t id, len;
	uint64_t buf;

	con_start(&t, F_VERSION_1 | (1ull << 2));
	vd_driver_ok(&t.d);
	ck_assert_uint_eq(vd_rd(&t.d, VM_CONFIG + 4), 1); /* max_nr_ports */
	buf = vd_alloc(&t.d, 64, 8);
	memcpy(vd_host(&t.d, buf), "hello, world\n", 13);
	struct vbuf b[2] = {{buf, 7, false}, {buf + 7, 6, false}};

	vd_add(&t.d, 1, b, 2);
	vd_kick(&t.d, 1);
	ck_assert(vd_used(&t.d, 1, &id, &len));
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(chardev_buffer_output(t.chr, NULL), "hello, world\n");
	/* emergency write through config space */
	hwr(&t.h, CON_BASE + VM_CONFIG + 8, 4, '!');
	ck_assert_str_eq(chardev_buffer_output(t.chr, NULL), "hello, world\n!");
	hbus_fini(&t.h);
	chardev_close(t.chr);
}
END_TEST

START_TEST(console_receive)
{
	struct cont t;
	uint32_t id, len;
	uint64_t buf;

	con_start(&t, F_VERSION_1);
	/* input before DRIVER_OK waits in the backend */
	chardev_buffer_input(t.chr, "abc", 3);
	ck_assert_uint_eq(chardev_buffer_pending(t.chr), 3);
	vd_driver_ok(&t.d);
	ck_assert_uint_eq(chardev_buffer_pending(t.chr), 3); /* still no buffers */
	buf = vd_alloc(&t.d, 256, 8);
	struct vbuf b = {buf, 2, true};

	vd_add(&t.d, 0, &b, 1);
	vd_kick(&t.d, 0);
	/* a 2-byte buffer takes "ab"; "c" waits for the next buffer */
	ck_assert(vd_used(&t.d, 0, &id, &len));
	ck_assert_uint_eq(len, 2);
	ck_assert_mem_eq(vd_host(&t.d, buf), "ab", 2);
	ck_assert_uint_eq(chardev_buffer_pending(t.chr), 1);
	ck_assert_int_eq(t.irq.level, 1);
	b = (struct vbuf){buf + 16, 64, true};
	vd_add(&t.d, 0, &b, 1);
	vd_kick(&t.d, 0);
	ck_assert(vd_used(&t.d, 0, &id, &len));
	ck_assert_uint_eq(len, 1);
	ck_assert_mem_eq(vd_host(&t.d, buf + 16), "c", 1);
	/* with a buffer posted, input goes straight in */
	b = (struct vbuf){buf + 128, 64, true};
	vd_add(&t.d, 0, &b, 1);
	vd_kick(&t.d, 0);
	ck_assert(!vd_used(&t.d, 0, &id, &len));
	chardev_buffer_input(t.chr, "xyz", 3);
	ck_assert(vd_used(&t.d, 0, &id, &len));
	ck_assert_uint_eq(len, 3);
	ck_assert_mem_eq(vd_host(&t.d, buf + 128), "xyz", 3);
	/* a reset forgets a held buffer: input then waits again */
	b = (struct vbuf){buf + 192, 64, true};
	vd_add(&t.d, 0, &b, 1);
	vd_kick(&t.d, 0);
	vd_wr(&t.d, VM_STATUS, 0);
	chardev_buffer_input(t.chr, "q", 1);
	ck_assert_uint_eq(chardev_buffer_pending(t.chr), 1);
	ck_assert_uint_eq(*(uint8_t *)vd_host(&t.d, buf + 192), 0);
	hbus_fini(&t.h);
	chardev_close(t.chr);
}
END_TEST

static Suite *misc_suite(void)
{
	Suite *s = suite_create("virtio-misc");
	TCase *tc = tcase_create("rng");

	tcase_add_test(tc, rng_fills_buffers);
	tcase_add_test(tc, entropy_backends);
	suite_add_tcase(s, tc);
	tc = tcase_create("console");
	tcase_add_test(tc, console_transmit);
	tcase_add_test(tc, console_receive);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(misc_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
