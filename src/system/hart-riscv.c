/*
 * RISC-V harts for the machines: the frontend's system-mode interface
 * (frontends/riscv/rv-hart.h) bound to the board's timer and to the
 * machine's wfi sleep. The time CSR reads the board's ACLINT mtime; Sstc
 * deadlines (stimecmp) run as I/O loop timers, one per hart, that call back
 * into the hart when they pass.
 *
 * Under --icount no host timer is involved: guest time is the hart's icount
 * (exec_clock_ns()), the ACLINT has no I/O loop, and the hart itself fires
 * what is due (sys_rv_icount_timer(), exec_set_icount_timer()) at TB
 * boundaries fixed by the instruction count; wfi skips ahead to the next
 * deadline. With one hart, two runs then see interrupts at the same
 * instructions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontends/riscv/rv-cpu.h"
#include "frontends/riscv/rv-hart.h"
#include "morph/devices.h"
#include "morph/exec.h"
#include "morph/hostdev.h"
#include "morph/machine.h"
#include "morph/softmmu.h"
#include "src/system/system.h"

/* The machine's services to its harts (struct rv_platform), one per machine. */
struct sys_rv_platform {
	struct rv_platform plat;
	struct machine *m;
	struct aclint_mtimer *mt; /* NULL until the board created it */
	struct ioloop_timer *sstc[MACHINE_MAX_HARTS];
	uint64_t sstc_ticks[MACHINE_MAX_HARTS]; /* --icount: stimecmp to fire (~0: none) */
};

static uint64_t sys_rv_time(void *opaque)
{
	struct sys_rv_platform *p = opaque;

	if (p->mt)
		return aclint_mtimer_time(p->mt);
	return (uint64_t)host_clock_ns() / (1000000000ull / ACLINT_DEFAULT_FREQ_HZ);
}

static void sys_rv_sstc_fire(void *opaque)
{
	struct machine_hart *h = opaque;

	rv_hart_timer_expired(h->cpu);
}

/* Sstc: stimecmp changed (hart thread, bus lock not held). */
static void sys_rv_set_timer(void *opaque, struct cpu *cpu, uint64_t ticks)
{
	struct sys_rv_platform *p = opaque;
	struct machine_hart *h = cpu->opaque;
	struct ioloop_timer *t = p->sstc[h->id];

	if (exec_icount_enabled()) {
		p->sstc_ticks[h->id] = ticks;
		cpu->icount_deadline = 0; /* sys_rv_icount_timer() at the next TB */
		return;
	}
	if (ticks != UINT64_MAX && sys_rv_time(p) >= ticks) {
		/* already due: no round trip through the I/O thread */
		bus_lock(p->m->bus);
		if (t)
			ioloop_timer_del(t);
		bus_unlock(p->m->bus);
		rv_hart_timer_expired(cpu);
		return;
	}
	bus_lock(p->m->bus);
	if (t) {
		if (ticks == UINT64_MAX || !p->mt)
			ioloop_timer_del(t);
		else
			ioloop_timer_mod(t, aclint_mtimer_ns_at(p->mt, ticks));
	}
	bus_unlock(p->m->bus);
}

static struct sys_rv_platform *sys_rv_plat(struct machine *m)
{
	return m->hart_priv;
}

/* ---- --icount ---- */

/* Fire the timers that are due for @cpu and set its next deadline (its thread). */
static void sys_rv_icount_timer(struct cpu *cpu)
{
	struct machine_hart *h = cpu->opaque;
	struct sys_rv_platform *p = sys_rv_plat(h->m);
	uint64_t *sstc = &p->sstc_ticks[h->id];
	int64_t next = INT64_MAX;

	if (p->mt) {
		bus_lock(h->m->bus);
		aclint_mtimer_update(p->mt); /* MTIP of every hart */
		next = aclint_mtimer_next_deadline_ns(p->mt);
		bus_unlock(h->m->bus);
	}
	if (*sstc != UINT64_MAX && sys_rv_time(p) >= *sstc) {
		*sstc = UINT64_MAX;
		rv_hart_timer_expired(cpu);
	}
	if (*sstc != UINT64_MAX && p->mt) {
		int64_t d = aclint_mtimer_ns_at(p->mt, *sstc);

		if (d < next)
			next = d;
	}
	/* deadlines are in the clock's ns, which under --icount are instructions */
	if (next == INT64_MAX)
		cpu->icount_deadline = UINT64_MAX;
	else
		cpu->icount_deadline = (uint64_t)next > cpu->icount ? (uint64_t)next
								    : cpu->icount + 1;
}

/* The ACLINT's mtimecmp/mtime changed: every hart looks again. */
static void sys_rv_deadlines_changed(void *opaque)
{
	struct machine *m = opaque;

	for (unsigned i = 0; i < m->nharts; i++)
		if (m->harts[i].cpu)
			__atomic_store_n(&m->harts[i].cpu->icount_deadline, 0, __ATOMIC_RELAXED);
}

/* Guest time under --icount: the running hart's instructions (hart 0's outside a hart). */
static int64_t sys_icount_clock(void *opaque, int clock)
{
	struct machine *m = opaque;
	struct cpu *cpu = current_cpu;

	if (!cpu && m->nharts)
		cpu = m->harts[0].cpu;
	return exec_clock_ns(cpu, clock);
}

int64_t sys_icount_mono(void *opaque)
{
	return sys_icount_clock(opaque, CLOCK_MONOTONIC);
}

int64_t sys_icount_wall(void *opaque)
{
	return sys_icount_clock(opaque, CLOCK_REALTIME);
}

void sys_mtimer_config(struct machine *m, struct aclint_mtimer_config *cfg,
		       struct dev_clock *clock)
{
	memset(cfg, 0, sizeof(*cfg));
	if (!exec_icount_enabled()) {
		cfg->loop = m->loop;
		return;
	}
	*clock = (struct dev_clock){sys_icount_mono, m};
	cfg->clock = clock;
	cfg->deadline_changed = sys_rv_deadlines_changed;
	cfg->deadline_opaque = m;
}

void sys_rtc_clock(struct machine *m, struct goldfish_rtc *rtc)
{
	if (exec_icount_enabled())
		goldfish_rtc_set_clock(rtc, &(struct dev_clock){sys_icount_wall, m});
}

static bool rv_hart_has_work(struct machine_hart *h);

static bool rv_hart_icount_warp(struct machine_hart *h)
{
	struct cpu *cpu = h->cpu;

	if (!exec_icount_enabled())
		return false;
	if (cpu->icount >= cpu->icount_deadline)
		sys_rv_icount_timer(cpu);
	if (cpu->icount_deadline == UINT64_MAX || rv_hart_has_work(h))
		return rv_hart_has_work(h);
	/* nothing runs until the next timer: its time comes at once */
	cpu->icount = cpu->icount_deadline;
	return true;
}

static int rv_hart_create(struct machine *m, struct machine_hart *h)
{
	struct sys_rv_platform *p = sys_rv_plat(m);

	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return machine_error(m, "out of memory");
		p->m = m;
		p->plat.time = sys_rv_time;
		p->plat.set_timer = sys_rv_set_timer;
		p->plat.opaque = p;
		for (unsigned i = 0; i < MACHINE_MAX_HARTS; i++)
			p->sstc_ticks[i] = UINT64_MAX;
		m->hart_priv = p;
		exec_set_wakeup(machine_hart_wakeup);
		if (exec_icount_enabled())
			exec_set_icount_timer(sys_rv_icount_timer);
	}
	p->sstc[h->id] = ioloop_timer_new(m->loop, sys_rv_sstc_fire, h);
	if (!p->sstc[h->id])
		return machine_error(m, "out of memory");
	h->cpu = cpu_new();
	h->cpu->opaque = h;
	h->cpu->icount_deadline = 0; /* --icount: the first TB computes the deadlines */
	h->cpu->cpu_index = (int)h->id;
	rv_hart_init(h->cpu, m->bus, h->id, &p->plat);
	if (m->opts && m->opts->trap_misaligned)
		rv_hart_set_trap_misaligned(h->cpu, true);
	return 0;
}

static void rv_sys_hart_reset(struct machine *m, struct machine_hart *h)
{
	struct sys_rv_platform *p = sys_rv_plat(m);

	bus_lock(m->bus);
	ioloop_timer_del(p->sstc[h->id]);
	bus_unlock(m->bus);
	rv_hart_reset(h->cpu, 0);
}

static void rv_hart_destroy(struct machine *m, struct machine_hart *h)
{
	struct sys_rv_platform *p = sys_rv_plat(m);

	/* the I/O loop has stopped: its timers may go without the lock */
	if (p && p->sstc[h->id]) {
		ioloop_timer_free(p->sstc[h->id]);
		p->sstc[h->id] = NULL;
	}
	if (h->cpu)
		cpu_free(h->cpu);
	h->cpu = NULL;
}

static void rv_harts_fini(struct machine *m)
{
	free(m->hart_priv);
	m->hart_priv = NULL;
}

struct irq_line sys_hart_irq(struct machine_hart *h, unsigned irq)
{
	return irq_line_make(rv_hart_set_irq, h->cpu, (int)irq);
}

void sys_hart_set_timer(struct machine *m, struct aclint_mtimer *mt)
{
	sys_rv_plat(m)->mt = mt;
}

void sys_hart_set_xlen(struct machine_hart *h, unsigned xlen)
{
	h->xlen = xlen;
	rv_hart_set_xlen(h->cpu, xlen);
}

void sys_hart_set_start(struct machine_hart *h, uint64_t pc, uint64_t a0, uint64_t a1, uint64_t a2)
{
	h->start_pc = pc;
	h->start_a[0] = a0;
	h->start_a[1] = a1;
	h->start_a[2] = a2;
	rv_hart_reset(h->cpu, pc);
	rv_hart_set_xreg(h->cpu, 10, a0);
	rv_hart_set_xreg(h->cpu, 11, a1);
	rv_hart_set_xreg(h->cpu, 12, a2);
}

static bool rv_hart_has_work(struct machine_hart *h)
{
	const struct morph_arch *arch = h->cpu->arch;

	return arch->cpu_has_work && arch->cpu_has_work(h->cpu);
}

static int64_t rv_hart_deadline_ns(struct machine_hart *h)
{
	/* every timer (MTIP from the ACLINT, Sstc from our I/O loop timers) wakes the hart */
	(void)h;
	return INT64_MAX;
}

static int rv_hart_exception(struct machine_hart *h, int excp)
{
	/* the exec loop enters the guest's trap handlers itself: what comes here is fatal */
	(void)h;
	(void)excp;
	return -1;
}

void sys_invalidate_code(uint64_t gpa, uint64_t len)
{
	softmmu_invalidate_phys(gpa, gpa + len);
}

void sys_hart_isa(struct machine_hart *h, char *buf, size_t size)
{
	rv_hart_isa_string(h->cpu, buf, size);
}

const struct sys_hart_ops sys_hart_riscv_ops = {
	.create = rv_hart_create,
	.reset = rv_sys_hart_reset,
	.destroy = rv_hart_destroy,
	.fini = rv_harts_fini,
	.has_work = rv_hart_has_work,
	.deadline_ns = rv_hart_deadline_ns,
	.icount_warp = rv_hart_icount_warp,
	.exception = rv_hart_exception,
};
