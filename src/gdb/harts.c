/*
 * Run control of the GDB stub, all-stop: the harts' side (cpu_exec() hooks)
 * and the server's (stop everything, resume). A hart "stops" by parking on
 * gdb.cond outside the exec lock, so flushes and other harts never wait for
 * it. Harts outside cpu_exec() (a system call, wfi) count as stopped: they
 * park when they come back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "morph/exec.h"
#include "morph/frontend.h"
#include "src/gdb/gdb-exec.h"
#include "src/gdb/gdb-internal.h"

struct gdb_state gdb = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.listen_fd = -1,
	.conn = -1,
	.wake = {-1, -1},
};

bool gdb_enabled;

/* The hart this thread runs (set at each cpu_exec() entry). */
static __thread struct gdb_hart *self;
/* The step TB of this thread executed its instruction. */
static __thread bool step_ran;

static struct gdb_hart *find(const struct cpu *cpu)
{
	for (unsigned i = 0; i < gdb.nharts; i++)
		if (gdb.harts[i]->cpu == cpu)
			return gdb.harts[i];
	return NULL;
}

struct gdb_hart *gdb_hart_by_tid(int tid)
{
	for (unsigned i = 0; i < gdb.nharts; i++)
		if (gdb.harts[i]->tid == tid)
			return gdb.harts[i];
	return NULL;
}

struct gdb_hart *gdb_first_hart(void)
{
	struct gdb_hart *best = NULL;

	for (unsigned i = 0; i < gdb.nharts; i++)
		if (!best || gdb.harts[i]->tid < best->tid)
			best = gdb.harts[i];
	return best;
}

void gdb_cpu_added(struct cpu *cpu)
{
	struct gdb_hart *h = calloc(1, sizeof(*h));

	if (!h) {
		fprintf(stderr, "morph: gdb: out of memory\n");
		abort();
	}
	h->cpu = cpu;
	h->action = GDB_ACT_CONT;
	pthread_mutex_lock(&gdb.lock);
	if (gdb.nharts == gdb.harts_cap) {
		unsigned cap = gdb.harts_cap ? 2 * gdb.harts_cap : 16;
		struct gdb_hart **n = realloc(gdb.harts, cap * sizeof(*n));
		if (!n) {
			fprintf(stderr, "morph: gdb: out of memory\n");
			abort();
		}
		gdb.harts = n;
		gdb.harts_cap = cap;
	}
	h->tid = ++gdb.next_tid;
	gdb.harts[gdb.nharts++] = h;
	pthread_mutex_unlock(&gdb.lock);
}

void gdb_cpu_removed(struct cpu *cpu)
{
	pthread_mutex_lock(&gdb.lock);
	for (unsigned i = 0; i < gdb.nharts; i++) {
		struct gdb_hart *h = gdb.harts[i];
		if (h->cpu != cpu)
			continue;
		gdb.harts[i] = gdb.harts[--gdb.nharts];
		if (self == h)
			self = NULL;
		free(h);
		break;
	}
	pthread_mutex_unlock(&gdb.lock);
}

/* Make every hart leave guest code soon. */
static void kick_all(void)
{
	for (unsigned i = 0; i < gdb.nharts; i++)
		if (gdb.harts[i]->in_exec)
			cpu_exit(gdb.harts[i]->cpu);
}

/* @h stops the target (all-stop) unless another hart did first: its event is then dropped. */
static void report_stop(struct gdb_hart *h, enum gdb_stop_kind kind, uint64_t addr)
{
	if (gdb.stopped || gdb.released)
		return;
	gdb.stopped = true;
	gdb.stop = (struct gdb_stop){h->tid, GDB_SIGTRAP, kind, addr};
	gdb.stop_event = true;
	kick_all();
	gdb_wake_server();
}

/* Wait (gdb.lock held) until the target runs and GDB gave @h something to do. */
static void park(struct gdb_hart *h)
{
	h->parked = true;
	gdb.nparked++;
	if (gdb.initial_wait) {
		/* The first arrival: the target's initial stop is this hart's. */
		gdb.initial_wait = false;
		gdb.stop.tid = h->tid;
	}
	pthread_cond_broadcast(&gdb.cond);
	while (!gdb.released && (gdb.stopped || h->action == GDB_ACT_NONE))
		pthread_cond_wait(&gdb.cond, &gdb.lock);
	h->parked = false;
	gdb.nparked--;
}

void gdb_cpu_enter(struct cpu *cpu)
{
	pthread_mutex_lock(&gdb.lock);
	if (!self || self->cpu != cpu)
		self = find(cpu);
	struct gdb_hart *h = self;
	if (!h) {
		pthread_mutex_unlock(&gdb.lock);
		return;
	}
	if (h->step_done) {
		/* The stepped instruction was a system call: it is complete now. */
		h->step_done = false;
		report_stop(h, GDB_STOP_STEP, 0);
	}
	if (gdb.stopped || h->action == GDB_ACT_NONE)
		park(h);
	h->in_exec = true;
	gdb.nrunning++;
	pthread_mutex_unlock(&gdb.lock);
}

bool gdb_cpu_leave(struct cpu *cpu, int *ret)
{
	struct gdb_hart *h = self;
	bool again = false;

	if (!h || h->cpu != cpu)
		return false;
	pthread_mutex_lock(&gdb.lock);
	h->in_exec = false;
	gdb.nrunning--;
	pthread_cond_broadcast(&gdb.cond);
	if (*ret == EXCP_DEBUG && gdb.released) {
		/* A breakpoint TB made before the release: the runner is stopping anyway. */
		*ret = EXCP_INTERRUPT;
	} else if (*ret == EXCP_DEBUG) {
		again = true; /* never seen by the runner: the hart parks and goes on */
		if (cpu->arch->gdb && cpu->arch->gdb->debug_stop)
			cpu->arch->gdb->debug_stop(cpu);
		if (h->watch_kind) {
			/*
			 * Before the access: GDB's RISC-V and MIPS watchpoints are
			 * "non-steppable", GDB steps over the instruction itself.
			 */
			report_stop(h, (enum gdb_stop_kind)h->watch_kind, h->watch_addr);
			h->watch_kind = 0;
		} else if (h->bp_hit) {
			report_stop(h, h->bp_hw ? GDB_STOP_HWBREAK : GDB_STOP_SWBREAK, 0);
			h->bp_hit = false;
		} else {
			report_stop(h, GDB_STOP_STEP, 0);
		}
	} else if (h->action == GDB_ACT_STEP && *ret != EXCP_INTERRUPT) {
		/* The step left guest code for the runner (system call, signal, wfi). */
		if (*ret == EXCP_HALTED)
			report_stop(h, GDB_STOP_STEP, 0); /* wfi: stop after it */
		else
			h->step_done = true;
	}
	/* Stopped meanwhile: stop here, before the runner changes the hart's state. */
	if (!again && gdb.stopped)
		park(h);
	pthread_mutex_unlock(&gdb.lock);
	return again;
}

uint32_t gdb_tb_flags(struct cpu *cpu)
{
	struct gdb_hart *h = self;
	uint32_t f = 0;

	if (h && h->cpu == cpu && h->action == GDB_ACT_STEP)
		f |= TB_FLAG_GDB_STEP;
	if (!cpu->softmmu && gdb_nwatch)
		f |= TB_FLAG_GDB_WATCH;
	return f;
}

bool gdb_stepping(struct cpu *cpu)
{
	return (gdb_tb_flags(cpu) & TB_FLAG_GDB_STEP) != 0;
}

void gdb_step_begin(void)
{
	step_ran = false;
}

bool gdb_step_ran(void)
{
	return step_ran;
}

/* ---- helpers called by instrumented TBs (breakpoints.c declares them) ---- */

void gdb_note_step_ran(void)
{
	step_ran = true;
}

void gdb_note_breakpoint(struct cpu *cpu, bool hw)
{
	struct gdb_hart *h = self;

	if (h && h->cpu == cpu) {
		h->bp_hit = true;
		h->bp_hw = hw;
	}
}

bool gdb_note_watch(struct cpu *cpu, int kind, uint64_t addr)
{
	struct gdb_hart *h = self;

	if (!h || h->cpu != cpu)
		return false;
	h->watch_kind = kind;
	h->watch_addr = addr;
	return true;
}

/* ---- the server's side (gdb.lock held) ---- */

void gdb_wait_stopped(void)
{
	while (gdb.nrunning > 0)
		pthread_cond_wait(&gdb.cond, &gdb.lock);
}

void gdb_stop_all(int sig)
{
	if (gdb.released)
		return;
	if (!gdb.stopped) {
		struct gdb_hart *who = NULL;
		for (unsigned i = 0; i < gdb.nharts; i++)
			if (gdb.harts[i]->in_exec && (!who || gdb.harts[i]->tid < who->tid))
				who = gdb.harts[i];
		if (!who)
			who = gdb_first_hart();
		gdb.stopped = true;
		gdb.stop = (struct gdb_stop){who ? who->tid : 1, sig, GDB_STOP_SIGNAL, 0};
		kick_all();
	}
	gdb_wait_stopped();
}

void gdb_resume(void)
{
	gdb_bp_commit();
	gdb.stop_event = false;
	gdb.stopped = false;
	pthread_cond_broadcast(&gdb.cond);
}

void gdb_release_all(void)
{
	gdb_bp_clear();
	for (unsigned i = 0; i < gdb.nharts; i++) {
		gdb.harts[i]->action = GDB_ACT_CONT;
		gdb.harts[i]->step_done = false;
	}
	gdb_resume();
}

void gdbstub_release(void)
{
	if (!gdb_enabled)
		return;
	pthread_mutex_lock(&gdb.lock);
	gdb.released = true;
	gdb.stopped = false;
	gdb.initial_wait = false;
	for (unsigned i = 0; i < gdb.nharts; i++)
		gdb.harts[i]->action = GDB_ACT_CONT;
	/* No more breakpoint TBs or watchpoint stops (a racy read of these is harmless). */
	if (gdb.nbp_active || gdb_nwatch) {
		gdb.nbp_active = 0;
		gdb_nwatch = 0;
		tb_request_flush();
	}
	pthread_cond_broadcast(&gdb.cond);
	pthread_mutex_unlock(&gdb.lock);
}
