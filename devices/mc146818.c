/*
 * The Motorola MC146818 real-time clock and CMOS RAM of PC-style south
 * bridges (PIIX4 on Malta): index port 0x70, data port 0x71. The time of day
 * comes from a wall clock plus an offset that guest writes move (while
 * register B's SET bit is up), in BCD or binary, 12- or 24-hour as register
 * B says. Register A's Update In Progress bit is high for the last 244 us
 * of every second while the divider runs: Linux on Malta measures its CPU
 * clock between two rising edges of it. Periodic, alarm and update
 * interrupts are not modelled (register C reads 0).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/dev.h"
#include "morph/malta.h"

enum {
	RTC_SEC = 0,
	RTC_MIN = 2,
	RTC_HOUR = 4,
	RTC_WDAY = 6,
	RTC_MDAY = 7,
	RTC_MON = 8,
	RTC_YEAR = 9,
	RTC_A = 10,
	RTC_B = 11,
	RTC_C = 12,
	RTC_D = 13,
	RTC_CENTURY = 0x32,
};

#define A_UIP 0x80
#define A_DIV_32K 0x20
#define B_SET 0x80
#define B_DM 0x04 /* binary, not BCD */
#define B_24H 0x02
#define UIP_NS 244000

struct mc146818 {
	uint8_t cmos[128];
	uint8_t index;
	int64_t offset_s; /* guest time = wall clock + offset */
	struct dev_clock wall;
};

static uint8_t to_reg(const struct mc146818 *s, unsigned v)
{
	return s->cmos[RTC_B] & B_DM ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

static unsigned from_reg(const struct mc146818 *s, uint8_t v)
{
	return s->cmos[RTC_B] & B_DM ? v : (v >> 4) * 10 + (v & 15);
}

/* The time registers from the clock (unless the guest is setting them). */
static void rtc_refresh(struct mc146818 *s)
{
	int64_t ns = dev_clock_now(&s->wall);
	time_t t = (time_t)(ns / 1000000000 + s->offset_s);
	struct tm tm;
	unsigned h;

	if (s->cmos[RTC_B] & B_SET)
		return;
	gmtime_r(&t, &tm);
	s->cmos[RTC_SEC] = to_reg(s, (unsigned)tm.tm_sec);
	s->cmos[RTC_MIN] = to_reg(s, (unsigned)tm.tm_min);
	h = (unsigned)tm.tm_hour;
	if (s->cmos[RTC_B] & B_24H)
		s->cmos[RTC_HOUR] = to_reg(s, h);
	else
		s->cmos[RTC_HOUR] =
		    (uint8_t)(to_reg(s, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0));
	s->cmos[RTC_WDAY] = to_reg(s, (unsigned)tm.tm_wday + 1);
	s->cmos[RTC_MDAY] = to_reg(s, (unsigned)tm.tm_mday);
	s->cmos[RTC_MON] = to_reg(s, (unsigned)tm.tm_mon + 1);
	s->cmos[RTC_YEAR] = to_reg(s, (unsigned)tm.tm_year % 100);
	s->cmos[RTC_CENTURY] = to_reg(s, (unsigned)(tm.tm_year + 1900) / 100);
}

/* SET went down: the registers the guest wrote are the time now. */
static void rtc_set_from_regs(struct mc146818 *s)
{
	struct tm tm;
	unsigned h = from_reg(s, s->cmos[RTC_HOUR] & 0x7f);

	memset(&tm, 0, sizeof(tm));
	if (!(s->cmos[RTC_B] & B_24H))
		h = h % 12 + (s->cmos[RTC_HOUR] & 0x80 ? 12 : 0);
	tm.tm_sec = (int)from_reg(s, s->cmos[RTC_SEC]);
	tm.tm_min = (int)from_reg(s, s->cmos[RTC_MIN]);
	tm.tm_hour = (int)h;
	tm.tm_mday = (int)from_reg(s, s->cmos[RTC_MDAY]);
	tm.tm_mon = (int)from_reg(s, s->cmos[RTC_MON]) - 1;
	tm.tm_year = (int)from_reg(s, s->cmos[RTC_YEAR]);
	if (tm.tm_year < 70)
		tm.tm_year += 100;
	s->offset_s = (int64_t)timegm(&tm) - dev_clock_now(&s->wall) / 1000000000;
}

static uint64_t rtc_read(void *opaque, uint64_t off, unsigned size)
{
	struct mc146818 *s = opaque;
	int64_t ns;

	(void)size;
	if (off == 0)
		return 0xff;
	switch (s->index) {
	case RTC_A:
		ns = dev_clock_now(&s->wall) % 1000000000;
		if ((s->cmos[RTC_A] & 0x70) == A_DIV_32K && !(s->cmos[RTC_B] & B_SET) &&
		    ns >= 1000000000 - UIP_NS)
			return s->cmos[RTC_A] | A_UIP;
		return s->cmos[RTC_A] & ~A_UIP;
	case RTC_C:
		return 0;
	case RTC_D:
		return 0x80; /* valid RAM and time */
	default:
		if (s->index < 10 || s->index == RTC_CENTURY)
			rtc_refresh(s);
		return s->cmos[s->index];
	}
}

static void rtc_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct mc146818 *s = opaque;
	uint8_t v = (uint8_t)val;

	(void)size;
	if (off == 0) {
		s->index = v & 0x7f; /* bit 7 masks NMIs */
		return;
	}
	switch (s->index) {
	case RTC_A:
		s->cmos[RTC_A] = v & 0x7f;
		break;
	case RTC_B:
		if ((s->cmos[RTC_B] & B_SET) && !(v & B_SET)) {
			s->cmos[RTC_B] = v;
			rtc_set_from_regs(s);
			break;
		}
		if (!(s->cmos[RTC_B] & B_SET) && (v & B_SET))
			rtc_refresh(s);
		s->cmos[RTC_B] = v;
		break;
	case RTC_C:
	case RTC_D:
		break;
	default:
		s->cmos[s->index] = v;
		break;
	}
}

static const struct bus_ops rtc_ops = {rtc_read, rtc_write};

static void rtc_reset(void *opaque)
{
	struct mc146818 *s = opaque;

	s->cmos[RTC_A] = 0x26; /* 32.768 kHz divider, 1024 Hz periodic rate */
	s->cmos[RTC_B] = B_24H;
}

struct mc146818 *mc146818_new(struct bus *bus, uint64_t io_base, const struct dev_clock *wall)
{
	struct mc146818 *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return dev_fail(-ENOMEM);
	s->wall = *wall;
	rtc_reset(s);
	r = dev_own(bus, s, rtc_reset, free);
	if (!r)
		r = bus_map_io(bus, io_base + 0x70, 2, &rtc_ops, s, "mc146818");
	return r ? dev_fail(r) : s;
}
