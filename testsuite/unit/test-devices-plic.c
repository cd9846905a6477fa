/*
 * PLIC register behaviour: priorities, pending bits, per-context enables and
 * thresholds, claim/complete with the level gateway, priority ordering,
 * context outputs, ignored completions, reset.
 */
#include "test-devices-harness.h"

#define PLIC 0x0c000000ull
#define NSRC 96
#define NCTX 4 /* two harts: M, S, M, S */

struct pt {
	struct hbus h;
	struct plic *p;
	struct probe out[NCTX];
	struct irq_line in[NSRC];
};

static void pt_start(struct pt *t)
{
	struct irq_line lines[NCTX];

	memset(t, 0, sizeof(*t));
	hbus_init(&t->h);
	for (int c = 0; c < NCTX; c++)
		lines[c] = probe_line(t->out, c);
	t->p = plic_new(t->h.bus, PLIC, NSRC, NCTX, lines);
	ck_assert_ptr_nonnull(t->p);
	for (int s = 0; s < NSRC; s++)
		t->in[s] = plic_input(t->p, (unsigned)s);
}

static uint32_t rd(struct pt *t, uint64_t off)
{
	return hrd(&t->h, PLIC + off, 4);
}

static void wr(struct pt *t, uint64_t off, uint32_t v)
{
	hwr(&t->h, PLIC + off, 4, v);
}

static void set_prio(struct pt *t, unsigned s, uint32_t p)
{
	wr(t, 4 * s, p);
}

static void enable(struct pt *t, unsigned c, unsigned s, bool on)
{
	uint64_t off = 0x2000 + 0x80 * c + 4 * (s / 32);
	uint32_t v = rd(t, off);

	wr(t, off, on ? v | 1u << (s % 32) : v & ~(1u << (s % 32)));
}

static uint32_t claim(struct pt *t, unsigned c)
{
	return rd(t, 0x200004 + 0x1000 * c);
}

static void complete(struct pt *t, unsigned c, uint32_t s)
{
	wr(t, 0x200004 + 0x1000 * c, s);
}

static void threshold(struct pt *t, unsigned c, uint32_t v)
{
	wr(t, 0x200000 + 0x1000 * c, v);
}

static bool pending(struct pt *t, unsigned s)
{
	return rd(t, 0x1000 + 4 * (s / 32)) >> (s % 32) & 1;
}

START_TEST(registers)
{
	struct pt t;

	pt_start(&t);
	set_prio(&t, 5, 0xff);
	ck_assert_uint_eq(rd(&t, 4 * 5), 7); /* 3 priority bits */
	set_prio(&t, 0, 3);
	ck_assert_uint_eq(rd(&t, 0), 0); /* source 0 does not exist */
	wr(&t, 0x2000, 0xffffffff);
	ck_assert_uint_eq(rd(&t, 0x2000), 0xfffffffe);
	wr(&t, 0x2000 + 8, 0xffffffff); /* sources 64..95 exist, 96.. do not */
	ck_assert_uint_eq(rd(&t, 0x2000 + 8), 0xffffffff);
	ck_assert_uint_eq(rd(&t, 0x2000 + 12), 0);
	threshold(&t, 1, 9);
	ck_assert_uint_eq(rd(&t, 0x201000), 1);
	/* pending bits are read-only */
	wr(&t, 0x1000, 0xffffffff);
	ck_assert_uint_eq(rd(&t, 0x1000), 0);
	/* only 32-bit accesses */
	uint64_t v;

	ck_assert_int_eq(bus_write(t.h.bus, PLIC + 4 * 6, 1, 3), 0);
	ck_assert_uint_eq(rd(&t, 4 * 6), 0);
	ck_assert_int_eq(bus_read(t.h.bus, PLIC + 4 * 5, 2, &v), 0);
	ck_assert_uint_eq(v, 0);
	/* beyond the last context is outside the window */
	ck_assert_int_eq(bus_read(t.h.bus, PLIC + plic_size(NCTX), 4, &v), BUS_ERR_UNMAPPED);
	hbus_fini(&t.h);
}
END_TEST

START_TEST(claim_complete)
{
	struct pt t;

	pt_start(&t);
	irq_raise(&t.in[10]);
	ck_assert(pending(&t, 10));
	/* priority 0 never interrupts */
	enable(&t, 1, 10, true);
	ck_assert_int_eq(t.out[1].level, 0);
	ck_assert_uint_eq(claim(&t, 1), 0);
	set_prio(&t, 10, 1);
	ck_assert_int_eq(t.out[1].level, 1);
	ck_assert_int_eq(t.out[0].level, 0); /* not enabled there */
	/* threshold: only priorities above it */
	threshold(&t, 1, 1);
	ck_assert_int_eq(t.out[1].level, 0);
	threshold(&t, 1, 0);
	ck_assert_int_eq(t.out[1].level, 1);
	/* claim */
	ck_assert_uint_eq(claim(&t, 1), 10);
	ck_assert(!pending(&t, 10));
	ck_assert_int_eq(t.out[1].level, 0);
	ck_assert_uint_eq(claim(&t, 1), 0);
	/* the gateway is closed while in service: line toggles are not forwarded */
	irq_lower(&t.in[10]);
	irq_raise(&t.in[10]);
	ck_assert(!pending(&t, 10));
	ck_assert_int_eq(t.out[1].level, 0);
	/* complete with the line still high: pending again */
	complete(&t, 1, 10);
	ck_assert(pending(&t, 10));
	ck_assert_int_eq(t.out[1].level, 1);
	ck_assert_uint_eq(claim(&t, 1), 10);
	/* the device is served: line low, complete, nothing pending */
	irq_lower(&t.in[10]);
	complete(&t, 1, 10);
	ck_assert(!pending(&t, 10));
	ck_assert_int_eq(t.out[1].level, 0);
	/* a line that drops before the claim withdraws the request */
	irq_raise(&t.in[10]);
	ck_assert_int_eq(t.out[1].level, 1);
	irq_lower(&t.in[10]);
	ck_assert_int_eq(t.out[1].level, 0);
	ck_assert_uint_eq(claim(&t, 1), 0);
	hbus_fini(&t.h);
}
END_TEST

START_TEST(priority_order_and_contexts)
{
	struct pt t;

	pt_start(&t);
	set_prio(&t, 3, 2);
	set_prio(&t, 40, 5);
	set_prio(&t, 70, 5);
	for (unsigned c = 0; c < NCTX; c++) {
		enable(&t, c, 3, true);
		enable(&t, c, 40, true);
		enable(&t, c, 70, true);
	}
	irq_raise(&t.in[3]);
	irq_raise(&t.in[70]);
	irq_raise(&t.in[40]);
	for (unsigned c = 0; c < NCTX; c++)
		ck_assert_int_eq(t.out[c].level, 1);
	/* highest priority first, the lower ID on ties */
	ck_assert_uint_eq(claim(&t, 0), 40);
	ck_assert_uint_eq(claim(&t, 2), 70);
	ck_assert_uint_eq(claim(&t, 3), 3);
	for (unsigned c = 0; c < NCTX; c++) {
		ck_assert_int_eq(t.out[c].level, 0);
		ck_assert_uint_eq(claim(&t, c), 0);
	}
	/* a completion for a source not enabled in that context is ignored */
	enable(&t, 1, 40, false);
	complete(&t, 1, 40);
	ck_assert(!pending(&t, 40));
	/* ... but counts from a context that has it enabled */
	complete(&t, 0, 40);
	ck_assert(pending(&t, 40));
	ck_assert_int_eq(t.out[0].level, 1);
	ck_assert_int_eq(t.out[1].level, 0);
	/* out-of-range completions are ignored */
	complete(&t, 0, 0);
	complete(&t, 0, 5000);
	/* bus reset: all registers cleared, outputs low; a still-high line is pending again */
	bus_reset(t.h.bus);
	for (unsigned c = 0; c < NCTX; c++)
		ck_assert_int_eq(t.out[c].level, 0);
	ck_assert_uint_eq(rd(&t, 4 * 40), 0);
	ck_assert_uint_eq(rd(&t, 0x2000 + 4), 0);
	ck_assert(pending(&t, 3));
	hbus_fini(&t.h);
}
END_TEST

START_TEST(bad_construction)
{
	struct hbus h;

	hbus_init(&h);
	ck_assert_ptr_null(plic_new(h.bus, PLIC, 1, 2, NULL));
	ck_assert_ptr_null(plic_new(h.bus, PLIC, 96, 0, NULL));
	ck_assert_ptr_nonnull(plic_new(h.bus, PLIC, 96, 2, NULL));
	/* a second one on top of the first */
	ck_assert_ptr_null(plic_new(h.bus, PLIC + 0x1000, 96, 2, NULL));
	ck_assert_int_eq(errno, EEXIST);
	hbus_fini(&h);
}
END_TEST

static Suite *plic_suite(void)
{
	Suite *s = suite_create("plic");
	TCase *tc = tcase_create("plic");

	tcase_add_test(tc, registers);
	tcase_add_test(tc, claim_complete);
	tcase_add_test(tc, priority_order_and_contexts);
	tcase_add_test(tc, bad_construction);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(plic_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
