/*
 * Time and power devices: ACLINT MSWI/MTIMER (and the SiFive CLINT layout)
 * on a fake clock -- mtime scaling, 32/64-bit accesses, MTIP levels and the
 * next-deadline query -- and on the host clock with an I/O loop that raises
 * MTIP on time by itself; the goldfish RTC (wall clock, set time, alarm);
 * the sifive_test poweroff/reboot device.
 */
#include <stdatomic.h>
#include <time.h>

#include "test-devices-harness.h"

#define CLINT 0x02000000ull
#define MTIMER (CLINT + 0x4000)
#define MTIME (CLINT + 0xbff8)

static int64_t fake_ns;

static int64_t fake_now(void *opaque)
{
	(void)opaque;
	return fake_ns;
}

static const struct dev_clock fake_clock = {fake_now, NULL};

struct ct {
	struct hbus h;
	struct clint c;
	struct probe msip[2], mtip[2];
};

static void ct_start(struct ct *t, const struct aclint_mtimer_config *cfg)
{
	struct irq_line ms[2], mt[2];

	memset(t, 0, sizeof(*t));
	hbus_init(&t->h);
	for (int i = 0; i < 2; i++) {
		ms[i] = probe_line(t->msip, i);
		mt[i] = probe_line(t->mtip, i);
	}
	ck_assert_int_eq(clint_new(&t->c, t->h.bus, CLINT, 2, ms, mt, cfg), 0);
}

static uint64_t rd64(struct ct *t, uint64_t a)
{
	uint64_t v;

	ck_assert_int_eq(bus_read(t->h.bus, a, 8, &v), 0);
	return v;
}

START_TEST(mswi)
{
	struct ct t;

	ct_start(&t, &(struct aclint_mtimer_config){.clock = &fake_clock});
	hwr(&t.h, CLINT + 4, 4, 0xffffffff);
	ck_assert_uint_eq(hrd(&t.h, CLINT + 4, 4), 1); /* only bit 0 */
	ck_assert_int_eq(t.msip[1].level, 1);
	ck_assert_int_eq(t.msip[0].level, 0);
	hwr(&t.h, CLINT + 4, 4, 0);
	ck_assert_int_eq(t.msip[1].level, 0);
	/* harts that do not exist read zero and ignore writes */
	hwr(&t.h, CLINT + 8, 4, 1);
	ck_assert_uint_eq(hrd(&t.h, CLINT + 8, 4), 0);
	hwr(&t.h, CLINT, 4, 1);
	bus_reset(t.h.bus);
	ck_assert_int_eq(t.msip[0].level, 0);
	ck_assert_uint_eq(hrd(&t.h, CLINT, 4), 0);
	hbus_fini(&t.h);
}
END_TEST

START_TEST(mtime_scaling)
{
	struct ct t;

	fake_ns = 5000000000; /* the clock is not at 0 when the machine starts */
	ct_start(&t, &(struct aclint_mtimer_config){.clock = &fake_clock});
	ck_assert_uint_eq(rd64(&t, MTIME), 0);
	fake_ns += 1000; /* 1 us = 10 ticks at 10 MHz */
	ck_assert_uint_eq(rd64(&t, MTIME), 10);
	ck_assert_uint_eq(aclint_mtimer_time(t.c.mtimer), 10);
	fake_ns += 99; /* not yet a whole tick more */
	ck_assert_uint_eq(rd64(&t, MTIME), 10);
	fake_ns += 1;
	ck_assert_uint_eq(rd64(&t, MTIME), 11);
	/* 32-bit halves */
	ck_assert_uint_eq(hrd(&t.h, MTIME, 4), 11);
	ck_assert_uint_eq(hrd(&t.h, MTIME + 4, 4), 0);
	/* writes move mtime, which keeps counting from there */
	hwr(&t.h, MTIME, 8, 0x100000000ull);
	ck_assert_uint_eq(rd64(&t, MTIME), 0x100000000ull);
	hwr(&t.h, MTIME, 4, 0x20);
	ck_assert_uint_eq(rd64(&t, MTIME), 0x100000020ull);
	fake_ns += 100000000; /* 100 ms */
	ck_assert_uint_eq(rd64(&t, MTIME), 0x100000020ull + 1000000);
	ck_assert_uint_eq(aclint_mtimer_freq(t.c.mtimer), 10000000);
	hbus_fini(&t.h);
}
END_TEST

START_TEST(mtimecmp_deadlines)
{
	struct ct t;
	int64_t t0 = fake_ns = 1000;

	ct_start(&t, &(struct aclint_mtimer_config){.clock = &fake_clock});
	/* mtimecmp starts at ~0: no interrupt, no deadline */
	ck_assert_uint_eq(rd64(&t, MTIMER), UINT64_MAX);
	ck_assert_int_eq(t.mtip[0].level, 0);
	ck_assert_int_eq(aclint_mtimer_next_deadline_ns(t.c.mtimer), INT64_MAX);
	ck_assert_int_eq(aclint_mtimer_ns_at(t.c.mtimer, UINT64_MAX), INT64_MAX);
	/* hart 0 at 100 ticks = 10 us */
	hwr(&t.h, MTIMER, 8, 100);
	ck_assert_int_eq(t.mtip[0].level, 0);
	ck_assert_int_eq(aclint_mtimer_next_deadline_ns(t.c.mtimer), t0 + 10000);
	fake_ns = t0 + 9999;
	bus_lock(t.h.bus);
	aclint_mtimer_update(t.c.mtimer);
	bus_unlock(t.h.bus);
	ck_assert_int_eq(t.mtip[0].level, 0);
	fake_ns = t0 + 10000;
	bus_lock(t.h.bus);
	aclint_mtimer_update(t.c.mtimer);
	bus_unlock(t.h.bus);
	ck_assert_int_eq(t.mtip[0].level, 1);
	ck_assert_int_eq(t.mtip[1].level, 0);
	ck_assert_int_eq(aclint_mtimer_next_deadline_ns(t.c.mtimer), INT64_MAX);
	/* rewriting mtimecmp into the future lowers MTIP at once */
	hwr(&t.h, MTIMER, 8, 300);
	ck_assert_int_eq(t.mtip[0].level, 0);
	/* hart 1, written in 32-bit halves the RV32 way (high = ~0 first) */
	hwr(&t.h, MTIMER + 8 + 4, 4, 0xffffffff);
	hwr(&t.h, MTIMER + 8, 4, 200);
	ck_assert_int_eq(t.mtip[1].level, 0);
	hwr(&t.h, MTIMER + 8 + 4, 4, 0);
	ck_assert_uint_eq(rd64(&t, MTIMER + 8), 200);
	ck_assert_int_eq(aclint_mtimer_next_deadline_ns(t.c.mtimer), t0 + 20000);
	/* a compare value already passed fires immediately */
	hwr(&t.h, MTIMER + 8, 8, 50);
	ck_assert_int_eq(t.mtip[1].level, 1);
	ck_assert_int_eq(aclint_mtimer_next_deadline_ns(t.c.mtimer), t0 + 30000);
	/* moving mtime forward raises MTIP too */
	hwr(&t.h, MTIME, 8, 1000);
	ck_assert_int_eq(t.mtip[0].level, 1);
	ck_assert_int_eq(aclint_mtimer_next_deadline_ns(t.c.mtimer), INT64_MAX);
	/* ns_at rounds up: mtime reaches 1001 at the first ns where floor(ns * f / 1e9) does */
	int64_t d = aclint_mtimer_ns_at(t.c.mtimer, 1001);

	fake_ns = d - 1;
	ck_assert_uint_eq(aclint_mtimer_time(t.c.mtimer), 1000);
	fake_ns = d;
	ck_assert_uint_eq(aclint_mtimer_time(t.c.mtimer), 1001);
	/* reset: compares back to ~0, MTIP low */
	bus_reset(t.h.bus);
	ck_assert_int_eq(t.mtip[0].level, 0);
	ck_assert_int_eq(t.mtip[1].level, 0);
	hbus_fini(&t.h);
}
END_TEST

START_TEST(mtimer_other_freq)
{
	struct ct t;

	fake_ns = 0;
	ct_start(&t, &(struct aclint_mtimer_config){.clock = &fake_clock, .freq_hz = 1000000});
	fake_ns = 3000;
	ck_assert_uint_eq(aclint_mtimer_time(t.c.mtimer), 3);
	/* far in the future: no overflow in the ns conversion */
	ck_assert_int_eq(aclint_mtimer_ns_at(t.c.mtimer, 1ull << 62), INT64_MAX);
	ck_assert_int_eq(aclint_mtimer_ns_at(t.c.mtimer, 1000000000ull), 1000000000000ll);
	hbus_fini(&t.h);
}
END_TEST

/* MTIP arriving from the I/O thread: the line is flipped with the bus lock held. */
static atomic_int host_mtip;

static void host_mtip_set(void *opaque, int n, int level)
{
	(void)opaque;
	(void)n;
	atomic_store(&host_mtip, level);
}

START_TEST(mtimer_ioloop_timer)
{
	struct hbus h;
	struct aclint_mtimer *mt;
	struct ioloop *loop;
	struct irq_line line = irq_line_make(host_mtip_set, NULL, 0);
	int64_t start, waited;

	hbus_init(&h);
	loop = ioloop_new(bus_mutex(h.bus));
	ck_assert_ptr_nonnull(loop);
	mt = aclint_mtimer_new(h.bus, MTIMER, 1, &line,
			       &(struct aclint_mtimer_config){.loop = loop});
	ck_assert_ptr_nonnull(mt);
	ck_assert_int_eq(ioloop_start(loop), 0);
	start = host_clock_ns();
	/* 20 ms from now, written by "the CPU thread" */
	hwr(&h, MTIMER, 8, aclint_mtimer_time(mt) + 200000);
	ck_assert_int_eq(atomic_load(&host_mtip), 0);
	while (!atomic_load(&host_mtip) && host_clock_ns() - start < 2000000000)
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	waited = host_clock_ns() - start;
	ck_assert_int_eq(atomic_load(&host_mtip), 1);
	ck_assert_int_ge(waited, 20000000);
	ck_assert_int_lt(waited, 1000000000);
	/* the deadline moved out again: MTIP drops, re-arms */
	hwr(&h, MTIMER, 8, aclint_mtimer_time(mt) + 100000);
	ck_assert_int_eq(atomic_load(&host_mtip), 0);
	start = host_clock_ns();
	while (!atomic_load(&host_mtip) && host_clock_ns() - start < 2000000000)
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	ck_assert_int_eq(atomic_load(&host_mtip), 1);
	ioloop_stop(loop);
	hbus_fini(&h);
	ioloop_free(loop);
}
END_TEST

/* ------------------------------------------------------------ goldfish RTC */

#define RTC 0x101000ull

START_TEST(rtc_time)
{
	struct hbus h;
	struct probe irq = {0};
	uint64_t t, now;

	hbus_init(&h);
	ck_assert_ptr_nonnull(goldfish_rtc_new(h.bus, RTC, probe_line(&irq, 0), NULL));
	now = (uint64_t)host_wall_clock_ns();
	t = hrd(&h, RTC + 0x00, 4);
	t |= (uint64_t)hrd(&h, RTC + 0x04, 4) << 32;
	ck_assert_uint_ge(t, now);
	ck_assert_uint_lt(t - now, 1000000000ull);
	/* set the time: Linux writes TIME_HIGH then TIME_LOW */
	uint64_t want = 1000000000ull * 86400 * 365 * 40 + 12345;

	hwr(&h, RTC + 0x04, 4, want >> 32);
	hwr(&h, RTC + 0x00, 4, (uint32_t)want);
	t = hrd(&h, RTC + 0x00, 4);
	t |= (uint64_t)hrd(&h, RTC + 0x04, 4) << 32;
	ck_assert_uint_ge(t, want);
	ck_assert_uint_lt(t - want, 1000000000ull);
	/* without an I/O loop, a past alarm fires when time is read */
	hwr(&h, RTC + 0x10, 4, 1); /* IRQ_ENABLED */
	hwr(&h, RTC + 0x0c, 4, 0);
	hwr(&h, RTC + 0x08, 4, 1);
	hrd(&h, RTC + 0x00, 4);
	ck_assert_int_eq(irq.level, 1);
	ck_assert_uint_eq(hrd(&h, RTC + 0x18, 4), 0); /* no longer armed */
	hwr(&h, RTC + 0x1c, 4, 1);		      /* CLEAR_INTERRUPT */
	ck_assert_int_eq(irq.level, 0);
	hbus_fini(&h);
}
END_TEST

static atomic_int rtc_level;

static void rtc_set(void *opaque, int n, int level)
{
	(void)opaque;
	(void)n;
	atomic_store(&rtc_level, level);
}

START_TEST(rtc_alarm)
{
	struct hbus h;
	struct ioloop *loop;
	uint64_t t, alarm;
	int64_t start;

	hbus_init(&h);
	loop = ioloop_new(bus_mutex(h.bus));
	ck_assert_ptr_nonnull(goldfish_rtc_new(h.bus, RTC, irq_line_make(rtc_set, NULL, 0), loop));
	ck_assert_int_eq(ioloop_start(loop), 0);
	start = host_clock_ns(); /* before reading the time the alarm is relative to */
	t = hrd(&h, RTC + 0x00, 4);
	t |= (uint64_t)hrd(&h, RTC + 0x04, 4) << 32;
	alarm = t + 30000000; /* 30 ms */
	hwr(&h, RTC + 0x10, 4, 1);
	hwr(&h, RTC + 0x0c, 4, alarm >> 32);
	hwr(&h, RTC + 0x08, 4, (uint32_t)alarm);
	ck_assert_uint_eq(hrd(&h, RTC + 0x18, 4), 1);
	while (!atomic_load(&rtc_level) && host_clock_ns() - start < 2000000000)
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	ck_assert_int_eq(atomic_load(&rtc_level), 1);
	ck_assert_int_ge(host_clock_ns() - start, 25000000);
	ck_assert_uint_eq(hrd(&h, RTC + 0x18, 4), 0);
	/* an alarm cleared before it fires never fires */
	hwr(&h, RTC + 0x1c, 4, 1);
	ck_assert_int_eq(atomic_load(&rtc_level), 0);
	alarm += 20000000;
	hwr(&h, RTC + 0x0c, 4, alarm >> 32);
	hwr(&h, RTC + 0x08, 4, (uint32_t)alarm);
	hwr(&h, RTC + 0x14, 4, 1); /* CLEAR_ALARM */
	nanosleep(&(struct timespec){0, 60000000}, NULL);
	ck_assert_int_eq(atomic_load(&rtc_level), 0);
	ioloop_stop(loop);
	hbus_fini(&h);
	ioloop_free(loop);
}
END_TEST

/* ------------------------------------------------------------ sifive_test */

struct power_log {
	int calls;
	enum sifive_test_action what;
	unsigned code;
};

static void on_power(void *opaque, enum sifive_test_action what, unsigned code)
{
	struct power_log *l = opaque;

	l->calls++;
	l->what = what;
	l->code = code;
}

START_TEST(sifive_test_device)
{
	struct hbus h;
	struct power_log log = {0};

	hbus_init(&h);
	ck_assert_ptr_nonnull(sifive_test_new(h.bus, 0x100000, on_power, &log));
	ck_assert_uint_eq(hrd(&h, 0x100000, 4), 0);
	hwr(&h, 0x100000, 4, 0x1234); /* unknown: ignored */
	hwr(&h, 0x100004, 4, 0x5555); /* wrong offset: ignored */
	ck_assert_int_eq(log.calls, 0);
	hwr(&h, 0x100000, 4, 0x5555);
	ck_assert_int_eq(log.calls, 1);
	ck_assert_int_eq(log.what, SIFIVE_TEST_PASS);
	hwr(&h, 0x100000, 4, 0x7777);
	ck_assert_int_eq(log.what, SIFIVE_TEST_RESET);
	hwr(&h, 0x100000, 4, 0x3333 | 42 << 16);
	ck_assert_int_eq(log.what, SIFIVE_TEST_FAIL);
	ck_assert_uint_eq(log.code, 42);
	ck_assert_int_eq(log.calls, 3);
	hbus_fini(&h);
}
END_TEST

static Suite *timers_suite(void)
{
	Suite *s = suite_create("timers");
	TCase *tc = tcase_create("aclint");

	tcase_add_test(tc, mswi);
	tcase_add_test(tc, mtime_scaling);
	tcase_add_test(tc, mtimecmp_deadlines);
	tcase_add_test(tc, mtimer_other_freq);
	tcase_add_test(tc, mtimer_ioloop_timer);
	suite_add_tcase(s, tc);
	tc = tcase_create("rtc");
	tcase_add_test(tc, rtc_time);
	tcase_add_test(tc, rtc_alarm);
	tcase_add_test(tc, sifive_test_device);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(timers_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
