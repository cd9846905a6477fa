/*
 * The I/O loop: ppoll() over backend fds and pollers (slirp), plus one-shot
 * timers on the host monotonic clock, callbacks under the device lock.
 *
 * Entries removed while the loop sleeps (or from a callback) are only marked
 * dead and freed at the end of an iteration, under the lock, so the
 * iteration's saved pointers stay valid across the unlocked ppoll().
 */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "morph/hostdev.h"

int64_t host_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t host_wall_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t dev_clock_host_now(void *opaque)
{
	(void)opaque;
	return host_clock_ns();
}

const struct dev_clock dev_clock_host = {dev_clock_host_now, NULL};

struct ioloop_fd {
	struct ioloop *loop;
	int fd;
	short events;
	bool dead;
	void (*cb)(void *opaque, short revents);
	void *opaque;
	struct ioloop_fd *next;
};

struct ioloop_timer {
	struct ioloop *loop;
	int64_t deadline;
	bool armed;
	bool dead;
	void (*cb)(void *opaque);
	void *opaque;
	struct ioloop_timer *next;
};

struct ioloop_poller_ent {
	struct ioloop_poller p;
	const struct ioloop_poller *key;
	bool dead;
	struct ioloop_poller_ent *next;
};

struct ioloop_pollset {
	struct pollfd *fds;
	unsigned n, cap;
};

struct ioloop {
	pthread_mutex_t *lock;
	int evfd;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	/* the deadline the loop sleeps towards (INT64_MAX: none); a sooner timer kicks it */
	int64_t sleep_deadline;
	bool sleeping;

	struct ioloop_fd *fds;
	struct ioloop_timer *timers;
	struct ioloop_poller_ent *pollers;
	struct ioloop_pollset ps;
	struct ioloop_fd **ps_fd; /* pollset index -> fd handler (NULL: other) */
	unsigned ps_fd_cap;
};

struct ioloop *ioloop_new(pthread_mutex_t *lock)
{
	struct ioloop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	loop->lock = lock;
	loop->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (loop->evfd < 0) {
		free(loop);
		return NULL;
	}
	loop->sleep_deadline = INT64_MAX;
	return loop;
}

void ioloop_kick(struct ioloop *loop)
{
	uint64_t one = 1;
	ssize_t r;

	r = write(loop->evfd, &one, sizeof(one));
	(void)r; /* EAGAIN: the counter is saturated, the loop will wake anyway */
}

/* Wake the loop if it sleeps and another thread changed what it waits for. */
static void ioloop_changed(struct ioloop *loop, int64_t deadline)
{
	if (loop->sleeping && deadline < loop->sleep_deadline)
		ioloop_kick(loop);
}

int ioloop_pollset_add(struct ioloop_pollset *ps, int fd, short events)
{
	if (ps->n == ps->cap) {
		unsigned cap = ps->cap ? ps->cap * 2 : 16;
		struct pollfd *n = realloc(ps->fds, cap * sizeof(*n));

		if (!n)
			return -1;
		ps->fds = n;
		ps->cap = cap;
	}
	ps->fds[ps->n].fd = fd;
	ps->fds[ps->n].events = events;
	ps->fds[ps->n].revents = 0;
	return (int)ps->n++;
}

short ioloop_pollset_revents(const struct ioloop_pollset *ps, int idx)
{
	if (idx < 0 || (unsigned)idx >= ps->n)
		return 0;
	return ps->fds[idx].revents;
}

static void ioloop_gc(struct ioloop *loop)
{
	for (struct ioloop_fd **pp = &loop->fds; *pp;) {
		struct ioloop_fd *h = *pp;

		if (h->dead) {
			*pp = h->next;
			free(h);
		} else {
			pp = &h->next;
		}
	}
	for (struct ioloop_timer **pp = &loop->timers; *pp;) {
		struct ioloop_timer *t = *pp;

		if (t->dead) {
			*pp = t->next;
			free(t);
		} else {
			pp = &t->next;
		}
	}
	for (struct ioloop_poller_ent **pp = &loop->pollers; *pp;) {
		struct ioloop_poller_ent *e = *pp;

		if (e->dead) {
			*pp = e->next;
			free(e);
		} else {
			pp = &e->next;
		}
	}
}

static int64_t ioloop_next_deadline(const struct ioloop *loop)
{
	int64_t d = INT64_MAX;

	for (const struct ioloop_timer *t = loop->timers; t; t = t->next)
		if (t->armed && !t->dead && t->deadline < d)
			d = t->deadline;
	return d;
}

static int ioloop_run_timers(struct ioloop *loop)
{
	int64_t now = host_clock_ns();
	int n = 0;

	/* One pass: a callback re-arming in the past runs again next iteration. */
	for (struct ioloop_timer *t = loop->timers; t; t = t->next) {
		if (t->armed && !t->dead && t->deadline <= now) {
			t->armed = false;
			t->cb(t->opaque);
			n++;
		}
	}
	return n;
}

int ioloop_run_once(struct ioloop *loop, int timeout_ms)
{
	struct ioloop_pollset *ps = &loop->ps;
	int64_t deadline, now, wait_ns;
	int poll_timeout_ms = timeout_ms;
	struct timespec ts;
	int n = 0, r;

	pthread_mutex_lock(loop->lock);
	ps->n = 0;
	ioloop_pollset_add(ps, loop->evfd, POLLIN);
	for (struct ioloop_fd *h = loop->fds; h; h = h->next)
		if (!h->dead && h->events)
			ioloop_pollset_add(ps, h->fd, h->events);
	/* fd handlers come first, in list order: remember which index is which */
	if (loop->ps_fd_cap < ps->n) {
		struct ioloop_fd **m = realloc(loop->ps_fd, ps->cap * sizeof(*m));

		if (m) {
			loop->ps_fd = m;
			loop->ps_fd_cap = ps->cap;
		}
	}
	{
		unsigned i = 1;

		for (struct ioloop_fd *h = loop->fds; h && i < loop->ps_fd_cap; h = h->next)
			if (!h->dead && h->events)
				loop->ps_fd[i++] = h;
	}
	unsigned nfd = ps->n;

	for (struct ioloop_poller_ent *e = loop->pollers; e; e = e->next)
		if (!e->dead)
			e->p.fill(e->p.opaque, ps, &poll_timeout_ms);

	now = host_clock_ns();
	deadline = ioloop_next_deadline(loop);
	if (poll_timeout_ms >= 0 && now + (int64_t)poll_timeout_ms * 1000000 < deadline)
		deadline = now + (int64_t)poll_timeout_ms * 1000000;
	wait_ns = deadline == INT64_MAX ? -1 : (deadline > now ? deadline - now : 0);
	loop->sleep_deadline = deadline;
	loop->sleeping = true;
	pthread_mutex_unlock(loop->lock);

	if (wait_ns >= 0) {
		ts.tv_sec = wait_ns / 1000000000;
		ts.tv_nsec = wait_ns % 1000000000;
	}
	r = ppoll(ps->fds, ps->n, wait_ns >= 0 ? &ts : NULL, NULL);

	pthread_mutex_lock(loop->lock);
	loop->sleeping = false;
	loop->sleep_deadline = INT64_MAX;
	if (r > 0 && (ps->fds[0].revents & POLLIN)) {
		uint64_t v;
		ssize_t rr = read(loop->evfd, &v, sizeof(v));

		(void)rr;
	}
	if (r > 0) {
		for (unsigned i = 1; i < nfd && i < loop->ps_fd_cap; i++) {
			struct ioloop_fd *h = loop->ps_fd[i];
			short rev = ps->fds[i].revents;

			if (rev && !h->dead) {
				h->cb(h->opaque, rev);
				n++;
			}
		}
	}
	for (struct ioloop_poller_ent *e = loop->pollers; e; e = e->next)
		if (!e->dead)
			e->p.dispatch(e->p.opaque, ps, r < 0);
	n += ioloop_run_timers(loop);
	ioloop_gc(loop);
	pthread_mutex_unlock(loop->lock);
	return n;
}

static void *ioloop_thread(void *arg)
{
	struct ioloop *loop = arg;

	while (!atomic_load(&loop->stop))
		ioloop_run_once(loop, -1);
	return NULL;
}

int ioloop_start(struct ioloop *loop)
{
	int err;

	if (loop->started)
		return 0;
	atomic_store(&loop->stop, false);
	err = pthread_create(&loop->thread, NULL, ioloop_thread, loop);
	if (err)
		return -err;
	loop->started = true;
	return 0;
}

void ioloop_stop(struct ioloop *loop)
{
	if (!loop->started)
		return;
	atomic_store(&loop->stop, true);
	ioloop_kick(loop);
	pthread_join(loop->thread, NULL);
	loop->started = false;
}

void ioloop_free(struct ioloop *loop)
{
	if (!loop)
		return;
	ioloop_stop(loop);
	while (loop->fds) {
		struct ioloop_fd *h = loop->fds;

		loop->fds = h->next;
		free(h);
	}
	while (loop->timers) {
		struct ioloop_timer *t = loop->timers;

		loop->timers = t->next;
		free(t);
	}
	while (loop->pollers) {
		struct ioloop_poller_ent *e = loop->pollers;

		loop->pollers = e->next;
		free(e);
	}
	free(loop->ps.fds);
	free(loop->ps_fd);
	close(loop->evfd);
	free(loop);
}

struct ioloop_fd *ioloop_fd_add(struct ioloop *loop, int fd, short events,
				void (*cb)(void *opaque, short revents), void *opaque)
{
	struct ioloop_fd *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->loop = loop;
	h->fd = fd;
	h->events = events;
	h->cb = cb;
	h->opaque = opaque;
	h->next = loop->fds;
	loop->fds = h;
	ioloop_changed(loop, INT64_MIN);
	return h;
}

void ioloop_fd_set_events(struct ioloop_fd *h, short events)
{
	if (h->events == events)
		return;
	h->events = events;
	ioloop_changed(h->loop, INT64_MIN);
}

void ioloop_fd_remove(struct ioloop_fd *h)
{
	if (h)
		h->dead = true;
}

struct ioloop_timer *ioloop_timer_new(struct ioloop *loop, void (*cb)(void *opaque), void *opaque)
{
	struct ioloop_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->loop = loop;
	t->cb = cb;
	t->opaque = opaque;
	t->next = loop->timers;
	loop->timers = t;
	return t;
}

void ioloop_timer_mod(struct ioloop_timer *t, int64_t deadline_ns)
{
	t->deadline = deadline_ns;
	t->armed = true;
	ioloop_changed(t->loop, deadline_ns);
}

void ioloop_timer_del(struct ioloop_timer *t)
{
	t->armed = false;
}

bool ioloop_timer_pending(const struct ioloop_timer *t, int64_t *deadline_ns)
{
	if (t->armed && deadline_ns)
		*deadline_ns = t->deadline;
	return t->armed;
}

void ioloop_timer_free(struct ioloop_timer *t)
{
	if (!t)
		return;
	t->armed = false;
	t->dead = true;
}

int ioloop_poller_add(struct ioloop *loop, const struct ioloop_poller *p)
{
	struct ioloop_poller_ent *e = calloc(1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	e->p = *p;
	e->key = p;
	e->next = loop->pollers;
	loop->pollers = e;
	ioloop_changed(loop, INT64_MIN);
	return 0;
}

void ioloop_poller_remove(struct ioloop *loop, const struct ioloop_poller *p)
{
	for (struct ioloop_poller_ent *e = loop->pollers; e; e = e->next)
		if (e->key == p)
			e->dead = true;
}
