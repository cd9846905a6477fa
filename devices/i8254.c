/*
 * The Intel 8254 programmable interval timer as far as Linux on Malta needs
 * it: the kernel programs it (clockevent setup, then shutdown in favour of
 * the CP0 timer) and may read counters back. Three counters count down at
 * 1.193182 MHz from their reload value; reads latch or return the current
 * count in the access mode of the control word. No output interrupts.
 */
#include <stdlib.h>

#include "devices/dev.h"
#include "morph/malta.h"

#define PIT_HZ 1193182ull

struct pit_counter {
	uint16_t reload;
	uint16_t latch;
	bool latched;
	bool msb_next; /* lobyte/hibyte access: the next byte is the high one */
	uint8_t rw;    /* access mode: 1 lsb, 2 msb, 3 lsb then msb */
	int64_t start; /* clock ns when the count was loaded */
};

struct i8254 {
	struct pit_counter c[3];
	struct dev_clock clock;
};

static uint16_t count_now(struct i8254 *s, struct pit_counter *c)
{
	uint64_t ticks = (uint64_t)(dev_clock_now(&s->clock) - c->start) * PIT_HZ / 1000000000ull;
	uint32_t period = c->reload ? c->reload : 0x10000;

	return (uint16_t)(period - ticks % period);
}

static uint64_t pit_read(void *opaque, uint64_t off, unsigned size)
{
	struct i8254 *s = opaque;
	struct pit_counter *c;
	uint16_t v;
	uint8_t b;

	(void)size;
	if (off == 3)
		return 0xff;
	c = &s->c[off];
	v = c->latched ? c->latch : count_now(s, c);
	if (c->rw == 2 || (c->rw == 3 && c->msb_next)) {
		b = (uint8_t)(v >> 8);
		c->latched = false;
	} else {
		b = (uint8_t)v;
		if (c->rw != 3)
			c->latched = false;
	}
	if (c->rw == 3)
		c->msb_next = !c->msb_next;
	return b;
}

static void pit_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct i8254 *s = opaque;
	struct pit_counter *c;

	(void)size;
	if (off == 3) {
		unsigned sel = (val >> 6) & 3;
		if (sel == 3)
			return; /* read-back: not modelled */
		c = &s->c[sel];
		if (((val >> 4) & 3) == 0) { /* counter latch */
			c->latch = count_now(s, c);
			c->latched = true;
			return;
		}
		c->rw = (val >> 4) & 3;
		c->msb_next = false;
		return;
	}
	c = &s->c[off];
	if (c->rw == 2 || (c->rw == 3 && c->msb_next))
		c->reload = (uint16_t)((c->reload & 0xff) | (val & 0xff) << 8);
	else
		c->reload = (uint16_t)((c->reload & 0xff00) | (val & 0xff));
	if (c->rw == 3)
		c->msb_next = !c->msb_next;
	c->start = dev_clock_now(&s->clock);
}

static const struct bus_ops pit_ops = {pit_read, pit_write};

static void pit_reset(void *opaque)
{
	struct i8254 *s = opaque;

	for (int i = 0; i < 3; i++)
		s->c[i] = (struct pit_counter){.rw = 3, .start = dev_clock_now(&s->clock)};
}

void *i8254_new(struct bus *bus, uint64_t io_base, const struct dev_clock *clock)
{
	struct i8254 *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return dev_fail(-ENOMEM);
	s->clock = *clock;
	pit_reset(s);
	r = dev_own(bus, s, pit_reset, free);
	if (!r)
		r = bus_map_io(bus, io_base + 0x40, 4, &pit_ops, s, "i8254");
	return r ? dev_fail(r) : s;
}
