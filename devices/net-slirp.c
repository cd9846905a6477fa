/*
 * User-mode NAT networking through libslirp (the library QEMU's "-net user"
 * uses): the guest talks Ethernet to a virtual router at 10.0.2.2 that
 * terminates its TCP/UDP in host sockets, serves DHCP and forwards DNS.
 *
 * slirp is not thread-safe: every call into it (slirp_input from the device,
 * the poll loop, its timers) runs with the device lock held -- the I/O loop
 * holds it around its callbacks and devices hold it when they send.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libslirp.h>

#include "morph/bus.h"
#include "morph/hostdev.h"

struct netdev_user {
	struct netdev nd;
	struct ioloop *loop;
	Slirp *slirp;
	struct ioloop_poller poller;
};

struct user_timer {
	struct ioloop_timer *t;
	SlirpTimerCb cb;
	void *cb_opaque;
};

static ssize_t user_send_packet(const void *buf, size_t len, void *opaque)
{
	struct netdev_user *u = opaque;

	netdev_deliver(&u->nd, buf, len);
	return (ssize_t)len;
}

static void user_guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	bus_guest_error("slirp", "%s", msg);
}

static int64_t user_clock_get_ns(void *opaque)
{
	(void)opaque;
	return host_clock_ns();
}

static void user_timer_fire(void *opaque)
{
	struct user_timer *ut = opaque;

	ut->cb(ut->cb_opaque);
}

static void *user_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct netdev_user *u = opaque;
	struct user_timer *ut = calloc(1, sizeof(*ut));

	if (!ut)
		abort(); /* slirp cannot handle a failure here */
	ut->cb = cb;
	ut->cb_opaque = cb_opaque;
	ut->t = ioloop_timer_new(u->loop, user_timer_fire, ut);
	if (!ut->t)
		abort();
	return ut;
}

static void user_timer_free(void *timer, void *opaque)
{
	struct user_timer *ut = timer;

	(void)opaque;
	ioloop_timer_free(ut->t);
	free(ut);
}

static void user_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct user_timer *ut = timer;

	(void)opaque;
	ioloop_timer_mod(ut->t, expire_ms * 1000000);
}

static void user_register_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque; /* fds are collected at every iteration by slirp_pollfds_fill() */
}

static void user_notify(void *opaque)
{
	struct netdev_user *u = opaque;

	ioloop_kick(u->loop);
}

static const SlirpCb user_callbacks = {
    .send_packet = user_send_packet,
    .guest_error = user_guest_error,
    .clock_get_ns = user_clock_get_ns,
    .timer_new = user_timer_new,
    .timer_free = user_timer_free,
    .timer_mod = user_timer_mod,
    .register_poll_fd = user_register_poll_fd,
    .unregister_poll_fd = user_register_poll_fd,
    .notify = user_notify,
};

static int user_add_poll(int fd, int events, void *opaque)
{
	short ev = 0;

	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	return ioloop_pollset_add(opaque, fd, ev);
}

static int user_get_revents(int idx, void *opaque)
{
	short rev = ioloop_pollset_revents(opaque, idx);
	int ev = 0;

	if (rev & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (rev & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (rev & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (rev & POLLERR)
		ev |= SLIRP_POLL_ERR;
	if (rev & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

static void user_fill(void *opaque, struct ioloop_pollset *ps, int *timeout_ms)
{
	struct netdev_user *u = opaque;
	uint32_t t = *timeout_ms < 0 ? UINT32_MAX : (uint32_t)*timeout_ms;

	slirp_pollfds_fill(u->slirp, &t, user_add_poll, ps);
	if (t != UINT32_MAX && (*timeout_ms < 0 || t < (uint32_t)*timeout_ms))
		*timeout_ms = t > INT32_MAX ? INT32_MAX : (int)t;
}

static void user_dispatch(void *opaque, struct ioloop_pollset *ps, bool poll_error)
{
	struct netdev_user *u = opaque;

	slirp_pollfds_poll(u->slirp, poll_error, user_get_revents, ps);
}

static int user_send(struct netdev *nd, const uint8_t *frame, size_t len)
{
	struct netdev_user *u = (struct netdev_user *)nd;

	if (len > 65536)
		return -EMSGSIZE;
	slirp_input(u->slirp, frame, (int)len);
	return 0;
}

static void user_close(struct netdev *nd)
{
	struct netdev_user *u = (struct netdev_user *)nd;

	ioloop_poller_remove(u->loop, &u->poller);
	slirp_cleanup(u->slirp);
	free(u);
}

static const struct netdev_ops user_ops = {
    .send = user_send,
    .close = user_close,
};

struct netdev *netdev_user_new(struct ioloop *loop, const struct netdev_user_opts *opts, char *err,
			       size_t errlen)
{
	SlirpConfig cfg = {.version = 4};
	struct netdev_user *u;

	u = calloc(1, sizeof(*u));
	if (!u) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	u->nd.ops = &user_ops;
	u->loop = loop;
	cfg.restricted = opts->restrict_net;
	cfg.in_enabled = true;
	inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
	inet_pton(AF_INET, "255.255.255.0", &cfg.vnetmask);
	inet_pton(AF_INET, "10.0.2.2", &cfg.vhost);
	inet_pton(AF_INET, "10.0.2.15", &cfg.vdhcp_start);
	inet_pton(AF_INET, "10.0.2.3", &cfg.vnameserver);
	cfg.in6_enabled = opts->ipv6;
	inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
	cfg.vprefix_len = 64;
	inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
	inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);
	cfg.vhostname = "morph";
	u->slirp = slirp_new(&cfg, &user_callbacks, u);
	if (!u->slirp) {
		snprintf(err, errlen, "libslirp failed to start");
		free(u);
		return NULL;
	}
	for (unsigned i = 0; i < opts->nhostfwd; i++) {
		const struct netdev_hostfwd *f = &opts->hostfwd[i];
		struct in_addr h = {f->host_addr}, g = {f->guest_addr};

		if (slirp_add_hostfwd(u->slirp, f->udp, h, f->host_port, g, f->guest_port) < 0) {
			char hs[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &h, hs, sizeof(hs));
			snprintf(err, errlen, "hostfwd %s:%s:%u: cannot listen (port in use?)",
				 f->udp ? "udp" : "tcp", hs, f->host_port);
			slirp_cleanup(u->slirp);
			free(u);
			return NULL;
		}
	}
	u->poller.fill = user_fill;
	u->poller.dispatch = user_dispatch;
	u->poller.opaque = u;
	if (ioloop_poller_add(loop, &u->poller) < 0) {
		snprintf(err, errlen, "out of memory");
		slirp_cleanup(u->slirp);
		free(u);
		return NULL;
	}
	return &u->nd;
}

/* ---------------------------------------------------------- option parsing */

static int parse_port(const char *s, size_t n, uint16_t *port)
{
	unsigned long v = 0;

	if (n == 0 || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int parse_addr(const char *s, size_t n, uint32_t dflt, uint32_t *addr)
{
	char buf[INET_ADDRSTRLEN];
	struct in_addr a;

	if (n == 0) {
		*addr = dflt;
		return 0;
	}
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	*addr = a.s_addr;
	return 0;
}

/* "[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT" */
static int parse_hostfwd(const char *s, size_t n, struct netdev_hostfwd *f)
{
	const char *end = s + n, *c1, *c2, *dash, *c3;

	c1 = memchr(s, ':', n);
	if (!c1)
		return -1;
	if (c1 == s + 3 && !memcmp(s, "udp", 3))
		f->udp = true;
	else if ((c1 == s + 3 && !memcmp(s, "tcp", 3)) || c1 == s)
		f->udp = false;
	else
		return -1;
	c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
	if (!c2)
		return -1;
	dash = memchr(c2 + 1, '-', (size_t)(end - c2 - 1));
	if (!dash)
		return -1;
	c3 = memchr(dash + 1, ':', (size_t)(end - dash - 1));
	if (!c3)
		return -1;
	if (parse_addr(c1 + 1, (size_t)(c2 - c1 - 1), htonl(0x7f000001), &f->host_addr) ||
	    parse_port(c2 + 1, (size_t)(dash - c2 - 1), &f->host_port) ||
	    parse_addr(dash + 1, (size_t)(c3 - dash - 1), htonl(0x0a00020f), &f->guest_addr) ||
	    parse_port(c3 + 1, (size_t)(end - c3 - 1), &f->guest_port))
		return -1;
	return 0;
}

static int parse_onoff(const char *v, size_t n, bool *out)
{
	if ((n == 2 && !memcmp(v, "on", 2)) || (n == 3 && !memcmp(v, "yes", 3))) {
		*out = true;
		return 0;
	}
	if ((n == 3 && !memcmp(v, "off", 3)) || (n == 2 && !memcmp(v, "no", 2))) {
		*out = false;
		return 0;
	}
	return -1;
}

int netdev_user_parse(const char *spec, struct netdev_user_opts *opts, char *err, size_t errlen)
{
	const char *p = spec;

	memset(opts, 0, sizeof(*opts));
	opts->ipv6 = true;
	if (strncmp(p, "user", 4) != 0 || (p[4] && p[4] != ',')) {
		snprintf(err, errlen, "net '%s': only 'user' networking is supported", spec);
		return -EINVAL;
	}
	p += 4;
	while (*p == ',') {
		const char *opt = ++p, *eq;
		size_t len, klen, vlen;
		const char *val;

		while (*p && *p != ',')
			p++;
		len = (size_t)(p - opt);
		eq = memchr(opt, '=', len);
		if (!eq)
			goto bad_opt;
		klen = (size_t)(eq - opt);
		val = eq + 1;
		vlen = (size_t)(opt + len - val);
		if (klen == 7 && !memcmp(opt, "hostfwd", 7)) {
			if (opts->nhostfwd == NETDEV_MAX_HOSTFWD) {
				snprintf(err, errlen, "net '%s': more than %d hostfwd rules", spec,
					 NETDEV_MAX_HOSTFWD);
				return -EINVAL;
			}
			if (parse_hostfwd(val, vlen, &opts->hostfwd[opts->nhostfwd]) < 0) {
				snprintf(err, errlen,
					 "net: bad hostfwd '%.*s' (expected "
					 "[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT)",
					 (int)vlen, val);
				return -EINVAL;
			}
			opts->nhostfwd++;
		} else if (klen == 8 && !memcmp(opt, "restrict", 8)) {
			if (parse_onoff(val, vlen, &opts->restrict_net) < 0)
				goto bad_opt;
		} else if (klen == 4 && !memcmp(opt, "ipv6", 4)) {
			if (parse_onoff(val, vlen, &opts->ipv6) < 0)
				goto bad_opt;
		} else {
			goto bad_opt;
		}
		continue;
	bad_opt:
		snprintf(err, errlen,
			 "net '%s': bad option '%.*s' (expected hostfwd=..., "
			 "restrict=on|off, ipv6=on|off)",
			 spec, (int)len, opt);
		return -EINVAL;
	}
	if (*p) {
		snprintf(err, errlen, "net '%s': trailing characters", spec);
		return -EINVAL;
	}
	return 0;
}
