/*
 * The generic machine: guest RAM and boot ROM on a bus, the I/O loop and the
 * console, the harts and their host threads, the stop/reboot protocol and
 * the shutdown order of docs/devices.md. A board (struct machine_class)
 * fills in devices, images and the device tree.
 *
 * Threads: the main thread builds the machine, starts the I/O loop and one
 * thread per hart, then waits for a stop request (poweroff, reboot, Ctrl-A x,
 * a signal, an error). Hart threads run cpu_exec(); wfi returns EXCP_HALTED
 * and the hart sleeps on its condition variable until an interrupt line or a
 * stop request wakes it, so an idle guest costs no host CPU.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <libfdt.h>

#include "morph/exec.h"
#include "morph/gdbstub.h"
#include "morph/machine.h"
#include "morph/trace.h"
#include "src/system/system.h"

extern const struct machine_class machine_virt, machine_spike, machine_malta;

static const struct machine_class *const machine_classes[] = {
    &machine_virt,
    &machine_spike,
    &machine_malta,
    NULL,
};

const struct machine_class *const *machine_class_list(void)
{
	return machine_classes;
}

const struct machine_class *machine_class_find(const char *name)
{
	for (unsigned i = 0; machine_classes[i]; i++)
		if (!strcmp(machine_classes[i]->name, name))
			return machine_classes[i];
	return NULL;
}

int machine_error(struct machine *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->err, sizeof(m->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* ------------------------------------------------------------- stopping */

void machine_request_stop(struct machine *m, enum machine_state state, int status)
{
	pthread_mutex_lock(&m->state_lock);
	if (m->state == MACHINE_RUNNING) {
		m->state = state;
		m->exit_status = status;
	}
	pthread_cond_broadcast(&m->state_cond);
	pthread_mutex_unlock(&m->state_lock);
	if (m->display)
		display_wakeup(m->display); /* the window's loop sees the stop */
	/* every hart leaves guest code and wfi */
	for (unsigned i = 0; i < m->nharts; i++) {
		if (m->harts[i].cpu)
			cpu_exit(m->harts[i].cpu);
		machine_hart_wakeup_h(&m->harts[i]);
	}
	gdbstub_release(); /* and the debugger lets them go */
}

void machine_hart_wakeup_h(struct machine_hart *h)
{
	pthread_mutex_lock(&h->lock);
	h->wake = true;
	if (h->halted)
		pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

void machine_hart_wakeup(struct cpu *cpu)
{
	struct machine_hart *h = cpu->opaque;

	if (h)
		machine_hart_wakeup_h(h);
}

static int machine_state(struct machine *m)
{
	return __atomic_load_n(&m->state, __ATOMIC_ACQUIRE);
}

/* ------------------------------------------------------------- display */

static bool machine_stopped(void *opaque)
{
	return machine_state(opaque) != MACHINE_RUNNING;
}

/* The window was closed (the frontend's thread): ask the guest, then insist. */
static void machine_display_close(void *opaque, bool force)
{
	struct machine *m = opaque;

	if (force) {
		machine_request_stop(m, MACHINE_QUIT, 0);
		return;
	}
	/* the power button: a guest that handles it powers off cleanly */
	display_key(m->display, KEY_POWER, true);
	display_key(m->display, KEY_POWER, false);
}

int machine_open_drives_net(struct machine *m)
{
	const struct machine_opts *o = m->opts;
	char err[200];

	for (unsigned i = 0; i < o->ndrives; i++) {
		m->blk[i] = blockdev_open_file(o->drives[i].path, o->drives[i].flags);
		if (!m->blk[i])
			return machine_error(m, "--drive %s: %s", o->drives[i].path,
					     errno == EBUSY ? "in use by another process (locked)"
							    : strerror(errno));
		m->nblk = i + 1;
	}
	if (o->net) {
		m->net = netdev_user_new(m->loop, &o->net_opts, err, sizeof(err));
		if (!m->net)
			return machine_error(m, "--net: %s", err);
	}
	return 0;
}

int machine_display_open(struct machine *m)
{
	const struct machine_opts *o = m->opts;
	struct display_config cfg = {
	    .kind = o->display,
	    .title = m->mc->name,
	    .close_request = machine_display_close,
	    .close_opaque = m,
	};
	char err[256];

	/* no window for --dump-dtb; without a display server the default is no display */
	if (o->dump_dtb && cfg.kind != DISPLAY_OFF)
		cfg.kind = DISPLAY_NONE;
	if (cfg.kind == DISPLAY_DEFAULT && !display_server_available())
		cfg.kind = o->screenshot ? DISPLAY_NONE : DISPLAY_OFF;
	if (cfg.kind == DISPLAY_OFF) {
		if (o->screenshot)
			return machine_error(m, "--screenshot needs a display (not --display off)");
		return 0;
	}
	m->display = display_open(&cfg, err, sizeof(err));
	if (!m->display)
		return machine_error(m, "%s", err);
	if (display_attach_loop(m->display, m->loop) < 0)
		return machine_error(m, "out of memory");
	return 0;
}

/* --screenshot: the last picture, when the machine stops. 0 or -1 (reported). */
static int machine_screenshot(struct machine *m)
{
	char err[512];

	if (!m->opts->screenshot || !m->display)
		return 0;
	if (display_screenshot(m->display, m->opts->screenshot, err, sizeof(err)) < 0) {
		fprintf(stderr, "morph: --screenshot %s\n", err);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ hart threads */

static void timespec_at(struct timespec *ts, int64_t ns)
{
	ts->tv_sec = ns / 1000000000;
	ts->tv_nsec = ns % 1000000000;
}

/*
 * wfi: sleep until an interrupt is pending for this hart, a timer deadline
 * the CPU knows (Sstc) passes, or the machine stops. Machine timer
 * interrupts need no deadline here: the I/O loop raises MTIP on time and
 * that wakes us like any other line.
 */
static void hart_idle(struct machine_hart *h)
{
	struct machine *m = h->m;

	pthread_mutex_lock(&h->lock);
	h->halted = true;
	while (!h->wake && machine_state(m) == MACHINE_RUNNING && !sys_hart_ops(m)->has_work(h)) {
		int64_t deadline = sys_hart_ops(m)->deadline_ns(h);

		h->wfi_sleeps++;
		if (deadline == INT64_MAX) {
			pthread_cond_wait(&h->cond, &h->lock);
		} else {
			struct timespec ts;

			if (deadline <= host_clock_ns())
				break;
			timespec_at(&ts, deadline);
			if (pthread_cond_timedwait(&h->cond, &h->lock, &ts) == ETIMEDOUT)
				break;
		}
	}
	h->wake = false;
	h->halted = false;
	pthread_mutex_unlock(&h->lock);
}

static void *hart_thread(void *arg)
{
	struct machine_hart *h = arg;
	struct machine *m = h->m;
	struct cpu *cpu = h->cpu;
	char name[16];

	snprintf(name, sizeof(name), "hart%u", h->id);
	pthread_setname_np(pthread_self(), name);
	while (machine_state(m) == MACHINE_RUNNING) {
		int r = cpu_exec(cpu);

		if (r == EXCP_INTERRUPT)
			continue; /* exit request: interrupts, stop requests, flushes */
		if (r == EXCP_HALTED) {
			if (!sys_hart_ops(m)->icount_warp(h))
				hart_idle(h);
			continue;
		}
		if (sys_hart_ops(m)->exception(h, r) == 0)
			continue;
		fprintf(stderr, "morph: hart %u: unexpected exception %d at pc 0x%" PRIx64 "\n",
			h->id, r, cpu->pc);
		if (m->arch->dump_state)
			m->arch->dump_state(cpu, stderr);
		machine_request_stop(m, MACHINE_ERROR, 1);
		break;
	}
	pthread_mutex_lock(&m->state_lock);
	m->running_harts--;
	pthread_cond_broadcast(&m->state_cond);
	pthread_mutex_unlock(&m->state_lock);
	return NULL;
}

static int start_harts(struct machine *m)
{
	for (unsigned i = 0; i < m->nharts; i++) {
		struct machine_hart *h = &m->harts[i];
		int r;

		pthread_mutex_lock(&m->state_lock);
		m->running_harts++;
		pthread_mutex_unlock(&m->state_lock);
		r = pthread_create(&h->thread, NULL, hart_thread, h);
		if (r) {
			pthread_mutex_lock(&m->state_lock);
			m->running_harts--;
			pthread_mutex_unlock(&m->state_lock);
			fprintf(stderr, "morph: cannot start hart %u: %s\n", i, strerror(r));
			machine_request_stop(m, MACHINE_ERROR, 1);
			return -1;
		}
		h->thread_started = true;
	}
	return 0;
}

static void join_harts(struct machine *m)
{
	for (unsigned i = 0; i < m->nharts; i++) {
		struct machine_hart *h = &m->harts[i];

		if (h->thread_started) {
			pthread_join(h->thread, NULL);
			h->thread_started = false;
		}
	}
}

/* ------------------------------------------------------------ building */

/* Load the images, make the device tree, place it, write the boot ROM. */
static int machine_boot_setup(struct machine *m, bool *done)
{
	int r;

	m->fw_start = m->fw_end = 0;
	m->kernel_start = m->kernel_end = m->kernel_entry = 0;
	m->initrd_start = m->initrd_end = 0;
	if (m->mc->load(m) < 0)
		return -1;
	if (m->opts->dtb) {
		if (machine_fdt_load(m, m->opts->dtb) < 0)
			return -1;
		/* as QEMU: the given tree still gets the command line and initrd */
		r = machine_fdt_chosen(m, NULL);
		if (r == 0)
			r = machine_fdt_finish(m);
		if (r < 0)
			return machine_error(m, "--dtb %s: %s", m->opts->dtb, fdt_strerror(r));
	} else if (m->mc->fdt) {
		r = m->mc->fdt(m);
		if (r < 0)
			return machine_error(m, "building the device tree: %s", fdt_strerror(r));
	}
	if (m->fdt && m->opts->dump_dtb && done) {
		if (machine_fdt_dump(m, m->opts->dump_dtb) < 0)
			return -1;
		*done = true;
		return 0;
	}
	if (m->fdt && machine_fdt_place(m) < 0)
		return -1;
	if (m->mc->finish && m->mc->finish(m) < 0)
		return -1;
	for (unsigned i = 0; i < m->nharts; i++)
		m->mc->hart_reset(m, &m->harts[i]);
	return 0;
}

static void on_dma(void *opaque, uint64_t gpa, uint64_t len)
{
	(void)opaque;
	/* a device wrote guest RAM: translated code there is stale */
	sys_invalidate_code(gpa, len);
}

struct machine *machine_create(const struct machine_opts *opts, bool *done, char *err,
			       size_t errlen)
{
	const struct machine_class *mc = machine_class_find(opts->machine ? opts->machine : "virt");
	struct machine *m;
	int r;

	*done = false;
	if (!mc) {
		snprintf(err, errlen, "unknown machine '%s' (try --machine help)", opts->machine);
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->mc = mc;
	m->opts = opts;
	pthread_mutex_init(&m->state_lock, NULL);
	pthread_cond_init(&m->state_cond, NULL);
	m->state = MACHINE_RUNNING;
	m->ram_base = mc->ram_base;
	m->ram_size = opts->ram_size ? opts->ram_size : mc->default_ram_size;
	m->nharts = opts->smp ? opts->smp : 1;
	if (m->nharts > mc->max_harts || m->nharts > MACHINE_MAX_HARTS) {
		machine_error(m, "machine %s supports at most %u harts", mc->name, mc->max_harts);
		goto fail;
	}
	m->arch = arch_find(mc->arch);
	if (!m->arch) {
		machine_error(m, "guest architecture %s is not compiled in", mc->arch);
		goto fail;
	}

	m->bus = bus_new();
	if (!m->bus) {
		machine_error(m, "out of memory");
		goto fail;
	}
	/* RAM: lazily committed anonymous memory, owned here (boards may map it in pieces) */
	m->ram = mmap(NULL, m->ram_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->ram == MAP_FAILED) {
		m->ram = NULL;
		machine_error(m, "cannot allocate %" PRIu64 " MiB of guest RAM: %s",
			      m->ram_size >> 20, strerror(errno));
		goto fail;
	}
	if (!mc->map_ram) {
		r = bus_map_ram(m->bus, m->ram_base, m->ram_size, m->ram, 0, "ram");
		if (r < 0) {
			machine_error(m, "cannot map RAM: %s", strerror(-r));
			goto fail;
		}
	}
	if (mc->rom_size) {
		m->rom = calloc(1, mc->rom_size);
		if (!m->rom || bus_map_ram(m->bus, mc->rom_base, mc->rom_size, m->rom,
					   BUS_RAM_READONLY, "rom") < 0) {
			machine_error(m, "cannot map the boot ROM");
			goto fail;
		}
	}
	bus_set_dma_notifier(m->bus, on_dma, m);
	m->loop = ioloop_new(bus_mutex(m->bus));
	if (!m->loop) {
		machine_error(m, "cannot create the I/O loop: %s", strerror(errno));
		goto fail;
	}

	/* the exec core and the harts, before the devices that wire into them */
	r = exec_init(m->arch, &opts->exec);
	if (r < 0) {
		machine_error(m, "cannot start the execution engine: %s", strerror(-r));
		goto fail;
	}
	m->harts = calloc(m->nharts, sizeof(*m->harts));
	if (!m->harts) {
		machine_error(m, "out of memory");
		goto fail;
	}
	for (unsigned i = 0; i < m->nharts; i++) {
		struct machine_hart *h = &m->harts[i];

		pthread_condattr_t ca;

		h->m = m;
		h->id = i;
		pthread_mutex_init(&h->lock, NULL);
		/* wfi deadlines are host monotonic time */
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&h->cond, &ca);
		pthread_condattr_destroy(&ca);
		if (sys_hart_ops(m)->create(m, h) < 0)
			goto fail;
	}
	if (mc->map_ram && mc->map_ram(m) < 0)
		goto fail;
	if (mc->init(m) < 0)
		goto fail;
	if (machine_boot_setup(m, done) < 0)
		goto fail;
	return m;
fail:
	snprintf(err, errlen, "%s", m->err[0] ? m->err : "cannot create the machine");
	machine_free(m);
	return NULL;
}

/* Reboot: devices back to their reset state, images reloaded, harts reset. */
static int machine_reboot(struct machine *m)
{
	/* the images are written again behind the harts' back: no translation may survive */
	tb_request_flush();
	bus_reset(m->bus);
	if (m->mc->reset)
		m->mc->reset(m);
	for (unsigned i = 0; i < m->nharts; i++)
		sys_hart_ops(m)->reset(m, &m->harts[i]);
	if (machine_boot_setup(m, NULL) < 0) {
		fprintf(stderr, "morph: reboot failed: %s\n", m->err);
		return -1;
	}
	pthread_mutex_lock(&m->state_lock);
	m->state = MACHINE_RUNNING;
	m->exit_status = 0;
	pthread_mutex_unlock(&m->state_lock);
	return 0;
}

int machine_run(struct machine *m)
{
	int r = ioloop_start(m->loop);

	if (r < 0) {
		fprintf(stderr, "morph: cannot start the I/O thread: %s\n", strerror(-r));
		return 1;
	}
	for (;;) {
		int state;

		if (start_harts(m) < 0) {
			join_harts(m);
			return 1;
		}
		/* the window's event loop runs on this (the main) thread until the machine stops */
		if (m->display && display_has_window(m->display))
			display_run(m->display, machine_stopped, m);
		pthread_mutex_lock(&m->state_lock);
		while (m->state == MACHINE_RUNNING)
			pthread_cond_wait(&m->state_cond, &m->state_lock);
		state = m->state;
		pthread_mutex_unlock(&m->state_lock);
		join_harts(m);
		if (state == MACHINE_RESET) {
			if (machine_reboot(m) < 0)
				return 1;
			continue;
		}
		if (machine_screenshot(m) < 0 && m->exit_status == 0)
			return 1;
		return m->exit_status;
	}
}

int machine_free(struct machine *m)
{
	int ret = 0;

	if (!m)
		return 0;
	/* harts first (they may be mid-MMIO), then the I/O thread, then the devices */
	if (m->harts) {
		machine_request_stop(m, MACHINE_QUIT, 0);
		join_harts(m);
	}
	if (m->loop)
		ioloop_stop(m->loop);
	if (m->mc->fini)
		m->mc->fini(m);
	if (m->bus)
		bus_free(m->bus);
	for (unsigned i = 0; i < m->nblk; i++) {
		int r = blockdev_close(m->blk[i]);

		if (r < 0) {
			fprintf(stderr, "morph: flushing %s failed: %s\n", m->opts->drives[i].path,
				strerror(-r));
			ret = -1;
		}
	}
	netdev_close(m->net);
	entropy_close(m->entropy);
	if (m->display) {
		/* after bus_free(): the devices drawing on it and feeding from it are gone */
		display_detach_loop(m->display);
		display_close(m->display);
	}
	machine_console_close(m);
	/* the harts' own I/O loop timers (Sstc) go with them, before the loop */
	if (m->harts) {
		for (unsigned i = 0; i < m->nharts; i++) {
			sys_hart_ops(m)->destroy(m, &m->harts[i]);
			pthread_mutex_destroy(&m->harts[i].lock);
			pthread_cond_destroy(&m->harts[i].cond);
		}
		free(m->harts);
	}
	sys_hart_ops(m)->fini(m);
	if (m->loop)
		ioloop_free(m->loop);
	if (m->ram)
		munmap(m->ram, m->ram_size);
	free(m->rom);
	free(m->fdt);
	pthread_mutex_destroy(&m->state_lock);
	pthread_cond_destroy(&m->state_cond);
	free(m);
	return ret;
}
