/*
 * Waiting for file descriptors: poll/ppoll, select/pselect6, epoll.
 * Calls that take a signal mask run under lx_with_temp_mask() so a signal
 * cannot slip in between the pending check and the wait.
 *
 * struct epoll_event is packed on x86-64 (12 bytes) but naturally aligned
 * (16 bytes) on every other architecture, so events are always converted.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "src/linux-user/lx.h"

#define GUEST_EPOLL_EVENT 16

static void swap_pollfds(struct pollfd *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		p[i].fd = (int)__builtin_bswap32((uint32_t)p[i].fd);
		p[i].events = (short)__builtin_bswap16((uint16_t)p[i].events);
		p[i].revents = (short)__builtin_bswap16((uint16_t)p[i].revents);
	}
}

struct poll_args {
	struct pollfd *fds;
	nfds_t n;
	const struct timespec *ts;
};

static int64_t wait_ppoll(const sigset_t *hmask, void *arg)
{
	struct poll_args *p = arg;
	int r = ppoll(p->fds, p->n, p->ts, hmask);
	return r < 0 ? -errno : r;
}

static int64_t do_ppoll(struct lx_thread *t, uint64_t gfds, uint64_t n, const struct timespec *ts,
			uint64_t gmask, uint64_t masksz)
{
	struct poll_args p = { .n = n, .ts = ts };
	uint64_t set[2];
	int64_t r;

	if (n > 65536)
		return -EINVAL;
	p.fds = lx_lock(gfds, n * sizeof(struct pollfd), GS_PROT_READ | GS_PROT_WRITE);
	if (!p.fds && n)
		return -EFAULT;
	if (lx.be)
		swap_pollfds(p.fds, n);
	if (gmask) {
		if (masksz != lx.abi->nsig / 8)
			r = -EINVAL;
		else if (lx_get_sigset(gmask, masksz, set) < 0)
			r = -EFAULT;
		else
			r = lx_with_temp_mask(t, set, wait_ppoll, &p);
	} else {
		r = LX_SAFE(SYS_ppoll, p.fds, p.n, ts, NULL, 0, 0);
	}
	if (lx.be)
		swap_pollfds(p.fds, n);
	return r;
}

static int64_t ppoll_common(struct lx_thread *t, uint64_t *a, bool t64)
{
	struct timespec ts;

	if (a[2] && (t64 ? lx_get_timespec64(a[2], &ts) : lx_get_timespec(a[2], &ts)) < 0)
		return -EFAULT;
	return do_ppoll(t, a[0], a[1], a[2] ? &ts : NULL, a[3], a[4]);
}

LX_SYSCALL(ppoll)
{
	return ppoll_common(t, a, false);
}

LX_SYSCALL(ppoll_time64)
{
	return ppoll_common(t, a, true);
}

LX_SYSCALL(poll)
{
	int ms = (int)a[2];
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	return do_ppoll(t, a[0], a[1], ms < 0 ? NULL : &ts, 0, 0);
}

/* ---- select ---- */

struct select_args {
	int n;
	fd_set *in, *out, *ex;
	struct timespec *ts;
};

static int64_t wait_pselect(const sigset_t *hmask, void *arg)
{
	struct select_args *s = arg;
	long r;

	if (hmask)
		r = syscall(SYS_pselect6, s->n, s->in, s->out, s->ex, s->ts,
			    (long[]){ (long)hmask, 8 });
	else
		return LX_SAFE(SYS_pselect6, s->n, s->in, s->out, s->ex, s->ts, NULL);
	return r < 0 ? -errno : r;
}

static fd_set *fdset_arg(uint64_t g, int n, int *err)
{
	/* an fd_set of guest words has the same bytes as the host's for a little-endian guest */
	uint64_t bytes = ((uint64_t)n + 63) / 64 * 8;

	if (!g)
		return NULL;
	if (lx.be) {
		*err = -ENOSYS;
		return NULL;
	}
	if (!lx_lock(g, bytes, GS_PROT_READ | GS_PROT_WRITE)) {
		*err = -EFAULT;
		return NULL;
	}
	return g2h(g);
}

static int64_t do_select(struct lx_thread *t, uint64_t *a, struct timespec *ts, bool have_mask,
			 const uint64_t set[2])
{
	struct select_args s = { .n = (int)a[0], .ts = ts };
	int err = 0;

	if (s.n < 0 || s.n > 65536)
		return -EINVAL;
	s.in = fdset_arg(a[1], s.n, &err);
	s.out = fdset_arg(a[2], s.n, &err);
	s.ex = fdset_arg(a[3], s.n, &err);
	if (err)
		return err;
	if (have_mask)
		return lx_with_temp_mask(t, set, wait_pselect, &s);
	return wait_pselect(NULL, &s);
}

static int64_t pselect_common(struct lx_thread *t, uint64_t *a, bool t64)
{
	struct timespec ts;
	uint64_t set[2], ss = 0, sslen = 0;
	uint8_t b[16];
	int64_t r;

	if (a[4] && (t64 ? lx_get_timespec64(a[4], &ts) : lx_get_timespec(a[4], &ts)) < 0)
		return -EFAULT;
	if (a[5]) {
		/* struct { const sigset_t *ss; size_t ss_len; } */
		if (lx_copy_from_guest(b, a[5], 2 * lx.wordsz) < 0)
			return -EFAULT;
		ss = lx_ldw(b);
		sslen = lx_ldw(b + lx.wordsz);
		if (ss) {
			if (sslen != lx.abi->nsig / 8)
				return -EINVAL;
			if (lx_get_sigset(ss, sslen, set) < 0)
				return -EFAULT;
		}
	}
	r = do_select(t, a, a[4] ? &ts : NULL, ss != 0, set);
	/* pselect6 reports the time left */
	if (a[4] && r >= 0)
		t64 ? lx_put_timespec64(a[4], &ts) : lx_put_timespec(a[4], &ts);
	return r;
}

LX_SYSCALL(pselect6)
{
	return pselect_common(t, a, false);
}

LX_SYSCALL(pselect6_time64)
{
	return pselect_common(t, a, true);
}

LX_SYSCALL(select)
{
	struct timeval tv;
	struct timespec ts;
	int64_t r;

	if (a[4]) {
		if (lx_get_timeval(a[4], &tv) < 0)
			return -EFAULT;
		ts.tv_sec = tv.tv_sec;
		ts.tv_nsec = tv.tv_usec * 1000;
	}
	r = do_select(t, a, a[4] ? &ts : NULL, false, NULL);
	if (a[4] && r >= 0) {
		tv.tv_sec = ts.tv_sec;
		tv.tv_usec = ts.tv_nsec / 1000;
		lx_put_timeval(a[4], &tv);
	}
	return r;
}

/* ---- epoll ---- */

LX_SYSCALL(epoll_create1)
{
	return lx_ret(epoll_create1(lx_open_flags_in((uint32_t)a[0])));
}

LX_SYSCALL(epoll_create)
{
	if ((int)a[0] <= 0)
		return -EINVAL;
	return lx_ret(epoll_create1(0));
}

LX_SYSCALL(epoll_ctl)
{
	struct epoll_event ev;
	uint8_t b[GUEST_EPOLL_EVENT];

	memset(&ev, 0, sizeof(ev));
	if (a[3]) {
		if (lx_copy_from_guest(b, a[3], sizeof(b)) < 0)
			return -EFAULT;
		ev.events = lx_ld32(b);
		ev.data.u64 = lx_ld64(b + 8);
	}
	return lx_ret(epoll_ctl((int)a[0], (int)a[1], (int)a[2], a[3] ? &ev : NULL));
}

struct epoll_args {
	int epfd, max;
	struct epoll_event *ev;
	int timeout_ms;
	const struct timespec *ts;
	bool use_ts;
};

static int64_t wait_epoll(const sigset_t *hmask, void *arg)
{
	struct epoll_args *e = arg;
	int r;

	if (!hmask)
		return e->use_ts ? LX_SAFE(SYS_epoll_pwait2, e->epfd, e->ev, e->max, e->ts, NULL, 8)
				 : LX_SAFE(SYS_epoll_pwait, e->epfd, e->ev, e->max, e->timeout_ms,
					   NULL, 8);
	if (e->use_ts)
		r = (int)syscall(SYS_epoll_pwait2, e->epfd, e->ev, e->max, e->ts, hmask, 8);
	else
		r = epoll_pwait(e->epfd, e->ev, e->max, e->timeout_ms, hmask);
	return r < 0 ? -errno : r;
}

static int64_t do_epoll_wait(struct lx_thread *t, uint64_t *a, int timeout_ms,
			     const struct timespec *ts, bool use_ts, uint64_t gmask, uint64_t msz)
{
	struct epoll_args e = { .epfd = (int)a[0], .max = (int)a[2], .timeout_ms = timeout_ms,
				.ts = ts, .use_ts = use_ts };
	uint64_t set[2];
	int64_t r;

	if (e.max <= 0 || e.max > 65536)
		return -EINVAL;
	if (!lx_lock(a[1], (uint64_t)e.max * GUEST_EPOLL_EVENT, GS_PROT_WRITE))
		return -EFAULT;
	e.ev = calloc((size_t)e.max, sizeof(*e.ev));
	if (!e.ev)
		return -ENOMEM;
	if (gmask) {
		if (msz != lx.abi->nsig / 8)
			r = -EINVAL;
		else if (lx_get_sigset(gmask, msz, set) < 0)
			r = -EFAULT;
		else
			r = lx_with_temp_mask(t, set, wait_epoll, &e);
	} else {
		r = wait_epoll(NULL, &e);
	}
	for (int64_t i = 0; i < r; i++) {
		uint8_t b[GUEST_EPOLL_EVENT];
		memset(b, 0, sizeof(b));
		lx_st32(b, e.ev[i].events);
		lx_st64(b + 8, e.ev[i].data.u64);
		memcpy(g2h(a[1] + (uint64_t)i * GUEST_EPOLL_EVENT), b, sizeof(b));
	}
	free(e.ev);
	return r;
}

LX_SYSCALL(epoll_pwait)
{
	return do_epoll_wait(t, a, (int)a[3], NULL, false, a[4], a[5]);
}

LX_SYSCALL(epoll_wait)
{
	return do_epoll_wait(t, a, (int)a[3], NULL, false, 0, 0);
}

LX_SYSCALL(epoll_pwait2)
{
	struct timespec ts;

	if (a[3] && lx_get_timespec64(a[3], &ts) < 0)
		return -EFAULT;
	return do_epoll_wait(t, a, 0, a[3] ? &ts : NULL, true, a[4], a[5]);
}
