/*
 * The display between devices and a frontend (include/morph/display.h):
 * the surface and its dirty region under one mutex, and the input queue that
 * the frontend fills from its thread and the I/O loop drains into the input
 * devices under the bus lock.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "morph/display.h"
#include "src/ui/ui.h"

#define INPUT_QUEUE_LEN 1024 /* events */

struct input_event_q {
	uint8_t kind; /* enum display_input_kind */
	uint16_t type, code;
	int32_t value;
};

struct display {
	struct display_config cfg;
	const struct display_frontend_ops *ops;
	void *ui;

	pthread_mutex_t lock; /* the surface and the dirty region */
	struct display_surface surface;
	bool dirty;
	struct display_rect dirty_rect;
	uint64_t generation;

	/* input: a ring filled by the frontend, drained in the I/O loop */
	pthread_mutex_t input_lock;
	struct input_event_q q[INPUT_QUEUE_LEN];
	unsigned q_head, q_len;
	unsigned long dropped;
	int evfd;
	struct ioloop_fd *loop_fd;
	struct display_input_sink sink[DISPLAY_INPUT_KINDS];
	bool have_sink[DISPLAY_INPUT_KINDS];
};

const struct display_config *ui_display_config(const struct display *d)
{
	return &d->cfg;
}

bool display_server_available(void)
{
	const char *x = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");

	return (x && *x) || (w && *w);
}

struct display *display_open(const struct display_config *cfg, char *err, size_t errlen)
{
	struct display *d;

	if (cfg->kind == DISPLAY_OFF) {
		snprintf(err, errlen, "no display configured");
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->cfg = *cfg;
	d->cfg.width = cfg->width ? cfg->width : 1024;
	d->cfg.height = cfg->height ? cfg->height : 768;
	pthread_mutex_init(&d->lock, NULL);
	pthread_mutex_init(&d->input_lock, NULL);
	d->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->evfd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	d->ops = &ui_headless_ops;
	if (cfg->kind == DISPLAY_SDL ||
	    (cfg->kind == DISPLAY_DEFAULT && display_server_available())) {
		char why[256];

		if (ui_sdl_open(d, &d->cfg, &d->ops, &d->ui, why, sizeof(why)) < 0) {
			if (cfg->kind == DISPLAY_SDL) {
				snprintf(err, errlen, "--display sdl: %s", why);
				goto fail;
			}
			d->ops = &ui_headless_ops; /* the default falls back silently */
			d->ui = NULL;
		}
	}
	return d;
fail:
	if (d->evfd >= 0)
		close(d->evfd);
	pthread_mutex_destroy(&d->lock);
	pthread_mutex_destroy(&d->input_lock);
	free(d);
	return NULL;
}

void display_close(struct display *d)
{
	if (!d)
		return;
	if (d->ops->close)
		d->ops->close(d->ui);
	close(d->evfd);
	free(d->surface.data);
	pthread_mutex_destroy(&d->lock);
	pthread_mutex_destroy(&d->input_lock);
	free(d);
}

bool display_has_window(const struct display *d)
{
	return d->ops->run != NULL;
}

void display_run(struct display *d, bool (*stop)(void *opaque), void *opaque)
{
	if (d->ops->run)
		d->ops->run(d->ui, stop, opaque);
}

void display_wakeup(struct display *d)
{
	if (d->ops->changed)
		d->ops->changed(d->ui);
}

void display_preferred_size(const struct display *d, uint32_t *w, uint32_t *h)
{
	*w = d->cfg.width;
	*h = d->cfg.height;
}

/* ------------------------------------------------------------- surface */

void display_lock(struct display *d)
{
	pthread_mutex_lock(&d->lock);
}

void display_unlock(struct display *d)
{
	pthread_mutex_unlock(&d->lock);
}

struct display_surface *display_surface(struct display *d)
{
	return &d->surface;
}

uint64_t display_generation(const struct display *d)
{
	return d->generation;
}

int display_resize(struct display *d, uint32_t w, uint32_t h)
{
	struct display_surface *s = &d->surface;
	uint8_t *data = NULL;

	if (w > DISPLAY_MAX_DIM || h > DISPLAY_MAX_DIM)
		return -EINVAL;
	if (w == s->width && h == s->height && (s->data || !w || !h)) {
		/* same size: keep the buffer (the contents get redrawn by the device) */
		display_dirty(d, &(struct display_rect){0, 0, w, h});
		return 0;
	}
	if (w && h) {
		data = calloc((size_t)w * h, 4);
		if (!data)
			w = h = 0;
	}
	free(s->data);
	s->data = data;
	s->width = w;
	s->height = h;
	s->stride = w * 4;
	s->format = DISPLAY_FMT_XRGB8888;
	d->generation++;
	d->dirty = false;
	display_dirty(d, &(struct display_rect){0, 0, w, h});
	if (!d->dirty && d->ops->changed)
		d->ops->changed(d->ui); /* 0 x 0: still a change to show */
	return data || (!w && !h) ? 0 : -ENOMEM;
}

void display_dirty(struct display *d, const struct display_rect *r)
{
	const struct display_surface *s = &d->surface;
	uint32_t x0 = r->x, y0 = r->y, x1, y1;

	if (x0 >= s->width || y0 >= s->height || !r->w || !r->h)
		return;
	x1 = r->w > s->width - x0 ? s->width : x0 + r->w;
	y1 = r->h > s->height - y0 ? s->height : y0 + r->h;
	if (d->dirty) {
		struct display_rect *o = &d->dirty_rect;
		uint32_t ox1 = o->x + o->w, oy1 = o->y + o->h;

		x0 = x0 < o->x ? x0 : o->x;
		y0 = y0 < o->y ? y0 : o->y;
		x1 = x1 > ox1 ? x1 : ox1;
		y1 = y1 > oy1 ? y1 : oy1;
	}
	d->dirty_rect = (struct display_rect){x0, y0, x1 - x0, y1 - y0};
	d->dirty = true;
	if (d->ops->changed)
		d->ops->changed(d->ui);
}

bool display_take_dirty(struct display *d, struct display_rect *r)
{
	if (!d->dirty)
		return false;
	*r = d->dirty_rect;
	d->dirty = false;
	return true;
}

/* --------------------------------------------------------------- input */

static void input_deliver(struct display *d)
{
	struct input_event_q batch[64];
	unsigned n;

	do {
		pthread_mutex_lock(&d->input_lock);
		n = d->q_len < 64 ? d->q_len : 64;
		for (unsigned i = 0; i < n; i++)
			batch[i] = d->q[(d->q_head + i) % INPUT_QUEUE_LEN];
		d->q_head = (d->q_head + n) % INPUT_QUEUE_LEN;
		d->q_len -= n;
		pthread_mutex_unlock(&d->input_lock);
		for (unsigned i = 0; i < n; i++) {
			const struct input_event_q *e = &batch[i];

			if (d->have_sink[e->kind])
				d->sink[e->kind].event(d->sink[e->kind].opaque, e->type, e->code,
						       e->value);
		}
	} while (n);
}

static void input_ready(void *opaque, short revents)
{
	struct display *d = opaque;
	uint64_t v;
	ssize_t r = read(d->evfd, &v, sizeof(v));

	(void)r;
	(void)revents;
	input_deliver(d);
}

void display_input_flush(struct display *d)
{
	input_deliver(d);
}

int display_attach_loop(struct display *d, struct ioloop *loop)
{
	d->loop_fd = ioloop_fd_add(loop, d->evfd, POLLIN, input_ready, d);
	return d->loop_fd ? 0 : -ENOMEM;
}

void display_detach_loop(struct display *d)
{
	ioloop_fd_remove(d->loop_fd);
	d->loop_fd = NULL;
}

void display_add_sink(struct display *d, enum display_input_kind kind,
		      const struct display_input_sink *sink)
{
	d->sink[kind] = *sink;
	d->have_sink[kind] = true;
}

void display_remove_sink(struct display *d, enum display_input_kind kind)
{
	d->have_sink[kind] = false;
}

/* Queue @n events and a SYN_REPORT as one batch (all or nothing), wake the loop. */
static void input_queue(struct display *d, enum display_input_kind kind,
			const struct input_event_q *ev, unsigned n)
{
	uint64_t one = 1;
	ssize_t r;

	pthread_mutex_lock(&d->input_lock);
	if (d->q_len + n + 1 > INPUT_QUEUE_LEN) {
		d->dropped++;
		pthread_mutex_unlock(&d->input_lock);
		return;
	}
	for (unsigned i = 0; i <= n; i++) {
		struct input_event_q *e = &d->q[(d->q_head + d->q_len++) % INPUT_QUEUE_LEN];

		*e = i < n ? ev[i] : (struct input_event_q){0, EV_SYN, SYN_REPORT, 0};
		e->kind = (uint8_t)kind;
	}
	pthread_mutex_unlock(&d->input_lock);
	r = write(d->evfd, &one, sizeof(one));
	(void)r; /* EAGAIN: the counter is saturated, the loop wakes anyway */
}

void display_key(struct display *d, uint16_t code, bool down)
{
	struct input_event_q e = {0, EV_KEY, code, down};

	if (code && code <= KEY_MAX)
		input_queue(d, DISPLAY_INPUT_KEYBOARD, &e, 1);
}

void display_pointer_abs(struct display *d, int32_t x, int32_t y)
{
	struct input_event_q e[2] = {
	    {0, EV_ABS, ABS_X,
	     x < 0		   ? 0
	     : x > DISPLAY_ABS_MAX ? DISPLAY_ABS_MAX
				   : x},
	    {0, EV_ABS, ABS_Y,
	     y < 0		   ? 0
	     : y > DISPLAY_ABS_MAX ? DISPLAY_ABS_MAX
				   : y},
	};

	input_queue(d, DISPLAY_INPUT_POINTER, e, 2);
}

void display_button(struct display *d, uint16_t btn, bool down)
{
	struct input_event_q e = {0, EV_KEY, btn, down};

	input_queue(d, DISPLAY_INPUT_POINTER, &e, 1);
}

void display_wheel(struct display *d, int32_t clicks)
{
	struct input_event_q e = {0, EV_REL, REL_WHEEL, clicks};

	if (clicks)
		input_queue(d, DISPLAY_INPUT_POINTER, &e, 1);
}
