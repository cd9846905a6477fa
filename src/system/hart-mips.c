/*
 * MIPS harts for the machines: the frontend's system-mode interface
 * (frontends/mips/mips-hart.h) bound to the machine's I/O loop and wait
 * sleep. The CP0 Count/Compare deadline runs as one I/O loop timer per hart
 * that kicks the hart when it passes; the hart evaluates Cause.TI itself.
 *
 * Under --icount no host timer is involved: guest time is the hart's
 * instruction count, the deadline is checked at TB boundaries
 * (exec_set_icount_timer()) and wait skips ahead to it.
 */
#include <stdlib.h>

#include "frontends/mips/mips-hart.h"
#include "morph/exec.h"
#include "morph/frontend.h"
#include "morph/hostdev.h"
#include "morph/machine.h"
#include "src/system/system.h"

/* The machine's services to its harts (struct mips_platform), one per machine. */
struct sys_mips_platform {
	struct mips_platform plat;
	struct machine *m;
	struct ioloop_timer *timer[MACHINE_MAX_HARTS];
};

static void sys_mips_timer_fire(void *opaque)
{
	struct machine_hart *h = opaque;

	mips_hart_timer_expired(h->cpu);
}

/* Compare was written (hart thread, bus lock not held). */
static void sys_mips_set_timer(void *opaque, struct cpu *cpu, int64_t deadline_ns)
{
	struct sys_mips_platform *p = opaque;
	struct machine_hart *h = cpu->opaque;
	struct ioloop_timer *t = h ? p->timer[h->id] : NULL;

	if (exec_icount_enabled()) {
		cpu->icount_deadline = 0; /* sys_mips_icount_timer() at the next TB */
		return;
	}
	if (!t)
		return;
	bus_lock(p->m->bus);
	if (deadline_ns == INT64_MAX)
		ioloop_timer_del(t);
	else
		ioloop_timer_mod(t, deadline_ns);
	bus_unlock(p->m->bus);
}

/* --icount: fire the timer when due and set the hart's next deadline (its thread). */
static void sys_mips_icount_timer(struct cpu *cpu)
{
	int64_t d = mips_hart_timer_deadline_ns(cpu);

	if (d != INT64_MAX && cpu->icount >= (uint64_t)d) {
		mips_hart_timer_expired(cpu);
		cpu->icount_deadline = cpu->icount + 1; /* look again once Cause.TI is taken */
		return;
	}
	cpu->icount_deadline = d == INT64_MAX ? UINT64_MAX : (uint64_t)d;
}

static int mips_sys_hart_create(struct machine *m, struct machine_hart *h)
{
	struct sys_mips_platform *p = m->hart_priv;

	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return machine_error(m, "out of memory");
		p->m = m;
		p->plat.set_timer = sys_mips_set_timer;
		p->plat.opaque = p;
		m->hart_priv = p;
		exec_set_wakeup(machine_hart_wakeup);
		if (exec_icount_enabled())
			exec_set_icount_timer(sys_mips_icount_timer);
	}
	p->timer[h->id] = ioloop_timer_new(m->loop, sys_mips_timer_fire, h);
	if (!p->timer[h->id])
		return machine_error(m, "out of memory");
	h->cpu = cpu_new();
	h->cpu->opaque = h;
	h->cpu->icount_deadline = 0;
	h->cpu->cpu_index = (int)h->id;
	mips_hart_init(h->cpu, m->bus, h->id, &p->plat);
	return 0;
}

static void mips_sys_hart_reset(struct machine *m, struct machine_hart *h)
{
	(void)m;
	mips_hart_reset(h->cpu, 0xbfc00000u, false); /* cancels the timer */
}

static void mips_sys_hart_destroy(struct machine *m, struct machine_hart *h)
{
	struct sys_mips_platform *p = m->hart_priv;

	/* the I/O loop has stopped: its timers may go without the lock */
	if (p && p->timer[h->id]) {
		ioloop_timer_free(p->timer[h->id]);
		p->timer[h->id] = NULL;
	}
	if (h->cpu)
		cpu_free(h->cpu);
	h->cpu = NULL;
}

static void mips_sys_harts_fini(struct machine *m)
{
	free(m->hart_priv);
	m->hart_priv = NULL;
}

static bool mips_sys_hart_has_work(struct machine_hart *h)
{
	return h->cpu->arch->cpu_has_work(h->cpu);
}

static int64_t mips_sys_hart_deadline_ns(struct machine_hart *h)
{
	/* the Count/Compare timer of the I/O loop wakes the hart */
	(void)h;
	return INT64_MAX;
}

static bool mips_sys_hart_icount_warp(struct machine_hart *h)
{
	struct cpu *cpu = h->cpu;
	int64_t d;

	if (!exec_icount_enabled())
		return false;
	if (mips_sys_hart_has_work(h))
		return true;
	d = mips_hart_timer_deadline_ns(cpu);
	if (d == INT64_MAX)
		return false; /* only a device can wake it */
	/* nothing runs until the timer: its time comes at once */
	if ((uint64_t)d > cpu->icount)
		cpu->icount = (uint64_t)d;
	cpu->icount_deadline = 0;
	return true;
}

static int mips_sys_hart_exception(struct machine_hart *h, int excp)
{
	/* the exec loop enters the guest's handlers itself: what comes here is fatal */
	(void)h;
	(void)excp;
	return -1;
}

const struct sys_hart_ops sys_hart_mips_ops = {
    .create = mips_sys_hart_create,
    .reset = mips_sys_hart_reset,
    .destroy = mips_sys_hart_destroy,
    .fini = mips_sys_harts_fini,
    .has_work = mips_sys_hart_has_work,
    .deadline_ns = mips_sys_hart_deadline_ns,
    .icount_warp = mips_sys_hart_icount_warp,
    .exception = mips_sys_hart_exception,
};
