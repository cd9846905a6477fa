/*
 * Goldfish RTC (Android emulator hardware, "google,goldfish-rtc"): a 64-bit
 * count of ns since the Unix epoch and one alarm. Time comes from the host
 * wall clock plus an offset that guest writes to TIME_LOW/TIME_HIGH set (as
 * QEMU does; Linux writes HIGH then LOW).
 */
#include <stdlib.h>

#include "morph/devices.h"
#include "dev.h"

enum {
	RTC_TIME_LOW = 0x00,   /* read: low 32 bits of now, latches the high half */
	RTC_TIME_HIGH = 0x04,  /* read: the latched high half */
	RTC_ALARM_LOW = 0x08,  /* write: low half of the alarm; arms it */
	RTC_ALARM_HIGH = 0x0c, /* write: high half of the next alarm */
	RTC_IRQ_ENABLED = 0x10,
	RTC_CLEAR_ALARM = 0x14,
	RTC_ALARM_STATUS = 0x18, /* 1 while an alarm is armed */
	RTC_CLEAR_INTERRUPT = 0x1c,
};

struct goldfish_rtc {
	struct irq_line irq;
	struct ioloop_timer *timer;
	int64_t offset;	    /* guest time = host wall clock + offset */
	struct dev_clock wall; /* now_ns NULL: the host's wall clock */
	uint32_t time_high; /* latched by reading TIME_LOW */
	uint64_t alarm;
	uint32_t alarm_high_next;
	bool alarm_running;
	bool irq_pending;
	bool irq_enabled;
};

static int64_t rtc_wall_ns(const struct goldfish_rtc *r)
{
	return r->wall.now_ns ? dev_clock_now(&r->wall) : host_wall_clock_ns();
}

static uint64_t rtc_now(const struct goldfish_rtc *r)
{
	return (uint64_t)rtc_wall_ns(r) + (uint64_t)r->offset;
}

static void rtc_update_irq(struct goldfish_rtc *r)
{
	irq_set(&r->irq, r->irq_pending && r->irq_enabled);
}

/* Fire the alarm if it is due, else (re)arm the host timer for it. */
static void rtc_check_alarm(struct goldfish_rtc *r)
{
	uint64_t now;

	if (!r->alarm_running) {
		if (r->timer)
			ioloop_timer_del(r->timer);
		return;
	}
	now = rtc_now(r);
	if (now >= r->alarm) {
		r->alarm_running = false;
		r->irq_pending = true;
		if (r->timer)
			ioloop_timer_del(r->timer);
		rtc_update_irq(r);
	} else if (r->timer) {
		uint64_t delta = r->alarm - now;
		int64_t mono = host_clock_ns();

		ioloop_timer_mod(r->timer, delta > (uint64_t)(INT64_MAX - mono)
					       ? INT64_MAX
					       : mono + (int64_t)delta);
	}
}

static void rtc_timer_cb(void *opaque)
{
	rtc_check_alarm(opaque);
}

static uint64_t rtc_read(void *opaque, uint64_t offset, unsigned size)
{
	struct goldfish_rtc *r = opaque;
	uint64_t t;

	if (size != 4 || (offset & 3))
		return 0;
	switch (offset) {
	case RTC_TIME_LOW:
		t = rtc_now(r);
		r->time_high = (uint32_t)(t >> 32);
		rtc_check_alarm(r); /* without a timer, alarms fire when time is read */
		return (uint32_t)t;
	case RTC_TIME_HIGH:
		return r->time_high;
	case RTC_ALARM_LOW:
		return (uint32_t)r->alarm;
	case RTC_ALARM_HIGH:
		return (uint32_t)(r->alarm >> 32);
	case RTC_IRQ_ENABLED:
		return r->irq_enabled;
	case RTC_ALARM_STATUS:
		return r->alarm_running;
	default:
		return 0;
	}
}

static void rtc_set_time(struct goldfish_rtc *r, uint64_t t)
{
	r->offset = (int64_t)(t - (uint64_t)rtc_wall_ns(r));
}

static void rtc_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct goldfish_rtc *r = opaque;
	uint32_t v = (uint32_t)value;
	uint64_t t;

	if (size != 4 || (offset & 3))
		return;
	switch (offset) {
	case RTC_TIME_LOW:
		t = rtc_now(r);
		rtc_set_time(r, (t & ~0xffffffffull) | v);
		rtc_check_alarm(r);
		break;
	case RTC_TIME_HIGH:
		t = rtc_now(r);
		rtc_set_time(r, (t & 0xffffffffull) | (uint64_t)v << 32);
		rtc_check_alarm(r);
		break;
	case RTC_ALARM_LOW:
		r->alarm = (uint64_t)r->alarm_high_next << 32 | v;
		r->alarm_running = true;
		rtc_check_alarm(r);
		break;
	case RTC_ALARM_HIGH:
		r->alarm_high_next = v;
		break;
	case RTC_IRQ_ENABLED:
		r->irq_enabled = v & 1;
		rtc_update_irq(r);
		break;
	case RTC_CLEAR_ALARM:
		r->alarm_running = false;
		rtc_check_alarm(r);
		break;
	case RTC_CLEAR_INTERRUPT:
		r->irq_pending = false;
		rtc_update_irq(r);
		break;
	default:
		break;
	}
}

static const struct bus_ops rtc_ops = {
    .read = rtc_read,
    .write = rtc_write,
};

static void rtc_reset(void *opaque)
{
	struct goldfish_rtc *r = opaque;

	/* the RTC keeps its time across a reset, like a battery-backed clock */
	r->alarm = 0;
	r->alarm_high_next = 0;
	r->alarm_running = false;
	r->irq_pending = false;
	r->irq_enabled = false;
	rtc_check_alarm(r);
	rtc_update_irq(r);
}

static void rtc_free(void *opaque)
{
	struct goldfish_rtc *r = opaque;

	ioloop_timer_free(r->timer);
	free(r);
}

struct goldfish_rtc *goldfish_rtc_new(struct bus *bus, uint64_t base, struct irq_line irq,
				      struct ioloop *loop)
{
	struct goldfish_rtc *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return NULL;
	r->irq = irq;
	if (loop) {
		r->timer = ioloop_timer_new(loop, rtc_timer_cb, r);
		if (!r->timer) {
			free(r);
			return dev_fail(-ENOMEM);
		}
	}
	err = dev_own(bus, r, rtc_reset, rtc_free);
	if (!err)
		err = bus_map_io(bus, base, GOLDFISH_RTC_SIZE, &rtc_ops, r, "goldfish-rtc");
	return err ? dev_fail(err) : r;
}

void goldfish_rtc_set_clock(struct goldfish_rtc *r, const struct dev_clock *wall)
{
	r->wall = *wall;
	if (r->timer) {
		/* host timers cannot follow this clock: alarms fire on reads */
		ioloop_timer_free(r->timer);
		r->timer = NULL;
	}
}
