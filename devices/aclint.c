/*
 * RISC-V ACLINT (spec 1.0-rc4): MSWI (msip per hart) and MTIMER (mtime and
 * mtimecmp per hart), and the SiFive CLINT that is both at fixed offsets.
 *
 * mtime is not a counter we tick: it is computed from the device's clock
 * (ns) as ticks = clock * freq / 1e9 plus an offset that guest writes to
 * mtime adjust. MTIP of a hart is (mtime >= mtimecmp), re-evaluated on every
 * mtimecmp/mtime write and when the earliest deadline passes -- through an
 * ioloop timer, or by the CPU side calling aclint_mtimer_update() (icount).
 * Time reads and deadline queries are lock-free for the CPU thread.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "morph/devices.h"
#include "dev.h"

/* ------------------------------------------------------------------ MSWI */

struct aclint_mswi {
	unsigned nharts;
	struct irq_line *msip;
	uint8_t *bits;
};

static uint64_t mswi_read(void *opaque, uint64_t offset, unsigned size)
{
	struct aclint_mswi *m = opaque;
	uint64_t h = offset / 4;

	if (size != 4 || (offset & 3) || h >= m->nharts)
		return 0; /* reserved: reads zero (ACLINT 3.1) */
	return m->bits[h];
}

static void mswi_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct aclint_mswi *m = opaque;
	uint64_t h = offset / 4;

	if (size != 4 || (offset & 3) || h >= m->nharts)
		return;
	/* only bit 0 is writable; the rest are hardwired to zero */
	m->bits[h] = value & 1;
	irq_set(&m->msip[h], m->bits[h]);
}

static const struct bus_ops mswi_ops = {
    .read = mswi_read,
    .write = mswi_write,
};

static void mswi_reset(void *opaque)
{
	struct aclint_mswi *m = opaque;

	for (unsigned h = 0; h < m->nharts; h++) {
		m->bits[h] = 0;
		irq_lower(&m->msip[h]);
	}
}

static void mswi_free(void *opaque)
{
	struct aclint_mswi *m = opaque;

	free(m->msip);
	free(m->bits);
	free(m);
}

struct aclint_mswi *aclint_mswi_new(struct bus *bus, uint64_t base, unsigned nharts,
				    const struct irq_line *msip)
{
	struct aclint_mswi *m;
	int err;

	if (nharts == 0 || nharts > 4095)
		return dev_fail(-EINVAL);
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->nharts = nharts;
	m->msip = calloc(nharts, sizeof(*m->msip));
	m->bits = calloc(nharts, 1);
	if (!m->msip || !m->bits) {
		mswi_free(m);
		return dev_fail(-ENOMEM);
	}
	if (msip)
		memcpy(m->msip, msip, nharts * sizeof(*msip));
	err = dev_own(bus, m, mswi_reset, mswi_free);
	if (!err)
		err = bus_map_io(bus, base, ACLINT_MSWI_SIZE, &mswi_ops, m, "aclint-mswi");
	return err ? dev_fail(err) : m;
}

/* ---------------------------------------------------------------- MTIMER */

#define MTIME_OFFSET 0x7ff8

struct aclint_mtimer {
	unsigned nharts;
	struct irq_line *mtip;
	int *level;
	uint64_t freq;
	struct dev_clock clock;
	_Atomic uint64_t offset; /* mtime = ticks(clock) + offset (mod 2^64) */
	_Atomic uint64_t *mtimecmp;
	struct ioloop_timer *timer;
	void (*changed)(void *opaque); /* no timer: the CPU side recomputes deadlines */
	void *changed_opaque;
};

static uint64_t mtimer_ticks(const struct aclint_mtimer *mt, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	return (uint64_t)((unsigned __int128)ns * mt->freq / 1000000000u);
}

static uint64_t mtimer_time_at(struct aclint_mtimer *mt, int64_t ns)
{
	return mtimer_ticks(mt, ns) + atomic_load_explicit(&mt->offset, memory_order_acquire);
}

uint64_t aclint_mtimer_time(struct aclint_mtimer *mt)
{
	return mtimer_time_at(mt, dev_clock_now(&mt->clock));
}

uint64_t aclint_mtimer_freq(const struct aclint_mtimer *mt)
{
	return mt->freq;
}

/* The clock time at which mtime reaches @ticks, seen from clock time @now. */
static int64_t mtimer_ns_at(struct aclint_mtimer *mt, uint64_t ticks, int64_t now)
{
	uint64_t cur = mtimer_time_at(mt, now);
	unsigned __int128 raw, ns;

	if (cur >= ticks)
		return now;
	if (ticks == UINT64_MAX)
		return INT64_MAX;
	/* smallest t with floor(t * freq / 1e9) >= raw ticks of the clock */
	raw = (unsigned __int128)mtimer_ticks(mt, now) + (ticks - cur);
	ns = (raw * 1000000000u + mt->freq - 1) / mt->freq;
	return ns > INT64_MAX ? INT64_MAX : (int64_t)ns;
}

int64_t aclint_mtimer_ns_at(struct aclint_mtimer *mt, uint64_t ticks)
{
	return mtimer_ns_at(mt, ticks, dev_clock_now(&mt->clock));
}

static int64_t mtimer_next_deadline(struct aclint_mtimer *mt, int64_t now)
{
	uint64_t cur = mtimer_time_at(mt, now);
	int64_t best = INT64_MAX;

	for (unsigned h = 0; h < mt->nharts; h++) {
		uint64_t cmp = atomic_load_explicit(&mt->mtimecmp[h], memory_order_relaxed);

		if (cur < cmp) {
			int64_t d = mtimer_ns_at(mt, cmp, now);

			if (d < best)
				best = d;
		}
	}
	return best;
}

int64_t aclint_mtimer_next_deadline_ns(struct aclint_mtimer *mt)
{
	return mtimer_next_deadline(mt, dev_clock_now(&mt->clock));
}

void aclint_mtimer_update(struct aclint_mtimer *mt)
{
	int64_t now = dev_clock_now(&mt->clock), next;
	uint64_t cur = mtimer_time_at(mt, now);

	for (unsigned h = 0; h < mt->nharts; h++) {
		int level = cur >= atomic_load_explicit(&mt->mtimecmp[h], memory_order_relaxed);

		if (level != mt->level[h]) {
			mt->level[h] = level;
			irq_set(&mt->mtip[h], level);
		}
	}
	if (!mt->timer) {
		if (mt->changed)
			mt->changed(mt->changed_opaque);
		return;
	}
	next = mtimer_next_deadline(mt, now);
	if (next == INT64_MAX)
		ioloop_timer_del(mt->timer);
	else
		ioloop_timer_mod(mt->timer, next);
}

static void mtimer_timer_cb(void *opaque)
{
	aclint_mtimer_update(opaque);
}

static uint64_t mtimer_read(void *opaque, uint64_t offset, unsigned size)
{
	struct aclint_mtimer *mt = opaque;
	unsigned off = offset & 7;

	if ((size != 4 && size != 8) || (offset & (size - 1)))
		return 0;
	if (offset >= MTIME_OFFSET)
		return dev_reg_read(aclint_mtimer_time(mt), off, size);
	if (offset / 8 < mt->nharts)
		return dev_reg_read(atomic_load(&mt->mtimecmp[offset / 8]), off, size);
	return 0;
}

static void mtimer_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct aclint_mtimer *mt = opaque;
	unsigned off = offset & 7;

	if ((size != 4 && size != 8) || (offset & (size - 1)))
		return;
	if (offset >= MTIME_OFFSET) {
		int64_t now = dev_clock_now(&mt->clock);
		uint64_t t = dev_reg_write(mtimer_time_at(mt, now), off, size, value);

		atomic_store_explicit(&mt->offset, t - mtimer_ticks(mt, now), memory_order_release);
	} else if (offset / 8 < mt->nharts) {
		_Atomic uint64_t *cmp = &mt->mtimecmp[offset / 8];

		atomic_store(cmp, dev_reg_write(atomic_load(cmp), off, size, value));
	} else {
		return;
	}
	aclint_mtimer_update(mt);
}

static const struct bus_ops mtimer_ops = {
    .read = mtimer_read,
    .write = mtimer_write,
};

static void mtimer_reset(void *opaque)
{
	struct aclint_mtimer *mt = opaque;

	for (unsigned h = 0; h < mt->nharts; h++)
		atomic_store(&mt->mtimecmp[h], UINT64_MAX);
	aclint_mtimer_update(mt);
}

static void mtimer_free(void *opaque)
{
	struct aclint_mtimer *mt = opaque;

	ioloop_timer_free(mt->timer);
	free(mt->mtip);
	free(mt->level);
	free((void *)mt->mtimecmp);
	free(mt);
}

struct aclint_mtimer *aclint_mtimer_new(struct bus *bus, uint64_t base, unsigned nharts,
					const struct irq_line *mtip,
					const struct aclint_mtimer_config *cfg)
{
	struct aclint_mtimer *mt;
	int err;

	if (nharts == 0 || nharts > 4095)
		return dev_fail(-EINVAL);
	mt = calloc(1, sizeof(*mt));
	if (!mt)
		return NULL;
	mt->nharts = nharts;
	mt->freq = cfg && cfg->freq_hz ? cfg->freq_hz : ACLINT_DEFAULT_FREQ_HZ;
	mt->clock = cfg && cfg->clock ? *cfg->clock : dev_clock_host;
	mt->mtip = calloc(nharts, sizeof(*mt->mtip));
	mt->level = calloc(nharts, sizeof(*mt->level));
	mt->mtimecmp = calloc(nharts, sizeof(*mt->mtimecmp));
	if (cfg && cfg->loop)
		mt->timer = ioloop_timer_new(cfg->loop, mtimer_timer_cb, mt);
	if (cfg) {
		mt->changed = cfg->deadline_changed;
		mt->changed_opaque = cfg->deadline_opaque;
	}
	if (!mt->mtip || !mt->level || !mt->mtimecmp || (cfg && cfg->loop && !mt->timer)) {
		mtimer_free(mt);
		return dev_fail(-ENOMEM);
	}
	if (mtip)
		memcpy(mt->mtip, mtip, nharts * sizeof(*mtip));
	/* mtime starts at 0 */
	atomic_store(&mt->offset, -mtimer_ticks(mt, dev_clock_now(&mt->clock)));
	for (unsigned h = 0; h < nharts; h++)
		atomic_store(&mt->mtimecmp[h], UINT64_MAX);
	err = dev_own(bus, mt, mtimer_reset, mtimer_free);
	if (!err)
		err = bus_map_io(bus, base, ACLINT_MTIMER_SIZE, &mtimer_ops, mt, "aclint-mtimer");
	return err ? dev_fail(err) : mt;
}

int clint_new(struct clint *out, struct bus *bus, uint64_t base, unsigned nharts,
	      const struct irq_line *msip, const struct irq_line *mtip,
	      const struct aclint_mtimer_config *cfg)
{
	out->mswi = aclint_mswi_new(bus, base, nharts, msip);
	if (!out->mswi)
		return -errno;
	out->mtimer = aclint_mtimer_new(bus, base + ACLINT_MSWI_SIZE, nharts, mtip, cfg);
	if (!out->mtimer)
		return -errno;
	return 0;
}
